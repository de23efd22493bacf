//! `hvpat run`: score a portfolio and write every output into `--out`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::InputArgs;
use crate::pipeline;

/// Arguments of `hvpat run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inputs and dates.
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Output folder (replaced atomically).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Run the pipeline and print a one-line summary on stderr.
pub fn run(args: RunArgs, quiet: bool) -> Result<()> {
    let settings = args.inputs.settings(args.out.clone())?;
    let spinner = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("scoring {} portfolio file(s) as of {}", settings.portfolio.len(), settings.as_of));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    };
    let result = pipeline::run(&settings);
    spinner.finish_and_clear();
    let summary = result?;
    if !quiet {
        let c = &summary.counts;
        eprintln!(
            "hvpat: as of {}: {} rows read, {} patents scored ({} eligible, {} high-value), {} duplicates, {} out of scope, {} rejected; {} institutions → {}",
            settings.as_of,
            c.rows_read,
            c.scored,
            c.eligible,
            c.high_value,
            c.duplicates,
            c.out_of_scope,
            c.rejected,
            c.institutions,
            summary.out.display()
        );
    }
    Ok(())
}
