//! Per-institution figures (SPEC §5): a parallel fold of every patent's flags into
//! one row of counters per institution, then sorted by high-value count and name.

pub(crate) mod institution_conversion;
pub(crate) mod institution_quality;

use rayon::prelude::*;

use crate::aggregate::institution_conversion::{Conversion, ConversionFigures, ConversionParams};
use crate::config::Counting;
use crate::rules::figures::e4_text;
use crate::rules::institutions::UNIT;
use crate::rules::institutions::{Institution, InstitutionType};
use crate::rules::model::DIMENSIONS;
use crate::score::Scored;

/// One row of `institutions.csv`. Counts are in [`UNIT`]s.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstitutionRow {
    /// Canonical name.
    pub institution: String,
    /// Type label.
    pub kind: String,
    /// Parent university of a campus or graduate school (empty when none).
    pub parent: String,
    /// Distinct CN patents held.
    pub patents: u64,
    /// Of which invention patents.
    pub inventions: u64,
    /// Eligible on `as_of`.
    pub valid_inventions: u64,
    /// High-value on `as_of`.
    pub high_value: u64,
    /// high_value / valid_inventions in ten-thousandths, rounded half-up.
    pub high_value_share_e4: u64,
    /// Eligible patents meeting D1..D5.
    pub dimensions: [u64; DIMENSIONS],
    /// Eligible patents in SEI industries 1..9.
    pub sei: [u64; 9],
    /// Eligible one year before.
    pub valid_inventions_prev: u64,
    /// High-value one year before.
    pub high_value_prev: u64,
    /// Whether counts are fractional (then written with four decimals).
    pub fractional: bool,
    /// (valid inventions, high-value) in units at each trend date, oldest first.
    pub trend: Vec<(u64, u64)>,
    /// Conversion figures (SPEC §9).
    pub conversion: ConversionFigures,
    /// Converted patents / valid inventions, ten-thousandths, rounded half-up.
    pub conversion_rate_e4: u64,
    /// The reward, hundredths of 万元.
    pub reward_e2: i64,
}

/// `units` rounded half-up to four decimals, in ten-thousandths.
fn units_e4(units: u64) -> u64 {
    (units * 20_000 + UNIT) / (2 * UNIT)
}

impl InstitutionRow {
    /// A row of zeros for `inst`.
    pub fn empty(inst: &Institution, fractional: bool, trend_len: usize) -> InstitutionRow {
        InstitutionRow {
            institution: inst.name.clone(),
            kind: inst.kind.as_str().to_string(),
            parent: inst.parent.clone().unwrap_or_default(),
            patents: 0,
            inventions: 0,
            valid_inventions: 0,
            high_value: 0,
            high_value_share_e4: 0,
            dimensions: [0; DIMENSIONS],
            sei: [0; 9],
            valid_inventions_prev: 0,
            high_value_prev: 0,
            fractional,
            trend: vec![(0, 0); trend_len],
            conversion: ConversionFigures::default(),
            conversion_rate_e4: 0,
            reward_e2: 0,
        }
    }

    /// The share as a decimal string with four places (`0.4167`).
    pub fn share_text(&self) -> String {
        e4_text(self.high_value_share_e4)
    }

    /// A count as written: a whole number under full counting, four decimals under fractional.
    pub fn count_text(&self, units: u64) -> String {
        if self.fractional {
            e4_text(units_e4(units))
        } else {
            (units / UNIT).to_string()
        }
    }

    /// A count as a JSON number.
    pub fn count_json(&self, units: u64) -> serde_json::Value {
        if self.fractional {
            serde_json::json!(units_e4(units) as f64 / 10_000.0)
        } else {
            serde_json::json!(units / UNIT)
        }
    }

    /// Every count in column order (patents … high_value, d1…d5, sei_1…sei_9, *_prev), in units.
    pub fn counts(&self) -> Vec<u64> {
        let mut v = vec![self.patents, self.inventions, self.valid_inventions, self.high_value];
        v.extend(self.dimensions);
        v.extend(self.sei);
        v.push(self.valid_inventions_prev);
        v.push(self.high_value_prev);
        v
    }
}

/// high / valid rounded half-up to four decimals, in ten-thousandths; 0 when valid is 0.
pub fn share_e4(high: u64, valid: u64) -> u64 {
    if valid == 0 {
        0
    } else {
        (high * 20_000 + valid) / (2 * valid)
    }
}

/// Columns counted per institution before the trend: patents, inventions, eligible,
/// high-value, D1..D5, SEI 1..9, eligible and high-value a year before.
const COUNTED: usize = 20;

/// The counted flags of one patent, trend pairs after the fixed ones.
fn counted_flags(s: &Scored, trend_len: usize) -> impl Iterator<Item = bool> + '_ {
    let v = s.verdict();
    let e = v.eligible;
    let mut row = [false; COUNTED];
    row[0] = true;
    row[1] = s.is_invention();
    row[2] = e;
    row[3] = v.high_value();
    for d in 0..DIMENSIONS {
        row[4 + d] = e && v.dimensions[d];
    }
    for k in 0..9 {
        row[9 + k] = e && s.in_industry(k);
    }
    row[18] = s.prev().eligible;
    row[19] = s.prev().high_value();
    row.into_iter().chain((0..trend_len).flat_map(|k| {
        let (valid, high) = s.trend_at(k);
        [valid, high]
    }))
}

/// Aggregate scored patents per institution (`institutions` is the table that
/// [`Scored::institutions`] index), keeping the given types (`None`: all).
/// Under fractional counting each of a patent's n institutions counts 1/n of it.
/// Sums are integers in [`UNIT`]s, so the parallel fold gives the same figures
/// whatever the thread count.
pub fn aggregate(
    scored: &[Scored],
    institutions: &[Institution],
    trend_len: usize,
    types: Option<&[InstitutionType]>,
    counting: Counting,
) -> Vec<InstitutionRow> {
    let width = COUNTED + 2 * trend_len;
    let keep: Vec<bool> = institutions.iter().map(|i| types.is_none_or(|t| t.contains(&i.kind))).collect();
    let totals = scored
        .par_chunks(1 << 14)
        .fold(
            || vec![0u64; institutions.len() * width],
            |mut acc, chunk| {
                for s in chunk {
                    let weight = match counting {
                        Counting::Full => UNIT,
                        Counting::Fractional => UNIT / s.institutions().len().max(1) as u64,
                    };
                    for &inst in s.institutions().iter().filter(|&&i| keep[i as usize]) {
                        let cells = &mut acc[inst as usize * width..][..width];
                        for (cell, flag) in cells.iter_mut().zip(counted_flags(s, trend_len)) {
                            *cell += u64::from(flag) * weight;
                        }
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0u64; institutions.len() * width],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut rows: Vec<InstitutionRow> = institutions
        .iter()
        .zip(totals.chunks(width.max(1)))
        .filter(|(_, t)| t.first().is_some_and(|&patents| patents > 0))
        .map(|(inst, t)| InstitutionRow {
            patents: t[0],
            inventions: t[1],
            valid_inventions: t[2],
            high_value: t[3],
            high_value_share_e4: share_e4(t[3], t[2]),
            dimensions: std::array::from_fn(|d| t[4 + d]),
            sei: std::array::from_fn(|k| t[9 + k]),
            valid_inventions_prev: t[18],
            high_value_prev: t[19],
            trend: (0..trend_len).map(|k| (t[20 + 2 * k], t[21 + 2 * k])).collect(),
            ..InstitutionRow::empty(inst, counting == Counting::Fractional, 0)
        })
        .collect();
    sort_rows(&mut rows);
    rows
}

/// Report order: high-value count descending, then name.
fn sort_rows(rows: &mut [InstitutionRow]) {
    rows.sort_by(|a, b| b.high_value.cmp(&a.high_value).then_with(|| a.institution.cmp(&b.institution)));
}

/// Put the conversion figures into the rows (SPEC §9): the institutions' own rows, and
/// a row of zero holdings for an institution of the kept types credited with a
/// conversion but holding no patent (one that transferred every patent away).
pub fn add_conversion(
    rows: &mut Vec<InstitutionRow>,
    institutions: &[Institution],
    conversion: &Conversion,
    types: Option<&[InstitutionType]>,
    params: &ConversionParams,
    trend_len: usize,
) {
    let fractional = params.counting == Counting::Fractional;
    let at: std::collections::HashMap<String, usize> =
        rows.iter().enumerate().map(|(k, r)| (r.institution.clone(), k)).collect();
    let mut extra = Vec::new();
    for (inst, figures) in institutions.iter().zip(&conversion.figures) {
        match at.get(inst.name.as_str()) {
            Some(&k) => rows[k].conversion = *figures,
            None if figures.any() && types.is_none_or(|t| t.contains(&inst.kind)) => extra
                .push(InstitutionRow { conversion: *figures, ..InstitutionRow::empty(inst, fractional, trend_len) }),
            None => {}
        }
    }
    rows.extend(extra);
    for r in rows.iter_mut() {
        r.conversion_rate_e4 = share_e4(r.conversion.converted, r.valid_inventions);
        r.reward_e2 = r.conversion.reward_e2(params);
    }
    sort_rows(rows);
}

/// A holder name the alias table does not know, with the patents it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedName {
    /// The name as it stands in the reports.
    pub name: String,
    /// Its type by words.
    pub kind: InstitutionType,
    /// Distinct patents held.
    pub patents: u64,
}

/// Every holder name not in the alias table, most patents first, so an analyst
/// sees which aliases to add.
pub fn unresolved_names(scored: &[Scored], institutions: &[Institution]) -> Vec<UnresolvedName> {
    let mut counts = vec![0u64; institutions.len()];
    for s in scored {
        for &i in s.institutions().iter() {
            counts[i as usize] += 1;
        }
    }
    let mut out: Vec<UnresolvedName> = institutions
        .iter()
        .zip(counts)
        .filter(|(inst, n)| !inst.known && *n > 0)
        .map(|(inst, patents)| UnresolvedName { name: inst.name.clone(), kind: inst.kind, patents })
        .collect();
    out.sort_by(|a, b| b.patents.cmp(&a.patents).then_with(|| a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_rounds_half_up() {
        assert_eq!(share_e4(0, 0), 0);
        assert_eq!(share_e4(1, 3), 3333);
        assert_eq!(share_e4(2, 3), 6667);
        assert_eq!(share_e4(1, 8), 1250);
        // 1/16 = 0.0625 exactly; 1/32 = 0.03125 → 0.0313 (half-up).
        assert_eq!(share_e4(1, 32), 313);
        assert_eq!(share_e4(1, 20_000), 1);
        assert_eq!(share_e4(5, 5), 10_000);
        let inst = crate::rules::institutions::AliasTable::builtin().resolve("清华大学");
        let row = InstitutionRow { high_value_share_e4: 3333, ..InstitutionRow::empty(&inst, false, 0) };
        assert_eq!(row.share_text(), "0.3333");
        assert_eq!(InstitutionRow { high_value_share_e4: 10_000, ..row.clone() }.share_text(), "1.0000");
        assert_eq!(InstitutionRow { high_value_share_e4: 0, ..row.clone() }.share_text(), "0.0000");
        assert_eq!(row.count_text(3 * UNIT), "3");
        let frac = InstitutionRow { fractional: true, ..row };
        assert_eq!(frac.count_text(UNIT / 3), "0.3333");
        assert_eq!(frac.count_text(UNIT / 3 * 2), "0.6667");
        assert_eq!(frac.count_text(UNIT / 3 * 3), "1.0000");
        assert_eq!(frac.count_text(UNIT / 2 + UNIT / 3 + UNIT / 6), "1.0000");
    }
}
