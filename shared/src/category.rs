//! Consent categories and the three languages Kapsel speaks. `core` and `alloc` only: the banner
//! links it without std.

use alloc::string::String;
use core::fmt;

/// A consent purpose category. Ids are fixed: other code and users' declarations rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Strictly necessary: never needs consent, cannot be switched off.
    Necessary,
    /// Remembers the visitor's choices (language, text size, read-aloud settings).
    Preferences,
    /// Counts visits and measures use.
    Statistics,
    /// Tracks the visitor across sites, for advertising or social media.
    Marketing,
}

impl Category {
    /// All categories, necessary first.
    pub const ALL: [Category; 4] = [
        Category::Necessary,
        Category::Preferences,
        Category::Statistics,
        Category::Marketing,
    ];

    /// The fixed id (`necessary`, `preferences`, `statistics`, `marketing`).
    pub fn id(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Preferences => "preferences",
            Category::Statistics => "statistics",
            Category::Marketing => "marketing",
        }
    }

    /// Parses a category id exactly as written in declarations.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether storing cookies of this category needs the visitor's consent.
    pub fn needs_consent(self) -> bool {
        self != Category::Necessary
    }

    /// The category's name in a language, as shown to visitors.
    pub fn label(self, lang: Lang) -> &'static str {
        use Category::*;
        use Lang::*;
        match (self, lang) {
            (Necessary, Nb) => "Nødvendige",
            (Necessary, Nn) => "Naudsynte",
            (Necessary, En) => "Necessary",
            (Preferences, Nb) => "Innstillinger",
            (Preferences, Nn) => "Innstillingar",
            (Preferences, En) => "Preferences",
            (Statistics, Nb) | (Statistics, Nn) => "Statistikk",
            (Statistics, En) => "Statistics",
            (Marketing, Nb) | (Marketing, Nn) => "Markedsføring",
            (Marketing, En) => "Marketing",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A language Kapsel writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Norwegian Bokmål.
    Nb,
    /// Norwegian Nynorsk.
    Nn,
    /// English.
    En,
}

impl Lang {
    /// All languages, Bokmål first.
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    /// The language code (`nb`, `nn`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    /// Parses a code exactly (`nb`, `nn`, `en`).
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language of a page from its `<html lang>` value: `nn…` is Nynorsk, `en…` English,
    /// everything else (`nb`, `no`, missing, unknown) Bokmål.
    pub fn from_html_lang(value: &str) -> Lang {
        let v = value.as_bytes();
        let end = v.iter().position(|&c| c == b'-' || c == b'_');
        let primary = v.get(..end.unwrap_or(v.len())).unwrap_or_default();
        if primary.eq_ignore_ascii_case(b"nn") {
            Lang::Nn
        } else if primary.eq_ignore_ascii_case(b"en") {
            Lang::En
        } else {
            Lang::Nb
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in Bokmål, Nynorsk and English; any of them may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized {
    /// Bokmål.
    pub nb: Option<String>,
    /// Nynorsk.
    pub nn: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl Localized {
    /// The text in exactly this language, if written.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Nb => self.nb.as_deref(),
            Lang::Nn => self.nn.as_deref(),
            Lang::En => self.en.as_deref(),
        }
        .filter(|s| !s.trim().is_empty())
    }

    /// The text in this language, else the closest one written (nn ↔ nb, then en), else "".
    pub fn best(&self, lang: Lang) -> &str {
        let order: [Lang; 3] = match lang {
            Lang::Nb => [Lang::Nb, Lang::Nn, Lang::En],
            Lang::Nn => [Lang::Nn, Lang::Nb, Lang::En],
            Lang::En => [Lang::En, Lang::Nb, Lang::Nn],
        };
        order.into_iter().find_map(|l| self.get(l)).unwrap_or("")
    }

    /// Sets the text of one language.
    pub fn set(&mut self, lang: Lang, text: String) {
        match lang {
            Lang::Nb => self.nb = Some(text),
            Lang::Nn => self.nn = Some(text),
            Lang::En => self.en = Some(text),
        }
    }

    /// Whether no language has a text.
    pub fn is_empty(&self) -> bool {
        Lang::ALL.into_iter().all(|l| self.get(l).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ids_round_trip_and_reject_unknown() {
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
        }
        assert_eq!(Category::from_id("Statistics"), None);
        assert_eq!(Category::from_id("analytics"), None);
        assert!(!Category::Necessary.needs_consent());
        assert!(Category::Marketing.needs_consent());
    }

    #[test]
    fn html_lang_picks_the_language() {
        assert_eq!(Lang::from_html_lang("nn-NO"), Lang::Nn);
        assert_eq!(Lang::from_html_lang("no"), Lang::Nb);
        assert_eq!(Lang::from_html_lang("en-GB"), Lang::En);
        assert_eq!(Lang::from_html_lang(""), Lang::Nb);
        assert_eq!(Lang::from_html_lang("sv"), Lang::Nb);
    }

    #[test]
    fn localized_falls_back_between_norwegian_forms() {
        let text = Localized {
            nb: Some("bokmål".into()),
            nn: None,
            en: Some("english".into()),
        };
        assert_eq!(text.best(Lang::Nn), "bokmål");
        assert_eq!(text.best(Lang::En), "english");
        assert_eq!(text.get(Lang::Nn), None);
    }
}
