//! Links: the `a[href]` and `area[href]` targets of a loaded page, for the crawl's frontier.

use serde_json::Value;

use super::{Collector, Data, PageEnd, Visit};
use crate::browser::{eval, BrowserError};
use crate::page::PageTab;

/// Most links kept from one page (hostile pages may hold millions).
pub const MAX_LINKS_PER_PAGE: usize = 500;

/// Reads the links once the page has loaded; run only in the phase that discovers pages.
#[derive(Default)]
pub struct Links(Vec<String>);

impl Collector for Links {
    fn init(&mut self, _visit: &Visit<'_>) {
        self.0.clear();
    }

    fn post_load(&mut self, tab: &PageTab, _visit: &Visit<'_>) {
        let v = eval(
            &tab.tab,
            r#"(() => { const out = new Set(); const as = document.querySelectorAll('a[href], area[href]');
                for (let i = 0; i < as.length && i < 20000 && out.size < 500; i++) {
                  const h = as[i].href; if (typeof h === 'string' && h.length < 2048) out.add(h); }
                return Array.from(out); })()"#,
        )
        .unwrap_or(Value::Null);
        self.0 = v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .take(MAX_LINKS_PER_PAGE)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        Ok(Data::Links(std::mem::take(&mut self.0)))
    }
}
