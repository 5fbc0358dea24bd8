//! `kapsel`: the command line of Kapsel — scan a site, extract a privacy statement's cookie names,
//! check and render a site's cookie declaration.
//!
//! This file only parses arguments and maps errors to exit statuses (0 nothing at or above
//! `--fail-on`, 1 findings, 2 bad input or a run that could not be done); each subcommand lives in
//! its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod catalogue;
mod diff;
mod exit;
mod knowledge;
mod policy;
mod scan;

/// Kapsel: make the cookie rule (ekomloven § 3-15) real on public websites.
#[derive(Parser)]
#[command(name = "kapsel", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Crawl a site in headless Chromium, record every cookie before and after consent, and diff
    /// them against the site's declaration.
    Scan(scan::ScanArgs),
    /// List what appeared and disappeared between two JSON scan reports.
    Diff(diff::DiffArgs),
    /// Work with privacy statements.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Validate, resolve, render and look up the cookie catalogue.
    #[command(subcommand)]
    Catalogue(catalogue::CatalogueCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Catalogue(cmd) => catalogue::run(cmd),
    };
    exit::report(result)
}
