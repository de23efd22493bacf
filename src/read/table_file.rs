//! Reading one input file into an all-text table: CSV in UTF-8 (with or without
//! BOM), UTF-16 or GB18030 with any of three delimiters, or an Excel/ODS workbook
//! (calamine); with the file's size and sha256 for the manifest. A CSV file is
//! split at row boundaries into segments that are parsed (csv crate) in parallel,
//! one at a time per core, so a large portfolio never exists as one parsed table;
//! a UTF-8 one is scanned a piece at a time and its segments read again when
//! parsed, so it is never in memory whole either.

use std::io::Cursor;
use std::ops::Range;
use std::path::Path;

use csv::StringRecord;

use crate::read::cells::{Cells, RawTable};
use crate::read::csv_rows::split_rows;
use crate::read::file_info::{self, FileInfo};
use crate::read::InputError;

/// Segments are cut at the first row boundary after this many bytes.
const SEGMENT_BYTES: usize = 4 << 20;

/// A decoded CSV file, or a workbook's rows, ready to be parsed a segment at a time.
pub struct TableFile {
    /// The file's identity.
    pub info: FileInfo,
    /// Header names, trimmed, BOM removed.
    pub headers: Vec<String>,
    /// The encoding the file was read in.
    pub encoding: &'static str,
    body: Body,
}

enum Body {
    Text {
        text: Text,
        delimiter: u8,
        segments: Vec<(Range<usize>, u64)>,
        rows: usize,
    },
    /// A UTF-8 CSV file scanned by [`TableFile::scan`]: its segments (byte ranges of
    /// the file, each with its first line) are read again when parsed.
    File {
        file: std::fs::File,
        delimiter: u8,
        segments: Vec<(Range<usize>, u64)>,
        rows: usize,
    },
    Rows(Cells, Vec<u64>),
}

/// A CSV file's bytes read whole into memory (one not in UTF-8, decoded; or bytes
/// given), past a BOM and any title rows. UTF-8 when the table was made:
/// checked when opened, or decoded from another encoding; each segment's cells are
/// checked again when they become text.
struct Text {
    bytes: Vec<u8>,
    start: usize,
}

impl Text {
    fn bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

/// A regular file opened, with its stamp; `None` for anything else (told from the
/// path before opening it: a named pipe opened here and closed again would lose
/// what its writer sent, so it is read whole, opened once).
fn open_regular(path: &Path) -> std::io::Result<Option<(std::fs::File, file_info::Stamp)>> {
    if !std::fs::metadata(path)?.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    Ok(meta.is_file().then(|| (file, file_info::Stamp::of(&meta))))
}

/// The header in the first piece of a UTF-8 file (after its byte-order mark), with
/// a row splitter starting after it and the mark's length; `None` when the piece
/// holds no header, or ends before the header does (`eof` false).
fn header_in(path: &Path, first: &[u8], eof: bool) -> Option<(HeaderFound, RowSplitter, usize)> {
    let bom = if first.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let header = find_header(path, &first[bom..]).ok()?;
    if header.exhausted && !eof {
        return None;
    }
    let start = bom + header.preamble + header.body_start;
    let splitter = RowSplitter::new(start, header.body_line, header.delimiter);
    Some((header, splitter, bom))
}

impl TableFile {
    /// Read and decode a file (a workbook's first sheet, or `sheet`).
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<TableFile, InputError> {
        TableFile::open_reporting(path, sheet, &|_| {})
    }

    /// [`TableFile::open`], telling `scanned` the bytes scanned or read as it goes.
    pub fn open_reporting(path: &Path, sheet: Option<&str>, scanned: &dyn Fn(u64)) -> Result<TableFile, InputError> {
        // A scan that gives up part way has told some bytes already.
        let told = std::cell::Cell::new(0u64);
        let tell = |n: u64| {
            told.set(told.get() + n);
            scanned(n);
        };
        if !is_workbook(path) {
            if let Some(table) = TableFile::scan(path, &tell)? {
                return Ok(table);
            }
        }
        let (bytes, stamp) = file_info::read(path)?;
        scanned((bytes.len() as u64).saturating_sub(told.get()));
        if is_workbook(path) {
            let info = FileInfo { stamp, ..FileInfo::of(path, &bytes) };
            return read_workbook(path, &bytes, info, sheet);
        }
        // UTF-8, the usual case, is checked while the file is hashed.
        let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let (info, utf8) = rayon::join(|| FileInfo::of(path, &bytes), || is_utf8(&bytes[bom..]));
        let info = FileInfo { stamp, ..info };
        if utf8 {
            let encoding = if bom > 0 { "UTF-8 (BOM)" } else { "UTF-8" };
            return TableFile::from_text(path, info, Text { bytes, start: bom }, encoding);
        }
        TableFile::from_read(path, info, bytes, sheet)
    }

    /// [`TableFile::open`] on bytes already read; `path` names them in messages and
    /// tells a workbook by its extension.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, sheet: Option<&str>) -> Result<TableFile, InputError> {
        TableFile::from_read(path, FileInfo::of(path, &bytes), bytes, sheet)
    }

    fn from_read(path: &Path, info: FileInfo, bytes: Vec<u8>, sheet: Option<&str>) -> Result<TableFile, InputError> {
        if is_workbook(path) {
            return read_workbook(path, &bytes, info, sheet);
        }
        let (text, encoding) = decode(path, bytes)?;
        TableFile::from_text(path, info, Text { bytes: text.into_bytes(), start: 0 }, encoding)
    }

    fn from_text(path: &Path, info: FileInfo, mut text: Text, encoding: &'static str) -> Result<TableFile, InputError> {
        let found = find_header(path, text.bytes())?;
        text.start += found.preamble;
        let bytes = text.bytes();
        let mut splitter = RowSplitter::new(found.body_start, found.body_line, found.delimiter);
        splitter.feed(&bytes[found.body_start..], found.body_start);
        let rows = splitter.lines_after_start();
        let segments = splitter.finish(bytes.len()).map_err(|line| unclosed_quote(path, line))?;
        let (headers, delimiter) = (found.headers, found.delimiter);
        Ok(TableFile { info, headers, encoding, body: Body::Text { text, delimiter, segments, rows } })
    }

    /// Scan a UTF-8 CSV file a piece at a time (its hash, the UTF-8 check, its header
    /// and its row boundaries) without keeping it: its segments are read again, one at
    /// a time, when parsed, so a large portfolio is never in memory whole. `None` for
    /// what this cannot read (not a regular file, not UTF-8, a header not found in the
    /// first piece): such a file is read whole. A change to the file between the scan
    /// and the reading of a segment shows in its stamp ([`FileInfo::check_unchanged`]).
    fn scan(path: &Path, scanned_bytes: &dyn Fn(u64)) -> Result<Option<TableFile>, InputError> {
        let io = |e| InputError::Io { path: path.to_path_buf(), source: e };
        let Some((mut file, before)) = open_regular(path).map_err(io)? else { return Ok(None) };
        // Giving up after reading has started: a file that changed meanwhile (cut inside
        // a character, say) is reported, not read again whole as if nothing happened.
        let give_up = || file_info::check_unchanged(path, &before).map(|()| None);
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        // Each piece is hashed while the next one is read and scanned: the scan takes
        // about as long as the hash, not the read and then the hash. `piece` holds the
        // bytes from `offset` on, read and not yet scanned; `hashing` the last piece,
        // whose bytes from `fresh` on are not hashed yet.
        let (mut piece, mut offset) = (Vec::with_capacity(PIECE_BYTES), 0usize);
        let (mut hashing, mut fresh) = (Vec::with_capacity(PIECE_BYTES), 0usize);
        let mut found: Option<(HeaderFound, RowSplitter, usize)> = None;
        let bom = loop {
            let (_, step) = rayon::join(
                || sha2::Digest::update(&mut hasher, &hashing[fresh..]),
                || scan_piece(path, &mut file, &mut piece, offset, &mut found),
            );
            let step = step.map_err(io)?;
            hashing.clear();
            let Some(cut) = step.cut else {
                // No line end yet: the piece grows, and its new bytes go to be hashed.
                hashing.extend_from_slice(&piece[step.searched..]);
                fresh = 0;
                continue;
            };
            // The piece scanned goes to be hashed; what follows its last line end starts
            // the next one.
            hashing.extend_from_slice(&piece[cut..]);
            std::mem::swap(&mut piece, &mut hashing);
            fresh = step.searched;
            let Some(bom) = step.bom else { return give_up() };
            scanned_bytes(cut as u64);
            offset += cut;
            if step.eof {
                break bom;
            }
        };
        sha2::Digest::update(&mut hasher, &hashing[fresh..]);
        let Some((header, splitter, _)) = found else { return give_up() };
        file_info::check_read(path, &before, offset as u64)?;
        let rows = splitter.lines_after_start();
        let segments = splitter.finish(offset).map_err(|line| unclosed_quote(path, line))?;
        let info = FileInfo {
            path: path.to_path_buf(),
            bytes: offset as u64,
            sha256: file_info::hex(&sha2::Digest::finalize(hasher)),
            stamp: Some(before),
        };
        let encoding = if bom > 0 { "UTF-8 (BOM)" } else { "UTF-8" };
        let body = Body::File { file, delimiter: header.delimiter, segments, rows };
        Ok(Some(TableFile { info, headers: header.headers, encoding, body }))
    }

    /// The headers alone, as a table without rows (to locate columns).
    pub fn header_table(&self) -> RawTable {
        RawTable {
            info: self.info.clone(),
            headers: self.headers.clone(),
            rows: Cells::new(),
            lines: Vec::new(),
            encoding: self.encoding,
        }
    }

    /// At least the number of data rows (lines after the header), to reserve room for them.
    pub fn rows_at_most(&self) -> usize {
        match &self.body {
            Body::Text { rows, .. } | Body::File { rows, .. } => *rows,
            Body::Rows(rows, _) => rows.rows(),
        }
    }

    /// Number of segments.
    pub fn segments(&self) -> usize {
        match &self.body {
            Body::Text { segments, .. } | Body::File { segments, .. } => segments.len(),
            Body::Rows(..) => 1,
        }
    }

    /// The bytes of segment `i` (0 for a workbook, read whole when opened).
    pub fn segment_bytes(&self, i: usize) -> usize {
        match &self.body {
            Body::Text { segments, .. } | Body::File { segments, .. } => {
                segments.get(i).map_or(0, |(range, _)| range.len())
            }
            Body::Rows(..) => 0,
        }
    }

    /// Parse segment `i` into a table of its rows.
    pub fn segment(&self, i: usize) -> Result<RawTable, InputError> {
        let mut table = self.header_table();
        match &self.body {
            Body::Text { text, delimiter, segments, .. } => {
                let (range, first_line) = &segments[i];
                let bytes = text.bytes()[range.clone()].to_vec();
                self.parse_rows(&mut table, bytes, *first_line, *delimiter, range.start + text.start)?;
            }
            Body::File { file, delimiter, segments, .. } => {
                let (range, first_line) = &segments[i];
                let mut bytes = vec![0u8; range.len()];
                // What the scan saw, unless the file changed since: then that is the error.
                let read = read_at(file, &mut bytes, range.start as u64)
                    .map_err(|e| InputError::Io { path: self.info.path.clone(), source: e })
                    .and_then(|()| self.parse_rows(&mut table, bytes, *first_line, *delimiter, range.start));
                if let Err(e) = read {
                    self.info.check_unchanged()?;
                    return Err(e);
                }
            }
            Body::Rows(rows, lines) => {
                table.rows = rows.clone();
                table.lines = lines.clone();
            }
        }
        Ok(table)
    }

    /// Parse one segment's `bytes` (starting on `first_line`, at byte `offset` of the
    /// text) into `table`'s rows ([`split_rows`]: the bytes become the rows' text).
    fn parse_rows(
        &self,
        table: &mut RawTable,
        bytes: Vec<u8>,
        first_line: u64,
        delimiter: u8,
        offset: usize,
    ) -> Result<(), InputError> {
        let rows = memchr::memchr_iter(b'\n', &bytes).count() + 1;
        table.lines.reserve(rows);
        table.rows.reserve(rows, self.headers.len().max(1));
        // UTF-8 text cut at ASCII bytes (delimiters, quotes, line ends) stays
        // UTF-8; checked all the same, so no cell is ever text it is not.
        split_rows(bytes, delimiter, first_line, &mut table.rows, &mut table.lines)
            .map_err(|valid_up_to| InputError::Encoding { path: self.info.path.clone(), offset: offset + valid_up_to })
    }

    /// Every row in one table.
    pub fn into_table(self) -> Result<RawTable, InputError> {
        if let Body::Rows(rows, lines) = self.body {
            return Ok(RawTable { info: self.info, headers: self.headers, rows, lines, encoding: self.encoding });
        }
        let mut table = self.header_table();
        for i in 0..self.segments() {
            let part = self.segment(i)?;
            table.rows.append(&part.rows);
            table.lines.extend(part.lines);
        }
        Ok(table)
    }
}

/// What [`scan_piece`] did with one piece.
struct PieceScanned {
    /// Where the piece's new bytes (read this time) start.
    searched: usize,
    /// Where the scan stopped, after the last line end (the file's end at its end);
    /// `None` when the piece has no line end yet (more is read onto it).
    cut: Option<usize>,
    /// The BOM's length when the bytes scanned are UTF-8 and the header was found;
    /// `None` when the scan cannot go on (the file is read whole instead), or nothing
    /// was scanned.
    bom: Option<usize>,
    /// Whether the file ended.
    eof: bool,
}

/// Read a piece of `file` onto `piece` (which holds the bytes from `offset` on) and
/// scan it up to its last line end: the UTF-8 check, the header (into `found`, the
/// first time) and the row boundaries.
fn scan_piece(
    path: &Path,
    file: &mut std::fs::File,
    piece: &mut Vec<u8>,
    offset: usize,
    found: &mut Option<(HeaderFound, RowSplitter, usize)>,
) -> std::io::Result<PieceScanned> {
    // Only the bytes just read are searched for a line end: `piece` had none.
    let searched = piece.len();
    let eof = fill(file, piece, PIECE_BYTES)?;
    let last_line_end = memchr::memrchr(b'\n', &piece[searched..]).map(|i| searched + i + 1);
    let cut = if eof { Some(piece.len()) } else { last_line_end };
    let split = |cut: usize| -> Option<usize> {
        let scanned = &piece[..cut];
        if !is_utf8(scanned) {
            return None;
        }
        let (_, splitter, bom) = match found {
            Some(f) => f,
            None => found.insert(header_in(path, scanned, eof)?),
        };
        let from = splitter.position().saturating_sub(offset).min(cut);
        splitter.feed(&scanned[from..], offset + from);
        Some(*bom)
    };
    let bom = cut.and_then(split);
    Ok(PieceScanned { searched, cut, bom, eof })
}

/// Whether `bytes` are UTF-8: checked a vector at a time (simdutf8), as every input
/// byte is, twice.
fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::basic::from_utf8(bytes).is_ok()
}

fn reader(delimiter: u8, bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes)
}

fn csv_error(path: &Path, e: &csv::Error) -> InputError {
    let line = e.position().map(|p| format!("line {}: ", p.line())).unwrap_or_default();
    InputError::Csv { path: path.to_path_buf(), message: format!("{line}{e}") }
}

/// Cuts a CSV body into segments of about [`SEGMENT_BYTES`] at row boundaries
/// (newlines outside quoted fields), each with the line it starts on, fed the body a
/// piece at a time; each piece ends at a line end, or at the end of the file.
struct RowSplitter {
    delimiter: u8,
    segment_bytes: usize,
    segments: Vec<(Range<usize>, u64)>,
    seg_start: usize,
    seg_line: u64,
    start_line: u64,
    line: u64,
    in_quotes: bool,
    opened_at: u64,
    scanned_to: usize,
}

impl RowSplitter {
    /// A body that starts at byte `start`, on line `first_line`.
    fn new(start: usize, first_line: u64, delimiter: u8) -> RowSplitter {
        RowSplitter {
            delimiter,
            segment_bytes: SEGMENT_BYTES,
            segments: Vec::new(),
            seg_start: start,
            seg_line: first_line,
            start_line: first_line,
            line: first_line,
            in_quotes: false,
            opened_at: 0,
            scanned_to: start,
        }
    }

    /// The byte up to which the body has been scanned.
    fn position(&self) -> usize {
        self.scanned_to
    }

    /// Scan `piece`, the bytes from `offset` on.
    fn feed(&mut self, piece: &[u8], offset: usize) {
        let mut at = 0;
        while let Some(found) = memchr::memchr2(b'"', b'\n', &piece[at..]) {
            let i = at + found;
            at = i + 1;
            if piece[i] == b'\n' {
                self.line += 1;
                if !self.in_quotes && offset + at - self.seg_start >= self.segment_bytes {
                    self.segments.push((self.seg_start..offset + at, self.seg_line));
                    (self.seg_start, self.seg_line) = (offset + at, self.line);
                }
            } else if self.in_quotes {
                if piece.get(at) == Some(&b'"') {
                    at += 1;
                } else {
                    self.in_quotes = false;
                }
            } else if i == 0 || matches!(piece[i - 1], b'\n' | b'\r') || piece[i - 1] == self.delimiter {
                // (A piece starts at a line start.)
                self.in_quotes = true;
                self.opened_at = self.line;
            }
        }
        self.scanned_to = offset + piece.len();
    }

    /// Lines from the body's start to its end (at least its rows).
    fn lines_after_start(&self) -> usize {
        (self.line - self.start_line) as usize + 1
    }

    /// The segments of a body that ends at byte `end`; a quoted field that never
    /// closes is an error carrying the line it opens on.
    fn finish(mut self, end: usize) -> Result<Vec<(Range<usize>, u64)>, u64> {
        if self.in_quotes {
            return Err(self.opened_at);
        }
        if self.seg_start < end {
            self.segments.push((self.seg_start..end, self.seg_line));
        }
        Ok(self.segments)
    }
}

fn unclosed_quote(path: &Path, line: u64) -> InputError {
    InputError::Csv {
        path: path.to_path_buf(),
        message: format!("line {line}: a quoted field opens and is never closed"),
    }
}

/// Bytes read from a CSV file at a time while [`TableFile::scan`] scans it.
const PIECE_BYTES: usize = 8 << 20;

/// Read at least `want` more bytes into `piece` (fewer at the end of the file);
/// whether the end of the file was reached.
fn fill(file: &mut std::fs::File, piece: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    use std::io::Read;
    let target = piece.len() + want;
    while piece.len() < target {
        if (&mut *file).take((target - piece.len()) as u64).read_to_end(piece)? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Fill `bytes` from the file at `offset`.
fn read_at(file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < bytes.len() {
            match std::os::windows::fs::FileExt::seek_read(file, &mut bytes[done..], offset + done as u64)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// Where a CSV text's header row is and what follows it.
struct HeaderFound {
    /// Header names, trimmed, BOM removed.
    headers: Vec<String>,
    delimiter: u8,
    /// Length of a preamble line before the table (Google Patents' `search URL:`).
    preamble: usize,
    /// Where the rows start, from the end of the preamble.
    body_start: usize,
    /// The line the rows start on.
    body_line: u64,
    /// The header search read to the end of the bytes given (so, given the start of a
    /// file, it may need more of it).
    exhausted: bool,
}

/// Find the header row of a CSV text (past a preamble line, and past title or query
/// rows above it: the first of the first rows whose names tell a layout, else the first).
fn find_header(path: &Path, text: &[u8]) -> Result<HeaderFound, InputError> {
    let preamble = preamble_len(text);
    let first_line = if preamble > 0 { 2 } else { 1 };
    let bytes = &text[preamble..];
    if bytes.trim_ascii().is_empty() {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    let delimiter = sniff_delimiter(bytes);
    let mut reader = reader(delimiter, bytes);
    let mut header = StringRecord::new();
    let parsed = reader.read_record(&mut header).map_err(|e| csv_error(path, &e))?;
    let mut body_start = if parsed { past_line_ends(bytes, reader.position().byte() as usize) } else { bytes.len() };
    // A title or the search query may stand above the header row: of the first rows,
    // the header is the first that names the most known columns (else the first row).
    let (mut best, mut ran_out) = (0, !parsed);
    if parsed {
        best = crate::read::profile::header_score(&header_names(&header));
        let mut candidate = StringRecord::new();
        for _ in 1..HEADER_SEARCH_ROWS {
            match reader.read_record(&mut candidate) {
                Ok(true) => {
                    let score = crate::read::profile::header_score(&header_names(&candidate));
                    if score > best {
                        best = score;
                        header = candidate.clone();
                        body_start = past_line_ends(bytes, reader.position().byte() as usize);
                    }
                }
                _ => {
                    ran_out = true;
                    break;
                }
            }
        }
    }
    // The bytes ran out before a header was found (more of the file may hold it), or
    // the header took them all.
    let exhausted = (ran_out && best == 0) || body_start >= bytes.len();
    let header_lines = bytes[..body_start].iter().filter(|&&b| b == b'\n').count() as u64;
    Ok(HeaderFound {
        headers: header_names(&header),
        delimiter,
        preamble,
        body_start,
        body_line: first_line + header_lines,
        exhausted,
    })
}

/// Sniff the delimiter from the header line: the most frequent of comma, tab and semicolon.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let header = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| header.iter().filter(|b| **b == d).count();
    [b',', b'\t', b';'].into_iter().max_by_key(|d| (count(*d), *d == b',')).unwrap_or(b',')
}

/// Decode a file's bytes to text: UTF-8 (with or without BOM; not copied), UTF-16
/// with BOM (Excel's "Unicode text"), or GB18030/GBK as Chinese Excel saves CSV.
/// Returns the text and the encoding's name; bytes that are none of these are an error.
pub fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<(String, &'static str), InputError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(t) => Ok((t, "UTF-8 (BOM)")),
            Err(e) => Err(InputError::Encoding { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() + 3 }),
        };
    }
    for (bom, enc, name) in
        [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE")]
    {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|t| (t.into_owned(), name))
                .ok_or(InputError::Encoding { path: path.to_path_buf(), offset: 0 });
        }
    }
    match String::from_utf8(bytes) {
        Ok(t) => Ok((t, "UTF-8")),
        Err(e) if mixed_utf8(e.as_bytes()) => {
            Err(InputError::MixedEncoding { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(e.as_bytes())
                .filter(|t| !t.contains('\0'))
                .map(|t| (t.into_owned(), "GB18030"))
                .ok_or(InputError::Encoding { path: path.to_path_buf(), offset })
        }
    }
}

/// Whether bytes that are not valid UTF-8 still hold mostly valid UTF-8 multi-byte
/// characters: a file with parts saved in two encodings. (GBK text forms a valid
/// UTF-8 sequence only now and then.)
fn mixed_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    valid > 0 && valid >= invalid
}

/// The names of a header record, trimmed, without a byte-order mark.
fn header_names(record: &StringRecord) -> Vec<String> {
    record.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect()
}

/// `at` moved past line-end bytes: csv positions a record (or the end of the header)
/// on the `\n` of a CRLF, or before blank lines, where the row itself starts later.
fn past_line_ends(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    at.min(bytes.len())
}

/// The length of a Google Patents `search URL:` preamble line (0 when there is none).
fn preamble_len(bytes: &[u8]) -> usize {
    let head = bytes.trim_ascii_start();
    if head.len() >= 10 && head[..10].eq_ignore_ascii_case(b"search url") {
        memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1)
    } else {
        0
    }
}

/// Read a CSV (any supported encoding) or a workbook (first sheet) as text.
pub fn read_table(path: &Path) -> Result<RawTable, InputError> {
    read_table_sheet(path, None)
}

/// [`read_table`] with a named worksheet for workbooks.
pub fn read_table_sheet(path: &Path, sheet: Option<&str>) -> Result<RawTable, InputError> {
    TableFile::open(path, sheet)?.into_table()
}

/// [`read_table_sheet`] on bytes already read; `path` names them in messages and
/// tells a workbook by its extension.
pub fn table_from_bytes(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, InputError> {
    TableFile::from_bytes(path, bytes.to_vec(), sheet)?.into_table()
}

fn cell_text(cell: &calamine::Data) -> String {
    use calamine::{Data, DataType as _};
    match cell {
        Data::DateTime(_) => cell.as_datetime().map(|d| d.date().to_string()).unwrap_or_else(|| cell.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// What a file with a workbook's name is when it is no workbook: some systems save
/// an HTML page, an XML Spreadsheet 2003 file or plain delimited text as `.xls`.
#[derive(Debug, PartialEq, Eq)]
enum Disguise {
    /// A binary workbook (OLE) or a zip (xlsx, ods): what calamine reads.
    Workbook,
    Html,
    SpreadsheetMl,
    Text,
}

fn disguise(bytes: &[u8]) -> Disguise {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") || bytes.starts_with(b"PK") || bytes.is_empty() {
        return Disguise::Workbook;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let text = head.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') && text.contains("urn:schemas-microsoft-com:office:spreadsheet") && !text.contains("<html")
    {
        Disguise::SpreadsheetMl
    } else if text.starts_with('<') && ["<html", "<table", "<!doctype html"].iter().any(|t| text.contains(t)) {
        Disguise::Html
    } else if !bytes[..bytes.len().min(4096)].contains(&0) {
        Disguise::Text
    } else {
        Disguise::Workbook
    }
}

fn read_workbook(path: &Path, bytes: &[u8], info: FileInfo, sheet: Option<&str>) -> Result<TableFile, InputError> {
    const RESAVE: &str = "open it in Excel and save it as .xlsx (or export CSV), then run hvpat on that";
    let named = |what: &str| InputError::Table {
        path: path.to_path_buf(),
        message: format!("not a workbook but {what} saved with a workbook's name, as some systems export: {RESAVE}"),
    };
    match disguise(bytes) {
        Disguise::Html => return Err(named("an HTML page")),
        Disguise::SpreadsheetMl => return Err(named("an XML Spreadsheet 2003 file")),
        Disguise::Text => {
            // Delimited text named `.xls`: read as the CSV it is.
            let (text, encoding) = decode(path, bytes.to_vec())?;
            return TableFile::from_text(path, info, Text { bytes: text.into_bytes(), start: 0 }, encoding);
        }
        Disguise::Workbook => {}
    }
    let bad = |message: String| InputError::Csv { path: path.to_path_buf(), message };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| bad(format!("cannot open workbook: {e}")))?;
    let range = choose_sheet(&mut book, sheet).map_err(bad)?;
    // Exports often put a title or the search query above the header row: the header
    // is the first of the first rows that names the most known columns (else the first).
    let scores: Vec<usize> = range
        .rows()
        .take(HEADER_SEARCH_ROWS)
        .map(|row| crate::read::profile::header_score(&header_text(row)))
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let header_at = if best == 0 { 0 } else { scores.iter().position(|&s| s == best).unwrap_or(0) };
    let mut rows = range.rows().skip(header_at);
    let headers: Vec<String> = match rows.next() {
        Some(h) => header_text(h),
        None => return Err(InputError::Empty { path: path.to_path_buf() }),
    };
    let mut cells = Cells::new();
    for row in rows {
        let texts: Vec<String> = row.iter().map(cell_text).collect();
        cells.push_row(texts.iter().map(String::as_str));
    }
    // Sheet line numbers: the used range may start below row 1.
    let first_line = range.start().map_or(1, |(row, _)| u64::from(row) + 1) + header_at as u64 + 1;
    let lines = (0..cells.rows() as u64).map(|i| i + first_line).collect();
    let format = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xls") => "xls",
        Some("ods") => "ods",
        _ => "xlsx",
    };
    Ok(TableFile { info, headers, encoding: format, body: Body::Rows(cells, lines) })
}

/// A workbook row's cells as header names.
fn header_text(row: &[calamine::Data]) -> Vec<String> {
    row.iter().map(|c| cell_text(c).trim().to_string()).collect()
}

/// The sheet named, else the first sheet, unless it is a cover (the search query,
/// statistics) and a later sheet holds the list: then the first sheet whose header
/// tells a layout.
fn choose_sheet<R: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<R>,
    sheet: Option<&str>,
) -> Result<calamine::Range<calamine::Data>, String> {
    use calamine::Reader as _;
    let names = book.sheet_names();
    let tells_layout = |range: &calamine::Range<calamine::Data>| {
        range.rows().take(HEADER_SEARCH_ROWS).any(|row| crate::read::profile::detect(&header_text(row)).is_some())
    };
    if let Some(s) = sheet {
        let name = names
            .iter()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| format!("no sheet {s:?} (sheets: {})", names.join(", ")))?;
        return book.worksheet_range(name).map_err(|e| format!("sheet {name:?}: {e}"));
    }
    let first = names.first().ok_or_else(|| "the workbook has no sheets".to_string())?;
    let first_range = book.worksheet_range(first).map_err(|e| format!("sheet {first:?}: {e}"))?;
    if !tells_layout(&first_range) {
        for name in names.iter().skip(1) {
            if let Ok(range) = book.worksheet_range(name) {
                if tells_layout(&range) {
                    return Ok(range);
                }
            }
        }
    }
    Ok(first_range)
}

/// How many rows at the top of a sheet may hold a title before the header row.
const HEADER_SEARCH_ROWS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_name_on_other_contents_is_told() {
        assert_eq!(disguise(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Disguise::Workbook);
        assert_eq!(disguise(b"PK\x03\x04"), Disguise::Workbook);
        assert_eq!(disguise(b"\xEF\xBB\xBF <HTML><body><table><tr><td>x</td></tr></table>"), Disguise::Html);
        assert_eq!(disguise(b"<table border=1><tr><td>\xE7\x94\xB3</td></tr></table>"), Disguise::Html);
        let xml = b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
        assert_eq!(disguise(xml), Disguise::SpreadsheetMl);
        assert_eq!(disguise("申请号\t申请日\n201710000001.X\t2017-01-01\n".as_bytes()), Disguise::Text);
        assert_eq!(disguise(b"\x01\x00\x02binary"), Disguise::Workbook, "binary: calamine says what it is");
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"abc\n"), b',');
    }

    #[test]
    fn reads_text_with_bom_and_semicolons() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let text = "\u{feff}app_no;filing_date\n201310699744.2;2013-12-20\n;\n";
        std::fs::write(&p, text).unwrap();
        let t = read_table(&p).unwrap();
        assert_eq!(t.headers, ["app_no", "filing_date"]);
        assert_eq!(t.height(), 2);
        assert_eq!(t.cell(0, 0), "201310699744.2");
        assert_eq!(t.cell(1, 1), "");
        assert_eq!(t.line(1), 3);
        assert_eq!(t.raw_row(0), "201310699744.2,2013-12-20");
        assert_eq!(t.info.bytes, text.len() as u64);
        assert_eq!(t.encoding, "UTF-8 (BOM)");
    }

    #[test]
    fn encodings_are_detected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gbk.csv");
        let (gbk, _, _) = encoding_rs::GB18030.encode("申请号,申请人\n201310699744.2,清华大学\n");
        std::fs::write(&p, &gbk).unwrap();
        let t = read_table(&p).unwrap();
        assert_eq!((t.encoding, t.headers[1].as_str(), t.cell(0, 1)), ("GB18030", "申请人", "清华大学"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "申请号\t申请人\r\n201310699744.2\t清华大学\r\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        std::fs::write(&p, &utf16).unwrap();
        let t = read_table(&p).unwrap();
        assert_eq!((t.encoding, t.cell(0, 1)), ("UTF-16LE", "清华大学"));
        std::fs::write(&p, "search URL:,https://patents.google.com/?q=x\nid,title\nCN-1-B,t\n").unwrap();
        let t = read_table(&p).unwrap();
        assert_eq!((t.headers[0].as_str(), t.cell(0, 0), t.line(0)), ("id", "CN-1-B", 3));
    }

    #[test]
    fn unterminated_quotes_are_located() {
        let split = |t: &str| {
            let mut splitter = RowSplitter::new(4, 2, b',');
            splitter.feed(&t.as_bytes()[4..], 4);
            splitter.finish(t.len())
        };
        let whole = |t: &str| Ok(vec![(4..t.len(), 2)]);
        assert_eq!(split("a,b\n1,\"x\n2,3\n"), Err(2));
        let t = "a,b\n1,\"x\ny\",2\n";
        assert_eq!(split(t), whole(t));
        let t = "a,b\n1,x\"y\n";
        assert_eq!(split(t), whole(t), "a quote inside a bare field");
        let t = "a,b\n1,\"x\"\"\ny\"\n";
        assert_eq!(split(t), whole(t), "an escaped quote stays inside");
    }

    #[test]
    fn rows_split_the_same_fed_whole_or_a_line_at_a_time() {
        let text = "a,b\n1,\"x\ny\"\n2,\"p,\"\"q\"\"\"\r\n3,z\n\"4\",\"\n\n\"\n5,w";
        for segment_bytes in [1, 5, 9, 14, 1000] {
            let split = |pieces: &[&[u8]]| {
                let mut splitter = RowSplitter::new(4, 2, b',');
                splitter.segment_bytes = segment_bytes;
                let mut offset = 4;
                for piece in pieces {
                    splitter.feed(piece, offset);
                    offset += piece.len();
                }
                (splitter.lines_after_start(), splitter.finish(offset))
            };
            let whole = split(&[&text.as_bytes()[4..]]);
            let lines: Vec<&[u8]> = text.as_bytes()[4..].split_inclusive(|&b| b == b'\n').collect();
            assert_eq!(split(&lines), whole, "segments of {segment_bytes} bytes");
            let (_, segments) = &whole;
            let segments = segments.as_ref().unwrap();
            // Each segment ends at a row's end: it parses into whole rows.
            assert_eq!(segments.first().map(|s| s.0.start), Some(4));
            assert_eq!(segments.last().map(|s| s.0.end), Some(text.len()));
            assert!(segments.windows(2).all(|w| w[0].0.end == w[1].0.start));
        }
    }

    #[test]
    fn a_file_cut_short_after_its_scan_is_changed_not_a_broken_csv() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        let mut text = String::from("申请号,名称,申请人\n");
        for i in 0..400_000 {
            text.push_str(&format!("CN{i}A,\"一种方法,第{i}行\",清华大学\n"));
        }
        std::fs::write(&p, &text).unwrap();
        let table = TableFile::scan(&p, &|_| {}).unwrap().expect("scanned");
        assert!(table.segments() > 2);
        // Cut inside the first segment: neither it nor the last can be read as
        // scanned, and the error says the file changed (not a CSV or read error).
        let cut = text.find("一种方法,第100行").unwrap() as u64 + 3;
        std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(cut).unwrap();
        for i in [0, table.segments() - 1] {
            match table.segment(i) {
                Err(InputError::Changed { change, .. }) => assert!(change.contains("bytes"), "{change}"),
                other => panic!("segment {i}: {:?}", other.map(|t| t.height())),
            }
        }
        // Rewritten in place with the same size: each segment still parses, and the
        // stamp tells the change (the run checks it after reading).
        std::fs::write(&p, &text).unwrap();
        let table = TableFile::scan(&p, &|_| {}).unwrap().expect("scanned");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&p, text.replace("清华大学", "北京大学")).unwrap();
        assert!(table.segment(0).is_ok());
        assert!(matches!(table.info.check_unchanged(), Err(InputError::Changed { .. })));
    }

    #[test]
    fn a_scanned_file_reads_as_the_same_table_as_one_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        // A BOM, a preamble line, a title row, quoted line ends, CRLF; rows longer than
        // a piece would be, so that segments are many.
        let mut text =
            String::from("\u{feff}search URL:,https://patents.google.com/?q=x\r\n检索式\r\n申请号,名称,申请人\r\n");
        for i in 0..300_000 {
            text.push_str(&format!("CN{i}A,\"一种方法\n第{i}行,\"\"引\"\"\",清华大学\r\n"));
        }
        std::fs::write(&p, &text).unwrap();
        let scanned = TableFile::scan(&p, &|_| {}).unwrap().expect("a UTF-8 file is scanned");
        assert!(matches!(scanned.body, Body::File { .. }));
        assert!(scanned.segments() > 1);
        let whole = TableFile::from_bytes(&p, text.clone().into_bytes(), None).unwrap();
        assert_eq!((scanned.info.bytes, &scanned.info.sha256), (whole.info.bytes, &whole.info.sha256));
        assert_eq!((&scanned.headers, scanned.encoding), (&whole.headers, whole.encoding));
        assert!(scanned.rows_at_most() >= 300_000);
        let (a, b) = (scanned.into_table().unwrap(), whole.into_table().unwrap());
        assert_eq!((a.height(), b.height()), (300_000, 300_000));
        for row in [0, 1, 150_000, 299_999] {
            assert_eq!((a.cell(row, 0), a.cell(row, 1), a.line(row)), (b.cell(row, 0), b.cell(row, 1), b.line(row)));
        }
        assert_eq!(a.cell(299_999, 1), "一种方法\n第299999行,\"引\"");
        assert_eq!((a.headers[0].as_str(), a.line(0), a.line(1)), ("申请号", 4, 6));
        // Not UTF-8: read whole (and decoded) instead.
        std::fs::write(&p, encoding_rs::GBK.encode("申请号,名称\n201310699744.2,一种方法\n").0).unwrap();
        assert!(TableFile::scan(&p, &|_| {}).unwrap().is_none());
        assert_eq!(read_table(&p).unwrap().cell(0, 1), "一种方法");
    }

    #[test]
    fn a_row_longer_than_two_pieces_is_scanned_and_hashed_as_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        let mut text = String::from("申请号,名称,申请人\n");
        for i in 0..1_000 {
            text.push_str(&format!("CN{i}A,一种方法,清华大学\n"));
        }
        // A cell of two and a half pieces: two pieces in a row end in no line end.
        text.push_str(&format!("CN1000A,{},北京大学\nCN1001A,末行,北京大学\n", "长".repeat(PIECE_BYTES * 5 / 6)));
        std::fs::write(&p, &text).unwrap();
        let scanned = TableFile::scan(&p, &|_| {}).unwrap().expect("a UTF-8 file is scanned");
        let whole = TableFile::from_bytes(&p, text.clone().into_bytes(), None).unwrap();
        assert_eq!((scanned.info.bytes, &scanned.info.sha256), (whole.info.bytes, &whole.info.sha256));
        let table = scanned.into_table().unwrap();
        assert_eq!(table.height(), 1_002);
        assert_eq!(table.cell(1_000, 1).len(), PIECE_BYTES * 5 / 6 * 3);
        assert_eq!((table.cell(1_001, 1), table.line(1_001)), ("末行", 1_003));
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let text = "检索式: AN=(清华大学)\n申请号,申请日,申请人\n201310699744.2,2013-12-20,清华大学\n";
        let t = table_from_bytes(Path::new("t.csv"), text.as_bytes(), None).unwrap();
        assert_eq!(t.headers, ["申请号", "申请日", "申请人"]);
        assert_eq!((t.height(), t.line(0)), (1, 3));
        // A file whose header tells no layout keeps its first row as the header.
        let t = table_from_bytes(Path::new("t.csv"), b"a,b\n1,2\n", None).unwrap();
        assert_eq!((t.headers.clone(), t.height()), (vec!["a".to_string(), "b".to_string()], 1));
    }

    #[test]
    fn crlf_files_keep_their_line_numbers() {
        let text = "app_no,title\r\n1,\"two\r\nlines\"\r\n2,x\r\n3,y\r\n";
        let t = table_from_bytes(Path::new("crlf.csv"), text.as_bytes(), None).unwrap();
        assert_eq!((0..t.height()).map(|r| t.line(r)).collect::<Vec<_>>(), [2, 4, 5]);
    }

    #[test]
    fn segments_cut_at_row_boundaries_and_keep_line_numbers() {
        let row = format!("201310699744.2,\"{}\nsecond line\"\n", "x".repeat(1000));
        let text = format!("a,b\n{}", row.repeat(2 * SEGMENT_BYTES / row.len() + 10));
        let file = TableFile::from_bytes(Path::new("big.csv"), text.clone().into_bytes(), None).unwrap();
        assert!(file.segments() >= 2, "{}", file.segments());
        let whole = file.into_table().unwrap();
        let rows = 2 * SEGMENT_BYTES / row.len() + 10;
        assert_eq!(whole.height(), rows);
        for r in [0, 1, rows / 2, rows - 1] {
            assert_eq!(whole.line(r), 2 + 2 * r as u64, "row {r}");
            assert_eq!(whole.cell(r, 0), "201310699744.2");
            assert!(whole.cell(r, 1).ends_with("\nsecond line"));
        }
    }

    #[test]
    fn segment_cells_are_the_text_a_checked_csv_reader_reads() {
        // Cells are gathered as bytes and turned into text without a second UTF-8 check
        // (debug-asserted only): multi-byte text, quotes, doubled quotes, CRLF and
        // segment cuts must give exactly what the csv crate's checked reader gives.
        let row = "201310699744.2,\"清华大学，“深圳”\r\n第二行\",\"引号\"\"内\"\"\",é\r\n";
        let text = format!("a,b,c,d\r\n{}", row.repeat(2 * SEGMENT_BYTES / row.len() + 10));
        let file = TableFile::from_bytes(Path::new("u.csv"), text.clone().into_bytes(), None).unwrap();
        assert!(file.segments() >= 2);
        let table = file.into_table().unwrap();
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let mut rows = 0;
        for (r, record) in reader.records().enumerate() {
            let record = record.unwrap();
            for (c, want) in record.iter().enumerate() {
                assert_eq!(table.cell(r, c), want, "row {r} column {c}");
            }
            rows += 1;
        }
        assert_eq!(rows, table.height());
    }

    #[test]
    fn mixed_encodings_are_refused() {
        let mut bytes = "申请号,申请人\n201310699744.2,清华大学\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GB18030.encode("201310699745.7,浙江大学\n");
        bytes.extend_from_slice(&gbk);
        assert!(matches!(table_from_bytes(Path::new("m.csv"), &bytes, None), Err(InputError::MixedEncoding { .. })));
        let (all_gbk, _, _) =
            encoding_rs::GB18030.encode("申请号,申请人,标题\n201310699744.2,清华大学,一种基于深度学习的图像识别方法\n");
        assert!(!mixed_utf8(&all_gbk));
    }

    #[test]
    fn empty_and_undecodable_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        std::fs::write(&p, "").unwrap();
        assert!(matches!(read_table(&p), Err(InputError::Empty { .. })));
        std::fs::write(&p, b"a,b\n\xff\xff\xff,1\n").unwrap();
        assert!(matches!(read_table(&p), Err(InputError::Encoding { .. })));
        assert!(matches!(read_table(&dir.path().join("missing.csv")), Err(InputError::Io { .. })));
    }
}
