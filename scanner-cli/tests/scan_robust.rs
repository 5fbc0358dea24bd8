//! Hostile and broken sites cannot hang or crash the scanner: dialog loops, pop-ups, cookie spam,
//! thousands of links, endless redirects and calendars; `--max-time` writes a partial report.

mod support;

use std::time::{Duration, Instant};

use support::{assert_exit, scan, Response, Server};

fn hostile() -> Server {
    Server::http(|req| {
        let path = req.path.clone();
        match path.split('?').next().unwrap_or("") {
            "/" => {
                let mut links = String::new();
                for i in 0..5000 {
                    links.push_str(&format!("<a href=\"/calendar?day={i}\">{i}</a> "));
                }
                Response::html(format!(
                    r#"<script>
                    for (let i = 0; i < 3000; i++) document.cookie = "spam" + i + "=" + "x".repeat(50);
                    window.open("/popup"); alert("hi"); confirm("sure?");
                    let n = 0; const t = setInterval(() => {{ alert("again " + n++); if (n > 50) clearInterval(t); }}, 10);
                    </script><a href="/loop/0">loop</a> <a href="/a/b/a/b/a/b/a">trap</a> <a href="/ok">ok</a>{links}"#
                ))
            }
            "/calendar" => Response::html(format!("<p>{path}</p>")),
            "/ok" => Response::html("<p>fine</p>").cookie("ok=1; Path=/"),
            "/popup" => Response::html("<p>popup</p>").cookie("popup=1; Path=/"),
            p if p.starts_with("/loop/") => {
                let n: u32 = p[6..].parse().unwrap_or(0);
                Response::redirect(&format!("/loop/{}", n + 1))
            }
            _ => Response::status(404),
        }
    })
}

#[test]
fn hostile_pages_cannot_hang_or_crash_the_scan() {
    let site = hostile();
    let started = Instant::now();
    let (out, report) = scan(
        &format!("http://127.0.0.1:{}/", site.port),
        &[
            "--consent",
            "none",
            "--max-pages",
            "25",
            "--timeout",
            "10",
            "--fail-on",
            "never",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_exit(&out, 0);
    let pages = report["pages"].as_array().unwrap();
    assert!(pages.len() <= 25);
    let calendar = pages
        .iter()
        .filter(|p| p["url"].as_str().unwrap().contains("/calendar"))
        .count();
    assert!(
        calendar <= 10,
        "query-string variants per path are bounded: {calendar}"
    );
    assert!(pages
        .iter()
        .all(|p| !p["url"].as_str().unwrap().contains("/a/b/a/b")));
    let lp = pages
        .iter()
        .find(|p| p["url"].as_str().unwrap().ends_with("/loop/0"))
        .expect("the redirect loop was visited");
    assert!(lp["error"].as_str().unwrap().contains("REDIRECT"), "{lp}");
    assert!(
        support::cookies(&report, "ok").len() == 1,
        "the crawl went on past the hostile page"
    );
    assert!(
        support::cookies(&report, "popup").is_empty(),
        "pop-ups are blocked"
    );
    // Chromium keeps at most 180 cookies per domain; the spam did not break anything.
    let n = report["cookies"].as_array().unwrap().len();
    assert!(n > 100 && n <= 200, "{n}");
}

#[test]
fn max_time_writes_a_partial_report() {
    let site = Server::http(|req| {
        let n: u32 = req.path.trim_start_matches("/p").parse().unwrap_or(0);
        Response::html(format!("<a href=\"/p{}\">next</a>", n + 1))
            .cookie(&format!("c{n}=1; Path=/"))
            .delayed(Duration::from_millis(300))
    });
    let (out, report) = scan(
        &format!("http://127.0.0.1:{}/p0", site.port),
        &[
            "--consent",
            "none",
            "--max-time",
            "5",
            "--depth",
            "1000",
            "--max-pages",
            "1000",
            "--fail-on",
            "never",
        ],
    );
    assert_exit(&out, 0);
    assert_eq!(report["complete"], false);
    assert!(report["stopped"].as_str().unwrap().contains("--max-time"));
    let pages = report["pages"].as_array().unwrap().len();
    assert!((1..1000).contains(&pages), "{pages}");
    assert_eq!(report["cookies"].as_array().unwrap().len(), pages);
}
