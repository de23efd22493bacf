//! The parallel pass that applies the rules to every patent: SEI matches, the
//! decisions at `as_of`, one year before and at each trend date, and the holders'
//! institutions. Evidence text is not built here: [`ScoreContext::verdict`] renders
//! it when an output needs it, so scoring allocates little per patent.

pub(crate) mod indices;
pub(crate) mod scored_run;

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::rules::concordance::Concordance;
use crate::rules::coverage::{assess, Assessable, RunSources};
use crate::rules::dimensions::{verdict, Facts};
use crate::rules::institutions::{AliasTable, Institution};
use crate::rules::model::{Flags, Name, Patent, Verdict, Vocabulary};
use crate::rules::numbers::Kind;
use crate::rules::validity::status_of;
use crate::rules::RuleParams;
use indices::Indices;
use scored_run::RunTally;

/// A patent with its decisions: 48 bytes beside the patent (the decisions packed in
/// bits, the institutions and SEI categories in one value, inline when few), since
/// millions are kept until the outputs are written.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The patent (boxed: the records are sorted and passed along by pointer).
    pub patent: Box<Patent>,
    /// (eligible, high-value) at each trend date, oldest first: two bits per date
    /// (two words, not a `u128`, whose 16-byte alignment would pad the record).
    trend: [u64; 2],
    /// The holders' institutions (indices into [`Scoring::institutions`], distinct, in
    /// holder order); the SEI categories matched (indices into the concordance, sorted
    /// by category code); for [`Transferors::Others`], the transferors' institutions
    /// (distinct, never none).
    indices: Indices,
    /// The decisions at `as_of` ([`Flags`] in bits).
    verdict: u8,
    /// The decisions one year before `as_of`.
    prev: u8,
    /// SEI industries 1–9 matched (bit 0 = industry 1).
    industries: u16,
    /// The questions its inputs can answer (SPEC §8).
    pub assessable: Assessable,
    /// Who a transfer is credited to (the applicants, SPEC §9).
    transferors: Transferors,
    /// What later stages ask of the record itself ([`INVENTION`], [`EVENTS_OR_PLEDGES`]),
    /// answered here so that they need not load it.
    marks: u8,
}

/// [`Scored::marks`]: the patent is an invention.
const INVENTION: u8 = 1;
/// [`Scored::marks`]: the patent has a legal event or a pledge.
const EVENTS_OR_PLEDGES: u8 = 2;

/// Whom a transfer of a patent is credited to, its applicants'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transferors {
    /// Only the current holders (the buyers) are known: nobody.
    Unknown,
    /// The applicants are the holders: [`Scored::institutions`].
    Holders,
    /// Other institutions ([`Indices::transferors`]).
    Others,
}

/// [`Flags`] as bits: bit 0 eligible, bit 1 + d dimension d.
fn pack(f: Flags) -> u8 {
    f.dimensions.iter().enumerate().fold(u8::from(f.eligible), |bits, (d, &met)| bits | u8::from(met) << (1 + d))
}

fn unpack(bits: u8) -> Flags {
    Flags { eligible: bits & 1 == 1, dimensions: std::array::from_fn(|d| bits >> (1 + d) & 1 == 1) }
}

impl Scored {
    /// The decisions at `as_of`.
    pub fn verdict(&self) -> Flags {
        unpack(self.verdict)
    }

    /// The decisions one year before `as_of`.
    pub fn prev(&self) -> Flags {
        unpack(self.prev)
    }

    /// Whether it matched SEI industry `k + 1` (`k` in 0..9).
    pub fn in_industry(&self, k: usize) -> bool {
        self.industries >> k & 1 == 1
    }

    /// The holders' institutions (indices into [`Scoring::institutions`]), distinct, in holder order.
    pub fn institutions(&self) -> &[u32] {
        self.indices.holders()
    }

    /// The SEI categories matched: indices into the concordance, sorted by category code.
    pub fn sei(&self) -> &[u32] {
        self.indices.sei()
    }

    /// The institutions a transfer is credited to; `None` when they are not known.
    pub fn transferor_institutions(&self) -> Option<&[u32]> {
        match self.transferors {
            Transferors::Unknown => None,
            Transferors::Holders => Some(self.institutions()),
            Transferors::Others => Some(self.indices.transferors()),
        }
    }

    /// Whether the patent is an invention.
    pub fn is_invention(&self) -> bool {
        self.marks & INVENTION != 0
    }

    /// Whether the patent has a legal event or a pledge (else it converted nothing).
    pub fn has_events_or_pledges(&self) -> bool {
        self.marks & EVENTS_OR_PLEDGES != 0
    }

    /// (eligible, high-value) at trend date `k` (0 = the oldest).
    pub fn trend_at(&self, k: usize) -> (bool, bool) {
        let (word, shift) = trend_slot(k);
        let bits = self.trend[word] >> shift;
        (bits & 1 == 1, bits >> 1 & 1 == 1)
    }
}

/// Where trend date `k`'s two bits are: the word, and the shift in it.
fn trend_slot(k: usize) -> (usize, usize) {
    (2 * k / 64, 2 * k % 64)
}

/// What scoring needs besides the patents.
pub struct ScoreContext<'a> {
    /// The IPC ↔ SEI table.
    pub concordance: &'a Concordance,
    /// Holder names → institutions.
    pub aliases: &'a AliasTable,
    /// Thresholds.
    pub rules: &'a RuleParams,
    /// The report date.
    pub as_of: NaiveDate,
    /// One year before.
    pub as_of_prev: NaiveDate,
    /// Count campuses under their parent university.
    pub rollup_campuses: bool,
    /// Trend dates, oldest first (the last is `as_of`); at most 64.
    pub trend_dates: &'a [NaiveDate],
    /// The side tables given for the run (for coverage).
    pub sources: RunSources,
    /// The quality cohorts (SPEC §12), once every patent is scored (`None` while scoring).
    pub cohorts: Option<&'a crate::rules::quality::Cohorts>,
}

impl<'a> ScoreContext<'a> {
    /// The context of a run with these `settings` and reference tables.
    pub(crate) fn of(
        settings: &'a crate::config::Settings,
        concordance: &'a Concordance,
        aliases: &'a AliasTable,
        sources: RunSources,
        cohorts: Option<&'a crate::rules::quality::Cohorts>,
    ) -> ScoreContext<'a> {
        ScoreContext {
            concordance,
            aliases,
            rules: &settings.rules,
            as_of: settings.as_of,
            as_of_prev: settings.as_of_prev,
            rollup_campuses: settings.rollup_campuses,
            trend_dates: &settings.trend_dates,
            sources,
            cohorts,
        }
    }
}

impl ScoreContext<'_> {
    /// The verdict on a scored patent at `as_of`, with its evidence lines.
    pub fn verdict(&self, s: &Scored) -> Verdict {
        verdict(&s.patent, &self.sei_matches(s), self.as_of, self.rules)
    }

    /// A scored patent's SEI matches again, with the codes that made them (for the
    /// evidence's D1 line): looked up only when scoring found some.
    pub fn sei_matches<'a>(&'a self, s: &'a Scored) -> Vec<crate::rules::concordance::SeiMatch<'a>> {
        match s.sei().is_empty() {
            true => Vec::new(),
            false => self.concordance.match_codes(&s.patent.ipc),
        }
    }

    /// A patent's quality indicators as of `as_of` (SPEC §12).
    pub fn indicators(&self, p: &Patent) -> crate::rules::quality::Indicators {
        crate::rules::quality::Indicators::of(p, self.as_of, self.sources.families)
    }

    /// Count `p` in the cohorts being gathered when it is one of theirs: every CN
    /// invention (SPEC §12).
    fn add_to_cohorts(&self, tally: &mut crate::rules::quality::CohortTally, p: &Patent) {
        if p.kind == Some(crate::rules::numbers::Kind::Invention) {
            tally.add(crate::rules::quality::cohort_key(p), &self.indicators(p));
        }
    }

    /// A patent's indicators relative to its cohort (none before the cohorts are built).
    pub fn relative(
        &self,
        p: &Patent,
        indicators: &crate::rules::quality::Indicators,
    ) -> crate::rules::quality::RelativeValues {
        self.cohorts.map(|c| c.relative(crate::rules::quality::cohort_key(p), indicators)).unwrap_or_default()
    }
}

/// The quality cohorts of the scored patents (SPEC §12): every scored CN invention.
pub fn quality_cohorts(scored: &[Scored], ctx: &ScoreContext<'_>, min_cohort: u32) -> crate::rules::quality::Cohorts {
    use crate::rules::quality::CohortTally;
    scored
        .par_iter()
        .fold(CohortTally::default, |mut tally, s| {
            ctx.add_to_cohorts(&mut tally, &s.patent);
            tally
        })
        .reduce(CohortTally::default, CohortTally::merge)
        .finish(min_cohort)
}

/// Every patent scored, sorted by patent id, with the institutions they name.
pub struct Scoring {
    /// Scored patents, sorted by id.
    pub scored: Vec<Scored>,
    /// Distinct institutions, in order of first appearance; [`Scored::institutions`] index it.
    pub institutions: Vec<Institution>,
    /// The quality cohorts' tally, gathered while scoring: what [`quality_cohorts`]
    /// gathers in a pass of its own.
    pub cohort_tally: crate::rules::quality::CohortTally,
    /// The coverage and source counts, gathered while scoring.
    pub run_tally: RunTally,
}

/// The tallies gathered while scoring: the quality cohorts', the coverage and sources'.
type Tallies = (crate::rules::quality::CohortTally, RunTally);

/// One scoring task's share of the tallies, added to the run's when the task ends
/// (sums and a list sorted when finished: the same at any thread count).
struct TallyShare<'a> {
    tally: Tallies,
    run: &'a std::sync::Mutex<Tallies>,
}

impl Drop for TallyShare<'_> {
    fn drop(&mut self) {
        let (cohorts, counts) = std::mem::take(&mut self.tally);
        let mut run = self.run.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (run_cohorts, run_counts) = std::mem::take(&mut *run);
        *run = (run_cohorts.merge(cohorts), run_counts.plus(counts));
    }
}

/// Score one patent, given its institutions: `parties` holds its `holders`'
/// institutions, then, for [`Transferors::Others`], the transferors' (its SEI
/// categories are added after them).
fn score_one(
    patent: Box<Patent>,
    parties: &mut Vec<u32>,
    holders: usize,
    transferors: Transferors,
    ctx: &ScoreContext<'_>,
) -> Scored {
    let matches = ctx.concordance.match_codes(&patent.ipc);
    let has_sei = !matches.is_empty();
    let status = status_of(&patent);
    let facts = Facts::of(&patent, has_sei, status, ctx.rules);
    let assessable = assess(&patent, &facts, ctx.as_of, ctx.as_of_prev, ctx.sources);
    let at = |date: NaiveDate| facts.flags_at(&patent, date, ctx.rules);
    let now = at(ctx.as_of);
    let prev = at(ctx.as_of_prev);
    let mut trend = [0u64; 2];
    for (k, date) in ctx.trend_dates.iter().enumerate() {
        let f = match *date {
            d if d == ctx.as_of => now,
            d if d == ctx.as_of_prev => prev,
            d => at(d),
        };
        let (word, shift) = trend_slot(k);
        trend[word] |= (u64::from(f.eligible) | u64::from(f.high_value()) << 1) << shift;
    }
    let mut industries = 0u16;
    for m in &matches {
        if let Some(i) = m.category.industry() {
            industries |= 1 << (i - 1);
        }
    }
    let sei_from = parties.len();
    parties.extend(matches.iter().map(|m| m.index as u32));
    let indices = Indices::new(&parties[..holders], &parties[sei_from..], &parties[holders..sei_from]);
    let mut marks = 0;
    if patent.kind == Some(Kind::Invention) {
        marks |= INVENTION;
    }
    if !patent.events().is_empty() || !patent.pledges().is_empty() {
        marks |= EVENTS_OR_PLEDGES;
    }
    Scored { verdict: pack(now), prev: pack(prev), trend, patent, indices, industries, assessable, transferors, marks }
}

/// Resolve every distinct holder name once: name → index into the returned
/// institutions (numbered in order of the names, so the same at any thread count).
/// Holder names are shared strings (see `read::portfolio`), so they are told apart by
/// address first: far fewer than the rows, and cheap to hash.
fn resolve_holders(
    shared: &FxHashMap<usize, Name>,
    ctx: &ScoreContext<'_>,
) -> (FxHashMap<usize, u32>, Vec<Institution>) {
    let mut names: Vec<&str> = shared.values().map(|n| &**n).collect::<FxHashSet<&str>>().into_iter().collect();
    names.sort_unstable();
    let mut by_holder: FxHashMap<&str, u32> = FxHashMap::default();
    let mut by_name: FxHashMap<String, u32> = FxHashMap::default();
    let mut institutions: Vec<Institution> = Vec::new();
    for h in names {
        let inst = ctx.aliases.resolve_with(h, ctx.rollup_campuses);
        let index = *by_name.entry(inst.name.clone()).or_insert_with(|| {
            institutions.push(inst);
            institutions.len() as u32 - 1
        });
        by_holder.insert(h, index);
    }
    (shared.iter().map(|(&at, name)| (at, by_holder[&**name])).collect(), institutions)
}

/// The run's [`Vocabulary`] in one parallel pass over the records (a run's reading
/// gathers it while it settles them: [`crate::read::portfolio::Merged::settle`]).
pub fn vocabulary_of(patents: &[Box<Patent>]) -> Vocabulary {
    patents
        .par_iter()
        .fold(Vocabulary::default, |mut vocabulary, p| {
            vocabulary.add(p);
            vocabulary
        })
        .reduce(Vocabulary::default, Vocabulary::plus)
}

/// Score one record: its cohort counted in `share`, its institutions found (into
/// `parties`, reused from record to record).
fn score_record(
    p: Box<Patent>,
    share: &mut TallyShare<'_>,
    parties: &mut Vec<u32>,
    by_holder: &FxHashMap<usize, u32>,
    ctx: &ScoreContext<'_>,
) -> Scored {
    ctx.add_to_cohorts(&mut share.tally.0, &p);
    // The holders' institutions, then the transferors' when they are others.
    parties.clear();
    push_distinct_institutions(parties, 0, &p.holders, by_holder);
    let holders = parties.len();
    let transferors = match p.transferors() {
        None => Transferors::Unknown,
        Some(names) if std::ptr::eq(names, &*p.holders) => Transferors::Holders,
        Some(names) => {
            push_distinct_institutions(parties, holders, names, by_holder);
            Transferors::Others
        }
    };
    let scored = score_one(p, parties, holders, transferors, ctx);
    share.tally.1.add(&scored);
    scored
}

/// Append the institutions of `names` that `list[from..]` does not have yet.
fn push_distinct_institutions(list: &mut Vec<u32>, from: usize, names: &[Name], by_holder: &FxHashMap<usize, u32>) {
    for h in names {
        let i = by_holder[&h.address()];
        if !list[from..].contains(&i) {
            list.push(i);
        }
    }
}

/// Score every patent in parallel, keeping their order (sorted by id, as
/// [`crate::read::portfolio::Merged::finish`] leaves them).
pub fn score_all(patents: Vec<Box<Patent>>, ctx: &ScoreContext<'_>) -> Scoring {
    let vocabulary = vocabulary_of(&patents);
    score_all_with(patents, vocabulary, ctx, &crate::progress::Silent)
}

/// Patents scored between two progress reports.
const PROGRESS_STEP: usize = 1 << 14;

/// [`score_all`] of patents whose `vocabulary` is gathered, reporting to `progress`
/// every [`PROGRESS_STEP`] patents (and at the end).
pub fn score_all_with(
    patents: Vec<Box<Patent>>,
    vocabulary: Vocabulary,
    ctx: &ScoreContext<'_>,
    progress: &dyn crate::progress::Progress,
) -> Scoring {
    let (by_holder, institutions) = resolve_holders(&vocabulary.names, ctx);
    ctx.concordance.remember(vocabulary.codes);
    let run_tally = std::sync::Mutex::new(Tallies::default());
    // Each task's share of the tally, and a list it reuses for each patent's indices.
    let task = || (TallyShare { tally: Default::default(), run: &run_tally }, Vec::new());
    // Each record taken from its slot as it is scored (the slots' list reuses the
    // records' own), into the slot of its decisions (whose list becomes the result).
    let mut records: Vec<Option<Box<Patent>>> = patents.into_iter().map(Some).collect();
    // Filled in parallel: at millions of patents, first touching the list's memory
    // on one core left the other idle (a second at 5M).
    let mut scored: Vec<Option<Scored>> = (0..records.len()).into_par_iter().map(|_| None).collect();
    scored.par_chunks_mut(PROGRESS_STEP).zip(records.par_chunks_mut(PROGRESS_STEP)).for_each_init(
        task,
        |(share, parties), (decisions, records)| {
            for k in 0..records.len() {
                // The records lie apart in memory: asked into the cache a few turns ahead.
                crate::memory::prefetch_ahead(records, k, |record| record.as_deref());
                if let Some(p) = records[k].take() {
                    decisions[k] = Some(score_record(p, share, parties, &by_holder, ctx));
                }
            }
            progress.advance(records.len() as u64);
        },
    );
    drop(records);
    // Each slot filled: the list of decisions, in place (a slot is a decision's size).
    #[expect(clippy::filter_map_identity, reason = "`flatten` would collect into a second list, not in place")]
    let scored: Vec<Scored> = scored.into_iter().filter_map(|decision| decision).collect();
    let (cohort_tally, run_tally) = run_tally.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    Scoring { scored, institutions, cohort_tally, run_tally }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_stay_in_their_size_classes() {
        // Millions of each are kept to the end of a run: 48 bytes of decisions beside a
        // patent in mimalloc's 128-byte class (its 160-byte one took a quarter more,
        // its 192-byte one half as much again).
        assert_eq!(std::mem::size_of::<Scored>(), 48);
        // Scoring fills a list of slots and makes it the list of decisions in place.
        assert_eq!(std::mem::size_of::<Option<Scored>>(), 48);
        assert!(std::mem::size_of::<Patent>() <= 128, "{}", std::mem::size_of::<Patent>());
    }

    #[test]
    fn flags_keep_every_combination_through_their_bits() {
        for bits in 0u8..64 {
            let f = Flags { eligible: bits & 1 == 1, dimensions: std::array::from_fn(|d| bits >> (1 + d) & 1 == 1) };
            assert_eq!(pack(f), bits);
            let back = unpack(pack(f));
            assert_eq!((back.eligible, back.dimensions), (f.eligible, f.dimensions));
        }
    }

    /// What aggregation and conversion read from the marks instead of the record.
    #[test]
    fn marks_say_what_the_record_says() {
        let (concordance, aliases, rules) = (Concordance::builtin(), AliasTable::builtin(), RuleParams::default());
        let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        let ctx = ScoreContext {
            concordance: &concordance,
            aliases: &aliases,
            rules: &rules,
            as_of,
            as_of_prev: NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
            rollup_campuses: false,
            trend_dates: &[],
            sources: Default::default(),
            cohorts: None,
        };
        let with = |kind, extras: Option<crate::rules::model::Extras>| {
            Box::new(Patent { kind, extras: extras.map(Box::new), ..Patent::default() })
        };
        let pledge = crate::rules::model::PledgeShare {
            contract_id: "".into(),
            contract_wan: 0.0,
            patents_in_contract: 1,
            registered_on: None,
        };
        let pledged = crate::rules::model::Extras { pledges: vec![pledge], ..Default::default() };
        let member = crate::rules::model::FamilyMember { jurisdiction: "US".into(), kind: None, label: "US".into() };
        let family = crate::rules::model::Extras { family: vec![member], ..Default::default() };
        let event = crate::rules::events::LegalEvent::new(None, "专利权的转移", true);
        let events = crate::rules::model::Extras { events: vec![event], ..Default::default() };
        let patents = vec![
            with(Some(Kind::Invention), None),
            with(Some(Kind::UtilityModel), Some(pledged)),
            with(None, Some(family)),
            with(Some(Kind::Invention), Some(events)),
        ];
        let marks: Vec<(bool, bool)> =
            score_all(patents, &ctx).scored.iter().map(|s| (s.is_invention(), s.has_events_or_pledges())).collect();
        assert_eq!(marks, [(true, false), (false, true), (false, false), (true, true)]);
    }

    #[test]
    fn holders_and_transferors_share_one_list() {
        let scored = |parties: &[u32], transferors| Scored {
            patent: Box::default(),
            trend: [0; 2],
            indices: Indices::new(&parties[1..1 + parties[0] as usize], &[], &parties[1 + parties[0] as usize..]),
            verdict: 0,
            prev: 0,
            industries: 0b1_0000_0001,
            assessable: Assessable::default(),
            transferors,
            marks: 0,
        };
        let s = scored(&[2, 7, 3, 9], Transferors::Others);
        assert_eq!((s.institutions(), s.transferor_institutions()), (&[7, 3][..], Some(&[9][..])));
        let s = scored(&[2, 7, 3], Transferors::Holders);
        assert_eq!((s.institutions(), s.transferor_institutions()), (&[7, 3][..], Some(&[7, 3][..])));
        let s = scored(&[1, 7], Transferors::Unknown);
        assert_eq!((s.institutions(), s.transferor_institutions()), (&[7][..], None));
        let s = scored(&[0, 4, 5], Transferors::Others);
        assert_eq!((s.institutions(), s.transferor_institutions()), (&[][..], Some(&[4, 5][..])));
        assert!(s.in_industry(0) && s.in_industry(8) && !s.in_industry(1));
    }

    #[test]
    fn the_64_trend_dates_have_two_bits_each_in_two_words() {
        let slots: Vec<(usize, usize)> = (0..64).map(trend_slot).collect();
        assert_eq!((slots[0], slots[31], slots[32], slots[63]), ((0, 0), (0, 62), (1, 0), (1, 62)));
        // No two dates share a bit.
        let mut seen = [0u64; 2];
        for (word, shift) in slots {
            assert_eq!(seen[word] & (0b11 << shift), 0);
            seen[word] |= 0b11 << shift;
        }
        assert_eq!(seen, [u64::MAX; 2]);
    }
}
