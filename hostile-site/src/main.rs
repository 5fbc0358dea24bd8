//! `kapsel-hostile`: serves the hostile site on 127.0.0.1 until Ctrl-C or SIGTERM, for benches
//! and by-hand trials.

use std::sync::mpsc;

const USAGE: &str = "usage: kapsel-hostile [--port N]

Serves a hostile little website on 127.0.0.1 (see the kapsel-hostile crate's documentation for
every page) until Ctrl-C or SIGTERM, and prints its front page's URL on stdout.";

fn main() {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => fail("--port needs a number"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other:?}")),
        }
    }
    let site = match kapsel_hostile::Hostile::start(port) {
        Ok(site) => site,
        Err(e) => fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")),
    };
    println!("{}", site.url());
    let (tx, rx) = mpsc::channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = tx.send(());
    }) {
        fail(&format!("cannot wait for Ctrl-C: {e}"));
    }
    let _ = rx.recv();
}

fn fail(message: &str) -> ! {
    eprintln!("kapsel-hostile: {message}\n\n{USAGE}");
    std::process::exit(2);
}
