//! Reading one CSV file into an all-text table with polars: encoding check, BOM,
//! delimiter sniffing, and the file's size and sha256 for the manifest.

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

/// A CSV file read as text: every cell a string (empty when missing).
pub struct RawTable {
    /// The file's identity.
    pub info: FileInfo,
    /// Header names, trimmed, BOM removed.
    pub headers: Vec<String>,
    columns: Vec<StringChunked>,
    height: usize,
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

    /// The 1-based line of data row `row` (the header is line 1; a quoted cell
    /// spanning several lines shifts the rows after it).
    pub fn line(&self, row: usize) -> u64 {
        row as u64 + 2
    }

    /// The index of a column, by exact (trimmed) name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
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

/// Read a CSV file as text.
pub fn read_table(path: &Path) -> Result<RawTable, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::Io { path: path.to_path_buf(), source: e })?;
    let info = FileInfo::of(path, &bytes);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(body) {
        return Err(InputError::Encoding { path: path.to_path_buf(), offset: e.valid_up_to() });
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    let separator = sniff_delimiter(body);
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(separator).with_truncate_ragged_lines(true))
        .into_reader_with_file_handle(Cursor::new(body.to_vec()))
        .finish()
        .map_err(|e| InputError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
    let height = df.height();
    let mut headers = Vec::with_capacity(df.width());
    let mut columns = Vec::with_capacity(df.width());
    for col in df.columns() {
        headers.push(col.name().trim().to_string());
        let s = col
            .cast(&DataType::String)
            .map_err(|e| InputError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        let ca = s.str().map_err(|e| InputError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        columns.push(ca.rechunk().into_owned());
    }
    Ok(RawTable { info, headers, columns, height })
}

fn hex(bytes: &[u8]) -> String {
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
    }

    #[test]
    fn empty_and_non_utf8_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        std::fs::write(&p, "").unwrap();
        assert!(matches!(read_table(&p), Err(InputError::Empty { .. })));
        std::fs::write(&p, b"a,b\n\xff\xfe,1\n").unwrap();
        assert!(matches!(read_table(&p), Err(InputError::Encoding { .. })));
        assert!(matches!(read_table(&dir.path().join("missing.csv")), Err(InputError::Io { .. })));
    }
}
