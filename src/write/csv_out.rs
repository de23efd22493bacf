//! The CSV outputs: `patents.csv`, `institutions.csv`, `rejects.csv`, `warnings.csv`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::aggregate::{InstitutionRow, UnresolvedName};
use crate::model::{RowIssue, DIMENSION_NAMES};
use crate::score::Scored;
use crate::write::neutralise;

/// Columns of `patents.csv` (SPEC §5).
pub const PATENT_COLUMNS: [&str; 19] = [
    "patent_id",
    "pub_no",
    "title",
    "kind",
    "filing_date",
    "grant_date",
    "status",
    "holders",
    "ipc",
    "eligible",
    "d1_sei",
    "d2_overseas",
    "d3_maintained",
    "d4_pledge",
    "d5_award",
    "dimensions",
    "high_value",
    "sei_codes",
    "evidence",
];

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

fn bool_text(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The evidence column: eligibility, then one line per dimension, joined by ` | `.
pub fn evidence_text(s: &Scored) -> String {
    let mut parts = vec![s.verdict.eligibility.clone()];
    for (i, e) in s.verdict.evidence.iter().enumerate() {
        parts.push(format!("D{} {e}", i + 1));
    }
    parts.join(" | ")
}

/// The cells of one `patents.csv` row (also used for Parquet).
pub fn patent_cells(s: &Scored) -> Vec<String> {
    let p = &s.patent;
    let v = &s.verdict;
    let mut cells = vec![
        p.id.to_string(),
        p.pub_no.clone(),
        p.title.clone(),
        p.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        p.filing_date.to_string(),
        date_text(p.grant_date),
        p.status.clone(),
        p.holders.join(";"),
        p.ipc.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(";"),
        bool_text(v.eligible),
    ];
    cells.extend(v.dimensions.iter().map(|d| bool_text(*d)));
    cells.push(v.dimension_count().to_string());
    cells.push(bool_text(v.high_value()));
    cells.push(s.sei_codes.join(";"));
    cells.push(evidence_text(s));
    cells
}

/// Write `patents.csv`.
pub fn write_patents(path: &Path, scored: &[Scored], raw: bool) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(PATENT_COLUMNS)?;
    for s in scored {
        write_row(&mut w, &patent_cells(s), raw)?;
    }
    w.flush()?;
    Ok(())
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
