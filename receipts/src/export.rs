//! The export: one record per receipt, as CSV (a header row, categories space-separated) or as
//! a JSON array (one receipt object per line).

use crate::receipt::Receipt;
use std::io::Write;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of receipt objects.
    Json,
}

/// An unknown format name.
#[derive(Debug, thiserror::Error)]
#[error("format {0:?}: csv or json")]
pub struct UnknownFormat(String);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        match s {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("writing the export: {0}")]
    Csv(#[from] csv::Error),
    /// Serialising failed.
    #[error("writing the export: {0}")]
    Json(#[from] serde_json::Error),
}

/// The CSV header, in the contract's order.
pub const CSV_HEADER: [&str; 11] = [
    "id",
    "site",
    "revision",
    "declaration_sha256",
    "granted",
    "refused",
    "method",
    "lang",
    "banner",
    "at",
    "received",
];

/// Writes receipts in a format.
pub fn write(
    receipts: &[Receipt],
    format: Format,
    out: &mut impl Write,
) -> Result<(), ExportError> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(CSV_HEADER)?;
            for r in receipts {
                w.write_record([
                    r.id.as_str(),
                    &r.site,
                    &r.revision,
                    &r.declaration_sha256,
                    &r.granted.join(" "),
                    &r.refused.join(" "),
                    r.method.as_str(),
                    &r.lang,
                    &r.banner,
                    &r.at,
                    &r.received,
                ])?;
            }
            w.flush()?;
        }
        Format::Json => {
            out.write_all(b"[")?;
            for (i, r) in receipts.iter().enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, r)?;
            }
            out.write_all(b"\n]\n")?;
        }
    }
    Ok(())
}
