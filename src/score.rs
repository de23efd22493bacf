//! The parallel pass that applies the rules to every patent: SEI matches, the
//! decisions at `as_of`, one year before and at each trend date, and the holders'
//! institutions. Evidence text is not built here: [`ScoreContext::verdict`] renders
//! it when an output needs it, so scoring allocates little per patent.

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{Flags, Patent, Verdict};
use crate::rules::concordance::Concordance;
use crate::rules::coverage::{assess, Assessable, RunSources};
use crate::rules::dimensions::{verdict, Facts};
use crate::rules::institutions::{AliasTable, Institution};
use crate::rules::validity::status_of;
use crate::rules::RuleParams;

/// A patent with its decisions.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The patent (boxed: the records are sorted and passed along by pointer).
    pub patent: Box<Patent>,
    /// The decisions at `as_of`.
    pub verdict: Flags,
    /// The decisions one year before `as_of`.
    pub prev: Flags,
    /// (eligible, high-value) at each trend date, oldest first: two bits per date.
    trend: u128,
    /// SEI categories matched: indices into the concordance, sorted by category code.
    pub sei: Box<[u16]>,
    /// SEI industries 1–9 matched (index 0 = industry 1).
    pub industries: [bool; 9],
    /// The holders' institutions (indices into [`Scoring::institutions`]), distinct, in holder order.
    pub institutions: Box<[u32]>,
    /// The questions its inputs can answer (SPEC §8).
    pub assessable: Assessable,
    /// Who a transfer is credited to (the applicants, SPEC §9).
    pub transferors: Transferors,
}

/// The institutions a transfer of a patent is credited to: its applicants'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transferors {
    /// The applicants are the holders: [`Scored::institutions`].
    Holders,
    /// Other institutions, distinct.
    Others(Box<[u32]>),
    /// Only the current holders (the buyers) are known: nobody.
    Unknown,
}

impl Scored {
    /// The institutions a transfer is credited to; `None` when they are not known.
    pub fn transferor_institutions(&self) -> Option<&[u32]> {
        match &self.transferors {
            Transferors::Holders => Some(&self.institutions),
            Transferors::Others(list) => Some(list),
            Transferors::Unknown => None,
        }
    }
}

impl Scored {
    /// (eligible, high-value) at trend date `k` (0 = the oldest).
    pub fn trend_at(&self, k: usize) -> (bool, bool) {
        (self.trend >> (2 * k) & 1 == 1, self.trend >> (2 * k + 1) & 1 == 1)
    }
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
}

impl ScoreContext<'_> {
    /// The verdict on a scored patent at `as_of`, with its evidence lines.
    pub fn verdict(&self, s: &Scored) -> Verdict {
        verdict(&s.patent, &self.concordance.match_codes(&s.patent.ipc), self.as_of, self.rules)
    }
}

/// Every patent scored, sorted by patent id, with the institutions they name.
pub struct Scoring {
    /// Scored patents, sorted by id.
    pub scored: Vec<Scored>,
    /// Distinct institutions, in order of first appearance; [`Scored::institutions`] index it.
    pub institutions: Vec<Institution>,
}

/// Score one patent, given its holders' institution indices.
fn score_one(
    patent: Box<Patent>,
    institutions: Box<[u32]>,
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
    let mut trend = 0u128;
    for (k, date) in ctx.trend_dates.iter().enumerate() {
        let f = match *date {
            d if d == ctx.as_of => now,
            d if d == ctx.as_of_prev => prev,
            d => at(d),
        };
        trend |= (u128::from(f.eligible) | u128::from(f.high_value()) << 1) << (2 * k);
    }
    let mut industries = [false; 9];
    for m in &matches {
        if let Some(i) = m.category.industry() {
            industries[usize::from(i) - 1] = true;
        }
    }
    let sei = matches.iter().map(|m| m.index as u16).collect();
    Scored { verdict: now, prev, trend, patent, sei, industries, institutions, assessable, transferors }
}

/// Resolve every distinct holder name once: name → index into the returned
/// institutions (numbered in order of the names, so the same at any thread count).
/// Holder names are shared strings (see `read::portfolio`), so they are told apart by
/// address first: far fewer than the rows, and cheap to hash.
fn resolve_holders(patents: &[Box<Patent>], ctx: &ScoreContext<'_>) -> (FxHashMap<usize, u32>, Vec<Institution>) {
    let shared = patents
        .par_iter()
        .fold(FxHashMap::default, |mut names, p| {
            for h in p.holders.iter().chain(p.applicants()) {
                names.entry(address(h)).or_insert(&**h);
            }
            names
        })
        .reduce(FxHashMap::default, |mut a, b| {
            a.extend(b);
            a
        });
    let mut names: Vec<&str> = shared.values().copied().collect::<FxHashSet<&str>>().into_iter().collect();
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
    (shared.into_iter().map(|(at, name)| (at, by_holder[name])).collect(), institutions)
}

fn address(name: &std::sync::Arc<str>) -> usize {
    std::sync::Arc::as_ptr(name) as *const u8 as usize
}

/// Score every patent in parallel, keeping their order (sorted by id, as
/// [`crate::read::portfolio::Merged::finish`] leaves them).
pub fn score_all(patents: Vec<Box<Patent>>, ctx: &ScoreContext<'_>) -> Scoring {
    score_all_with(patents, ctx, &crate::progress::Silent)
}

/// Patents scored between two progress reports.
const PROGRESS_STEP: usize = 1 << 14;

/// [`score_all`], reporting to `progress` every [`PROGRESS_STEP`] patents.
pub fn score_all_with(
    patents: Vec<Box<Patent>>,
    ctx: &ScoreContext<'_>,
    progress: &dyn crate::progress::Progress,
) -> Scoring {
    let (by_holder, institutions) = resolve_holders(&patents, ctx);
    let scored: Vec<Scored> = patents
        .into_par_iter()
        .enumerate()
        .map(|(k, p)| {
            if k % PROGRESS_STEP == PROGRESS_STEP - 1 {
                progress.advance(PROGRESS_STEP as u64);
            }
            let distinct = |names: &[std::sync::Arc<str>]| -> Box<[u32]> {
                let mut list: Vec<u32> = Vec::with_capacity(names.len());
                for h in names {
                    let i = by_holder[&address(h)];
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
                list.into_boxed_slice()
            };
            let institutions = distinct(&p.holders);
            let transferors = match p.transferors() {
                Some(names) if std::ptr::eq(names, p.holders.as_slice()) => Transferors::Holders,
                Some(names) => Transferors::Others(distinct(names)),
                None => Transferors::Unknown,
            };
            score_one(p, institutions, transferors, ctx)
        })
        .collect();
    Scoring { scored, institutions }
}
