//! Exit statuses: what a subcommand's outcome means to the shell.

use std::process::ExitCode;

/// What a subcommand concluded, when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the `--fail-on` severity: exit 0.
    Clean,
    /// Findings at or above the `--fail-on` severity: exit 1.
    Findings,
}

/// Bad input or a run that could not be done: always exit 2, with the message on stderr.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Prints an error chain (if any) and turns the outcome into the process exit status.
pub fn report(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(err) => {
            eprintln!("kapsel: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
