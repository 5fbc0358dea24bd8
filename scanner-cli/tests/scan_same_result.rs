//! Same site, same result: content that appears only when scrolled into view (a cookie set by an
//! `IntersectionObserver`, no network request) and after rendered animation frames is found in
//! every tab at --concurrency 4, five scans in a row, while the machine is kept busy (Debian's
//! `stress-ng`, installed by `scripts/setup.sh`, bounded by its own timeout).

mod support;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use kapsel_hostile::Hostile;
use support::{assert_exit, scan};

/// The lazy pages of the hostile site's `/lazy/` section.
const LAZY_PAGES: usize = 4;

/// A CPU load on every core, ended when dropped (and by its own timeout in any case).
struct Busy(std::process::Child);

impl Busy {
    fn start(seconds: u64) -> Busy {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let child = Command::new("stress-ng")
            .args([
                "--cpu",
                &cores.to_string(),
                "--timeout",
                &format!("{seconds}s"),
                "--quiet",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("stress-ng is needed for this test (scripts/setup.sh installs it from Debian)");
        Busy(child)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn scrolled_in_content_is_found_in_every_tab_at_concurrency_4_on_a_busy_machine() {
    let site = Hostile::start(0).expect("hostile site");
    let url = site.page_url("/lazy/");
    let _busy = Busy::start(150);
    std::thread::sleep(Duration::from_millis(500));
    let mut expected = BTreeSet::new();
    for n in 1..=LAZY_PAGES {
        expected.insert(format!("lazy_seen_{n}"));
        expected.insert(format!("lazy_frame_{n}"));
    }
    let mut runs = Vec::new();
    for run in 1..=5 {
        let (out, report) = scan(
            &url,
            &[
                "--consent",
                "none",
                "--concurrency",
                "4",
                "--depth",
                "1",
                "--no-sitemap",
                "--fail-on",
                "never",
            ],
        );
        assert_exit(&out, 0);
        let names: BTreeSet<String> = report["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str().map(String::from))
            .collect();
        let missing: Vec<&String> = expected.difference(&names).collect();
        assert!(
            missing.is_empty(),
            "run {run}: missing {missing:?} (found {names:?})"
        );
        runs.push(names);
    }
    assert!(
        runs.windows(2).all(|w| w[0] == w[1]),
        "cookie sets differ between runs: {runs:?}"
    );
}
