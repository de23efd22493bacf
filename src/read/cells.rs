//! Rows of cells as text, as every reader hands them on: one flat buffer per
//! table, with the file they came from.

use crate::read::file_info::FileInfo;

/// Rows of a file (or of one segment of it) as text: every cell a string (empty when missing).
pub struct RawTable {
    /// The file's identity.
    pub info: FileInfo,
    /// Header names, trimmed, BOM removed.
    pub headers: Vec<String>,
    pub(crate) rows: Cells,
    pub(crate) lines: Vec<u64>,
    /// The encoding the file was read in (`UTF-8`, `GB18030`…, or `xlsx`).
    pub encoding: &'static str,
}

/// Rows of cells stored flat: one text buffer, where each cell ends, where each row
/// starts. A parsed row costs no allocation of its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cells {
    pub(crate) text: String,
    /// End offset in `text` of every cell, row after row.
    pub(crate) ends: Vec<usize>,
    /// Index in `ends` of each row's first cell, and one past the last row's.
    pub(crate) row_starts: Vec<usize>,
}

impl Cells {
    pub(crate) fn new() -> Cells {
        Cells { row_starts: vec![0], ..Cells::default() }
    }

    pub(crate) fn rows(&self) -> usize {
        self.row_starts.len().saturating_sub(1)
    }

    pub(crate) fn push_row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for cell in cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.row_starts.push(self.ends.len());
    }

    pub(crate) fn cell(&self, row: usize, col: usize) -> &str {
        let at = self.row_starts[row] + col;
        if at >= self.row_starts[row + 1] {
            return "";
        }
        let start = if at == 0 { 0 } else { self.ends[at - 1] };
        &self.text[start..self.ends[at]]
    }

    pub(crate) fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        (0..self.row_starts[row + 1] - self.row_starts[row]).map(move |col| self.cell(row, col))
    }

    pub(crate) fn append(&mut self, other: &Cells) {
        let (offset, base) = (self.text.len(), self.ends.len());
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.row_starts.extend(other.row_starts[1..].iter().map(|s| s + base));
    }
}

impl RawTable {
    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.rows.rows()
    }

    /// The number of fields in data row `row` (as read: short and long rows differ
    /// from the header).
    pub fn width(&self, row: usize) -> usize {
        self.rows.row_starts[row + 1] - self.rows.row_starts[row]
    }

    /// The cell at `row`, `col` (empty when the row is short).
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows.cell(row, col)
    }

    /// The 1-based line where data row `row` starts (the header is line 1, after any
    /// preamble; quoted cells spanning lines are counted).
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    /// A row rendered back as one CSV line (for `rejects.csv`).
    pub fn raw_row(&self, row: usize) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let _ = w.write_record(self.rows.row(row));
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string()
    }
}
