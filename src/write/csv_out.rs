//! The small CSV outputs: `institutions.csv`, `unresolved.csv`, `rejects.csv`, `warnings.csv`
//! (`patents.csv` is written by [`crate::write::patents`]).

use std::path::Path;

use anyhow::{Context, Result};

use crate::aggregate::{InstitutionRow, UnresolvedName};
use crate::rules::figures::{e2_text, e4_text};
use crate::rules::model::RowIssue;
use crate::write::schema::{institution_columns, institution_values, InstitutionValue, CONVERSION_COLUMNS};
use crate::write::{push_csv_row, CsvStyle};

/// A small CSV file gathered in memory, rows encoded by [`push_csv_row`].
struct CsvFile<'p> {
    path: &'p Path,
    text: String,
    raw: bool,
}

impl<'p> CsvFile<'p> {
    fn new(path: &'p Path, style: CsvStyle) -> CsvFile<'p> {
        CsvFile { path, text: style.start().to_string(), raw: style.raw }
    }

    /// Add the header row (written as it is).
    fn header<S: AsRef<str>>(&mut self, cells: &[S]) {
        push_csv_row(&mut self.text, cells.iter().map(AsRef::as_ref), true);
    }

    /// Add one row, neutralising formula-like cells unless `raw`.
    fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        push_csv_row(&mut self.text, cells.iter().map(AsRef::as_ref), self.raw);
    }

    fn save(self) -> Result<()> {
        std::fs::write(self.path, self.text).with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// The cells of an institution's conversion figures, in [`CONVERSION_COLUMNS`] order
/// after the name and type.
pub fn conversion_cells(r: &InstitutionRow) -> Vec<String> {
    let c = &r.conversion;
    let mut cells: Vec<String> = c.counts().iter().map(|u| r.count_text(*u)).collect();
    cells.push(e4_text(r.conversion_rate_e4));
    cells.push(e2_text(c.received_e2()));
    cells.push(e2_text(r.reward_e2));
    cells
}

/// Write `conversion.csv`: one row per institution, in `institutions.csv` order.
pub fn write_conversion(path: &Path, rows: &[InstitutionRow], style: CsvStyle) -> Result<()> {
    let mut w = CsvFile::new(path, style);
    w.header(&CONVERSION_COLUMNS);
    for r in rows {
        let mut cells = vec![r.institution.clone(), r.kind.clone()];
        cells.extend(conversion_cells(r));
        w.row(&cells);
    }
    w.save()
}

/// Write `institutions.csv`.
pub fn write_institutions(path: &Path, rows: &[InstitutionRow], style: CsvStyle) -> Result<()> {
    let mut w = CsvFile::new(path, style);
    w.header(&institution_columns());
    for r in rows {
        let cells: Vec<String> = institution_values(r)
            .into_iter()
            .map(|value| match value {
                InstitutionValue::Text(text) => text.to_string(),
                InstitutionValue::Count(units) => r.count_text(units),
                InstitutionValue::Share(e4) => e4_text(e4),
                InstitutionValue::Money(e2) => e2_text(e2),
            })
            .collect();
        w.row(&cells);
    }
    w.save()
}

/// Write `quality.csv`: one row per institution, in `institutions.csv` order (SPEC §12).
pub fn write_quality(
    path: &Path,
    rows: &[crate::aggregate::institution_quality::QualityRow],
    style: CsvStyle,
) -> Result<()> {
    let mut w = CsvFile::new(path, style);
    w.header(&crate::aggregate::institution_quality::quality_columns());
    for r in rows {
        w.row(&r.cells());
    }
    w.save()
}

/// Write `unresolved.csv`: holder names the alias table does not know, with their type by words
/// and patent counts, so that an analyst knows which aliases to add.
pub fn write_unresolved(path: &Path, names: &[UnresolvedName], style: CsvStyle) -> Result<()> {
    let mut w = CsvFile::new(path, style);
    w.header(&["name", "type", "patents"]);
    for n in names {
        w.row(&[n.name.clone(), n.kind.as_str().to_string(), n.patents.to_string()]);
    }
    w.save()
}

/// Write `rejects.csv` or `warnings.csv`: file, line, column, value, reason, raw row.
/// Every CSV writer neutralises formula-like cells unless `style.raw` (config `raw_cells`).
pub fn write_issues(path: &Path, issues: &[RowIssue], style: CsvStyle) -> Result<()> {
    let mut w = CsvFile::new(path, style);
    w.header(&["file", "line", "column", "value", "reason", "raw"]);
    for i in issues {
        let line = i.line.to_string();
        w.row(&[i.file.as_str(), &line, &i.column, &i.value, &i.reason, &i.raw]);
    }
    w.save()
}
