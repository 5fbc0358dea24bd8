//! `kapsel-receipts`: the consent-receipt service (`serve`) and its export (`export`).

use anyhow::Context;
use clap::{Parser, Subcommand};
use kapsel_receipts::config::ServeArgs;
use kapsel_receipts::export::{self, Format};
use kapsel_receipts::receipt;
use kapsel_receipts::server::{self, App};
use kapsel_receipts::store::{self, Filter};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "kapsel-receipts",
    version,
    about = "Proof of consent: Kapsel's consent-receipt service"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves POST /v1/receipts and the rest (see the README).
    Serve(ServeArgs),
    /// Writes the stored receipts, one record per receipt, to standard output.
    Export {
        /// The store: a SQLite file, or a postgres:// URL.
        #[arg(long, env = "KAPSEL_RECEIPTS_DB")]
        db: String,
        /// Only this site (its name as in the declaration).
        #[arg(long)]
        site: Option<String>,
        /// Only receipts received on or after this date (YYYY-MM-DD, or RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// csv or json.
        #[arg(long, default_value = "json")]
        format: Format,
    },
}

/// A failure of the CLI's own making (bad settings): exit status 2.
struct Usage(anyhow::Error);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Export {
            db,
            site,
            since,
            format,
        } => export_cmd(&db, site, since, format),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Usage(e)) => {
            eprintln!("kapsel-receipts: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn usage<E: Into<anyhow::Error>>(e: E) -> Usage {
    Usage(e.into())
}

fn export_cmd(
    db: &str,
    site: Option<String>,
    since: Option<String>,
    format: Format,
) -> Result<(), Usage> {
    let since = match since {
        Some(s) => Some(receipt::format_time(receipt::parse_since(&s).ok_or_else(
            || usage(anyhow::anyhow!("--since {s}: YYYY-MM-DD or RFC 3339")),
        )?)),
        None => None,
    };
    if !db.contains("://") && !std::path::Path::new(db).is_file() {
        return Err(usage(anyhow::anyhow!("--db {db}: no such file")));
    }
    let store = store::open(db)
        .with_context(|| format!("--db {db}"))
        .map_err(usage)?;
    let list = store.export(&Filter { site, since }).map_err(usage)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    export::write(&list, format, &mut out).map_err(usage)?;
    out.flush().map_err(usage)
}

fn serve(args: ServeArgs) -> Result<(), Usage> {
    let cfg = args.resolve().map_err(usage)?;
    let store = store::open(&cfg.db)
        .with_context(|| format!("--db {}", cfg.db))
        .map_err(usage)?;
    let runtime = tokio::runtime::Runtime::new().map_err(usage)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .with_context(|| format!("--listen {}", cfg.listen))
            .map_err(usage)?;
        let addr = listener.local_addr().map_err(usage)?;
        let app = App::new(Arc::from(store), cfg.settings);
        match app.prune().await {
            Ok(0) => {}
            Ok(n) => eprintln!("kapsel-receipts: retention deleted {n} receipts"),
            Err(e) => eprintln!("kapsel-receipts: retention failed: {e}"),
        }
        println!("kapsel-receipts: listening on http://{addr}");
        let _ = std::io::stdout().flush();
        server::serve(listener, app, shutdown_signal())
            .await
            .map_err(usage)?;
        eprintln!("kapsel-receipts: stopped");
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let int = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = int.await;
                    return;
                }
            };
        tokio::select! {
            _ = int => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = int.await;
}
