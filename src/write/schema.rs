//! Every output's columns, defined once: the names in order, and what each column
//! holds, from which the CSV, JSON and Parquet writers and the workbook take them.

use crate::aggregate::InstitutionRow;
use crate::rules::model::DIMENSION_NAMES;
use crate::rules::quality::INDICATOR_NAMES;

/// What a column holds: written as text in CSV, typed in Parquet and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text.
    Text,
    /// A calendar date (`YYYY-MM-DD`; a year alone when only the year is known).
    Date,
    /// `true` / `false`.
    Bool,
    /// A whole number.
    Count,
    /// A whole number or nothing (unknown): empty in CSV, null in Parquet.
    Number,
    /// A ratio with 4 decimals, or nothing (unknown).
    Ratio,
    /// `true` / `false`, or nothing (unknown).
    Flag,
}

/// One column of an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnType,
}

const fn col(name: &'static str, kind: ColumnType) -> Column {
    Column { name, kind }
}

/// Columns of `patents.csv` and `patents.parquet` (SPEC §5), then the quality
/// indicators (SPEC §12): [`INDICATOR_NAMES`] and `top10_cited`.
pub const PATENT_COLUMNS: [Column; 32] = {
    use ColumnType::*;
    const VERDICT: [Column; 19] = [
        col("patent_id", Text),
        col("pub_no", Text),
        col("title", Text),
        col("kind", Text),
        col("filing_date", Date),
        col("grant_date", Date),
        col("status", Text),
        col("holders", Text),
        col("ipc", Text),
        col("eligible", Bool),
        col(DIMENSION_NAMES[0], Bool),
        col(DIMENSION_NAMES[1], Bool),
        col(DIMENSION_NAMES[2], Bool),
        col(DIMENSION_NAMES[3], Bool),
        col(DIMENSION_NAMES[4], Bool),
        col("dimensions", Count),
        col("high_value", Bool),
        col("sei_codes", Text),
        col("evidence", Text),
    ];
    let mut cols = [col("top10_cited", Flag); 32];
    let mut k = 0;
    while k < VERDICT.len() {
        cols[k] = VERDICT[k];
        k += 1;
    }
    // A patent's own values are whole numbers, the cohort-relative ones ratios.
    let mut i = 0;
    while i < INDICATOR_NAMES.len() {
        cols[VERDICT.len() + i] = col(INDICATOR_NAMES[i], if i < 8 { Number } else { Ratio });
        i += 1;
    }
    cols
};

/// One patent's cells (the columns of [`PATENT_COLUMNS`]), rendered into one buffer.
pub struct PatentCells {
    text: String,
    ends: [u32; PATENT_COLUMNS.len()],
}

impl PatentCells {
    /// Cells rendered one after another into `text`, column `i` ending at `ends[i]`.
    pub fn new(text: String, ends: [u32; PATENT_COLUMNS.len()]) -> PatentCells {
        PatentCells { text, ends }
    }

    /// The cell of column `i`.
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Every cell, in column order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..PATENT_COLUMNS.len()).map(|i| self.get(i))
    }
}

/// A cell of `institutions.*`, typed: each output writes it its own way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InstitutionValue<'a> {
    /// Text.
    Text(&'a str),
    /// A count in [`UNIT`](crate::rules::institutions::UNIT)s (whole or fractional).
    Count(u64),
    /// A share in ten-thousandths.
    Share(u64),
    /// An amount of 万元 in hundredths.
    Money(i64),
}

/// The conversion columns appended to `institutions.*` after `parent` (SPEC §9).
pub const CONVERSION_IN_INSTITUTIONS: [&str; 4] = ["transferred", "licensed", "received_wan", "reward_wan"];

/// Columns of `institutions.csv`, `.json` and `.parquet` (SPEC §5, §9), in order.
pub fn institution_columns() -> Vec<String> {
    let mut cols: Vec<String> =
        ["institution", "type", "patents", "inventions", "valid_inventions", "high_value", "high_value_share"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    cols.extend(DIMENSION_NAMES.iter().map(|s| s.to_string()));
    cols.extend((1..=9).map(|i| format!("sei_{i}")));
    cols.push("valid_inventions_prev".into());
    cols.push("high_value_prev".into());
    cols.push("parent".into());
    cols.extend(CONVERSION_IN_INSTITUTIONS.iter().map(|s| s.to_string()));
    cols
}

/// An institution's cells, in [`institution_columns`] order.
pub fn institution_values(r: &InstitutionRow) -> Vec<InstitutionValue<'_>> {
    use InstitutionValue::*;
    let counts = r.counts();
    let mut values = vec![Text(&r.institution), Text(&r.kind)];
    values.extend(counts[..4].iter().map(|&u| Count(u)));
    values.push(Share(r.high_value_share_e4));
    values.extend(counts[4..].iter().map(|&u| Count(u)));
    values.push(Text(&r.parent));
    values.extend([
        Count(r.conversion.transferred),
        Count(r.conversion.licensed),
        Money(r.conversion.received_e2()),
        Money(r.reward_e2),
    ]);
    values
}

/// What each column of [`institution_columns`] holds (the values of a row of none),
/// for writers that type a column before, or without, any row.
pub fn institution_column_kinds() -> Vec<InstitutionValue<'static>> {
    use crate::rules::institutions::{Institution, InstitutionType};
    let none = Institution { name: String::new(), kind: InstitutionType::Other, parent: None, known: false };
    let row = InstitutionRow::empty(&none, false, 0);
    institution_values(&row)
        .into_iter()
        .map(|value| match value {
            InstitutionValue::Text(_) => InstitutionValue::Text(""),
            InstitutionValue::Count(u) => InstitutionValue::Count(u),
            InstitutionValue::Share(e4) => InstitutionValue::Share(e4),
            InstitutionValue::Money(e2) => InstitutionValue::Money(e2),
        })
        .collect()
}

/// Columns of `conversion.csv` (SPEC §9), in order.
pub const CONVERSION_COLUMNS: [&str; 12] = [
    "institution",
    "type",
    "transferred",
    "licensed",
    "equity",
    "pledged",
    "transferred_ever",
    "licensed_ever",
    "pledged_ever",
    "conversion_rate",
    "received_wan",
    "reward_wan",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_institution_column_has_a_value() {
        let inst = crate::rules::institutions::AliasTable::builtin().resolve("清华大学");
        let row = InstitutionRow::empty(&inst, false, 2);
        assert_eq!(institution_values(&row).len(), institution_columns().len());
        assert_eq!(institution_column_kinds().len(), institution_columns().len());
        assert_eq!(institution_columns().len(), 28);
    }
}
