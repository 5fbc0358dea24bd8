//! A cookie's retention as the scan observed it: the lifetime the site asked for (`Max-Age` or
//! `Expires`) where known — above all where Chromium capped it at 400 days — else the stored one,
//! rounded to the unit a person would write ("2 years", not "729 days 23 hours").

use crate::retention::Retention;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const YEAR: u64 = 365 * DAY;
const MONTH: u64 = YEAR / 12;

/// What the scan saw of a cookie's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// The retention to declare.
    pub retention: Retention,
    /// Where the browser stored it for less than the site asked: (asked, stored) in seconds.
    pub capped: Option<(u64, u64)>,
}

impl Observed {
    /// From the report's `lifetime_seconds` (stored) and `declared_lifetime_seconds` (asked).
    pub fn new(stored: Option<i64>, asked: Option<i64>) -> Observed {
        let stored = stored.map(|s| s.max(1) as u64);
        let asked = asked.map(|s| s.max(1) as u64);
        let capped = match (asked, stored) {
            (Some(a), Some(s)) if a > s + DAY => Some((a, s)),
            _ => None,
        };
        let retention = match asked.or(stored) {
            None => Retention::Session,
            Some(secs) => Retention::Seconds(round(secs)),
        };
        Observed { retention, capped }
    }

    /// The retention worded as the declaration format expects (`session`, `2 years`).
    pub fn text(&self) -> String {
        wording(self.retention)
    }
}

/// A retention worded for a declaration (English, which every reader parses).
pub fn wording(r: Retention) -> String {
    match r {
        Retention::Session => "session".into(),
        r => r.describe(crate::Lang::En),
    }
}

/// Rounds to the largest unit that stays within 1 % (or a minute) of the value.
fn round(secs: u64) -> u64 {
    let slack = (secs / 100).max(MINUTE);
    for unit in [YEAR, MONTH, DAY, HOUR, MINUTE] {
        let n = (secs + unit / 2) / unit;
        if n >= 1 && (n * unit).abs_diff(secs) <= slack {
            return n * unit;
        }
    }
    secs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_what_people_write_and_reads_back() {
        for (stored, asked, text) in [
            (None, None, "session"),
            (Some((2 * YEAR - 3) as i64), None, "2 years"),
            (Some((30 * MINUTE - 2) as i64), None, "30 minutes"),
            (Some(DAY as i64 - 1), Some(DAY as i64), "1 day"),
            (Some(400 * DAY as i64 - 5), None, "13 months"),
        ] {
            let o = Observed::new(stored, asked);
            assert_eq!(o.text(), text, "{stored:?} {asked:?}");
            let back = Retention::parse(&o.text()).unwrap();
            assert!(!back.differs_materially(o.retention), "{text}");
        }
    }

    #[test]
    fn a_capped_lifetime_declares_what_the_site_asked_for() {
        let o = Observed::new(Some(400 * DAY as i64 - 10), Some(2 * YEAR as i64));
        assert_eq!(o.capped, Some((2 * YEAR, 400 * DAY - 10)));
        assert_eq!(o.text(), "2 years");
        let fine = Observed::new(Some(YEAR as i64 - 10), Some(YEAR as i64));
        assert_eq!(fine.capped, None);
        assert_eq!(fine.text(), "1 year");
    }
}
