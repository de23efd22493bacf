//! Robustness: malformed files and cells, pipes, and failures on the way (a missing
//! input, a locked output folder, an input changed during the run, a write that
//! fails, a run killed mid-write) each end with their exit code and one line, and
//! leave the previous output in place.

use std::process::{Command, Output};

use crate::util::{
    assert_code, assert_counts_add_up, assert_same, code, expected, manifest, output_files, sample, stderr, Workdir,
    RUN_HANDWORKED,
};

#[test]
fn malformed_rows_are_rejected_with_file_line_and_column() {
    let wd = Workdir::with_fixture("malformed");
    let o = wd.hvpat(&["run", "portfolio.csv", "--pledges", "pledges.csv", "--as-of", "2025-12-31", "--out", "out"]);
    // 8 of 12 rows rejected: the outputs are written, and the exit code says the limit was passed.
    assert_code(&o, 4);
    assert!(stderr(&o).contains("8 of 12 portfolio rows rejected"), "{}", stderr(&o));
    // With --json the summary line comes all the same, the reason beside the counts.
    let o = wd.hvpat(&[
        "run",
        "portfolio.csv",
        "--pledges",
        "pledges.csv",
        "--as-of",
        "2025-12-31",
        "--out",
        "out",
        "--json",
    ]);
    assert_code(&o, 4);
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON line on stdout");
    assert_eq!(line["counts"]["rejected"], 8);
    assert!(line["out"].as_str().is_some_and(|out| out.ends_with("out")), "{line}");
    let attention = line["attention"].as_str().expect("attention");
    assert!(attention.starts_with("8 of 12 portfolio rows rejected") && stderr(&o).contains(attention), "{line}");
    for name in ["rejects.csv", "warnings.csv", "institutions.csv"] {
        let want = expected("malformed", name);
        assert_same(name, &wd.read(&format!("out/{name}")), &want);
    }
    let counts = manifest(&wd, "out")["counts"].clone();
    assert_counts_add_up(&counts);
    assert_eq!((counts["rejected"].as_u64(), counts["side_rejected"].as_u64()), (Some(8), Some(2)));
    // With a limit that allows it, the same run succeeds.
    wd.write("hvpat.toml", "max_reject_share = 1.0\n");
    let o = wd.hvpat(&["run", "portfolio.csv", "--config", "hvpat.toml", "--as-of", "2025-12-31", "--out", "out2"]);
    assert_code(&o, 0);
}

/// Run hvpat on one file of the malformed corpus; return the exit code, stderr and
/// (when a manifest was written) its counts, checked to add up.
fn run_corpus_file(wd: &Workdir, file: &str) -> (i32, String, Option<serde_json::Value>) {
    let out = format!("out-{file}");
    let o = wd.hvpat(&["run", file, "--year", "2025", "--out", &out, "--quiet"]);
    let counts = wd.path(&format!("{out}/manifest.json")).exists().then(|| manifest(wd, &out)["counts"].clone());
    if let Some(c) = &counts {
        assert_counts_add_up(c);
    }
    (code(&o), stderr(&o), counts)
}

#[test]
fn every_file_of_the_malformed_corpus_has_its_expected_outcome() {
    let wd = Workdir::with_fixture("corpus");
    // Files that cannot be read at all: exit 3 and one line naming the file and the cause.
    for (file, says) in [
        ("empty.csv", "the file is empty"),
        ("bom-only.csv", "the file is empty"),
        ("mixed-encoding.csv", "mixed encodings"),
        ("unterminated-quote.csv", "line 2: a quoted field opens and is never closed"),
    ] {
        let (code, err, counts) = run_corpus_file(&wd, file);
        assert_eq!(code, 3, "{file}: {err}");
        assert!(err.starts_with(&format!("hvpat: {file}: ")) && err.contains(says), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{file}: one line");
        assert!(counts.is_none(), "{file}: nothing written");
    }
    // Files that are read: every row scored, merged, out of scope or rejected.
    let n = |c: &serde_json::Value, k: &str| c[k].as_u64().unwrap_or(u64::MAX);
    let (code, _, c) = run_corpus_file(&wd, "header-only.csv");
    let c = c.expect("manifest");
    assert_eq!((code, n(&c, "rows_read")), (0, 0));
    let (code, _, c) = run_corpus_file(&wd, "ragged.csv");
    let c = c.expect("manifest");
    // Short rows are read as empty cells; a long row whose extra fields hold values
    // (`extra`, `extra2`) is rejected, its cells perhaps shifted.
    assert_eq!((code, n(&c, "rows_read"), n(&c, "scored"), n(&c, "rejected")), (4, 3, 2, 1));
    let rejects = wd.read("out-ragged.csv/rejects.csv");
    assert!(
        rejects.contains(
            "ragged.csv,3,field 15 (past the header),extra | extra2,\"the row has 16 fields where the header has 14"
        ),
        "{rejects}"
    );
    let (code, _, c) = run_corpus_file(&wd, "duplicate-headers.csv");
    assert_eq!((code, n(&c.expect("manifest"), "scored")), (0, 1), "the first of two same-named columns is used");
    let (code, _, c) = run_corpus_file(&wd, "nul-bytes.csv");
    let c = c.expect("manifest");
    assert_eq!((code, n(&c, "scored"), n(&c, "rejected")), (4, 1, 1));
    let (code, _, c) = run_corpus_file(&wd, "bad-dates.csv");
    let c = c.expect("manifest");
    assert_eq!((code, n(&c, "scored"), n(&c, "rejected")), (4, 1, 3));
    let rejects = wd.read("out-bad-dates.csv/rejects.csv");
    for (line, column, value) in
        [(2, "filing_date", "0000-00-00"), (3, "filing_date", "2019-02-30"), (4, "grant_date", "2018-13-45")]
    {
        assert!(rejects.contains(&format!("bad-dates.csv,{line},{column},{value},unparseable {column}")), "{rejects}");
    }
    let (code, _, c) = run_corpus_file(&wd, "letters-in-numbers.csv");
    let c = c.expect("manifest");
    assert_eq!((code, n(&c, "scored"), n(&c, "rejected"), n(&c, "out_of_scope")), (4, 1, 3, 0));
    let rejects = wd.read("out-letters-in-numbers.csv/rejects.csv");
    assert!(rejects.contains("letters-in-numbers.csv,2,app_no,2013106997AB.2,unparseable application number"));
    assert!(rejects.contains("letters-in-numbers.csv,3,app_no,ABCDEFG,unparseable application number"));
    assert!(rejects.contains("letters-in-numbers.csv,4,pub_no,CN10282219XB,unparseable publication number"));
}

#[test]
fn a_ten_megabyte_cell_and_a_million_commas_are_read_without_harm() {
    let wd = Workdir::new();
    let header = "app_no,pub_no,title,kind,filing_date,grant_date,status,lapse_date,ipc,applicants,holders,family,pledge_amount,awards";
    let big_title = "专".repeat(10 * 1024 * 1024 / 3);
    wd.write(
        "big-cell.csv",
        &format!("{header}\n201810000101.7,,{big_title},发明,2018-01-01,2020-01-01,有效,,G06N 3/08,清华大学,,,,\n"),
    );
    let (code, err, c) = run_corpus_file(&wd, "big-cell.csv");
    assert_eq!(code, 0, "{err}");
    assert_eq!(c.expect("manifest")["scored"], 1);
    wd.write(
        "commas.csv",
        &format!("{header}\n201810000101.7,,t,发明,2018-01-01,2020-01-01,有效,,,清华大学,,,,{}\n201810000102.1,,t,发明,2018-01-01,2020-01-01,有效,,,清华大学,,,,\n", ",".repeat(1_000_000)),
    );
    let (code, err, c) = run_corpus_file(&wd, "commas.csv");
    assert_eq!(code, 0, "{err}");
    assert_eq!(c.expect("manifest")["scored"], 2);
}

/// `hvpat <args> | true`: the reader is gone before hvpat writes.
fn into_a_closed_pipe(wd: &Workdir, args: &[&str]) -> Output {
    let mut child = wd
        .command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn a_closed_pipe_on_stdout_is_a_quiet_exit_0() {
    let wd = Workdir::with_fixture("handworked");
    let mut explain = vec!["explain", "ZL 2021 1000 0008.8"];
    explain.extend(RUN_HANDWORKED[1..10].iter());
    let mut json = RUN_HANDWORKED.to_vec();
    json.extend(["--json", "--quiet"]);
    let commands: [&[&str]; 4] = [&explain, &["check", "portfolio.csv"], &json, &["init", "-"]];
    for args in commands {
        let o = into_a_closed_pipe(&wd, args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
    // What a command writes to files is written all the same.
    let o = into_a_closed_pipe(&wd, &["check", "portfolio.csv", "--rejects", "rejects-check.csv"]);
    assert_code(&o, 0);
    assert!(wd.path("rejects-check.csv").exists(), "--rejects is written before stdout");
}

#[cfg(unix)]
#[test]
fn an_input_from_a_pipe_is_read_as_it_comes() {
    use std::io::Write;
    let wd = Workdir::with_fixture("handworked");
    let mut child = run_handworked_with_aliases(&wd, "/dev/stdin", std::process::Stdio::piped());
    child.stdin.take().expect("stdin").write_all(ALIASES_THU.as_bytes()).expect("write");
    assert_the_aliases_were_read(&wd, child);
}

const ALIASES_THU: &str = "alias,institution,type\nTHU,清华大学,university\n";

/// The hand-worked run with `--aliases PATH --quiet`, started with `stdin`.
#[cfg(unix)]
fn run_handworked_with_aliases(wd: &Workdir, aliases: &str, stdin: std::process::Stdio) -> std::process::Child {
    let mut args = RUN_HANDWORKED.to_vec();
    args.extend(["--aliases", aliases, "--quiet"]);
    wd.command(&args).stdin(stdin).stderr(std::process::Stdio::piped()).spawn().expect("spawn")
}

/// The run ended with exit 0 and its manifest lists the aliases among its inputs.
#[cfg(unix)]
fn assert_the_aliases_were_read(wd: &Workdir, child: std::process::Child) {
    let o = child.wait_with_output().expect("wait");
    assert_code(&o, 0);
    assert!(manifest(wd, "out")["inputs"].as_array().expect("inputs").iter().any(|i| i["role"] == "aliases"));
}

/// A named pipe works as an input: it is told from the path before it is opened,
/// then opened once and read as it comes (one opened, closed and opened again loses
/// what a quick writer sent and waits for ever; that race is too narrow to force here).
#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_once() {
    use std::io::Write;
    let wd = Workdir::with_fixture("handworked");
    let made = Command::new("mkfifo").arg(wd.path("aliases.fifo")).status().expect("mkfifo");
    assert!(made.success());
    let mut child = run_handworked_with_aliases(&wd, "aliases.fifo", std::process::Stdio::inherit());
    let mut fifo = std::fs::OpenOptions::new().write(true).open(wd.path("aliases.fifo")).expect("open the pipe");
    // Written a moment after hvpat opened the pipe: it waits for the text.
    std::thread::sleep(std::time::Duration::from_millis(100));
    fifo.write_all(ALIASES_THU.as_bytes()).expect("write");
    drop(fifo);
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().expect("kill");
            panic!("hvpat still waits on the named pipe after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_the_aliases_were_read(&wd, child);
}

#[test]
fn a_failed_run_leaves_the_previous_output_in_place() {
    let wd = Workdir::with_fixture("handworked");
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0);
    let before = wd.read("out/institutions.csv");
    let o = wd.hvpat(&["run", "missing.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 3);
    assert_eq!(wd.read("out/institutions.csv"), before);
    let names = temporary_folders(&wd);
    assert!(names.is_empty(), "no temporary folders left: {names:?}");
}

/// Write a native portfolio of `n` distinct valid patents (for runs long enough to
/// interrupt), built from the hand-worked fixture's shapes.
fn write_large_portfolio(wd: &Workdir, name: &str, n: u32) {
    use std::io::Write as _;
    let mut f = std::io::BufWriter::new(std::fs::File::create(wd.path(name)).expect("create"));
    writeln!(f, "app_no,pub_no,title,kind,filing_date,grant_date,status,lapse_date,ipc,applicants,holders,family,pledge_amount,awards").expect("write");
    let holders = ["清华大学", "浙江大学", "北京大学;华为技术有限公司", "TSINGHUA UNIV"];
    let ipc = ["G06N 3/08", "A47J 27/00", "H01L 31/0224;C08L 23/06"];
    for i in 0..n {
        let digits = format!("2015{}{:07}", 1, i);
        let check = hvpat::rules::numbers::check_digit(&digits).expect("12 digits");
        let year = 2005 + (i % 20);
        writeln!(
            f,
            "{digits}.{check},,title {i},发明,{year}-0{}-1{},{}-01-01,有效,,{},,{},,,",
            1 + i % 9,
            i % 9,
            year + 2,
            ipc[(i % 3) as usize],
            holders[(i % 4) as usize]
        )
        .expect("write");
    }
}

/// The temporary folders (`.tmp-…`) left in the workdir.
fn temporary_folders(wd: &Workdir) -> Vec<String> {
    std::fs::read_dir(wd.root())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn a_second_run_on_a_locked_folder_exits_at_once_with_the_lock_code() {
    let wd = Workdir::with_fixture("handworked");
    let held = hvpat::write::OutputLock::acquire(&wd.path("out")).expect("lock");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_code(&o, 5);
    assert!(stderr(&o).contains("is being written by another hvpat run (pid "), "{}", stderr(&o));
    assert!(!wd.path("out").exists());
    drop(held);
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0, "the lock goes with its holder");

    // Two real runs at once on the same folder: the second one is refused.
    write_large_portfolio(&wd, "large.csv", 400_000);
    let first =
        wd.command(&["run", "large.csv", "--year", "2025", "--out", "shared", "--quiet"]).spawn().expect("spawn");
    let lock = wd.path(".shared.lock");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid")) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = wd.hvpat(&["run", "portfolio.csv", "--year", "2025", "--out", "shared"]);
    let first = first.wait_with_output().expect("wait");
    assert_eq!(first.status.code(), Some(0));
    assert_code(&second, 5);
}

#[test]
fn an_input_changed_during_a_run_ends_it_with_exit_3_and_one_line() {
    use std::io::{BufRead, Seek, Write};
    let wd = Workdir::new();
    write_large_portfolio(&wd, "pristine.csv", 300_000);
    let size = std::fs::metadata(wd.path("pristine.csv")).expect("size").len();
    std::fs::copy(wd.path("pristine.csv"), wd.path("large.csv")).expect("copy");
    let run = ["run", "large.csv", "--year", "2025", "--out", "out"];
    assert_eq!(code(&wd.hvpat(&run)), 0);
    let before = output_files(&wd.path("out"));
    // A background writer changes the file once the run has read it (its "scored"
    // line), while the run goes on to write its outputs.
    type Change = fn(&mut std::fs::File);
    let cases: [(&str, Change, String); 3] = [
        ("truncated", |f| f.set_len(1000).expect("truncate"), format!("size {size} → 1000 bytes")),
        (
            "grown",
            |f| {
                f.seek(std::io::SeekFrom::End(0)).expect("seek");
                f.write_all(b"201510000001.5,,late row,,,,,,,,,,,\n").expect("append");
            },
            format!("size {size} → {} bytes", size + 36),
        ),
        (
            "rewritten",
            |f| {
                f.seek(std::io::SeekFrom::Start(10)).expect("seek");
                f.write_all(b"X").expect("write");
            },
            format!("rewritten in place (same size, {size} bytes, new modification time)"),
        ),
    ];
    for (what, change, said) in cases {
        std::fs::copy(wd.path("pristine.csv"), wd.path("large.csv")).expect("copy");
        let mut child = wd.command(&run).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
        let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.expect("line");
            let scored = line.contains("hvpat: scored ");
            seen.push(line);
            if scored {
                change(&mut std::fs::OpenOptions::new().write(true).open(wd.path("large.csv")).expect("open"));
                break;
            }
        }
        seen.extend(lines.map(|l| l.expect("line")));
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(3), "{what}: {seen:?}");
        let last = seen.last().expect("a line");
        assert_eq!(
            last,
            &format!("hvpat: large.csv: changed while being read: {said}; re-run when the export is complete"),
            "{what}"
        );
        assert!(seen.iter().all(|l| l.contains("hvpat: ")), "{what}: only hvpat's lines: {seen:?}");
        assert!(output_files(&wd.path("out")) == before, "{what}: the previous output is untouched");
        assert!(temporary_folders(&wd).is_empty(), "{what}");
    }
}

/// Run hvpat with every file it writes limited to `max_bytes` (RLIMIT_FSIZE, with
/// SIGXFSZ ignored so that a write past it fails with EFBIG, as on a full disk).
#[cfg(unix)]
fn hvpat_with_file_size_limit(wd: &Workdir, args: &[&str], max_bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = wd.command(args);
    // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit).
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: max_bytes as libc::rlim_t, rlim_max: max_bytes as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().expect("run hvpat")
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_is_one_hvpat_line_and_the_previous_output_stays() {
    let wd = Workdir::new();
    let config = sample("hvpat.toml");
    let config = config.to_str().expect("utf-8 path");
    assert_eq!(code(&wd.hvpat(&["run", "--config", config, "--out", "out", "--quiet"])), 0);
    let before = output_files(&wd.path("out"));
    // 20 kB: most outputs fail at once; 150 kB: patents.csv and report.xlsx (written in
    // parallel, the workbook's zip archive among them); 600 kB: patents.csv alone.
    for max_bytes in [20_000, 150_000, 600_000] {
        let o = hvpat_with_file_size_limit(&wd, &["run", "--config", config, "--out", "out", "--quiet"], max_bytes);
        assert_eq!(code(&o), 1, "{max_bytes}: {}", stderr(&o));
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{max_bytes}: one line only: {err:?}");
        assert!(lines[0].starts_with("hvpat: cannot write "), "{max_bytes}: {err}");
        assert!(lines[0].contains("File too large"), "{max_bytes}: {err}");
        assert!(output_files(&wd.path("out")) == before, "{max_bytes}: the previous output is untouched");
        assert!(temporary_folders(&wd).is_empty(), "{max_bytes}");
    }
}

#[test]
fn a_run_killed_mid_write_leaves_the_previous_output_intact() {
    let wd = Workdir::with_fixture("handworked");
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0);
    let names = ["institutions.csv", "patents.csv", "manifest.json", "patents.parquet"];
    let before: Vec<Vec<u8>> =
        names.iter().map(|n| std::fs::read(wd.path(&format!("out/{n}"))).expect("read")).collect();
    write_large_portfolio(&wd, "large.csv", 300_000);
    let mut killed = 0;
    for delay_ms in [20u64, 150, 400, 700, 1000] {
        let mut child =
            wd.command(&["run", "large.csv", "--year", "2025", "--out", "out", "--quiet"]).spawn().expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let finished = child.try_wait().expect("wait").is_some();
        child.kill().ok(); // SIGKILL
        child.wait().expect("reap");
        if finished {
            continue;
        }
        killed += 1;
        for (n, old) in names.iter().zip(&before) {
            let now = std::fs::read(wd.path(&format!("out/{n}"))).expect("previous output still there");
            assert!(&now == old, "{n} changed after a kill at {delay_ms} ms");
        }
    }
    assert!(killed >= 3, "the runs were interrupted, not finished ({killed} of 5)");
    // The next run clears what the killed ones left and replaces the output.
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0);
    let left = temporary_folders(&wd);
    assert!(left.is_empty(), "{left:?}");
}
