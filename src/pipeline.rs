//! One run, as it flows: read the inputs, attach the side tables, score, aggregate,
//! write. Each stage lives in its folder (`read`, `score`, `aggregate`, `write`);
//! this file only calls them in order, times them and checks the row accounting.
//! The CLI's `run`, `check` and `explain` all start here.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::aggregate::institution_conversion::{conversion_warnings, convert, ConversionParams};
use crate::aggregate::{add_conversion, aggregate, InstitutionRow};
use crate::config::Settings;
use crate::progress::{Progress, Unit};
use crate::read::attach::attach_side_tables;
use crate::read::inputs::{read_portfolios, reference_tables, PortfolioRead};
use crate::read::portfolio::{unread_event_warnings, Merged};
use crate::read::side::Transaction;
use crate::read::{InputError, InputRecord, PortfolioFile, Sources};
use crate::rules::concordance::Concordance;
use crate::rules::institutions::AliasTable;
use crate::rules::model::{Patent, RowIssue, Vocabulary};
use crate::score::scored_run::{run_sources, Counts, ScoredRun};
use crate::score::{score_all_with, ScoreContext, Scoring};
use crate::write::manifest::{file_digest, fingerprint, manifest_json, previous_fingerprint, write_json};
use crate::write::outputs::{Job, Need, Selection, Writer};
use crate::write::{patents, OutputDir, OutputLock};

/// A run's failure classes, mapped to exit codes by the binary.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An input could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// No scored patent has a holder: outputs written, but they name no institution.
    #[error("outputs written to {out}, but no scored patent has a holder or applicant name, so no institution is reported; the holder columns looked for: {columns}{}",
        rejects.as_ref().map(|r| format!("; and {r}")).unwrap_or_default())]
    NoHolders {
        /// The column names looked for.
        columns: String,
        /// The output folder.
        out: String,
        /// The reject-share message too, when both happened.
        rejects: Option<String>,
    },
    /// Too many rows were rejected.
    #[error(
        "{rejected} of {rows} portfolio rows rejected ({share:.1}%), over the limit of {limit:.1}%; see {rejects}"
    )]
    RejectShare {
        /// Rejected rows.
        rejected: usize,
        /// Rows read.
        rows: usize,
        /// Share in percent.
        share: f64,
        /// Limit in percent.
        limit: f64,
        /// The rejects file.
        rejects: String,
    },
}

/// Read every input, attach the side tables and score: what `run`, `check` and
/// `explain` share. Reports the long stages to `progress`.
pub fn read_and_score(settings: &Settings, progress: &dyn Progress) -> Result<ScoredRun> {
    let mut timings = Vec::new();
    let read = read_inputs(settings, progress, &mut timings)?;
    let t = Instant::now();
    let ReadInputs { concordance, concordance_label, aliases, patents, vocabulary, transactions, mut counts, .. } =
        read;
    let run_sources = run_sources(settings, &transactions);
    let ctx = ScoreContext::of(settings, &concordance, &aliases, run_sources, None);
    progress.start("scoring", patents.len() as u64, Unit::Patents);
    let Scoring { scored, institutions, cohort_tally, run_tally } = score_all_with(patents, vocabulary, &ctx, progress);
    let cohorts = cohort_tally.finish(settings.quality_min_cohort);
    // Handed back before the writing: the records' list (each record moved into its
    // scored one) and scoring's buffers. The writing's buffers come on top of the
    // scored records, at the run's peak, and would not reuse them.
    crate::memory::release_freed();
    progress.finish();
    timings.push(("score", t.elapsed().as_millis()));
    counts.scored = scored.len();
    counts.eligible = scored.iter().filter(|s| s.verdict().eligible).count();
    counts.high_value = scored.iter().filter(|s| s.verdict().high_value()).count();
    counts.warnings = read.warnings.len();
    let (coverage, mut sources) = run_tally.finish(read.sources);
    let conversion_sources =
        read.event_columns || settings.side.events.is_some() || settings.side.transactions.is_some();
    sources.conversion_event_source = conversion_sources;
    Ok(ScoredRun {
        scored,
        institutions,
        concordance,
        aliases,
        rejects: read.rejects,
        warnings: read.warnings,
        counts,
        inputs: read.inputs,
        concordance_label,
        timings,
        coverage,
        sources,
        holder_columns: read.holder_columns,
        run_sources,
        transactions,
        conversion_sources,
        cohorts,
        portfolio_files: read.files,
    })
}

/// Every input read, the side tables attached, the patents merged and settled:
/// what scoring starts from.
struct ReadInputs {
    concordance: Concordance,
    concordance_label: String,
    aliases: AliasTable,
    // Boxed as the merge made them: scoring moves each record into its `Scored` whole.
    #[allow(clippy::vec_box)]
    patents: Vec<Box<Patent>>,
    vocabulary: Vocabulary,
    rejects: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
    counts: Counts,
    inputs: Vec<InputRecord>,
    sources: Sources,
    transactions: Vec<(Transaction, Vec<usize>)>,
    holder_columns: Vec<&'static str>,
    event_columns: bool,
    files: Vec<PortfolioFile>,
}

/// Read the reference tables and portfolio files, attach the side tables; the two
/// stages' timings pushed to `timings`.
fn read_inputs(
    settings: &Settings,
    progress: &dyn Progress,
    timings: &mut Vec<(&'static str, u128)>,
) -> Result<ReadInputs, InputError> {
    let t = Instant::now();
    let (mut inputs, mut portfolio_inputs) = (Vec::new(), Vec::new());
    let (files, sheet) = (&settings.portfolio, settings.sheet.as_deref());
    // The reference tables (34,000 built-in concordance rows) are parsed beside the scan.
    let (tables, read) = rayon::join(
        || reference_tables(settings.concordance.as_deref(), settings.side.aliases.as_deref(), &mut inputs),
        || read_portfolios(files, sheet, settings.profile, &settings.columns, &mut portfolio_inputs, progress),
    );
    let (concordance, concordance_label, aliases) = tables?;
    let read = read?;
    inputs.append(&mut portfolio_inputs);
    let PortfolioRead { mut merged, rows_read, holder_columns, event_columns, files } = read;
    // The merge's sort tables and the lookups freed with `into_records` are handed
    // back to the OS as they are freed (see `memory`).
    let release = crate::memory::PromptRelease::start();
    merged.finish();
    let mut counts = Counts {
        rows_read,
        rejected: merged.rejects.len(),
        duplicates: merged.duplicates,
        out_of_scope: merged.out_of_scope,
        ..Counts::default()
    };
    timings.push(("read_portfolio", t.elapsed().as_millis()));
    let t = Instant::now();
    let before = merged.rejects.len();
    let (sources, transactions) = attach_side_tables(&settings.side, &mut merged, &mut inputs)?;
    counts.side_rejected = merged.rejects.len() - before;
    let vocabulary = merged.settle(|file| files.get(file).map(|f| f.label.clone()).unwrap_or_default());
    let transactions = with_positions(transactions, &merged);
    let (patents, rejects, warnings) = merged.into_records();
    drop(release);
    timings.push(("read_side_tables", t.elapsed().as_millis()));
    Ok(ReadInputs {
        concordance,
        concordance_label,
        aliases,
        patents,
        vocabulary,
        rejects,
        warnings,
        counts,
        inputs,
        sources,
        transactions,
        holder_columns,
        event_columns,
        files,
    })
}

/// Each transaction with the positions of its patents among the merged ones.
fn with_positions(transactions: Vec<Transaction>, merged: &Merged) -> Vec<(Transaction, Vec<usize>)> {
    transactions
        .into_iter()
        .map(|t| {
            let positions = t.patents.iter().filter_map(|id| merged.position(id)).collect();
            (t, positions)
        })
        .collect()
}

/// What a finished run reports.
pub struct RunSummary {
    /// The output folder.
    pub out: PathBuf,
    /// Row accounting.
    pub counts: Counts,
    /// Why a person must look at the written outputs (exit 4), if they must.
    pub attention: Option<RunError>,
}

/// How a run ended.
pub enum RunOutcome {
    /// Outputs written.
    Done(RunSummary),
    /// `--if-changed` found the inputs, config and version unchanged.
    Skipped {
        /// The existing output folder.
        out: PathBuf,
    },
}

/// Options of one run besides the settings.
pub struct RunOptions<'a> {
    /// Skip the run when the fingerprint equals the existing manifest's.
    pub if_changed: bool,
    /// Where stage messages go (a timestamped stderr line in the CLI).
    pub log: &'a dyn Fn(&str),
    /// Where warnings about the data go (what it cannot show, SPEC §8).
    pub warn: &'a dyn Fn(&str),
    /// Where the long stages report their progress.
    pub progress: &'a dyn Progress,
}

/// A full run: lock the output folder, read and score, aggregate, write every
/// output into a temporary folder and swap it into place.
pub fn run(settings: &Settings, options: &RunOptions<'_>) -> Result<RunOutcome> {
    let started = Instant::now();
    let selection = Selection::parse(settings.outputs.as_deref())?;
    let _lock = OutputLock::acquire(&settings.out)?;
    // With --if-changed the inputs are hashed first, to skip an unchanged run.
    if options.if_changed && previous_fingerprint(&settings.out) == Some(fingerprint(settings, &file_digest)?) {
        return Ok(RunOutcome::Skipped { out: settings.out.clone() });
    }
    (options.log)(&format!("reading {} portfolio file(s) as of {}", settings.portfolio.len(), settings.as_of));
    let mut scored = read_and_score(settings, options.progress)?;
    // A file changed during the read ends the run now rather than after the writing.
    scored.inputs.iter().try_for_each(|input| input.file.check_unchanged())?;
    // The manifest's fingerprint is that of the bytes the outputs come from (the early
    // one, for --if-changed, was taken from an earlier read of the same paths).
    let fingerprint = fingerprint(settings, &|path| match scored.inputs.iter().find(|i| i.file.path == path) {
        Some(input) => Ok(input.file.sha256.clone()),
        None => file_digest(path),
    })?;
    check_accounting(&scored.counts, options)?;
    let institutions = aggregate_institutions(settings, &mut scored, options);
    let out = OutputDir::create(&settings.out)?;
    let written = write_all(&out, settings, selection, &scored, &institutions, started, &fingerprint, options.progress);
    // Outputs made from a file that changed since it was read are not swapped in.
    let unchanged = || scored.inputs.iter().try_for_each(|input| input.file.check_unchanged());
    if let Err(e) = written.and_then(|()| unchanged().map_err(Into::into)) {
        out.abandon();
        return Err(e);
    }
    let dir = out.commit()?;
    let attention = attention(settings, &scored, &dir);
    let counts = scored.counts.clone();
    // Freeing millions of records one by one takes a noticeable share of a large run;
    // a thread does it while the caller goes on (the CLI exits, and the OS reclaims).
    std::thread::spawn(move || drop(scored));
    Ok(RunOutcome::Done(RunSummary { out: dir, counts, attention }))
}

/// Every row is scored, merged, out of scope or rejected: outputs whose counts do
/// not add up are never written. Logs the accounting.
fn check_accounting(c: &Counts, options: &RunOptions<'_>) -> Result<()> {
    anyhow::ensure!(
        c.balanced(),
        "internal error: {} rows read but {} scored + {} duplicates + {} out of scope + {} rejected; please report",
        c.rows_read,
        c.scored,
        c.duplicates,
        c.out_of_scope,
        c.rejected
    );
    (options.log)(&format!(
        "scored {} patents from {} rows ({} duplicates, {} out of scope, {} rejected)",
        c.scored, c.rows_read, c.duplicates, c.out_of_scope, c.rejected
    ));
    Ok(())
}

/// The institution rows with their conversion figures (SPEC §5, §9); warns of what
/// the data cannot show.
fn aggregate_institutions(
    settings: &Settings,
    scored: &mut ScoredRun,
    options: &RunOptions<'_>,
) -> Vec<InstitutionRow> {
    let t = Instant::now();
    let params = ConversionParams::of(settings);
    let conversion = convert(&scored.scored, scored.institutions.len(), &scored.transactions, &params);
    scored.sources.transfers_credited_to_nobody = conversion.transfers_to_nobody;
    scored.sources.money_rows_credited_to_nobody = conversion.money_to_nobody;
    let transactions_table = settings.side.transactions.is_some();
    let warnings = scored.coverage.warnings().into_iter();
    let warnings = warnings.chain(conversion_warnings(&conversion, scored.conversion_sources, transactions_table));
    for line in warnings.chain(unread_event_warnings(&scored.warnings)) {
        (options.warn)(&line);
    }
    let types = settings.institution_types.as_deref();
    let trend = settings.trend_dates.len();
    let mut rows = aggregate(&scored.scored, &scored.institutions, trend, types, settings.counting);
    add_conversion(&mut rows, &scored.institutions, &conversion, types, &params, trend);
    scored.timings.push(("aggregate", t.elapsed().as_millis()));
    scored.counts.institutions = rows.len();
    (options.log)(&format!("aggregated {} institutions; writing {}", rows.len(), settings.out.display()));
    rows
}

/// Why a person must look at the outputs written to `dir` (exit 4): no holder on any
/// scored patent, or too many rows rejected.
fn attention(settings: &Settings, scored: &ScoredRun, dir: &std::path::Path) -> Option<RunError> {
    let c = &scored.counts;
    let no_holders = c.scored > 0 && scored.scored.iter().all(|s| s.patent.holders.is_empty());
    let share = if c.rows_read > 0 { c.rejected as f64 / c.rows_read as f64 } else { 0.0 };
    let too_many_rejects = (share > settings.max_reject_share).then(|| RunError::RejectShare {
        rejected: c.rejected,
        rows: c.rows_read,
        share: share * 100.0,
        limit: settings.max_reject_share * 100.0,
        rejects: dir.join("rejects.csv").display().to_string(),
    });
    match (no_holders, too_many_rejects) {
        (true, rejects) => Some(RunError::NoHolders {
            columns: scored.holder_columns.join(", "),
            out: dir.display().to_string(),
            rejects: rejects.map(|e| e.to_string()),
        }),
        (false, rejects) => rejects,
    }
}

/// Write the selected outputs: the patents' rows (`patents.csv`, `patents.parquet`)
/// render in parallel while the other files (mostly sequential) are written beside
/// them; the manifest last.
#[allow(clippy::too_many_arguments)]
fn write_all(
    out: &OutputDir,
    settings: &Settings,
    selection: Selection,
    scored: &ScoredRun,
    institutions: &[InstitutionRow],
    started: Instant,
    fingerprint: &str,
    progress: &dyn Progress,
) -> Result<()> {
    let t = Instant::now();
    let job = Job::new(settings, scored, institutions, selection);
    let timed = |f: &dyn Fn() -> Result<()>| -> Result<u128> {
        let t = Instant::now();
        f().map(|()| t.elapsed().as_millis())
    };
    let (patents_written, reports_written) = rayon::join(
        || timed(&|| write_patent_rows(out, settings, selection, scored, progress)),
        || {
            timed(&|| {
                selection.selected().try_for_each(|output| match output.writer {
                    Writer::File(write) => write(&job, &out.file(output.name)),
                    Writer::PatentRows | Writer::Manifest => Ok(()),
                })
            })
        },
    );
    let mut timings: serde_json::Map<String, serde_json::Value> =
        scored.timings.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    timings.insert("write_patents".into(), json!(patents_written?));
    timings.insert("write_reports".into(), json!(reports_written?));
    timings.insert("write".into(), json!(t.elapsed().as_millis()));
    timings.insert("total".into(), json!(started.elapsed().as_millis()));
    let manifest = manifest_json(settings, scored, selection.names(), fingerprint, timings);
    write_json(&out.file("manifest.json"), &manifest)
}

/// `patents.csv` and `patents.parquet`, those of them selected.
fn write_patent_rows(
    out: &OutputDir,
    settings: &Settings,
    selection: Selection,
    scored: &ScoredRun,
    progress: &dyn Progress,
) -> Result<()> {
    if !selection.needs(Need::PatentRows) {
        return Ok(());
    }
    let row_file = |name: &str| selection.contains(name).then(|| out.file(name));
    progress.start("writing", scored.scored.len() as u64, Unit::Patents);
    let written = patents::write_patents(
        row_file("patents.csv").as_deref(),
        row_file("patents.parquet").as_deref(),
        &scored.scored,
        &scored.context(settings),
        crate::write::CsvStyle::of(settings),
        progress,
    );
    progress.finish();
    written
}
