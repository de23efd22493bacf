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
    /// (eligible, high-value) at each trend date, oldest first: two bits per date
    /// (two words, not a `u128`, whose 16-byte alignment would pad the record).
    trend: [u64; 2],
    /// SEI categories matched: indices into the concordance, sorted by category code.
    pub sei: Box<[u16]>,
    /// SEI industries 1–9 matched (index 0 = industry 1).
    pub industries: [bool; 9],
    /// The holders' institutions (indices into [`Scoring::institutions`]), distinct, in holder order.
    pub institutions: Box<[u32]>,
    /// The questions its inputs can answer (SPEC §8).
    pub assessable: Assessable,
    /// Who a transfer is credited to (the applicants, SPEC §9), see [`Transferors`].
    transferors: Transferors,
}

/// The institutions a transfer of a patent is credited to, its applicants': `None`
/// when only the current holders (the buyers) are known (nobody); empty when the
/// applicants are the holders ([`Scored::institutions`]); else the other
/// institutions, distinct (never empty: made from a patent's applicants, which
/// `Patent::transferors` gives only when there are some). 16 bytes, where an enum
/// of the three takes 24.
pub type Transferors = Option<Box<[u32]>>;

impl Scored {
    /// The institutions a transfer is credited to; `None` when they are not known.
    pub fn transferor_institutions(&self) -> Option<&[u32]> {
        match &self.transferors {
            Some(list) if list.is_empty() => Some(&self.institutions),
            Some(list) => Some(list),
            None => None,
        }
    }
}

impl Scored {
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
            let transferors: Transferors =
                p.transferors().map(|names| match std::ptr::eq(names, p.holders.as_slice()) {
                    true => Box::default(),
                    false => distinct(names),
                });
            score_one(p, institutions, transferors, ctx)
        })
        .collect();
    Scoring { scored, institutions }
}

#[cfg(test)]
mod tests {
    use super::*;

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
