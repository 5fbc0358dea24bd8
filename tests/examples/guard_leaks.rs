//! `bench/guard/run.sh`'s driver: which of the guard fixture's insertion ways reach a stand-in
//! tracker before any choice, with each blocker in the page's head.
//!
//! Usage: `guard_leaks LOADS LABEL=SITE_DIR...`. For each site (the fixture with a different
//! `_partials/blocker.html`), one fresh Chromium loads `/` and `/markup/` LOADS times each (a
//! first visit, then repeat visits, cookies cleared in between) and counts, per `way=`, the loads
//! in which a request reached the tracker; it also lists tracker cookies set before a choice.
//! Prints a Markdown table.

use std::collections::{BTreeMap, BTreeSet};
use std::thread::sleep;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use headless_chrome::protocol::cdp::Network;
use kapsel_demo::{Demo, DemoOptions, Site};
use kapsel_e2e::chrome::{cookie_names, open, wait_for, Chrome, ChromeOptions};

const PAGES: [&str; 2] = ["/", "/markup/"];
const TRACKER_COOKIES: [&str; 7] = ["_ga", "_ga_GTM0001", "_gid", "datr", "fr", "sb", "vuid"];

struct Run {
    /// way → loads in which it reached a tracker.
    leaks: BTreeMap<String, usize>,
    cookies: BTreeSet<String>,
}

fn measure(dir: &str, loads: usize) -> Result<Run> {
    let demo = Demo::start(DemoOptions::new(Site::Dir(dir.into())))
        .with_context(|| format!("serving {dir}"))?;
    let chrome = Chrome::launch(&ChromeOptions::for_demo(&demo))?;
    let mut run = Run {
        leaks: BTreeMap::new(),
        cookies: BTreeSet::new(),
    };
    for page in PAGES {
        for _ in 0..loads {
            let tab = chrome.new_tab()?;
            demo.clear_tracker_requests();
            open(&tab, &demo.url(page))?;
            wait_for(
                &tab,
                "document.readyState === 'complete' && (window.fixtureDone || !document.querySelector('#slot'))",
                Duration::from_secs(15),
            )?;
            sleep(Duration::from_millis(2000));
            let ways: BTreeSet<String> = demo
                .tracker_requests()
                .iter()
                .filter_map(|r| {
                    r.query
                        .split('&')
                        .find_map(|p| p.strip_prefix("way="))
                        .map(str::to_string)
                })
                .collect();
            for w in ways {
                *run.leaks.entry(w).or_default() += 1;
            }
            run.cookies.extend(
                cookie_names(&tab)?
                    .into_iter()
                    .filter(|c| TRACKER_COOKIES.contains(&c.as_str())),
            );
            tab.call_method(Network::ClearBrowserCookies(None))?;
            tab.close(true)?;
        }
    }
    Ok(run)
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let loads: usize = args
        .next()
        .context("usage: guard_leaks LOADS LABEL=SITE_DIR...")?
        .parse()
        .context("LOADS must be a number")?;
    let mut runs = Vec::new();
    for a in args {
        let Some((label, dir)) = a.split_once('=') else {
            bail!("{a}: expected LABEL=SITE_DIR");
        };
        eprintln!("guard_leaks: {label} ({dir}), {loads} loads of each page");
        runs.push((label.to_string(), measure(dir, loads)?));
    }
    let ways = [
        ("/", "append", "script: createElement, .src, appendChild"),
        (
            "/",
            "insert",
            "iframe: createElement, setAttribute, insertBefore",
        ),
        ("/", "innerhtml", "iframe: innerHTML"),
        ("/", "write", "script: document.write"),
        (
            "/",
            "gtm",
            "tag manager loader (script inserted by the GTM snippet)",
        ),
        ("/", "gtm-gtag", "script the tag manager injects"),
        ("/", "gtm-pixel", "pixel the tag manager fires (new Image)"),
        ("/", "image", "pixel: new Image().src"),
        ("/", "img", "pixel: <img> via insertAdjacentHTML"),
        ("/", "beacon", "navigator.sendBeacon"),
        ("/", "fetch", "fetch"),
        ("/", "xhr", "XMLHttpRequest"),
        (
            "/markup/",
            "parser-iframe",
            "iframe in the HTML (pasted embed)",
        ),
        (
            "/markup/",
            "parser-iframe-lazy",
            "iframe in the HTML, `loading=\"lazy\"` (pasted embed)",
        ),
        (
            "/markup/",
            "parser-script",
            "script in the HTML (pasted embed)",
        ),
        ("/markup/", "parser-img", "pixel in the HTML"),
    ];
    print!("| page | way |");
    for (label, _) in &runs {
        print!(" {label} |");
    }
    println!();
    print!("|---|---|");
    for _ in &runs {
        print!("---|");
    }
    println!();
    for (page, way, what) in ways {
        print!("| `{page}` | {what} (`{way}`) |");
        for (_, run) in &runs {
            print!(" {}/{loads} |", run.leaks.get(way).copied().unwrap_or(0));
        }
        println!();
    }
    print!("| | ways that leaked at least once |");
    for (_, run) in &runs {
        print!(
            " {}/{} |",
            ways.iter()
                .filter(|(_, w, _)| run.leaks.contains_key(*w))
                .count(),
            ways.len()
        );
    }
    println!();
    print!("| | tracker cookies set before a choice |");
    for (_, run) in &runs {
        let c: Vec<_> = run.cookies.iter().cloned().collect();
        print!(
            " {} |",
            if c.is_empty() {
                "none".to_string()
            } else {
                c.join(", ")
            }
        );
    }
    println!();
    Ok(())
}
