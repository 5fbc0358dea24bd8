//! The scanner holds its limits on a hostile web (the `kapsel-hostile` site: cookie bomb, redirect
//! loop, dialog and pop-up storms, 20,000 links, 30 nested frames, a body that never ends, 40 MB,
//! an endless script, a memory eater, a service worker, beforeunload, endless scrolling, 10,000
//! storage keys, malformed cookies, a 45 s hang, ordinary pages between them): the crawl ends by
//! itself, every page is accounted for, the ordinary pages' cookies are all recorded, the process
//! tree stays under its memory bound, and a scan killed half way leaves a readable report.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kapsel_hostile::{Expect, Hostile, ORDINARY, PAGES};
use support::kapsel;

/// One crawl at a time: the bounds below are for one scan on the machine, not three.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// The per-page limit the tests scan with.
const TIMEOUT_S: u64 = 10;
/// The whole crawl of the suite at --concurrency 4 must end by itself within this.
const CRAWL_BOUND: Duration = Duration::from_secs(150);
/// The bound on the whole process tree at --concurrency 4.
const MEMORY_BOUND_MB: u64 = 1500;

/// Starts `kapsel scan` over the hostile site at --concurrency 4, writing `report`; its processes
/// (Chromium's too) carry `tag` in their environment so leftovers can be found.
fn start_scan(site: &Hostile, report: &Path, tag: &str) -> Child {
    Command::new(kapsel())
        .args([
            "scan",
            &site.url(),
            "--consent",
            "none",
            "--concurrency",
            "4",
        ])
        .args([
            "--max-pages",
            "40",
            "--depth",
            "1",
            "--timeout",
            &TIMEOUT_S.to_string(),
        ])
        .args(["--fail-on", "never", "--quiet", "--out"])
        .arg(report)
        .env("KAPSEL_TEST_TAG", tag)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kapsel")
}

/// Processes whose environment holds `KAPSEL_TEST_TAG=tag`, however deep and even if orphaned.
fn tagged(tag: &str) -> Vec<u32> {
    let needle = format!("KAPSEL_TEST_TAG={tag}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) {
            if env.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
                found.push(pid);
            }
        }
    }
    found
}

/// Kills what a failed test left behind (only this test's processes).
fn kill_tagged(tag: &str) {
    for pid in tagged(tag) {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
}

/// The summed proportional set size of `root` and all its descendants, in MB.
fn tree_pss_mb(root: u32) -> u64 {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, r)| r.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
        {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let (mut kb, mut stack) = (0u64, vec![root]);
    while let Some(pid) = stack.pop() {
        stack.extend(children.get(&pid).into_iter().flatten().copied());
        if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            kb += rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    kb / 1024
}

fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: no report: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn page_of<'a>(report: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    report["pages"]
        .as_array()?
        .iter()
        .find(|p| p["url"].as_str().is_some_and(|u| u.ends_with(path)))
}

#[test]
fn the_hostile_suite_ends_in_bounded_time_and_memory_with_every_page_accounted_for() {
    let _serial = serial();
    let site = Hostile::start(0).expect("hostile site");
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    let tag = format!("limits-{}", std::process::id());
    let started = Instant::now();
    let mut child = start_scan(&site, &report_path, &tag);
    let mut peak = 0;
    let status = loop {
        peak = peak.max(tree_pss_mb(child.id()));
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > CRAWL_BOUND {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = started.elapsed();
    if status.is_none() {
        let _ = child.kill();
        kill_tagged(&tag);
        panic!("the crawl did not end by itself within {CRAWL_BOUND:?}");
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.unwrap().success(), "kapsel failed: {stderr}");
    std::thread::sleep(Duration::from_secs(2));
    let left = tagged(&tag);
    kill_tagged(&tag);
    assert!(left.is_empty(), "processes left running: {left:?}");
    eprintln!("hostile suite: {took:?}, peak PSS {peak} MB");
    assert!(
        peak < MEMORY_BOUND_MB,
        "the process tree peaked at {peak} MB (bound {MEMORY_BOUND_MB} MB)"
    );

    let report = read_report(&report_path);
    assert_eq!(report["complete"], true, "{}", report["stopped"]);
    for p in PAGES {
        let page = page_of(&report, p.path)
            .unwrap_or_else(|| panic!("{} ({}) is not in the report", p.path, p.what));
        let error = page["error"].as_str();
        match p.expect {
            Expect::Loads => assert!(error.is_none(), "{}: {error:?}", p.path),
            Expect::Fails => assert!(error.is_some(), "{} ({}) looks fine", p.path, p.what),
            Expect::Either => {}
        }
        // Every page ends on time: its limit, a second to tear it down, and the scheduling slack
        // of a busy 2-core machine.
        let millis = page["millis"].as_u64().unwrap_or(u64::MAX);
        assert!(
            millis <= (TIMEOUT_S + 4) * 1000,
            "{} took {millis} ms (limit {TIMEOUT_S} s)",
            p.path
        );
    }
    let error = |path: &str| {
        page_of(&report, path)
            .and_then(|p| p["error"].as_str())
            .unwrap_or("")
    };
    assert!(
        error("/endless-script").contains("unresponsive"),
        "{}",
        error("/endless-script")
    );
    assert!(
        error("/memory-eater").contains("out of memory"),
        "{}",
        error("/memory-eater")
    );
    assert!(error("/slow").contains("timed out"), "{}", error("/slow"));

    let names: BTreeSet<&str> = report["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let missing: Vec<&&str> = ORDINARY.iter().filter(|n| !names.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "ordinary cookies not recorded: {missing:?}"
    );
    // A service worker installed by one page must not answer for the others.
    assert!(
        !names.contains("sw_answered"),
        "a service worker answered instead of the server"
    );
}

/// Waits until the report at `path` lists at least `pages` pages; false after `patience`.
fn wait_for_pages(path: &Path, pages: usize, patience: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < patience {
        if let Ok(text) = std::fs::read_to_string(path) {
            if let Ok(r) = serde_json::from_str::<serde_json::Value>(&text) {
                if r["pages"].as_array().is_some_and(|p| p.len() >= pages) {
                    return true;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
fn a_scan_killed_half_way_leaves_a_readable_partial_report_and_no_browser() {
    let _serial = serial();
    let site = Hostile::start(0).expect("hostile site");
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    let tag = format!("sigkill-{}", std::process::id());
    let mut child = start_scan(&site, &report_path, &tag);
    let half = PAGES.len() / 2;
    let reached = wait_for_pages(&report_path, half, Duration::from_secs(90));
    let _ = child.kill(); // SIGKILL, as an OOM killer or a batch engine's time limit
    let _ = child.wait();
    if !reached {
        kill_tagged(&tag);
        panic!("no partial report with {half} pages appeared while the scan ran");
    }
    // Chromium dies with Kapsel.
    let started = Instant::now();
    while !tagged(&tag).is_empty() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let left = tagged(&tag);
    kill_tagged(&tag);
    assert!(
        left.is_empty(),
        "Chromium outlived a killed Kapsel: {left:?}"
    );

    let report = read_report(&report_path);
    assert_eq!(
        report["complete"], false,
        "a killed scan's report must say it is incomplete"
    );
    assert!(report["stopped"].as_str().is_some_and(|s| !s.is_empty()));
    let pages = report["pages"].as_array().unwrap();
    assert!(pages.len() >= half, "{} pages", pages.len());
    assert!(pages.iter().all(|p| p["url"].as_str().is_some()));
}

#[test]
fn sigterm_writes_the_partial_report_within_seconds() {
    let _serial = serial();
    let site = Hostile::start(0).expect("hostile site");
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    let tag = format!("sigterm-{}", std::process::id());
    let mut child = start_scan(&site, &report_path, &tag);
    let reached = wait_for_pages(&report_path, 4, Duration::from_secs(60));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let asked = Instant::now();
    let mut status = None;
    while asked.elapsed() < Duration::from_secs(10) {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = asked.elapsed();
    // Reaps it (and ends it first, had it not ended by itself).
    let _ = child.kill();
    let _ = child.wait();
    kill_tagged(&tag);
    assert!(reached, "the scan did not get going");
    assert!(
        status.is_some(),
        "kapsel did not end within 10 s of SIGTERM"
    );
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?}");
    let report = read_report(&report_path);
    assert_eq!(report["complete"], false);
    assert!(
        report["stopped"]
            .as_str()
            .is_some_and(|s| s.contains("SIGTERM") || s.contains("interrupted")),
        "{}",
        report["stopped"]
    );
}
