//! Reading inputs: CSV and workbook files as text tables, the native portfolio
//! layout normalised into [`Patent`](crate::rules::model::Patent) records, and the side tables.

pub(crate) mod attach;
pub mod cells;
pub(crate) mod csv_rows;
pub mod file_info;
pub(crate) mod inputs;
pub mod portfolio;
pub mod profile;
pub mod side;
pub mod table_file;

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

/// One input file in the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputRecord {
    /// `portfolio`, `families`, `pledges`, `awards`, `aliases`, `concordance`.
    pub role: &'static str,
    /// Path, size and hash.
    #[serde(flatten)]
    pub file: crate::read::file_info::FileInfo,
    /// Data rows read.
    pub rows: usize,
}

/// Counts of where the data came from, beside the coverage (the manifest's `sources`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Sources {
    /// Scored patents with at least one legal event.
    pub patents_with_events: usize,
    /// Legal events over all scored patents.
    pub events: usize,
    /// Grant dates taken from legal events.
    pub grant_dates_from_events: usize,
    /// Lapse dates taken from legal events.
    pub lapse_dates_from_events: usize,
    /// Scored patents whose filing date is known to the year only.
    pub filing_year_only: usize,
    /// Scored patents whose status is unknown (a CNIPA pss status that is no grant, lapse or end).
    pub status_unknown: usize,
    /// Rows of `events.csv` attached.
    pub events_table_rows: usize,
    /// Scored patents with codes from `classes.csv`.
    pub patents_with_classes: usize,
    /// Rows of `transactions.csv` used.
    pub transactions_rows: usize,
    /// Whether any input could show a transfer or licence (SPEC §9 figures rest on one).
    pub conversion_event_source: bool,
    /// Patents with a transfer credited to nobody (only the current holders known).
    pub transfers_credited_to_nobody: usize,
    /// `transactions.csv` rows whose money went to no institution (transfers whose
    /// transferors are not known).
    pub money_rows_credited_to_nobody: usize,
    /// Rows of `classes.csv` attached.
    pub classes_table_rows: usize,
    /// CPC-only codes of `classes.csv` skipped (`Y02…`, 2000-series indexing codes).
    pub cpc_only_codes: usize,
}

/// A portfolio file as it was read: what `hvpat check` tells of each file.
#[derive(Debug, Clone)]
pub struct PortfolioFile {
    /// Its path, with `/`.
    pub label: String,
    /// The layout it was read with.
    pub profile: crate::read::profile::Profile,
    /// The encoding it was read in.
    pub encoding: &'static str,
    /// Its data rows.
    pub rows: usize,
    /// Each role it has, with the headers read for it.
    pub roles: Vec<(&'static str, Vec<String>)>,
}
