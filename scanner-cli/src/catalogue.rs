// placeholder — lead replaces
//! `kapsel catalogue`.

/// Catalogue subcommands.
#[derive(clap::Subcommand)]
pub enum CatalogueCommand {
    /// Placeholder.
    Check {
        /// Declaration file.
        file: String,
    },
}

/// Runs a catalogue subcommand.
pub fn run(_cmd: CatalogueCommand) -> anyhow::Result<crate::exit::Outcome> {
    anyhow::bail!("not yet")
}
