//! The quality indicators beside the five dimensions (SPEC §12), after the OECD's
//! patent quality indicators: each patent's own values, and the cohorts (filing year ×
//! IPC section of the main code) that make scope, family size, claims and citations
//! relative and tell the top 10 % cited.

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;

use crate::rules::dates::add_years;
use crate::rules::model::{Known, Patent, QualityCount};
use crate::rules::numbers::Kind;

/// The indicators of one patent, each `None` when its inputs cannot tell it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Indicators {
    /// Distinct IPC subclasses among its codes of sections A–H.
    pub scope: Option<u32>,
    /// The export's simple family size, else the distinct applications listed + 1.
    pub family_size: Option<u32>,
    /// Distinct offices among listed members, plus CN (EP counts, WO does not).
    pub family_offices: Option<u32>,
    /// Days from filing to grant (granted by `as_of`).
    pub grant_lag_days: Option<u32>,
    /// Whole years from filing to `as_of`.
    pub age_years: Option<u32>,
    /// Claims.
    pub claims: Option<u32>,
    /// Forward citations as the export counts them.
    pub cited_by: Option<u32>,
    /// Backward citations.
    pub cites: Option<u32>,
}

/// The indicators' names, in column order (`patents.csv` after `evidence`, then
/// `top10_cited`; `quality.csv`): a patent's own eight values, then the four
/// cohort-relative ones ([`RELATIVE`]).
pub const INDICATOR_NAMES: [&str; 12] = [
    "scope",
    "family_size",
    "family_offices",
    "grant_lag_days",
    "age_years",
    "claims",
    "cited_by",
    "cites",
    "scope_rel",
    "family_size_rel",
    "claims_rel",
    "cited_by_rel",
];

/// The indicators that have cohort-relative values, in column order.
pub const RELATIVE: [Relative; 4] = [Relative::Scope, Relative::FamilySize, Relative::Claims, Relative::CitedBy];

/// An indicator with a cohort-relative value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relative {
    /// `scope_rel`.
    Scope,
    /// `family_size_rel`.
    FamilySize,
    /// `claims_rel`.
    Claims,
    /// `cited_by_rel`.
    CitedBy,
}

impl Relative {
    /// The indicator's value.
    pub fn of(self, i: &Indicators) -> Option<u32> {
        match self {
            Relative::Scope => i.scope,
            Relative::FamilySize => i.family_size,
            Relative::Claims => i.claims,
            Relative::CitedBy => i.cited_by,
        }
    }

    /// The relative column's name.
    pub fn name(self) -> &'static str {
        INDICATOR_NAMES[8 + self as usize]
    }
}

impl Indicators {
    /// The eight own values, in column order.
    pub fn own(&self) -> [Option<u32>; 8] {
        [
            self.scope,
            self.family_size,
            self.family_offices,
            self.grant_lag_days,
            self.age_years,
            self.claims,
            self.cited_by,
            self.cites,
        ]
    }

    /// The indicators of `p` as of `as_of`; `families_listed` when the run lists family
    /// members for every patent (a family column, `families.csv`). Only CN inventions
    /// have them.
    pub fn of(p: &Patent, as_of: NaiveDate, families_listed: bool) -> Indicators {
        if p.kind != Some(Kind::Invention) {
            return Indicators::default();
        }
        let listed = families_listed || p.known.contains(Known::FAMILY_COLUMN) || !p.family().is_empty();
        let filing_known = !p.filing_year_only;
        Indicators {
            scope: scope(p),
            family_size: p
                .counts
                .get(QualityCount::FamilySize)
                .or_else(|| listed.then(|| listed_family_size(p)).flatten()),
            family_offices: listed.then(|| family_offices(p)),
            grant_lag_days: p
                .grant_date
                .filter(|g| *g <= as_of && filing_known)
                .and_then(|g| u32::try_from((g - p.filing_date).num_days()).ok()),
            age_years: filing_known.then(|| whole_years(p.filing_date, as_of)).flatten(),
            claims: p.counts.get(QualityCount::Claims),
            cited_by: p.counts.get(QualityCount::CitedBy),
            cites: p.counts.get(QualityCount::Cites),
        }
    }
}

/// Distinct subclasses (`G06N`) among the codes of sections A–H; unknown without codes.
fn scope(p: &Patent) -> Option<u32> {
    if p.ipc.is_empty() {
        return None;
    }
    // A patent has a handful of codes: each is compared with those before it, with
    // no allocation (this runs for every invention, several times a run).
    let in_scope = |k: usize| {
        let s = p.ipc[k].subclass();
        (s.len() == 4 && matches!(s.as_bytes()[0], b'A'..=b'H')).then_some(s)
    };
    let distinct =
        (0..p.ipc.len()).filter(|&k| in_scope(k).is_some_and(|s| !(0..k).any(|j| in_scope(j) == Some(s)))).count();
    Some(distinct as u32)
}

/// A publication number without its kind code (`CN110093918B` → `CN110093918`).
fn without_kind<'a>(label: &'a str, kind: Option<&str>) -> &'a str {
    kind.and_then(|k| label.strip_suffix(k)).unwrap_or(label)
}

/// The distinct applications among the listed members other than the patent's own
/// publications, + 1; unknown when a member is an office alone (no number).
fn listed_family_size(p: &Patent) -> Option<u32> {
    let pub_no = p.texts.pub_no();
    let own = without_kind(pub_no, pub_no.rfind(|c: char| c.is_ascii_digit()).map(|i| &pub_no[i + 1..]));
    let mut numbers = Vec::new();
    for m in p.family() {
        if m.label.len() <= 2 {
            return None;
        }
        let number = without_kind(&m.label, m.kind.as_deref());
        if number != own {
            numbers.push(number);
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    Some(numbers.len() as u32 + 1)
}

/// Distinct offices among the listed members, plus CN; WO (an international
/// application, no office's patent) does not count, EP does.
fn family_offices(p: &Patent) -> u32 {
    let mut offices: Vec<&str> =
        p.family().iter().map(|m| m.jurisdiction.as_str()).filter(|j| *j != "WO" && *j != "CN").collect();
    offices.sort_unstable();
    offices.dedup();
    offices.len() as u32 + 1
}

/// Whole years from `from` to `to` (an anniversary on 29 February falls on
/// 28 February, as everywhere in the rules); `None` when `to` is before `from`.
pub fn whole_years(from: NaiveDate, to: NaiveDate) -> Option<u32> {
    if to < from {
        return None;
    }
    let mut years = (to.year() - from.year()).max(0);
    while years > 0 && add_years(from, years) > to {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// A cohort: filing year and the IPC section of the main code.
pub type CohortKey = (i32, u8);

/// The cohort of a patent, when it has a main IPC code and a filing year.
pub fn cohort_key(p: &Patent) -> Option<CohortKey> {
    let section = p.ipc.first()?.key().as_bytes().first().copied()?;
    Some((p.filing_date.year(), section))
}

/// What one cohort's known values of one indicator add up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CohortStat {
    /// Patents with the value known.
    pub known: u32,
    /// Their sum.
    pub sum: u64,
}

impl CohortStat {
    /// The mean, when any value is known.
    pub fn mean(&self) -> Option<f64> {
        (self.known > 0).then(|| self.sum as f64 / f64::from(self.known))
    }
}

/// One cohort: the statistics of each relative indicator, and the citations a patent
/// needs to be in its top 10 %.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cohort {
    /// Per [`RELATIVE`] indicator.
    pub stats: [CohortStat; 4],
    /// The value at rank ⌈0.1·n⌉ from the top of the known `cited_by` values.
    pub top10_cited_from: Option<u32>,
}

/// The cohorts of a run: every scored CN invention, whatever its holders.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cohorts {
    cohorts: FxHashMap<CohortKey, Cohort>,
    /// The fewest known values a cohort needs for relative values (`quality_min_cohort`).
    pub min_cohort: u32,
    /// The inventions counted, with a cohort or not.
    pub inventions: u64,
    /// Of those, how many have each of the eight own indicators known, in
    /// [`Indicators::own`] order.
    pub known: [u64; 8],
}

/// Cohorts being gathered: each cohort's sums and its known citation counts.
#[derive(Debug, Default)]
pub struct CohortTally {
    cohorts: FxHashMap<CohortKey, (Cohort, Vec<u32>)>,
    inventions: u64,
    known: [u64; 8],
}

impl CohortTally {
    /// Count one invention (in its cohort, when it has one).
    pub fn add(&mut self, key: Option<CohortKey>, ind: &Indicators) {
        self.inventions += 1;
        for (n, v) in self.known.iter_mut().zip(ind.own()) {
            *n += u64::from(v.is_some());
        }
        let Some(key) = key else { return };
        let (cohort, cited) = self.cohorts.entry(key).or_default();
        for (stat, rel) in cohort.stats.iter_mut().zip(RELATIVE) {
            if let Some(v) = rel.of(ind) {
                stat.known += 1;
                stat.sum += u64::from(v);
            }
        }
        cited.extend(ind.cited_by);
    }

    /// Two tallies as one (gathered in parallel).
    pub fn merge(mut self, other: CohortTally) -> CohortTally {
        self.inventions += other.inventions;
        for (n, m) in self.known.iter_mut().zip(other.known) {
            *n += m;
        }
        for (key, (cohort, cited)) in other.cohorts {
            let (mine, my_cited) = self.cohorts.entry(key).or_default();
            for (a, b) in mine.stats.iter_mut().zip(cohort.stats) {
                a.known += b.known;
                a.sum += b.sum;
            }
            my_cited.extend(cited);
        }
        self
    }

    /// The cohorts, each with its top-decile threshold.
    pub fn finish(self, min_cohort: u32) -> Cohorts {
        let cohorts = self
            .cohorts
            .into_iter()
            .map(|(key, (mut cohort, mut cited))| {
                cited.sort_unstable_by(|a, b| b.cmp(a));
                let rank = (cited.len() as u64).div_ceil(10) as usize;
                cohort.top10_cited_from = cited.get(rank.saturating_sub(1)).copied();
                (key, cohort)
            })
            .collect();
        Cohorts { cohorts, min_cohort, inventions: self.inventions, known: self.known }
    }
}

/// A patent's relative values and whether it is among its cohort's top 10 % cited.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RelativeValues {
    /// Per [`RELATIVE`] indicator: the value over its cohort's mean.
    pub values: [Option<f64>; 4],
    /// In the top 10 % of its cohort by forward citations.
    pub top10_cited: Option<bool>,
}

impl Cohorts {
    /// A cohort, when any patent is in it.
    pub fn get(&self, key: CohortKey) -> Option<&Cohort> {
        self.cohorts.get(&key)
    }

    /// How many inventions have each relative value (in [`RELATIVE`] order) and the
    /// top-10 % answer: those with the value known in a cohort big enough (with a
    /// mean above 0), as [`Cohorts::relative`] gives them.
    pub fn relative_known(&self) -> ([u64; 4], u64) {
        let big_enough = |stat: &CohortStat| stat.known >= self.min_cohort.max(1);
        let mut known = [0u64; 4];
        let mut top10 = 0u64;
        for cohort in self.cohorts.values() {
            for (n, stat) in known.iter_mut().zip(&cohort.stats) {
                if big_enough(stat) && stat.mean().is_some_and(|m| m > 0.0) {
                    *n += u64::from(stat.known);
                }
            }
            if big_enough(&cohort.stats[3]) && cohort.top10_cited_from.is_some() {
                top10 += u64::from(cohort.stats[3].known);
            }
        }
        (known, top10)
    }

    /// The relative values of a patent in cohort `key` (none without a cohort).
    pub fn relative(&self, key: Option<CohortKey>, ind: &Indicators) -> RelativeValues {
        let Some(cohort) = key.and_then(|k| self.cohorts.get(&k)) else { return RelativeValues::default() };
        let big_enough = |stat: &CohortStat| stat.known >= self.min_cohort.max(1);
        let values = std::array::from_fn(|k| {
            let stat = &cohort.stats[k];
            let mean = stat.mean().filter(|m| *m > 0.0 && big_enough(stat))?;
            RELATIVE[k].of(ind).map(|v| f64::from(v) / mean)
        });
        let cited_stat = &cohort.stats[3];
        let top10_cited = match (ind.cited_by, cohort.top10_cited_from) {
            (Some(c), Some(from)) if big_enough(cited_stat) => Some(c > 0 && c >= from),
            _ => None,
        };
        RelativeValues { values, top10_cited }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ipc::parse_ipc;
    use crate::rules::model::{Extras, FamilyMember, PatentTexts, QualityCounts};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn invention(ipc: &[&str], family: &[&str]) -> Patent {
        let members: Vec<FamilyMember> =
            family.iter().map(|m| crate::rules::family::parse_member(m).expect("member")).collect();
        Patent {
            kind: Some(Kind::Invention),
            texts: PatentTexts::new("CN110093918B", ""),
            filing_date: d("2015-03-01"),
            grant_date: Some(d("2018-06-15")),
            ipc: ipc.iter().map(|c| parse_ipc(c).unwrap()).collect(),
            extras: Extras { family: members, ..Extras::default() }.boxed(),
            ..Patent::default()
        }
    }

    #[test]
    fn scope_counts_distinct_subclasses() {
        let p = invention(&["G06N 3/08", "G06N 3/04", "G06F 17/30", "H04L 5/00"], &[]);
        assert_eq!(Indicators::of(&p, d("2025-12-31"), false).scope, Some(3));
        assert_eq!(Indicators::of(&invention(&[], &[]), d("2025-12-31"), false).scope, None);
    }

    #[test]
    fn family_size_is_the_exports_else_distinct_listed_applications_plus_one() {
        let listed = invention(&["G06N 3/08"], &["US10123456B2", "US10123456A1", "EP3456789A1", "CN110093918A"]);
        let i = Indicators::of(&listed, d("2025-12-31"), false);
        // US10123456 and EP3456789: the own CN publication does not count.
        assert_eq!(i.family_size, Some(3));
        assert_eq!(i.family_offices, Some(3), "CN, US, EP");
        let mut given = listed.clone();
        let mut counts = QualityCounts::default();
        counts.set(QualityCount::FamilySize, Some(7));
        given.counts = counts;
        assert_eq!(Indicators::of(&given, d("2025-12-31"), false).family_size, Some(7));
        // WO does not count as an office; a bare office leaves the size unknown.
        let offices = invention(&["G06N 3/08"], &["WO", "JP"]);
        let i = Indicators::of(&offices, d("2025-12-31"), false);
        assert_eq!((i.family_size, i.family_offices), (None, Some(2)));
        // No family listed anywhere: unknown; listed by the run (families.csv): CN alone.
        let alone = invention(&["G06N 3/08"], &[]);
        assert_eq!(Indicators::of(&alone, d("2025-12-31"), false).family_offices, None);
        let i = Indicators::of(&alone, d("2025-12-31"), true);
        assert_eq!((i.family_size, i.family_offices), (Some(1), Some(1)));
    }

    #[test]
    fn grant_lag_and_age() {
        let p = invention(&["G06N 3/08"], &[]);
        let i = Indicators::of(&p, d("2025-12-31"), false);
        // 2015-03-01 to 2018-06-15: 366 + 365 + 365 + 106 days (2016 is a leap year).
        assert_eq!(i.grant_lag_days, Some(1202));
        assert_eq!(i.age_years, Some(10));
        // The day before the tenth anniversary: 9 whole years; granted after as_of: unknown lag.
        let i = Indicators::of(&p, d("2018-06-14"), false);
        assert_eq!((i.grant_lag_days, i.age_years), (None, Some(3)));
        assert_eq!(Indicators::of(&p, d("2025-02-28"), false).age_years, Some(9));
        assert_eq!(Indicators::of(&p, d("2014-12-31"), false).age_years, None);
        assert_eq!(whole_years(d("2016-02-29"), d("2017-02-28")), Some(1));
        assert_eq!(whole_years(d("2016-02-29"), d("2017-02-27")), Some(0));
    }

    #[test]
    fn only_inventions_have_indicators() {
        let mut p = invention(&["G06N 3/08"], &[]);
        p.kind = Some(Kind::UtilityModel);
        assert_eq!(Indicators::of(&p, d("2025-12-31"), true), Indicators::default());
    }

    fn build(patents: impl Iterator<Item = (CohortKey, Indicators)>, min_cohort: u32) -> Cohorts {
        let mut tally = CohortTally::default();
        patents.for_each(|(key, ind)| tally.add(Some(key), &ind));
        tally.finish(min_cohort)
    }

    #[test]
    fn relative_names_are_the_last_four() {
        assert_eq!(RELATIVE.map(Relative::name), ["scope_rel", "family_size_rel", "claims_rel", "cited_by_rel"]);
    }

    #[test]
    fn cohorts_need_the_minimum_and_give_relative_values_and_the_top_decile() {
        let key = (2015, b'G');
        let ind =
            |cited: Option<u32>, claims: Option<u32>| Indicators { cited_by: cited, claims, ..Indicators::default() };
        // Twelve patents: citations 0..=11 and claims 10 each.
        let patents: Vec<(CohortKey, Indicators)> = (0..12).map(|c| (key, ind(Some(c), Some(10)))).collect();
        let cohorts = build(patents.iter().copied(), 12);
        // Rank ⌈1.2⌉ = 2 from the top: 10 citations.
        assert_eq!(cohorts.get(key).unwrap().top10_cited_from, Some(10));
        let r = cohorts.relative(Some(key), &ind(Some(11), Some(15)));
        assert_eq!(r.top10_cited, Some(true));
        assert_eq!(r.values[2], Some(1.5), "15 claims over a mean of 10");
        assert_eq!(r.values[3], Some(11.0 / 5.5));
        assert_eq!(cohorts.relative(Some(key), &ind(Some(9), None)).top10_cited, Some(false));
        assert_eq!(cohorts.relative(Some(key), &ind(None, None)).top10_cited, None);
        // One short of the minimum: no relative values.
        let small = build(patents.iter().copied(), 13);
        assert_eq!(small.relative(Some(key), &ind(Some(11), Some(15))), RelativeValues::default());
        // A cohort whose citations are all 0: nobody is top-cited, the mean is 0.
        let zeros: Vec<(CohortKey, Indicators)> = (0..12).map(|_| (key, ind(Some(0), None))).collect();
        let r = build(zeros.into_iter(), 12).relative(Some(key), &ind(Some(0), None));
        assert_eq!((r.top10_cited, r.values[3]), (Some(false), None));
    }
}
