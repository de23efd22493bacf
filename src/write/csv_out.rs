//! The small CSV outputs: `institutions.csv`, `unresolved.csv`, `rejects.csv`, `warnings.csv`
//! (`patents.csv` is written by [`crate::write::patents`]).

use std::path::Path;

use anyhow::{Context, Result};

use crate::aggregate::{InstitutionRow, UnresolvedName};
use crate::model::{RowIssue, DIMENSION_NAMES};
use crate::write::neutralise;

fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(std::io::BufWriter::new(f)))
}

/// Write one row, neutralising formula-like cells unless `raw`.
fn write_row<W: std::io::Write>(w: &mut csv::Writer<W>, cells: &[String], raw: bool) -> csv::Result<()> {
    if raw {
        w.write_record(cells)
    } else {
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
    }
}

/// Columns of `institutions.csv` (SPEC §5), in order.
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
    cols
}

/// Write `institutions.csv`.
pub fn write_institutions(path: &Path, rows: &[InstitutionRow], raw: bool) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(institution_columns())?;
    for r in rows {
        let counts: Vec<String> = r.counts().into_iter().map(|u| r.count_text(u)).collect();
        let mut cells = vec![r.institution.clone(), r.kind.clone()];
        cells.extend_from_slice(&counts[..4]);
        cells.push(r.share_text());
        cells.extend_from_slice(&counts[4..]);
        cells.push(r.parent.clone());
        write_row(&mut w, &cells, raw)?;
    }
    w.flush()?;
    Ok(())
}

/// Write `unresolved.csv`: holder names the alias table does not know, with their type by words
/// and patent counts, so that an analyst knows which aliases to add.
pub fn write_unresolved(path: &Path, names: &[UnresolvedName], raw: bool) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["name", "type", "patents"])?;
    for n in names {
        write_row(&mut w, &[n.name.clone(), n.kind.as_str().to_string(), n.patents.to_string()], raw)?;
    }
    w.flush()?;
    Ok(())
}

/// Write `rejects.csv` or `warnings.csv`: file, line, column, value, reason, raw row.
/// Every CSV writer neutralises formula-like cells unless `raw` (config `raw_cells`).
pub fn write_issues(path: &Path, issues: &[RowIssue], raw: bool) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["file", "line", "column", "value", "reason", "raw"])?;
    for i in issues {
        write_row(
            &mut w,
            &[i.file.clone(), i.line.to_string(), i.column.clone(), i.value.clone(), i.reason.clone(), i.raw.clone()],
            raw,
        )?;
    }
    w.flush()?;
    Ok(())
}
