//! Parquet outputs (`patents.parquet`, `institutions.parquet`) built as polars frames.

use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::aggregate::InstitutionRow;
use crate::rules::institutions::UNIT;
use crate::write::direct::SharedFile;
use crate::write::schema::{
    institution_column_kinds, institution_columns, institution_values, ColumnType, InstitutionValue, PATENT_COLUMNS,
};

fn save(path: &Path, mut df: DataFrame) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    ParquetWriter::new(f).finish(&mut df).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

fn text_col<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    Column::from(Series::new(name.into(), values.collect::<Vec<&str>>()))
}

/// `patents.parquet`: the columns of `patents.csv`, typed as [`PATENT_COLUMNS`] says
/// (dates as `date32`, booleans, counts), values raw. Row groups are encoded and compressed in parallel ([`PatentsWriter::encode`],
/// any thread) and written in order ([`PatentsWriter::write`]).
pub struct PatentsWriter {
    path: std::path::PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<SharedFile>,
    /// The file the writer writes through, finished after its footer.
    file: SharedFile,
}

/// A row group encoded and compressed, ready to be written.
pub type EncodedGroup =
    Box<dyn FnOnce(&polars::io::parquet::write::BatchedWriter<SharedFile>) -> PolarsResult<()> + Send>;

impl PatentsWriter {
    /// Create the file.
    pub fn create(path: &Path) -> Result<PatentsWriter> {
        let err = |e: PolarsError| anyhow::anyhow!("cannot write {}: {e}", path.display());
        let file = SharedFile::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let schema = PatentColumns::with_capacity(0).frame().map_err(err)?.schema().clone();
        // LZ4 without statistics: the per-patent table is written for loading
        // elsewhere, and zstd on its evidence text cost as much as rendering it.
        let writer = ParquetWriter::new(file.clone())
            .with_compression(ParquetCompression::Lz4Raw)
            .with_statistics(StatisticsOptions::empty())
            .batched(&schema)
            .map_err(err)?;
        Ok(PatentsWriter { path: path.to_path_buf(), writer, file })
    }

    /// Encode and compress one row group: patents' cells, gathered by column.
    pub fn encode(&self, columns: PatentColumns) -> Result<EncodedGroup> {
        let err = |e: PolarsError| anyhow::anyhow!("cannot write {}: {e}", self.path.display());
        let df = columns.frame().map_err(err)?;
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
        let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot write {}: {e}", self.path.display());
        self.writer.finish().map_err(|e| err(&e))?;
        self.file.finish().map_err(|e| err(&e))
    }
}

/// Patents' cells gathered column by column as they are rendered, each typed as
/// [`PATENT_COLUMNS`] says, for one row group: no patent's cells are kept as text.
pub struct PatentColumns(Vec<ColumnValues>);

/// The values of one column of [`PatentColumns`].
enum ColumnValues {
    Text(StringChunkedBuilder),
    Date(Vec<Option<i32>>),
    Bool(Vec<bool>),
    Count(Vec<u32>),
    Number(Vec<Option<u32>>),
    Ratio(Vec<Option<f64>>),
    Flag(Vec<Option<bool>>),
}

impl PatentColumns {
    /// Room for `rows` patents.
    pub fn with_capacity(rows: usize) -> PatentColumns {
        let values = PATENT_COLUMNS.iter().map(|column| match column.kind {
            ColumnType::Text => ColumnValues::Text(StringChunkedBuilder::new(column.name.into(), rows)),
            ColumnType::Date => ColumnValues::Date(Vec::with_capacity(rows)),
            ColumnType::Bool => ColumnValues::Bool(Vec::with_capacity(rows)),
            ColumnType::Count => ColumnValues::Count(Vec::with_capacity(rows)),
            ColumnType::Number => ColumnValues::Number(Vec::with_capacity(rows)),
            ColumnType::Ratio => ColumnValues::Ratio(Vec::with_capacity(rows)),
            ColumnType::Flag => ColumnValues::Flag(Vec::with_capacity(rows)),
        });
        PatentColumns(values.collect())
    }

    /// Add the cell of column `i` of the next patent, as rendered for `patents.csv`
    /// (raw): a date known to the year only (the CSV writes the year) is null.
    #[inline]
    pub fn push(&mut self, i: usize, cell: &str) {
        match &mut self.0[i] {
            ColumnValues::Text(values) => values.append_value(cell),
            ColumnValues::Date(values) => values.push(days_since_epoch(cell)),
            ColumnValues::Bool(values) => values.push(cell == "true"),
            ColumnValues::Count(values) => values.push(cell.parse().unwrap_or(0)),
            ColumnValues::Number(values) => values.push(cell.parse().ok()),
            ColumnValues::Ratio(values) => values.push(cell.parse().ok()),
            ColumnValues::Flag(values) => values.push((!cell.is_empty()).then_some(cell == "true")),
        }
    }

    /// Add the cell of column `i` as the value it was rendered from; `text` (its CSV
    /// text, raw) is read as [`PatentColumns::push`] reads it when the column's type is
    /// not the value's. The same values as reading the text, without parsing it.
    #[inline]
    pub fn push_typed(&mut self, i: usize, value: Typed, text: &str) {
        match (&mut self.0[i], value) {
            (ColumnValues::Bool(values), Typed::Bool(b)) => values.push(b),
            (ColumnValues::Flag(values), Typed::Bool(b)) => values.push(Some(b)),
            (ColumnValues::Flag(values), Typed::Flag(f)) => values.push(f),
            (ColumnValues::Count(values), Typed::Count(n)) => values.push(n),
            (ColumnValues::Date(values), Typed::Date(d)) => values.push(d.and_then(days_of)),
            (ColumnValues::Number(values), Typed::Number(n)) => values.push(n),
            (ColumnValues::Ratio(values), Typed::Ratio(None)) => values.push(None),
            // The nearest double to e4 / 10⁴ either way: the text is that decimal, and
            // the division of two exact doubles is rounded to nearest.
            (ColumnValues::Ratio(values), Typed::Ratio(Some(e4))) if e4 <= 1 << 53 => {
                values.push(Some(e4 as f64 / 10_000.0))
            }
            _ => self.push(i, text),
        }
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        let cols = PATENT_COLUMNS
            .iter()
            .zip(self.0)
            .map(|(column, values)| {
                let name: PlSmallStr = column.name.into();
                Ok(match values {
                    ColumnValues::Text(values) => Column::from(values.finish().into_series()),
                    ColumnValues::Date(values) => Series::new(name, values).cast(&DataType::Date).map(Column::from)?,
                    ColumnValues::Bool(values) => Column::from(Series::new(name, values)),
                    ColumnValues::Count(values) => Column::from(Series::new(name, values)),
                    ColumnValues::Number(values) => Column::from(Series::new(name, values)),
                    ColumnValues::Ratio(values) => Column::from(Series::new(name, values)),
                    ColumnValues::Flag(values) => Column::from(Series::new(name, values)),
                })
            })
            .collect::<PolarsResult<Vec<Column>>>()?;
        DataFrame::new_infer_height(cols)
    }
}

/// A cell's value as it was rendered, for [`PatentColumns::push_typed`].
#[derive(Debug, Clone, Copy)]
pub enum Typed {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Count(u32),
    /// A date (`None`: the cell is empty or the year alone).
    Date(Option<chrono::NaiveDate>),
    /// A whole number or nothing.
    Number(Option<u32>),
    /// A ratio in ten-thousandths, or nothing.
    Ratio(Option<u64>),
    /// `true` / `false` or nothing.
    Flag(Option<bool>),
}

/// 1970-01-01 counted from 0001-01-01 (day 1).
const EPOCH_FROM_CE: i32 = 719_163;

/// Days from 1970-01-01 to `date`, when it is written `YYYY-MM-DD` (years 0–9999), as
/// [`days_since_epoch`] reads that text.
fn days_of(date: chrono::NaiveDate) -> Option<i32> {
    use chrono::Datelike;
    (0..=9999).contains(&date.year()).then(|| date.num_days_from_ce() - EPOCH_FROM_CE)
}

/// Days from 1970-01-01 to a `YYYY-MM-DD` cell (`None` for an empty cell or a year alone).
fn days_since_epoch(cell: &str) -> Option<i32> {
    use chrono::Datelike;
    let b = cell.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let date = chrono::NaiveDate::from_ymd_opt(number(&b[..4])? as i32, number(&b[5..7])?, number(&b[8..])?)?;
    Some(date.num_days_from_ce() - EPOCH_FROM_CE)
}

/// Write `institutions.parquet`: the columns of `institutions.csv`; counts are whole
/// numbers under full counting and floats under fractional counting, the share and
/// amounts floats.
pub fn write_institutions(path: &Path, rows: &[InstitutionRow]) -> Result<()> {
    let values: Vec<Vec<InstitutionValue<'_>>> = rows.iter().map(institution_values).collect();
    let fractional = rows.first().is_some_and(|r| r.fractional);
    let kinds = institution_column_kinds();
    let cols: Vec<Column> = institution_columns()
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let name = name.as_str().into();
            let cells = rows.iter().zip(&values).map(|(r, v)| (r, v[k]));
            match kinds[k] {
                InstitutionValue::Count(_) if !fractional => {
                    let v: Vec<u64> =
                        cells.map(|(_, v)| if let InstitutionValue::Count(u) = v { u / UNIT } else { 0 }).collect();
                    Column::from(Series::new(name, v))
                }
                InstitutionValue::Count(_) | InstitutionValue::Share(_) | InstitutionValue::Money(_) => {
                    let v: Vec<f64> = cells
                        .map(|(r, v)| match v {
                            InstitutionValue::Count(u) => r.count_json(u).as_f64().unwrap_or(0.0),
                            InstitutionValue::Share(e4) => e4 as f64 / 10_000.0,
                            InstitutionValue::Money(e2) => e2 as f64 / 100.0,
                            InstitutionValue::Text(_) => 0.0,
                        })
                        .collect();
                    Column::from(Series::new(name, v))
                }
                InstitutionValue::Text(_) => {
                    text_col(name.as_str(), cells.map(|(_, v)| if let InstitutionValue::Text(t) = v { t } else { "" }))
                }
            }
        })
        .collect();
    save(path, DataFrame::new_infer_height(cols)?)
}

/// Write `quality.parquet`: the columns of `quality.csv`, counts as whole numbers,
/// medians, means and shares as floats (null when unknown).
pub fn write_quality(path: &Path, rows: &[crate::aggregate::institution_quality::QualityRow]) -> Result<()> {
    let names = crate::aggregate::institution_quality::quality_columns();
    let mut cols: Vec<Column> = vec![
        text_col(&names[0], rows.iter().map(|r| r.institution.as_str())),
        text_col(&names[1], rows.iter().map(|r| r.kind.as_str())),
        Column::from(Series::new(
            names[2].as_str().into(),
            rows.iter().map(|r| r.valid_inventions).collect::<Vec<u64>>(),
        )),
    ];
    let figure = |e4: Option<u64>| e4.map(|v| v as f64 / 10_000.0);
    for (k, indicator) in names[3..names.len() - 2].chunks(3).enumerate() {
        let known: Vec<u64> = rows.iter().map(|r| r.indicators[k].known).collect();
        let median: Vec<Option<f64>> = rows.iter().map(|r| figure(r.indicators[k].median_e4)).collect();
        let mean: Vec<Option<f64>> = rows.iter().map(|r| figure(r.indicators[k].mean_e4)).collect();
        cols.push(Column::from(Series::new(indicator[0].as_str().into(), known)));
        cols.push(Column::from(Series::new(indicator[1].as_str().into(), median)));
        cols.push(Column::from(Series::new(indicator[2].as_str().into(), mean)));
    }
    let last = &names[names.len() - 2..];
    cols.push(Column::from(Series::new(
        last[0].as_str().into(),
        rows.iter().map(|r| r.top10_cited_known).collect::<Vec<u64>>(),
    )));
    cols.push(Column::from(Series::new(
        last[1].as_str().into(),
        rows.iter().map(|r| figure(r.top10_cited_share_e4)).collect::<Vec<Option<f64>>>(),
    )));
    save(path, DataFrame::new_infer_height(cols)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each typed column, filled once from values and once from their text.
    #[test]
    fn typed_cells_are_the_values_their_text_reads_as() {
        use chrono::NaiveDate;
        let column = |kind: ColumnType| PATENT_COLUMNS.iter().position(|c| c.kind == kind).unwrap();
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let dates = [date(1970, 1, 1), date(2024, 2, 29), date(1, 1, 1), date(10_000, 1, 1), date(-1, 12, 31), None];
        let e4s = [
            Some(0),
            Some(1),
            Some(12_345),
            Some(99_999_999),
            Some(1 << 53),
            Some((1 << 53) + 1),
            Some(u64::MAX),
            None,
        ];
        let mut cases: Vec<(usize, Typed, String)> = Vec::new();
        for d in dates {
            let mut text = String::new();
            if let Some(d) = d {
                crate::rules::dates::Ymd(d).push_to(&mut text);
            }
            cases.push((column(ColumnType::Date), Typed::Date(d), text));
        }
        for e4 in e4s {
            let mut text = String::new();
            if let Some(e4) = e4 {
                crate::rules::figures::push_e4(&mut text, e4);
            }
            cases.push((column(ColumnType::Ratio), Typed::Ratio(e4), text));
        }
        for n in [Some(0), Some(7), Some(u32::MAX), None] {
            cases.push((column(ColumnType::Number), Typed::Number(n), n.map(|n| n.to_string()).unwrap_or_default()));
        }
        for b in [true, false] {
            cases.push((column(ColumnType::Bool), Typed::Bool(b), b.to_string()));
            cases.push((column(ColumnType::Flag), Typed::Bool(b), b.to_string()));
        }
        cases.push((column(ColumnType::Flag), Typed::Flag(None), String::new()));
        cases.push((column(ColumnType::Count), Typed::Count(5), "5".into()));
        // A value given for a column of another type is read from its text.
        cases.push((column(ColumnType::Text), Typed::Count(5), "5".into()));
        for (i, value, text) in cases {
            let (mut typed, mut read) = (PatentColumns::with_capacity(1), PatentColumns::with_capacity(1));
            for k in 0..PATENT_COLUMNS.len() {
                if k == i {
                    typed.push_typed(k, value, &text);
                    read.push(k, &text);
                } else {
                    typed.push(k, "");
                    read.push(k, "");
                }
            }
            let (typed, read) = (typed.frame().unwrap(), read.frame().unwrap());
            assert!(typed.equals_missing(&read), "{value:?} {text:?}: {typed:?} {read:?}");
        }
    }

    #[test]
    fn dates_count_days_from_1970() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("1969-12-31"), Some(-1));
        assert_eq!(days_since_epoch("2024-02-29"), Some(19_782));
        assert_eq!(days_since_epoch("2023-02-29"), None);
        assert_eq!(days_since_epoch("2015"), None);
        assert_eq!(days_since_epoch(""), None);
        assert_eq!(days_since_epoch("2015-1-01x"), None);
    }
}
