//! Chromium's processes: the browser started as Kapsel's own child that dies with it, and a
//! watchdog over its renderers that kills one growing past its memory budget.
//!
//! headless_chrome can start Chromium itself, but then the browser outlives a Kapsel killed with
//! SIGKILL (an OOM killer, a batch engine's time limit), reparented to init with a renderer still
//! spinning on an endless script. So Kapsel starts it: `PR_SET_PDEATHSIG` makes the kernel kill
//! the browser when the thread that started it ends, and every other Chromium process (zygote,
//! renderers, utilities) exits within a second or two once the browser is gone. That thread is a
//! launcher thread living as long as Kapsel, since the signal follows the thread, not the process.
//! The DevTools address is read from the browser's stderr (`--remote-debugging-port=0`).
//!
//! The watchdog samples every renderer under the browser ten times a second (`RssAnon` from
//! `/proc/PID/status`: the memory a renderer holds of its own, not shared libraries) and kills one
//! that passes the per-tab budget. A V8 heap cap (`--max-old-space-size`, set by the browser
//! module) makes most JavaScript eaters crash on their own first; the watchdog catches the rest
//! (array buffers, a huge DOM). Either way the tab sees its renderer crash, and asks the watchdog
//! whether memory was the cause: it was when the watchdog killed a renderer, or saw one near the
//! budget vanish, in the last few seconds.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::browser::{BrowserError, Result};

/// How long a renderer death is remembered for the tab that asks why it crashed.
const REMEMBER: Duration = Duration::from_secs(60);
/// How close a memory death and a tab's crash must be to be the same event.
const NEAR: Duration = Duration::from_secs(3);
/// How often renderers are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);

/// A Chromium browser process started by Kapsel; killed when dropped (and by the kernel when
/// Kapsel dies).
pub struct BrowserProcess {
    child: Child,
    /// The DevTools WebSocket address.
    pub ws_url: String,
    /// Renderer deaths from memory, seen by the watchdog or reported by V8 on stderr.
    deaths: Deaths,
}

/// When renderers died of memory, shared by the stderr reader and the watchdog.
type Deaths = Arc<Mutex<Vec<Instant>>>;

fn note(deaths: &Deaths) {
    if let Ok(mut d) = deaths.lock() {
        d.retain(|at| at.elapsed() < REMEMBER);
        d.push(Instant::now());
    }
}

impl BrowserProcess {
    /// Starts `executable` with `args` (to which `--remote-debugging-port=0` is added) and waits
    /// up to `patience` for its DevTools address.
    pub fn start(
        executable: &std::path::Path,
        args: &[String],
        patience: Duration,
    ) -> Result<Self> {
        let mut command = Command::new(executable);
        command
            .args(args)
            .arg("--remote-debugging-port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = launcher().spawn(command).map_err(|e| {
            BrowserError::with_context(format!("could not start {}", executable.display()), e)
        })?;
        let stderr = child.stderr.take();
        let (tx, rx) = mpsc::channel();
        let deaths: Deaths = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&deaths);
        // Reads the address, then keeps draining stderr so Chromium never blocks on a full pipe,
        // noting V8's "javascript OOM" lines: a renderer that hit its heap cap.
        std::thread::spawn(move || {
            let Some(stderr) = stderr else { return };
            let mut sent = false;
            for line in BufReader::new(stderr).split(b'\n').map_while(|l| l.ok()) {
                let line = String::from_utf8_lossy(&line);
                if !sent {
                    if let Some(at) = line.find("ws://") {
                        let _ = tx.send(line[at..].trim().to_string());
                        sent = true;
                    }
                }
                if line.contains("javascript OOM") || line.contains("Out of memory") {
                    note(&record);
                }
            }
        });
        match rx.recv_timeout(patience) {
            Ok(ws_url) => Ok(BrowserProcess {
                child,
                ws_url,
                deaths,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(BrowserError(format!(
                    "{} did not open its DevTools port within {} s",
                    executable.display(),
                    patience.as_secs()
                )))
            }
        }
    }

    /// The browser's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts a watchdog over this browser's renderers; `budget_bytes` is a renderer's limit.
    pub fn watchdog(&self, budget_bytes: u64) -> Watchdog {
        Watchdog::start(self.pid(), budget_bytes, Arc::clone(&self.deaths))
    }
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The long-lived thread every browser is started from (the death signal follows the thread).
struct Launcher {
    requests: Mutex<mpsc::Sender<(Command, mpsc::Sender<std::io::Result<Child>>)>>,
}

impl Launcher {
    fn spawn(&self, command: Command) -> std::io::Result<Child> {
        let (tx, rx) = mpsc::channel();
        let sent = self
            .requests
            .lock()
            .map_err(|_| std::io::Error::other("launcher lock poisoned"))?
            .send((command, tx));
        if sent.is_err() {
            return Err(std::io::Error::other("the launcher thread is gone"));
        }
        rx.recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the launcher thread is gone")))
    }
}

fn launcher() -> &'static Launcher {
    static LAUNCHER: OnceLock<Launcher> = OnceLock::new();
    LAUNCHER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<(Command, mpsc::Sender<std::io::Result<Child>>)>();
        std::thread::Builder::new()
            .name("chromium-launcher".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            })
            .ok();
        Launcher {
            requests: Mutex::new(tx),
        }
    })
}

/// Watches the renderers under one browser and kills any above the budget. Stops when dropped.
pub struct Watchdog {
    stop: Arc<AtomicBool>,
    gone: Deaths,
}

impl Watchdog {
    /// Starts watching the renderers under `browser_pid`; `budget_bytes` is a renderer's limit.
    fn start(browser_pid: u32, budget_bytes: u64, gone: Deaths) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, record) = (Arc::clone(&stop), Arc::clone(&gone));
        std::thread::spawn(move || {
            // Last anonymous memory seen per renderer.
            let mut last: HashMap<u32, u64> = HashMap::new();
            while !flag.load(Ordering::SeqCst) {
                let now: HashMap<u32, u64> = renderers(browser_pid)
                    .into_iter()
                    .filter_map(|pid| Some((pid, rss_anon(pid)?)))
                    .collect();
                for (&pid, &bytes) in &now {
                    if bytes > budget_bytes {
                        // SAFETY: kill(2) on a pid just found under our own browser.
                        unsafe {
                            libc::kill(pid as i32, libc::SIGKILL);
                        }
                        note(&record);
                    }
                }
                for (pid, bytes) in &last {
                    // A renderer that vanished close to the budget died of memory.
                    if !now.contains_key(pid) && *bytes > budget_bytes * 3 / 4 {
                        note(&record);
                    }
                }
                last = now
                    .into_iter()
                    .filter(|(_, b)| *b <= budget_bytes)
                    .collect();
                std::thread::sleep(SAMPLE_EVERY);
            }
        });
        Watchdog { stop, gone }
    }

    /// True when a renderer died of memory (killed here, vanished near the budget, or V8 said
    /// so on stderr) within a few seconds of `crash`, when a tab saw its renderer crash: the
    /// reason that tab should give. Waits up to `patience` for the news, which may trail the
    /// crash itself.
    pub fn memory_death_near(&self, crash: Instant, patience: Duration) -> bool {
        let asked = Instant::now();
        loop {
            let seen = self
                .gone
                .lock()
                .map(|d| {
                    d.iter().any(|at| {
                        let apart = if *at > crash {
                            *at - crash
                        } else {
                            crash - *at
                        };
                        apart < NEAR
                    })
                })
                .unwrap_or(false);
            if seen || asked.elapsed() >= patience {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The renderer processes under `root` (its descendants with `--type=renderer`).
fn renderers(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in dir.flatten() {
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
        // The command name may hold spaces and parentheses: the ppid follows the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        for &kid in children.get(&pid).into_iter().flatten() {
            stack.push(kid);
            let cmdline = std::fs::read(format!("/proc/{kid}/cmdline")).unwrap_or_default();
            if cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == b"--type=renderer")
            {
                out.push(kid);
            }
        }
    }
    out
}

/// A process's anonymous resident memory in bytes.
fn rss_anon(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
