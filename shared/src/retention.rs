//! How long a cookie lives: a session, or a duration, parsed from the free text people write
//! ("2 years", "Session", "400 days", "1 år", "24 timar", "13 måneder", "30 min").

use crate::category::Lang;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const YEAR: u64 = 365 * DAY;
const MONTH: u64 = YEAR / 12;

/// A cookie's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Retention {
    /// Deleted when the browser closes.
    Session,
    /// Kept for this many seconds.
    Seconds(u64),
}

impl Retention {
    /// Parses a lifetime from free text in English, Bokmål or Nynorsk. Returns `None` for text
    /// that states no lifetime ("persistent", "varies", "").
    pub fn parse(text: &str) -> Option<Retention> {
        let lower = text.trim().to_lowercase();
        if lower.is_empty() {
            return None;
        }
        let session_words = ["session", "økt", "økta", "sesjon", "browser close"];
        if session_words.iter().any(|w| lower.starts_with(w)) || lower == "when the browser closes"
        {
            return Some(Retention::Session);
        }
        // First "<number> <unit>" pair wins; "1 year and 6 months" adds up.
        let mut total: Option<u64> = None;
        let tokens = tokenize(&lower);
        let mut i = 0;
        while i < tokens.len() {
            if let Token::Number(n) = tokens[i] {
                if let Some(Token::Word(unit)) = tokens.get(i + 1) {
                    if let Some(secs) = unit_seconds(unit) {
                        total = Some(total.unwrap_or(0) + (n * secs as f64) as u64);
                        i += 2;
                        continue;
                    }
                }
            } else if let Token::Word(w) = &tokens[i] {
                // "a year", "one day", "ett år", "en måned"
                let one = ["a", "an", "one", "ett", "eit", "en", "ein", "per"];
                if one.contains(&w.as_str()) {
                    if let Some(Token::Word(unit)) = tokens.get(i + 1) {
                        if let Some(secs) = unit_seconds(unit) {
                            total = Some(total.unwrap_or(0) + secs);
                            i += 2;
                            continue;
                        }
                    }
                } else if total.is_none() && i == 0 && tokens.len() == 1 {
                    if let Some(secs) = unit_seconds(w) {
                        // a bare unit: "year", "day"
                        return Some(Retention::Seconds(secs));
                    }
                }
            }
            i += 1;
        }
        total.map(Retention::Seconds)
    }

    /// Seconds of life, `None` for a session cookie.
    pub fn seconds(self) -> Option<u64> {
        match self {
            Retention::Session => None,
            Retention::Seconds(s) => Some(s),
        }
    }

    /// A short human description in a language, in the largest whole unit ("2 år", "13 months").
    pub fn describe(self, lang: Lang) -> String {
        let secs = match self {
            Retention::Session => {
                return match lang {
                    Lang::Nb => "Økt",
                    Lang::Nn => "Økt",
                    Lang::En => "Session",
                }
                .to_string()
            }
            Retention::Seconds(s) => s,
        };
        let units: [(u64, [&str; 3], [&str; 3]); 5] = [
            (YEAR, ["år", "år", "year"], ["år", "år", "years"]),
            (
                MONTH,
                ["måned", "månad", "month"],
                ["måneder", "månader", "months"],
            ),
            (DAY, ["dag", "dag", "day"], ["dager", "dagar", "days"]),
            (HOUR, ["time", "time", "hour"], ["timer", "timar", "hours"]),
            (
                MINUTE,
                ["minutt", "minutt", "minute"],
                ["minutter", "minutt", "minutes"],
            ),
        ];
        let li = match lang {
            Lang::Nb => 0,
            Lang::Nn => 1,
            Lang::En => 2,
        };
        for (size, one, many) in units {
            if secs >= size && (secs % size == 0 || secs / size >= 2 || size == MINUTE) {
                let n = (secs + size / 2) / size;
                let unit = if n == 1 { one[li] } else { many[li] };
                return format!("{n} {unit}");
            }
        }
        let unit = match lang {
            Lang::Nb | Lang::Nn => "sekund",
            Lang::En => "seconds",
        };
        format!("{secs} {unit}")
    }

    /// Whether two lifetimes differ enough that a declaration is wrong: session against
    /// persistent, or one over twice the other (with a day's slack for short cookies).
    pub fn differs_materially(self, other: Retention) -> bool {
        match (self.seconds(), other.seconds()) {
            (None, None) => false,
            (None, Some(_)) | (Some(_), None) => true,
            (Some(a), Some(b)) => {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                hi > DAY && hi > lo.saturating_mul(2)
            }
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Number(f64),
    Word(String),
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut num = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || ((d == '.' || d == ',') && !num.is_empty()) {
                    num.push(if d == ',' { '.' } else { d });
                    chars.next();
                } else {
                    break;
                }
            }
            let num = num.trim_end_matches('.');
            if let Ok(n) = num.parse::<f64>() {
                tokens.push(Token::Number(n));
            }
        } else if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_alphabetic() {
                    word.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(Token::Word(word));
        } else {
            chars.next();
        }
    }
    tokens
}

fn unit_seconds(word: &str) -> Option<u64> {
    let w = word.trim_end_matches('.');
    let secs = match w {
        "s" | "sec" | "secs" | "second" | "seconds" | "sek" | "sekund" | "sekunder" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" | "minutt" | "minutter" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" | "t" | "time" | "timer" | "timar" | "timen" => HOUR,
        "d" | "day" | "days" | "dag" | "dager" | "dagar" | "døgn" => DAY,
        "w" | "week" | "weeks" | "uke" | "uker" | "veke" | "veker" => 7 * DAY,
        "mo" | "month" | "months" | "mnd" | "måned" | "måneder" | "månad" | "månader" => MONTH,
        "y" | "yr" | "yrs" | "year" | "years" | "år" | "året" => YEAR,
        _ => return None,
    };
    Some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_free_text() {
        assert_eq!(Retention::parse("Session"), Some(Retention::Session));
        assert_eq!(Retention::parse("økt"), Some(Retention::Session));
        assert_eq!(
            Retention::parse("2 years"),
            Some(Retention::Seconds(2 * YEAR))
        );
        assert_eq!(
            Retention::parse("400 days"),
            Some(Retention::Seconds(400 * DAY))
        );
        assert_eq!(Retention::parse("24 timer"), Some(Retention::Seconds(DAY)));
        assert_eq!(
            Retention::parse("13 måneder"),
            Some(Retention::Seconds(13 * MONTH))
        );
        assert_eq!(Retention::parse("1 år"), Some(Retention::Seconds(YEAR)));
        assert_eq!(Retention::parse("a year"), Some(Retention::Seconds(YEAR)));
        assert_eq!(
            Retention::parse("30 min"),
            Some(Retention::Seconds(30 * MINUTE))
        );
        assert_eq!(
            Retention::parse("1 year 6 months"),
            Some(Retention::Seconds(YEAR + 6 * MONTH))
        );
        assert_eq!(Retention::parse("persistent"), None);
        assert_eq!(Retention::parse(""), None);
    }

    #[test]
    fn describes_in_each_language() {
        let two_years = Retention::Seconds(2 * YEAR);
        assert_eq!(two_years.describe(Lang::En), "2 years");
        assert_eq!(two_years.describe(Lang::Nb), "2 år");
        assert_eq!(Retention::Seconds(DAY).describe(Lang::Nn), "1 dag");
        assert_eq!(Retention::Seconds(90 * DAY).describe(Lang::Nb), "3 måneder");
        assert_eq!(Retention::Session.describe(Lang::En), "Session");
    }

    #[test]
    fn material_difference() {
        let day = Retention::Seconds(DAY);
        let two_years = Retention::Seconds(2 * YEAR);
        assert!(day.differs_materially(two_years));
        assert!(Retention::Session.differs_materially(day));
        assert!(!Retention::Seconds(400 * DAY).differs_materially(two_years));
        assert!(!Retention::Seconds(60).differs_materially(Retention::Seconds(3600)));
    }
}
