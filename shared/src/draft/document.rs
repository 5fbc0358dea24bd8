//! The drafted declaration as written: serde types in the field order of the declaration format
//! (README "The declaration"), so that the file reads like a hand-written one.

use serde::Serialize;

use crate::category::{Lang, Localized};

/// A text per language, in the order nb, nn, en.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Texts {
    /// Bokmål.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nb: Option<String>,
    /// Nynorsk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nn: Option<String>,
    /// English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Texts {
    /// One text per language, from a function of the language.
    pub fn each(languages: &[Lang], text: impl Fn(Lang) -> String) -> Texts {
        let mut t = Texts::default();
        for &l in languages {
            let s = Some(text(l));
            match l {
                Lang::Nb => t.nb = s,
                Lang::Nn => t.nn = s,
                Lang::En => t.en = s,
            }
        }
        t
    }

    /// A known text in the site's languages; a language it lacks becomes a `TODO` to translate.
    pub fn from_known(known: &Localized, languages: &[Lang]) -> Texts {
        Texts::each(languages, |l| match known.get(l) {
            Some(s) => s.to_string(),
            None => format!("TODO: translate into {}: {}", lang_name(l), known.best(l)),
        })
    }
}

/// A language's English name.
pub fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::Nb => "Bokmål",
        Lang::Nn => "Nynorsk",
        Lang::En => "English",
    }
}

/// A service: a knowledge-base id alone, or an object.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Service {
    /// `"kapsel"`: the base's service with all its cookies.
    Id(String),
    /// An object.
    Entry(ServiceEntry),
}

/// A service object: a known id narrowed to some cookies, or the site's own.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceEntry {
    /// Id.
    pub id: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who provides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Category (or a `TODO`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Texts>,
    /// Hosts it loads from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<String>>,
    /// Which of the base's cookies the site has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookies: Option<Vec<String>>,
}

/// A cookie written out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cookie {
    /// Name or pattern.
    pub name: String,
    /// Its service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Category (or a `TODO`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Texts>,
    /// For how long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// The domain it is set on, when not the site's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// The declaration.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The site's name.
    pub site: String,
    /// Who runs it.
    pub provider: String,
    /// Consent revision.
    pub revision: String,
    /// Consent lifetime.
    pub consent_lifetime_days: u64,
    /// The privacy statement's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_statement: Option<String>,
    /// Languages.
    pub languages: Vec<&'static str>,
    /// Google Consent Mode v2.
    pub google_consent_mode: bool,
    /// The Meta pixel's consent API.
    pub meta_pixel: bool,
    /// Services.
    pub services: Vec<Service>,
    /// Cookies.
    pub cookies: Vec<Cookie>,
}

impl Document {
    /// The JSON text, two-space indented, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}
