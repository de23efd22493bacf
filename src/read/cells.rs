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

/// Rows of cells stored flat: one text buffer, where each cell starts and ends in
/// it, where each row starts. A parsed row costs no allocation of its own, and a CSV
/// segment's cells are read where they lie in its bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cells {
    pub(crate) text: String,
    /// Start and end offsets in `text` of every cell, row after row.
    spans: Vec<(usize, usize)>,
    /// Index in `spans` of each row's first cell, and one past the last row's.
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
            let start = self.text.len();
            self.text.push_str(cell);
            self.spans.push((start, self.text.len()));
        }
        self.end_row();
    }

    /// Add a cell of the row being added: `text[start..end]`, once `text` holds it.
    pub(crate) fn push_span(&mut self, start: usize, end: usize) {
        self.spans.push((start, end));
    }

    /// End the row being added.
    pub(crate) fn end_row(&mut self) {
        self.row_starts.push(self.spans.len());
    }

    /// Make room for `rows` more rows of about `cells` cells each.
    pub(crate) fn reserve(&mut self, rows: usize, cells: usize) {
        self.row_starts.reserve(rows);
        self.spans.reserve(rows * cells);
    }

    pub(crate) fn cell(&self, row: usize, col: usize) -> &str {
        let at = self.row_starts[row] + col;
        if at >= self.row_starts[row + 1] {
            return "";
        }
        let (start, end) = self.spans[at];
        // Spans never cut a character: cells end at ASCII delimiters, quotes and line ends.
        self.text.get(start..end).unwrap_or("")
    }

    pub(crate) fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        (0..self.row_starts[row + 1] - self.row_starts[row]).map(move |col| self.cell(row, col))
    }

    pub(crate) fn append(&mut self, other: &Cells) {
        let (offset, base) = (self.text.len(), self.spans.len());
        self.text.push_str(&other.text);
        self.spans.extend(other.spans.iter().map(|&(s, e)| (s + offset, e + offset)));
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
