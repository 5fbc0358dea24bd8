//! Pressing a consent banner and proving it: DuckDuckGo's autoconsent rules first (when the
//! bundle is installed), Kapsel's own finder ([`banner`]) when no rule finds a banner. Before the
//! press the banner is measured and photographed; after it, the press counts as verified only
//! when the banner went away and the site's own state shows the choice (the rule's self-test, or
//! a consent cookie, storage key or TCF string that changed).

use std::path::Path;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::Tab;

use crate::autoconsent::{Action, Autoconsent};
use crate::banner::{self, BannerView};
use crate::consent::Choice;
use kapsel_report::{BannerMeasured, Finding, FindingKind, Phase, PhaseInfo};

/// Which engine pressed.
pub const ENGINE_AUTOCONSENT: &str = "autoconsent";
/// Kapsel's own finder.
pub const ENGINE_KAPSEL: &str = "kapsel";

/// What happened on the page where a banner was looked for.
#[derive(Debug, Clone, Default)]
pub struct Pressed {
    /// `autoconsent` or `kapsel`, when a banner was found.
    pub engine: Option<&'static str>,
    /// The autoconsent rule, or the platform Kapsel recognised (`text` when none).
    pub rule: Option<String>,
    /// A banner was found.
    pub banner_found: bool,
    /// What was pressed.
    pub clicked: Option<String>,
    /// The press is proven (see the module doc).
    pub verified: bool,
    /// The evidence for (or against) the press.
    pub proof: Vec<String>,
    /// Why the phase cannot count as measured, when it cannot.
    pub why_not: Option<String>,
    /// The banner's measurements before the press.
    pub view: Option<BannerView>,
    /// Screenshot (PNG) of the page with the banner, before the press.
    pub before_png: Option<Vec<u8>>,
    /// Screenshot (PNG) of the page after the press.
    pub after_png: Option<Vec<u8>>,
}

fn screenshot(tab: &Tab) -> Option<Vec<u8>> {
    tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .ok()
}

/// Looks for the banner (up to `patience`), presses the button for `choice`, waits with
/// `settle` (the caller's network-quiet wait) and proves the press.
pub fn press(
    tab: &Tab,
    choice: Choice,
    patience: Duration,
    autoconsent: Option<&Autoconsent>,
    settle: impl Fn(),
) -> Pressed {
    let mut out = Pressed::default();
    let before_state = banner::consent_state(tab);
    let mut rule_result = None;
    if let Some(ac) = autoconsent {
        let action = match choice {
            Choice::Accept => Action::OptIn,
            Choice::Reject => Action::OptOut,
        };
        let mut view = None;
        let mut shot = None;
        let run = ac.run(tab, action, patience.max(Duration::from_secs(4)), |_rule| {
            view = Some(banner::find(tab));
            shot = screenshot(tab);
        });
        if let Some(rule) = run.popup.clone() {
            out.engine = Some(ENGINE_AUTOCONSENT);
            out.rule = Some(rule.clone());
            out.banner_found = true;
            let button = view.as_ref().and_then(|v| match choice {
                Choice::Accept => v.accept.as_ref(),
                Choice::Reject => v.reject.as_ref(),
            });
            out.clicked = Some(match button {
                Some(b) => b.text.clone(),
                None => format!(
                    "{} steps of the {rule} rule",
                    if choice == Choice::Accept {
                        "opt-in"
                    } else {
                        "opt-out"
                    }
                ),
            });
            out.view = view;
            out.before_png = shot;
            rule_result = Some(run);
        } else if let Some(rule) = run.detected {
            out.proof.push(format!(
                "autoconsent detected {rule} but found no open popup"
            ));
        }
    }
    if out.engine.is_none() {
        // Kapsel's own finder, for banners no rule knows (it waits for late banners only when
        // autoconsent did not already spend the patience).
        let deadline = Instant::now()
            + if autoconsent.is_some() {
                Duration::ZERO
            } else {
                patience
            };
        let mut view = banner::find(tab);
        while !view.found && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(250));
            view = banner::find(tab);
        }
        if view.found {
            out.engine = Some(ENGINE_KAPSEL);
            out.rule = Some(view.platform.clone().unwrap_or_else(|| "text".into()));
            out.banner_found = true;
            out.before_png = screenshot(tab);
            out.clicked = banner::press(tab, choice).clicked;
            out.view = Some(view);
        }
    }
    if !out.banner_found {
        out.why_not = Some("no consent banner was found".into());
        return out;
    }
    if out.clicked.is_none() {
        out.why_not = Some(format!(
            "a banner was found but it has no {} button",
            if choice == Choice::Accept {
                "accept-all"
            } else {
                "reject-all"
            }
        ));
        return out;
    }
    settle();
    // Banners often fade out: give a shown one a moment to go.
    let mut shown = banner::still_shown(tab);
    let fade = Instant::now() + Duration::from_secs(3);
    while shown == Some(true) && Instant::now() < fade {
        std::thread::sleep(Duration::from_millis(200));
        shown = banner::still_shown(tab);
    }
    let changes = banner::state_changes(&before_state, &banner::consent_state(tab));
    out.after_png = screenshot(tab);
    match shown {
        Some(false) => out.proof.push("the banner went away".into()),
        Some(true) => out.proof.push("the banner is still shown".into()),
        None => {}
    }
    for c in &changes {
        out.proof.push(format!("{c} changed"));
    }
    out.verified = match &rule_result {
        Some(run) => {
            match run.result {
                Some(true) => out.proof.push("the rule's steps succeeded".into()),
                Some(false) => out.proof.push("the rule's steps failed".into()),
                None => out.proof.push("the rule's steps did not finish".into()),
            }
            match run.self_test {
                Some(true) => out.proof.push("the rule's self-test passed".into()),
                Some(false) => out.proof.push("the rule's self-test failed".into()),
                None => {}
            }
            run.result == Some(true)
                && run.self_test != Some(false)
                && shown != Some(true)
                && (run.self_test == Some(true) || !changes.is_empty())
        }
        None => shown == Some(false) && !changes.is_empty(),
    };
    if !out.verified {
        out.why_not = Some(format!(
            "the press could not be verified ({})",
            if out.proof.is_empty() {
                "nothing changed".to_string()
            } else {
                out.proof.join(", ")
            }
        ));
    }
    out
}

/// Fills a phase's report entry from the press on `page`, saving the screenshots into
/// `evidence` (named `<phase>-banner.png`, `<phase>-after.png`; the report keeps paths relative
/// to the report, i.e. `<evidence folder name>/<file>`).
pub fn fill_info(info: &mut PhaseInfo, pressed: &Pressed, page: &str, evidence: Option<&Path>) {
    info.banner_found = pressed.banner_found;
    info.banner = pressed.rule.clone();
    info.engine = pressed.engine.map(String::from);
    info.clicked = pressed.clicked.clone();
    info.clicked_on = pressed.clicked.as_ref().map(|_| page.to_string());
    info.verified = pressed.verified;
    info.proof = pressed.proof.clone();
    if let Some(why) = &pressed.why_not {
        info.proof.push(why.clone());
    }
    info.banner_measured = pressed.view.as_ref().map(|v| BannerMeasured {
        accept: v.accept.clone(),
        reject: v.reject.clone(),
        pre_ticked: v.pre_ticked.clone(),
        practices: banner::judge(v)
            .into_iter()
            .map(|p| (p.kind.to_string(), p.detail))
            .collect(),
    });
    let Some(dir) = evidence else { return };
    let folder = dir
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (png, what) in [
        (&pressed.before_png, "banner"),
        (&pressed.after_png, "after"),
    ] {
        let Some(png) = png else { continue };
        let file = format!("{}-{what}.png", info.phase);
        if std::fs::create_dir_all(dir).is_ok() && std::fs::write(dir.join(&file), png).is_ok() {
            info.screenshots.push(format!("{folder}/{file}"));
        }
    }
}

/// The phase's sentence for the reader.
pub fn note(info: &PhaseInfo, autoconsent_missing: Option<&str>) -> String {
    let mut note = match (info.phase, &info.clicked, &info.banner) {
        (Phase::None, _, _) => return "no interaction with any banner".into(),
        (_, Some(text), rule) => format!(
            "pressed \"{text}\" ({} {}) on {}: {}",
            info.engine.as_deref().unwrap_or("?"),
            rule.as_deref().unwrap_or("?"),
            info.clicked_on.as_deref().unwrap_or("?"),
            if info.verified { "verified" } else { "NOT verified" }
        ),
        (p, None, Some(kind)) => format!(
            "a {kind} banner was found but no {} button could be pressed; this phase shows what a visitor gets without choosing",
            if p == Phase::Accept { "accept-all" } else { "reject-all" }
        ),
        (_, None, None) => "no consent banner found: nothing was pressed, so this phase shows what a visitor gets without choosing".into(),
    };
    if let Some(why) = autoconsent_missing {
        note.push_str(&format!(" (autoconsent not used: {why})"));
    }
    note
}

/// Findings from the phases' banners: each pressing phase that is not verified
/// (`consent-not-measured`), each bad practice measured (once per kind), and no banner in any
/// phase while cookies that need consent were set (`existing` holds the cookie findings).
pub fn findings(phases: &[PhaseInfo], existing: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add =
        |kind: FindingKind, page: Option<&String>, phase: Option<Phase>, message: String| {
            out.push(Finding {
                kind,
                severity: kind.severity(),
                cookie: None,
                domain: None,
                page: page.cloned(),
                phase,
                message,
            })
        };
    let pressing: Vec<&PhaseInfo> = phases.iter().filter(|p| p.phase != Phase::None).collect();
    for p in &pressing {
        if p.verified {
            continue;
        }
        let why = if !p.banner_found {
            "no consent banner was found".to_string()
        } else if p.clicked.is_none() {
            format!(
                "a banner was found but no {} button could be pressed",
                if p.phase == Phase::Accept {
                    "accept-all"
                } else {
                    "reject-all"
                }
            )
        } else {
            format!(
                "the press of \"{}\" could not be verified ({})",
                p.clicked.as_deref().unwrap_or(""),
                p.proof.join(", ")
            )
        };
        add(
            FindingKind::ConsentNotMeasured,
            p.clicked_on.as_ref(),
            Some(p.phase),
            format!("the {} phase was not measured: {why}; its cookies show what a visitor gets without choosing", p.phase),
        );
    }
    let mut seen = Vec::new();
    for p in &pressing {
        let Some(m) = &p.banner_measured else {
            continue;
        };
        for (kind, detail) in &m.practices {
            let kind = match kind.as_str() {
                "no-reject-first-layer" => FindingKind::NoRejectFirstLayer,
                "reject-less-prominent" => FindingKind::RejectLessProminent,
                "pre-ticked-categories" => FindingKind::PreTickedCategories,
                _ => continue,
            };
            if !seen.contains(&kind) {
                seen.push(kind);
                add(kind, p.clicked_on.as_ref(), Some(p.phase), detail.clone());
            }
        }
    }
    if !pressing.is_empty() && pressing.iter().all(|p| !p.banner_found) {
        let mut names: Vec<&str> = existing
            .iter()
            .filter(|f| f.kind == FindingKind::SetBeforeConsent)
            .filter_map(|f| f.cookie.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        if !names.is_empty() {
            let page = existing
                .iter()
                .find(|f| f.kind == FindingKind::SetBeforeConsent)
                .and_then(|f| f.page.as_ref());
            add(
                FindingKind::NoBannerWithCookies,
                page,
                Some(Phase::None),
                format!(
                    "no consent banner was found, yet {} cookie{} that need consent {} set: {}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    if names.len() == 1 { "is" } else { "are" },
                    names.join(", ")
                ),
            );
        }
    }
    out
}
