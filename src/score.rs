//! The parallel pass that applies the rules to every patent: SEI matches, the
//! verdict at `as_of` and one year before, and the holders' institutions.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::{Patent, Verdict};
use crate::rules::concordance::Concordance;
use crate::rules::dimensions::verdict;
use crate::rules::institutions::{AliasTable, Institution};
use crate::rules::RuleParams;

/// A patent with its verdicts.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The patent.
    pub patent: Patent,
    /// The verdict at `as_of`.
    pub verdict: Verdict,
    /// Eligible one year before `as_of`.
    pub prev_eligible: bool,
    /// High-value one year before `as_of`.
    pub prev_high_value: bool,
    /// (eligible, high-value) at each trend date, oldest first.
    pub trend: Vec<(bool, bool)>,
    /// SEI category codes matched (sorted, distinct), e.g. `1.5`.
    pub sei_codes: Vec<String>,
    /// SEI industries 1–9 matched (index 0 = industry 1).
    pub industries: [bool; 9],
    /// The holders' institutions, distinct by name, in holder order.
    pub institutions: Vec<Institution>,
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
    /// Trend dates, oldest first (the last is `as_of`).
    pub trend_dates: &'a [NaiveDate],
}

/// Score one patent.
pub fn score_one(patent: Patent, ctx: &ScoreContext<'_>) -> Scored {
    let matches = ctx.concordance.match_codes(&patent.ipc);
    let now = verdict(&patent, &matches, ctx.as_of, ctx.rules);
    let prev = verdict(&patent, &matches, ctx.as_of_prev, ctx.rules);
    let trend = ctx
        .trend_dates
        .iter()
        .map(|d| match *d {
            d if d == ctx.as_of => (now.eligible, now.high_value()),
            d if d == ctx.as_of_prev => (prev.eligible, prev.high_value()),
            d => {
                let v = verdict(&patent, &matches, d, ctx.rules);
                (v.eligible, v.high_value())
            }
        })
        .collect();
    let mut industries = [false; 9];
    let mut sei_codes: Vec<String> = Vec::with_capacity(matches.len());
    for m in &matches {
        if let Some(i) = m.category.industry() {
            industries[usize::from(i) - 1] = true;
        }
        sei_codes.push(m.category.code.clone());
    }
    let mut institutions: Vec<Institution> = Vec::with_capacity(patent.holders.len());
    for h in &patent.holders {
        let inst = ctx.aliases.resolve_with(h, ctx.rollup_campuses);
        if !institutions.iter().any(|i| i.name == inst.name) {
            institutions.push(inst);
        }
    }
    Scored {
        prev_eligible: prev.eligible,
        prev_high_value: prev.high_value(),
        trend,
        verdict: now,
        patent,
        sei_codes,
        industries,
        institutions,
    }
}

/// Score every patent in parallel; the result is sorted by patent id.
pub fn score_all(patents: Vec<Patent>, ctx: &ScoreContext<'_>) -> Vec<Scored> {
    let mut scored: Vec<Scored> = patents.into_par_iter().map(|p| score_one(p, ctx)).collect();
    scored.par_sort_by(|a, b| a.patent.id.cmp(&b.patent.id));
    scored
}
