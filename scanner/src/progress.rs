//! How far a scan has come, told to the caller's callback (the CLI draws a progress bar with it;
//! a service may log it). The scan only counts; drawing is the caller's business.

use std::sync::{Arc, Mutex};

/// A snapshot of a scan's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Page visits done, over all phases.
    pub done: u64,
    /// Page visits expected so far (grows as the crawl discovers pages).
    pub total: u64,
    /// What is being done now, e.g. `[accept] https://www.example.no/`.
    pub message: String,
}

/// The caller's progress callback: called on every change, from the scan's worker threads.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Counts page visits and tells the callback.
#[derive(Default)]
pub struct Tracker {
    state: Mutex<Progress>,
    callback: Option<ProgressFn>,
}

impl Tracker {
    /// A tracker telling `callback` (if any).
    pub fn new(callback: Option<ProgressFn>) -> Self {
        Tracker {
            state: Mutex::new(Progress::default()),
            callback,
        }
    }

    fn update(&self, change: impl FnOnce(&mut Progress)) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut state);
        if let Some(callback) = &self.callback {
            callback(&state);
        }
    }

    /// Visits done.
    pub fn position(&self) -> u64 {
        self.state.lock().map(|s| s.done).unwrap_or(0)
    }

    /// Visits expected.
    pub fn length(&self) -> Option<u64> {
        self.state.lock().ok().map(|s| s.total)
    }

    /// Sets the visits expected.
    pub fn set_length(&self, total: u64) {
        self.update(|s| s.total = total);
    }

    /// Says what is being done now.
    pub fn set_message(&self, message: String) {
        self.update(|s| s.message = message);
    }

    /// Counts `n` more visits done.
    pub fn inc(&self, n: u64) {
        self.update(|s| s.done += n);
    }
}
