//! Reading inputs: CSV files as text tables (polars), the native portfolio
//! layout normalised into [`Patent`](crate::model::Patent) records, and the side tables.

pub mod portfolio;
pub mod side;
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
    /// Not UTF-8.
    #[error("{}: not UTF-8 text (first bad byte at offset {offset}); save the file as UTF-8", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
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
    #[error("{}: missing required column {column:?} (found columns: {})", path.display(), found.join(", "))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column (or alternatives) required.
        column: String,
        /// The headers that were found.
        found: Vec<String>,
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
