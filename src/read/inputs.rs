//! Reading a run's portfolio files and reference tables: each portfolio file
//! scanned, then parsed, normalised and merged a batch of segments at a time; the
//! concordance and alias table built in or read from the files named.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::progress::{Progress, Unit};
use crate::read::attach::push_distinct;
use crate::read::file_info::slashed;
use crate::read::portfolio::{normalize_rows, Merged, RowOutcome};
use crate::read::profile::{ColumnMap, Layout, Profile};
use crate::read::table_file::TableFile;
use crate::read::{InputError, InputRecord, PortfolioFile};
use crate::rules::concordance::Concordance;
use crate::rules::institutions::AliasTable;

/// The concordance (with its label for the manifest) and the alias table: built in,
/// or read from the files named.
pub fn reference_tables(
    concordance: Option<&Path>,
    alias_file: Option<&Path>,
    inputs: &mut Vec<InputRecord>,
) -> Result<(Concordance, String, AliasTable), InputError> {
    let (concordance, concordance_label) = match concordance {
        None => (Concordance::builtin(), "built-in (cn-patent-ipc 2021 table + legacy rows)".to_string()),
        Some(path) => {
            let (text, file) = read_text(path)?;
            let c = Concordance::from_csv(&text)
                .map_err(|e| InputError::Table { path: path.to_path_buf(), message: e.to_string() })?;
            inputs.push(InputRecord { role: "concordance", file, rows: c.len() });
            (c, slashed(path))
        }
    };
    let mut aliases = AliasTable::builtin();
    if let Some(path) = alias_file {
        let t = read_text(path)?;
        let n = aliases
            .add_csv(&t.0)
            .map_err(|e| InputError::Table { path: path.to_path_buf(), message: e.to_string() })?;
        inputs.push(InputRecord { role: "aliases", file: t.1, rows: n });
    }
    Ok((concordance, concordance_label, aliases))
}

/// The portfolio files read and normalised, their rows taken into `merged` (not yet
/// finished: sorted and merged by id).
pub struct PortfolioRead {
    /// The rows taken.
    pub merged: Merged,
    /// Data rows read.
    pub rows_read: usize,
    /// The column names the holders were looked for under, over every file.
    pub holder_columns: Vec<&'static str>,
    /// Whether any file has a legal-event column.
    pub event_columns: bool,
    /// Each file's layout and encoding.
    pub files: Vec<PortfolioFile>,
}

/// Read, normalise and merge every portfolio file (a workbook's `sheet`, the layout
/// `profile` when forced, the `columns` mapped).
pub fn read_portfolios(
    files: &[PathBuf],
    sheet: Option<&str>,
    profile: Option<Profile>,
    columns: &ColumnMap,
    inputs: &mut Vec<InputRecord>,
    progress: &dyn Progress,
) -> Result<PortfolioRead, InputError> {
    let mut read = PortfolioRead {
        merged: Merged::default(),
        rows_read: 0,
        holder_columns: Vec::new(),
        event_columns: false,
        files: Vec::new(),
    };
    for (file, path) in files.iter().enumerate() {
        // Two stages a file: the scan (hash, UTF-8, row boundaries; or the read of a
        // file read whole), then the parse.
        let file_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        progress.start("scanning", file_bytes, Unit::Bytes);
        let table = TableFile::open_reporting(path, sheet, &|n| progress.advance(n))?;
        progress.finish();
        progress.start("reading", file_bytes, Unit::Bytes);
        let layout = Layout::locate_with(&table.header_table(), profile, columns)?;
        read.event_columns |= layout.has_events();
        for name in layout.holder_columns() {
            push_distinct(&mut read.holder_columns, name);
        }
        let rows = read_portfolio_file(&table, &layout, file, path, &mut read.merged, progress)?;
        progress.finish();
        read.rows_read += rows;
        read.files.push(PortfolioFile {
            label: slashed(path),
            profile: layout.profile,
            encoding: table.encoding,
            rows,
            roles: layout.roles(&table.headers),
        });
        inputs.push(InputRecord { role: "portfolio", rows, file: table.info });
    }
    Ok(read)
}

/// Parse, normalise and merge one portfolio file; its number of rows.
///
/// Segments are parsed and normalised in parallel, each dropped once its rows are
/// records, a batch at a time; a batch is merged (in order) while the next one is
/// parsed. The file is never held as one parsed table.
fn read_portfolio_file(
    table: &TableFile,
    layout: &Layout,
    file: usize,
    path: &Path,
    merged: &mut Merged,
    progress: &dyn Progress,
) -> Result<usize, InputError> {
    let parse = |range: std::ops::Range<usize>| -> Result<Vec<(usize, Vec<RowOutcome>)>, InputError> {
        range
            .into_par_iter()
            .map(|i| {
                let rows = table.segment(i)?;
                Ok((rows.height(), normalize_rows(&rows, layout, file, &slashed(path))))
            })
            .collect()
    };
    merged.reserve(table.rows_at_most());
    let (segments, batch) = (table.segments(), 4 * rayon::current_num_threads());
    let mut rows = 0;
    let mut ready = Vec::new();
    let mut read_bytes = 0u64;
    // The last step parses nothing and merges the last batch.
    for start in (0..segments).step_by(batch).chain(std::iter::once(segments)) {
        let merge = || {
            for (n, outcomes) in ready {
                rows += n;
                merged.take(outcomes);
            }
        };
        let end = (start + batch).min(segments);
        let (_, next) = rayon::join(merge, || parse(start..end));
        ready = next?;
        let bytes: u64 = (start..end).map(|i| table.segment_bytes(i) as u64).sum();
        progress.advance(bytes);
        read_bytes += bytes;
    }
    // The header, and a workbook read whole.
    progress.advance(table.info.bytes.saturating_sub(read_bytes));
    Ok(rows)
}

/// A reference table's text, decoded like every other input (UTF-8 with or without
/// BOM, UTF-16, GB18030).
fn read_text(path: &Path) -> Result<(String, crate::read::file_info::FileInfo), InputError> {
    let (info, bytes) = crate::read::file_info::FileInfo::read(path)?;
    let (text, _) = crate::read::table_file::decode(path, bytes)?;
    Ok((text, info))
}
