//! `hvpat run`: score a portfolio and write every output into `--out`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use serde_json::json;

use crate::cli::{CsvBomFlags, InputArgs};
use crate::config::Overrides;
use crate::pipeline::{self, RunOptions, RunOutcome};
use crate::progress::{Progress, Silent};

/// Arguments of `hvpat run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inputs and dates.
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Output folder (replaced atomically).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// The output files to write, comma-separated (default: all; the accounting
    /// files manifest.json, rejects.csv, warnings.csv and unresolved.csv always).
    #[arg(long, value_delimiter = ',', value_name = "FILES")]
    pub outputs: Option<Vec<String>>,
    /// Whether CSV outputs start with a byte-order mark.
    #[command(flatten)]
    pub csv_bom: CsvBomFlags,
    /// Skip the run when the inputs, config and tool version equal those of the existing output.
    #[arg(long)]
    pub if_changed: bool,
    /// Print a JSON summary of the run on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A timestamped log line on stderr, as schedulers keep them.
pub fn log_line(message: &str) {
    crate::cli::print_err(&format!("{} hvpat: {message}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")));
}

/// Run the pipeline: stage lines on stderr (none with `--quiet`), progress bars on a terminal.
pub fn run(args: RunArgs, quiet: bool) -> Result<()> {
    let settings = args.inputs.settings(Overrides {
        out: args.out.clone(),
        outputs: args.outputs.clone(),
        csv_bom: args.csv_bom.choice(),
        ..Overrides::default()
    })?;
    let bars = crate::progress::Bars::default();
    let progress: &dyn Progress = if quiet || !std::io::stderr().is_terminal() { &Silent } else { &bars };
    let log = |message: &str| {
        if !quiet {
            progress.suspend(&mut || log_line(message));
        }
    };
    // Warnings say what the data cannot show: printed (timestamped like the stage
    // lines) even with --quiet.
    let warn = |message: &str| progress.suspend(&mut || log_line(&format!("warning: {message}")));
    let result =
        pipeline::run(&settings, &RunOptions { if_changed: args.if_changed, log: &log, warn: &warn, progress });
    let summary = match result? {
        RunOutcome::Skipped { out } => {
            if !quiet {
                log_line(&format!("skipped: inputs, config and version unchanged since the run in {}", out.display()));
            }
            if args.json {
                crate::cli::print_out(&format!("{}\n", json!({ "skipped": true, "out": out.display().to_string() })))?;
            }
            return Ok(());
        }
        RunOutcome::Done(summary) => summary,
    };
    let c = &summary.counts;
    if !quiet && summary.attention.is_none() {
        log_line(&format!(
            "done: as of {}: {} rows read, {} patents scored ({} eligible, {} high-value), {} institutions → {}",
            settings.as_of,
            c.rows_read,
            c.scored,
            c.eligible,
            c.high_value,
            c.institutions,
            summary.out.display()
        ));
    }
    if args.json {
        let line = json!({
            "skipped": false,
            "out": summary.out.display().to_string(),
            "as_of": settings.as_of.to_string(),
            "counts": c,
            "attention": summary.attention.as_ref().map(ToString::to_string),
        });
        crate::cli::print_out(&format!("{line}\n"))?;
    }
    summary.attention.map_or(Ok(()), |e| Err(e.into()))
}
