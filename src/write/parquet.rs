//! Parquet outputs (`patents.parquet`, `institutions.parquet`) built as polars frames.

use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::aggregate::{InstitutionRow, UNIT};
use crate::model::DIMENSION_NAMES;
use crate::score::Scored;
use crate::write::csv_out::institution_columns;
use crate::write::patents::{PatentCells, PATENT_COLUMNS};

fn save(path: &Path, mut df: DataFrame) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    ParquetWriter::new(f).finish(&mut df).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

fn text_col<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    Column::from(Series::new(name.into(), values.collect::<Vec<&str>>()))
}

/// `patents.parquet`: the columns of `patents.csv`, typed (booleans, counts), values
/// raw. Row groups are encoded and compressed in parallel ([`PatentsWriter::encode`],
/// any thread) and written in order ([`PatentsWriter::write`]).
pub struct PatentsWriter {
    path: std::path::PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<std::fs::File>,
}

/// A row group encoded and compressed, ready to be written.
pub type EncodedGroup =
    Box<dyn FnOnce(&polars::io::parquet::write::BatchedWriter<std::fs::File>) -> PolarsResult<()> + Send>;

/// Columns of `patents.csv` that stay text in Parquet.
const TEXT_COLUMNS: [usize; 11] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 17, 18];

impl PatentsWriter {
    /// Create the file.
    pub fn create(path: &Path) -> Result<PatentsWriter> {
        let err = |e: PolarsError| anyhow::anyhow!("cannot write {}: {e}", path.display());
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let schema = Self::frame(&[], &[]).map_err(err)?.schema().clone();
        // LZ4 without statistics: the per-patent table is written for loading
        // elsewhere, and zstd on its evidence text cost as much as rendering it.
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Lz4Raw)
            .with_statistics(StatisticsOptions::empty())
            .batched(&schema)
            .map_err(err)?;
        Ok(PatentsWriter { path: path.to_path_buf(), writer })
    }

    fn frame(scored: &[Scored], cells: &[PatentCells]) -> PolarsResult<DataFrame> {
        let text = |i: usize| text_col(PATENT_COLUMNS[i], cells.iter().map(|c| c.get(i)));
        let flag = |name: &str, f: &dyn Fn(&Scored) -> bool| -> Column {
            Column::from(Series::new(name.into(), scored.iter().map(f).collect::<Vec<bool>>()))
        };
        let mut cols: Vec<Column> = TEXT_COLUMNS[..9].iter().map(|&i| text(i)).collect();
        // A filing date known to the year only is null here (the CSV writes the year).
        cols[4] = Column::from(Series::new(
            PATENT_COLUMNS[4].into(),
            scored
                .iter()
                .zip(cells)
                .map(|(s, c)| (!s.patent.filing_year_only).then(|| c.get(4)))
                .collect::<Vec<Option<&str>>>(),
        ));
        cols.push(flag("eligible", &|s| s.verdict.eligible));
        for (i, name) in DIMENSION_NAMES.iter().enumerate() {
            cols.push(flag(name, &|s| s.verdict.dimensions[i]));
        }
        cols.push(Column::from(Series::new(
            "dimensions".into(),
            scored.iter().map(|s| s.verdict.dimension_count() as u32).collect::<Vec<u32>>(),
        )));
        cols.push(flag("high_value", &|s| s.verdict.high_value()));
        cols.push(text(17));
        cols.push(text(18));
        DataFrame::new_infer_height(cols)
    }

    /// Encode and compress one row group: scored patents and their rendered cells, in
    /// the same order.
    pub fn encode(&self, scored: &[Scored], cells: &[PatentCells]) -> Result<EncodedGroup> {
        let err = |e: PolarsError| anyhow::anyhow!("cannot write {}: {e}", self.path.display());
        let df = Self::frame(scored, cells).map_err(err)?;
        let groups = self.writer.encode_and_compress(&df).collect::<PolarsResult<Vec<_>>>().map_err(err)?;
        Ok(Box::new(move |w| w.write_row_groups(groups)))
    }

    /// Write encoded row groups, in order.
    pub fn write(&self, groups: Vec<EncodedGroup>) -> Result<()> {
        for group in groups {
            group(&self.writer).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.path.display()))?;
        }
        Ok(())
    }

    /// Write the footer.
    pub fn finish(self) -> Result<()> {
        self.writer.finish().map(|_| ()).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.path.display()))
    }
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
    let conversion_count = |name: &str, f: fn(&InstitutionRow) -> u64| -> Column {
        if fractional {
            let v: Vec<f64> = rows.iter().map(|r| r.count_json(f(r)).as_f64().unwrap_or(0.0)).collect();
            Column::from(Series::new(name.into(), v))
        } else {
            Column::from(Series::new(name.into(), rows.iter().map(|r| f(r) / UNIT).collect::<Vec<u64>>()))
        }
    };
    cols.push(conversion_count("transferred", |r| r.conversion.transferred));
    cols.push(conversion_count("licensed", |r| r.conversion.licensed));
    let money = |name: &str, f: fn(&InstitutionRow) -> i64| -> Column {
        Column::from(Series::new(name.into(), rows.iter().map(|r| f(r) as f64 / 100.0).collect::<Vec<f64>>()))
    };
    cols.push(money("received_wan", |r| r.conversion.received_e2()));
    cols.push(money("reward_wan", |r| r.reward_e2));
    save(path, DataFrame::new_infer_height(cols)?)
}
