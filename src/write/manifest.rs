//! `manifest.json` (what was run on what, and the row accounting) and
//! `institutions.json`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::aggregate::InstitutionRow;
use crate::read::snapshot::FileInfo;
use crate::write::schema::{institution_columns, institution_values, InstitutionValue, CONVERSION_IN_INSTITUTIONS};

/// One input file in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputRecord {
    /// `portfolio`, `families`, `pledges`, `awards`, `aliases`, `concordance`.
    pub role: &'static str,
    /// Path, size and hash.
    #[serde(flatten)]
    pub file: FileInfo,
    /// Data rows read.
    pub rows: usize,
}

/// Row accounting of the portfolio (`rows_read = scored + duplicates + out_of_scope + rejected`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Portfolio data rows read.
    pub rows_read: usize,
    /// Distinct CN patents scored.
    pub scored: usize,
    /// Rows merged into a patent already seen.
    pub duplicates: usize,
    /// Documents of other offices.
    pub out_of_scope: usize,
    /// Rows written to `rejects.csv`.
    pub rejected: usize,
    /// Side-table rows written to `rejects.csv`.
    pub side_rejected: usize,
    /// Warnings written to `warnings.csv`.
    pub warnings: usize,
    /// Patents eligible on `as_of`.
    pub eligible: usize,
    /// High-value patents on `as_of`.
    pub high_value: usize,
    /// Rows of `institutions.csv`.
    pub institutions: usize,
}

impl Counts {
    /// Whether the portfolio rows add up.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.scored + self.duplicates + self.out_of_scope + self.rejected
    }
}

/// Write any serialisable value as pretty JSON with a final newline.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// `institutions.json`: an array of objects with the columns of `institutions.csv`,
/// then `trend`: valid inventions and high-value patents at each trend date.
pub fn institutions_json(rows: &[InstitutionRow], trend_dates: &[chrono::NaiveDate]) -> Value {
    let names = institution_columns();
    Value::Array(
        rows.iter()
            .map(|r| {
                let values = institution_values(r).into_iter().map(|value| match value {
                    InstitutionValue::Text(text) => json!(text),
                    InstitutionValue::Count(units) => r.count_json(units),
                    InstitutionValue::Share(e4) => json!(e4 as f64 / 10_000.0),
                    InstitutionValue::Money(e2) => json!(e2 as f64 / 100.0),
                });
                let mut object: Map<String, Value> = names.iter().cloned().zip(values).collect();
                let trend: Vec<Value> = trend_dates
                    .iter()
                    .zip(&r.trend)
                    .map(|(d, (valid, high))| {
                        json!({ "as_of": d.to_string(), "valid_inventions": r.count_json(*valid), "high_value": r.count_json(*high) })
                    })
                    .collect();
                object.insert("trend".into(), Value::Array(trend));
                // The conversion figures come after every key that was there before them.
                for name in CONVERSION_IN_INSTITUTIONS {
                    if let Some(value) = object.shift_remove(name) {
                        object.insert(name.into(), value);
                    }
                }
                Value::Object(object)
            })
            .collect(),
    )
}

/// The manifest's `coverage` object: `inventions`, then per question the number of
/// inventions for which it is assessable (exactly the keys of SPEC §8).
pub fn coverage_json(coverage: &crate::rules::coverage::Coverage) -> Value {
    let mut object = Map::new();
    object.insert("inventions".into(), json!(coverage.inventions));
    for q in crate::rules::coverage::QUESTIONS {
        object.insert(q.key().into(), json!(coverage.of(q)));
    }
    Value::Object(object)
}
