//! Kapsel's consent-receipt service: the proof of consent a municipality keeps itself
//! (GDPR Art. 7(1)).
//!
//! # Design
//!
//! The banner posts one receipt per saved choice or withdrawal (`POST /v1/receipts`, see
//! [`receipt`] for the contract). The server checks it strictly ([`receipt::parse`]: unknown
//! fields, wrong categories, bad ids refused with a reason), adds its own time, and stores it with
//! the declaration it was made under, kept once per SHA-256 ([`store::Store`]). Two stores share
//! one trait and one test suite: [`sqlite`] (embedded, the default: a file in WAL mode with
//! `synchronous=FULL`, so an acknowledged receipt survives a kill) and [`pg`] (PostgreSQL, for
//! several instances). Store calls block and run on tokio's blocking threads.
//!
//! [`server`] is axum on tokio: the CORS allow-list and an `Origin` check (only the site's own
//! pages post), a body limit, a per-client rate limit held in memory ([`limit`]), reading receipts
//! back by id, the token-protected export ([`export`]), retention, Prometheus metrics
//! ([`metrics`]) and a health check. The client's address is used for the rate limit only; it and
//! the user agent are never stored or logged. [`config`] merges flags, environment and a TOML file.
//! `main.rs` is the thin CLI: `serve` and `export`.

pub mod config;
pub mod export;
pub mod limit;
pub mod metrics;
pub mod pg;
pub mod receipt;
pub mod server;
pub mod sqlite;
pub mod store;
