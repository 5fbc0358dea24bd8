//! The national overview in real headless Chromium: it loads from a file (no server), its
//! columns sort, its filter hides rows, each site links to its report, and it fits a 1280 px
//! screen and a phone without the page scrolling sideways.

use std::path::Path;
use std::time::Duration;

use kapsel_crawl::overview::{render, Lang};
use kapsel_crawl::record::{Header, SiteRecord, Status, FORMAT};
use kapsel_crawl::sites::SitesFile;
use kapsel_e2e::chrome::{eval, open, wait_for, Chrome, ChromeOptions};
use serde_json::json;

fn record(run: &Path, sites: &SitesFile, host: &str, outcome: Status, findings: &[&str]) {
    let report = json!({
        "declared_sources": [],
        "phases": [{"phase": "none", "banner_found": true}, {"phase": "accept", "banner_found": true, "clicked": "accept-all"}],
        "pages": [{"url": format!("https://{host}/"), "error": null}],
        "findings": findings.iter().map(|k| json!({"kind": k, "severity": if k.starts_with("set-") { "high" } else { "medium" }})).collect::<Vec<_>>(),
    });
    SiteRecord {
        header: Header {
            format: FORMAT.into(),
            run_id: "2026-W49".into(),
            sites_sha256: sites.sha256.clone(),
            options_sha256: "o".into(),
            kapsel_version: "0.1.0".into(),
            host: host.into(),
            url: format!("https://{host}/"),
            shard: "0/1".into(),
            outcome,
            reason: None,
            duration_seconds: 1.0,
        },
        report: Some(report),
    }
    .write(run)
    .unwrap();
    std::fs::write(
        run.join(format!("sites/{host}.html")),
        format!("<!doctype html><title>report {host}</title><h1>Site report {host}</h1>"),
    )
    .unwrap();
}

fn rows(tab: &headless_chrome::Tab) -> Vec<String> {
    let v = eval(
        tab,
        "Array.from(document.querySelectorAll('#sites tbody tr')).filter(r => !r.hidden).map(r => r.cells[1].textContent)",
    )
    .unwrap();
    serde_json::from_value(v).unwrap()
}

fn click_heading(tab: &headless_chrome::Tab, text: &str) {
    eval(
        tab,
        &format!("Array.from(document.querySelectorAll('#sites th')).find(t => t.textContent === {text:?}).click()"),
    )
    .unwrap();
}

#[test]
fn overview_loads_sorts_filters_and_links_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let sites_path = dir.path().join("sites.txt");
    std::fs::write(&sites_path, "https://www.alta.kommune.no/\nhttps://www.bodo.kommune.no/\nhttps://www.lier.kommune.no/\n").unwrap();
    let sites = SitesFile::read(&sites_path).unwrap();
    let run = dir.path().join("2026-W49");
    record(
        &run,
        &sites,
        "www.alta.kommune.no",
        Status::Ok,
        &["undeclared"],
    );
    record(
        &run,
        &sites,
        "www.bodo.kommune.no",
        Status::Ok,
        &["set-before-consent", "set-before-consent", "undeclared"],
    );
    record(&run, &sites, "www.lier.kommune.no", Status::Ok, &[]);
    let national = kapsel_crawl::merge::merge(&run, &sites).unwrap();
    let page = dir.path().join("national.html");
    std::fs::write(&page, render(&national, Lang::En, "2026-W49/")).unwrap();
    let url = format!("file://{}", page.display());

    let chrome = Chrome::launch(&ChromeOptions::default()).unwrap();
    let tab = chrome.new_tab().unwrap();
    open(&tab, &url).unwrap();
    assert_eq!(
        rows(&tab),
        [
            "www.bodo.kommune.no",
            "www.alta.kommune.no",
            "www.lier.kommune.no"
        ],
        "worst first"
    );
    let fits = "document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(eval(&tab, fits).unwrap(), true, "fits 1280 px");

    click_heading(&tab, "Site");
    assert_eq!(
        rows(&tab),
        [
            "www.lier.kommune.no",
            "www.bodo.kommune.no",
            "www.alta.kommune.no"
        ]
    );
    click_heading(&tab, "Site");
    assert_eq!(
        rows(&tab),
        [
            "www.alta.kommune.no",
            "www.bodo.kommune.no",
            "www.lier.kommune.no"
        ]
    );
    click_heading(&tab, "Undeclared");
    let by_undeclared = rows(&tab);
    assert_eq!(
        by_undeclared[2], "www.lier.kommune.no",
        "descending: the site with none last"
    );

    eval(&tab, "const f = document.getElementById('filter'); f.value = 'lier'; f.dispatchEvent(new Event('input'))").unwrap();
    assert_eq!(rows(&tab), ["www.lier.kommune.no"]);
    eval(&tab, "const g = document.getElementById('filter'); g.value = ''; g.dispatchEvent(new Event('input'))").unwrap();
    assert_eq!(rows(&tab).len(), 3);

    eval(&tab, "Array.from(document.querySelectorAll('#sites a')).find(a => a.textContent === 'www.bodo.kommune.no').click()").unwrap();
    wait_for(
        &tab,
        "document.title === 'report www.bodo.kommune.no'",
        Duration::from_secs(10),
    )
    .unwrap();

    let phone = Chrome::launch(&ChromeOptions {
        window_size: (390, 844),
        ..Default::default()
    })
    .unwrap();
    let tab = phone.new_tab().unwrap();
    open(&tab, &url).unwrap();
    assert_eq!(
        eval(&tab, fits).unwrap(),
        true,
        "the page fits a phone; only the table scrolls"
    );
}
