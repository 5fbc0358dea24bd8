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
//! - [`declaration_schema`]: the JSON Schema (2020-12) of a declaration, for editors.
//! - [`nearmiss`]: declared names that are typos of real cookies (`_utmz` for `__utmz`).
//! - [`extract`]: the cookie names and services a privacy statement (text or HTML) declares.
//! - [`render`]: the cookie table for the privacy statement, generated from the declaration.
//! - [`check`]: the rules regulators enforce, applied to a declaration.
//! - [`retention`], [`category`]: lifetimes read from free text; categories and languages.
//! - [`distance`]: the edit distance that near misses and hints measure by.
//! - [`draft`]: a declaration drafted from a scan report (and an old privacy statement), for a
//!   team to review rather than write (feature `draft`, on by default).
//!
//! # Design
//! std by default (feature `std`), which also brings `csv` (the Open Cookie Database import);
//! feature `draft` adds serde for reading scan reports. Without `std` the crate is `no_std` +
//! `alloc`, has no dependencies, and holds [`category`] and [`pattern`] alone: what the banner
//! links on `wasm32-unknown-unknown`. JSON is read by the small position-keeping reader in [`json`], so that every error in a declaration names the line and
//! column, duplicate keys are caught, and serde stays out of the banner.
//!
//! # Layers
//! Each module uses only modules of the layers below it, never one beside or above it:
//! 1. [`category`], [`pattern`] (the banner's part, `no_std`);
//! 2. [`json`], [`retention`], [`distance`]: leaves that know nothing of cookies' sources;
//! 3. [`schema`]: typed fields of a JSON object, with hints (json, category, distance);
//! 4. [`knowledge`], then [`ocd`]: the knowledge base and its imports;
//! 5. [`nearmiss`]: typos of known names (knowledge, distance);
//! 6. [`declaration`], [`extract`]: a site's declaration; what a privacy statement declares;
//!    [`declaration_schema`] (declaration, json, category);
//! 7. [`check`], [`render`]: what is said of a declaration; [`draft`]: a declaration from a scan.

#![warn(missing_docs)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod category;
#[cfg(feature = "std")]
pub mod check;
#[cfg(feature = "std")]
pub mod declaration;
#[cfg(feature = "std")]
pub mod declaration_schema;
#[cfg(feature = "std")]
pub mod distance;
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
