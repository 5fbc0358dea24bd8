//! The resolved site declaration (the catalogue crate's format; `kapsel catalogue resolve` writes
//! it), kept as the parsed JS object and read with `Reflect` where needed — no serde, and no copy
//! of every service and cookie into Rust structures. [`Config::read`] checks the parts the banner
//! relies on; anything that does not hold together makes the whole declaration unusable, and the
//! banner then fails closed.

use crate::dom;
use crate::mask;
use alloc::string::String;
use wasm_bindgen::JsValue;

/// The declaration, as far as the banner needs it.
pub struct Config {
    js: JsValue,
    /// The site's name: who asks.
    pub site: String,
    /// Revision: any change asks again.
    pub revision: String,
    /// How long a choice holds.
    pub lifetime_days: u32,
    /// URL of the privacy statement (may be empty).
    pub privacy: String,
    /// Google Consent Mode v2 signals on.
    pub google_consent_mode: bool,
    /// Meta pixel consent calls on.
    pub meta_pixel: bool,
    /// The categories the declaration's services and cookies use.
    pub used: u8,
}

/// The default consent lifetime: 6 months.
pub const DEFAULT_LIFETIME_DAYS: u32 = 180;

/// A string field of a declaration object, empty when absent or not a string.
pub fn text(obj: &JsValue, key: &str) -> String {
    dom::string(&dom::get(obj, key)).unwrap_or_default()
}

/// The category bit of a service or cookie (0 when missing or unknown).
pub fn category(obj: &JsValue) -> u8 {
    mask::from_id(&text(obj, "category")).unwrap_or(0)
}

/// A text in `lang` from a field that is a `{"nb": …, "nn": …, "en": …}` object (falling back
/// to nb, en, nn) or a plain string; empty when there is none.
pub fn localized(obj: &JsValue, key: &str, lang: &str) -> String {
    let v = dom::get(obj, key);
    if let Some(s) = dom::string(&v) {
        return s;
    }
    for l in [lang, "nb", "en", "nn"] {
        let s = text(&v, l);
        if !s.is_empty() {
            return s;
        }
    }
    String::new()
}

/// How long a cookie lives, as the settings layer shows it: the resolved declaration's
/// `retention_shown` in `lang` (`kapsel catalogue resolve` words it), else `retention` as written.
pub fn retention(cookie: &JsValue, lang: &str) -> String {
    let shown = localized(cookie, "retention_shown", lang);
    if shown.is_empty() {
        text(cookie, "retention")
    } else {
        shown
    }
}

fn string_or_absent(obj: &JsValue, key: &str) -> Result<String, ()> {
    let v = dom::get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(String::new());
    }
    dom::string(&v).ok_or(())
}

impl Config {
    /// Reads a resolved declaration; `None` when it is missing or does not hold together.
    pub fn read(js: JsValue) -> Option<Config> {
        if !js.is_object() || dom::is_array(&js) {
            return None;
        }
        let revision = string_or_absent(&js, "revision").ok()?;
        if revision.is_empty() {
            return None;
        }
        let lifetime = dom::get(&js, "consent_lifetime_days");
        let lifetime_days = if lifetime.is_undefined() {
            DEFAULT_LIFETIME_DAYS
        } else {
            match lifetime.as_f64() {
                Some(d) if (1.0..=3650.0).contains(&d) => d as u32,
                _ => return None,
            }
        };
        let flag = |key| {
            let v = dom::get(&js, key);
            if v.is_undefined() {
                Some(false)
            } else {
                v.as_bool()
            }
        };
        let mut used = 0;
        for key in ["services", "cookies"] {
            let list = dom::get(&js, key);
            if !list.is_undefined() && !dom::is_array(&list) {
                return None;
            }
            for entry in dom::items(list) {
                let c = category(&entry);
                let named = key == "services" || !text(&entry, "name").is_empty();
                if c == 0 || !named {
                    return None;
                }
                used |= c;
            }
        }
        Some(Config {
            site: string_or_absent(&js, "site").ok()?,
            privacy: string_or_absent(&js, "privacy_statement").ok()?,
            google_consent_mode: flag("google_consent_mode")?,
            meta_pixel: flag("meta_pixel")?,
            revision,
            lifetime_days,
            used,
            js,
        })
    }

    /// The declared services (`"services"`) or cookies (`"cookies"`), as JS objects.
    pub fn entries(&self, key: &str) -> dom::Items {
        dom::items(dom::get(&self.js, key))
    }

    /// The name of the service an embed URL belongs to, by its declared hosts.
    pub fn service_for_url(&self, url: &str) -> Option<String> {
        let host = crate::bytes::host(url);
        self.entries("services").into_iter().find_map(|s| {
            let hit = dom::items(dom::get(&s, "hosts")).any(|h| {
                dom::string(&h).is_some_and(|h| {
                    host.strip_suffix(h.as_str())
                        .is_some_and(|head| head.is_empty() || head.ends_with("."))
                })
            });
            hit.then(|| text(&s, "name"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn parse(json: &str) -> Option<Config> {
        Config::read(js_sys::JSON::parse(json).expect("test JSON parses"))
    }

    const GOOD: &str = r#"{"site":"Testkommune","revision":"r1","privacy_statement":"/personvern/",
        "google_consent_mode":true,
        "services":[{"id":"ga","name":"Google Analytics","category":"statistics","hosts":["www.googletagmanager.com"],
                     "purpose":{"nb":"Statistikk","en":"Statistics"}}],
        "cookies":[{"name":"_ga","category":"statistics","retention":"2 years",
                    "retention_shown":{"nb":"2 år","nn":"2 år","en":"2 years"}},
                   {"name":"PHPSESSID","category":"necessary","purpose":"Økt"}]}"#;

    #[wasm_bindgen_test]
    fn reads_a_resolved_declaration() {
        let c = parse(GOOD).expect("valid");
        assert_eq!(c.site, "Testkommune");
        assert_eq!(c.revision, "r1");
        assert_eq!(c.lifetime_days, DEFAULT_LIFETIME_DAYS);
        assert!(c.google_consent_mode && !c.meta_pixel);
        assert_eq!(c.used, mask::STATISTICS | mask::NECESSARY);
        assert_eq!(
            c.service_for_url("https://www.googletagmanager.com:8443/gtag/js")
                .as_deref(),
            Some("Google Analytics")
        );
        assert_eq!(
            c.service_for_url("https://evil-googletagmanager.com/x"),
            None
        );
        let ga = c.entries("services").next().expect("a service");
        assert_eq!(
            localized(&ga, "purpose", "nn"),
            "Statistikk",
            "nn falls back to nb"
        );
        assert_eq!(localized(&ga, "purpose", "en"), "Statistics");
        let mut cookies = c.entries("cookies");
        let (ga, sess) = (
            cookies.next().expect("_ga"),
            cookies.next().expect("PHPSESSID"),
        );
        assert_eq!(
            localized(&sess, "purpose", "en"),
            "Økt",
            "a plain string in every language"
        );
        assert_eq!(retention(&ga, "nb"), "2 år");
        assert_eq!(retention(&ga, "en"), "2 years");
        assert_eq!(retention(&sess, "en"), "", "none declared");
    }

    #[wasm_bindgen_test]
    fn anything_broken_fails_closed() {
        for bad in [
            "null",
            "[]",
            "42",
            r#"{"site":"x"}"#,
            r#"{"revision":""}"#,
            r#"{"revision":"r1","services":{}}"#,
            r#"{"revision":"r1","services":[{"id":"x","category":"analytics"}]}"#,
            r#"{"revision":"r1","cookies":[{"category":"statistics"}]}"#,
            r#"{"revision":"r1","consent_lifetime_days":0}"#,
            r#"{"revision":"r1","google_consent_mode":"yes"}"#,
        ] {
            assert!(parse(bad).is_none(), "accepted {bad}");
        }
    }
}
