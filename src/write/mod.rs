//! Writing a run's outputs: CSV (with spreadsheet formulas neutralised), Parquet,
//! JSON and the manifest, into a temporary folder renamed into place when complete.

pub mod csv_out;
pub mod manifest;
pub mod parquet;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Neutralise a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first) by prefixing an apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// An output folder being written: files go to a temporary sibling folder that
/// [`OutputDir::commit`] renames to the target.
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
}

impl OutputDir {
    /// Create the temporary folder beside `target`.
    pub fn create(target: &Path) -> Result<OutputDir> {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "hvpat-out".into());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).with_context(|| format!("cannot clear {}", temp.display()))?;
        }
        std::fs::create_dir(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
        Ok(OutputDir { target: target.to_path_buf(), temp })
    }

    /// Path of a file inside the folder being written.
    pub fn file(&self, name: &str) -> PathBuf {
        self.temp.join(name)
    }

    /// Move the finished folder into place, replacing an earlier output.
    pub fn commit(self) -> Result<PathBuf> {
        let old = self.temp.with_file_name(format!(
            "{}.old",
            self.temp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .with_context(|| format!("cannot move the previous output {} aside", self.target.display()))?;
        }
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("cannot move the new output into {}", self.target.display()))?;
        if had_old {
            std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        Ok(self.target)
    }

    /// Remove the temporary folder (after a failure).
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
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
}
