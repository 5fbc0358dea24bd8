//! `kapsel-demo`: serves Eksempel kommune and its stand-in trackers on 127.0.0.1 until Ctrl-C, and
//! prints what `kapsel scan` and Chromium need to reach them.

use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::{anyhow, bail, Context, Result};
use kapsel_demo::{Demo, DemoOptions, Site};

const USAGE: &str = "usage: kapsel-demo [--port N] [--tracker-port N] [--banner-dir DIR] [--ungated] [--site-dir DIR] [--declaration FILE] [--env-file FILE]

Serves the demo municipality \"Eksempel kommune\" on 127.0.0.1 and the stand-in trackers
(www.googletagmanager.com, www.google-analytics.com, www.facebook.com, connect.facebook.net,
player.vimeo.com) over HTTPS on one port, until Ctrl-C.

  --port N          the site's port (default 0: any free port)
  --tracker-port N  the trackers' HTTPS port (default 0: any free port; 443 gives real-looking URLs)
  --banner-dir DIR  where kapsel.js and kapsel_<lang>.wasm are (default $KAPSEL_BANNER_DIR or <repo>/target/banner)
  --ungated         serve the breach: banner removed, trackers ungated
  --site-dir DIR    serve another folder of pages instead
  --declaration FILE  serve this declaration as /kapsel.json and in the privacy statement's cookie
                    table (default: declaration.json in the site folder); one holding a TODO is refused
  --env-file FILE   also write KAPSEL_DEMO_URL, KAPSEL_DEMO_DECLARATION, KAPSEL_DEMO_SCAN_ARGS and
                    KAPSEL_DEMO_HOST_RULES to FILE (shell syntax), for scripts";

fn main() {
    match run() {
        Ok(()) => {}
        Err(e) => {
            eprintln!("kapsel-demo: {e:#}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<()> {
    let mut options = DemoOptions::default();
    let mut env_file: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) => Ok(v),
                None => bail!("{name} needs a value\n\n{USAGE}"),
            }
        };
        match flag.as_str() {
            "--port" => options.port = parse_port(&value("--port")?)?,
            "--tracker-port" => options.tracker_port = parse_port(&value("--tracker-port")?)?,
            "--banner-dir" => options.banner_dir = Some(value("--banner-dir")?.into()),
            "--site-dir" => options.site = Site::Dir(value("--site-dir")?.into()),
            "--ungated" => options.site = Site::Ungated,
            "--declaration" => options.declaration = Some(value("--declaration")?.into()),
            "--env-file" => env_file = Some(value("--env-file")?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }

    let demo = Demo::start(options).map_err(|e| anyhow!("cannot start the demo: {e}"))?;
    let url = demo.site_url();
    let declaration = demo.declaration_path().display().to_string();
    let scan_args = demo.scan_args();
    let rules = demo.host_resolver_rules();

    println!("Eksempel kommune is served at {url}");
    println!(
        "Stand-in trackers answer over HTTPS on 127.0.0.1:{}",
        demo.tracker_port()
    );
    if !demo.banner_built() {
        println!(
            "warning: the banner is not built in {} — run scripts/build-banner.sh",
            demo.banner_dir().display()
        );
    }
    println!();
    println!("Scan it:");
    println!(
        "  kapsel scan {url} --declared {declaration} {}",
        shell_join(&scan_args)
    );
    println!();
    println!("Open it in Chromium (demo only: the certificate is the demo's own):");
    println!(
        "  chromium --host-resolver-rules={} --ignore-certificate-errors {url}",
        shell_quote(&rules)
    );
    println!();
    println!("Ctrl-C stops it.");

    if let Some(file) = env_file {
        let text = format!(
            "KAPSEL_DEMO_URL={}\nKAPSEL_DEMO_DECLARATION={}\nKAPSEL_DEMO_SCAN_ARGS={}\nKAPSEL_DEMO_HOST_RULES={}\n",
            shell_quote(&url),
            shell_quote(&declaration),
            shell_quote(&shell_join(&scan_args)),
            shell_quote(&rules)
        );
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &file))
            .with_context(|| format!("cannot write {}", file.display()))?;
    }

    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("cannot install the Ctrl-C handler")?;
    let _ = rx.recv();
    println!("Stopping.");
    drop(demo);
    Ok(())
}

fn parse_port(s: &str) -> Result<u16> {
    s.parse()
        .with_context(|| format!("not a port number: {s:?}"))
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}
