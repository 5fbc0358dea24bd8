//! The storage interface, one trait for both stores: [`crate::sqlite`] (embedded, a file) and
//! [`crate::pg`] (PostgreSQL, for several instances). Calls block: the server makes them on
//! tokio's blocking threads.

use crate::receipt::Receipt;

/// A store that could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    /// A stored row that does not read back as a receipt.
    #[error("a stored receipt does not read back: {0}")]
    Corrupt(String),
    /// The `--db` value names no store.
    #[error("--db {0}: neither a postgres:// URL nor a file path")]
    Location(String),
}

/// What [`Store::insert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// A new receipt.
    New,
    /// The same receipt (id and browser time) was already there: nothing changed.
    Duplicate,
}

/// Which receipts an export holds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this site.
    pub site: Option<String>,
    /// Only receipts received at or after this time (RFC 3339, UTC, as stored).
    pub since: Option<String>,
}

/// Where receipts and the declarations they refer to are kept.
pub trait Store: Send + Sync {
    /// Stores a receipt and, when given, the declaration it was made under (kept once per hash),
    /// both in one transaction that is durable when this returns. Idempotent on (id, at).
    fn insert(&self, receipt: &Receipt, declaration: Option<&str>) -> Result<Inserted, StoreError>;
    /// Every receipt with this id (a visitor's choices and withdrawals), oldest first.
    fn receipts(&self, id: &str) -> Result<Vec<Receipt>, StoreError>;
    /// A declaration by its SHA-256.
    fn declaration(&self, sha256: &str) -> Result<Option<String>, StoreError>;
    /// The receipts a filter selects, in order of receipt.
    fn export(&self, filter: &Filter) -> Result<Vec<Receipt>, StoreError>;
    /// Deletes receipts received before `before` (RFC 3339, UTC) and the declarations no receipt
    /// refers to any more; returns how many receipts went.
    fn prune(&self, before: &str) -> Result<u64, StoreError>;
    /// How many receipts are stored.
    fn count(&self) -> Result<u64, StoreError>;
}

/// Opens the store a `--db` value names: `postgres://…` or `postgresql://…` for PostgreSQL,
/// anything else is a SQLite file (created when missing).
pub fn open(db: &str) -> Result<Box<dyn Store>, StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(Box::new(crate::pg::PgStore::open(db)?))
    } else if db.is_empty() {
        Err(StoreError::Location(db.to_string()))
    } else {
        Ok(Box::new(crate::sqlite::SqliteStore::open(
            std::path::Path::new(db),
        )?))
    }
}

/// Joins category ids for a column.
pub(crate) fn join(ids: &[String]) -> String {
    ids.join(" ")
}

/// Splits a column back into category ids.
pub(crate) fn split(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// The columns in the order both stores select them.
pub(crate) const COLUMNS: &str =
    "id, site, revision, declaration_sha256, granted, refused, method, lang, banner, at, received";

/// The tables, in SQL both stores accept.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS declarations (
    sha256 TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    site TEXT NOT NULL,
    revision TEXT NOT NULL,
    declaration_sha256 TEXT NOT NULL,
    granted TEXT NOT NULL,
    refused TEXT NOT NULL,
    method TEXT NOT NULL,
    lang TEXT NOT NULL,
    banner TEXT NOT NULL,
    received TEXT NOT NULL,
    PRIMARY KEY (id, at)
);
CREATE INDEX IF NOT EXISTS receipts_received ON receipts (received);
";

/// Builds a receipt from a row's texts in [`COLUMNS`] order.
pub(crate) fn row(cols: [String; 11]) -> Result<Receipt, StoreError> {
    let [id, site, revision, declaration_sha256, granted, refused, method, lang, banner, at, received] =
        cols;
    let method = crate::receipt::Method::parse(&method)
        .ok_or_else(|| StoreError::Corrupt(format!("{id}: method {method:?}")))?;
    Ok(Receipt {
        id,
        site,
        revision,
        declaration_sha256,
        granted: split(&granted),
        refused: split(&refused),
        method,
        lang,
        banner,
        at,
        received,
    })
}
