//! Quality indicators per institution (SPEC §12: `quality.csv`, `quality.parquet`)
//! and the run's counts of patents with each indicator known (the manifest's `quality`).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::aggregate::InstitutionRow;
use crate::rules::figures::e4_text;
use crate::rules::numbers::Kind;
use crate::rules::quality::{Cohorts, Indicators, RelativeValues, INDICATOR_NAMES};
use crate::score::{ScoreContext, Scored};

/// A patent's indicator values ([`values_e4`]) and its top-10 % answer.
type PatentValues = ([Option<u64>; 12], Option<bool>);

/// A patent's indicator values in ten-thousandths (each known or not), in
/// [`INDICATOR_NAMES`] order, and whether it is top-10 % cited: relative values as
/// `patents.csv` writes them (4 decimals), so that the figures are what its cells give.
pub fn values_e4(i: &Indicators, r: &RelativeValues) -> PatentValues {
    let mut values = [None; 12];
    for (slot, v) in values.iter_mut().zip(i.own()) {
        *slot = v.map(|v| u64::from(v) * 10_000);
    }
    for (slot, v) in values[8..].iter_mut().zip(r.values) {
        *slot = v.map(|v| (v * 10_000.0).round() as u64);
    }
    (values, r.top10_cited)
}

/// One indicator over an institution's valid inventions with it known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Valid inventions with the value known.
    pub known: u64,
    /// Their median, in ten-thousandths, half-up (the mean of the two middle values
    /// of an even count).
    pub median_e4: Option<u64>,
    /// Their mean, in ten-thousandths, half-up.
    pub mean_e4: Option<u64>,
}

impl Summary {
    /// The summary of values given as (value, how many times), in ten-thousandths.
    pub fn of_counts(mut counts: Vec<(u64, u64)>) -> Summary {
        counts.sort_unstable();
        let n: u64 = counts.iter().map(|(_, c)| c).sum();
        if n == 0 {
            return Summary::default();
        }
        // The value at 0-based rank `r` of the sorted values.
        let at = |r: u64| {
            let mut seen = 0;
            counts
                .iter()
                .find(|(_, c)| {
                    seen += c;
                    seen > r
                })
                .map_or(0, |(v, _)| *v)
        };
        let median_e4 = if n % 2 == 1 { at(n / 2) } else { (at(n / 2 - 1) + at(n / 2)).div_ceil(2) };
        let sum: u64 = counts.iter().map(|(v, c)| v * c).sum();
        Summary { known: n, median_e4: Some(median_e4), mean_e4: Some((2 * sum + n) / (2 * n)) }
    }
}

/// One row of `quality.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityRow {
    /// Institution name.
    pub institution: String,
    /// Institution type.
    pub kind: String,
    /// Valid inventions (each counted once, whatever the counting mode).
    pub valid_inventions: u64,
    /// Per [`INDICATOR_NAMES`].
    pub indicators: Vec<Summary>,
    /// Valid inventions whose top-10 % question is answered.
    pub top10_cited_known: u64,
    /// The share of those that are top-10 % cited, in ten-thousandths, half-up.
    pub top10_cited_share_e4: Option<u64>,
}

/// The columns of `quality.csv` and `quality.parquet`, in order.
pub fn quality_columns() -> Vec<String> {
    let mut cols = vec!["institution".to_string(), "type".into(), "valid_inventions".into()];
    for name in INDICATOR_NAMES {
        cols.extend([format!("{name}_known"), format!("{name}_median"), format!("{name}_mean")]);
    }
    cols.extend(["top10_cited_known".to_string(), "top10_cited_share".into()]);
    cols
}

impl QualityRow {
    /// The row's cells as `quality.csv` writes them (4 decimals; unknown empty).
    pub fn cells(&self) -> Vec<String> {
        let figure = |e4: Option<u64>| e4.map(e4_text).unwrap_or_default();
        let mut cells = vec![self.institution.clone(), self.kind.clone(), self.valid_inventions.to_string()];
        for s in &self.indicators {
            cells.extend([s.known.to_string(), figure(s.median_e4), figure(s.mean_e4)]);
        }
        cells.extend([self.top10_cited_known.to_string(), figure(self.top10_cited_share_e4)]);
        cells
    }
}

/// One institution's values being gathered: each indicator's values (in
/// ten-thousandths) as counts per distinct value, so that memory follows the distinct
/// values, not the patents (a national run has millions of valid inventions).
#[derive(Debug, Clone, Default)]
struct Tally {
    valid: u64,
    values: [FxHashMap<u64, u64>; 12],
    top10_known: u64,
    top10: u64,
}

impl Tally {
    fn add(&mut self, (values, top): &PatentValues) {
        self.valid += 1;
        for (counts, v) in self.values.iter_mut().zip(values) {
            if let Some(v) = v {
                *counts.entry(*v).or_default() += 1;
            }
        }
        if let Some(t) = top {
            self.top10_known += 1;
            self.top10 += u64::from(*t);
        }
    }

    fn merge(&mut self, other: Tally) {
        self.valid += other.valid;
        for (mine, theirs) in self.values.iter_mut().zip(other.values) {
            for (v, n) in theirs {
                *mine.entry(v).or_default() += n;
            }
        }
        self.top10_known += other.top10_known;
        self.top10 += other.top10;
    }
}

/// The quality rows of the reported institutions, in `rows`' order: over each
/// institution's valid inventions (a patent counts once for each of its institutions).
pub fn quality_rows(
    scored: &[Scored],
    ctx: &ScoreContext<'_>,
    rows: &[InstitutionRow],
    names: &[&str],
) -> Vec<QualityRow> {
    let position: FxHashMap<&str, usize> = rows.iter().enumerate().map(|(k, r)| (r.institution.as_str(), k)).collect();
    let tallies = scored
        .par_iter()
        .filter(|s| s.patent.kind == Some(Kind::Invention) && s.verdict().eligible)
        .fold(
            || vec![Tally::default(); rows.len()],
            |mut tallies, s| {
                let mut values = None;
                for k in s.institutions().iter().filter_map(|&i| position.get(names[i as usize]).copied()) {
                    let values = values.get_or_insert_with(|| {
                        let indicators = ctx.indicators(&s.patent);
                        values_e4(&indicators, &ctx.relative(&s.patent, &indicators))
                    });
                    tallies[k].add(values);
                }
                tallies
            },
        )
        .reduce(
            || vec![Tally::default(); rows.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
                a
            },
        );
    rows.iter()
        .zip(tallies)
        .map(|(r, t)| QualityRow {
            institution: r.institution.clone(),
            kind: r.kind.clone(),
            valid_inventions: t.valid,
            indicators: t.values.into_iter().map(|counts| Summary::of_counts(counts.into_iter().collect())).collect(),
            top10_cited_known: t.top10_known,
            top10_cited_share_e4: (t.top10_known > 0)
                .then(|| (2 * 10_000 * t.top10 + t.top10_known) / (2 * t.top10_known)),
        })
        .collect()
}

/// The manifest's `quality`: scored CN inventions, and how many have each indicator
/// (and the top-10 % question) known, from the cohorts' tallies.
pub fn known_counts(cohorts: &Cohorts) -> serde_json::Value {
    let (relative, top10) = cohorts.relative_known();
    let mut object = serde_json::Map::new();
    object.insert("inventions".into(), cohorts.inventions.into());
    for (name, n) in INDICATOR_NAMES.iter().zip(cohorts.known.iter().chain(&relative)) {
        object.insert((*name).into(), (*n).into());
    }
    object.insert("top10_cited".into(), top10.into());
    object.insert("min_cohort".into(), cohorts.min_cohort.into());
    serde_json::Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary of `values` (in ten-thousandths), counted as [`quality_rows`] counts them.
    fn summary(values: Vec<u64>) -> Summary {
        let mut counts: FxHashMap<u64, u64> = FxHashMap::default();
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
        Summary::of_counts(counts.into_iter().collect())
    }

    #[test]
    fn median_and_mean_in_ten_thousandths_half_up() {
        let e4 = |v: &[u64]| v.iter().map(|x| x * 10_000).collect::<Vec<u64>>();
        // 1, 2, 4: median 2, mean 7/3 = 2.33333 → 2.3333.
        assert_eq!(summary(e4(&[4, 1, 2])), Summary { known: 3, median_e4: Some(20_000), mean_e4: Some(23_333) });
        // 1, 2: median 1.5 (the mean of the middle two), mean 1.5.
        assert_eq!(summary(e4(&[2, 1])), Summary { known: 2, median_e4: Some(15_000), mean_e4: Some(15_000) });
        // 2/3 = 0.66666… → 0.6667 (half-up); 0.00005 → 0.0001.
        assert_eq!(summary(vec![0, 0, 20_000]).mean_e4, Some(6_667));
        assert_eq!(summary(vec![0, 1]).median_e4, Some(1));
        assert_eq!(summary(Vec::new()), Summary::default());
    }

    #[test]
    fn columns_name_each_indicator_thrice() {
        let cols = quality_columns();
        assert_eq!(cols.len(), 3 + 12 * 3 + 2);
        assert_eq!(&cols[3..6], ["scope_known", "scope_median", "scope_mean"]);
        assert_eq!(cols.last().map(String::as_str), Some("top10_cited_share"));
    }
}
