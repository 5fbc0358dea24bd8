//! The stand-in trackers: what `www.googletagmanager.com`, `www.google-analytics.com`,
//! `www.facebook.com`, `connect.facebook.net` and `player.vimeo.com` answer, as far as cookies are
//! concerned.
//!
//! - `www.googletagmanager.com/gtag/js?id=G-…` returns a script that behaves like gtag.js: it reads
//!   the `dataLayer` (Consent Mode included), writes `_ga`, `_ga_<container-id>` and `_gid` on the
//!   page's own domain with `document.cookie`, and sends a `page_view` to
//!   `www.google-analytics.com/g/collect`. With `analytics_storage` denied it sends a cookieless ping
//!   and writes nothing, as the real one does.
//! - `www.facebook.com/plugins/page.php` is the page plugin frame; its response sets `datr`, `fr` and
//!   `sb` on `.facebook.com` (`SameSite=None; Secure`) and loads `connect.facebook.net`'s SDK.
//! - `www.googletagmanager.com/gtm.js?id=GTM-…` behaves like a Tag Manager container: it queues a
//!   `config` for gtag, injects gtag.js (statistics) and fires the Facebook pixel (marketing), the
//!   way a municipality's tag manager adds tags nobody marked up.
//! - `www.facebook.com/tr` is the Facebook pixel: a 1×1 GIF that sets `fr` on `.facebook.com`.
//! - `player.vimeo.com/video/<id>` is the player frame; it sets `vuid` (Vimeo's analytics id) and
//!   `__cf_bm` (Cloudflare's bot management, which the real player also brings) on `.vimeo.com`.
//!
//! Every request is logged (see [`crate::TrackerRequest`]) so tests can prove that nothing reached a
//! tracker before consent.

use crate::http::{Request, Response};
use crate::token;

/// The host names the stand-ins answer under.
pub const HOSTS: [&str; 5] = [
    "www.googletagmanager.com",
    "www.google-analytics.com",
    "www.facebook.com",
    "connect.facebook.net",
    "player.vimeo.com",
];

/// Answers one request to a stand-in tracker. `origin(host)` gives the `https://host[:port]` the
/// stand-ins are reachable at.
pub fn respond(req: &Request, origin: &dyn Fn(&str) -> String) -> Response {
    let host = req.host();
    let path = req.path.as_str();
    match (host.as_str(), path) {
        ("www.googletagmanager.com", "/gtag/js") => Response::new(
            200,
            "text/javascript; charset=utf-8",
            GTAG_JS.replace(
                "{{COLLECT_ORIGIN}}",
                &origin("www.google-analytics.com"),
            ),
        )
        .with_header("Cache-Control", "no-store"),
        ("www.googletagmanager.com", "/gtm.js") => Response::new(
            200,
            "text/javascript; charset=utf-8",
            GTM_JS
                .replace("{{GTAG_ORIGIN}}", &origin("www.googletagmanager.com"))
                .replace("{{PIXEL_ORIGIN}}", &origin("www.facebook.com")),
        )
        .with_header("Cache-Control", "no-store"),
        ("www.facebook.com", "/tr") => Response::new(200, "image/gif", PIXEL_GIF.to_vec())
            .with_header("Cache-Control", "no-store")
            .with_header(
                "Set-Cookie",
                &format!(
                    "fr=0{}.{}..Bn.AAA.0.0.Bn.AWV; Max-Age=7776000; HttpOnly; Domain=.facebook.com; Path=/; Secure; SameSite=None",
                    token(16),
                    token(20)
                ),
            ),
        ("www.google-analytics.com", "/g/collect") => Response::new(204, "text/plain", "")
            .with_header("Access-Control-Allow-Origin", "*"),
        ("www.facebook.com", "/plugins/page.php") => facebook_page(req, origin),
        ("www.facebook.com", "/eksempelkommune") => Response::html(
            "<!doctype html><title>Facebook</title><p>Stand-in for Facebook.</p>",
        ),
        ("connect.facebook.net", p) if p.ends_with("/sdk.js") => Response::new(
            200,
            "text/javascript; charset=utf-8",
            "/* Stand-in for the Facebook SDK: it sets no cookies of its own in a frame. */\nwindow.FB = window.FB || { init: function () {} };\n",
        ),
        ("player.vimeo.com", p) if p.starts_with("/video/") => vimeo_player(req),
        _ => Response::text(404, &format!("No stand-in for https://{host}{path}\n")),
    }
}

fn facebook_page(req: &Request, origin: &dyn Fn(&str) -> String) -> Response {
    let page = Request::param(&req.query, "href").unwrap_or_default();
    let body = FACEBOOK_HTML
        .replace("{{SDK_ORIGIN}}", &origin("connect.facebook.net"))
        .replace("{{PAGE}}", &escape(&page));
    let mut resp = Response::html(body);
    const ATTRS: &str = "Domain=.facebook.com; Path=/; Secure; SameSite=None";
    if req.cookie("datr").is_none() {
        let datr = token(24);
        resp = resp.with_header(
            "Set-Cookie",
            &format!("datr={datr}; Max-Age=34560000; HttpOnly; {ATTRS}"),
        );
    }
    if req.cookie("sb").is_none() {
        resp = resp.with_header(
            "Set-Cookie",
            &format!("sb={}; Max-Age=34560000; HttpOnly; {ATTRS}", token(24)),
        );
    }
    resp.with_header(
        "Set-Cookie",
        &format!(
            "fr=0{}.{}..Bn.AAA.0.0.Bn.AWV; Max-Age=7776000; HttpOnly; {ATTRS}",
            token(16),
            token(20)
        ),
    )
}

fn vimeo_player(req: &Request) -> Response {
    let id: String = req
        .path
        .trim_start_matches("/video/")
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let mut resp = Response::html(VIMEO_HTML.replace("{{ID}}", &id));
    const ATTRS: &str = "Domain=.vimeo.com; Path=/; Secure; SameSite=None";
    if req.cookie("vuid").is_none() {
        resp = resp.with_header(
            "Set-Cookie",
            &format!(
                "vuid=pl{}.{}; Max-Age=63072000; {ATTRS}",
                token(10),
                token(10)
            ),
        );
    }
    resp.with_header(
        "Set-Cookie",
        &format!("__cf_bm={}; Max-Age=1800; HttpOnly; {ATTRS}", token(43)),
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const GTAG_JS: &str = include_str!("../trackers/gtag.js");
const GTM_JS: &str = include_str!("../trackers/gtm.js");
/// A transparent 1×1 GIF.
const PIXEL_GIF: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];
const FACEBOOK_HTML: &str = include_str!("../trackers/facebook-page.html");
const VIMEO_HTML: &str = include_str!("../trackers/vimeo-player.html");
