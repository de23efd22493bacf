//! Writing a run's outputs: CSV (with spreadsheet formulas neutralised), Parquet,
//! JSON and the manifest, into a temporary folder renamed into place when complete.

pub(crate) mod csv_out;
pub(crate) mod direct;
pub(crate) mod manifest;
pub(crate) mod outputs;
pub(crate) mod parquet;
pub(crate) mod patents;
pub(crate) mod report;
pub mod schema;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// How a run writes its CSV files (SPEC §11): formula-like cells neutralised unless
/// `raw`; a UTF-8 byte-order mark first when `bom`, so that Excel on a
/// Chinese-locale Windows reads the file as UTF-8 and not as GBK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// Cells written as they are (config `raw_cells`).
    pub raw: bool,
    /// A byte-order mark before the header (config `csv_bom`, default on).
    pub bom: bool,
}

impl CsvStyle {
    /// The style a run's settings ask for.
    pub fn of(settings: &crate::config::Settings) -> CsvStyle {
        CsvStyle { raw: settings.raw_cells, bom: settings.csv_bom }
    }

    /// The text a CSV file starts with: the byte-order mark or nothing.
    pub fn start(self) -> &'static str {
        if self.bom {
            "\u{FEFF}"
        } else {
            ""
        }
    }
}

/// Neutralise a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab or carriage return first) by prefixing an apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match looks_like_formula(cell.as_bytes()) {
        true => std::borrow::Cow::Owned(format!("'{cell}")),
        false => std::borrow::Cow::Borrowed(cell),
    }
}

/// Whether a spreadsheet would run a cell as a formula: what [`neutralise`] prefixes.
#[inline(always)]
fn looks_like_formula(cell: &[u8]) -> bool {
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// The most bytes one system call reads or writes. Copies between the page cache
/// and a buffer of megabytes, in one call, ran ten times slower on the Linux machine
/// of the benchmarks (`BENCHMARKS.md`): 4 MB slow, 1 MB and 256 kB not.
pub const IO_PIECE: usize = 1 << 20;

/// A writer that hands the OS at most [`IO_PIECE`] bytes a call: for the large outputs.
pub struct InPieces<W>(pub W);

impl<W: std::io::Write> std::io::Write for InPieces<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(&bytes[..bytes.len().min(IO_PIECE)])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Append one CSV row (`\n` line end) to `out`, formula-like cells neutralised unless
/// `raw`: byte for byte as the csv crate writes it (`,` between cells; a cell holding
/// `,` `"` CR or LF quoted, its quotes doubled), without the crate's record machinery,
/// which cost as much as rendering a patent's evidence. Every CSV output goes through it
/// or, rendering cells in place, through [`finish_csv_cell`].
pub fn push_csv_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>, raw: bool) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let start = out.len();
        out.push_str(cell);
        finish_csv_cell(out, start, raw);
    }
    out.push('\n');
}

/// Make the text written at `out[start..]` a CSV cell, in place: neutralised unless
/// `raw`, quoted when it must be. Most cells need neither and are not copied.
#[inline(always)]
pub fn finish_csv_cell(out: &mut String, start: usize, raw: bool) {
    let cell = &out.as_bytes()[start..];
    let formula = !raw && looks_like_formula(cell);
    if !formula && !needs_quotes(cell) {
        return;
    }
    if !formula && memchr::memchr(b'"', cell).is_none() {
        out.insert(start, '"');
        out.push('"');
        return;
    }
    let cell = out.split_off(start);
    let cell = if raw { std::borrow::Cow::Borrowed(cell.as_str()) } else { neutralise(&cell) };
    if !needs_quotes(cell.as_bytes()) {
        out.push_str(&cell);
        return;
    }
    out.push('"');
    for part in cell.split_inclusive('"') {
        out.push_str(part);
        if part.ends_with('"') {
            out.push('"');
        }
    }
    out.push('"');
}

/// Whether a cell holds `,` `"` CR or LF. Every byte is tested, without stopping at
/// the first: the compiler tests 16 or 32 bytes an instruction that way, and the
/// evidence cell alone is hundreds of bytes a patent.
#[inline(always)]
fn needs_quotes(cell: &[u8]) -> bool {
    cell.iter().fold(false, |found, &b| found | matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// The folder beside `target` where its siblings live, and `target`'s file name.
fn parent_and_name(target: &Path) -> (PathBuf, String) {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "hvpat-out".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// A lock on an output folder, held for a whole run: an OS file lock on
/// `.<name>.lock` beside it, released by the OS when the process ends (so a lock
/// left by a killed run is never stale).
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

/// Another run holds the output folder.
#[derive(Debug, thiserror::Error)]
#[error("{target} is being written by another hvpat run ({holder}); try again when it has finished")]
pub struct Locked {
    /// The output folder.
    pub target: String,
    /// What the lock file says about its holder.
    pub holder: String,
}

impl OutputLock {
    /// Take the lock on `target`, or fail at once with [`Locked`].
    pub fn acquire(target: &Path) -> Result<OutputLock> {
        use std::io::{Seek, Write};
        let (parent, name) = parent_and_name(target);
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let path = parent.join(format!(".{name}.lock"));
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default().trim().to_string();
                return Err(Locked { target: target.display().to_string(), holder }.into());
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context(format!("cannot lock {}", path.display())));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "pid {}", std::process::id())?;
        Ok(OutputLock { _file: file })
    }
}

/// An output folder being written: files go to a temporary sibling folder that
/// [`OutputDir::commit`] swaps with the target in one step.
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
}

/// Exchange two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange"))
}

impl OutputDir {
    /// Create the temporary folder beside `target`, first clearing what killed runs
    /// left there (temporary folders; a previous output moved aside is moved back).
    /// Call it while holding the [`OutputLock`].
    pub fn create(target: &Path) -> Result<OutputDir> {
        let (parent, name) = parent_and_name(target);
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let prefix = format!(".{name}.tmp-");
        for entry in std::fs::read_dir(&parent).with_context(|| format!("cannot list {}", parent.display()))? {
            let entry = entry?;
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if !file_name.starts_with(&prefix) {
                continue;
            }
            if file_name.ends_with(".old") && !target.exists() {
                std::fs::rename(entry.path(), target)
                    .with_context(|| format!("cannot restore {}", target.display()))?;
            } else {
                std::fs::remove_dir_all(entry.path())
                    .with_context(|| format!("cannot clear {}", entry.path().display()))?;
            }
        }
        let temp = parent.join(format!("{prefix}{}", std::process::id()));
        std::fs::create_dir(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
        Ok(OutputDir { target: target.to_path_buf(), temp })
    }

    /// Path of a file inside the folder being written.
    pub fn file(&self, name: &str) -> PathBuf {
        self.temp.join(name)
    }

    /// Put the finished folder in place of the target in one step, then remove the
    /// previous output. Where the OS cannot exchange two folders atomically, the
    /// previous output is moved aside first (and moved back by the next run if this
    /// one is killed in between).
    pub fn commit(self) -> Result<PathBuf> {
        if !self.target.exists() {
            std::fs::rename(&self.temp, &self.target)
                .with_context(|| format!("cannot move the new output into {}", self.target.display()))?;
            return Ok(self.target);
        }
        if exchange(&self.temp, &self.target).is_ok() {
            std::fs::remove_dir_all(&self.temp).with_context(|| format!("cannot remove {}", self.temp.display()))?;
            return Ok(self.target);
        }
        let old = self.temp.with_file_name(format!(
            "{}.old",
            self.temp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        std::fs::rename(&self.target, &old)
            .with_context(|| format!("cannot move the previous output {} aside", self.target.display()))?;
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("cannot move the new output into {}", self.target.display()))?;
        std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        Ok(self.target)
    }

    /// Remove the temporary folder (after a failure).
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

/// A file writer that keeps the first error for the caller and takes (drops) every
/// byte after it. For a library that writes on drop and prints its own failure there
/// (the zip archive inside `report.xlsx`): the write "succeeds" as far as the library
/// knows, and [`FirstError::finish`] says what went wrong, as hvpat's one line.
pub struct FirstError {
    file: std::io::BufWriter<std::fs::File>,
    error: Option<std::io::Error>,
}

impl FirstError {
    /// Create (truncate) `path` for writing.
    pub fn create(path: &Path) -> std::io::Result<FirstError> {
        Ok(FirstError { file: std::io::BufWriter::new(std::fs::File::create(path)?), error: None })
    }

    /// Flush, and the first error of any write.
    pub fn finish(mut self) -> std::io::Result<()> {
        use std::io::Write;
        if self.error.is_none() {
            self.error = self.file.flush().err();
        }
        self.error.map_or(Ok(()), Err)
    }
}

impl std::io::Write for FirstError {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_none() {
            if let Err(e) = self.file.write_all(buf) {
                self.error = Some(e);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

thread_local! {
    static CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic inside it into an error about `path`, with nothing
/// printed. For a library that panics on an I/O error instead of returning it (the
/// xlsx writer's temporary files on a full disk): the run then fails with hvpat's
/// one line, like any other write error. Panics on other threads print as before.
pub fn contain_panics<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
    let was = CONTAINED.with(|c| c.replace(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(was));
    outcome.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        Err(anyhow::anyhow!(
            "cannot write {}: the writer stopped: {message} (if no disk is full, this is a bug: please report it)",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_written_as_the_csv_crate_writes_them() {
        let rows: Vec<Vec<&str>> = vec![
            vec![
                "plain",
                "",
                "a,b",
                "say \"hi\"",
                "\"",
                "line\nbreak",
                "cr\rhere",
                "=SUM(A1)",
                "-1",
                "@x",
                "\tt",
                "清华大学",
            ],
            vec!["", "", ""],
            vec!["\"\"", ",", " spaced ", "+86"],
        ];
        for raw in [false, true] {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            for row in &rows {
                let cells: Vec<std::borrow::Cow<'_, str>> =
                    row.iter().map(|c| if raw { std::borrow::Cow::Borrowed(*c) } else { neutralise(c) }).collect();
                w.write_record(cells.iter().map(|c| c.as_bytes())).unwrap();
            }
            let expected = w.into_inner().unwrap();
            let mut got = String::new();
            for row in &rows {
                push_csv_row(&mut got, row.iter().copied(), raw);
            }
            assert_eq!(got, String::from_utf8(expected).unwrap(), "raw {raw}");
        }
    }

    #[test]
    fn a_failing_writer_keeps_its_first_error_for_finish() {
        use std::io::Write;
        // /dev/full fails every write with ENOSPC, as a full disk does.
        let Ok(mut w) = FirstError::create(Path::new("/dev/full")) else { return };
        w.write_all(&[b'x'; 100_000]).unwrap();
        w.write_all(b"more").unwrap();
        let err = w.finish().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let mut w = FirstError::create(&dir.path().join("ok")).unwrap();
        w.write_all(b"fine").unwrap();
        w.finish().unwrap();
        assert_eq!(std::fs::read(dir.path().join("ok")).unwrap(), b"fine");
    }

    #[test]
    fn a_panic_inside_is_an_error_naming_the_file() {
        let err = contain_panics(Path::new("out/report.xlsx"), || -> Result<()> { panic!("disk full") }).unwrap_err();
        assert!(err.to_string().starts_with("cannot write out/report.xlsx: the writer stopped: disk full"), "{err}");
        assert_eq!(contain_panics(Path::new("x"), || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("\r=1"), "'\r=1");
        assert_eq!(neutralise("清华大学"), "清华大学");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn output_replaces_the_previous_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("stale.txt"), "old").unwrap();
        let out = OutputDir::create(&target).unwrap();
        std::fs::write(out.file("new.txt"), "new").unwrap();
        assert!(target.join("stale.txt").exists(), "the old output stays until commit");
        out.commit().unwrap();
        assert!(!target.join("stale.txt").exists());
        assert_eq!(std::fs::read_to_string(target.join("new.txt")).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn leftovers_of_killed_runs_are_cleared_or_restored() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(dir.path().join(".out.tmp-99999")).unwrap();
        std::fs::create_dir(dir.path().join(".out.tmp-99998.old")).unwrap();
        std::fs::write(dir.path().join(".out.tmp-99998.old/institutions.csv"), "previous").unwrap();
        let out = OutputDir::create(&target).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("institutions.csv")).unwrap(), "previous");
        assert!(!dir.path().join(".out.tmp-99999").exists());
        out.abandon();
    }

    #[test]
    fn a_second_lock_on_one_folder_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let first = OutputLock::acquire(&target).unwrap();
        let second = OutputLock::acquire(&target).unwrap_err();
        assert!(second.downcast_ref::<Locked>().is_some(), "{second}");
        assert!(second.to_string().contains(&format!("pid {}", std::process::id())), "{second}");
        drop(first);
        assert!(OutputLock::acquire(&target).is_ok(), "released when dropped");
    }
}
