//! `kapsel scan` against a site served on 127.0.0.1: every way a cookie gets set is found, each
//! page is visited once, robots.txt is honoured, broken pages are reported and the crawl goes on.

mod support;

use std::time::Duration;

use support::{cookies, scan, Response, Server};

/// The stand-in third party: a Facebook-like frame over HTTPS that sets a cookie by header and
/// one by script, both `SameSite=None; Secure` as third-party cookies must be.
fn third_party() -> Server {
    Server::https(&["www.facebook.com"], |req| {
        if req.path.starts_with("/plugin") {
            Response::html(
                "<p>plugin</p><script>document.cookie = 'fb_js=1; Max-Age=3600; SameSite=None; Secure';</script>",
            )
            .cookie("datr=abc; Max-Age=63072000; Path=/; Domain=.facebook.com; SameSite=None; Secure; HttpOnly")
            .cookie("lax_3p=1; Path=/")
        } else {
            Response::status(404)
        }
    })
}

fn site(tp_port: u16) -> Server {
    Server::http(move |req| {
        let path = req.path.as_str();
        match path.split('?').next().unwrap_or("") {
            "/" => Response::html(format!(
                r#"<!doctype html><html><body><h1>Front</h1>
                <a href="/page">page</a> <a href="/page?utm_source=news&fbclid=x">same page</a>
                <a href="/page#section">same again</a> <a href="/go">redirect</a>
                <a href="/private/secret">private</a> <a href="/missing">missing</a>
                <a href="/broken">broken</a> <a href="/slow">slow</a>
                <a href="mailto:post@example.no">mail</a> <a href="https://elsewhere.example/">elsewhere</a>
                <iframe src="https://www.facebook.com:{tp_port}/plugin"></iframe>
                <script>document.cookie = "scr=1; max-age=86400; path=/";
                localStorage.setItem("visits", "1"); sessionStorage.setItem("tab", "x");
                setTimeout(() => {{ document.cookie = "late=1; path=/"; }}, 600);</script>
                </body></html>"#
            ))
            .cookie("hdr=1; Path=/; HttpOnly"),
            "/page" => Response::html("<p>page</p>").cookie("page_c=1; Path=/"),
            "/go" => Response::redirect("/landing").cookie("redir=1; Path=/"),
            "/landing" => Response::html("<p>landed</p>"),
            "/only-in-sitemap" => Response::html("<p>hidden</p>").cookie("sm=1; Path=/"),
            "/private/secret" => Response::html("<p>no</p>").cookie("priv=1; Path=/"),
            "/broken" => Response::status(500),
            "/slow" => Response::html("<p>slow</p>").delayed(Duration::from_secs(20)),
            "/robots.txt" => Response::typed("text/plain", "User-agent: *\nDisallow: /private\n"),
            "/sitemap.xml" => Response::typed(
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><sitemapindex><sitemap><loc>http://127.0.0.1:{}/sitemap-pages.xml</loc></sitemap></sitemapindex>",
                    req_port(req)
                ),
            ),
            "/sitemap-pages.xml" => Response::typed(
                "application/xml",
                "<?xml version=\"1.0\"?><urlset><url><loc>/only-in-sitemap</loc></url></urlset>",
            ),
            _ => Response::status(404),
        }
    })
}

/// The site's port, from the request's Host header (the handler does not know it otherwise).
fn req_port(req: &support::Request) -> String {
    let _ = req;
    std::env::var("KAPSEL_TEST_SITE_PORT").unwrap_or_default()
}

#[test]
fn finds_cookies_set_every_way_and_reports_broken_pages() {
    let tp = third_party();
    let site = site(tp.port);
    // The sitemap index names its child by absolute URL; the handler reads the port from here.
    std::env::set_var("KAPSEL_TEST_SITE_PORT", site.port.to_string());
    let start = format!("http://127.0.0.1:{}/", site.port);
    let resolve = format!("www.facebook.com:{}:127.0.0.1", tp.port);
    let (out, report) = scan(
        &start,
        &[
            "--consent",
            "none",
            "--resolve",
            &resolve,
            "--timeout",
            "5",
            "--fail-on",
            "never",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");

    for name in [
        "hdr", "scr", "late", "page_c", "redir", "sm", "datr", "fb_js",
    ] {
        assert_eq!(
            cookies(&report, name).len(),
            1,
            "cookie {name} missing: {report:#}"
        );
    }
    assert!(
        cookies(&report, "priv").is_empty(),
        "robots.txt was not honoured"
    );

    let hdr = cookies(&report, "hdr")[0];
    assert_eq!(hdr["set_by"], "header");
    assert_eq!(hdr["http_only"], true);
    assert_eq!(hdr["expires"], "session");
    let scr = cookies(&report, "scr")[0];
    assert_eq!(scr["set_by"], "script");
    assert_eq!(scr["declared_lifetime_seconds"], 86400);
    let datr = cookies(&report, "datr")[0];
    assert_eq!(datr["domain"], ".facebook.com");
    assert_eq!(datr["first_party"], false);
    assert_eq!(datr["set_by"], "header");
    assert_eq!(datr["set_by_host"], "www.facebook.com");
    assert_eq!(datr["declared_lifetime_seconds"], 63_072_000);
    let stored = datr["lifetime_seconds"].as_i64().unwrap();
    assert!(
        stored <= 400 * 86_400 + 5,
        "Chromium caps at 400 days: {stored}"
    );
    assert_eq!(cookies(&report, "fb_js")[0]["set_by"], "script");
    assert_eq!(
        cookies(&report, "sm")[0]["first_seen"][0]["page"],
        format!("{start}only-in-sitemap")
    );
    assert_eq!(cookies(&report, "redir")[0]["set_by"], "header");

    let pages = report["pages"].as_array().unwrap();
    let visits = |suffix: &str| {
        pages
            .iter()
            .filter(|p| p["url"].as_str().unwrap().ends_with(suffix))
            .count()
    };
    assert_eq!(visits("/page"), 1, "normalisation failed: {pages:#?}");
    assert_eq!(visits("/private/secret"), 0);
    let error_of = |suffix: &str| {
        pages
            .iter()
            .find(|p| p["url"].as_str().unwrap().ends_with(suffix))
            .map(|p| p["error"].as_str().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("{suffix} not visited"))
    };
    assert_eq!(error_of("/broken"), "HTTP 500");
    assert!(
        error_of("/slow").contains("timed out"),
        "{}",
        error_of("/slow")
    );
    assert_eq!(error_of("/"), "");
    let go = pages
        .iter()
        .find(|p| p["url"].as_str().unwrap().ends_with("/go"))
        .unwrap();
    assert!(go["final_url"].as_str().unwrap().ends_with("/landing"));
    assert!(pages
        .iter()
        .all(|p| !p["url"].as_str().unwrap().contains("elsewhere")));

    let hosts: Vec<&str> = report["third_party_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, vec!["www.facebook.com"]);
    assert_eq!(error_of("/missing"), "HTTP 404");
    assert_eq!(report["summary"]["pages_failed"], 3);

    // A third-party cookie without `SameSite=None` is refused, and the attempt is reported.
    assert!(cookies(&report, "lax_3p").is_empty());
    let refused = report["refused_cookies"].as_array().unwrap();
    let lax = refused
        .iter()
        .find(|r| r["name"] == "lax_3p")
        .unwrap_or_else(|| panic!("refused cookie missing: {refused:#?}"));
    assert!(!lax["reasons"].as_array().unwrap().is_empty());
    assert!(lax["url"].as_str().unwrap().contains("www.facebook.com"));

    let storage: Vec<(String, String)> = report["storage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_string(),
                k["key"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        storage.contains(&("local".into(), "visits".into())),
        "{storage:?}"
    );
    assert!(
        storage.contains(&("session".into(), "tab".into())),
        "{storage:?}"
    );
}

#[test]
fn an_unreachable_site_is_a_failed_run_with_a_report() {
    let (out, report) = scan(
        "http://no-such-host.invalid/",
        &[
            "--consent",
            "none",
            "--timeout",
            "5",
            "--no-sitemap",
            "--ignore-robots",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let pages = report["pages"]
        .as_array()
        .expect("the report is still written");
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0]["error"]
            .as_str()
            .unwrap()
            .contains("NAME_NOT_RESOLVED"),
        "{pages:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no page"));
}

#[test]
fn bad_input_is_exit_2_with_a_message() {
    let out = std::process::Command::new(support::kapsel())
        .args(["scan", "ftp://example.no/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an http(s) URL"));
    let out = std::process::Command::new(support::kapsel())
        .args(["scan", "http://127.0.0.1:9/", "--resolve", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HOST:PORT:ADDR"));
}
