//! Parquet outputs (`patents.parquet`, `institutions.parquet`) built as polars frames.

use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::aggregate::{InstitutionRow, UNIT};
use crate::model::DIMENSION_NAMES;
use crate::score::Scored;
use crate::write::csv_out::{evidence_text, institution_columns};

fn save(path: &Path, mut df: DataFrame) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    ParquetWriter::new(f).finish(&mut df).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

fn text_col<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    Column::from(Series::new(name.into(), values.collect::<Vec<&str>>()))
}

/// Write `patents.parquet`: the columns of `patents.csv`, typed (booleans, counts), values raw.
pub fn write_patents(path: &Path, scored: &[Scored]) -> Result<()> {
    let owned: Vec<[String; 7]> = scored
        .iter()
        .map(|s| {
            let p = &s.patent;
            [
                p.id.to_string(),
                p.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
                p.filing_date.to_string(),
                p.grant_date.map(|d| d.to_string()).unwrap_or_default(),
                p.holders.join(";"),
                p.ipc.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(";"),
                evidence_text(s),
            ]
        })
        .collect();
    let text = |name: &str, i: usize| text_col(name, owned.iter().map(|o| o[i].as_str()));
    let flag = |name: &str, f: &dyn Fn(&Scored) -> bool| -> Column {
        Column::from(Series::new(name.into(), scored.iter().map(f).collect::<Vec<bool>>()))
    };
    let mut cols = vec![
        text("patent_id", 0),
        text_col("pub_no", scored.iter().map(|s| s.patent.pub_no.as_str())),
        text_col("title", scored.iter().map(|s| s.patent.title.as_str())),
        text("kind", 1),
        text("filing_date", 2),
        text("grant_date", 3),
        text_col("status", scored.iter().map(|s| s.patent.status.as_str())),
        text("holders", 4),
        text("ipc", 5),
        flag("eligible", &|s| s.verdict.eligible),
    ];
    for (i, name) in DIMENSION_NAMES.iter().enumerate() {
        cols.push(flag(name, &|s| s.verdict.dimensions[i]));
    }
    cols.push(Column::from(Series::new(
        "dimensions".into(),
        scored.iter().map(|s| s.verdict.dimension_count() as u32).collect::<Vec<u32>>(),
    )));
    cols.push(flag("high_value", &|s| s.verdict.high_value()));
    let sei: Vec<String> = scored.iter().map(|s| s.sei_codes.join(";")).collect();
    cols.push(text_col("sei_codes", sei.iter().map(String::as_str)));
    cols.push(text("evidence", 6));
    save(path, DataFrame::new_infer_height(cols)?)
}

/// Write `institutions.parquet`: the columns of `institutions.csv`; counts are whole
/// numbers under full counting and floats under fractional counting, the share a float.
pub fn write_institutions(path: &Path, rows: &[InstitutionRow]) -> Result<()> {
    let names = institution_columns();
    let counts: Vec<Vec<u64>> = rows.iter().map(InstitutionRow::counts).collect();
    let fractional = rows.first().is_some_and(|r| r.fractional);
    let count = |name: &str, k: usize| -> Column {
        if fractional {
            let v: Vec<f64> =
                rows.iter().zip(&counts).map(|(r, c)| r.count_json(c[k]).as_f64().unwrap_or(0.0)).collect();
            Column::from(Series::new(name.into(), v))
        } else {
            Column::from(Series::new(name.into(), counts.iter().map(|c| c[k] / UNIT).collect::<Vec<u64>>()))
        }
    };
    let mut cols = vec![
        text_col("institution", rows.iter().map(|r| r.institution.as_str())),
        text_col("type", rows.iter().map(|r| r.kind.as_str())),
    ];
    for k in 0..4 {
        cols.push(count(&names[2 + k], k));
    }
    cols.push(Column::from(Series::new(
        "high_value_share".into(),
        rows.iter().map(|r| r.high_value_share_e4 as f64 / 10_000.0).collect::<Vec<f64>>(),
    )));
    for k in 4..counts.first().map_or(20, Vec::len) {
        cols.push(count(&names[3 + k], k));
    }
    cols.push(text_col("parent", rows.iter().map(|r| r.parent.as_str())));
    save(path, DataFrame::new_infer_height(cols)?)
}
