//! `patents.csv` and `patents.parquet` in one pass: each patent's cells, evidence
//! included, are rendered once, in parallel, a chunk at a time; the chunk's CSV
//! bytes and Parquet row group are written and dropped, so memory stays bounded
//! by the chunk, not by the portfolio.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;

use crate::rules::dates::Ymd;
use crate::score::{ScoreContext, Scored};
use crate::write::schema::{PatentCells, PATENT_COLUMNS};
use crate::write::{push_csv_row, CsvStyle};

/// Patents rendered per chunk: enough to keep both cores busy, small enough that
/// a chunk's text stays in tens of megabytes.
const CHUNK: usize = 1 << 16;

/// Patents per part of a chunk, rendered by one task: also a Parquet row group.
const PART: usize = 1 << 14;

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it.
fn push_date(text: &mut String, date: NaiveDate) {
    let _ = write!(text, "{}", Ymd(date));
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Render one patent's cells; the evidence is the verdict at `as_of`: eligibility,
/// then one line per dimension, joined by ` | `.
pub fn patent_cells(s: &Scored, ctx: &ScoreContext<'_>) -> PatentCells {
    let p = &s.patent;
    let v = s.verdict();
    let mut text = String::with_capacity(512);
    let mut ends = [0u32; PATENT_COLUMNS.len()];
    let mut col = 0;
    let mut end = |text: &String| {
        ends[col] = text.len() as u32;
        col += 1;
    };
    let join = |text: &mut String, items: &mut dyn Iterator<Item = &str>| {
        for (i, item) in items.enumerate() {
            if i > 0 {
                text.push(';');
            }
            text.push_str(item);
        }
    };
    text.push_str(&p.id.0);
    end(&text);
    text.push_str(&p.pub_no);
    end(&text);
    text.push_str(&p.title);
    end(&text);
    text.push_str(p.kind.map_or("", |k| k.as_str()));
    end(&text);
    match p.filing_year_only {
        true => {
            let _ = write!(text, "{}", chrono::Datelike::year(&p.filing_date));
        }
        false => push_date(&mut text, p.filing_date),
    }
    end(&text);
    if let Some(g) = p.grant_date {
        push_date(&mut text, g);
    }
    end(&text);
    text.push_str(&p.status);
    end(&text);
    join(&mut text, &mut p.holders.iter().map(|h| &**h));
    end(&text);
    for (i, code) in p.ipc.iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        code.write_to(&mut text);
    }
    end(&text);
    text.push_str(bool_text(v.eligible));
    end(&text);
    for d in v.dimensions {
        text.push_str(bool_text(d));
        end(&text);
    }
    let _ = write!(text, "{}", v.dimension_count());
    end(&text);
    text.push_str(bool_text(v.high_value()));
    end(&text);
    join(&mut text, &mut s.sei.iter().map(|&i| ctx.concordance.category(i.into()).code.as_str()));
    end(&text);
    let matches = ctx.concordance.match_codes(&p.ipc);
    crate::rules::dimensions::write_evidence(&mut text, p, &matches, ctx.as_of, ctx.rules);
    end(&text);
    let indicators = ctx.indicators(p);
    let relative = ctx.relative(p, &indicators);
    let mut digits = itoa::Buffer::new();
    for value in indicators.own() {
        if let Some(v) = value {
            text.push_str(digits.format(v));
        }
        end(&text);
    }
    for value in relative.values {
        if let Some(v) = value {
            text.push_str(&crate::rules::figures::ratio_text(v));
        }
        end(&text);
    }
    if let Some(top) = relative.top10_cited {
        text.push_str(bool_text(top));
    }
    end(&text);
    PatentCells::new(text, ends)
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
    let raw = style.raw;
    let csv = match csv_path {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            // Rows arrive as buffers of thousands of rows: written straight to the file.
            let mut header = style.start().to_vec();
            header.extend(csv_bytes(std::iter::once(PATENT_COLUMNS.iter().map(|c| c.name)), raw, 1 << 10)?);
            (&file).write_all(&header).with_context(|| format!("cannot write {}", path.display()))?;
            Some((file, path))
        }
        None => None,
    };
    let parquet = parquet_path.map(crate::write::parquet::PatentsWriter::create).transpose()?;
    // Each part is rendered, turned into CSV bytes and a compressed Parquet row group,
    // and its cells dropped, in parallel.
    let render = |chunk: &[Scored]| -> Result<Vec<Rendered>> {
        chunk
            .par_chunks(PART)
            .map(|part| {
                let cells: Vec<PatentCells> = part.iter().map(|s| patent_cells(s, ctx)).collect();
                let bytes = csv.as_ref().map(|_| {
                    // The text, a separator per cell and a little for quoting: room enough
                    // nearly always, so the part's bytes are not copied as they grow.
                    let room = cells.iter().map(|c| c.text_len() + c.text_len() / 32 + PATENT_COLUMNS.len()).sum();
                    csv_bytes(cells.iter().map(PatentCells::iter), raw, room)
                });
                let group = parquet.as_ref().map(|p| p.encode(&cells)).transpose()?;
                Ok((bytes.transpose()?, group))
            })
            .collect()
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
        (&*file).flush().with_context(|| format!("cannot write {}", path.display()))?;
    }
    parquet.map_or(Ok(()), |p| p.finish())
}

/// Rows as CSV bytes (`\n` line ends), formula-like cells neutralised unless `raw`,
/// in a buffer made with `room` bytes.
fn csv_bytes<'a, R, C>(rows: R, raw: bool, room: usize) -> Result<Vec<u8>>
where
    R: Iterator<Item = C>,
    C: Iterator<Item = &'a str>,
{
    let mut out = Vec::with_capacity(room);
    for row in rows {
        push_csv_row(&mut out, row, raw);
    }
    Ok(out)
}
