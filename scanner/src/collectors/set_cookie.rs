//! `Set-Cookie` lines and refused cookies: the raw header lines of every response
//! (`Network.responseReceivedExtraInfo`, so the lifetime a cookie asked for is kept before
//! Chromium caps it), with the responding URL, and the cookies Chromium refused with its reasons.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use serde_json::Value;

use super::{Collector, Data, PageEnd, Visit, MAX_EVENTS_PER_PAGE};
use crate::browser::BrowserError;
use crate::page::PageTab;

/// Most request URLs remembered per page (to name a response's URL).
const MAX_REQUESTS: usize = 20_000;

#[derive(Default)]
struct State {
    requests: HashMap<String, String>,
    lines: Vec<(String, String)>,
    refused: Vec<(String, String, Vec<String>)>,
}

/// Records `Set-Cookie` lines and refused cookies.
#[derive(Default)]
pub struct SetCookie(Arc<Mutex<State>>);

fn record(state: &mut State, event: &Event) {
    match event {
        Event::NetworkRequestWillBeSent(e) => {
            let p = &e.params;
            if state.requests.len() < MAX_REQUESTS {
                state
                    .requests
                    .insert(p.request_id.clone(), p.request.url.clone());
            }
        }
        Event::NetworkResponseReceivedExtraInfo(e) => {
            let p = &e.params;
            let url = state
                .requests
                .get(&p.request_id)
                .cloned()
                .unwrap_or_default();
            if let Some(Value::Object(headers)) = &p.headers.0 {
                for (name, value) in headers {
                    if !name.eq_ignore_ascii_case("set-cookie") {
                        continue;
                    }
                    let Some(v) = value.as_str() else { continue };
                    for line in v.split('\n').filter(|l| !l.trim().is_empty()) {
                        if state.lines.len() < MAX_EVENTS_PER_PAGE {
                            state.lines.push((url.clone(), line.to_string()));
                        }
                    }
                }
            }
            for blocked in &p.blocked_cookies {
                if state.refused.len() >= MAX_EVENTS_PER_PAGE {
                    break;
                }
                let reasons = blocked
                    .blocked_reasons
                    .iter()
                    .filter_map(|r| serde_json::to_value(r).ok())
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                state
                    .refused
                    .push((url.clone(), blocked.cookie_line.clone(), reasons));
            }
        }
        _ => {}
    }
}

impl Collector for SetCookie {
    fn add_target(&mut self, tab: &Arc<Tab>) -> Result<(), BrowserError> {
        let sink = Arc::clone(&self.0);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            if let Ok(mut state) = sink.lock() {
                record(&mut state, event);
            }
        }))
        .map_err(|e| BrowserError::with_context("listening for responses", e))?;
        Ok(())
    }

    fn init(&mut self, _visit: &Visit<'_>) {
        if let Ok(mut s) = self.0.lock() {
            *s = State::default();
        }
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        let state = self
            .0
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        Ok(Data::SetCookie {
            lines: state.lines,
            refused: state.refused,
        })
    }
}
