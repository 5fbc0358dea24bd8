//! The `kapsel_consent` cookie: `1~<categories joined by '.'>~<unix seconds>~<percent-encoded
//! revision>~<receipt id>~<check>` (the receipt id, a UUID, is the receipts module's, `js/receipts.js`:
//! it reads it back from the cookie; it may be empty, and a record written before receipts has no
//! such field), where the check is the FNV-1a hash (8 hex digits) of everything before it.
//! The bootstrap reads it back (`js/stored-choice.js`, which the guard shares) strictly: any
//! deviation (unknown category, missing `necessary`, a bad number, a wrong check) is no consent.

use crate::buf::Buf;
use crate::mask;

/// The cookie's name.
pub const NAME: &str = "kapsel_consent";

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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// What the bootstrap and the guard read back (`js/stored-choice.js`, tested end to end in
    /// `tests/tests/guard.rs` against both): the fields, the revision percent-encoded, the check.
    #[wasm_bindgen_test]
    fn encodes_the_fields_and_their_check() {
        let id = "0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f";
        let v = encode(mask::STATISTICS, 1_790_000_000, "2026-11-01 b/ø", id);
        let body = "1~necessary.statistics~1790000000~2026-11-01%20b%2f%c3%b8~0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f";
        assert!(v.starts_with(body), "{}", &*v);
        let mut check = Buf::from("~");
        push_hex(&mut check, fnv(body));
        assert_eq!(&v[body.len()..], &*check);
        assert_eq!(v.len(), body.len() + 9);
        assert_eq!(fnv(""), 0x811c_9dc5);
        assert_eq!(fnv("a"), 0xe40c_292c);
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (10, "10"),
            (u64::MAX, "18446744073709551615"),
        ] {
            assert_eq!(Buf::new().decimal(n).as_str(), text);
        }
    }
}
