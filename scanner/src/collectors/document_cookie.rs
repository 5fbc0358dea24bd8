//! `document.cookie` writes, with the URL of the script that made each: a setter installed in
//! every frame before the page's scripts run reports each write through a binding.

use std::sync::{Arc, Mutex};

use headless_chrome::Tab;
use serde_json::Value;

use super::{Collector, Data, PageEnd, Visit, MAX_EVENTS_PER_PAGE};
use crate::browser::{self, call, BrowserError};
use crate::page::PageTab;

/// The name of the binding the injected `document.cookie` setter reports through.
const BINDING: &str = "__kapselCookieWrite";

/// Runs in every frame before the page's scripts: wraps the `document.cookie` setter.
const SETTER: &str = r#"(() => {
  try {
    const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    if (!d || !d.set) return;
    let n = 0;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true, enumerable: true,
      get() { return d.get.call(this); },
      set(v) {
        try {
          if (n++ < 300 && typeof window.__kapselCookieWrite === 'function') {
            const m = String(new Error().stack || '').match(/(https?:\/\/[^\s)]+?)(?::\d+){0,2}(?:\)|\s|$)/);
            window.__kapselCookieWrite(JSON.stringify({ args: [String(v).slice(0, 4096), m ? m[1] : String(location.href)] }));
          }
        } catch (e) {}
        return d.set.call(this, v);
      }
    });
  } catch (e) {}
})();"#;

/// Records `document.cookie` writes: `(cookie line, script URL)`.
#[derive(Default)]
pub struct DocumentCookie(Arc<Mutex<Vec<(String, String)>>>);

impl Collector for DocumentCookie {
    fn add_target(&mut self, tab: &Arc<Tab>) -> Result<(), BrowserError> {
        let sink = Arc::clone(&self.0);
        tab.expose_function(
            BINDING,
            Arc::new(move |payload: Value| {
                let Some(text) = payload.as_str() else { return };
                let Ok(v) = serde_json::from_str::<Value>(text) else {
                    return;
                };
                let args = v.get("args").and_then(Value::as_array);
                let (Some(line), Some(source)) = (
                    args.and_then(|a| a.first()).and_then(Value::as_str),
                    args.and_then(|a| a.get(1)).and_then(Value::as_str),
                ) else {
                    return;
                };
                if let Ok(mut writes) = sink.lock() {
                    if writes.len() < MAX_EVENTS_PER_PAGE {
                        writes.push((line.to_string(), source.to_string()));
                    }
                }
            }),
        )
        .map_err(|e| BrowserError::with_context("exposing the cookie-write binding", e))?;
        call(
            tab,
            browser::AddScript {
                source: SETTER.to_string(),
            },
        )?;
        Ok(())
    }

    fn init(&mut self, _visit: &Visit<'_>) {
        if let Ok(mut w) = self.0.lock() {
            w.clear();
        }
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        Ok(Data::DocumentCookie(
            self.0
                .lock()
                .map(|mut w| std::mem::take(&mut *w))
                .unwrap_or_default(),
        ))
    }
}
