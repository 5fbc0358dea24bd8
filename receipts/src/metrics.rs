//! Counters for operators, written in Prometheus' text format at `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Why a post was refused, as counted (label `reason`).
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    /// Body over the size limit.
    TooLarge,
    /// Not JSON, wrong types, unknown or missing fields.
    Malformed,
    /// Well-formed, but a value is not valid.
    Invalid,
    /// Missing or foreign `Origin`.
    Origin,
    /// Over the per-client rate.
    RateLimited,
}

const REASONS: [&str; 5] = [
    "too_large",
    "malformed",
    "invalid",
    "origin",
    "rate_limited",
];
/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 8] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    stored: AtomicU64,
    duplicates: AtomicU64,
    refused: [AtomicU64; 5],
    store_errors: AtomicU64,
    pruned: AtomicU64,
    latency: [AtomicU64; 9],
    latency_micros: AtomicU64,
}

impl Metrics {
    /// Counts a new receipt stored.
    pub fn stored(&self) {
        self.stored.fetch_add(1, Relaxed);
    }
    /// Counts a repeated receipt.
    pub fn duplicate(&self) {
        self.duplicates.fetch_add(1, Relaxed);
    }
    /// Counts a refused post.
    pub fn refused(&self, why: Refusal) {
        self.refused[why as usize].fetch_add(1, Relaxed);
    }
    /// Counts a store failure.
    pub fn store_error(&self) {
        self.store_errors.fetch_add(1, Relaxed);
    }
    /// Counts receipts deleted by retention.
    pub fn pruned(&self, n: u64) {
        self.pruned.fetch_add(n, Relaxed);
    }
    /// Records how long storing one receipt took.
    pub fn observe(&self, d: std::time::Duration) {
        let s = d.as_secs_f64();
        let i = BUCKETS
            .iter()
            .position(|b| s <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency[i].fetch_add(1, Relaxed);
        self.latency_micros.fetch_add(d.as_micros() as u64, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let mut counter = |name: &str, help: &str, v: u64| {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        };
        counter(
            "kapsel_receipts_stored_total",
            "Receipts stored.",
            self.stored.load(Relaxed),
        );
        counter(
            "kapsel_receipts_duplicates_total",
            "Receipts posted again (same id and time), answered without change.",
            self.duplicates.load(Relaxed),
        );
        counter(
            "kapsel_receipts_store_errors_total",
            "Receipts the store failed to keep (answered 503).",
            self.store_errors.load(Relaxed),
        );
        counter(
            "kapsel_receipts_pruned_total",
            "Receipts deleted by retention.",
            self.pruned.load(Relaxed),
        );
        let _ = writeln!(
            o,
            "# HELP kapsel_receipts_refused_total Posts refused, by reason.\n# TYPE kapsel_receipts_refused_total counter"
        );
        for (r, c) in REASONS.iter().zip(&self.refused) {
            let _ = writeln!(
                o,
                "kapsel_receipts_refused_total{{reason=\"{r}\"}} {}",
                c.load(Relaxed)
            );
        }
        let _ = writeln!(
            o,
            "# HELP kapsel_receipts_store_seconds Time to store one receipt.\n# TYPE kapsel_receipts_store_seconds histogram"
        );
        let mut total = 0;
        for (i, c) in self.latency.iter().enumerate() {
            total += c.load(Relaxed);
            let le = BUCKETS.get(i).map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(
                o,
                "kapsel_receipts_store_seconds_bucket{{le=\"{le}\"}} {total}"
            );
        }
        let sum = self.latency_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(
            o,
            "kapsel_receipts_store_seconds_sum {sum}\nkapsel_receipts_store_seconds_count {total}"
        );
        o
    }
}
