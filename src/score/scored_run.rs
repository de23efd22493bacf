//! What a run has read and scored, before aggregation and writing: the patents,
//! institutions, row accounting and sources that every writer reads.

use crate::config::Settings;
use crate::read::side::Transaction;
use crate::read::{InputRecord, PortfolioFile, Sources};
use crate::rules::concordance::Concordance;
use crate::rules::coverage::{Coverage, RunSources};
use crate::rules::events::EventClass;
use crate::rules::institutions::{AliasTable, Institution};
use crate::rules::model::{Known, RowIssue};
use crate::rules::status::StatusClass;
use crate::score::{ScoreContext, Scored};

/// Everything read and scored, before writing.
pub struct ScoredRun {
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

impl ScoredRun {
    /// The context the patents were scored in, to render their evidence.
    pub fn context<'a>(&'a self, settings: &'a Settings) -> ScoreContext<'a> {
        ScoreContext::of(settings, &self.concordance, &self.aliases, self.run_sources, Some(&self.cohorts))
    }
}

/// Row accounting of the portfolio (`rows_read = scored + duplicates + out_of_scope + rejected`).
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Portfolio data rows read.
    pub rows_read: usize,
    /// Distinct CN patents scored.
    pub scored: usize,
    /// Rows merged into a patent already seen.
    pub duplicates: usize,
    /// Documents of other offices.
    pub out_of_scope: usize,
    /// Rows written to `rejects.csv`.
    pub rejected: usize,
    /// Side-table rows written to `rejects.csv`.
    pub side_rejected: usize,
    /// Warnings written to `warnings.csv`.
    pub warnings: usize,
    /// Patents eligible on `as_of`.
    pub eligible: usize,
    /// High-value patents on `as_of`.
    pub high_value: usize,
    /// Rows of `institutions.csv`.
    pub institutions: usize,
}

impl Counts {
    /// Whether the portfolio rows add up.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.scored + self.duplicates + self.out_of_scope + self.rejected
    }
}

/// The side tables that answer a question for every patent: D4 needs a source with
/// amounts (`pledges.csv`, or pledge rows of `transactions.csv` with an amount).
pub fn run_sources(settings: &Settings, transactions: &[(Transaction, Vec<usize>)]) -> RunSources {
    let pledge_rows = transactions.iter().any(|(t, _)| t.class == EventClass::Pledge && t.amount_e4 > 0);
    RunSources {
        families: settings.side.families.is_some(),
        pledges: settings.side.pledges.is_some() || pledge_rows,
        awards: settings.side.awards.is_some(),
    }
}

/// The coverage over the scored inventions and the source counts, gathered while the
/// patents are scored: a pass of their own would wait on every record's memory again.
/// Sums only, so the same at any thread count.
#[derive(Default)]
pub struct RunTally {
    coverage: Coverage,
    counted: PatentSources,
}

impl RunTally {
    /// Count a scored patent.
    pub fn add(&mut self, s: &Scored) {
        if s.is_invention() {
            self.coverage.add(s.assessable);
        }
        self.counted.add(&s.patent);
    }

    /// Add another task's tally.
    pub fn plus(mut self, other: RunTally) -> RunTally {
        self.coverage.merge(&other.coverage);
        RunTally { coverage: self.coverage, counted: self.counted.plus(other.counted) }
    }

    /// The coverage, and `sources` with the counts filled in.
    pub fn finish(self, mut sources: Sources) -> (Coverage, Sources) {
        let counted = self.counted;
        sources.patents_with_events = counted.with_events;
        sources.events = counted.events;
        sources.grant_dates_from_events = counted.grant_from_events;
        sources.lapse_dates_from_events = counted.lapse_from_events;
        sources.filing_year_only = counted.filing_year_only;
        sources.patents_with_classes = counted.with_classes;
        sources.status_unknown = counted.status_unknown;
        (self.coverage, sources)
    }
}

/// The [`Sources`] counts that each scored patent adds to.
#[derive(Default)]
struct PatentSources {
    with_events: usize,
    events: usize,
    grant_from_events: usize,
    lapse_from_events: usize,
    filing_year_only: usize,
    with_classes: usize,
    status_unknown: usize,
}

impl PatentSources {
    fn add(&mut self, p: &crate::rules::model::Patent) {
        self.with_events += usize::from(!p.events().is_empty());
        self.events += p.events().len();
        self.grant_from_events += usize::from(p.known.contains(Known::GRANT_FROM_EVENT));
        self.lapse_from_events += usize::from(p.known.contains(Known::LAPSE_FROM_EVENT));
        self.filing_year_only += usize::from(p.filing_year_only);
        self.with_classes += usize::from(p.classes_codes > 0);
        self.status_unknown += usize::from(p.status_class == Some(StatusClass::Unknown));
    }

    fn plus(self, other: PatentSources) -> PatentSources {
        PatentSources {
            with_events: self.with_events + other.with_events,
            events: self.events + other.events,
            grant_from_events: self.grant_from_events + other.grant_from_events,
            lapse_from_events: self.lapse_from_events + other.lapse_from_events,
            filing_year_only: self.filing_year_only + other.filing_year_only,
            with_classes: self.with_classes + other.with_classes,
            status_unknown: self.status_unknown + other.status_unknown,
        }
    }
}
