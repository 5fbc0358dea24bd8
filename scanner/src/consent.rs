//! Finding and pressing a consent banner's accept-all or reject-all button: Kapsel's own
//! markup, the common consent platforms by their stable ids/classes, and otherwise a visible
//! button whose text means accept or reject in Bokmål, Nynorsk or English.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::browser::eval;
use crate::page::PageTab;

/// Which button to press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Accept all.
    Accept,
    /// Reject all.
    Reject,
}

/// What was found and pressed.
#[derive(Debug, Clone, Default)]
pub struct BannerResult {
    /// Banner kind when one was recognised.
    pub kind: Option<String>,
    /// The pressed button's text.
    pub clicked: Option<String>,
}

const SCRIPT: &str = r#"((choice) => {
  const known = {
    accept: [
      ['kapsel', '[data-kapsel-action="accept-all"]'],
      ['cookiebot', '#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, #CybotCookiebotDialogBodyButtonAccept'],
      ['onetrust', '#onetrust-accept-btn-handler'],
      ['cookieyes', '[data-cky-tag="accept-button"], .cky-btn-accept'],
      ['klaro', '.klaro .cm-btn-accept-all, .klaro .cm-btn-success'],
      ['vanilla-cookieconsent', '#cc-main [data-role="all"], #c-p-bn'],
    ],
    reject: [
      ['kapsel', '[data-kapsel-action="reject-all"]'],
      ['cookiebot', '#CybotCookiebotDialogBodyButtonDecline'],
      ['onetrust', '#onetrust-reject-all-handler'],
      ['cookieyes', '[data-cky-tag="reject-button"], .cky-btn-reject'],
      ['klaro', '.klaro .cn-decline, .klaro .cm-btn-decline'],
      ['vanilla-cookieconsent', '#cc-main [data-role="necessary"], #s-rall-bn'],
    ],
  };
  const markers = [
    ['kapsel', '#kapsel-banner'], ['cookiebot', '#CybotCookiebotDialog'], ['onetrust', '#onetrust-banner-sdk, #onetrust-consent-sdk'],
    ['cookieyes', '.cky-consent-container'], ['klaro', '.klaro'], ['vanilla-cookieconsent', '#cc-main, #cc_div'],
  ];
  const visible = (el) => { if (!el || !el.isConnected) return false; const r = el.getClientRects(); if (!r.length) return false;
    const st = getComputedStyle(el); return st.visibility !== 'hidden' && st.display !== 'none' && st.opacity !== '0'; };
  const text = (el) => (el.innerText || el.value || el.getAttribute('aria-label') || '').toLowerCase().replace(/[^\p{L}\p{N} ]+/gu, ' ').replace(/\s+/g, ' ').trim();
  for (const [kind, sel] of known[choice]) {
    for (const el of document.querySelectorAll(sel)) {
      if (visible(el)) { const t = text(el); el.click(); return { kind, clicked: t || sel }; }
    }
  }
  let marker = null;
  for (const [kind, sel] of markers) { if (document.querySelector(sel)) { marker = kind; break; } }
  const reject = ['avvis', 'avslå', 'avsla', 'reject', 'decline', 'deny', 'nei takk', 'no thanks', 'kun nødvendige', 'bare nødvendige',
    'berre nødvendige', 'berre naudsynte', 'kun naudsynte', 'only necessary', 'necessary only', 'necessary cookies only', 'essential only',
    'only essential', 'refuse', 'ikkje godta', 'ikke godta', 'godta ikke', 'disallow'];
  const acceptExact = ['ok', 'ja', 'yes', 'godta', 'godtar', 'godtek', 'aksepter', 'accept', 'agree', 'i agree', 'jeg godtar', 'eg godtek',
    'samtykker', 'jeg samtykker', 'eg samtykkjer', 'allow', 'got it', 'forstått', 'ja takk', 'ok jeg forstår', 'godkjenn'];
  const acceptPhrase = ['godta alle', 'aksepter alle', 'tillat alle', 'godkjenn alle', 'accept all', 'allow all', 'accept cookies',
    'godta informasjonskapsler', 'tillat informasjonskapsler', 'samtykk til alle', 'godta alt', 'tillat alt', 'accept and close'];
  const rejectExact = ['nei', 'no'];
  const candidates = document.querySelectorAll('button, [role="button"], input[type="button"], input[type="submit"], a');
  let best = null;
  for (let i = 0; i < candidates.length && i < 5000; i++) {
    const el = candidates[i];
    const t = text(el);
    if (!t || t.length > 60 || !visible(el)) continue;
    const isReject = rejectExact.includes(t) || reject.some((w) => t.includes(w));
    const isAccept = !isReject && (acceptExact.includes(t) || acceptPhrase.some((w) => t.includes(w)));
    if ((choice === 'accept' && isAccept) || (choice === 'reject' && isReject)) {
      if (el.tagName === 'A' && el.getAttribute('href') && !el.getAttribute('href').startsWith('#') && el.getAttribute('role') !== 'button') continue;
      best = el; break;
    }
  }
  if (best) { const t = text(best); best.click(); return { kind: marker || 'text', clicked: t }; }
  return { kind: marker, clicked: null };
})"#;

/// Looks for the banner for up to `patience` (consent platforms load late) and presses the
/// button for `choice`.
pub fn press(tab: &PageTab, choice: Choice, patience: Duration) -> BannerResult {
    let arg = match choice {
        Choice::Accept => "accept",
        Choice::Reject => "reject",
    };
    let deadline = Instant::now() + patience;
    let mut last = BannerResult::default();
    loop {
        let v = eval(&tab.tab, &format!("{SCRIPT}('{arg}')")).unwrap_or(Value::Null);
        last.kind = v.get("kind").and_then(Value::as_str).map(String::from);
        last.clicked = v.get("clicked").and_then(Value::as_str).map(String::from);
        if last.clicked.is_some() || Instant::now() >= deadline {
            return last;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
