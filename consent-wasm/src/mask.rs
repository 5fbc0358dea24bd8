//! Sets of consent categories as bit masks (bit `n` is the catalogue's `Category::ALL[n]`;
//! `necessary` is always set in a choice): what the cookie record, the gates and the switches pass
//! around.

use kapsel_catalogue::Category;

/// The bit of a category.
pub const fn bit(c: Category) -> u8 {
    1 << c as u8
}

/// Strictly necessary.
pub const NECESSARY: u8 = bit(Category::Necessary);
/// Preferences.
pub const PREFERENCES: u8 = bit(Category::Preferences);
/// Statistics.
pub const STATISTICS: u8 = bit(Category::Statistics);
/// Marketing.
pub const MARKETING: u8 = bit(Category::Marketing);
/// Every category.
pub const ALL: u8 = NECESSARY | PREFERENCES | STATISTICS | MARKETING;

/// The bit of a category id, `None` for an unknown id.
pub fn from_id(id: &str) -> Option<u8> {
    Category::from_id(id).map(bit)
}

/// Parses a list of ids separated by spaces into a mask; `None` when any id is unknown or the
/// list is empty (a gate nobody can open stays shut: fail closed).
pub fn parse_list(list: &str) -> Option<u8> {
    let mut mask = 0;
    for id in crate::bytes::split(list, b' ').filter(|s| !s.is_empty()) {
        mask |= from_id(id)?;
    }
    (mask != 0).then_some(mask)
}

/// The categories in a mask, in order.
pub fn categories(mask: u8) -> impl Iterator<Item = Category> {
    Category::ALL
        .into_iter()
        .filter(move |c| mask & bit(*c) != 0)
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
            categories(ALL).collect::<alloc::vec::Vec<_>>(),
            Category::ALL
        );
        assert_eq!(ALL, 15);
        assert_eq!(categories(MARKETING).next(), Some(Category::Marketing));
    }
}
