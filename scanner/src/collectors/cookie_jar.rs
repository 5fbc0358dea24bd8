//! The cookie jar: every cookie in the browser after the visit (`Network.getAllCookies`, which
//! holds first- and third-party cookies alike).

use serde_json::Value;

use super::{Collector, Data, PageEnd};
use crate::browser::{self, call, BrowserError};
use crate::page::PageTab;

/// Reads the jar at the end of each visit (nothing after a crash).
pub struct CookieJar;

impl Collector for CookieJar {
    fn get_data(&mut self, tab: &PageTab, end: &PageEnd) -> Result<Data, BrowserError> {
        if end.crashed {
            return Ok(Data::Jar(Vec::new()));
        }
        let v = call(&tab.tab, browser::GetAllCookies {})?;
        Ok(Data::Jar(
            v.get("cookies")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        ))
    }
}
