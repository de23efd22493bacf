//! Reading inputs: CSV and workbook files as text tables, the native portfolio
//! layout normalised into [`Patent`](crate::model::Patent) records, and the side tables.

pub mod portfolio;
pub mod profile;
pub mod raw;
pub mod side;
pub mod snapshot;
pub mod table;

use std::path::PathBuf;

/// An input file that cannot be read at all (as opposed to a bad row, which is a reject).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Another program changed the file while hvpat read it (or before the outputs
    /// were swapped in).
    #[error("{}: changed while being read: {change}; re-run when the export is complete", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
        /// What changed (`size 861919476 → 100000000 bytes`…).
        change: String,
    },
    /// Not UTF-8, UTF-16 or GB18030 text.
    #[error("{}: not UTF-8, UTF-16 or GB18030 text (first bad byte at offset {offset}); save it as UTF-8 CSV", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// Parts of the file are UTF-8 and parts another encoding.
    #[error("{}: mixed encodings: UTF-8 text with bytes of another encoding (first at offset {offset}); re-save the whole file as UTF-8", path.display())]
    MixedEncoding {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// No header row.
    #[error("{}: the file is empty (no header row)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The CSV parser gave up.
    #[error("{}: cannot parse as CSV: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A required column is missing.
    #[error("{}: missing required column {column:?} (found columns: {}){}", path.display(), found.join(", "),
        nearest.as_ref().map(|n| format!("; did you mean {n:?}?")).unwrap_or_default())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column (or alternatives) required.
        column: String,
        /// The headers that were found.
        found: Vec<String>,
        /// The header most like the missing column.
        nearest: Option<String>,
    },
    /// The header row matches no known layout.
    #[error("{}: cannot tell the layout (native, cn, lens or google) from the headers: {}{}; name it with `profile` in the config",
        path.display(), found.join(", "), if hint.is_empty() { String::new() } else { format!(" (close: {hint})") })]
    UnknownLayout {
        /// The file.
        path: PathBuf,
        /// The headers that were found.
        found: Vec<String>,
        /// Near matches for the native required columns.
        hint: String,
    },
    /// A reference table (concordance, aliases) is malformed.
    #[error("{}: {message}", path.display())]
    Table {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}
