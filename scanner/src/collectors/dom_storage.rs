//! DOM storage: the keys pages write to localStorage and sessionStorage (`DOMStorage` events,
//! iframes included) and the keys the top document holds after the visit.

use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use serde_json::Value;

use super::{Collector, Data, PageEnd, Visit, MAX_EVENTS_PER_PAGE};
use crate::browser::{self, call, eval, BrowserError};
use crate::page::PageTab;

/// Records storage writes and reads the top document's keys.
#[derive(Default)]
pub struct DomStorage(Arc<Mutex<Vec<(String, bool, String)>>>);

impl Collector for DomStorage {
    fn add_target(&mut self, tab: &Arc<Tab>) -> Result<(), BrowserError> {
        let sink = Arc::clone(&self.0);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let Event::DOMStorageDomStorageItemAdded(e) = event else {
                return;
            };
            let p = &e.params;
            let origin = p.storage_id.security_origin.clone().unwrap_or_default();
            if let Ok(mut writes) = sink.lock() {
                if writes.len() < MAX_EVENTS_PER_PAGE {
                    writes.push((origin, p.storage_id.is_local_storage, p.key.clone()));
                }
            }
        }))
        .map_err(|e| BrowserError::with_context("listening for storage writes", e))?;
        let _ = call(tab, browser::DomStorageEnable {});
        Ok(())
    }

    fn init(&mut self, _visit: &Visit<'_>) {
        if let Ok(mut w) = self.0.lock() {
            w.clear();
        }
    }

    fn get_data(&mut self, tab: &PageTab, end: &PageEnd) -> Result<Data, BrowserError> {
        let writes = self
            .0
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        let keys = if end.loaded && !end.crashed {
            storage_keys(tab)
        } else {
            Vec::new()
        };
        Ok(Data::Storage { writes, keys })
    }
}

/// Keys in the top document's localStorage and sessionStorage: `(origin, local?, key)`.
fn storage_keys(tab: &PageTab) -> Vec<(String, bool, String)> {
    let v = eval(
        &tab.tab,
        r#"(() => { const out = []; const o = location.origin;
            try { for (let i = 0; i < localStorage.length && i < 500; i++) out.push([o, true, localStorage.key(i)]); } catch (e) {}
            try { for (let i = 0; i < sessionStorage.length && i < 500; i++) out.push([o, false, sessionStorage.key(i)]); } catch (e) {}
            return out; })()"#,
    )
    .unwrap_or(Value::Null);
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some((
                        e.get(0)?.as_str()?.to_string(),
                        e.get(1)?.as_bool()?,
                        e.get(2)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}
