//! The resolved site declaration, read from the parsed JSON with `Reflect` (the format is in the
//! catalogue crate; `kapsel catalogue resolve` writes it). Only what the banner shows or acts on is
//! kept, with purposes already in the page's language. Anything that does not hold together makes
//! the whole declaration unusable: the banner then fails closed.

use crate::category;
use alloc::string::String;
use alloc::vec::Vec;
use crate::dom;
use wasm_bindgen::JsValue;

/// A service the site uses.
pub struct Service {
    /// Service id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who runs it.
    pub provider: String,
    /// Category bit.
    pub category: u8,
    /// Purpose in the page's language.
    pub purpose: String,
    /// Hosts it loads from (for placeholders).
    pub hosts: Vec<String>,
}

/// A cookie the site declares.
pub struct Cookie {
    /// Name or name pattern.
    pub name: String,
    /// Who sets it.
    pub provider: String,
    /// Category bit.
    pub category: u8,
    /// Purpose in the page's language.
    pub purpose: String,
    /// Retention as declared.
    pub retention: String,
}

/// The declaration, as far as the banner needs it.
pub struct Config {
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
    /// Services.
    pub services: Vec<Service>,
    /// Cookies.
    pub cookies: Vec<Cookie>,
}

/// The default consent lifetime: 6 months.
pub const DEFAULT_LIFETIME_DAYS: u32 = 180;

fn get(obj: &JsValue, key: &str) -> JsValue {
    dom::get(obj, key)
}

/// A string field; `Err` when present but not a string.
fn text(obj: &JsValue, key: &str) -> Result<Option<String>, ()> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or(())
}

fn flag(obj: &JsValue, key: &str) -> Result<bool, ()> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(false);
    }
    v.as_bool().ok_or(())
}

/// `purpose`: `{nb, nn, en}` (or a plain string); the page language first, then nb, en, nn.
fn purpose(obj: &JsValue, lang: &str) -> Result<String, ()> {
    let v = get(obj, "purpose");
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_undefined() || v.is_null() {
        return Ok(String::new());
    }
    if !v.is_object() {
        return Err(());
    }
    for l in [lang, "nb", "en", "nn"] {
        if let Some(s) = text(&v, l)? {
            return Ok(s);
        }
    }
    Ok(String::new())
}

fn list(obj: &JsValue, key: &str) -> Result<Vec<JsValue>, ()> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(Vec::new());
    }
    if dom::is_array(&v) {
        Ok(dom::items(&v))
    } else {
        Err(())
    }
}

fn cat(obj: &JsValue) -> Result<u8, ()> {
    category::from_id(&text(obj, "category")?.ok_or(())?).ok_or(())
}

impl Config {
    /// Reads a resolved declaration; `None` when it is missing or does not hold together.
    pub fn read(v: &JsValue, lang: &str) -> Option<Config> {
        Self::try_read(v, lang).ok()
    }

    fn try_read(v: &JsValue, lang: &str) -> Result<Config, ()> {
        if !v.is_object() || dom::is_array(v) {
            return Err(());
        }
        let revision = text(v, "revision")?.ok_or(())?;
        let lifetime = get(v, "consent_lifetime_days");
        let lifetime_days = if lifetime.is_undefined() {
            DEFAULT_LIFETIME_DAYS
        } else {
            match lifetime.as_f64() {
                Some(d) if d >= 1.0 && d <= 3650.0 => d as u32,
                _ => return Err(()),
            }
        };
        let mut services = Vec::new();
        for s in list(v, "services")? {
            let id = text(&s, "id")?.ok_or(())?;
            let mut hosts = Vec::new();
            for h in list(&s, "hosts")? {
                hosts.push(h.as_string().ok_or(())?);
            }
            services.push(Service {
                name: text(&s, "name")?.unwrap_or_else(|| id.clone()),
                id,
                provider: text(&s, "provider")?.unwrap_or_default(),
                category: cat(&s)?,
                purpose: purpose(&s, lang)?,
                hosts,
            });
        }
        let mut cookies = Vec::new();
        for c in list(v, "cookies")? {
            cookies.push(Cookie {
                name: text(&c, "name")?.ok_or(())?,
                provider: text(&c, "provider")?.unwrap_or_default(),
                category: cat(&c)?,
                purpose: purpose(&c, lang)?,
                retention: text(&c, "retention")?.unwrap_or_default(),
            });
        }
        Ok(Config {
            site: text(v, "site")?.unwrap_or_default(),
            revision,
            lifetime_days,
            privacy: text(v, "privacy_statement")?.unwrap_or_default(),
            google_consent_mode: flag(v, "google_consent_mode")?,
            meta_pixel: flag(v, "meta_pixel")?,
            services,
            cookies,
        })
    }

    /// The categories the declaration uses.
    pub fn used(&self) -> u8 {
        self.services.iter().map(|s| s.category).chain(self.cookies.iter().map(|c| c.category)).fold(0, |a, b| a | b)
    }

    /// The service an embed URL belongs to, by host.
    pub fn service_for_url(&self, url: &str) -> Option<&Service> {
        let host = crate::bytes::host(url);
        self.services.iter().find(|s| {
            s.hosts.iter().any(|h| {
                host.strip_suffix(h.as_str())
                    .is_some_and(|head| head.is_empty() || head.ends_with('.'))
            })
        })
    }
}
