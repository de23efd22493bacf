//! What the topic files share: a temporary workdir to run the real `hvpat` binary in,
//! its exit code and output, output files read back (a CSV's byte-order mark left
//! out), assertions on figures, rows and the manifest, and `layout_tests!`, the table
//! of export runs (set up, run, then only their expectations listed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary working folder holding copies of a fixture, where the binary runs.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A workdir holding the files of `tests/fixtures/<name>` (not its `expected/`).
    pub fn with_fixture(name: &str) -> Workdir {
        let wd = Workdir::new();
        for entry in std::fs::read_dir(fixture(name)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, wd.path(path.file_name().and_then(|n| n.to_str()).expect("name"))).expect("copy");
            }
        }
        wd
    }

    /// The workdir itself.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    /// A file's text; a CSV's byte-order mark (SPEC §11: on by default) left out.
    pub fn read(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        match text.strip_prefix('\u{feff}') {
            Some(rest) if name.ends_with(".csv") => rest.to_string(),
            _ => text,
        }
    }

    /// `hvpat <args>` in the workdir, not yet started (for a pipe, a kill, a limit).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hvpat"));
        cmd.args(args).current_dir(self.dir.path());
        cmd
    }

    /// Run `hvpat <args>` in the workdir to its end.
    pub fn hvpat(&self, args: &[&str]) -> Output {
        self.hvpat_env(args, &[])
    }

    pub fn hvpat_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run hvpat")
    }
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A file of a fixture's `expected/` folder, worked out by hand.
pub fn expected(fixture_name: &str, file: &str) -> String {
    std::fs::read_to_string(fixture(fixture_name).join("expected").join(file)).expect("expected file")
}

/// `data/sample/<name>`, the sample portfolio and its config.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample").join(name)
}

/// A real export of `../shared/real-exports`; `None` (and a note) when it is absent.
pub fn real_export(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-exports").join(name);
    if path.exists() {
        Some(path)
    } else {
        println!("skipped: {} is absent (the real exports live in ../shared/real-exports)", path.display());
        None
    }
}

/// The hand-worked fixture's run (`tests/fixtures/handworked`) into `out`.
pub const RUN_HANDWORKED: &[&str] = &[
    "run",
    "portfolio.csv",
    "--families",
    "families.csv",
    "--pledges",
    "pledges.csv",
    "--awards",
    "awards.csv",
    "--as-of",
    "2025-12-31",
    "--out",
    "out",
];

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Assert a run's exit code, showing its stderr when it differs.
#[track_caller]
pub fn assert_code(o: &Output, want: i32) {
    assert_eq!(code(o), want, "{}", stderr(o));
}

/// Assert two texts are equal, printing the differing lines.
#[track_caller]
pub fn assert_same(name: &str, got: &str, want: &str) {
    if got == want {
        return;
    }
    let mut report = format!("{name} differs from the expected file:\n");
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    for i in 0..g.len().max(w.len()) {
        let (a, b) = (g.get(i).copied().unwrap_or("<none>"), w.get(i).copied().unwrap_or("<none>"));
        if a != b {
            report.push_str(&format!("line {}:\n  got:  {a}\n  want: {b}\n", i + 1));
        }
    }
    panic!("{report}");
}

/// `<out>/manifest.json`.
pub fn manifest(wd: &Workdir, out: &str) -> serde_json::Value {
    serde_json::from_str(&wd.read(&format!("{out}/manifest.json"))).expect("manifest json")
}

/// Every row read is scored, merged as a duplicate, out of scope or rejected.
#[track_caller]
pub fn assert_counts_add_up(counts: &serde_json::Value) {
    let n = |k: &str| counts[k].as_u64().unwrap_or_else(|| panic!("count {k}"));
    assert_eq!(n("rows_read"), n("scored") + n("duplicates") + n("out_of_scope") + n("rejected"), "{counts}");
}

/// Assert the manifest's `coverage` object: exactly the keys of SPEC §8, these values.
#[track_caller]
pub fn assert_coverage(m: &serde_json::Value, want: &[(&str, u64)]) {
    let coverage = m["coverage"].as_object().expect("coverage object");
    let keys: Vec<&str> = coverage.keys().map(String::as_str).collect();
    assert_eq!(keys, ["inventions", "holders", "validity", "history", "d1", "d2", "d3", "d4", "d5"]);
    for (k, v) in want {
        assert_eq!(coverage[*k], *v, "coverage.{k} in {}", m["coverage"]);
    }
}

/// One institution's row of a CSV whose first column is the institution
/// (`institutions.csv`, `conversion.csv`), by column name.
#[track_caller]
pub fn csv_row(text: &str, name: &str) -> HashMap<String, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row = lines.find(|l| l.starts_with(&format!("{name},"))).unwrap_or_else(|| panic!("{name} in {text}"));
    header.iter().map(|h| h.to_string()).zip(row.split(',').map(str::to_string)).collect()
}

/// Assert some columns of an institution's row.
#[track_caller]
pub fn assert_figures(text: &str, name: &str, want: &[(&str, &str)]) {
    let row = csv_row(text, name);
    for (column, value) in want {
        assert_eq!(row[*column], *value, "{name}: {column} in\n{text}");
    }
}

/// The `patents.csv` row of one patent id, by column name.
#[track_caller]
pub fn patent_row(patents: &str, id: &str) -> HashMap<String, String> {
    let mut rdr = csv::Reader::from_reader(patents.as_bytes());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let row = rdr
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == id)
        .unwrap_or_else(|| panic!("{id} not in patents.csv"));
    header.into_iter().zip(row.iter().map(str::to_string)).collect()
}

/// Every file of an output folder, by name.
pub fn output_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| {
            let path = e.expect("entry").path();
            (path.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files
}

// ---- The table of export runs (`layout_tests!`) ----

/// The export a table run reads.
#[derive(Debug)]
pub enum Input {
    /// A file of `tests/fixtures/layouts`, in a workdir holding that folder's files.
    Fixture(&'static str),
    /// A real export of `../shared/real-exports`: without it the test passes, with a note.
    Real(&'static str),
}

/// `hvpat run <input> <args> --out out`, in a workdir where `files` were written first.
pub struct Layout {
    pub input: Input,
    pub args: &'static [&'static str],
    pub files: &'static [(&'static str, &'static str)],
}

/// A table run that succeeded: its workdir, its output and `out/manifest.json`.
pub struct Run {
    pub wd: Workdir,
    pub output: Output,
    pub manifest: serde_json::Value,
}

impl Run {
    /// A file of the output folder `out`.
    pub fn read(&self, name: &str) -> String {
        self.wd.read(&format!("out/{name}"))
    }
}

/// What a table run must show. Files are those of the output folder `out`.
#[derive(Debug)]
pub enum Expect {
    /// A figure of the manifest, by its dotted path (`"counts.rows_read"`).
    Manifest(&'static str, u64),
    /// The sum of some figures of the manifest.
    ManifestSum(&'static [&'static str], u64),
    /// These values of the manifest's `coverage` (see `assert_coverage`).
    Coverage(&'static [(&'static str, u64)]),
    /// Cells of an institution's row of `institutions.csv`.
    Institution(&'static str, &'static [(&'static str, &'static str)]),
    /// Cells of an institution's row of another CSV (file, institution, cells).
    Row(&'static str, &'static str, &'static [(&'static str, &'static str)]),
    /// Cells of a patent's row of `patents.csv`.
    Patent(&'static str, &'static [(&'static str, &'static str)]),
    /// A cell of a patent's row starts with this text (patent, column, text).
    PatentStarts(&'static str, &'static str, &'static str),
    /// A cell of a patent's row holds this text (patent, column, text).
    PatentHas(&'static str, &'static str, &'static str),
    /// A file holds this text.
    Has(&'static str, &'static str),
    /// A file does not hold this text.
    Lacks(&'static str, &'static str),
    /// A line of a file starts with this text.
    Line(&'static str, &'static str),
    /// A line of a file starts with the first text and holds the second.
    LineHas(&'static str, &'static str, &'static str),
    /// A file has this many lines.
    Lines(&'static str, usize),
    /// A text occurs this many times in a file.
    Occurs(&'static str, &'static str, usize),
    /// The run's stderr holds this text.
    Stderr(&'static str),
    /// The run's stderr does not hold this text.
    NotStderr(&'static str),
    /// Another hvpat command in the workdir prints each text on stdout.
    Stdout(&'static [&'static str], &'static [&'static str]),
    /// Another hvpat command in the workdir prints each text on stderr.
    StderrOf(&'static [&'static str], &'static [&'static str]),
    /// Anything else, checked by a function.
    Check(fn(&Run)),
}

impl Expect {
    #[track_caller]
    fn check(&self, run: &Run) {
        match *self {
            Expect::Manifest(path, want) => assert_eq!(manifest_figure(run, path), want, "manifest {path}"),
            Expect::ManifestSum(paths, want) => {
                let sum: u64 = paths.iter().map(|p| manifest_figure(run, p).as_u64().expect("a count")).sum();
                assert_eq!(sum, want, "{paths:?}");
            }
            Expect::Coverage(want) => assert_coverage(&run.manifest, want),
            Expect::Institution(name, cells) => assert_figures(&run.read("institutions.csv"), name, cells),
            Expect::Row(file, name, cells) => assert_figures(&run.read(file), name, cells),
            Expect::Patent(id, cells) => {
                let row = patent_row(&run.read("patents.csv"), id);
                for (column, value) in cells {
                    assert_eq!(row[*column], *value, "{id}: {column}");
                }
            }
            Expect::PatentStarts(id, column, text) => {
                let cell = &patent_row(&run.read("patents.csv"), id)[column];
                assert!(cell.starts_with(text), "{id}: {column} {cell:?} starts with {text:?}");
            }
            Expect::PatentHas(id, column, text) => {
                let cell = &patent_row(&run.read("patents.csv"), id)[column];
                assert!(cell.contains(text), "{id}: {column} {cell:?} holds {text:?}");
            }
            Expect::Has(file, text) => {
                let got = run.read(file);
                assert!(got.contains(text), "{file} holds {text:?}:\n{got}");
            }
            Expect::Lacks(file, text) => {
                let got = run.read(file);
                assert!(!got.contains(text), "{file} does not hold {text:?}:\n{got}");
            }
            Expect::Line(file, start) => {
                let got = run.read(file);
                assert!(got.lines().any(|l| l.starts_with(start)), "a line of {file} starts with {start:?}:\n{got}");
            }
            Expect::LineHas(file, start, text) => {
                let got = run.read(file);
                assert!(
                    got.lines().any(|l| l.starts_with(start) && l.contains(text)),
                    "a line of {file} starts with {start:?} and holds {text:?}:\n{got}"
                );
            }
            Expect::Lines(file, n) => {
                let got = run.read(file);
                assert_eq!(got.lines().count(), n, "lines of {file}:\n{got}");
            }
            Expect::Occurs(file, text, n) => {
                let got = run.read(file);
                assert_eq!(got.matches(text).count(), n, "{text:?} in {file}:\n{got}");
            }
            Expect::Stderr(text) => {
                let err = stderr(&run.output);
                assert!(err.contains(text), "stderr holds {text:?}:\n{err}");
            }
            Expect::NotStderr(text) => {
                let err = stderr(&run.output);
                assert!(!err.contains(text), "stderr does not hold {text:?}:\n{err}");
            }
            Expect::Stdout(args, texts) => {
                let out = stdout(&run.wd.hvpat(args));
                for text in texts {
                    assert!(out.contains(text), "{args:?} prints {text:?}:\n{out}");
                }
            }
            Expect::StderrOf(args, texts) => {
                let err = stderr(&run.wd.hvpat(args));
                for text in texts {
                    assert!(err.contains(text), "{args:?} says {text:?}:\n{err}");
                }
            }
            Expect::Check(f) => f(run),
        }
    }
}

fn manifest_figure<'a>(run: &'a Run, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(&run.manifest, |v, key| &v[key])
}

impl Layout {
    /// Set up the workdir and run: it must exit 0 and its counts add up. `None` when
    /// the real export is absent.
    #[track_caller]
    fn run(&self) -> Option<Run> {
        let (wd, input) = match self.input {
            Input::Fixture(file) => (Workdir::with_fixture("layouts"), file.to_string()),
            Input::Real(name) => (Workdir::new(), real_export(name)?.to_str().expect("utf-8 path").to_string()),
        };
        for (name, text) in self.files {
            wd.write(name, text);
        }
        let mut args = vec!["run", input.as_str()];
        args.extend(self.args);
        args.extend(["--out", "out"]);
        let output = wd.hvpat(&args);
        assert_code(&output, 0);
        let manifest = manifest(&wd, "out");
        assert_counts_add_up(&manifest["counts"]);
        Some(Run { wd, output, manifest })
    }
}

/// Run one case of a `layout_tests!` table and check each of its expectations.
#[track_caller]
pub fn check_layout(layout: &Layout, expect: &[Expect]) {
    let Some(run) = layout.run() else {
        return;
    };
    for e in expect {
        e.check(&run);
    }
}

/// One test per entry: `name: input, [run arguments] (with [(file, text), …]) =>
/// [expectations];` where `input` is `Fixture("file")` (of `tests/fixtures/layouts`)
/// or `Real("file")` (of `../shared/real-exports`), the arguments come after the
/// input (`--out out` is added), the files are written into the workdir before the
/// run, and the expectations are `Expect`s. Every run must exit 0 with counts that
/// add up.
macro_rules! layout_tests {
    ($(
        $(#[$attr:meta])*
        $name:ident: $input:expr, [$($arg:expr),* $(,)?] $(with [$(($file:expr, $text:expr $(,)?)),* $(,)?])?
            => [$($expect:expr),* $(,)?];
    )*) => {$(
        $(#[$attr])*
        #[test]
        fn $name() {
            #[allow(unused_imports)]
            use $crate::util::{Expect::*, Input::*};
            $crate::util::check_layout(
                &$crate::util::Layout { input: $input, args: &[$($arg),*], files: &[$($(($file, $text)),*)?] },
                &[$($expect),*],
            );
        }
    )*};
}
