//! Hosts contacted: every request's host and how often (`Network.requestWillBeSent`, which
//! includes the requests of same-renderer iframes).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;

use super::{Collector, Data, PageEnd, Visit, MAX_EVENTS_PER_PAGE};
use crate::browser::BrowserError;
use crate::page::PageTab;

/// Counts requests per host.
#[derive(Default)]
pub struct Hosts(Arc<Mutex<BTreeMap<String, u32>>>);

/// The lowercase host of a URL.
pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

impl Collector for Hosts {
    fn add_target(&mut self, tab: &Arc<Tab>) -> Result<(), BrowserError> {
        let sink = Arc::clone(&self.0);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let Event::NetworkRequestWillBeSent(e) = event else {
                return;
            };
            let url = &e.params.request.url;
            if url.starts_with("data:") || url.starts_with("blob:") {
                return;
            }
            let (Some(host), Ok(mut hosts)) = (host_of(url), sink.lock()) else {
                return;
            };
            if hosts.len() < MAX_EVENTS_PER_PAGE || hosts.contains_key(&host) {
                *hosts.entry(host).or_insert(0) += 1;
            }
        }))
        .map_err(|e| BrowserError::with_context("listening for requests", e))?;
        Ok(())
    }

    fn init(&mut self, _visit: &Visit<'_>) {
        if let Ok(mut h) = self.0.lock() {
            h.clear();
        }
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        Ok(Data::Hosts(
            self.0
                .lock()
                .map(|mut h| std::mem::take(&mut *h))
                .unwrap_or_default(),
        ))
    }
}
