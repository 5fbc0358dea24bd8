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
//! - [`draft`]: a declaration drafted from a scan report (and an old privacy statement), for a
//!   team to review rather than write (feature `draft`, on by default).
//!
//! # Design
//! No dependencies but for drafting (feature `draft`: serde reads the scan report's JSON contract);
//! std by default (feature `std`). Without it the crate is `no_std` + `alloc`
//! and holds [`category`] and [`pattern`] alone: what the banner links on `wasm32-unknown-unknown`. JSON is read by the small
//! position-keeping reader in [`json`], so that every error in a declaration names the line and
//! column, duplicate keys are caught, and serde stays out of the banner.

#![warn(missing_docs)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod category;
#[cfg(feature = "std")]
pub mod check;
#[cfg(feature = "std")]
pub mod declaration;
#[cfg(feature = "draft")]
pub mod draft;
#[cfg(feature = "std")]
pub mod extract;
#[cfg(feature = "std")]
pub mod json;
#[cfg(feature = "std")]
pub mod knowledge;
#[cfg(feature = "std")]
pub mod nearmiss;
#[cfg(feature = "std")]
pub mod ocd;
pub mod pattern;
#[cfg(feature = "std")]
pub mod render;
#[cfg(feature = "std")]
pub mod retention;
#[cfg(feature = "std")]
pub mod schema;

pub use category::{Category, Lang, Localized};
#[cfg(feature = "std")]
pub use declaration::{DeclError, Declaration};
#[cfg(feature = "std")]
pub use knowledge::{KnowledgeBase, KnownCookie, KnownService};
pub use pattern::NamePattern;
#[cfg(feature = "std")]
pub use retention::Retention;
