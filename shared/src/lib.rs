//! `kapsel-catalogue`: the one source of truth that Kapsel's banner and scanner both read.
//!
//! # What it holds
//! - [`knowledge`]: the knowledge base of known cookies and services (an embedded JSON file that
//!   people who do not write Rust can edit), merged with optional external bases such as the Open
//!   Cookie Database CSV ([`ocd`]).
//! - [`pattern`]: cookie-name patterns — exact names, prefixes (`ASPSESSIONID*`) and the
//!   placeholders privacy statements write (`_ga_<container-id>`); the most specific match wins.
//! - [`declaration`]: a site's declaration (the JSON a municipality keeps): its services, cookies,
//!   categories, revision and consent lifetime. Parsing is strict and points at file, line and
//!   column; services may be referenced by knowledge-base id and resolved into full entries.
//! - [`nearmiss`]: declared names that are typos of real cookies (`_utmz` for `__utmz`).
//! - [`extract`]: the cookie names and services a privacy statement (text or HTML) declares.
//! - [`render`]: the cookie table for the privacy statement, generated from the declaration.
//! - [`check`]: the rules regulators enforce, applied to a declaration.
//! - [`retention`], [`category`]: lifetimes read from free text; categories and languages.
//!
//! # Design
//! Std only, no dependencies: the crate compiles for `wasm32-unknown-unknown` and stays light for
//! the banner, which uses [`category`] and [`pattern`] alone. JSON is read by the small
//! position-keeping reader in [`json`], so that every error in a declaration names the line and
//! column, duplicate keys are caught, and serde stays out of the banner.

#![warn(missing_docs)]

pub mod category;
pub mod check;
pub mod declaration;
pub mod extract;
pub mod json;
pub mod knowledge;
pub mod nearmiss;
pub mod ocd;
pub mod pattern;
pub mod render;
pub mod retention;
pub mod schema;

pub use category::{Category, Lang, Localized};
pub use declaration::{DeclError, Declaration};
pub use knowledge::{KnowledgeBase, KnownCookie, KnownService};
pub use pattern::NamePattern;
pub use retention::Retention;
