//! One run: read → normalise → score → aggregate → write, with the row accounting
//! and the manifest. The CLI's `run` and `explain` both start here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;
use serde_json::json;

use crate::aggregate::{add_conversion, aggregate, InstitutionRow};
use crate::config::Settings;
use crate::conversion::{convert, ConversionParams};
use crate::loaded::{Loaded, PortfolioFile, Sources};
use crate::progress::{Progress, Unit};
use crate::read::portfolio::{normalize_rows, Merged, RowOutcome};
use crate::read::profile::Layout;
use crate::read::side;
use crate::read::side::Transaction;
use crate::read::table::{read_table, TableFile};
use crate::read::InputError;
use crate::rules::concordance::Concordance;
use crate::rules::coverage::{Coverage, RunSources};
use crate::rules::dimensions::format_wan;
use crate::rules::events::{classify_event, EventClass};
use crate::rules::institutions::AliasTable;
use crate::rules::numbers::Kind;
use crate::rules::status::StatusClass;
use crate::rules::validity::status_of;
use crate::score::{quality_cohorts, score_all_with, ScoreContext, Scored, Scoring};
use crate::write::manifest::{coverage_json, write_json, Counts, InputRecord};
use crate::write::outputs::{Job, Need, Selection, Writer};
use crate::write::{patents, OutputDir, OutputLock};

/// A `transactions.csv` row's event on one of its patents, and for a pledge with an
/// amount a D4 pledge contract shared among the patents it lists.
fn attach_transaction(p: &mut crate::model::Patent, t: &Transaction) {
    let mut text = format!("{} (transactions.csv line {}", t.class.as_str(), t.line);
    if !t.counterparty.is_empty() {
        text.push_str(&format!(", {}", t.counterparty));
    }
    if t.received_e4 > 0 {
        text.push_str(&format!(", received {} 万元", format_wan(t.received_e4 as f64 / 10_000.0)));
    }
    text.push(')');
    p.extras_mut().events.push(crate::rules::events::LegalEvent { date: t.date, class: t.class, text });
    if t.class == crate::rules::events::EventClass::Pledge && t.amount_e4 > 0 {
        p.extras_mut().pledges.push(crate::model::PledgeShare {
            contract_id: compact_str::format_compact!("transactions.csv line {}", t.line),
            contract_wan: t.amount_e4 as f64 / 10_000.0,
            patents_in_contract: t.listed,
            registered_on: t.date,
        });
    }
}

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

fn label(path: &Path) -> String {
    crate::read::snapshot::slashed(path)
}

/// Read every input and score it, reporting the long stages to `progress`.
pub fn load(settings: &Settings, progress: &dyn Progress) -> Result<Loaded> {
    let mut timings = Vec::new();
    let t0 = Instant::now();
    let mut inputs = Vec::new();
    let (concordance, concordance_label, aliases) = reference_tables(settings, &mut inputs)?;
    let PortfolioRead { mut merged, rows_read, holder_columns, event_columns, files: portfolio_files } =
        read_portfolios(settings, &mut inputs, progress)?;
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
    timings.push(("read_portfolio", t0.elapsed().as_millis()));

    let t1 = Instant::now();
    let before = merged.rejects.len();
    let (sources, transactions) = read_side_tables(settings, &mut merged, &mut inputs)?;
    counts.side_rejected = merged.rejects.len() - before;
    merged.settle(|file| settings.portfolio.get(file).map(|f| label(f)).unwrap_or_default());
    let transactions: Vec<(Transaction, Vec<usize>)> = transactions
        .into_iter()
        .map(|t| {
            let positions = t.patents.iter().filter_map(|id| merged.position(id)).collect();
            (t, positions)
        })
        .collect();
    let (patents, rejects, warnings) = merged.into_records();
    drop(release);
    timings.push(("read_side_tables", t1.elapsed().as_millis()));

    let t2 = Instant::now();
    let run_sources = run_sources(settings, &transactions);
    let ctx = ScoreContext {
        concordance: &concordance,
        aliases: &aliases,
        rules: &settings.rules,
        as_of: settings.as_of,
        as_of_prev: settings.as_of_prev,
        rollup_campuses: settings.rollup_campuses,
        trend_dates: &settings.trend_dates,
        sources: run_sources,
        cohorts: None,
    };
    progress.start("scoring", patents.len() as u64, Unit::Patents);
    let Scoring { scored, institutions } = score_all_with(patents, &ctx, progress);
    let cohorts = quality_cohorts(&scored, &ctx, settings.quality_min_cohort);
    progress.finish();
    timings.push(("score", t2.elapsed().as_millis()));
    counts.scored = scored.len();
    counts.eligible = scored.iter().filter(|s| s.verdict().eligible).count();
    counts.high_value = scored.iter().filter(|s| s.verdict().high_value()).count();
    counts.warnings = warnings.len();
    let (coverage, mut sources) = tally(&scored, sources);
    let conversion = convert(&scored, institutions.len(), &transactions, &conversion_params(settings));
    let conversion_sources = event_columns || settings.side.events.is_some() || settings.side.transactions.is_some();
    sources.conversion_event_source = conversion_sources;
    sources.transfers_credited_to_nobody = conversion.transfers_to_nobody;
    sources.money_rows_credited_to_nobody = conversion.money_to_nobody;
    Ok(Loaded {
        scored,
        institutions,
        concordance,
        aliases,
        rejects,
        warnings,
        counts,
        inputs,
        concordance_label,
        timings,
        coverage,
        sources,
        holder_columns,
        run_sources,
        transactions,
        conversion,
        conversion_sources,
        cohorts,
        portfolio_files,
    })
}

/// The concordance (with its label for the manifest) and the alias table: built in,
/// or read from the files the settings name.
fn reference_tables(
    settings: &Settings,
    inputs: &mut Vec<InputRecord>,
) -> Result<(Concordance, String, AliasTable), InputError> {
    let (concordance, concordance_label) = match &settings.concordance {
        None => (Concordance::builtin(), "built-in (cn-patent-ipc 2021 table + legacy rows)".to_string()),
        Some(path) => {
            let (text, file) = read_text(path)?;
            let c = Concordance::from_csv(&text)
                .map_err(|e| InputError::Table { path: path.clone(), message: e.to_string() })?;
            inputs.push(InputRecord { role: "concordance", file, rows: c.len() });
            (c, label(path))
        }
    };
    let mut aliases = AliasTable::builtin();
    if let Some(path) = &settings.side.aliases {
        let t = read_text(path)?;
        let n = aliases.add_csv(&t.0).map_err(|e| InputError::Table { path: path.clone(), message: e.to_string() })?;
        inputs.push(InputRecord { role: "aliases", file: t.1, rows: n });
    }
    Ok((concordance, concordance_label, aliases))
}

/// The portfolio files read and normalised, their rows taken into `merged` (not yet
/// finished: sorted and merged by id).
struct PortfolioRead {
    merged: Merged,
    rows_read: usize,
    /// The column names the holders were looked for under, over every file.
    holder_columns: Vec<&'static str>,
    /// Whether any file has a legal-event column.
    event_columns: bool,
    /// Each file's layout and encoding.
    files: Vec<PortfolioFile>,
}

fn read_portfolios(
    settings: &Settings,
    inputs: &mut Vec<InputRecord>,
    progress: &dyn Progress,
) -> Result<PortfolioRead, InputError> {
    let mut read = PortfolioRead {
        merged: Merged::default(),
        rows_read: 0,
        holder_columns: Vec::new(),
        event_columns: false,
        files: Vec::new(),
    };
    for (file, path) in settings.portfolio.iter().enumerate() {
        // Two stages a file: the scan (hash, UTF-8, row boundaries; or the read of a
        // file read whole), then the parse.
        let file_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        progress.start("scanning", file_bytes, Unit::Bytes);
        let table = TableFile::open_reporting(path, settings.sheet.as_deref(), &|n| progress.advance(n))?;
        progress.finish();
        progress.start("reading", file_bytes, Unit::Bytes);
        let layout = Layout::locate_with(&table.header_table(), settings.profile, &settings.columns)?;
        read.event_columns |= layout.has_events();
        for name in layout.holder_columns() {
            push_distinct(&mut read.holder_columns, name);
        }
        let rows = read_portfolio_file(&table, &layout, file, path, &mut read.merged, progress)?;
        progress.finish();
        read.rows_read += rows;
        read.files.push(PortfolioFile {
            label: label(path),
            profile: layout.profile,
            encoding: table.encoding,
            rows,
            roles: layout.roles(&table.headers),
        });
        inputs.push(InputRecord { role: "portfolio", rows, file: table.info });
    }
    Ok(read)
}

/// Parse, normalise and merge one portfolio file; its number of rows.
///
/// Segments are parsed and normalised in parallel, each dropped once its rows are
/// records, a batch at a time; a batch is merged (in order) while the next one is
/// parsed. The file is never held as one parsed table.
fn read_portfolio_file(
    table: &TableFile,
    layout: &Layout,
    file: usize,
    path: &Path,
    merged: &mut Merged,
    progress: &dyn Progress,
) -> Result<usize, InputError> {
    let parse = |range: std::ops::Range<usize>| -> Result<Vec<(usize, Vec<RowOutcome>)>, InputError> {
        range
            .into_par_iter()
            .map(|i| {
                let rows = table.segment(i)?;
                Ok((rows.height(), normalize_rows(&rows, layout, file, &label(path))))
            })
            .collect()
    };
    merged.reserve(table.rows_at_most());
    let (segments, batch) = (table.segments(), 4 * rayon::current_num_threads());
    let mut rows = 0;
    let mut ready = Vec::new();
    let mut read_bytes = 0u64;
    // The last step parses nothing and merges the last batch.
    for start in (0..segments).step_by(batch).chain(std::iter::once(segments)) {
        let merge = || {
            for (n, outcomes) in ready {
                rows += n;
                merged.take(outcomes);
            }
        };
        let end = (start + batch).min(segments);
        let (_, next) = rayon::join(merge, || parse(start..end));
        ready = next?;
        let bytes: u64 = (start..end).map(|i| table.segment_bytes(i) as u64).sum();
        progress.advance(bytes);
        read_bytes += bytes;
    }
    // The header, and a workbook read whole.
    progress.advance(table.info.bytes.saturating_sub(read_bytes));
    Ok(rows)
}

/// Push `item` unless `list` has it; whether it was pushed.
fn push_distinct<T: PartialEq>(list: &mut Vec<T>, item: T) -> bool {
    let new = !list.contains(&item);
    if new {
        list.push(item);
    }
    new
}

/// Read one side table (when given) and record it among the inputs.
fn side_table<T>(
    path: &Path,
    role: &'static str,
    merged: &Merged,
    inputs: &mut Vec<InputRecord>,
    read: fn(&crate::read::raw::RawTable, &str, &side::IdResolver<'_>) -> Result<side::SideTable<T>, InputError>,
) -> Result<side::SideTable<T>, InputError> {
    let table = read_table(path)?;
    let t = read(&table, &label(path), &merged.resolver())?;
    inputs.push(InputRecord { role, rows: t.rows, file: table.info.clone() });
    Ok(t)
}

/// Read the side tables and attach their items to the patents (SPEC §3, §7, §9, §10):
/// the source counts, and the transactions (for the money of §9).
fn read_side_tables(
    settings: &Settings,
    merged: &mut Merged,
    inputs: &mut Vec<InputRecord>,
) -> Result<(Sources, Vec<Transaction>), InputError> {
    let mut sources = Sources::default();
    if let Some(path) = &settings.side.families {
        let t = side_table(path, "families", merged, inputs, side::families)?;
        merged.attach(t, |p, m| {
            push_distinct(&mut p.extras_mut().family, m);
        });
    }
    if let Some(path) = &settings.side.pledges {
        let t = side_table(path, "pledges", merged, inputs, side::pledges)?;
        merged.attach(t, |p, s| p.extras_mut().pledges.push(s));
    }
    if let Some(path) = &settings.side.awards {
        let t = side_table(path, "awards", merged, inputs, side::awards)?;
        merged.attach(t, |p, a| {
            push_distinct(&mut p.extras_mut().awards, a);
        });
    }
    if let Some(path) = &settings.side.events {
        let t = side_table(path, "events", merged, inputs, side::events)?;
        sources.events_table_rows = t.items.len();
        merged.attach(t, |p, mut e| {
            e.class = classify_event(&e.text, p.kind == Some(Kind::Invention));
            p.extras_mut().events.push(e);
        });
    }
    if let Some(path) = &settings.side.classes {
        let t = side_table(path, "classes", merged, inputs, side::classes)?;
        sources.classes_table_rows = t.items.len();
        sources.cpc_only_codes = t.items.iter().map(|(_, item)| item.cpc_only).sum();
        merged.attach(t, |p, item| {
            let added = p.add_ipc(item.codes);
            p.classes_codes = p.classes_codes.saturating_add(u16::try_from(added).unwrap_or(u16::MAX));
        });
    }
    let mut transactions = Vec::new();
    if let Some(path) = &settings.side.transactions {
        let t = side_table(path, "transactions", merged, inputs, side::transactions)?;
        sources.transactions_rows = t.items.len();
        for (_, row) in &t.items {
            for id in &row.patents {
                if let Some(k) = merged.position(id) {
                    attach_transaction(&mut merged.patents[k], row);
                }
            }
        }
        merged.rejects.extend(t.rejects);
        merged.warnings.extend(t.warnings);
        transactions = t.items.into_iter().map(|(_, row)| row).collect();
    }
    Ok((sources, transactions))
}

/// The conversion parameters of a run.
pub fn conversion_params(settings: &Settings) -> ConversionParams {
    ConversionParams {
        as_of: settings.as_of,
        as_of_prev: settings.as_of_prev,
        counting: settings.counting,
        reward_rate: settings.reward_rate,
        reward_cap_wan: settings.reward_cap_wan,
    }
}

/// What the conversion figures cannot show: no event source at all, no money source,
/// transfers whose transferors are not known.
fn conversion_warnings(loaded: &Loaded, settings: &Settings) -> Vec<String> {
    let mut lines = Vec::new();
    if !loaded.conversion_sources {
        lines.push(
            "conversion cannot be assessed: no legal-event column, events.csv or transactions.csv, so transfers, licences and equity read 0 (pledges only from pledge amounts)"
                .to_string(),
        );
    }
    if settings.side.transactions.is_none() && loaded.conversion_sources {
        lines.push("money received (received_wan, reward_wan) needs transactions.csv: it reads 0".to_string());
    }
    let money = loaded.conversion.money_to_nobody;
    if money > 0 {
        lines.push(format!(
            "{money} transactions.csv rows with money received credited to nobody: the transferors of their patents are not known (name the applicants)"
        ));
    }
    let nobody = loaded.conversion.transfers_to_nobody;
    if nobody > 0 {
        lines.push(format!(
            "{nobody} transferred patents credited to nobody: the inputs name only their current holders (the buyers), not the applicants (申请人, [标]原始申请(专利权)人) who transferred them"
        ));
    }
    lines
}

/// One line per column whose legal-event items could not all be read, with a sample:
/// a patent with such an item and no other source of its grant counts as "cannot
/// tell" (SPEC §8), and the line says why. Then one line per INPADOC code that neither
/// data/inpadoc-codes.csv nor its text could class.
fn unread_event_warnings(warnings: &[crate::model::RowIssue]) -> Vec<String> {
    use crate::read::portfolio::{UNKNOWN_EVENT_CODE, UNREAD_EVENT_ITEM};
    let unread = count_by(warnings, UNREAD_EVENT_ITEM, |w| &w.column).into_iter().map(|(column, n, sample)| {
        format!(
            "{n} legal event items of column {column} could not be read (e.g. {sample:?}; all in warnings.csv): a patent whose grant may be among them, with no grant date or status, counts as validity unknown"
        )
    });
    let codes = count_by(warnings, UNKNOWN_EVENT_CODE, |w| &w.value).into_iter().map(|(code, n, _)| {
        format!("legal event code {code} ({n} items) is not in data/inpadoc-codes.csv and its text names no class: read as other")
    });
    unread.chain(codes).collect()
}

/// The warnings of one `reason`, counted by `key` in order of first sight: each key,
/// its count and the first one's value.
fn count_by<'a>(
    warnings: &'a [crate::model::RowIssue],
    reason: &str,
    key: fn(&crate::model::RowIssue) -> &String,
) -> Vec<(&'a str, usize, &'a str)> {
    let mut counted: Vec<(&str, usize, &str)> = Vec::new();
    for w in warnings.iter().filter(|w| w.reason == reason) {
        match counted.iter_mut().find(|(k, ..)| *k == key(w).as_str()) {
            Some((_, n, _)) => *n += 1,
            None => counted.push((key(w), 1, &w.value)),
        }
    }
    counted
}

/// The side tables that answer a question for every patent: D4 needs a source with
/// amounts (`pledges.csv`, or pledge rows of `transactions.csv` with an amount).
fn run_sources(settings: &Settings, transactions: &[(Transaction, Vec<usize>)]) -> RunSources {
    let pledge_rows = transactions.iter().any(|(t, _)| t.class == EventClass::Pledge && t.amount_e4 > 0);
    RunSources {
        families: settings.side.families.is_some(),
        pledges: settings.side.pledges.is_some() || pledge_rows,
        awards: settings.side.awards.is_some(),
    }
}

/// The coverage over the scored inventions, and the source counts.
fn tally(scored: &[Scored], mut sources: Sources) -> (Coverage, Sources) {
    let coverage = scored
        .par_iter()
        .filter(|s| s.patent.kind == Some(Kind::Invention))
        .fold(Coverage::default, |mut c, s| {
            c.add(s.assessable);
            c
        })
        .reduce(Coverage::default, |mut a, b| {
            a.merge(&b);
            a
        });
    for s in scored {
        let p = &s.patent;
        sources.patents_with_events += usize::from(!p.events().is_empty());
        sources.events += p.events().len();
        sources.grant_dates_from_events += usize::from(p.known.grant_from_event);
        sources.lapse_dates_from_events += usize::from(p.known.lapse_from_event);
        sources.filing_year_only += usize::from(p.filing_year_only);
        sources.patents_with_classes += usize::from(p.classes_codes > 0);
        sources.status_unknown += usize::from(status_of(p) == StatusClass::Unknown && p.status_class.is_some());
    }
    (coverage, sources)
}

/// A reference table's text, decoded like every other input (UTF-8 with or without
/// BOM, UTF-16, GB18030).
fn read_text(path: &Path) -> Result<(String, crate::read::snapshot::FileInfo), InputError> {
    let (info, bytes) = crate::read::snapshot::FileInfo::read(path)?;
    let (text, _) = crate::read::table::decode(path, bytes)?;
    Ok((text, info))
}

/// What a finished run reports.
pub struct RunSummary {
    /// The output folder.
    pub out: PathBuf,
    /// Row accounting.
    pub counts: Counts,
    /// Institution rows.
    pub institutions: Vec<InstitutionRow>,
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

/// A fingerprint of everything a run's outputs depend on: the tool version, the
/// resolved settings and every input file's sha256 (hex, as `digest` gives it).
pub fn fingerprint(settings: &Settings, digest: &dyn Fn(&Path) -> Result<String>) -> Result<String> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(serde_json::to_string(settings)?.as_bytes());
    let side = settings.side.paths().into_iter().chain([&settings.concordance]);
    for path in settings.portfolio.iter().chain(side.into_iter().flatten()) {
        h.update(path.to_string_lossy().as_bytes());
        h.update(digest(path)?.as_bytes());
    }
    Ok(crate::read::snapshot::hex(&h.finalize()))
}

/// The sha256 of a file, read for the purpose.
fn file_digest(path: &Path) -> Result<String> {
    Ok(crate::read::snapshot::FileInfo::read(path)?.0.sha256)
}

fn previous_fingerprint(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    manifest["fingerprint"].as_str().map(str::to_string)
}

/// A full run: lock the output folder, load, aggregate, write every output into a
/// temporary folder and swap it into place.
pub fn run(settings: &Settings, options: &RunOptions<'_>) -> Result<RunOutcome> {
    let started = Instant::now();
    let selection = Selection::parse(settings.outputs.as_deref())?;
    let _lock = OutputLock::acquire(&settings.out)?;
    // With --if-changed the inputs are hashed first, to skip an unchanged run.
    let early = match options.if_changed {
        true => Some(fingerprint(settings, &file_digest)?),
        false => None,
    };
    if early.is_some() && previous_fingerprint(&settings.out) == early {
        return Ok(RunOutcome::Skipped { out: settings.out.clone() });
    }
    (options.log)(&format!("reading {} portfolio file(s) as of {}", settings.portfolio.len(), settings.as_of));
    let mut loaded = load(settings, options.progress)?;
    // A file changed during the read ends the run now rather than after the writing.
    loaded.inputs.iter().try_for_each(|input| input.file.check_unchanged())?;
    // The manifest's fingerprint is that of the bytes the outputs come from (the early
    // one, for --if-changed, was taken from an earlier read of the same paths).
    let fingerprint = fingerprint(settings, &|path| match loaded.inputs.iter().find(|i| i.file.path == path) {
        Some(input) => Ok(input.file.sha256.clone()),
        None => file_digest(path),
    })?;
    let c = &loaded.counts;
    // Every row is scored, merged, out of scope or rejected: outputs whose counts do
    // not add up are never written.
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
    for line in loaded.coverage.warnings() {
        (options.warn)(&line);
    }
    for line in conversion_warnings(&loaded, settings) {
        (options.warn)(&line);
    }
    for line in unread_event_warnings(&loaded.warnings) {
        (options.warn)(&line);
    }
    let no_holders = c.scored > 0 && loaded.scored.iter().all(|s| s.patent.holders.is_empty());
    let t = Instant::now();
    let mut institutions = aggregate(
        &loaded.scored,
        &loaded.institutions,
        settings.trend_dates.len(),
        settings.institution_types.as_deref(),
        settings.counting,
    );
    add_conversion(
        &mut institutions,
        &loaded.institutions,
        &loaded.conversion,
        settings.institution_types.as_deref(),
        &conversion_params(settings),
        settings.trend_dates.len(),
    );
    loaded.timings.push(("aggregate", t.elapsed().as_millis()));
    loaded.counts.institutions = institutions.len();
    (options.log)(&format!("aggregated {} institutions; writing {}", institutions.len(), settings.out.display()));

    let out = OutputDir::create(&settings.out)?;
    let written = write_all(&out, settings, selection, &loaded, &institutions, started, &fingerprint, options.progress);
    // Outputs made from a file that changed since it was read are not swapped in.
    let unchanged = || loaded.inputs.iter().try_for_each(|input| input.file.check_unchanged());
    if let Err(e) = written.and_then(|()| unchanged().map_err(Into::into)) {
        out.abandon();
        return Err(e);
    }
    let dir = out.commit()?;
    let counts = loaded.counts.clone();
    let holder_columns = loaded.holder_columns.clone();
    // Freeing millions of records one by one takes a noticeable share of a large run;
    // a thread does it while the caller goes on (the CLI exits, and the OS reclaims).
    std::thread::spawn(move || drop(loaded));
    let c = &counts;
    let share = if c.rows_read > 0 { c.rejected as f64 / c.rows_read as f64 } else { 0.0 };
    let too_many_rejects = (share > settings.max_reject_share).then(|| RunError::RejectShare {
        rejected: c.rejected,
        rows: c.rows_read,
        share: share * 100.0,
        limit: settings.max_reject_share * 100.0,
        rejects: dir.join("rejects.csv").display().to_string(),
    });
    let attention = match (no_holders, too_many_rejects) {
        (true, rejects) => Some(RunError::NoHolders {
            columns: holder_columns.join(", "),
            out: dir.display().to_string(),
            rejects: rejects.map(|e| e.to_string()),
        }),
        (false, rejects) => rejects,
    };
    Ok(RunOutcome::Done(RunSummary { out: dir, counts, institutions, attention }))
}

/// Write the selected outputs: the patents' rows (`patents.csv`, `patents.parquet`)
/// render in parallel while the other files (mostly sequential) are written beside
/// them; the manifest last.
#[allow(clippy::too_many_arguments)]
fn write_all(
    out: &OutputDir,
    settings: &Settings,
    selection: Selection,
    loaded: &Loaded,
    institutions: &[InstitutionRow],
    started: Instant,
    fingerprint: &str,
    progress: &dyn Progress,
) -> Result<()> {
    let t = Instant::now();
    let ctx = loaded.context(settings);
    let job = Job::new(settings, loaded, institutions, selection);
    let timed = |f: &dyn Fn() -> Result<()>| -> Result<u128> {
        let t = Instant::now();
        f().map(|()| t.elapsed().as_millis())
    };
    let row_file = |name: &str| selection.contains(name).then(|| out.file(name));
    let (patents_written, reports_written) = rayon::join(
        || {
            timed(&|| {
                if !selection.needs(Need::PatentRows) {
                    return Ok(());
                }
                progress.start("writing", loaded.scored.len() as u64, Unit::Patents);
                let written = patents::write_patents(
                    row_file("patents.csv").as_deref(),
                    row_file("patents.parquet").as_deref(),
                    &loaded.scored,
                    &ctx,
                    crate::write::CsvStyle::of(settings),
                    progress,
                );
                progress.finish();
                written
            })
        },
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
        loaded.timings.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    timings.insert("write_patents".into(), json!(patents_written?));
    timings.insert("write_reports".into(), json!(reports_written?));
    timings.insert("write".into(), json!(t.elapsed().as_millis()));
    timings.insert("total".into(), json!(started.elapsed().as_millis()));
    let manifest = json!({
        "tool": "hvpat",
        "version": env!("CARGO_PKG_VERSION"),
        "as_of": settings.as_of.to_string(),
        "as_of_prev": settings.as_of_prev.to_string(),
        "fingerprint": fingerprint,
        "parameters": {
            "rules": settings.rules,
            "institution_types": settings.institution_types.as_ref().map(|t| t.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "counting": settings.counting.as_str(),
            "rollup_campuses": settings.rollup_campuses,
            "raw_cells": settings.raw_cells,
            "csv_bom": settings.csv_bom,
            "quality_min_cohort": settings.quality_min_cohort,
            "max_reject_share": settings.max_reject_share,
            "reward_rate": settings.reward_rate,
            "reward_cap_wan": settings.reward_cap_wan,
            "concordance": loaded.concordance_label,
        },
        "inputs": loaded.inputs,
        "counts": loaded.counts,
        "coverage": coverage_json(&loaded.coverage),
        "quality": crate::quality::known_counts(&loaded.cohorts),
        "sources": loaded.sources,
        "outputs": selection.names(),
        "timings_ms": timings,
    });
    write_json(&out.file("manifest.json"), &manifest)
}
