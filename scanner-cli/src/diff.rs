//! diff
use crate::exit::Outcome;
/// Args.
#[derive(clap::Args)]
pub struct DiffArgs {
    /// Old.
    pub old: String,
}
/// Run.
pub fn run(_a: DiffArgs) -> anyhow::Result<Outcome> { Ok(Outcome::Clean) }
