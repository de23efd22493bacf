//! `hvpat check FILE…`: validate and profile portfolio files without scoring:
//! layout, encoding, row counts, CN inventions, rejects and warnings by reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::CsvBomFlags;
use crate::model::RowIssue;
use crate::read::portfolio::{normalize_rows, Merged};
use crate::read::profile::{check_roles, Layout, Profile};
use crate::read::table::read_table_sheet;
use crate::rules::numbers::Kind;
use crate::write::csv_out::write_issues;
use crate::write::CsvStyle;

/// Arguments of `hvpat check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Portfolio files (CSV or .xlsx).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Force a layout instead of detecting it.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Worksheet of an .xlsx file (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A config whose `[columns]` (and `profile`, unless --profile is given) apply.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Also write every rejected row to this CSV file.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Whether the rejects file starts with a byte-order mark.
    #[command(flatten)]
    pub csv_bom: CsvBomFlags,
    /// The date coverage is told for (YYYY-MM-DD; default today): validity of a
    /// year-only filing date depends on it.
    #[arg(long)]
    pub as_of: Option<String>,
}

/// The coverage lines of one file's patents (SPEC §8): what its inputs can tell.
fn coverage_text(patents: &[Box<crate::model::Patent>], as_of: chrono::NaiveDate) -> String {
    use crate::rules::coverage::{assess, percent_text, Coverage, RunSources, QUESTIONS};
    let params = crate::rules::RuleParams::default();
    let prev = crate::rules::dates::add_years(as_of, -1);
    let mut coverage = Coverage::default();
    for p in patents.iter().filter(|p| p.kind == Some(Kind::Invention)) {
        let facts = crate::rules::dimensions::Facts::of(p, false, crate::rules::validity::status_of(p), &params);
        coverage.add(assess(p, &facts, as_of, prev, RunSources::default()));
    }
    let parts: Vec<String> = QUESTIONS
        .iter()
        .map(|q| format!("{} {} ({})", q.key(), coverage.of(*q), percent_text(coverage.percent(*q))))
        .collect();
    let mut out = format!("  coverage of {} inventions as of {as_of}: {}\n", coverage.inventions, parts.join(", "));
    let _ = writeln!(out, "  {}", quality_known_text(patents, as_of));
    for line in coverage.warnings() {
        let _ = writeln!(out, "  warning: {line}");
    }
    out
}

/// How many of a file's inventions each quality indicator is known for (SPEC §12;
/// the cohort-relative figures need the whole run).
fn quality_known_text(patents: &[Box<crate::model::Patent>], as_of: chrono::NaiveDate) -> String {
    use crate::rules::quality::{CohortTally, Indicators, INDICATOR_NAMES};
    let mut tally = CohortTally::default();
    for p in patents.iter().filter(|p| p.kind == Some(Kind::Invention)) {
        tally.add(None, &Indicators::of(p, as_of, false));
    }
    let counted = tally.finish(0);
    let parts: Vec<String> = INDICATOR_NAMES.iter().zip(counted.known).map(|(name, n)| format!("{name} {n}")).collect();
    format!("quality indicators known, of {} inventions: {}", counted.inventions, parts.join(", "))
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

/// Check every file and print one summary per file.
pub fn run(args: CheckArgs) -> Result<()> {
    let as_of = match &args.as_of {
        Some(text) => match crate::rules::dates::parse_date(text) {
            Ok(Some(date)) => date,
            _ => anyhow::bail!(crate::cli::UsageError(anyhow::anyhow!("--as-of: not a date: {text:?}"))),
        },
        None => chrono::Local::now().date_naive(),
    };
    let config = match &args.config {
        Some(path) => crate::config::ConfigFile::load(path).map_err(crate::cli::UsageError)?,
        None => crate::config::ConfigFile::default(),
    };
    check_roles(&config.columns).map_err(|message| crate::cli::UsageError(anyhow::Error::msg(message)))?;
    let mut all_rejects = Vec::new();
    let mut out = String::new();
    for (file, path) in args.files.iter().enumerate() {
        let table = read_table_sheet(path, args.sheet.as_deref().or(config.sheet.as_deref()))?;
        let forced = args.profile.or(config.profile);
        let layout = Layout::locate_with(&table, forced, &config.columns)?;
        let label = crate::read::snapshot::slashed(path);
        let mut merged = Merged::default();
        merged.take(normalize_rows(&table, &layout, file, &label));
        merged.finish();
        merged.settle(|_| label.clone());
        let Merged { patents, duplicates, out_of_scope, rejects, warnings, .. } = merged;
        let inventions = patents.iter().filter(|p| p.kind == Some(Kind::Invention)).count();
        let unknown_kind = patents.iter().filter(|p| p.kind.is_none()).count();
        let _ = writeln!(out, "{label}");
        let _ = writeln!(
            out,
            "  layout {} ({}), encoding {}, {} data rows",
            layout.profile.as_str(),
            if forced.is_some() { "given" } else { "detected" },
            table.encoding,
            table.height()
        );
        let _ = writeln!(
            out,
            "  {} CN patents ({} invention, {} of unknown kind), {} duplicate rows merged, {} out of scope (other offices), {} rejected, {} warnings",
            patents.len(),
            inventions,
            unknown_kind,
            duplicates,
            out_of_scope,
            rejects.len(),
            warnings.len()
        );
        let roles: Vec<String> = layout
            .roles(&table.headers)
            .into_iter()
            .map(|(role, headers)| format!("{role} ← {}", headers.join(" + ")))
            .collect();
        let _ = writeln!(out, "  columns: {}", roles.join(", "));
        out.push_str(&coverage_text(&patents, as_of));
        if !rejects.is_empty() {
            let _ = write!(out, "  rejects by reason:\n{}", by_reason(&rejects));
        }
        if !warnings.is_empty() {
            let _ = write!(out, "  warnings by reason:\n{}", by_reason(&warnings));
        }
        all_rejects.extend(rejects);
    }
    // The rejects file first: a reader of stdout that goes away ends the command.
    if let Some(path) = &args.rejects {
        let style = CsvStyle {
            raw: config.raw_cells.unwrap_or(false),
            bom: args.csv_bom.choice().or(config.csv_bom).unwrap_or(true),
        };
        write_issues(path, &all_rejects, style)?;
    }
    crate::cli::print_out(&out)?;
    Ok(())
}
