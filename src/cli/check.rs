//! `hvpat check FILE…`: validate and profile portfolio files without writing the
//! reports: each file's layout, encoding and columns, then the totals, coverage and
//! rejects by reason that `hvpat run` would give on the same files and settings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::{CsvBomFlags, InputArgs};
use crate::config::{Overrides, Settings};
use crate::rules::coverage::QUESTIONS;
use crate::rules::figures::percent_text;
use crate::rules::model::RowIssue;
use crate::rules::numbers::Kind;
use crate::rules::quality::INDICATOR_NAMES;
use crate::score::scored_run::ScoredRun;
use crate::write::csv_out::write_issues;
use crate::write::CsvStyle;

/// Arguments of `hvpat check`: `run`'s inputs (files, `--config`, side tables,
/// dates, `--profile`, `--sheet`), without the outputs.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs and dates, as `hvpat run` takes them; the date defaults to today.
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Also write every rejected row to this CSV file.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Whether the rejects file starts with a byte-order mark.
    #[command(flatten)]
    pub csv_bom: CsvBomFlags,
}

/// Read the inputs as `hvpat run` reads them (the same read, merge, side tables and
/// scoring) and print what they hold.
pub fn run(args: CheckArgs) -> Result<()> {
    let settings = args.inputs.settings(Overrides {
        csv_bom: args.csv_bom.choice(),
        as_of_default: Some(chrono::Local::now().date_naive()),
        ..Overrides::default()
    })?;
    let scored_run = crate::pipeline::read_and_score(&settings, &crate::progress::Silent)?;
    // The rejects file first: a reader of stdout that goes away ends the command.
    if let Some(path) = &args.rejects {
        write_issues(path, &scored_run.rejects, CsvStyle::of(&settings))?;
    }
    crate::cli::print_out(&report(&scored_run, &settings))
}

/// The text `check` prints: each file, then the totals over them.
fn report(scored_run: &ScoredRun, settings: &Settings) -> String {
    let mut out = String::new();
    for file in &scored_run.portfolio_files {
        let _ = writeln!(out, "{}", file.label);
        let _ = writeln!(
            out,
            "  layout {} ({}), encoding {}, {} data rows",
            file.profile.as_str(),
            if settings.profile.is_some() { "given" } else { "detected" },
            file.encoding,
            file.rows
        );
        let roles: Vec<String> =
            file.roles.iter().map(|(role, headers)| format!("{role} ← {}", headers.join(" + "))).collect();
        let _ = writeln!(out, "  columns: {}", roles.join(", "));
    }
    let c = &scored_run.counts;
    let kind = |k: Option<Kind>| scored_run.scored.iter().filter(|s| s.patent.kind == k).count();
    let _ = writeln!(out, "all {} file(s):", scored_run.portfolio_files.len());
    let _ = writeln!(
        out,
        "  {} rows read: {} CN patents ({} invention, {} of unknown kind), {} duplicate rows merged, {} out of scope (other offices), {} rejected, {} warnings",
        c.rows_read,
        c.scored,
        kind(Some(Kind::Invention)),
        kind(None),
        c.duplicates,
        c.out_of_scope,
        c.rejected,
        c.warnings
    );
    if c.side_rejected > 0 {
        let _ = writeln!(out, "  {} side-table rows rejected", c.side_rejected);
    }
    out.push_str(&coverage_text(scored_run, settings));
    for (title, issues) in [("rejects", &scored_run.rejects), ("warnings", &scored_run.warnings)] {
        if !issues.is_empty() {
            let _ = write!(out, "  {title} by reason:\n{}", by_reason(issues));
        }
    }
    out
}

/// The coverage lines (SPEC §8) and the quality indicators known (SPEC §12).
fn coverage_text(scored_run: &ScoredRun, settings: &Settings) -> String {
    let coverage = &scored_run.coverage;
    let parts: Vec<String> = QUESTIONS
        .iter()
        .map(|q| format!("{} {} ({})", q.key(), coverage.of(*q), percent_text(coverage.percent(*q))))
        .collect();
    let mut out =
        format!("  coverage of {} inventions as of {}: {}\n", coverage.inventions, settings.as_of, parts.join(", "));
    let cohorts = &scored_run.cohorts;
    let known: Vec<String> = INDICATOR_NAMES.iter().zip(cohorts.known).map(|(name, n)| format!("{name} {n}")).collect();
    let _ = writeln!(out, "  quality indicators known, of {} inventions: {}", cohorts.inventions, known.join(", "));
    for line in coverage.warnings() {
        let _ = writeln!(out, "  warning: {line}");
    }
    out
}

fn by_reason(issues: &[RowIssue]) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for i in issues {
        *counts.entry((i.column.as_str(), i.reason.as_str())).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.iter().map(|((col, reason), n)| format!("    {n:>7}  {reason} [{col}]\n")).collect()
}
