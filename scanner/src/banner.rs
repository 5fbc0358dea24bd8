//! The site's own consent banner, seen from the page: Kapsel's finder and measurer
//! (`banner.js`, evaluated in the page's main world) and the EDPB cookie-banner taskforce's bad
//! practices judged from its measurements — no reject on the first layer, reject far less
//! prominent than accept (a plain link, or much smaller, thinner or fainter), categories ticked
//! before the visitor chose.

use headless_chrome::Tab;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::consent::Choice;

/// The finder, `(op, choice) => result`.
const SCRIPT: &str = include_str!("banner.js");

pub use kapsel_report::ButtonMeasured as ButtonLook;

/// What the finder saw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BannerView {
    /// A banner-like element holding an accept or reject button was found.
    pub found: bool,
    /// A known consent platform's marker on the page, when any.
    pub platform: Option<String>,
    /// The banner's first words.
    pub text: Option<String>,
    /// Its accept-all button.
    pub accept: Option<ButtonLook>,
    /// Its reject-all button.
    pub reject: Option<ButtonLook>,
    /// Labels of non-necessary categories ticked before any choice.
    pub pre_ticked: Vec<String>,
    /// The words of the button pressed (for `press`).
    pub clicked: Option<String>,
}

fn word(choice: Choice) -> &'static str {
    match choice {
        Choice::Accept => "accept",
        Choice::Reject => "reject",
    }
}

fn run(tab: &Tab, op: &str, choice: Option<Choice>) -> Option<Value> {
    // Objects come back by value only as JSON text.
    let expression = format!(
        "JSON.stringify(({SCRIPT})('{op}', '{}'))",
        choice.map(word).unwrap_or("")
    );
    let text = tab.evaluate(&expression, false).ok()?.value?;
    serde_json::from_str(text.as_str()?).ok()
}

/// Finds and measures the banner without touching it.
pub fn find(tab: &Tab) -> BannerView {
    run(tab, "find", None)
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Finds the banner and presses its button for `choice` (when there is one).
pub fn press(tab: &Tab, choice: Choice) -> BannerView {
    run(tab, "press", Some(choice))
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Whether the banner found last is still shown: `None` when none was found on this page.
pub fn still_shown(tab: &Tab) -> Option<bool> {
    let v = run(tab, "gone", None)?;
    if v.get("known").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    v.get("shown").and_then(Value::as_bool)
}

/// What the page stored about consent: cookies visible to scripts, localStorage, and the IAB
/// TCF string when the page has a TCF API. Compared before and after a press.
pub fn consent_state(tab: &Tab) -> Value {
    const STATE: &str = r#"new Promise((resolve) => {
      const out = { cookies: {}, storage: {}, tcf: null };
      try { document.cookie.split(';').forEach((c) => { const i = c.indexOf('='); const k = c.slice(0, i).trim(); if (k) out.cookies[k] = c.slice(i + 1).trim().slice(0, 300); }); } catch (e) {}
      try { for (let i = 0; i < localStorage.length && i < 300; i++) { const k = localStorage.key(i); out.storage[k] = String(localStorage.getItem(k)).slice(0, 300); } } catch (e) {}
      let done = false; const finish = () => { if (!done) { done = true; resolve(out); } };
      try {
        if (typeof window.__tcfapi === 'function') {
          window.__tcfapi('getTCData', 2, (d, ok) => { if (ok && d) out.tcf = d.tcString || null; finish(); });
          setTimeout(finish, 500);
        } else finish();
      } catch (e) { finish(); }
    })"#;
    tab.evaluate(&format!("{STATE}.then(JSON.stringify)"), true)
        .ok()
        .and_then(|r| r.value)
        .and_then(|v| serde_json::from_str(v.as_str()?).ok())
        .unwrap_or(Value::Null)
}

/// The names whose values changed between two [`consent_state`]s (cookies, storage keys, `tcf`).
pub fn state_changes(before: &Value, after: &Value) -> Vec<String> {
    let mut changed = Vec::new();
    for (section, label) in [("cookies", "cookie"), ("storage", "localStorage")] {
        if let Some(now) = after.get(section).and_then(Value::as_object) {
            for (k, v) in now {
                if before.pointer(&format!(
                    "/{section}/{}",
                    k.replace('~', "~0").replace('/', "~1")
                )) != Some(v)
                {
                    changed.push(format!("{label} {k}"));
                }
            }
        }
    }
    if after.get("tcf").is_some_and(|t| !t.is_null()) && after.get("tcf") != before.get("tcf") {
        changed.push("TCF consent string".into());
    }
    changed.sort();
    changed
}

/// A bad practice measured in the banner: the finding kind and a sentence with the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Practice {
    /// `no-reject-first-layer`, `reject-less-prominent` or `pre-ticked-categories`.
    pub kind: &'static str,
    /// What was measured.
    pub detail: String,
}

/// Accept at least this many times the reject button's area is "far larger".
pub const AREA_RATIO: f64 = 2.0;
/// A font-weight difference of at least this much is "far heavier" (e.g. 300 vs 700).
pub const WEIGHT_GAP: u32 = 300;
/// Reject text below this contrast (WCAG's minimum for large text) is "faint".
pub const FAINT_CONTRAST: f64 = 3.0;

/// Judges a banner's first layer by its measurements.
pub fn judge(view: &BannerView) -> Vec<Practice> {
    let mut out = Vec::new();
    if !view.found {
        return out;
    }
    match (&view.accept, &view.reject) {
        (Some(a), None) => out.push(Practice {
            kind: "no-reject-first-layer",
            detail: format!(
                "the first layer offers \"{}\" but no button to reject all",
                a.text
            ),
        }),
        (Some(a), Some(r)) => {
            let mut why = Vec::new();
            if r.looks_like_link && !a.looks_like_link {
                why.push(format!(
                    "reject is a plain text link ({}), accept a button",
                    r.tag
                ));
            }
            let ratio = a.area as f64 / (r.area.max(1)) as f64;
            if ratio >= AREA_RATIO {
                why.push(format!(
                    "area {} px² vs {} px² ({ratio:.1}×)",
                    r.area, a.area
                ));
            }
            if a.font_weight >= r.font_weight + WEIGHT_GAP {
                why.push(format!(
                    "font weight {} vs {}",
                    r.font_weight, a.font_weight
                ));
            }
            if r.contrast < FAINT_CONTRAST && a.contrast >= r.contrast * 1.5 {
                why.push(format!(
                    "contrast {:.2}:1 vs {:.2}:1",
                    r.contrast, a.contrast
                ));
            }
            if !why.is_empty() {
                out.push(Practice {
                    kind: "reject-less-prominent",
                    detail: format!(
                        "reject \"{}\" is far less prominent than accept \"{}\": {}",
                        r.text,
                        a.text,
                        why.join("; ")
                    ),
                });
            }
        }
        _ => {}
    }
    if !view.pre_ticked.is_empty() {
        out.push(Practice {
            kind: "pre-ticked-categories",
            detail: format!(
                "{} non-necessary categor{} ticked before any choice: {}",
                view.pre_ticked.len(),
                if view.pre_ticked.len() == 1 {
                    "y is"
                } else {
                    "ies are"
                },
                view.pre_ticked.join(", ")
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(text: &str, area: u64, weight: u32, contrast: f64, link: bool) -> ButtonLook {
        ButtonLook {
            text: text.into(),
            tag: if link { "a" } else { "button" }.into(),
            area,
            font_weight: weight,
            font_size: 14.0,
            contrast,
            looks_like_link: link,
        }
    }

    fn view(accept: Option<ButtonLook>, reject: Option<ButtonLook>) -> BannerView {
        BannerView {
            found: true,
            accept,
            reject,
            ..Default::default()
        }
    }

    #[test]
    fn equal_buttons_pass() {
        let v = view(
            Some(button("godta alle", 3000, 600, 7.0, false)),
            Some(button("avvis alle", 2800, 600, 7.0, false)),
        );
        assert!(judge(&v).is_empty());
    }

    #[test]
    fn each_measure_alone_makes_reject_less_prominent() {
        let a = button("godta alle", 3000, 700, 7.0, false);
        for r in [
            button("avvis", 3000, 700, 7.0, true),
            button("avvis", 1400, 700, 7.0, false),
            button("avvis", 3000, 300, 7.0, false),
            button("avvis", 3000, 700, 1.6, false),
        ] {
            let found = judge(&view(Some(a.clone()), Some(r.clone())));
            assert_eq!(found.len(), 1, "{r:?}");
            assert_eq!(found[0].kind, "reject-less-prominent");
        }
    }

    #[test]
    fn missing_reject_and_ticked_boxes_are_reported() {
        let mut v = view(Some(button("ok", 900, 400, 5.0, false)), None);
        v.pre_ticked = vec!["statistikk".into(), "marknadsforing".into()];
        let kinds: Vec<_> = judge(&v).iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["no-reject-first-layer", "pre-ticked-categories"]);
    }

    #[test]
    fn state_changes_name_what_changed() {
        let before = serde_json::json!({"cookies": {"a": "1"}, "storage": {}, "tcf": null});
        let after = serde_json::json!({"cookies": {"a": "1", "consent": "no"}, "storage": {"x/y": "1"}, "tcf": "CP"});
        assert_eq!(
            state_changes(&before, &after),
            ["TCF consent string", "cookie consent", "localStorage x/y"]
        );
    }
}
