//! Reading one input file into an all-text table: CSV in UTF-8 (with or without
//! BOM), UTF-16 or GB18030 with any of three delimiters (parsed by polars), or an
//! Excel/ODS workbook (calamine); with the file's size and sha256 for the manifest.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::read::InputError;

/// A file's identity for the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    /// Path as given.
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// Hex sha256 of the content.
    pub sha256: String,
}

impl FileInfo {
    /// The identity of `bytes` read from `path`.
    pub fn of(path: &Path, bytes: &[u8]) -> FileInfo {
        FileInfo { path: path.to_path_buf(), bytes: bytes.len() as u64, sha256: hex(&Sha256::digest(bytes)) }
    }
}

/// A file read as text: every cell a string (empty when missing).
pub struct RawTable {
    /// The file's identity.
    pub info: FileInfo,
    /// Header names, trimmed, BOM removed.
    pub headers: Vec<String>,
    columns: Vec<StringChunked>,
    height: usize,
    /// The encoding the file was read in (`UTF-8`, `GB18030`…, or `xlsx`).
    pub encoding: &'static str,
    /// Lines before the header (a `search URL:` preamble).
    line_offset: u64,
}

impl RawTable {
    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The cell at `row`, `col` (empty when null).
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.columns[col].get(row).unwrap_or("")
    }

    /// The 1-based line of data row `row` (the header is line 1, after any preamble;
    /// a quoted cell spanning several lines shifts the rows after it).
    pub fn line(&self, row: usize) -> u64 {
        row as u64 + 2 + self.line_offset
    }

    /// A row rendered back as one CSV line (for `rejects.csv`).
    pub fn raw_row(&self, row: usize) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let fields: Vec<&str> = (0..self.columns.len()).map(|c| self.cell(row, c)).collect();
        let _ = w.write_record(&fields);
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string()
    }
}

/// Sniff the delimiter from the header line: the most frequent of comma, tab and semicolon.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let header = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| header.iter().filter(|b| **b == d).count();
    [b',', b'\t', b';'].into_iter().max_by_key(|d| (count(*d), *d == b',')).unwrap_or(b',')
}

/// Decode a file's bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM
/// (Excel's "Unicode text"), or GB18030/GBK as Chinese Excel saves CSV. Returns the
/// text and the encoding's name; bytes that are none of these are an error.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), InputError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.to_string(), "UTF-8 (BOM)")),
            Err(e) => Err(InputError::Encoding { path: path.to_path_buf(), offset: e.valid_up_to() + 3 }),
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
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((t.to_string(), "UTF-8")),
        Err(e) if mixed_utf8(bytes) => {
            Err(InputError::MixedEncoding { path: path.to_path_buf(), offset: e.valid_up_to() })
        }
        Err(e) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .filter(|t| !t.contains('\0'))
            .map(|t| (t.into_owned(), "GB18030"))
            .ok_or(InputError::Encoding { path: path.to_path_buf(), offset: e.valid_up_to() }),
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

/// Drop a Google Patents `search URL:` preamble line.
fn skip_preamble(text: &str) -> &str {
    if text.trim_start().to_ascii_lowercase().starts_with("search url") {
        text.split_once('\n').map_or("", |(_, rest)| rest)
    } else {
        text
    }
}

/// Read a CSV (any supported encoding) or a workbook (first sheet) as text.
pub fn read_table(path: &Path) -> Result<RawTable, InputError> {
    read_table_sheet(path, None)
}

/// [`read_table`] with a named worksheet for workbooks.
pub fn read_table_sheet(path: &Path, sheet: Option<&str>) -> Result<RawTable, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::Io { path: path.to_path_buf(), source: e })?;
    table_from_bytes(path, &bytes, sheet)
}

/// [`read_table_sheet`] on bytes already read; `path` names them in messages and
/// tells a workbook by its extension.
pub fn table_from_bytes(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, InputError> {
    let info = FileInfo::of(path, bytes);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        return read_workbook(path, bytes, info, sheet);
    }
    let (text, encoding) = decode(path, bytes)?;
    let body = skip_preamble(&text);
    if body.trim().is_empty() {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    let separator = sniff_delimiter(body.as_bytes());
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(separator).with_truncate_ragged_lines(true))
        .into_reader_with_file_handle(Cursor::new(body.as_bytes().to_vec()))
        .finish()
        .map_err(|e| csv_error(path, body, &e.to_string(), u64::from(body.len() != text.len())))?;
    let mut table = from_frame(path, info, &df)?;
    table.encoding = encoding;
    table.line_offset = u64::from(body.len() != text.len());
    Ok(table)
}

/// The line where a quoted field opens and is never closed, if any (1-based).
fn unterminated_quote_line(text: &str) -> Option<u64> {
    let (mut in_quotes, mut opened_at, mut line) = (false, 0u64, 1u64);
    let mut prev = b'\n';
    for &b in text.as_bytes() {
        match b {
            b'"' if in_quotes => in_quotes = false,
            b'"' if matches!(prev, b',' | b'\t' | b';' | b'\n' | b'\r') => {
                in_quotes = true;
                opened_at = line;
            }
            b'\n' => line += 1,
            _ => {}
        }
        prev = b;
    }
    in_quotes.then_some(opened_at)
}

/// One clear line for a file polars could not parse.
fn csv_error(path: &Path, body: &str, message: &str, line_offset: u64) -> InputError {
    let message = match unterminated_quote_line(body) {
        Some(line) => format!("line {}: a quoted field opens and is never closed", line + line_offset),
        None => {
            let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("malformed CSV");
            first.chars().take(200).collect()
        }
    };
    InputError::Csv { path: path.to_path_buf(), message }
}

fn from_frame(path: &Path, info: FileInfo, df: &DataFrame) -> Result<RawTable, InputError> {
    let csv_err = |e: PolarsError| InputError::Csv { path: path.to_path_buf(), message: e.to_string() };
    let mut headers = Vec::with_capacity(df.width());
    let mut columns = Vec::with_capacity(df.width());
    for col in df.columns() {
        headers.push(col.name().trim().trim_start_matches('\u{feff}').to_string());
        let s = col.cast(&DataType::String).map_err(csv_err)?;
        columns.push(s.str().map_err(csv_err)?.rechunk().into_owned());
    }
    Ok(RawTable { info, headers, columns, height: df.height(), encoding: "UTF-8", line_offset: 0 })
}

fn cell_text(cell: &calamine::Data) -> String {
    use calamine::{Data, DataType as _};
    match cell {
        Data::DateTime(_) => cell.as_datetime().map(|d| d.date().to_string()).unwrap_or_else(|| cell.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

fn read_workbook(path: &Path, bytes: &[u8], info: FileInfo, sheet: Option<&str>) -> Result<RawTable, InputError> {
    use calamine::Reader as _;
    let bad = |message: String| InputError::Csv { path: path.to_path_buf(), message };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| bad(format!("cannot open workbook: {e}")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| bad(format!("no sheet {s:?} (sheets: {})", names.join(", "))))?,
        None => names.first().cloned().ok_or_else(|| bad("the workbook has no sheets".into()))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| bad(format!("sheet {name:?}: {e}")))?;
    let mut rows = range.rows();
    let headers: Vec<String> = match rows.next() {
        Some(h) => h.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => return Err(InputError::Empty { path: path.to_path_buf() }),
    };
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    for row in rows {
        for (i, col) in cells.iter_mut().enumerate() {
            col.push(row.get(i).map(cell_text).unwrap_or_default());
        }
    }
    // Polars needs distinct column names; the headers themselves are kept as written.
    let columns: Vec<Column> = cells
        .into_iter()
        .enumerate()
        .map(|(i, values)| Column::from(Series::new(format!("c{i}").into(), values)))
        .collect();
    let df = DataFrame::new(range.height().saturating_sub(1), columns).map_err(|e| bad(e.to_string()))?;
    let mut table = from_frame(path, info, &df)?;
    table.headers = headers;
    table.encoding = "xlsx";
    Ok(table)
}

/// Lower-case hex of bytes (hashes in the manifest).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\n2,3\n"), Some(2));
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\ny\",2\n"), None);
        assert_eq!(unterminated_quote_line("a,b\n1,x\"y\n"), None, "a quote inside a bare field");
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
