//! Input files read whole into memory (a UTF-8 CSV file is scanned instead: see
//! `read::table`), with a stamp of the file (size, times, inode) taken before and
//! after the read and again before the outputs are swapped in: a
//! file that another program truncates, grows or rewrites during a run ends the run
//! with a clear error, never a signal (as a shrinking memory map would give) and
//! never outputs made from a mixed read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::read::InputError;

/// One state of a file on disk: what a writer changes when it touches the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Status change time (seconds, nanoseconds): moves on every write, even one that
    /// restores the modification time.
    changed: (i64, i64),
    /// Device and inode: another file renamed over the path.
    identity: (u64, u64),
}

impl Stamp {
    /// The stamp of an open file's or a path's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (changed, identity) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec()), (meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let (changed, identity) = ((0, 0), (0, 0));
        Stamp { len: meta.len(), modified: meta.modified().ok(), changed, identity }
    }

    /// What differs in `later`, said for a person (`None` when nothing does).
    pub fn change(&self, later: &Stamp) -> Option<String> {
        if self.identity != later.identity {
            Some(format!("replaced by another file of {} bytes (was {} bytes)", later.len, self.len))
        } else if self.len != later.len {
            Some(format!("size {} → {} bytes", self.len, later.len))
        } else if self.modified != later.modified {
            Some(format!("rewritten in place (same size, {} bytes, new modification time)", self.len))
        } else if self.changed != later.changed {
            // Written with its time set back, or its permissions or links changed: the
            // bytes may differ, and nothing else can tell.
            Some(format!("its status changed (same size, {} bytes, and modification time)", self.len))
        } else {
            None
        }
    }
}

/// A path as the outputs write it: with `/` between its parts on every OS, so that
/// the same run gives the same bytes on Linux and Windows (SPEC §11).
pub fn slashed(path: &Path) -> String {
    with_slashes(&path.to_string_lossy(), std::path::MAIN_SEPARATOR)
}

/// `text` with the OS's `separator` written as `/` (on Unix, where it is `/`, as it is).
fn with_slashes(text: &str, separator: char) -> String {
    text.replace(separator, "/")
}

fn serialize_slashed<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&slashed(path))
}

/// A file's identity for the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    /// Path as given (written with `/`).
    #[serde(serialize_with = "serialize_slashed")]
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// Hex sha256 of the content.
    pub sha256: String,
    /// The file's state when it was read (none for bytes that came from elsewhere).
    #[serde(skip)]
    pub stamp: Option<Stamp>,
}

impl FileInfo {
    /// The identity of `bytes` read from `path`.
    pub fn of(path: &Path, bytes: &[u8]) -> FileInfo {
        FileInfo {
            path: path.to_path_buf(),
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
            stamp: None,
        }
    }

    /// The identity of a file read whole by [`snapshot::read`].
    pub fn read(path: &Path) -> Result<(FileInfo, Vec<u8>), InputError> {
        let (bytes, stamp) = read(path)?;
        Ok((FileInfo { stamp, ..FileInfo::of(path, &bytes) }, bytes))
    }

    /// An error if the file changed since it was read.
    pub fn check_unchanged(&self) -> Result<(), InputError> {
        self.stamp.as_ref().map_or(Ok(()), |stamp| check_unchanged(&self.path, stamp))
    }
}

/// Lower-case hex of bytes (hashes in the manifest).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The error for a file that changed: what changed and what to do.
fn changed(path: &Path, change: String) -> InputError {
    InputError::Changed { path: path.to_path_buf(), change }
}

/// Read a whole file; an error if it changed while being read. A pipe, a device or
/// `/dev/stdin` (no regular file) is read as it comes and has no stamp: it has no size
/// or time to compare.
pub fn read(path: &Path) -> Result<(Vec<u8>, Option<Stamp>), InputError> {
    let io = |e| InputError::Io { path: path.to_path_buf(), source: e };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let mut bytes = Vec::new();
    if !meta.is_file() {
        file.read_to_end(&mut bytes).map_err(io)?;
        return Ok((bytes, None));
    }
    let before = Stamp::of(&meta);
    bytes.reserve_exact(usize::try_from(before.len).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes).map_err(io)?;
    check_read(path, &before, bytes.len() as u64)?;
    Ok((bytes, Some(before)))
}

/// An error if the file stamped `before` and read to its end (`read` bytes) changed
/// while being read.
pub fn check_read(path: &Path, before: &Stamp, read: u64) -> Result<(), InputError> {
    // The path, not the open file: a file renamed over it counts as a change too.
    check_unchanged(path, before)?;
    if read != before.len {
        return Err(changed(path, format!("size {} → {} bytes", before.len, read)));
    }
    Ok(())
}

/// An error if the file at `path` is no longer the one stamped `read` (changed,
/// replaced or removed since it was read).
pub fn check_unchanged(path: &Path, read: &Stamp) -> Result<(), InputError> {
    let now =
        std::fs::metadata(path).map_err(|e| changed(path, format!("no longer readable since it was read ({e})")))?;
    match read.change(&Stamp::of(&now)) {
        Some(change) => Err(changed(path, change)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn paths_are_written_with_slashes_whatever_the_os_separator() {
        assert_eq!(with_slashes(r"sample\portfolio.csv", '\\'), "sample/portfolio.csv");
        assert_eq!(with_slashes(r"C:\专利 数据\导出.xls", '\\'), "C:/专利 数据/导出.xls");
        assert_eq!(with_slashes("sample/portfolio.csv", '/'), "sample/portfolio.csv");
        assert_eq!(slashed(Path::new("data/sample/portfolio.csv")), "data/sample/portfolio.csv");
    }

    #[test]
    fn a_file_read_whole_is_its_bytes_and_unchanged_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(&path, "id,title\nCN1,x\n").unwrap();
        let (bytes, stamp) = read(&path).unwrap();
        assert_eq!(bytes, b"id,title\nCN1,x\n");
        check_unchanged(&path, &stamp.unwrap()).unwrap();
    }

    #[test]
    fn truncation_growth_rewrite_replacement_and_removal_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        let message = |stamp: &Option<Stamp>| check_unchanged(&path, stamp.as_ref().unwrap()).unwrap_err().to_string();
        std::fs::write(&path, "0123456789").unwrap();
        let (_, stamp) = read(&path).unwrap();

        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(4).unwrap();
        assert!(message(&stamp)
            .ends_with("changed while being read: size 10 → 4 bytes; re-run when the export is complete"));

        let (_, stamp) = read(&path).unwrap();
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"456").unwrap();
        assert!(message(&stamp).contains("size 4 → 7 bytes"));

        let (_, stamp) = read(&path).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(b"X").unwrap();
        assert!(message(&stamp).contains("rewritten in place (same size, 7 bytes"));

        let (_, stamp) = read(&path).unwrap();
        let other = dir.path().join("q.csv");
        std::fs::write(&other, "abc").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert!(message(&stamp).contains("replaced by another file of 3 bytes (was 7 bytes)"));

        let (_, stamp) = read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(message(&stamp).contains("no longer readable since it was read"));

        // Permissions changed, size and modification time kept: said as such.
        std::fs::write(&path, "0123").unwrap();
        let (_, stamp) = read(&path).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        assert!(message(&stamp).contains("its status changed (same size, 4 bytes, and modification time)"));
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_as_it_comes_without_a_stamp() {
        let mut child = std::process::Command::new("printf")
            .arg("id\\nCN1\\n")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(child.stdout.as_ref().unwrap());
        let (bytes, stamp) = read(Path::new(&format!("/proc/self/fd/{fd}"))).unwrap();
        child.wait().unwrap();
        assert_eq!(bytes, b"id\nCN1\n");
        assert!(stamp.is_none());
    }
}
