//! `kapsel-guard`: auto-blocking for pages whose markup nobody can change.
//!
//! # What it is
//! The banner gates what a page marks up (`<script type="text/plain" data-consent=…>`, `<iframe
//! data-consent=… data-src=…>`). Editors paste embed codes, tag managers inject scripts and plugins
//! add pixels without that markup. The guard is a small synchronous classic script the site puts
//! first in `<head>` (`<script src="/kapsel/guard.js"></script>`) that neutralises such trackers
//! *into* that markup contract before they reach the network; the banner then does the rest
//! (placeholders, activation in document order after a choice).
//!
//! # Design
//! - [`HostMap`]: which hosts need which categories, from the declaration's services (their
//!   category as the site declares it wins) and then every other knowledge-base service (a
//!   tracker the declaration forgot is still a tracker). Hosts of necessary services are never
//!   blocked; a host whose parent domain is already mapped to the same categories is dropped
//!   (the guard looks a host up by each of its parent domains).
//! - [`guard_js`]: the template `js/guard.min.js` (terser output of the readable `js/guard.js`,
//!   rebuilt by `scripts/build-guard.sh`; a test checks it is current) with the site's
//!   `[map, percent-encoded revision, consent lifetime]` in place of `KAPSEL_CONFIG`. The revision
//!   and lifetime let the guard read the banner's stored choice (`kapsel_consent`) exactly as the
//!   banner does, so a returning visitor's allowed trackers pass straight through: with the same
//!   function, `consent-wasm/js/stored-choice.js`, which `js/guard.js` holds verbatim (a test
//!   checks it) and the banner's bootstrap runs before it starts the module.
//! - [`with_banner`]: the guard with the banner's classic build after it (`kapsel-classic.js`),
//!   so that a guarded page needs one tag and one request for both; gzip then finds what the two
//!   share, which keeps such a page within its byte budget.
//! - The JavaScript: a `MutationObserver` for what the HTML parser inserts; the `src` setters
//!   and `setAttribute` of scripts, iframes and images, the node-insertion methods, `innerHTML`,
//!   `insertAdjacentHTML` and `document.write` for what scripts insert; `sendBeacon`, `fetch` and
//!   `XMLHttpRequest` held until the choice. Google Consent Mode's default is set to denied first.
//!   After a `kapsel:consent` event, granted network calls and pixels go and refused ones stay
//!   off; the banner activates the held scripts and iframes.

use std::collections::BTreeMap;

use kapsel_catalogue::{Category, Declaration, KnowledgeBase};

/// The guard's template, minified; `KAPSEL_CONFIG` marks where the site's configuration goes.
pub const TEMPLATE: &str = include_str!("../js/guard.min.js");
/// The readable source the template is minified from.
pub const SOURCE: &str = include_str!("../js/guard.js");
/// The placeholder in [`TEMPLATE`].
pub const PLACEHOLDER: &str = "KAPSEL_CONFIG";

/// The bit of a category in the guard's masks (bit n is `Category::ALL[n]`, as in the banner).
pub fn bit(c: Category) -> u8 {
    1 << c as u8
}

/// Hosts (lower case) and the category bits a request to each needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostMap(pub BTreeMap<String, u8>);

impl HostMap {
    /// The map for a site: its declared services first, then the rest of the knowledge base;
    /// necessary hosts never blocked; hosts covered by a parent domain dropped.
    pub fn for_site(decl: &Declaration, base: &KnowledgeBase) -> HostMap {
        let mut declared: BTreeMap<String, u8> = BTreeMap::new();
        let mut necessary: Vec<String> = Vec::new();
        let mut add = |map: &mut BTreeMap<String, u8>, host: &str, cat: Category| {
            let host = host.trim().trim_start_matches('.').to_ascii_lowercase();
            if host.is_empty() {
                return;
            }
            if cat == Category::Necessary {
                necessary.push(host);
            } else {
                *map.entry(host).or_default() |= bit(cat);
            }
        };
        for s in &decl.services {
            for h in &s.hosts {
                add(&mut declared, h, s.category);
            }
        }
        let mut others: BTreeMap<String, u8> = BTreeMap::new();
        for s in base.services() {
            if decl.service(&s.id).is_none() {
                for h in &s.hosts {
                    add(&mut others, h, s.category);
                }
            }
        }
        // The declaration decides for the hosts it names.
        for (h, b) in others {
            declared.entry(h).or_insert(b);
        }
        for h in &necessary {
            declared.remove(h);
        }
        let covered = |h: &str, b: u8| {
            let mut rest = h;
            while let Some((_, parent)) = rest.split_once('.') {
                if declared.get(parent) == Some(&b) {
                    return true;
                }
                rest = parent;
            }
            false
        };
        HostMap(
            declared
                .iter()
                .filter(|(h, b)| !covered(h, **b))
                .map(|(h, b)| (h.clone(), *b))
                .collect(),
        )
    }

    /// The categories a request to `host` needs (most specific mapped domain wins; 0 = none).
    pub fn lookup(&self, host: &str) -> u8 {
        let mut rest = host;
        loop {
            if let Some(b) = self.0.get(rest) {
                return *b;
            }
            match rest.split_once('.') {
                Some((_, parent)) => rest = parent,
                None => return 0,
            }
        }
    }

    /// Whether there is nothing to block.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Percent-encodes a revision as the banner's consent record stores it: every byte but ASCII
/// letters, digits, `-`, `_` and `.` as `%xx` (lower-case hex).
pub fn encode_revision(revision: &str) -> String {
    let mut out = String::new();
    for b in revision.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// The configuration compiled into the guard: `[map, encoded revision, lifetime days]`.
pub fn config_json(map: &HostMap, decl: &Declaration) -> String {
    let map: serde_json::Map<String, serde_json::Value> = map
        .0
        .iter()
        .map(|(h, b)| (h.clone(), serde_json::Value::from(*b)))
        .collect();
    serde_json::json!([
        map,
        encode_revision(&decl.revision),
        decl.consent_lifetime()
    ])
    .to_string()
}

/// The site's `guard.js`.
pub fn guard_js(decl: &Declaration, base: &KnowledgeBase) -> String {
    let map = HostMap::for_site(decl, base);
    TEMPLATE.replacen(PLACEHOLDER, &config_json(&map, decl), 1)
}

/// How the banner's classic build begins (terser's output of build-banner.sh's wrapper).
pub const CLASSIC_BANNER_START: &str = "(()=>{\"use strict\";";

/// A banner script that cannot follow the guard.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BannerJsError {
    /// Not the classic build: the module `kapsel.js`, or something else altogether.
    #[error(
        "not the banner's classic build (scripts/build-banner.sh writes it as kapsel-classic.js; \
         kapsel.js is the module, which cannot follow a classic script)"
    )]
    NotClassic,
}

/// The site's guard followed by the banner's classic build (`kapsel-classic.js`): one file that
/// keeps trackers off and then starts the banner, loaded by one tag, `<script
/// src="/kapsel/guard.js" data-config="/kapsel.json">`, in the folder of the banner's wasm files.
/// One request instead of two, and smaller than both apart: gzip finds what the two share (the
/// stored-choice reader, Consent Mode's storage types).
pub fn with_banner(guard: &str, classic: &str) -> Result<String, BannerJsError> {
    if !classic.starts_with(CLASSIC_BANNER_START) || classic.contains("import.meta") {
        return Err(BannerJsError::NotClassic);
    }
    Ok(format!("{}\n{}", guard.trim_end(), classic))
}
