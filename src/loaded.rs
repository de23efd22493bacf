//! What a run has read and scored, before aggregation and writing: the patents,
//! institutions, row accounting and sources that every writer reads.

use crate::config::Settings;
use crate::conversion::Conversion;
use crate::model::RowIssue;
use crate::read::side::Transaction;
use crate::rules::concordance::Concordance;
use crate::rules::coverage::{Coverage, RunSources};
use crate::rules::institutions::{AliasTable, Institution};
use crate::score::{ScoreContext, Scored};
use crate::write::manifest::{Counts, InputRecord};

/// Everything read and scored, before writing.
pub struct Loaded {
    /// Scored patents, sorted by id.
    pub scored: Vec<Scored>,
    /// The institutions that [`Scored::institutions`] index.
    pub institutions: Vec<Institution>,
    /// The concordance the patents were scored with (evidence is rendered from it).
    pub concordance: Concordance,
    /// The alias table the holders were resolved with.
    pub aliases: AliasTable,
    /// Rejected rows (portfolio first, then side tables).
    pub rejects: Vec<RowIssue>,
    /// Warnings about kept rows.
    pub warnings: Vec<RowIssue>,
    /// Row accounting.
    pub counts: Counts,
    /// Inputs for the manifest.
    pub inputs: Vec<InputRecord>,
    /// Concordance description for the manifest.
    pub concordance_label: String,
    /// Per-stage timings in milliseconds.
    pub timings: Vec<(&'static str, u128)>,
    /// What the inputs could answer, over the scored CN inventions (SPEC §8).
    pub coverage: Coverage,
    /// Other counts of where the data came from (the manifest's `sources`).
    pub sources: Sources,
    /// The column names the holders were looked for under, over every portfolio file.
    pub holder_columns: Vec<&'static str>,
    /// Rows of `transactions.csv`, each with the positions in `scored` of its patents.
    pub transactions: Vec<(Transaction, Vec<usize>)>,
    /// Conversion figures per institution (SPEC §9).
    pub conversion: Conversion,
    /// Whether any input could show a transfer or licence (an event column,
    /// `events.csv`, `transactions.csv`).
    pub conversion_sources: bool,
    /// The side tables that answered questions for every patent.
    pub run_sources: RunSources,
    /// The quality cohorts of the scored CN inventions (SPEC §12).
    pub cohorts: crate::rules::quality::Cohorts,
    /// Each portfolio file as it was read, in order.
    pub portfolio_files: Vec<PortfolioFile>,
}

/// A portfolio file as it was read: what `hvpat check` tells of each file.
#[derive(Debug, Clone)]
pub struct PortfolioFile {
    /// Its path, with `/`.
    pub label: String,
    /// The layout it was read with.
    pub profile: crate::read::profile::Profile,
    /// The encoding it was read in.
    pub encoding: &'static str,
    /// Its data rows.
    pub rows: usize,
    /// Each role it has, with the headers read for it.
    pub roles: Vec<(&'static str, Vec<String>)>,
}

impl Loaded {
    /// The context the patents were scored in, to render their evidence.
    pub fn context<'a>(&'a self, settings: &'a Settings) -> ScoreContext<'a> {
        ScoreContext {
            concordance: &self.concordance,
            aliases: &self.aliases,
            rules: &settings.rules,
            as_of: settings.as_of,
            as_of_prev: settings.as_of_prev,
            rollup_campuses: settings.rollup_campuses,
            trend_dates: &settings.trend_dates,
            sources: self.run_sources,
            cohorts: Some(&self.cohorts),
        }
    }
}

/// Counts of where the data came from, beside the coverage (the manifest's `sources`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Sources {
    /// Scored patents with at least one legal event.
    pub patents_with_events: usize,
    /// Legal events over all scored patents.
    pub events: usize,
    /// Grant dates taken from legal events.
    pub grant_dates_from_events: usize,
    /// Lapse dates taken from legal events.
    pub lapse_dates_from_events: usize,
    /// Scored patents whose filing date is known to the year only.
    pub filing_year_only: usize,
    /// Scored patents whose status is unknown (a CNIPA pss status that is no grant, lapse or end).
    pub status_unknown: usize,
    /// Rows of `events.csv` attached.
    pub events_table_rows: usize,
    /// Scored patents with codes from `classes.csv`.
    pub patents_with_classes: usize,
    /// Rows of `transactions.csv` used.
    pub transactions_rows: usize,
    /// Whether any input could show a transfer or licence (SPEC §9 figures rest on one).
    pub conversion_event_source: bool,
    /// Patents with a transfer credited to nobody (only the current holders known).
    pub transfers_credited_to_nobody: usize,
    /// `transactions.csv` rows whose money went to no institution (transfers whose
    /// transferors are not known).
    pub money_rows_credited_to_nobody: usize,
    /// Rows of `classes.csv` attached.
    pub classes_table_rows: usize,
    /// CPC-only codes of `classes.csv` skipped (`Y02…`, 2000-series indexing codes).
    pub cpc_only_codes: usize,
}
