//! The `kapsel_consent` cookie: `1~<categories joined by '.'>~<unix seconds>~<percent-encoded
//! revision>~<receipt id>~<check>` (the receipt id, a UUID, is the receipts module's, `js/receipts.js`:
//! it reads it back from the cookie; it may be empty, and a record written before receipts has no
//! such field), where the check is the FNV-1a hash (8 hex digits) of everything before it.
//! Decoding is strict: any deviation (unknown category, missing `necessary`, a bad number, a wrong
//! check) is treated as no consent at all.

use crate::buf::Buf;
use crate::mask;

/// The cookie's name.
pub const NAME: &str = "kapsel_consent";

/// A decoded consent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The granted categories (always including necessary).
    pub mask: u8,
    /// When the choice was made, in seconds since the Unix epoch.
    pub time: u64,
    /// The declaration revision, percent-encoded as stored.
    pub revision: &'a str,
}

/// Encodes a choice as the cookie value.
pub fn encode(granted: u8, time: u64, revision: &str, id: &str) -> Buf {
    let mut out = Buf::from("1~");
    let mut sep = "";
    for cat in mask::categories(granted | mask::NECESSARY) {
        out.add(sep).add(cat.id());
        sep = ".";
    }
    out.byte(b'~').decimal(time).byte(b'~');
    percent(&mut out, revision);
    out.byte(b'~').add(id);
    let check = fnv(&out);
    out.byte(b'~');
    push_hex(&mut out, check);
    out
}

/// Decodes a cookie value; `None` for anything that is not exactly what [`encode`] writes.
pub fn decode(value: &str) -> Option<Record<'_>> {
    let cut = value.len().checked_sub(9)?;
    let (body, check) = value.split_at_checked(cut)?;
    let mut expected = Buf::from("~");
    push_hex(&mut expected, fnv(body));
    if check != &*expected {
        return None;
    }
    let mut fields = crate::bytes::split(body, b'~');
    if fields.next()? != "1" {
        return None;
    }
    let cats = fields.next()?;
    let time = fields.next()?;
    let revision = fields.next()?;
    // The receipt id (see the module documentation).
    fields.next();
    if fields.next().is_some() {
        return None;
    }
    let mut granted = 0;
    for id in crate::bytes::split(cats, b'.') {
        granted |= mask::from_id(id)?;
    }
    // The revision is compared in its encoded form (see `is_current`); the check covers the rest.
    if granted & mask::NECESSARY == 0 {
        return None;
    }
    Some(Record {
        mask: granted,
        time: parse_decimal(time)?,
        revision,
    })
}

/// Whether a record is still valid for a declaration revision, lifetime and the current time.
/// A record from the future (more than a day ahead) is treated as tampered.
pub fn is_current(record: &Record, revision: &str, lifetime_days: u32, now: u64) -> bool {
    let mut encoded = Buf::new();
    percent(&mut encoded, revision);
    record.revision == &*encoded
        && record.time <= now + 86_400
        && now.saturating_sub(record.time) < u64::from(lifetime_days) * 86_400
}

fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// Appends `s` percent-encoded: every byte but ASCII letters, digits, `-`, `_` and `.`.
pub fn percent(out: &mut Buf, s: &str) {
    for &c in s.as_bytes() {
        if unreserved(c) {
            out.byte(c);
        } else {
            out.byte(b'%')
                .byte(hex_digit(c >> 4))
                .byte(hex_digit(c & 15));
        }
    }
}

fn hex_digit(n: u8) -> u8 {
    if n < 10 {
        b'0' + n
    } else {
        b'a' + n - 10
    }
}

/// FNV-1a, 32 bits.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn push_hex(out: &mut Buf, v: u32) {
    for shift in (0..8).rev() {
        out.byte(hex_digit((v >> (shift * 4)) as u8 & 15));
    }
}

/// Parses 1 to 15 decimal digits.
pub fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, c| {
        if c.is_ascii_digit() {
            Some(acc * 10 + u64::from(c - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn round_trip() {
        let id = "0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f";
        let v = encode(mask::STATISTICS, 1_790_000_000, "2026-11-01 b", id);
        assert!(v.starts_with("1~necessary.statistics~1790000000~2026-11-01%20b~0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f~"));
        let r = decode(&v).expect("decodes");
        // A record from before receipts (no id field) still counts.
        let old = "1~necessary~1790000000~r1";
        let mut v = Buf::from(old);
        v.byte(b'~');
        push_hex(&mut v, fnv(old));
        assert!(decode(&v).is_some());
        assert_eq!(r.mask, mask::NECESSARY | mask::STATISTICS);
        assert_eq!(r.time, 1_790_000_000);
        assert!(is_current(&r, "2026-11-01 b", 180, 1_790_000_000 + 86_400));
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (10, "10"),
            (u64::MAX, "18446744073709551615"),
        ] {
            assert_eq!(Buf::new().decimal(n).as_str(), text);
        }
    }

    #[wasm_bindgen_test]
    fn tampering_fails_closed() {
        let v = encode(mask::NECESSARY, 1_790_000_000, "r1", "");
        let forged = v.replace("necessary", "necessary.marketing");
        assert_eq!(decode(&forged), None);
        assert_eq!(decode("1~necessary.marketing~1790000000~r1~00000000"), None);
        assert_eq!(decode(""), None);
        assert_eq!(decode("garbage"), None);
        // A correct check over a record without `necessary` is still refused.
        let body = "1~marketing~1790000000~r1";
        let mut v = Buf::from(body);
        v.byte(b'~');
        push_hex(&mut v, fnv(body));
        assert_eq!(decode(&v), None);
    }

    #[wasm_bindgen_test]
    fn revision_change_and_expiry_ask_again() {
        let v = encode(mask::ALL, 1_000_000, "a", "x");
        let r = decode(&v).expect("decodes");
        assert!(is_current(&r, "a", 180, 1_000_000));
        assert!(!is_current(&r, "b", 180, 1_000_000));
        assert!(!is_current(&r, "a", 180, 1_000_000 + 180 * 86_400));
        assert!(!is_current(&r, "a", 180, 1_000_000 - 2 * 86_400));
    }
}
