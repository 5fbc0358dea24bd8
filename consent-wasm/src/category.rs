//! The four consent categories as bits of a mask (`necessary` is always set in a choice). Same ids
//! as the catalogue crate's `Category`.

/// Strictly necessary: never needs consent, cannot be switched off.
pub const NECESSARY: u8 = 1;
/// Preferences (remembering choices).
pub const PREFERENCES: u8 = 2;
/// Statistics (analytics).
pub const STATISTICS: u8 = 4;
/// Marketing (trackers, social embeds).
pub const MARKETING: u8 = 8;
/// Every category.
pub const ALL: u8 = 15;

/// Category ids in bit order.
pub const IDS: [&str; 4] = ["necessary", "preferences", "statistics", "marketing"];

/// The bit of a category id, `None` for an unknown id.
pub fn from_id(id: &str) -> Option<u8> {
    IDS.iter().position(|known| *known == id).map(|i| 1 << i)
}

/// The index (0..4) of a single-category bit.
pub fn index(bit: u8) -> usize {
    bit.trailing_zeros() as usize & 3
}

/// Parses a list of ids separated by spaces into a mask; `None` when any id is
/// unknown or the list is empty (a gate nobody can open stays shut: fail closed).
pub fn parse_list(list: &str) -> Option<u8> {
    let mut mask = 0;
    for id in crate::bytes::split(list, b' ').filter(|s| !s.is_empty()) {
        mask |= from_id(id)?;
    }
    if mask == 0 {
        None
    } else {
        Some(mask)
    }
}

/// The single-category bits set in a mask, in order.
pub fn bits(mask: u8) -> impl Iterator<Item = u8> {
    (0..4).map(|i| 1u8 << i).filter(move |b| mask & b != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn ids_and_lists() {
        assert_eq!(from_id("statistics"), Some(STATISTICS));
        assert_eq!(from_id("Statistics"), None);
        assert_eq!(
            parse_list("statistics marketing"),
            Some(STATISTICS | MARKETING)
        );
        assert_eq!(
            parse_list("statistics bogus"),
            None,
            "an unknown id keeps the gate shut"
        );
        assert_eq!(parse_list("  "), None);
        assert_eq!(
            bits(ALL).collect::<alloc::vec::Vec<_>>(),
            [NECESSARY, PREFERENCES, STATISTICS, MARKETING]
        );
        assert_eq!(IDS[index(MARKETING)], "marketing");
    }
}
