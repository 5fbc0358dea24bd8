//! The language of a report for people (the HTML site report and the national overview): nb, nn
//! or en, English only where no language is given.

use std::str::FromStr;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default only when no language is given).
    #[default]
    En,
    /// Norwegian Bokmål.
    Nb,
    /// Norwegian Nynorsk.
    Nn,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "nb" | "no" => Ok(Lang::Nb),
            "nn" => Ok(Lang::Nn),
            _ => Err(format!("--lang {s}: use nb, nn or en")),
        }
    }
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
            Lang::Nn => "nn",
        }
    }

    /// Picks the text for this language from `[en, nb, nn]`.
    pub fn pick(self, t: [&'static str; 3]) -> &'static str {
        match self {
            Lang::En => t[0],
            Lang::Nb => t[1],
            Lang::Nn => t[2],
        }
    }

    /// A finding kind's name in this language (an unknown kind as it is).
    pub fn kind(self, k: &str) -> String {
        let t = match k {
            "set-before-consent" => [
                "Set before consent",
                "Satt før samtykke",
                "Sett før samtykke",
            ],
            "set-after-reject" => [
                "Set after reject",
                "Satt etter avvisning",
                "Sett etter avvising",
            ],
            "undeclared" => ["Undeclared", "Ikke oppgitt", "Ikkje oppgitt"],
            "declared-not-found" => [
                "Declared, not found",
                "Oppgitt, ikke funnet",
                "Oppgitt, ikkje funne",
            ],
            "misspelled-declaration" => [
                "Misspelled in declaration",
                "Feilstavet i erklæringen",
                "Feilstava i erklæringa",
            ],
            "retention-mismatch" => [
                "Lives longer than declared",
                "Lever lenger enn oppgitt",
                "Lever lenger enn oppgitt",
            ],
            "undeclared-third-party" => [
                "Undeclared third party",
                "Ikke oppgitt tredjepart",
                "Ikkje oppgitt tredjepart",
            ],
            "unknown-cookie" => [
                "Unknown cookie",
                "Ukjent informasjonskapsel",
                "Ukjend informasjonskapsel",
            ],
            other => return other.to_string(),
        };
        self.pick(t).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn parses_the_three_and_refuses_others() {
        assert_eq!("nb".parse::<Lang>(), Ok(Lang::Nb));
        assert_eq!("NN".parse::<Lang>(), Ok(Lang::Nn));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("de".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::En);
    }
}
