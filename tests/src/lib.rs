//! Helpers for Kapsel's end-to-end tests: a headless Chromium set up like an ordinary visitor's
//! browser ([`chrome`]), pointed at the demo municipality and its stand-in trackers on 127.0.0.1
//! ([`visitor`]), and fixture copies ([`fixtures`]).

pub mod chrome;
pub mod fixtures;
pub mod visitor;
