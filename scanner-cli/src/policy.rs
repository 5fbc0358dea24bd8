// placeholder — lead replaces
//! `kapsel policy`.

/// Privacy-statement subcommands.
#[derive(clap::Subcommand)]
pub enum PolicyCommand {
    /// Placeholder.
    Extract {
        /// File or URL.
        input: String,
    },
}

/// Runs a policy subcommand.
pub fn run(_cmd: PolicyCommand) -> anyhow::Result<crate::exit::Outcome> {
    anyhow::bail!("not yet")
}
