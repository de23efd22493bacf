//! Per-institution figures (SPEC §5): one long frame of (patent, institution)
//! pairs grouped with polars, then sorted by high-value count and name.

use polars::prelude::*;

use std::collections::BTreeMap;

use crate::config::Counting;
use crate::model::DIMENSIONS;
use crate::rules::institutions::InstitutionType;
use crate::rules::numbers::Kind;
use crate::score::Scored;

/// Counts are kept in units of 1/720720 (the least common multiple of 1..=16),
/// so fractional counting of up to 16 co-holders is exact and sums are
/// integers, identical whatever the thread count.
pub const UNIT: u64 = 720_720;

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
}

/// `units` rounded half-up to four decimals, in ten-thousandths.
fn units_e4(units: u64) -> u64 {
    (units * 20_000 + UNIT) / (2 * UNIT)
}

/// A ten-thousandths value as a decimal string with four places (`0.4167`).
pub fn e4_text(e4: u64) -> String {
    format!("{}.{:04}", e4 / 10_000, e4 % 10_000)
}

impl InstitutionRow {
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

const COUNTED: [&str; 20] = [
    "patents",
    "invention",
    "eligible",
    "high_value",
    "d1",
    "d2",
    "d3",
    "d4",
    "d5",
    "sei_1",
    "sei_2",
    "sei_3",
    "sei_4",
    "sei_5",
    "sei_6",
    "sei_7",
    "sei_8",
    "sei_9",
    "eligible_prev",
    "high_value_prev",
];

/// Aggregate scored patents per institution, keeping the given types (`None`: all).
/// Under fractional counting each of a patent's n institutions counts 1/n of it.
pub fn aggregate(
    scored: &[Scored],
    types: Option<&[InstitutionType]>,
    counting: Counting,
) -> PolarsResult<Vec<InstitutionRow>> {
    let mut names: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut parents: Vec<&str> = Vec::new();
    let trend_len = scored.first().map_or(0, |s| s.trend.len());
    let mut weights: Vec<Vec<u64>> = vec![Vec::new(); COUNTED.len() + 2 * trend_len];
    for s in scored {
        let v = &s.verdict;
        let e = v.eligible;
        let mut row = [false; 20];
        row[0] = true;
        row[1] = s.patent.kind == Some(Kind::Invention);
        row[2] = e;
        row[3] = v.high_value();
        for d in 0..DIMENSIONS {
            row[4 + d] = e && v.dimensions[d];
        }
        for k in 0..9 {
            row[9 + k] = e && s.industries[k];
        }
        row[18] = s.prev_eligible;
        row[19] = s.prev_high_value;
        let weight = match counting {
            Counting::Full => UNIT,
            Counting::Fractional => UNIT / s.institutions.len().max(1) as u64,
        };
        for inst in &s.institutions {
            if types.is_some_and(|t| !t.contains(&inst.kind)) {
                continue;
            }
            names.push(&inst.name);
            kinds.push(inst.kind.as_str());
            parents.push(inst.parent.as_deref().unwrap_or(""));
            let trend_flags = s.trend.iter().flat_map(|(valid, high)| [*valid, *high]);
            for (col, flag) in weights.iter_mut().zip(row.into_iter().chain(trend_flags)) {
                col.push(if flag { weight } else { 0 });
            }
        }
    }
    let mut columns = vec![
        Column::from(Series::new("institution".into(), names)),
        Column::from(Series::new("type".into(), kinds)),
        Column::from(Series::new("parent".into(), parents)),
    ];
    let mut counted_names: Vec<String> = COUNTED.iter().map(|c| c.to_string()).collect();
    for k in 0..trend_len {
        counted_names.push(format!("trend_valid_{k}"));
        counted_names.push(format!("trend_high_{k}"));
    }
    for (name, values) in counted_names.iter().zip(weights) {
        columns.push(Column::from(Series::new(name.as_str().into(), values)));
    }
    let long = DataFrame::new_infer_height(columns)?;
    let aggs: Vec<Expr> =
        counted_names.iter().map(|c| col(c.as_str()).sum().cast(DataType::UInt64).alias(c.as_str())).collect();
    let grouped = long.lazy().group_by([col("institution"), col("type"), col("parent")]).agg(aggs).collect()?;

    let text = |name: &str| -> PolarsResult<Vec<String>> {
        let ca = grouped.column(name)?.str()?;
        Ok((0..ca.len()).map(|i| ca.get(i).unwrap_or("").to_string()).collect())
    };
    let number = |name: &str| -> PolarsResult<Vec<u64>> {
        let ca = grouped.column(name)?.u64()?;
        Ok((0..ca.len()).map(|i| ca.get(i).unwrap_or(0)).collect())
    };
    let institutions = text("institution")?;
    let kinds = text("type")?;
    let parents = text("parent")?;
    let counted: Vec<Vec<u64>> = counted_names.iter().map(|c| number(c)).collect::<PolarsResult<_>>()?;
    let mut rows: Vec<InstitutionRow> = (0..grouped.height())
        .map(|i| {
            let at = |k: usize| counted[k][i];
            InstitutionRow {
                institution: institutions[i].clone(),
                kind: kinds[i].clone(),
                parent: parents[i].clone(),
                patents: at(0),
                inventions: at(1),
                valid_inventions: at(2),
                high_value: at(3),
                high_value_share_e4: share_e4(at(3), at(2)),
                dimensions: std::array::from_fn(|d| at(4 + d)),
                sei: std::array::from_fn(|k| at(9 + k)),
                valid_inventions_prev: at(18),
                high_value_prev: at(19),
                fractional: counting == Counting::Fractional,
                trend: (0..trend_len).map(|k| (at(20 + 2 * k), at(21 + 2 * k))).collect(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.high_value.cmp(&a.high_value).then_with(|| a.institution.cmp(&b.institution)));
    Ok(rows)
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
pub fn unresolved_names(scored: &[Scored]) -> Vec<UnresolvedName> {
    let mut counts: BTreeMap<(&str, InstitutionType), u64> = BTreeMap::new();
    for s in scored {
        for inst in s.institutions.iter().filter(|i| !i.known) {
            *counts.entry((inst.name.as_str(), inst.kind)).or_default() += 1;
        }
    }
    let mut out: Vec<UnresolvedName> = counts
        .into_iter()
        .map(|((name, kind), patents)| UnresolvedName { name: name.to_string(), kind, patents })
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
        let row = InstitutionRow {
            institution: String::new(),
            kind: String::new(),
            parent: String::new(),
            fractional: false,
            trend: vec![],
            patents: 0,
            inventions: 0,
            valid_inventions: 0,
            high_value: 0,
            high_value_share_e4: 3333,
            dimensions: [0; 5],
            sei: [0; 9],
            valid_inventions_prev: 0,
            high_value_prev: 0,
        };
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
