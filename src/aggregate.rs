//! Per-institution figures (SPEC §5): one long frame of (patent, institution)
//! pairs grouped with polars, then sorted by high-value count and name.

use polars::prelude::*;

use crate::model::DIMENSIONS;
use crate::rules::institutions::InstitutionType;
use crate::score::Scored;

/// One row of `institutions.csv`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstitutionRow {
    /// Canonical name.
    pub institution: String,
    /// Type label.
    pub kind: String,
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
}

impl InstitutionRow {
    /// The share as a decimal string with four places (`0.4167`).
    pub fn share_text(&self) -> String {
        format!("{}.{:04}", self.high_value_share_e4 / 10_000, self.high_value_share_e4 % 10_000)
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

const COUNTED: [&str; 19] = [
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
pub fn aggregate(scored: &[Scored], types: Option<&[InstitutionType]>) -> PolarsResult<Vec<InstitutionRow>> {
    let mut names: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut flags: Vec<Vec<u32>> = vec![Vec::new(); COUNTED.len()];
    for s in scored {
        let v = &s.verdict;
        let e = v.eligible;
        let row: [bool; 19] = [
            s.patent.kind == Some(crate::rules::numbers::Kind::Invention),
            e,
            v.high_value(),
            e && v.dimensions[0],
            e && v.dimensions[1],
            e && v.dimensions[2],
            e && v.dimensions[3],
            e && v.dimensions[4],
            e && s.industries[0],
            e && s.industries[1],
            e && s.industries[2],
            e && s.industries[3],
            e && s.industries[4],
            e && s.industries[5],
            e && s.industries[6],
            e && s.industries[7],
            e && s.industries[8],
            s.prev_eligible,
            s.prev_high_value,
        ];
        for inst in &s.institutions {
            if types.is_some_and(|t| !t.contains(&inst.kind)) {
                continue;
            }
            names.push(&inst.name);
            kinds.push(inst.kind.as_str());
            for (col, value) in flags.iter_mut().zip(row) {
                col.push(u32::from(value));
            }
        }
    }
    let mut columns =
        vec![Column::from(Series::new("institution".into(), names)), Column::from(Series::new("type".into(), kinds))];
    for (name, values) in COUNTED.iter().zip(flags) {
        columns.push(Column::from(Series::new((*name).into(), values)));
    }
    let long = DataFrame::new_infer_height(columns)?;
    let mut aggs = vec![len().cast(DataType::UInt64).alias("patents")];
    aggs.extend(COUNTED.iter().map(|c| col(*c).sum().cast(DataType::UInt64).alias(*c)));
    let grouped = long.lazy().group_by([col("institution"), col("type")]).agg(aggs).collect()?;

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
    let patents = number("patents")?;
    let counted: Vec<Vec<u64>> = COUNTED.iter().map(|c| number(c)).collect::<PolarsResult<_>>()?;
    let mut rows: Vec<InstitutionRow> = (0..grouped.height())
        .map(|i| {
            let at = |k: usize| counted[k][i];
            InstitutionRow {
                institution: institutions[i].clone(),
                kind: kinds[i].clone(),
                patents: patents[i],
                inventions: at(0),
                valid_inventions: at(1),
                high_value: at(2),
                high_value_share_e4: share_e4(at(2), at(1)),
                dimensions: [at(3), at(4), at(5), at(6), at(7)],
                sei: std::array::from_fn(|k| at(8 + k)),
                valid_inventions_prev: at(17),
                high_value_prev: at(18),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.high_value.cmp(&a.high_value).then_with(|| a.institution.cmp(&b.institution)));
    Ok(rows)
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
        assert_eq!(InstitutionRow { high_value_share_e4: 0, ..row }.share_text(), "0.0000");
    }
}
