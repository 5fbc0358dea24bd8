//! `kapsel crawl` and `kapsel report merge` on real sites served on 127.0.0.1, scanned in real
//! headless Chromium: shards from every engine's index variable, one file per site, resume after
//! a SIGTERM, incomplete merges, and the exit statuses of the shard contract.

mod crawl_support;

use std::path::Path;
use std::time::{Duration, Instant};

use crawl_support::{assert_exit, kapsel, quick, site_files, sites_file, Sites};

const ENGINE_VARS: [&str; 8] = [
    "KAPSEL_SHARD_INDEX",
    "KAPSEL_SHARD_COUNT",
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "CI_NODE_INDEX",
    "CI_NODE_TOTAL",
    "SLURM_ARRAY_TASK_COUNT",
];

fn crawl(
    sites: &Path,
    out: &Path,
    extra: &[String],
    env: &[(&str, &str)],
) -> std::process::Command {
    let mut cmd = kapsel();
    cmd.arg("crawl")
        .arg("--sites")
        .arg(sites)
        .args(["--run-id", "2026-W49", "--out-dir"])
        .arg(out)
        .args(quick())
        .args(extra);
    for v in ENGINE_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn three_shards_from_three_engines_cover_every_site_once() {
    let server = Sites::start(&["b.test"]);
    let dir = tempfile::tempdir().unwrap();
    let dead = closed_port();
    let hosts = ["a.test", "b.test", "c.test"];
    let mut lines: Vec<String> = hosts.iter().map(|h| server.url(h)).collect();
    lines.insert(0, "# three live sites and one dead".into());
    lines.push(format!("http://dead.test:{dead}/"));
    let sites = sites_file(dir.path(), &lines);
    let mut resolve = server.resolve_args(&hosts);
    resolve.extend([
        "--resolve".to_string(),
        format!("dead.test:{dead}:127.0.0.1"),
    ]);
    let out = dir.path().join("runs");

    let plan = kapsel()
        .args(["crawl", "--plan", "--shard-count", "3", "--sites"])
        .arg(&sites)
        .output()
        .unwrap();
    assert_exit(&plan, 0);
    let plan = String::from_utf8(plan.stdout).unwrap();
    let planned: Vec<(String, String)> = plan
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].to_string(), f[0].to_string())
        })
        .collect();
    assert_eq!(planned.len(), 4, "{plan}");

    for (index, var) in [
        (0, "KAPSEL_SHARD_INDEX"),
        (1, "SLURM_ARRAY_TASK_ID"),
        (2, "JOB_COMPLETION_INDEX"),
    ] {
        let i = index.to_string();
        let o = crawl(
            &sites,
            &out,
            &resolve,
            &[(var, i.as_str()), ("KAPSEL_SHARD_COUNT", "3")],
        )
        .output()
        .unwrap();
        assert_exit(&o, 0);
    }
    let run = out.join("2026-W49");
    assert_eq!(
        site_files(&run),
        vec![
            "a.test.json",
            "b.test.json",
            "c.test.json",
            "dead.test.json"
        ]
    );
    for (host, shard) in &planned {
        let h = json(&run.join(format!("sites/{host}.json")));
        assert_eq!(h["header"]["shard"], format!("{shard}/3"), "{host}");
        assert_eq!(h["header"]["run_id"], "2026-W49");
    }
    assert_eq!(
        json(&run.join("sites/dead.test.json"))["header"]["outcome"],
        "unreachable"
    );
    assert_eq!(
        json(&run.join("sites/a.test.json"))["header"]["outcome"],
        "ok"
    );

    // A retry of a finished shard does nothing.
    let before = std::fs::read(run.join("sites/b.test.json")).unwrap();
    let b_shard = &planned.iter().find(|(h, _)| h == "b.test").unwrap().1;
    let again = crawl(
        &sites,
        &out,
        &resolve,
        &[("KAPSEL_SHARD_INDEX", b_shard), ("KAPSEL_SHARD_COUNT", "3")],
    )
    .output()
    .unwrap();
    assert_exit(&again, 0);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already have a final file"));
    assert_eq!(
        std::fs::read(run.join("sites/b.test.json")).unwrap(),
        before
    );

    // Merge: complete, deterministic, worst first.
    let merge = |name: &str| {
        let o = kapsel()
            .args(["report", "merge", "--run-dir"])
            .arg(&run)
            .arg("--sites")
            .arg(&sites)
            .arg("--out")
            .arg(dir.path().join(format!("{name}.json")))
            .arg("--out")
            .arg(dir.path().join(format!("{name}.html")))
            .args(["--lang", "nn"])
            .output()
            .unwrap();
        assert_exit(&o, 0);
        std::fs::read(dir.path().join(format!("{name}.json"))).unwrap()
    };
    let first = merge("national");
    assert_eq!(first, merge("again"), "merging twice gives the same bytes");
    let diff = kapsel()
        .arg("diff")
        .arg(dir.path().join("national.json"))
        .arg(dir.path().join("again.json"))
        .args(["--format", "table"])
        .output()
        .unwrap();
    assert_exit(&diff, 0);
    assert!(String::from_utf8_lossy(&diff.stdout).contains("no site changed"));
    let national = json(&dir.path().join("national.json"));
    assert_eq!(national["complete"], true);
    let rows = national["sites"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0]["host"], "b.test",
        "the site setting _ga before consent comes first"
    );
    assert!(rows[0]["set_before_consent"].as_u64().unwrap() >= 1);
    assert_eq!(
        rows[1]["host"], "dead.test",
        "then the one that could not be measured"
    );
    assert_eq!(rows[1]["banner_found"], serde_json::Value::Null);
    let html = std::fs::read_to_string(dir.path().join("national.html")).unwrap();
    assert!(html.contains("lang=\"nn\""));
    assert!(
        html.contains("href=\"runs/2026-W49/sites/b.test.html\""),
        "links each site report"
    );
    assert!(dir.path().join("runs/2026-W49/sites/b.test.html").is_file());
}

#[test]
fn sigterm_leaves_no_partial_file_and_a_retry_finishes_the_rest() {
    let server = Sites::start(&[]);
    server.slow.lock().unwrap().insert("slow.test".into());
    let dir = tempfile::tempdir().unwrap();
    let hosts = ["fast.test", "slow.test"];
    let sites = sites_file(
        dir.path(),
        &hosts.iter().map(|h| server.url(h)).collect::<Vec<_>>(),
    );
    let resolve = server.resolve_args(&hosts);
    let out = dir.path().join("runs");
    let run = out.join("2026-W49");
    let mut child = crawl(&sites, &out, &resolve, &[]).spawn().unwrap();
    let started = Instant::now();
    while !run.join("sites/fast.test.json").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "fast.test never finished"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2)); // slow.test is being scanned now
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let signalled = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(20),
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(75), "stopped early: retry");
    assert_eq!(
        site_files(&run),
        vec!["fast.test.json"],
        "no partial or temporary file"
    );

    // Merge what there is: incomplete, exit 3, the missing site listed.
    let merged = kapsel()
        .args(["report", "merge", "--run-dir"])
        .arg(&run)
        .arg("--sites")
        .arg(&sites)
        .arg("--out")
        .arg(dir.path().join("n.json"))
        .arg("--out")
        .arg(dir.path().join("n.html"))
        .output()
        .unwrap();
    assert_exit(&merged, 3);
    let national = json(&dir.path().join("n.json"));
    assert_eq!(national["complete"], false);
    assert_eq!(national["missing"], serde_json::json!(["slow.test"]));
    let html = std::fs::read_to_string(dir.path().join("n.html")).unwrap();
    assert!(html.contains("id=\"incomplete\"") && html.contains("slow.test"));

    // The engine's retry scans only what is missing.
    server.slow.lock().unwrap().clear();
    let retry = crawl(&sites, &out, &resolve, &[]).output().unwrap();
    assert_exit(&retry, 0);
    let err = String::from_utf8_lossy(&retry.stderr);
    assert!(
        err.contains("1 of 2 sites already have a final file"),
        "{err}"
    );
    assert_eq!(site_files(&run), vec!["fast.test.json", "slow.test.json"]);
}

#[test]
fn bad_input_is_exit_2_and_a_browser_that_cannot_start_is_75() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs");
    let bad = sites_file(
        dir.path(),
        &["https://a.test/".into(), "gopher://b.test/".into()],
    );
    let o = crawl(&bad, &out, &[], &[]).output().unwrap();
    assert_exit(&o, 2);
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("sites.txt:2: gopher://b.test/: not an http(s) URL"));

    let good = sites_file(
        dir.path(),
        &["https://a.test/".into(), "https://b.test/".into()],
    );
    let o = crawl(&good, &out, &[], &[("SLURM_ARRAY_TASK_ID", "1")])
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no shard count"));
    let o = crawl(
        &good,
        &out,
        &[],
        &[("SLURM_ARRAY_TASK_ID", "3"), ("KAPSEL_SHARD_COUNT", "3")],
    )
    .output()
    .unwrap();
    assert_exit(&o, 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("out of range"));
    let o = crawl(&good, &out, &["--browser".into(), "/bin/false".into()], &[])
        .output()
        .unwrap();
    assert_exit(&o, 75);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot start"));
    assert!(
        site_files(&out.join("2026-W49")).is_empty(),
        "no site judged by a broken browser"
    );
}

#[test]
fn a_declaration_that_cannot_be_fetched_is_the_sites_error_outcome() {
    let server = Sites::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let decl = format!("{}missing-declaration.json", server.url("d.test"));
    let sites = sites_file(dir.path(), &[format!("{} {decl}", server.url("d.test"))]);
    let out = dir.path().join("runs");
    let o = crawl(&sites, &out, &server.resolve_args(&["d.test"]), &[])
        .output()
        .unwrap();
    assert_exit(&o, 0);
    let rec = json(&out.join("2026-W49/sites/d.test.json"));
    assert_eq!(rec["header"]["outcome"], "error");
    let reason = rec["header"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("missing-declaration.json") && reason.contains("404"),
        "{reason}"
    );
}
