//! The national crawl on a real single-node Slurm cluster started here (Debian's slurmctld and
//! slurmd, `auth/none`, state under a temporary directory): `deploy/slurm/crawl.sbatch` as an
//! array `--array=0-2` over sites served on 127.0.0.1 under different host names, one task
//! cancelled mid-way, that index resubmitted alone, `deploy/slurm/merge.sbatch` after both, and
//! every site reported exactly once. Skipped, saying so, where Slurm is not installed
//! (`scripts/setup.sh` installs it) or the test does not run as root.

mod crawl_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crawl_support::{quick, site_files, sites_file, Sites};

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
    daemons: Vec<Child>,
}

impl Cluster {
    fn start(ctld: &Path, slurmd: &Path) -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("kapsel-slurm-")
            .tempdir()
            .unwrap();
        let d = dir.path();
        for sub in ["state", "spool"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let host = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let conf = d.join("slurm.conf");
        std::fs::write(
            &conf,
            format!(
                "ClusterName=kapseltest\nSlurmctldHost={host}(127.0.0.1)\nSlurmctldPort={}\nSlurmdPort={}\n\
                 SlurmUser=root\nSlurmdUser=root\nAuthType=auth/none\nCredType=cred/none\n\
                 ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nJobAcctGatherType=jobacct_gather/none\n\
                 AccountingStorageType=accounting_storage/none\nSelectType=select/cons_tres\nMpiDefault=none\n\
                 ReturnToService=2\nKillWait=5\nMailProg=/bin/true\n\
                 StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
                 SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
                 SlurmctldLogFile={d}/slurmctld.log\nSlurmdLogFile={d}/slurmd.log\n\
                 NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN\n\
                 PartitionName=kapseltest Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
                free_port(),
                free_port(),
                d = d.display()
            ),
        )
        .unwrap();
        let mut daemons = Vec::new();
        for bin in [ctld, slurmd] {
            daemons.push(
                Command::new(bin)
                    .arg("-D")
                    .arg("-f")
                    .arg(&conf)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        let cluster = Cluster { dir, conf, daemons };
        let started = Instant::now();
        loop {
            let out = cluster
                .cmd("sinfo")
                .args(["-h", "-o", "%T"])
                .output()
                .unwrap();
            let state = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && state == "idle" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Slurm did not come up: {state:?}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        cluster
    }

    fn cmd(&self, name: &str) -> Command {
        let mut c = Command::new(which(name).unwrap_or_else(|| PathBuf::from(name)));
        c.env("SLURM_CONF", &self.conf);
        c
    }

    fn sbatch(&self, args: &[String], env: &[(String, String)]) -> String {
        let mut c = self.cmd("sbatch");
        // The scripts ask for a production shard's 2 CPUs and 4 GB; this node is small.
        c.args([
            "--parsable",
            "--export=ALL",
            "--cpus-per-task=1",
            "--mem=600M",
        ])
        .args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "sbatch: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    /// The state of a job or array task (`JOB_I`), `None` once Slurm no longer lists it.
    fn state(&self, id: &str) -> Option<String> {
        let out = self
            .cmd("squeue")
            .args(["-h", "-o", "%T", "-j", id])
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    fn wait_idle(&self, limit: Duration) {
        let started = Instant::now();
        loop {
            let out = self
                .cmd("squeue")
                .args(["-h", "-o", "%i %T"])
                .output()
                .unwrap();
            let listed = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if listed.is_empty() {
                return;
            }
            assert!(started.elapsed() < limit, "jobs still queued: {listed}");
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .cmd("scancel")
            .args(["--partition", "kapseltest"])
            .status();
        std::thread::sleep(Duration::from_secs(1));
        for d in &mut self.daemons {
            let _ = d.kill();
            let _ = d.wait();
        }
        let _ = &self.dir;
    }
}

#[test]
fn slurm_array_with_a_cancelled_task_resubmitted_reports_every_site_once() {
    let (Some(ctld), Some(slurmd), Some(_)) =
        (which("slurmctld"), which("slurmd"), which("sbatch"))
    else {
        eprintln!("SKIPPED: Slurm is not installed (scripts/setup.sh installs slurmctld, slurmd, slurm-client)");
        return;
    };
    if String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() != "0"
    {
        eprintln!("SKIPPED: the single-node Slurm cluster runs as root (SlurmUser=root)");
        return;
    }
    let server = Sites::start(&["site-2.test", "site-5.test"]);
    let work = tempfile::tempdir().unwrap();
    let hosts: Vec<String> = (0..9).map(|i| format!("site-{i}.test")).collect();
    let host_refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let sites = sites_file(
        work.path(),
        &hosts.iter().map(|h| server.url(h)).collect::<Vec<_>>(),
    );
    let kapsel = PathBuf::from(env!("CARGO_BIN_EXE_kapsel"));
    let plan = Command::new(&kapsel)
        .args(["crawl", "--plan", "--shard-count", "3", "--sites"])
        .arg(&sites)
        .output()
        .unwrap();
    let plan: Vec<(String, String)> = String::from_utf8(plan.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    let shard1: Vec<&String> = plan
        .iter()
        .filter(|(s, _)| s == "1")
        .map(|(_, h)| h)
        .collect();
    assert!(!shard1.is_empty(), "shard 1 has sites: {plan:?}");
    // The last site of shard 1 hangs, so the task is cancelled in the middle of its shard.
    let slow = shard1.last().unwrap().to_string();
    server.slow.lock().unwrap().insert(slow.clone());

    let cluster = Cluster::start(&ctld, &slurmd);
    let out = work.path().join("runs");
    std::fs::create_dir_all(&out).unwrap();
    let mut crawl_args = quick();
    crawl_args.extend(server.resolve_args(&host_refs));
    let env: Vec<(String, String)> = [
        ("KAPSEL", kapsel.display().to_string()),
        ("KAPSEL_SITES", sites.display().to_string()),
        ("KAPSEL_OUT", out.display().to_string()),
        ("KAPSEL_RUN_ID", "2026-W49".to_string()),
        ("KAPSEL_SHARD_COUNT", "3".to_string()),
        ("KAPSEL_CRAWL_ARGS", crawl_args.join(" ")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/slurm");
    let log = |name: &str| format!("--output={}/{name}", out.display());
    let array = cluster.sbatch(
        &[
            "--array=0-2".into(),
            log("crawl-%A_%a.log"),
            deploy.join("crawl.sbatch").display().to_string(),
        ],
        &env,
    );
    let run = out.join("2026-W49");
    let task1 = format!("{array}_1");
    let started = Instant::now();
    loop {
        let running = cluster.state(&task1).as_deref() == Some("RUNNING");
        let others_done = shard1.len() == 1
            || shard1[..shard1.len() - 1]
                .iter()
                .all(|h| run.join(format!("sites/{h}.json")).exists());
        if running && others_done {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "task 1 never reached its slow site"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_secs(3)); // inside the slow site's scan
    let cancel = cluster.cmd("scancel").arg(&task1).status().unwrap();
    assert!(cancel.success());
    let cancelled = Instant::now();
    while cluster.state(&task1).is_some() {
        assert!(
            cancelled.elapsed() < Duration::from_secs(60),
            "task 1 outlived its cancel"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let cut = run.join(format!("sites/{slow}.json"));
    assert!(
        !cut.exists(),
        "no file for the site cut off, found: {}\nplan: {plan:?}",
        std::fs::read_to_string(&cut)
            .unwrap_or_default()
            .chars()
            .take(1500)
            .collect::<String>()
    );

    server.slow.lock().unwrap().clear();
    let retry = cluster.sbatch(
        &[
            "--array=1".into(),
            log("retry-%A_%a.log"),
            deploy.join("crawl.sbatch").display().to_string(),
        ],
        &env,
    );
    let merge = cluster.sbatch(
        &[
            format!("--dependency=afterany:{array}:{retry}"),
            log("merge-%j.log"),
            deploy.join("merge.sbatch").display().to_string(),
        ],
        &env,
    );
    cluster.wait_idle(Duration::from_secs(300));
    let merge_log =
        std::fs::read_to_string(out.join(format!("merge-{merge}.log"))).unwrap_or_default();

    let mut want: Vec<String> = hosts.iter().map(|h| format!("{h}.json")).collect();
    want.sort();
    assert_eq!(
        site_files(&run),
        want,
        "one file per site, no temporary file left"
    );
    let national: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.join("national.json"))
            .unwrap_or_else(|e| panic!("no national.json ({e}); merge log:\n{merge_log}")),
    )
    .unwrap();
    assert_eq!(national["complete"], true, "{merge_log}");
    let mut reported: Vec<String> = national["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["host"].as_str().unwrap().to_string())
        .collect();
    reported.sort();
    let mut expected = hosts.clone();
    expected.sort();
    assert_eq!(reported, expected, "every site exactly once");
    for (shard, host) in &plan {
        let header: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(run.join(format!("sites/{host}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            header["header"]["shard"],
            format!("{shard}/3"),
            "{host}: scanned by its own shard"
        );
    }
    let rows = national["sites"].as_array().unwrap();
    assert!(
        rows[..2]
            .iter()
            .all(|r| ["site-2.test", "site-5.test"].contains(&r["host"].as_str().unwrap())),
        "the two tracking sites come first"
    );
}
