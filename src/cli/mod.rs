//! The command line: one file per subcommand, the shared arguments, and the
//! exit codes that a scheduler reads.

pub(crate) mod check;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod run;
pub(crate) mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{ConfigFile, Overrides, Settings, SideTables};
use crate::pipeline::RunError;
use crate::read::profile::Profile;
use crate::read::InputError;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: an unexpected failure (writing outputs, an internal error).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad command line or config.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: an input file cannot be read (missing, not CSV, missing column).
pub const EXIT_INPUT: u8 = 3;
/// Exit code: outputs written, but the reject share passed `max_reject_share`.
pub const EXIT_REJECTS: u8 = 4;
/// Exit code: another run is writing the same output folder.
pub const EXIT_LOCKED: u8 = 5;

/// A bad command line or config value.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct UsageError(pub anyhow::Error);

/// hvpat: score Chinese invention patents on the five national high-value dimensions.
#[derive(Debug, Parser)]
#[command(name = "hvpat", version, about)]
pub struct Cli {
    /// No progress output.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score a portfolio and write the reports.
    Run(run::RunArgs),
    /// Validate and profile portfolio files: layout, encoding, counts, rejects.
    Check(check::CheckArgs),
    /// Show every rule's verdict and evidence for one patent.
    Explain(explain::ExplainArgs),
    /// Write a commented config file.
    Init(init::InitArgs),
    /// Write a deterministic synthetic portfolio (native layout) for demos and benchmarks.
    Synth(synth::SynthArgs),
}

/// Inputs and dates shared by `run` and `explain`; they override the config.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Portfolio CSV files (override the config's `portfolio`).
    pub portfolio: Vec<PathBuf>,
    /// TOML config file.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Side tables.
    #[command(flatten)]
    pub side: SideTables,
    /// Report date (YYYY-MM-DD).
    #[arg(long, conflicts_with = "year")]
    pub as_of: Option<String>,
    /// Report year: as of 31 December of it.
    #[arg(long)]
    pub year: Option<i32>,
    /// Force a layout instead of detecting it (overrides the config's `profile`).
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Worksheet of an .xlsx portfolio (default: the first; overrides the config's `sheet`).
    #[arg(long)]
    pub sheet: Option<String>,
}

/// `--csv-bom` / `--no-csv-bom` (SPEC §11): the last one given wins.
#[derive(Debug, Clone, Copy, Args)]
pub struct CsvBomFlags {
    /// Start CSV outputs with a UTF-8 byte-order mark, so that Excel opens them as
    /// UTF-8 (the default; overrides the config's `csv_bom = false`).
    #[arg(long, overrides_with = "no_csv_bom")]
    pub csv_bom: bool,
    /// Write CSV outputs without the byte-order mark.
    #[arg(long, overrides_with = "csv_bom")]
    pub no_csv_bom: bool,
}

impl CsvBomFlags {
    /// `Some(on)` when a flag was given.
    pub fn choice(self) -> Option<bool> {
        match (self.csv_bom, self.no_csv_bom) {
            (_, true) => Some(false),
            (true, false) => Some(true),
            (false, false) => None,
        }
    }
}

impl InputArgs {
    /// The config file merged with these flags (and the command's own, `rest`).
    pub fn settings(&self, rest: Overrides) -> Result<Settings, UsageError> {
        let file = match &self.config {
            Some(path) => ConfigFile::load(path).map_err(UsageError)?,
            None => ConfigFile::default(),
        };
        file.resolve(Overrides {
            portfolio: self.portfolio.clone(),
            side: self.side.clone(),
            as_of: self.as_of.clone(),
            year: self.year,
            profile: self.profile,
            sheet: self.sheet.clone(),
            ..rest
        })
        .map_err(UsageError)
    }
}

/// Run the parsed command line and map its outcome to an exit code.
pub fn main_with(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Run(args) => run::run(args, cli.quiet),
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Init(args) => init::run(args),
        Command::Synth(args) => synth::run(args),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(EXIT_OK);
            }
            print_err(&format!("hvpat: {err:#}"));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// Write `text` to stdout. A reader that went away (`hvpat … | head`) is an error
/// that [`main_with`] turns into a quiet exit 0, as ripgrep does, never a panic.
pub fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        written => Ok(written?),
    }
}

/// The reader of stdout went away (`hvpat … | head`): not a failure.
#[derive(Debug, thiserror::Error)]
#[error("stdout closed")]
struct StdoutClosed;

/// A line on stderr; nothing (rather than a panic) when stderr is closed.
pub fn print_err(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    // Only stdout's: a broken pipe anywhere else (a FIFO given as an output) is a failure.
    err.chain().any(|e| e.is::<StdoutClosed>())
}

/// The exit code for an error (the first classified cause in its chain).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<UsageError>() || cause.is::<crate::write::outputs::UnknownOutput>() {
            return EXIT_USAGE;
        }
        if cause.is::<crate::write::Locked>() {
            return EXIT_LOCKED;
        }
        if let Some(e) = cause.downcast_ref::<RunError>() {
            return match e {
                RunError::Input(_) => EXIT_INPUT,
                RunError::RejectShare { .. } | RunError::NoHolders { .. } => EXIT_REJECTS,
            };
        }
        if cause.is::<InputError>() {
            return EXIT_INPUT;
        }
    }
    EXIT_FAILURE
}
