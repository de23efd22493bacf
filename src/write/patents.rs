//! `patents.csv` and `patents.parquet` in one pass: each patent's cells, evidence
//! included, are rendered once, in parallel, a chunk at a time; the chunk's CSV
//! bytes and Parquet row group are written and dropped, so memory stays bounded
//! by the chunk, not by the portfolio.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::memory::prefetch_ahead_with_names;
use crate::rules::dates::Ymd;
use crate::score::{ScoreContext, Scored};
use crate::write::direct::SharedFile;
use crate::write::parquet::{PatentColumns, Typed};
use crate::write::schema::{PatentCells, PATENT_COLUMNS};
use crate::write::{push_csv_row, CsvStyle};

/// Patents rendered per chunk: a part for each core, so that a chunk's text (and the
/// one being written beside it) stays near ten megabytes.
const CHUNK: usize = 2 * PART;

/// Room for one `patents.csv` row, generous: the synthetic portfolios' rows average
/// about 450 bytes, so a part's bytes are rarely copied as they grow.
const ROW_ROOM: usize = 640;

/// Patents per part of a chunk, rendered by one task: also a Parquet row group.
const PART: usize = 1 << 14;

/// Patents per part without a Parquet row group to make: 32 parts a chunk, so that
/// the core that has written the chunk before finds some of them left to render, and
/// neither core waits long for the other's last part at the chunk's end (with two
/// parts that wait was a seventh of the stage at 1M; with eight, 1M's same job still
/// spent 620 ms writing against 592 ms with 32; 128 bought nothing more).
const CSV_PART: usize = PART / 16;

/// Render one patent's cells; the evidence is the verdict at `as_of`: eligibility,
/// then one line per dimension, joined by ` | `.
pub fn patent_cells(s: &Scored, ctx: &ScoreContext<'_>) -> PatentCells {
    let mut cells = CellWriter::cells();
    cells.render(s, ctx);
    PatentCells::new(cells.text, cells.ends)
}

/// Rows' text being rendered: one row's cells, with where each ends; or CSV rows,
/// each cell finished (quoted, neutralised) in place as it ends; and, for Parquet,
/// each cell handed to its column as it ends.
struct CellWriter {
    text: String,
    ends: [u32; PATENT_COLUMNS.len()],
    col: usize,
    /// Writing CSV rows: whether raw (not neutralised).
    csv: Option<bool>,
    /// Gathering the cells by column (for a Parquet row group).
    columns: Option<PatentColumns>,
    /// Where the current cell starts in `text`.
    start: usize,
}

impl CellWriter {
    /// A writer of one row's cells.
    fn cells() -> CellWriter {
        CellWriter::rows(String::with_capacity(512), None, None)
    }

    /// A writer of CSV rows into `text` (when `csv` is `Some(raw)`) and of the cells
    /// by column (when `columns`).
    fn rows(text: String, csv: Option<bool>, columns: Option<PatentColumns>) -> CellWriter {
        CellWriter { text, ends: [0u32; PATENT_COLUMNS.len()], col: 0, csv, columns, start: 0 }
    }

    /// Render `s`'s cells: replacing the row held, or after the CSV rows written.
    fn render(&mut self, s: &Scored, ctx: &ScoreContext<'_>) {
        if self.csv.is_none() {
            self.text.clear();
        }
        self.col = 0;
        self.start = self.text.len();
        record_cells(self, &s.patent);
        verdict_cells(self, s, ctx);
        quality_cells(self, s, ctx);
    }

    /// End the current cell.
    #[inline(always)]
    fn end(&mut self) {
        self.hand_to_column();
        if let Some(raw) = self.csv {
            crate::write::finish_csv_cell(&mut self.text, self.start, raw);
        }
        self.next_cell();
    }

    /// End a cell rendered from `value`, which its Parquet column takes as it is;
    /// finished as a CSV cell when `finish` (`true` and counts need neither quoting
    /// nor neutralising).
    #[inline(always)]
    fn end_as(&mut self, value: Typed, finish: bool) {
        if let Some(columns) = &mut self.columns {
            columns.push_typed(self.col, value, &self.text[self.start..]);
        }
        if let (Some(raw), true) = (self.csv, finish) {
            crate::write::finish_csv_cell(&mut self.text, self.start, raw);
        }
        self.next_cell();
    }

    /// Hand the current cell, raw, to its column.
    #[inline(always)]
    fn hand_to_column(&mut self) {
        if let Some(columns) = &mut self.columns {
            columns.push(self.col, &self.text[self.start..]);
        }
    }

    #[inline(always)]
    fn next_cell(&mut self) {
        self.ends[self.col] = self.text.len() as u32;
        self.col += 1;
        if self.csv.is_some() {
            self.text.push(if self.col == PATENT_COLUMNS.len() { '\n' } else { ',' });
            self.start = self.text.len();
        } else if self.columns.is_some() {
            // Without CSV rows the cell is not kept.
            self.text.clear();
            self.start = 0;
        }
    }

    /// A `true` or `false` cell.
    fn flag(&mut self, b: bool) {
        // Each spelling a constant: copied in place, not through a call to memcpy.
        if b {
            self.text.push_str("true");
        } else {
            self.text.push_str("false");
        }
        self.end_as(Typed::Bool(b), false);
    }

    /// A cell of `items` joined by `;`.
    fn list<'a>(&mut self, items: impl Iterator<Item = &'a str>) {
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.text.push(';');
            }
            self.text.push_str(item);
        }
        self.end();
    }

    fn cell(&mut self, text: &str) {
        self.text.push_str(text);
        self.end();
    }
}

/// The record's cells: numbers, title, kind, dates, status, holders, IPC codes.
fn record_cells(w: &mut CellWriter, p: &crate::rules::model::Patent) {
    w.cell(&p.id.0);
    w.cell(p.texts.pub_no());
    w.cell(p.texts.title());
    w.cell(p.kind.map_or("", |k| k.as_str()));
    match p.filing_year_only {
        true => {
            let _ = write!(w.text, "{}", chrono::Datelike::year(&p.filing_date));
        }
        false => Ymd(p.filing_date).push_to(&mut w.text),
    }
    w.end_as(Typed::Date((!p.filing_year_only).then_some(p.filing_date)), true);
    if let Some(g) = p.grant_date {
        Ymd(g).push_to(&mut w.text);
    }
    w.end_as(Typed::Date(p.grant_date), true);
    w.cell(&p.status);
    w.list(p.holders.iter().map(|h| &**h));
    for (i, code) in p.ipc.iter().enumerate() {
        if i > 0 {
            w.text.push(';');
        }
        code.write_to(&mut w.text);
    }
    w.end();
}

/// The verdict's cells: eligibility, the five dimensions, their count, high value,
/// the SEI categories and the evidence line.
fn verdict_cells(w: &mut CellWriter, s: &Scored, ctx: &ScoreContext<'_>) {
    let (p, v) = (&s.patent, s.verdict());
    w.flag(v.eligible);
    for d in v.dimensions {
        w.flag(d);
    }
    let count = v.dimension_count();
    w.text.push_str(itoa::Buffer::new().format(count));
    w.end_as(Typed::Count(count as u32), false);
    w.flag(v.high_value());
    w.list(s.sei().iter().map(|&i| ctx.concordance.category(i as usize).code.as_str()));
    let matches = ctx.sei_matches(s);
    crate::rules::dimensions::write_evidence(&mut w.text, p, &matches, ctx.as_of, ctx.rules);
    w.end();
}

/// The quality indicators' cells (SPEC §12): the patent's own, then relative to its cohort.
fn quality_cells(w: &mut CellWriter, s: &Scored, ctx: &ScoreContext<'_>) {
    let indicators = ctx.indicators(&s.patent);
    let relative = ctx.relative(&s.patent, &indicators);
    let mut digits = itoa::Buffer::new();
    for value in indicators.own() {
        if let Some(v) = value {
            w.text.push_str(digits.format(v));
        }
        w.end_as(Typed::Number(value), true);
    }
    for value in relative.values {
        let e4 = value.map(crate::rules::figures::ratio_e4);
        if let Some(e4) = e4 {
            crate::rules::figures::push_e4(&mut w.text, e4);
        }
        w.end_as(Typed::Ratio(e4), true);
    }
    match relative.top10_cited {
        Some(top) => w.flag(top),
        None => w.end_as(Typed::Flag(None), false),
    }
}

/// A part of the patents rendered: its CSV bytes and its Parquet row group, each
/// when that file is written.
type Rendered = (Option<Vec<u8>>, Option<crate::write::parquet::EncodedGroup>);

/// Write `patents.csv` and `patents.parquet` (the same columns, typed: booleans and
/// counts; values raw), each when its path is given, the CSV as `style` says.
pub fn write_patents(
    csv_path: Option<&Path>,
    parquet_path: Option<&Path>,
    scored: &[Scored],
    ctx: &ScoreContext<'_>,
    style: CsvStyle,
    progress: &dyn crate::progress::Progress,
) -> Result<()> {
    let csv = csv_path.map(|path| create_csv(path, style).map(|file| (file, path))).transpose()?;
    let parquet = parquet_path.map(crate::write::parquet::PatentsWriter::create).transpose()?;
    // Each part is rendered, turned into CSV bytes and a compressed Parquet row group,
    // and its cells dropped, in parallel.
    let render = |chunk: &[Scored]| -> Result<Vec<Rendered>> {
        let csv = csv.as_ref().map(|_| style.raw);
        let part = if parquet.is_some() { PART } else { CSV_PART };
        chunk.par_chunks(part).map(|part| render_part(part, ctx, csv, parquet.as_ref())).collect()
    };
    // Chunk k is written (CSV bytes, then its Parquet row groups) while chunk k + 1 renders.
    let write = |rendered: Vec<Rendered>, patents: usize| -> Result<()> {
        let mut groups = Vec::with_capacity(rendered.len());
        for (bytes, group) in rendered {
            if let (Some((file, path)), Some(bytes)) = (&csv, bytes) {
                (&*file).write_all(&bytes).with_context(|| format!("cannot write {}", path.display()))?;
            }
            groups.extend(group);
        }
        if let Some(parquet) = &parquet {
            parquet.write(groups)?;
        }
        progress.advance(patents as u64);
        Ok(())
    };
    let mut pending: Option<(Vec<Rendered>, usize)> = None;
    for chunk in scored.chunks(CHUNK) {
        let (written, rendered) = rayon::join(|| pending.take().map_or(Ok(()), |(r, n)| write(r, n)), || render(chunk));
        written?;
        pending = Some((rendered?, chunk.len()));
    }
    if let Some((r, n)) = pending {
        write(r, n)?;
    }
    if let Some((file, path)) = &csv {
        file.finish().with_context(|| format!("cannot write {}", path.display()))?;
    }
    parquet.map_or(Ok(()), |p| p.finish())
}

/// `patents.csv` created, with its byte-order mark (when `style` says) and header.
fn create_csv(path: &Path, style: CsvStyle) -> Result<SharedFile> {
    let file = SharedFile::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    // Rows arrive as buffers of thousands of rows: written straight to the file.
    let mut header = style.start().to_string();
    push_csv_row(&mut header, PATENT_COLUMNS.iter().map(|c| c.name), style.raw);
    (&file).write_all(header.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(file)
}

/// One part's rows rendered: its CSV bytes when `csv` (`Some(raw)`), its Parquet row
/// group when `parquet`; no row's cells are kept.
fn render_part(
    part: &[Scored],
    ctx: &ScoreContext<'_>,
    csv: Option<bool>,
    parquet: Option<&crate::write::parquet::PatentsWriter>,
) -> Result<Rendered> {
    let text = String::with_capacity(if csv.is_some() { part.len() * ROW_ROOM } else { 512 });
    let columns = parquet.map(|_| PatentColumns::with_capacity(part.len()));
    let mut rows = CellWriter::rows(text, csv, columns);
    for (k, s) in part.iter().enumerate() {
        // The records lie apart in memory, each loaded as it is rendered: asked for a
        // few patents ahead, they and their holders' and status's texts are in the
        // cache when their turn comes.
        prefetch_ahead_with_names(part, k, |s| Some(&*s.patent));
        rows.render(s, ctx);
    }
    let group = match (parquet, rows.columns.take()) {
        (Some(parquet), Some(columns)) => Some(parquet.encode(columns)?),
        _ => None,
    };
    Ok((csv.map(|_| rows.text.into_bytes()), group))
}
