//! `hvpat init`: write a commented config file.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::cli::UsageError;
use crate::config::TEMPLATE;

/// Arguments of `hvpat init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the config (`-` for standard output).
    #[arg(default_value = "hvpat.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Write the template.
pub fn run(args: InitArgs) -> Result<()> {
    if args.path.as_os_str() == "-" {
        crate::cli::print_out(TEMPLATE)?;
        return Ok(());
    }
    if args.path.exists() && !args.force {
        bail!(UsageError(anyhow::anyhow!("{} exists; use --force to overwrite it", args.path.display())));
    }
    std::fs::write(&args.path, TEMPLATE).with_context(|| format!("cannot write {}", args.path.display()))?;
    crate::cli::print_err(&format!("hvpat: wrote {}", args.path.display()));
    Ok(())
}
