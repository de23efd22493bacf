//! Integration tests: run the real `hvpat` binary in a temporary workdir on
//! fixture folders and compare its outputs with files worked out by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary working folder holding copies of a fixture, where the binary runs.
struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A workdir holding the files of `tests/fixtures/<name>` (not its `expected/`).
    fn with_fixture(name: &str) -> Workdir {
        let wd = Workdir::new();
        for entry in std::fs::read_dir(fixture(name)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, wd.path(path.file_name().and_then(|n| n.to_str()).expect("name"))).expect("copy");
            }
        }
        wd
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    /// A file's text; a CSV's byte-order mark (SPEC §11: on by default) left out.
    fn read(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        match text.strip_prefix('\u{feff}') {
            Some(rest) if name.ends_with(".csv") => rest.to_string(),
            _ => text,
        }
    }

    fn hvpat(&self, args: &[&str]) -> Output {
        self.hvpat_env(args, &[])
    }

    fn hvpat_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hvpat"));
        cmd.args(args).current_dir(self.dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run hvpat")
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Assert two texts are equal, printing the differing lines.
fn assert_same(name: &str, got: &str, want: &str) {
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

fn manifest_counts(wd: &Workdir, out: &str) -> serde_json::Value {
    let m: serde_json::Value = serde_json::from_str(&wd.read(&format!("{out}/manifest.json"))).expect("manifest json");
    m["counts"].clone()
}

fn assert_counts_add_up(counts: &serde_json::Value) {
    let n = |k: &str| counts[k].as_u64().unwrap_or_else(|| panic!("count {k}"));
    assert_eq!(n("rows_read"), n("scored") + n("duplicates") + n("out_of_scope") + n("rejected"), "{counts}");
}

const RUN_HANDWORKED: &[&str] = &[
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

#[test]
fn handworked_fixture_gives_the_expected_outputs() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for name in ["institutions.csv", "patents.csv", "rejects.csv", "warnings.csv"] {
        let want = std::fs::read_to_string(fixture("handworked/expected").join(name)).expect("expected file");
        assert_same(name, &wd.read(&format!("out/{name}")), &want);
    }
    let counts = manifest_counts(&wd, "out");
    assert_counts_add_up(&counts);
    assert_eq!(counts["rows_read"], 13);
    assert_eq!(counts["scored"], 11);
    assert_eq!(counts["duplicates"], 1);
    assert_eq!(counts["out_of_scope"], 1);
    assert_eq!(counts["rejected"], 0);
    for name in ["patents.parquet", "institutions.parquet", "institutions.json"] {
        assert!(wd.path(&format!("out/{name}")).metadata().map(|m| m.len() > 0).unwrap_or(false), "{name}");
    }
    let json: serde_json::Value = serde_json::from_str(&wd.read("out/institutions.json")).expect("json");
    assert_eq!(json[1]["institution"], "清华大学");
    assert_eq!(json[1]["high_value_share"], 0.75);
    assert_eq!(json[1]["valid_inventions_prev"], 5);
}

/// `patents.parquet` read back: every column typed as the CSV's text says (dates as
/// `date32`, booleans, counts) and every value the CSV's.
#[test]
fn patents_parquet_reads_back_typed_with_the_csv_values() {
    use polars::prelude::*;
    let wd = Workdir::with_fixture("handworked");
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0);
    let file = std::fs::File::open(wd.path("out/patents.parquet")).expect("parquet");
    let frame = ParquetReader::new(file).finish().expect("a Parquet file polars reads");
    let csv = wd.read("out/patents.csv");
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, header);
    for (name, dtype) in [
        ("filing_date", DataType::Date),
        ("grant_date", DataType::Date),
        ("eligible", DataType::Boolean),
        ("d4_pledge", DataType::Boolean),
        ("dimensions", DataType::UInt32),
        ("evidence", DataType::String),
    ] {
        assert_eq!(frame.column(name).expect(name).dtype(), &dtype, "{name}");
    }
    // Every value equals the CSV's text (dates as days from 1970-01-01).
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let csv_rows = csv::Reader::from_reader(csv.as_bytes()).into_records().map(|r| r.expect("row")).collect::<Vec<_>>();
    assert_eq!(frame.height(), csv_rows.len());
    for (k, name) in header.iter().enumerate() {
        let column = frame.column(name).expect("column").as_materialized_series().clone();
        for (i, row) in csv_rows.iter().enumerate() {
            let value = column.get(i).expect("value");
            let want = &row[k];
            let got = match value {
                AnyValue::Null => String::new(),
                AnyValue::Date(days) => (epoch + chrono::Duration::days(days as i64)).to_string(),
                AnyValue::String(s) => s.to_string(),
                other => other.to_string(),
            };
            assert_eq!(&got, want, "{name} of row {i}");
        }
    }
}

#[test]
fn malformed_rows_are_rejected_with_file_line_and_column() {
    let wd = Workdir::with_fixture("malformed");
    let o = wd.hvpat(&["run", "portfolio.csv", "--pledges", "pledges.csv", "--as-of", "2025-12-31", "--out", "out"]);
    // 8 of 12 rows rejected: the outputs are written, and the exit code says the limit was passed.
    assert_eq!(code(&o), 4, "{}", stderr(&o));
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
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON line on stdout");
    assert_eq!(line["counts"]["rejected"], 8);
    assert!(line["out"].as_str().is_some_and(|out| out.ends_with("out")), "{line}");
    let attention = line["attention"].as_str().expect("attention");
    assert!(attention.starts_with("8 of 12 portfolio rows rejected") && stderr(&o).contains(attention), "{line}");
    for name in ["rejects.csv", "warnings.csv", "institutions.csv"] {
        let want = std::fs::read_to_string(fixture("malformed/expected").join(name)).expect("expected file");
        assert_same(name, &wd.read(&format!("out/{name}")), &want);
    }
    let counts = manifest_counts(&wd, "out");
    assert_counts_add_up(&counts);
    assert_eq!((counts["rejected"].as_u64(), counts["side_rejected"].as_u64()), (Some(8), Some(2)));
    // With a limit that allows it, the same run succeeds.
    wd.write("hvpat.toml", "max_reject_share = 1.0\n");
    let o = wd.hvpat(&["run", "portfolio.csv", "--config", "hvpat.toml", "--as-of", "2025-12-31", "--out", "out2"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn sample_config_runs_and_counts_add_up() {
    let wd = Workdir::new();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/hvpat.toml");
    let o = wd.hvpat(&["run", "--config", config.to_str().expect("utf-8 path"), "--out", "out", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "--quiet prints nothing: {}", stderr(&o));
    for name in [
        "patents.csv",
        "patents.parquet",
        "institutions.csv",
        "institutions.parquet",
        "institutions.json",
        "rejects.csv",
        "warnings.csv",
        "manifest.json",
    ] {
        assert!(wd.path(&format!("out/{name}")).exists(), "{name} missing");
    }
    let counts = manifest_counts(&wd, "out");
    assert_counts_add_up(&counts);
    assert_eq!(counts["rows_read"], 3018);
    let institutions = wd.read("out/institutions.csv");
    let dims: Vec<u64> = institutions.lines().skip(1).fold(vec![0; 5], |mut acc, line| {
        let cells: Vec<&str> = line.split(',').collect();
        for (i, a) in acc.iter_mut().enumerate() {
            *a += cells[7 + i].parse::<u64>().expect("count");
        }
        acc
    });
    assert!(dims.iter().all(|d| *d > 0), "every dimension occurs in the sample: {dims:?}");
    assert_eq!(institutions.lines().count(), 11, "ten universities");
}

#[test]
fn outputs_are_identical_at_any_thread_count() {
    let wd = Workdir::with_fixture("handworked");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/hvpat.toml");
    let config = config.to_str().expect("utf-8 path");
    for (threads, out) in [("1", "one"), ("2", "two"), ("8", "eight")] {
        let o = wd.hvpat_env(
            &["run", "--config", config, "--out", out],
            &[("RAYON_NUM_THREADS", threads), ("POLARS_MAX_THREADS", threads)],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    for name in [
        "patents.csv",
        "institutions.csv",
        "institutions.json",
        "rejects.csv",
        "warnings.csv",
        "patents.parquet",
        "institutions.parquet",
    ] {
        let one = std::fs::read(wd.path(&format!("one/{name}"))).expect("read");
        for other in ["two", "eight"] {
            assert!(
                one == std::fs::read(wd.path(&format!("{other}/{name}"))).expect("read"),
                "{name} differs ({other})"
            );
        }
    }
}

#[test]
fn explain_prints_every_rule_for_one_patent() {
    let wd = Workdir::with_fixture("handworked");
    let mut args = vec!["explain", "ZL 2021 1000 0008.8"];
    args.extend(RUN_HANDWORKED[1..10].iter());
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("CN202110000008.8"), "{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("D4 pledge financing yes 1300 万元 ≥ 1000 (400 attributed; C1 1800/2 2025-03-01)"),
        "{text}"
    );
    assert!(words.contains("D1 strategic emerging industry no no IPC code in the SEI concordance"), "{text}");
    assert!(words.contains("high value yes 1 dimension(s) met"), "{text}");
    assert!(text.contains("one year before (2024-12-31): eligible yes, high value no"), "{text}");
    // By publication number too.
    let mut args = vec!["explain", "CN112345678B"];
    args.extend(RUN_HANDWORKED[1..10].iter());
    let o = wd.hvpat(&args);
    assert!(String::from_utf8_lossy(&o.stdout).contains("H01L 31/0224 → 6.3 太阳能产业"));
    let mut args = vec!["explain", "201910000001.X"];
    args.extend(RUN_HANDWORKED[1..10].iter());
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not in the portfolio"), "{}", stderr(&o));
}

/// `hvpat <args> | true`: the reader is gone before hvpat writes.
fn into_a_closed_pipe(wd: &Workdir, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvpat"))
        .args(args)
        .current_dir(wd.dir.path())
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
    assert_eq!(code(&o), 0, "{}", stderr(&o));
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
    Command::new(env!("CARGO_BIN_EXE_hvpat"))
        .args(&args)
        .current_dir(wd.dir.path())
        .stdin(stdin)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}

/// The run ended with exit 0 and its manifest lists the aliases among its inputs.
#[cfg(unix)]
fn assert_the_aliases_were_read(wd: &Workdir, child: std::process::Child) {
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
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
fn init_writes_a_config_that_runs() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(&["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = wd.hvpat(&["init"]);
    assert_eq!(code(&o), 2, "refuses to overwrite");
    assert!(stderr(&o).contains("--force"));
    let o = wd.hvpat(&["run", "--config", "hvpat.toml", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(wd.path("hvpat-out/institutions.csv").exists());
}

#[test]
fn bad_config_and_inputs_get_one_clear_line_and_distinct_codes() {
    let wd = Workdir::with_fixture("handworked");
    wd.write("bad.toml", "portfolio = [\"portfolio.csv\"]\nyear = 2025\npledge_threshold = 5\n");
    let o = wd.hvpat(&["run", "--config", "bad.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("pledge_threshold"), "names the key: {}", stderr(&o));

    let o = wd.hvpat(&["run", "missing.csv", "--year", "2025"]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("missing.csv"), "{}", stderr(&o));

    wd.write("nofiling.csv", "app_no,title\n201810000001.4,x\n");
    let o = wd.hvpat(&["run", "nofiling.csv", "--year", "2025"]);
    assert_eq!(code(&o), 3);
    let e = stderr(&o);
    assert!(
        e.contains("nofiling.csv")
            && e.contains("\"filing_date (native layout)\"")
            && e.contains("found columns: app_no, title"),
        "{e}"
    );

    wd.write("empty.csv", "");
    let o = wd.hvpat(&["run", "empty.csv", "--year", "2025"]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));

    let o = wd.hvpat(&["run", "portfolio.csv"]);
    assert_eq!(code(&o), 2, "no report date");

    let o = wd.hvpat(&["run", "portfolio.csv", "--as-of", "2025-02-30"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o).lines().count(), 1, "one line: {}", stderr(&o));
}

#[test]
fn a_failed_run_leaves_the_previous_output_in_place() {
    let wd = Workdir::with_fixture("handworked");
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0);
    let before = wd.read("out/institutions.csv");
    let o = wd.hvpat(&["run", "missing.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 3);
    assert_eq!(wd.read("out/institutions.csv"), before);
    let names: Vec<String> = std::fs::read_dir(wd.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(names.is_empty(), "no temporary folders left: {names:?}");
}

/// Respell every holder and applicant of the sample with the variants analysts meet
/// in exports (English, Lens-style, full-width, other separators).
fn respell_sample(wd: &Workdir) {
    let variants: &[(&str, &[&str])] = &[
        (
            "清华大学",
            &["TSINGHUA UNIV", "Tsinghua University", "UNIV TSINGHUA", "清华大学 ", "ＴＳＩＮＧＨＵＡ　ＵＮＩＶ"],
        ),
        ("浙江大学", &["ZHEJIANG UNIV", "Zhejiang University", "UNIV ZHEJIANG", "　浙江大学"]),
        ("哈尔滨工业大学", &["HARBIN INST TECHNOLOGY", "Harbin Institute of Technology"]),
        ("上海交通大学", &["SHANGHAI JIAOTONG UNIV", "UNIV SHANGHAI JIAOTONG", "Shanghai Jiao Tong University"]),
        ("北京大学", &["PEKING UNIV", "UNIV PEKING", "Peking University"]),
        ("东南大学", &["SOUTHEAST UNIV", "UNIV SOUTHEAST"]),
        ("中山大学", &["SUN YAT SEN UNIV", "UNIV SUN YAT SEN"]),
        ("深圳大学", &["SHENZHEN UNIV", "UNIV SHENZHEN", "Shenzhen University"]),
    ];
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let mut rdr = csv::Reader::from_path(sample.join("portfolio.csv")).expect("sample");
    let headers = rdr.headers().expect("headers").clone();
    let mut w = csv::Writer::from_path(wd.path("respelled.csv")).expect("write");
    w.write_record(&headers).expect("header");
    let separators = [";", "；", "|", ";;"];
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.expect("record");
        let cells: Vec<String> = rec
            .iter()
            .zip(headers.iter())
            .map(|(cell, h)| {
                if h != "holders" && h != "applicants" {
                    return cell.to_string();
                }
                let names: Vec<String> = cell
                    .split(';')
                    .map(|name| match variants.iter().find(|(canonical, _)| *canonical == name.trim()) {
                        Some((_, spellings)) => spellings[i % spellings.len()].to_string(),
                        None => name.to_string(),
                    })
                    .collect();
                names.join(separators[i % separators.len()])
            })
            .collect();
        w.write_record(&cells).expect("row");
    }
    w.flush().expect("flush");
    for side in ["families.csv", "pledges.csv", "awards.csv"] {
        std::fs::copy(sample.join(side), wd.path(side)).expect("copy");
    }
}

#[test]
fn variant_spellings_give_the_same_institution_figures() {
    let wd = Workdir::new();
    respell_sample(&wd);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let side = ["--families", "families.csv", "--pledges", "pledges.csv", "--awards", "awards.csv", "--year", "2025"];
    let canonical = sample.join("portfolio.csv");
    let mut args = vec!["run", canonical.to_str().expect("path"), "--out", "canonical"];
    args.extend(side);
    assert_eq!(code(&wd.hvpat(&args)), 0);
    let mut args = vec!["run", "respelled.csv", "--out", "respelled"];
    args.extend(side);
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let want = wd.read("canonical/institutions.csv");
    assert_eq!(want.lines().count(), 11, "ten universities");
    assert_same("institutions.csv", &wd.read("respelled/institutions.csv"), &want);
}

#[test]
fn fractional_counts_add_up_to_patents_and_full_counts_to_pairs() {
    let wd = Workdir::with_fixture("handworked");
    let run = |counting: &str, out: &str| {
        wd.write("c.toml", &format!("counting = \"{counting}\"\ninstitution_types = [\"all\"]\n"));
        let mut args = vec!["run", "--config", "c.toml", "--out", out];
        args.extend(RUN_HANDWORKED[1..10].iter());
        let o = wd.hvpat(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let text = wd.read(&format!("{out}/institutions.csv"));
        text.lines().skip(1).map(|l| l.split(',').nth(2).expect("patents").parse::<f64>().expect("number")).sum::<f64>()
    };
    // 11 patents, each with at least one holder; 13 (patent, institution) pairs: P3 and P13
    // have two holders, P2 lists 清华大学 twice in two spellings (one institution).
    assert!((run("fractional", "frac") - 11.0).abs() < 1e-3);
    assert_eq!(run("full", "full"), 13.0);
    let frac = wd.read("frac/institutions.csv");
    assert!(frac.contains("华为技术有限公司,enterprise,0.5000,0.5000,0.0000"), "{frac}");
    let manifest = wd.read("frac/manifest.json");
    assert!(manifest.contains("\"counting\": \"fractional\""), "{manifest}");
}

#[test]
fn campuses_stay_separate_or_roll_up_into_their_parent() {
    let wd = Workdir::new();
    wd.write(
        "p.csv",
        "app_no,filing_date,grant_date,status,holders\n\
         201810000101.7,2018-01-01,2020-01-01,有效,哈尔滨工业大学\n\
         201810000102.1,2018-01-01,2020-01-01,有效,哈尔滨工业大学(深圳)\n\
         201810000103.6,2018-01-01,2020-01-01,有效,哈尔滨工业大学（深圳）;哈尔滨工业大学\n\
         201810000104.0,2018-01-01,2020-01-01,有效,HARBIN INST TECHNOLOGY;某某大学\n",
    );
    assert_eq!(code(&wd.hvpat(&["run", "p.csv", "--year", "2025", "--out", "separate"])), 0);
    let separate = wd.read("separate/institutions.csv");
    let rows: Vec<&str> = separate.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{separate}");
    assert!(rows[0].starts_with("哈尔滨工业大学,university,3,3,3,"), "{separate}");
    assert!(
        rows[1].starts_with("哈尔滨工业大学（深圳）,university,2,2,2,")
            && rows[1].ends_with(",哈尔滨工业大学,0,0,0.00,0.00"),
        "{separate}"
    );
    assert!(rows[2].starts_with("某某大学,university,1,"), "{separate}");
    let unresolved = wd.read("separate/unresolved.csv");
    assert_eq!(unresolved, "name,type,patents\n某某大学,university,1\n");

    wd.write("r.toml", "rollup_campuses = true\n");
    let o = wd.hvpat(&["run", "p.csv", "--config", "r.toml", "--year", "2025", "--out", "rolled"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rolled = wd.read("rolled/institutions.csv");
    // Patent 103 is held by the campus and the parent: it counts once for the parent.
    assert!(rolled.lines().nth(1).is_some_and(|l| l.starts_with("哈尔滨工业大学,university,4,4,4,")), "{rolled}");
    assert_eq!(rolled.lines().count(), 3, "{rolled}");
}

fn real_export(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-exports").join(name);
    if path.exists() {
        Some(path)
    } else {
        println!("skipped: {} is absent (the real exports live in ../shared/real-exports)", path.display());
        None
    }
}

fn run_real_export(name: &str) -> Option<(Workdir, serde_json::Value, String)> {
    let path = real_export(name)?;
    let wd = Workdir::new();
    let o = wd.hvpat(&["run", path.to_str().expect("path"), "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = manifest_counts(&wd, "out");
    let institutions = wd.read("out/institutions.csv");
    Some((wd, counts, institutions))
}

#[test]
fn google_patents_export_is_read_as_it_comes() {
    let Some((wd, counts, institutions)) = run_real_export("google_patents_gp-search-20251001-102423.csv") else {
        return;
    };
    assert_counts_add_up(&counts);
    assert_eq!(counts["rows_read"], 10_663);
    assert_eq!(counts["rejected"], 0);
    // The export's README counts 5,267 CN documents; A and B publications of one
    // application share a number and merge.
    assert_eq!(counts["scored"].as_u64().unwrap() + counts["duplicates"].as_u64().unwrap(), 5_267);
    for name in ["浙江大学", "清华大学", "北京航空航天大学", "深圳大学"] {
        assert!(institutions.lines().any(|l| l.starts_with(&format!("{name},university,"))), "{name}");
    }
    // `清华大学, 北京衔远有限公司` is two holders; `Co., Ltd.` style names stay whole.
    let patents = wd.read("out/patents.csv");
    assert!(patents.contains("CN117911230,CN117911230B,"), "A and B merged under the publication number");
    assert!(patents.lines().any(|l| l.starts_with("CN117911230,") && l.contains("清华大学;北京衔远有限公司")));
}

#[test]
fn lens_export_is_read_as_it_comes() {
    let Some((wd, counts, institutions)) = run_real_export("lens_export_antontruly_patents.csv") else {
        return;
    };
    assert_counts_add_up(&counts);
    assert_eq!(counts["rows_read"], 3_779);
    assert_eq!(counts["rejected"], 0);
    assert_eq!(counts["scored"].as_u64().unwrap() + counts["duplicates"].as_u64().unwrap(), 1_228, "CN rows");
    // `UNIV DALIAN TECH` and `UNIV HARBIN ENG` resolve through the alias table.
    for name in ["大连理工大学", "哈尔滨工程大学", "北京航空航天大学"] {
        assert!(institutions.lines().any(|l| l.starts_with(&format!("{name},university,"))), "{name}");
    }
    let unresolved = wd.read("out/unresolved.csv");
    assert!(!unresolved.contains("UNIV DALIAN TECH"), "resolved, so not listed as unresolved");
    // Spellings the table does not list, told by their words: `BEIJING INSTITUTE TECH`
    // (the table has `BEIJING INST TECH`) and `NAT UNIV DEFENSE TECHNOLOGY PLA`.
    for gone in ["BEIJING INSTITUTE TECH", "NAT UNIV DEFENSE TECHNOLOGY PLA"] {
        assert!(!unresolved.contains(gone), "{gone} resolves: {unresolved}");
    }
    assert_figures(&institutions, "北京理工大学", &[("patents", "6")]);
    assert_figures(&institutions, "国防科技大学", &[("patents", "4")]);
}

const CN_HEADERS: [&str; 14] = [
    "申请号",
    "公开（公告）号",
    "标题",
    "专利类型",
    "申请日",
    "授权公告日",
    "法律状态",
    "失效日",
    "IPC分类号",
    "申请人",
    "[标]当前申请(专利权)人",
    "简单同族",
    "质押金额",
    "获奖情况",
];

/// The hand-worked portfolio's rows (native column order).
fn handworked_rows() -> Vec<Vec<String>> {
    let mut rdr = csv::Reader::from_path(fixture("handworked/portfolio.csv")).expect("fixture");
    rdr.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect()
}

fn csv_text(headers: &[&str], rows: &[Vec<String>], delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
    w.write_record(headers).expect("header");
    for r in rows {
        w.write_record(r).expect("row");
    }
    String::from_utf8(w.into_inner().expect("bytes")).expect("utf-8")
}

#[test]
fn chinese_headers_encodings_and_xlsx_give_the_native_figures() {
    let wd = Workdir::with_fixture("handworked");
    let rows = handworked_rows();
    let text = csv_text(&CN_HEADERS, &rows, b',');
    let (gbk, _, had_errors) = encoding_rs::GB18030.encode(&text);
    assert!(!had_errors);
    std::fs::write(wd.path("cn-gbk.csv"), &gbk).expect("write");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(csv_text(&CN_HEADERS, &rows, b'\t').into_bytes());
    std::fs::write(wd.path("cn-bom.csv"), bom).expect("write");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in CN_HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
    }
    book.save(wd.path("cn.xlsx")).expect("xlsx");

    let want = std::fs::read_to_string(fixture("handworked/expected/institutions.csv")).expect("expected");
    for file in ["cn-gbk.csv", "cn-bom.csv", "cn.xlsx"] {
        let out = format!("out-{file}");
        let mut args = vec!["run", file, "--out", &out];
        args.extend(RUN_HANDWORKED[2..10].iter());
        let o = wd.hvpat(&args);
        assert_eq!(code(&o), 0, "{file}: {}", stderr(&o));
        assert_same(&format!("{file}: institutions.csv"), &wd.read(&format!("{out}/institutions.csv")), &want);
    }
    let o = wd.hvpat(&["check", "cn-gbk.csv", "cn-bom.csv", "cn.xlsx"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("layout cn (detected), encoding GB18030, 13 data rows"), "{text}");
    assert!(text.contains("layout cn (detected), encoding UTF-8 (BOM), 13 data rows"), "{text}");
    assert!(text.contains("layout cn (detected), encoding xlsx, 13 data rows"), "{text}");
}

#[test]
fn check_names_a_missing_column_and_the_nearest_header() {
    let wd = Workdir::new();
    wd.write("p.csv", "app_no,filling_date,title,holders\n201810000101.7,2018-01-01,x,清华大学\n");
    let o = wd.hvpat(&["check", "p.csv"]);
    assert_eq!(code(&o), 3);
    let e = stderr(&o);
    assert!(e.contains("\"filing_date (native layout)\""), "{e}");
    assert!(e.contains("found columns: app_no, filling_date, title, holders"), "{e}");
    assert!(e.contains("did you mean \"filling_date\"?"), "{e}");
    wd.write("cn.csv", "申请号,申请人\n201810000101.7,清华大学\n");
    let e = stderr(&wd.hvpat(&["check", "cn.csv"]));
    assert!(e.contains("申请日 (cn layout)"), "{e}");
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

#[test]
fn a_second_run_on_a_locked_folder_exits_at_once_with_the_lock_code() {
    let wd = Workdir::with_fixture("handworked");
    let held = hvpat::write::OutputLock::acquire(&wd.path("out")).expect("lock");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stderr(&o).contains("is being written by another hvpat run (pid "), "{}", stderr(&o));
    assert!(!wd.path("out").exists());
    drop(held);
    assert_eq!(code(&wd.hvpat(RUN_HANDWORKED)), 0, "the lock goes with its holder");

    // Two real runs at once on the same folder: the second one is refused.
    write_large_portfolio(&wd, "large.csv", 400_000);
    let first = Command::new(env!("CARGO_BIN_EXE_hvpat"))
        .args(["run", "large.csv", "--year", "2025", "--out", "shared", "--quiet"])
        .current_dir(wd.dir.path())
        .spawn()
        .expect("spawn");
    let lock = wd.path(".shared.lock");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid")) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = wd.hvpat(&["run", "portfolio.csv", "--year", "2025", "--out", "shared"]);
    let first = first.wait_with_output().expect("wait");
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(code(&second), 5, "{}", stderr(&second));
}

/// Every file of an output folder, by name.
fn output_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

fn temporary_folders(wd: &Workdir) -> Vec<String> {
    std::fs::read_dir(wd.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
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
        let mut child = Command::new(env!("CARGO_BIN_EXE_hvpat"))
            .args(run)
            .current_dir(wd.dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
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
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hvpat"));
    cmd.args(args).current_dir(wd.dir.path());
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
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/hvpat.toml");
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
        let mut child = Command::new(env!("CARGO_BIN_EXE_hvpat"))
            .args(["run", "large.csv", "--year", "2025", "--out", "out", "--quiet"])
            .current_dir(wd.dir.path())
            .spawn()
            .expect("spawn");
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
    let left: Vec<String> = std::fs::read_dir(wd.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn if_changed_skips_unchanged_inputs_and_runs_after_a_change() {
    let wd = Workdir::with_fixture("handworked");
    let mut args: Vec<&str> = RUN_HANDWORKED.to_vec();
    args.push("--if-changed");
    args.push("--json");
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let first: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(first["skipped"], false);
    assert_eq!(first["counts"]["scored"], 11);
    let manifest = wd.read("out/manifest.json");

    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("skipped: inputs, config and version unchanged"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "one line");
    let second: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(second["skipped"], true);
    assert_eq!(wd.read("out/manifest.json"), manifest, "nothing rewritten");

    let awards = wd.read("awards.csv");
    wd.write("awards.csv", &format!("{awards}CN201810000001.4,中国专利奖,金奖,2020\n"));
    let o = wd.hvpat(&args);
    let third: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(third["skipped"], false, "an input changed");
    // A different as_of is a different config too.
    let mut other = args.clone();
    other[9] = "2025-06-30";
    let fourth: serde_json::Value = serde_json::from_slice(&wd.hvpat(&other).stdout).expect("json");
    assert_eq!(fourth["skipped"], false);
    // Another selection of outputs is another run; the same selection in another order is not.
    let mut chosen = other.clone();
    chosen.extend(["--outputs", "institutions.csv,patents.csv"]);
    let fifth: serde_json::Value = serde_json::from_slice(&wd.hvpat(&chosen).stdout).expect("json");
    assert_eq!(fifth["skipped"], false);
    let n = chosen.len();
    chosen[n - 1] = "patents.csv,institutions.csv";
    let sixth: serde_json::Value = serde_json::from_slice(&wd.hvpat(&chosen).stdout).expect("json");
    assert_eq!(sixth["skipped"], true);
}

#[test]
fn a_config_alone_is_a_complete_run_with_glob_patterns_and_stage_lines() {
    let wd = Workdir::with_fixture("handworked");
    std::fs::create_dir(wd.path("exports")).expect("mkdir");
    std::fs::rename(wd.path("portfolio.csv"), wd.path("exports/a.csv")).expect("move");
    wd.write(
        "hvpat.toml",
        "portfolio = [\"exports/*.csv\"]\nfamilies = \"families.csv\"\npledges = \"pledges.csv\"\nawards = \"awards.csv\"\nas_of = \"2025-12-31\"\nout = \"report\"\n",
    );
    let o = wd.hvpat(&["run", "--config", "hvpat.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let want = std::fs::read_to_string(fixture("handworked/expected/institutions.csv")).expect("expected");
    assert_same("institutions.csv", &wd.read("report/institutions.csv"), &want);
    let lines: Vec<String> = stderr(&o).lines().map(str::to_string).collect();
    assert!(lines.len() >= 3, "{lines:?}");
    for l in &lines {
        assert!(l.len() > 21 && l.as_bytes()[4] == b'-' && l[19..].starts_with("Z hvpat: "), "timestamped: {l}");
    }
    wd.write("bad.toml", "portfolio = [\"nothing/*.csv\"]\nyear = 2025\n");
    let o = wd.hvpat(&["run", "--config", "bad.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("matches no file"), "{}", stderr(&o));
}

#[test]
fn trend_and_previous_year_follow_grants_lapses_and_the_ten_year_line() {
    let wd = Workdir::with_fixture("trend");
    let o = wd.hvpat(&["run", "portfolio.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Worked by hand (see the titles): T1 valid throughout, high-value once past
    // 2023-06-01; T2 valid from its 2022 grant (D1); T3 valid and high-value until
    // its 2023 lapse; T4 high-value (D3) until it expires on 2025-06-30; T5 is a
    // utility model; T6 (29 February 2016) stays short of its 10-year line.
    let institutions = wd.read("out/institutions.csv");
    let row: Vec<&str> = institutions.lines().nth(1).expect("one row").split(',').collect();
    assert_eq!(&row[..7], ["清华大学", "university", "6", "5", "3", "2", "0.6667"]);
    assert_eq!(&row[21..23], ["4", "3"], "previous year: valid 4, high-value 3");
    let json: serde_json::Value = serde_json::from_str(&wd.read("out/institutions.json")).expect("json");
    let trend: Vec<(String, u64, u64)> = json[0]["trend"]
        .as_array()
        .expect("trend")
        .iter()
        .map(|p| {
            (
                p["as_of"].as_str().expect("date").to_string(),
                p["valid_inventions"].as_u64().expect("n"),
                p["high_value"].as_u64().expect("n"),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> =
        [("2021-12-31", 4, 2), ("2022-12-31", 5, 3), ("2023-12-31", 4, 3), ("2024-12-31", 4, 3), ("2025-12-31", 3, 2)]
            .iter()
            .map(|(d, v, h)| (d.to_string(), *v, *h))
            .collect();
    assert_eq!(trend, want);
    let html = wd.read("out/report.html");
    assert!(html.contains("<td>3 / 5</td>"), "2022 in the trend table");
}

#[test]
fn reports_escape_names_hold_no_external_url_and_neutralise_formulas() {
    let wd = Workdir::with_fixture("handworked");
    let portfolio = wd.read("portfolio.csv");
    let portfolio = portfolio
        .replace("P8,发明,2021-01-01,2023-01-01,有效,,A47J 36/00,浙江大学,浙江大学", "P8,发明,2021-01-01,2023-01-01,有效,,A47J 36/00,浙江大学,<script>alert(1)</script>")
        .replace("P9,发明,2021-02-01,2023-01-01,有效,,C08L 23/06 (2006.01),清华大学,清华大学", "P9,发明,2021-02-01,2023-01-01,有效,,C08L 23/06 (2006.01),清华大学,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    wd.write("portfolio.csv", &portfolio);
    wd.write("all.toml", "institution_types = [\"all\"]\n");
    let mut args = vec!["run", "--config", "all.toml"];
    args.extend(RUN_HANDWORKED[1..].iter());
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = wd.read("out/report.html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped");
    assert!(!html.contains("<script"), "no script element at all");
    for needle in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(needle), "no external resource: {needle}");
    }
    assert!(!html.replace("http://x", "").contains("http"), "no URL but the data's own text");
    let institutions = wd.read("out/institutions.csv");
    assert!(institutions.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "{institutions}");
    let patents = wd.read("out/patents.csv");
    assert!(patents.contains("'=HYPERLINK("), "holders cell neutralised");

    use calamine::Reader as _;
    let mut book = calamine::open_workbook_auto(wd.path("out/report.xlsx")).expect("xlsx opens");
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Coverage", "Institutions", "Conversion", "Quality", "Patents", "Rejects", "Parameters"]
    );
    assert!(wd.read("out/quality.csv").contains("\"'=HYPERLINK("), "quality.csv's names neutralised");
    let sheet = book.worksheet_range("Institutions").expect("sheet");
    let header: Vec<String> = sheet.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..3], ["institution", "type", "patents"]);
    let formula_row =
        sheet.rows().find(|r| r[0].to_string().contains("HYPERLINK")).expect("the formula-like holder is a row");
    assert!(matches!(formula_row[0], calamine::Data::String(_)), "stored as text, not a formula");
    assert!(book.worksheet_formula("Institutions").expect("formulas").rows().all(|r| r.iter().all(|f| f.is_empty())));
    // The Patents sheet lists the valid inventions (patents.csv has every patent).
    let mut rows = csv::Reader::from_reader(patents.as_bytes());
    let eligible = rows.records().filter(|r| r.as_ref().expect("row").get(9) == Some("true")).count();
    assert_eq!(patents.lines().count(), 12, "header + 11 patents");
    let patents_sheet = book.worksheet_range("Patents").expect("sheet");
    assert!(eligible > 0);
    assert_eq!(patents_sheet.height(), 1 + eligible, "header + the valid inventions");
    assert!(patents_sheet.rows().skip(1).all(|r| matches!(&r[9], calamine::Data::String(s) if s == "true")));
}

/// Run hvpat on one file of the malformed corpus; return the exit code, stderr and
/// (when a manifest was written) its counts, checked to add up.
fn run_corpus_file(wd: &Workdir, file: &str) -> (i32, String, Option<serde_json::Value>) {
    let out = format!("out-{file}");
    let o = wd.hvpat(&["run", file, "--year", "2025", "--out", &out, "--quiet"]);
    let counts = wd.path(&format!("{out}/manifest.json")).exists().then(|| manifest_counts(wd, &out));
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

#[test]
fn synth_is_deterministic_and_its_portfolio_runs_clean() {
    let wd = Workdir::new();
    for out in ["a", "b"] {
        let o = wd.hvpat(&["synth", "--patents", "5000", "--seed", "42", "--out", out]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    for name in ["portfolio.csv", "families.csv", "pledges.csv", "awards.csv", "hvpat.toml"] {
        assert!(wd.read(&format!("a/{name}")) == wd.read(&format!("b/{name}")), "{name} differs between runs");
    }
    assert_eq!(wd.read("a/portfolio.csv").lines().count(), 5001);
    let other = wd.hvpat(&["synth", "--patents", "5000", "--seed", "43", "--out", "c"]);
    assert_eq!(code(&other), 0);
    assert!(wd.read("c/portfolio.csv") != wd.read("a/portfolio.csv"), "the seed matters");
    let o = wd.hvpat(&["run", "--config", "a/hvpat.toml", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = manifest_counts(&wd, "a/hvpat-out");
    assert_counts_add_up(&counts);
    assert_eq!(
        (counts["scored"].as_u64(), counts["rejected"].as_u64(), counts["side_rejected"].as_u64()),
        (Some(5000), Some(0), Some(0))
    );
    assert!(counts["high_value"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn an_alias_table_saved_by_chinese_excel_is_read() {
    let wd = Workdir::new();
    wd.write("p.csv", "app_no,filing_date,grant_date,status,holders\n201810000101.7,2018-01-01,2020-01-01,有效,华工\n");
    let (gbk, _, _) = encoding_rs::GB18030.encode("alias,institution,type\n华工,华南理工大学,university\n");
    std::fs::write(wd.path("aliases.csv"), &gbk).expect("write");
    let o = wd.hvpat(&["run", "p.csv", "--aliases", "aliases.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(wd
        .read("out/institutions.csv")
        .lines()
        .nth(1)
        .is_some_and(|l| l.starts_with("华南理工大学,university,1,")));
}

// ---- Real exports II: CNIPA pss and Patsnap layouts, legal events, coverage (SPEC §7, §8) ----

/// The figures of one institution's row of `institutions.csv`, by column name.
fn institution_row(institutions: &str, name: &str) -> std::collections::HashMap<String, String> {
    let mut lines = institutions.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row = lines.find(|l| l.starts_with(&format!("{name},"))).unwrap_or_else(|| panic!("{name} in {institutions}"));
    header.iter().map(|h| h.to_string()).zip(row.split(',').map(str::to_string)).collect()
}

/// Assert some columns of an institution's row.
fn assert_figures(institutions: &str, name: &str, want: &[(&str, &str)]) {
    let row = institution_row(institutions, name);
    for (column, value) in want {
        assert_eq!(row[*column], *value, "{name}: {column} in\n{institutions}");
    }
}

fn manifest(wd: &Workdir, out: &str) -> serde_json::Value {
    serde_json::from_str(&wd.read(&format!("{out}/manifest.json"))).expect("manifest json")
}

/// Assert the manifest's `coverage` object: exactly the keys of SPEC §8, these values.
fn assert_coverage(m: &serde_json::Value, want: &[(&str, u64)]) {
    let coverage = m["coverage"].as_object().expect("coverage object");
    let keys: Vec<&str> = coverage.keys().map(String::as_str).collect();
    assert_eq!(keys, ["inventions", "holders", "validity", "history", "d1", "d2", "d3", "d4", "d5"]);
    for (k, v) in want {
        assert_eq!(coverage[*k], *v, "coverage.{k} in {}", m["coverage"]);
    }
}

/// The `patents.csv` row of one patent id, by column name.
fn patent_row(patents: &str, id: &str) -> std::collections::HashMap<String, String> {
    let mut rdr = csv::Reader::from_reader(patents.as_bytes());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let row = rdr
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == id)
        .unwrap_or_else(|| panic!("{id} not in patents.csv"));
    header.into_iter().zip(row.iter().map(str::to_string)).collect()
}

#[test]
fn patsnap_export_dates_grants_and_lapses_from_its_events() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "patsnap.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    // 10 rows: 8 patents, the A and B rows of CN108000004 merged, one US document.
    assert_eq!(m["counts"]["rows_read"], 10);
    assert_eq!(m["counts"]["scored"], 8);
    assert_eq!(m["counts"]["duplicates"], 1);
    assert_eq!(m["counts"]["out_of_scope"], 1);
    assert_eq!(m["counts"]["rejected"], 0);
    let institutions = wd.read("out/institutions.csv");
    // 清华大学: valid now CN105000001 (granted 2017-08-01) and CN112000008 (2022-05-05);
    // a year before also CN106000002, lapsed 2023-03-01 by its INPADOC event.
    assert_figures(
        &institutions,
        "清华大学",
        &[
            ("patents", "5"),
            ("inventions", "4"),
            ("valid_inventions", "2"),
            ("high_value", "1"),
            ("d1_sei", "1"),
            ("valid_inventions_prev", "3"),
            ("high_value_prev", "1"),
        ],
    );
    // 浙江大学: CN108000004 granted 2023-06-20 (its B row), so valid now, not a year
    // before; CN109000005 (filed 29 Feb 2012, grant date from its event) maintained
    // over ten years at both dates.
    assert_figures(
        &institutions,
        "浙江大学",
        &[
            ("patents", "3"),
            ("inventions", "3"),
            ("valid_inventions", "3"),
            ("high_value", "1"),
            ("d3_maintained", "1"),
            ("valid_inventions_prev", "2"),
            ("high_value_prev", "1"),
        ],
    );
    let patents = wd.read("out/patents.csv");
    let p = patent_row(&patents, "CN106000002");
    assert_eq!(
        (p["grant_date"].as_str(), p["status"].as_str(), p["eligible"].as_str()),
        ("2018-02-02", "未缴年费", "false")
    );
    assert!(
        p["evidence"].starts_with("lapsed 2023-03-01 (legal event -TERMINATION OF PATENT RIGHT"),
        "{}",
        p["evidence"]
    );
    let p = patent_row(&patents, "CN109000005");
    assert_eq!(p["grant_date"], "2014-05-07");
    assert!(p["evidence"].starts_with("valid: granted 2014-05-07 (legal event +PATENT GRANT)"), "{}", p["evidence"]);
    assert_eq!(patent_row(&patents, "CN108000004")["grant_date"], "2023-06-20");
    assert_eq!(patent_row(&patents, "CN105000001")["title"], "一种神经网络训练方法");
    // Coverage: 7 inventions; no family column, so D2 only where the family size is 1;
    // CN112000008 has no IPC code; nothing says pledge amounts or awards.
    assert_coverage(
        &m,
        &[
            ("inventions", 7),
            ("holders", 7),
            ("validity", 7),
            ("history", 7),
            ("d1", 6),
            ("d2", 4),
            ("d3", 7),
            ("d4", 0),
            ("d5", 0),
        ],
    );
    // CN109000005 (no publication date) and the utility model CN111000007U (a U publication).
    assert_eq!(m["sources"]["grant_dates_from_events"], 2);
    assert_eq!(m["sources"]["lapse_dates_from_events"], 1);
    // The unreadable items of an INPADOC cell are warnings, never rejects.
    let warnings = wd.read("out/warnings.csv");
    assert!(warnings.contains("20XX-13-45") && warnings.contains("???"), "{warnings}");
    let err = stderr(&o);
    assert!(err.contains("hvpat: warning: D4 cannot be assessed for 7 of 7 inventions"), "{err}");
    assert!(!err.contains("warning: D2"), "D2 is assessable for 4 of 7: {err}");

    // The same export as a workbook, behind a cover sheet and with the search query as
    // a title row above the header (as exports write them), reads the same.
    let text = wd.read("patsnap.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut book = rust_xlsxwriter::Workbook::new();
    // A cover sheet first, as some systems write it; the list is on the second sheet.
    let cover = book.add_worksheet();
    cover.write_string(0, 0, "检索信息").expect("cell");
    cover.write_string(1, 0, "命中数量: 10").expect("cell");
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "检索式: TA=(神经网络) AND AN=(清华大学 OR 浙江大学)").expect("cell");
    for (c, h) in rdr.headers().expect("header").iter().enumerate() {
        sheet.write_string(1, c as u16, h).expect("cell");
    }
    for (r, row) in rdr.records().enumerate() {
        for (c, v) in row.expect("row").iter().enumerate() {
            sheet.write_string(r as u32 + 2, c as u16, v).expect("cell");
        }
    }
    book.save(wd.path("patsnap.xlsx")).expect("xlsx");
    let o = wd.hvpat(&["run", "patsnap.xlsx", "--as-of", "2023-12-31", "--out", "out-xlsx"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_same("patsnap.xlsx institutions.csv", &wd.read("out-xlsx/institutions.csv"), &institutions);
    let warnings = wd.read("out-xlsx/warnings.csv");
    assert!(warnings.contains("patsnap.xlsx,12,INPADOC法律状态,20XX-13-45"), "sheet line numbers: {warnings}");
}

#[test]
fn patsnap_export_with_filing_years_only_settles_what_the_year_settles() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "patsnap-renamed.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let institutions = wd.read("out/institutions.csv");
    // CN100000014 (filed in 2003) has expired by the end of 2023 whatever the day, and
    // was valid (and maintained over ten years) at the end of 2022; CN103000011 (filed
    // in 2013) reaches ten years during 2023: D3 cannot be told on 2023-12-31, so "no".
    assert_figures(
        &institutions,
        "北京大学",
        &[
            ("patents", "6"),
            ("inventions", "5"),
            ("valid_inventions", "2"),
            ("high_value", "1"),
            ("d3_maintained", "0"),
            ("valid_inventions_prev", "3"),
            ("high_value_prev", "2"),
        ],
    );
    let m = manifest(&wd, "out");
    assert_coverage(
        &m,
        &[("inventions", 5), ("validity", 5), ("history", 1), ("d1", 5), ("d2", 3), ("d3", 4), ("d4", 0)],
    );
    assert_eq!(m["sources"]["filing_year_only"], 6);
    let patents = wd.read("out/patents.csv");
    let p = patent_row(&patents, "CN103000011");
    assert_eq!(p["filing_date"], "2013", "a year-only filing date is written as the year");
    assert!(p["evidence"].contains("D3 cannot tell: filed 2013 (year only)"), "{}", p["evidence"]);
    let p = patent_row(&patents, "CN100000014");
    assert!(
        p["evidence"].starts_with("expired by 2023-12-31 (filed 2003 (year only) + 20 years)"),
        "{}",
        p["evidence"]
    );
    let err = stderr(&o);
    assert!(err.contains("warning: Validity a year before (and the trend) cannot be assessed for 4 of 5"), "{err}");
}

#[test]
fn incopat_columns_dated_and_counted_events() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "incopat.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let institutions = wd.read("out/institutions.csv");
    // I1: D1 and D2 (US…B2); I5: filed 2011-11-11, maintained; I2 lapsed 2022-07-07;
    // I3 dead without a lapse date; I4 pending.
    assert_figures(
        &institutions,
        "复旦大学",
        &[
            ("patents", "5"),
            ("valid_inventions", "2"),
            ("high_value", "2"),
            ("d1_sei", "1"),
            ("d2_overseas", "1"),
            ("d3_maintained", "1"),
            ("valid_inventions_prev", "2"),
            ("high_value_prev", "2"),
        ],
    );
    let m = manifest(&wd, "out");
    // History: I3 is dead with its grant date known (no lapse date: lapsed at every
    // date, SPEC §7), so every year-before figure is assessable.
    assert_coverage(&m, &[("inventions", 5), ("validity", 5), ("history", 5), ("d2", 4), ("d4", 0), ("d5", 0)]);
    // I1: three listed events, a transfer date and two pledge dates (its counts add no
    // undated ones); I2: two; I3: two; I4: one listed, one counted transfer; I5: two
    // listed and a licence date.
    assert_eq!(m["sources"]["events"], 6 + 2 + 2 + 2 + 3);
    let warnings = wd.read("out/warnings.csv");
    assert!(warnings.contains("2020-13-01") && warnings.contains("unreadable transfer_dates item"), "{warnings}");
    assert!(warnings.contains(",abc,unreadable pledges"), "{warnings}");
    assert_eq!(m["counts"]["rejected"], 0, "bad event cells are warnings, not rejects");
    let o = wd.hvpat(&["explain", "CN104000101B", "incopat.csv", "--as-of", "2023-12-31"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("2021-03-03  pledge"), "{text}");
    assert!(text.contains("undated     transfer       权利转移"), "{text}");
}

#[test]
fn a_regional_list_says_that_validity_cannot_be_told() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "regional.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    assert_coverage(&m, &[("inventions", 2), ("holders", 2), ("validity", 0), ("history", 0), ("d1", 2), ("d3", 0)]);
    let err = stderr(&o);
    assert!(err.contains("hvpat: warning: Validity cannot be assessed for 2 of 2 inventions"), "{err}");
    assert_figures(&wd.read("out/institutions.csv"), "南京大学", &[("patents", "3"), ("valid_inventions", "0")]);
    // The design's Locarno class is not an unreadable IPC code.
    let warnings = wd.read("out/warnings.csv");
    assert!(!warnings.contains("21-01-C0293"), "{warnings}");
    let html = wd.read("out/report.html");
    assert!(html.contains("<h2>Data coverage</h2>"), "the panel is there");
    assert!(
        html.contains("Valid inventions <span class=\"cov\" title=\"assessable for 0%\">⚠ 0%</span>"),
        "the valid-inventions figure is marked"
    );
    let o = wd.hvpat(&["check", "regional.csv", "--as-of", "2023-12-31"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("coverage of 2 inventions as of 2023-12-31: holders 2 (100%), validity 0 (0%)"), "{text}");
}

#[test]
fn a_pss_status_with_its_date_is_an_event_that_sets_or_leaves_the_status() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "pss.csv", "--as-of", "2017-06-30", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let institutions = wd.read("out/institutions.csv");
    // Only 发明专利权授予 (2017-03-15) makes a valid invention; a transfer, a change of
    // bibliographic data or an examination step leave the status unknown.
    assert_figures(&institutions, "北京科技大学", &[("patents", "6"), ("inventions", "6"), ("valid_inventions", "1")]);
    let patents = wd.read("out/patents.csv");
    assert_eq!(patent_row(&patents, "CN201610075220.X")["grant_date"], "2017-03-15");
    let p = patent_row(&patents, "CN201610160455.9");
    assert!(p["evidence"].starts_with("not granted as far as the data shows: status unknown"), "{}", p["evidence"]);
    // Known: the grant, the withdrawal and the lapse; unknown: the other three.
    assert_coverage(&manifest(&wd, "out"), &[("inventions", 6), ("holders", 6), ("validity", 3)]);
    let warnings = wd.read("out/warnings.csv");
    assert!(warnings.contains("2020XX01"), "an unreadable status date is a warning: {warnings}");
}

#[test]
fn the_real_cnipa_pss_export_counts_its_six_grants() {
    let Some(path) = real_export("cnipa_pss_ustb_patents.xls") else {
        return;
    };
    let wd = Workdir::new();
    let o = wd.hvpat(&["run", path.to_str().expect("path"), "--as-of", "2017-06-30", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_figures(
        &wd.read("out/institutions.csv"),
        "北京科技大学",
        &[("patents", "751"), ("inventions", "751"), ("valid_inventions", "6")],
    );
    let m = manifest(&wd, "out");
    assert_counts_add_up(&m["counts"]);
    // 6 grants and 2 withdrawals say what they say; every other latest event leaves the status unknown.
    assert_coverage(&m, &[("inventions", 751), ("holders", 751), ("validity", 8)]);
}

#[test]
fn the_google_export_says_it_cannot_show_d1_and_d2() {
    let Some(path) = real_export("google_patents_gp-search-20251001-102423.csv") else {
        return;
    };
    let wd = Workdir::new();
    let o = wd.hvpat(&["run", path.to_str().expect("path"), "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    assert_coverage(&m, &[("d1", 0), ("d2", 0)]);
    assert!(m["coverage"]["inventions"].as_u64().unwrap() > 4_000);
    assert_eq!(m["coverage"]["validity"], m["coverage"]["inventions"], "a grant-date column tells validity");
    let err = stderr(&o);
    assert!(err.contains("hvpat: warning: D2 cannot be assessed for"), "{err}");
    assert!(err.contains("hvpat: warning: D1 cannot be assessed for"), "{err}");
    let html = wd.read("out/report.html");
    assert!(html.contains("D2 <span class=\"cov\"") || html.contains(">D2 <span"), "D2 marked");
}

#[test]
fn the_sample_without_holder_columns_writes_its_outputs_and_exits_4() {
    let wd = Workdir::new();
    let mut rdr = csv::Reader::from_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/portfolio.csv"))
        .expect("sample");
    let header = rdr.headers().expect("header").clone();
    let keep: Vec<usize> = (0..header.len()).filter(|&i| !matches!(&header[i], "applicants" | "holders")).collect();
    let mut w = csv::Writer::from_path(wd.path("portfolio.csv")).expect("write");
    w.write_record(keep.iter().map(|&i| &header[i])).expect("header");
    for r in rdr.records() {
        let r = r.expect("row");
        w.write_record(keep.iter().map(|&i| &r[i])).expect("row");
    }
    w.flush().expect("flush");
    drop(w);
    let o = wd.hvpat(&["run", "portfolio.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or("");
    assert!(last.starts_with("hvpat: outputs written to"), "{err}");
    assert!(last.contains("holders, applicants"), "names the holder columns: {last}");
    assert!(wd.path("out/institutions.csv").exists() && wd.path("out/report.html").exists());
    assert_coverage(&manifest(&wd, "out"), &[("holders", 0)]);
}

#[test]
fn an_events_table_dates_grants_and_rejects_what_it_cannot_use() {
    let wd = Workdir::with_fixture("layouts");
    wd.write(
        "events.csv",
        "patent,date,event\nCN110000006B,2021-01-01,授权\nCN110000006,2022-06-30,专利权的终止\nCN999999999B,2022-01-01,授权\nCN110000006,2022-13-01,质押\nCN110000006,,权利转移\n",
    );
    let o = wd.hvpat(&["run", "patsnap.csv", "--events", "events.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    assert_eq!(m["counts"]["side_rejected"], 2, "a patent not in the portfolio and a bad date");
    assert_eq!(m["sources"]["events_table_rows"], 3);
    let rejects = wd.read("out/rejects.csv");
    assert!(
        rejects.contains("not a patent of the portfolio") && rejects.contains("unparseable event date"),
        "{rejects}"
    );
    // CN110000006 lapsed on 2022-06-30 by the table: 浙江大学 loses it now and a year before.
    assert_figures(
        &wd.read("out/institutions.csv"),
        "浙江大学",
        &[("valid_inventions", "2"), ("valid_inventions_prev", "1")],
    );
}

// ---- Classification side table (SPEC §10) ----

#[test]
fn a_scraped_classes_file_adds_codes_to_the_google_export_for_d1() {
    let Some(path) = real_export("google_patents_gp-search-20251001-102423.csv") else {
        return;
    };
    let wd = Workdir::new();
    // As a details scraper writes it: a Python list, a JSON array, a `;` list, CPC-only
    // codes, kind codes and Google's dashed spelling, another office, a bad code.
    wd.write(
        "classes.csv",
        "publication_number,title,abstract,cpc_codes\n\
         CN117911230B,t,a,\"['G06N3/08', 'Y02E10/50']\"\n\
         CN117058479B,t,a,\"[\"\"A47J27/00\"\", \"\"G06F2203/04808\"\"]\"\n\
         CN117577121,t,a,G06F 11/2257; A47J 27/00\n\
         CN-117993050-B,t,a,Y02E 10/50\n\
         US-2023377099-A1,t,a,\"['G06N3/08']\"\n\
         CN118760731B,t,a,G06N 3/08|ZZZ\n\
         ,t,a,G06N 3/08\n",
    );
    let p = path.to_str().expect("path");
    let o = wd.hvpat(&["run", p, "--year", "2025", "--out", "before"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = wd.hvpat(&["run", p, "--classes", "classes.csv", "--year", "2025", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let patents = wd.read("out/patents.csv");
    // D1 per patent, worked out by hand on the concordance: G06N 3/08 → 1.4 (subclass
    // G06N) and 1.5; G06F 11/2257 → 1.1 (subclass G06F); A47J 27/00 nothing; Y02E and
    // the indexing code G06F 2203/04808 never match.
    let expected = [
        ("CN117911230", "true", "G06N 3/08 (classes.csv) → 1.4"),
        ("CN117058479", "false", "D1 no IPC code in the SEI concordance"),
        ("CN117577121", "true", "G06F 11/2257 (classes.csv) → 1.1"),
        ("CN117993050", "false", "D1 no IPC code |"),
        ("CN118760731", "true", "G06N 3/08 (classes.csv) → 1.5 人工智能"),
    ];
    for (id, d1, evidence) in expected {
        let row = patent_row(&patents, id);
        assert_eq!(row["d1_sei"], d1, "{id}: {}", row["evidence"]);
        assert!(row["evidence"].contains(evidence), "{id}: {}", row["evidence"]);
    }
    assert_eq!(patent_row(&patents, "CN117911230")["sei_codes"], "1.4;1.5");
    assert_eq!(patent_row(&patents, "CN117058479")["ipc"], "A47J 27/00", "the indexing code is not kept");
    // All five are valid inventions of 清华大学 at the end of 2025: D1 goes from 0 to 3.
    assert_figures(&wd.read("before/institutions.csv"), "清华大学", &[("d1_sei", "0")]);
    assert_figures(&wd.read("out/institutions.csv"), "清华大学", &[("d1_sei", "3"), ("sei_1", "3")]);
    let m = manifest(&wd, "out");
    assert_eq!(m["coverage"]["d1"], 4, "codes of sections A–H for four patents");
    assert_eq!(manifest(&wd, "before")["coverage"]["d1"], 0);
    assert_eq!(m["sources"]["patents_with_classes"], 4);
    assert_eq!(m["sources"]["cpc_only_codes"], 3);
    assert_eq!(m["counts"]["side_rejected"], 2, "another office's document and an empty patent cell");
    let rejects = wd.read("out/rejects.csv");
    assert!(rejects.contains("US-2023377099-A1") && rejects.contains("not a patent of the portfolio"), "{rejects}");
    assert!(wd.read("out/warnings.csv").contains(",codes,ZZZ,unreadable classification code"));
}

#[test]
fn a_classes_file_without_a_codes_column_is_refused_with_the_names_it_takes() {
    let wd = Workdir::with_fixture("handworked");
    wd.write("classes.csv", "publication_number,title\nCN104215727B,x\n");
    let mut args = RUN_HANDWORKED.to_vec();
    args.extend(["--classes", "classes.csv"]);
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("missing required column \"codes (or cpccodes, ipccodes, cpc"), "{}", stderr(&o));
}

// ---- Conversion (SPEC §9) ----

/// The figures of one institution's row of a CSV with an `institution` first column.
fn csv_row(text: &str, name: &str) -> std::collections::HashMap<String, String> {
    institution_row(text, name)
}

#[test]
fn conversion_figures_follow_every_rule_of_the_handworked_fixture() {
    let wd = Workdir::with_fixture("conversion");
    let o = wd.hvpat(&[
        "run",
        "portfolio.csv",
        "--transactions",
        "transactions.csv",
        "--as-of",
        "2025-12-31",
        "--out",
        "out",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let conversion = wd.read("out/conversion.csv");
    assert_eq!(
        conversion.lines().next(),
        Some("institution,type,transferred,licensed,equity,pledged,transferred_ever,licensed_ever,pledged_ever,conversion_rate,received_wan,reward_wan")
    );
    // Worked by hand (window 2025-01-01 … 2025-12-31):
    // 清华大学: P1 transferred on 2025-03-01 (120 万元) although a company holds it now
    // (credited to the applicant, the transferor); P2 co-applied with 北京大学, licensed
    // for 90: 45 each. It holds one valid invention (P2), so the rate is 2/1.
    // 北京大学: P2's 45 and P8's equity deal of 2500 → 2545, reward 127.25 capped at
    // 100; P9 pledged in the window (no money, no conversion), P10's portfolio pledge
    // amount is undated (ever only); 4 valid inventions, 2 converted.
    // 浙江大学: one row licensing P3 and P4 (two patents, one share of 30); P5
    // transferred on 2024-12-31 (the day one year before: outside, ever only), P6 on
    // 2025-01-01 (inside, 10 万元); P7's undated licence counts in licensed_ever only.
    let want = [
        ("清华大学", ["1", "1", "0", "0", "1", "1", "0", "2.0000", "165.00", "8.25"]),
        ("北京大学", ["0", "1", "1", "1", "0", "1", "2", "0.5000", "2545.00", "100.00"]),
        ("浙江大学", ["1", "2", "0", "0", "2", "3", "0", "0.6000", "40.00", "2.00"]),
    ];
    // conversion.csv after the name and type.
    let columns = &hvpat::write::schema::CONVERSION_COLUMNS[2..];
    for (name, values) in want {
        let row = csv_row(&conversion, name);
        for (column, value) in columns.iter().zip(values) {
            assert_eq!(row[*column], value, "{name}: {column}\n{conversion}");
        }
    }
    // Rows in institutions.csv order, and the four figures appended there after `parent`.
    let institutions = wd.read("out/institutions.csv");
    let order =
        |text: &str| text.lines().skip(1).map(|l| l.split(',').next().unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(order(&conversion), order(&institutions));
    assert!(institutions
        .lines()
        .next()
        .unwrap_or("")
        .ends_with(",parent,transferred,licensed,received_wan,reward_wan"));
    assert_figures(
        &institutions,
        "北京大学",
        &[("transferred", "0"), ("licensed", "1"), ("received_wan", "2545.00"), ("reward_wan", "100.00")],
    );
    let json: serde_json::Value = serde_json::from_str(&wd.read("out/institutions.json")).expect("json");
    let tsinghua = json.as_array().expect("array").iter().find(|r| r["institution"] == "清华大学").expect("清华大学");
    assert_eq!(tsinghua["received_wan"], 165.0);
    assert_eq!(tsinghua["reward_wan"], 8.25);
    // Bad rows: an unknown type, a negative amount, an unreadable date, no listed patent
    // in the portfolio; a listed patent missing beside a present one is a warning.
    let m = manifest(&wd, "out");
    assert_eq!(m["counts"]["side_rejected"], 4);
    let rejects = wd.read("out/rejects.csv");
    for reason in [
        "unknown type",
        "a negative amount in received_wan",
        "unparseable date",
        "no listed patent is in the portfolio",
    ] {
        assert!(rejects.contains(reason), "{reason}: {rejects}");
    }
    assert!(wd
        .read("out/warnings.csv")
        .contains("listed patent(s) not in the portfolio; the row counts for the others"));
    assert_eq!(m["sources"]["transactions_rows"], 8);
    // The pledge row of 800 over two listed patents is a D4 contract: 400 for P9.
    let patents = wd.read("out/patents.csv");
    let p9 = patents.lines().find(|l| l.contains("P9 质押")).expect("P9");
    assert!(p9.contains("D4 400 万元 < 1000 (transactions.csv line 9 800/2 2025-05-05)"), "{p9}");
    // explain lists the transactions among the events.
    let o = wd.hvpat(&[
        "explain",
        "201810000101",
        "portfolio.csv",
        "--transactions",
        "transactions.csv",
        "--as-of",
        "2025-12-31",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "2025-03-01  transfer       transfer (transactions.csv line 2, 北京某科技有限公司, received 120 万元)"
        ),
        "{text}"
    );
    // The report has its section and sheet.
    assert!(wd.read("out/report.html").contains("<h2>Conversion (转化运用) 2025-01-01 – 2025-12-31</h2>"));
    use calamine::Reader as _;
    let book = calamine::open_workbook_auto(wd.path("out/report.xlsx")).expect("xlsx");
    assert!(book.sheet_names().contains(&"Conversion".to_string()));
    assert!(wd.read("out/summary.md").contains("2750.00 万元 received"));
}

#[test]
fn fractional_counting_shares_conversion_counts_too() {
    let wd = Workdir::with_fixture("conversion");
    wd.write("hvpat.toml", "portfolio = [\"portfolio.csv\"]\ntransactions = \"transactions.csv\"\nas_of = \"2025-12-31\"\ncounting = \"fractional\"\nreward_rate = 0.1\nreward_cap_wan = 10\n");
    let o = wd.hvpat(&["run", "--config", "hvpat.toml", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let conversion = wd.read("out/conversion.csv");
    // P2 is half 清华大学's, half 北京大学's; money shares do not depend on counting.
    let row = csv_row(&conversion, "清华大学");
    assert_eq!((row["licensed"].as_str(), row["received_wan"].as_str()), ("0.5000", "165.00"));
    assert_eq!(row["reward_wan"], "10.00", "10% of 165, capped at 10");
    assert_eq!(csv_row(&conversion, "浙江大学")["reward_wan"], "4.00");
}

#[test]
fn transfers_in_a_patsnap_export_go_to_the_original_applicants() {
    let wd = Workdir::with_fixture("conversion");
    let o = wd.hvpat(&["run", "patsnap-transfers.csv", "--as-of", "2025-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // T1 transferred on 2025-04-01 to a company (INPADOC), credited to 南方科技大学
    // ([标]原始申请(专利权)人); T2 licensed on 2025-02-02, pledged on 2024-06-06 and
    // undated (ever only); T3's transfer is undated (ever only). Valid: T2, T3.
    let row = csv_row(&wd.read("out/conversion.csv"), "南方科技大学");
    let got: Vec<&str> = [
        "transferred",
        "licensed",
        "pledged",
        "transferred_ever",
        "licensed_ever",
        "pledged_ever",
        "conversion_rate",
        "received_wan",
    ]
    .iter()
    .map(|c| row[*c].as_str())
    .collect();
    assert_eq!(got, ["1", "1", "0", "2", "1", "1", "1.0000", "0.00"]);
    let err = stderr(&o);
    assert!(err.contains("money received (received_wan, reward_wan) needs transactions.csv"), "{err}");
}

#[test]
fn transfers_without_known_applicants_are_credited_to_nobody_with_a_warning() {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "incopat.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // incoPat's 当前权利人 is the buyer after a transfer; with no 申请人 column the
    // two transferred patents are credited to nobody.
    let err = stderr(&o);
    assert!(err.contains("hvpat: warning: 2 transferred patents credited to nobody"), "{err}");
    assert_eq!(csv_row(&wd.read("out/conversion.csv"), "复旦大学")["transferred_ever"], "0");
    assert_eq!(manifest(&wd, "out")["sources"]["transfers_credited_to_nobody"], 2);
}

#[test]
fn conversion_without_any_event_source_says_so() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("hvpat: warning: conversion cannot be assessed: no legal-event column"),
        "{}",
        stderr(&o)
    );
    assert_eq!(manifest(&wd, "out")["sources"]["conversion_event_source"], false);
    assert!(wd.read("out/report.html").contains("No input shows transfers or licences"));
}

#[test]
fn date_lists_offices_and_both_exit_4_reasons_are_read_as_exports_write_them() {
    let wd = Workdir::new();
    // A grant-date cell listing two dates (the earliest is the grant), a lapse list
    // (the earliest on or after the grant), an office spelled 中国大陆, another office.
    wd.write(
        "list.csv",
        "申请号,申请日,授权公告日,失效日期,法律状态,受理局,当前权利人\n\
         201510000001.0,2015-01-10,2017-03-03;2016-02-02,2014-01-01;2022-07-07,失效,中国大陆,复旦大学\n\
         201510000002.5,2015-01-10,2017-03-03,,有效,中国台湾,复旦大学\n",
    );
    let o = wd.hvpat(&["run", "list.csv", "--as-of", "2022-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    assert_eq!((m["counts"]["scored"].as_u64(), m["counts"]["out_of_scope"].as_u64()), (Some(1), Some(1)));
    let patents = wd.read("out/patents.csv");
    let p = patent_row(&patents, "CN201510000001.0");
    assert_eq!(p["grant_date"], "2016-02-02");
    assert!(p["evidence"].starts_with("lapsed 2022-07-07"), "{}", p["evidence"]);
    assert_figures(
        &wd.read("out/institutions.csv"),
        "复旦大学",
        &[("valid_inventions", "0"), ("valid_inventions_prev", "1")],
    );

    // No holders and too many rejects: exit 4, and the last line names both.
    wd.write("bad.csv", "app_no,filing_date,title\n201510000001.0,2015-01-10,a\nnot-a-number,2015-01-10,b\n");
    let o = wd.hvpat(&["run", "bad.csv", "--as-of", "2023-12-31", "--out", "out2"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or("");
    assert!(last.contains("no scored patent has a holder") && last.contains("portfolio rows rejected"), "{err}");
}

// ---- Progress a person can read ----

/// Run hvpat under a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed, escape sequences removed; `None` when `script` is not installed.
fn hvpat_on_a_terminal(wd: &Workdir, args: &[&str]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        println!("skipped: util-linux `script` is not installed (no pseudo-terminal to run under)");
        return None;
    }
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut line = quote(env!("CARGO_BIN_EXE_hvpat"));
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    let o = Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .current_dir(wd.path("."))
        .output()
        .expect("run script");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).replace('\r', "\n");
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-letter
            if chars.peek() == Some(&'[') {
                chars.next();
                while chars.next().is_some_and(|c| !c.is_ascii_alphabetic()) {}
            }
            continue;
        }
        plain.push(c);
    }
    Some(plain)
}

#[test]
fn a_terminal_shows_reading_scoring_and_writing_with_figures_rate_and_eta() {
    let wd = Workdir::new();
    let o = wd.hvpat(&["synth", "--patents", "150000", "--seed", "3", "--out", "big"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let Some(screen) = hvpat_on_a_terminal(&wd, &["run", "--config", "big/hvpat.toml", "--out", "out"]) else {
        return;
    };
    for stage in ["scanning [", "reading [", "scoring [", "writing ["] {
        assert!(screen.contains(stage), "{stage} in {screen}");
    }
    let lines: Vec<&str> = screen.lines().collect();
    // Each stage ends on a frame with its figures of the whole, a rate and an ETA.
    for stage in ["scanning [", "reading ["] {
        assert!(lines
            .iter()
            .any(|l| l.contains(stage) && l.contains("MiB/") && l.contains("ETA") && l.contains("(100%)")));
    }
    assert!(lines
        .iter()
        .any(|l| l.contains("scoring [") && l.contains("150,000/150,000 patents") && l.contains("/s ETA")));
    assert!(lines.iter().any(|l| l.contains("writing [") && l.contains("150,000/150,000 patents")));
    assert!(screen.contains("hvpat: done:"), "the stage lines are still there");
    // --quiet: nothing but what the data cannot show.
    let quiet =
        hvpat_on_a_terminal(&wd, &["run", "--config", "big/hvpat.toml", "--out", "out2", "--quiet"]).expect("script");
    assert!(!quiet.contains(" ["), "no bar with --quiet: {quiet}");
    // Not a terminal (as under cron): stage lines only, every one timestamped.
    let o = wd.hvpat(&["run", "--config", "big/hvpat.toml", "--out", "out3"]);
    assert!(
        stderr(&o).lines().all(|l| l.as_bytes().get(4) == Some(&b'-') && l.contains("Z hvpat: ")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn transfers_follow_the_transferors_whatever_the_file_order_and_chinese_headers_are_read() {
    let wd = Workdir::new();
    // One patent in two files: a.csv names only its current holder (a company), b.csv
    // its applicant and holder at filing (清华大学); a second patent with a pledge
    // amount of 0 (an empty cell written as 0: no pledge).
    wd.write(
        "a.csv",
        "app_no,filing_date,grant_date,status,holders\n201810000101.7,2018-01-01,2020-01-01,有效,北京某科技有限公司\n",
    );
    wd.write(
        "b.csv",
        "app_no,filing_date,grant_date,status,applicants,holders,pledge_amount\n201810000101.7,2018-01-01,2020-01-01,有效,清华大学,清华大学,\n201810000102.1,2018-01-01,2020-01-01,有效,清华大学,清华大学,0\n",
    );
    wd.write("t.csv", "专利号,类型,到账日期,交易对方,合同金额(万元),到账金额(万元)\n201810000101.7,专利权转让,2025-03-01,北京某科技有限公司,120,120\n");
    for (order, out) in [(["a.csv", "b.csv"], "ab"), (["b.csv", "a.csv"], "ba")] {
        let o =
            wd.hvpat(&["run", order[0], order[1], "--transactions", "t.csv", "--as-of", "2025-12-31", "--out", out]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let row = csv_row(&wd.read(&format!("{out}/conversion.csv")), "清华大学");
        assert_eq!((row["transferred"].as_str(), row["received_wan"].as_str()), ("1", "120.00"), "{out}");
        assert_eq!(row["pledged_ever"], "0", "a pledge amount of 0 is no pledge");
        assert!(!stderr(&o).contains("credited to nobody"), "{}", stderr(&o));
    }
}

#[test]
fn a_classes_file_adds_codes_without_the_shared_exports() {
    let wd = Workdir::with_fixture("layouts");
    // CN112000008 has no IPC code in the export; CN110000006's A47J matches nothing.
    wd.write(
        "classes.csv",
        "pn,ipc_codes,cpc_codes\nCN112000008B,\"['G06N3/08']\",nan\nCN110000006,A47J 27/00,\"[\"\"H04L 9/00\"\", \"\"Y02D 30/70\"\"]\"\nCN999999999A,G06N 3/08,\n",
    );
    let o = wd.hvpat(&["run", "patsnap.csv", "--classes", "classes.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let patents = wd.read("out/patents.csv");
    let p = patent_row(&patents, "CN112000008");
    assert_eq!(p["d1_sei"], "true");
    assert!(p["evidence"].contains("D1 G06N 3/08 (classes.csv) → 1.4"), "{}", p["evidence"]);
    let p = patent_row(&patents, "CN110000006");
    assert_eq!(p["ipc"], "A47J 27/00;H04L 9/00", "both code columns read, the CPC-only code skipped");
    let m = manifest(&wd, "out");
    assert_eq!(m["coverage"]["d1"], 7, "CN112000008 now has a code");
    assert_eq!(m["counts"]["side_rejected"], 1);
    assert_eq!(m["sources"]["cpc_only_codes"], 1);
}

#[test]
fn a_second_status_column_gives_events_while_the_simple_status_wins() {
    let wd = Workdir::new();
    // incoPat: 专利有效性 is the status; 法律状态 (the latest legal event) is an event.
    wd.write(
        "i.csv",
        "申请号,申请日,专利有效性,法律状态,当前权利人\n201510000001.0,2015-01-10,失效,未缴年费,复旦大学\n201510000002.5,2015-01-10,有效,授权,复旦大学\n",
    );
    let o = wd.hvpat(&["run", "i.csv", "--as-of", "2023-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let patents = wd.read("out/patents.csv");
    assert_eq!(patent_row(&patents, "CN201510000001.0")["status"], "失效");
    let m = manifest(&wd, "out");
    // Both lapsed-after-grant and in force without grant dates: a year before cannot be told.
    assert_coverage(&m, &[("inventions", 2), ("validity", 2), ("history", 0)]);
    assert_eq!(m["sources"]["events"], 2);
}

#[test]
fn chosen_outputs_are_the_default_runs_files_and_nothing_else() {
    let wd = Workdir::new();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/hvpat.toml");
    let config = config.to_str().expect("utf-8 path");
    let o = wd.hvpat(&["run", "--config", config, "--out", "all", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = output_files(&wd.path("all"));
    // Order and repeats do not matter; naming an accounting file is accepted.
    let chosen = "patents.csv,institutions.csv,patents.csv,manifest.json";
    let o = wd.hvpat(&["run", "--config", config, "--out", "job", "--quiet", "--outputs", chosen]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let job = output_files(&wd.path("job"));
    let names: Vec<&str> = job.iter().map(|(n, _)| n.as_str()).collect();
    let accounting = ["manifest.json", "rejects.csv", "unresolved.csv", "warnings.csv"];
    assert_eq!(
        names,
        ["institutions.csv", "manifest.json", "patents.csv", "rejects.csv", "unresolved.csv", "warnings.csv"]
    );
    for (name, bytes) in &job {
        if name != "manifest.json" {
            let default = &all.iter().find(|(n, _)| n == name).expect("in the default run").1;
            assert!(bytes == default, "{name} differs from the default run's");
        }
    }
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("job/manifest.json")).expect("json");
    let listed: Vec<&str> =
        manifest["outputs"].as_array().expect("outputs").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(
        listed,
        ["patents.csv", "institutions.csv", "rejects.csv", "warnings.csv", "unresolved.csv", "manifest.json"]
    );
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("all/manifest.json")).expect("json");
    assert_eq!(manifest["outputs"].as_array().expect("outputs").len(), all.len(), "the default run lists every file");

    // Only the Parquet file of the patents; only the accounting files.
    let o = wd.hvpat(&["run", "--config", config, "--out", "pq", "--quiet", "--outputs", "patents.parquet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        std::fs::read(wd.path("pq/patents.parquet")).expect("read")
            == all.iter().find(|(n, _)| n == "patents.parquet").expect("pq").1
    );
    assert!(!wd.path("pq/patents.csv").exists());
    let o = wd.hvpat(&["run", "--config", config, "--out", "bare", "--quiet", "--outputs", "rejects.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bare = output_files(&wd.path("bare"));
    assert_eq!(bare.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), accounting);

    // The config key, in a folder that a run with another selection wrote.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    for name in ["portfolio.csv", "families.csv", "pledges.csv", "awards.csv", "transactions.csv"] {
        std::fs::copy(sample.join(name), wd.path(name)).expect("copy");
    }
    let text = std::fs::read_to_string(config).expect("config").replace("out = \"../../hvpat-out\"", "out = \"all\"");
    wd.write("chosen.toml", &format!("outputs = [\"summary.md\", \"report.html\"]\n{text}"));
    let o = wd.hvpat(&["run", "--config", "chosen.toml", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names: Vec<String> = output_files(&wd.path("all")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["manifest.json", "rejects.csv", "report.html", "summary.md", "unresolved.csv", "warnings.csv"]);

    let o = wd.hvpat(&["run", "--config", config, "--out", "bad", "--outputs", "patents.csv,patents.xlsx"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown output \"patents.xlsx\"; the outputs are: patents.csv, patents.parquet"),
        "{}",
        stderr(&o)
    );
    assert!(!wd.path("bad").exists(), "nothing written");
}

/// Run a file of `tests/fixtures/layouts` as of `as_of` into `out`: it must succeed;
/// the workdir and the manifest.
fn run_layout_fixture(file: &str, as_of: &str) -> (Workdir, serde_json::Value) {
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", file, "--as-of", as_of, "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&wd, "out");
    (wd, m)
}

#[test]
fn a_patentics_export_has_its_ipc_codes_read() {
    // UTF-8 with BOM, every value quoted, 24 header fields and 25 on every data row
    // (the last empty), YYYYMMDD dates, ` | ` lists with spaces inside the codes, and
    // 授权日 twice: the third row's grant date only in the second.
    let (wd, m) = run_layout_fixture("patentics.csv", "2024-12-31");
    assert_eq!(m["counts"]["rows_read"], 4);
    assert_eq!(m["counts"]["scored"], 4);
    // Every invention has its codes: D1 can be told for all four.
    assert_coverage(&m, &[("inventions", 4), ("holders", 4), ("d1", 4)]);
    let patents = wd.read("out/patents.csv");
    // The main code (国际主分类) first, then the others of 国际分类, each once.
    let p = patent_row(&patents, "CN201910000001.9");
    assert_eq!((p["ipc"].as_str(), p["grant_date"].as_str()), ("G06N 3/08;G06F 16/583", "2021-03-15"));
    // data/concordance.csv: G06N 3/08 is 1.5 人工智能 and its subclass G06N 1.4; G06F 16/583
    // and G06F are 1.1 下一代信息网络产业.
    assert_eq!((p["d1_sei"].as_str(), p["sei_codes"].as_str()), ("true", "1.1;1.4;1.5"));
    let p = patent_row(&patents, "CN202010000003.0");
    assert_eq!((p["ipc"].as_str(), p["sei_codes"].as_str()), ("H01M 10/42;B60L 58/12", "5.2"));
    assert_eq!(p["grant_date"], "2022-04-05", "from the second 授权日");
    assert_eq!(patent_row(&patents, "CN201910000002.3")["d1_sei"], "false", "A47G 19/22 is no SEI class");
    let institutions = wd.read("out/institutions.csv");
    assert_figures(&institutions, "清华大学", &[("patents", "2"), ("valid_inventions", "1"), ("d1_sei", "1")]);
    assert_figures(&institutions, "北京大学", &[("patents", "2"), ("valid_inventions", "2"), ("d1_sei", "2")]);
    // 法律描述, the event log with its detail lines (`申请日=…`, `变更事项:…`), is read
    // without a warning.
    let warnings = wd.read("out/warnings.csv");
    assert_eq!(warnings.lines().count(), 1, "no unreadable code or event: {warnings}");
}

#[test]
fn an_event_list_that_cannot_be_read_does_not_make_an_empty_grant_date_a_no() {
    // Event items in a form hvpat does not know (the date last, in another
    // spelling): unreadable, and they may hold the grant.
    let (wd, m) = run_layout_fixture("unread-events.csv", "2024-12-31");
    // The first patent: no grant date, no status, unread items: validity unknown. The
    // second has its grant date; the third a rejection read from its triplet.
    assert_coverage(&m, &[("inventions", 3), ("validity", 2)]);
    // One line for the column, with a sample, says why validity is unknown.
    let o = wd.hvpat(&["run", "unread-events.csv", "--as-of", "2024-12-31", "--out", "again", "--quiet"]);
    let err = stderr(&o);
    assert!(
        err.contains("warning: 3 legal event items of column INPADOC法律状态 could not be read (e.g. \"GR01 PATENT GRANT 27.11.2018\"; all in warnings.csv)"),
        "{err}"
    );
    // Each unread item is a warning naming its column and value.
    let warnings = wd.read("out/warnings.csv");
    assert_eq!(warnings.matches("INPADOC法律状态,GR01 PATENT GRANT 27.11.2018,").count(), 1, "{warnings}");
    assert_eq!(warnings.matches("unreadable legal event item").count(), 3, "{warnings}");
    assert_figures(&wd.read("out/institutions.csv"), "清华大学", &[("patents", "3"), ("valid_inventions", "1")]);
}

#[test]
fn a_derwent_innovation_export_is_read_from_below_its_preamble() {
    // Chinese interface: a preamble row and the query above the header (a query row
    // naming two known columns: the header names more); assignees in
    // 专利权人/申请人 with their address (`清华大学,北京市,100084,CN`); `CN201710000001A`
    // application numbers (the letter is Derwent's marker); compact IPC codes; INPADOC family members and `date CODE text` items;
    // 失效/有效 (Alive, Dead).
    let (wd, m) = run_layout_fixture("derwent.csv", "2024-12-31");
    assert_eq!((m["counts"]["rows_read"].as_u64(), m["counts"]["scored"].as_u64()), (Some(2), Some(2)));
    assert_coverage(&m, &[("inventions", 2), ("holders", 2), ("validity", 2), ("d1", 2), ("d2", 2)]);
    let patents = wd.read("out/patents.csv");
    // Alive says only "not dead"; the grant comes from GR01 on 2018-11-27.
    let p = patent_row(&patents, "CN201710000001.X");
    assert_eq!((p["grant_date"].as_str(), p["holders"].as_str()), ("2018-11-27", "清华大学"));
    assert_eq!(p["ipc"], "G06N 3/08;G06F 17/30", "G06N000308 and G06F001730");
    assert_eq!((p["eligible"].as_str(), p["d1_sei"].as_str()), ("true", "true"));
    // Dead, with only its publication (PB01): never valid.
    let p = patent_row(&patents, "CN201710000002.4");
    assert_eq!((p["grant_date"].as_str(), p["eligible"].as_str(), p["ipc"].as_str()), ("", "false", "H04W 72/04"));
    let institutions = wd.read("out/institutions.csv");
    assert_figures(&institutions, "清华大学", &[("patents", "1"), ("valid_inventions", "1"), ("d1_sei", "1")]);
    assert_figures(&institutions, "北京大学", &[("patents", "1"), ("valid_inventions", "0")]);
    assert_eq!(wd.read("out/warnings.csv").lines().count(), 1, "every event item read");
}

#[test]
fn a_derwent_export_of_the_english_interface_is_read_like_the_chinese_one() {
    let (wd, m) = run_layout_fixture("derwent-en.csv", "2024-12-31");
    assert_coverage(&m, &[("inventions", 2), ("holders", 2), ("validity", 2), ("d1", 2), ("d2", 2)]);
    let patents = wd.read("out/patents.csv");
    let p = patent_row(&patents, "CN201710000001.X");
    assert_eq!((p["grant_date"].as_str(), p["holders"].as_str()), ("2018-11-27", "TSINGHUA UNIVERSITY"));
    assert_eq!(p["ipc"], "G06N 3/08;G06F 17/30");
    let institutions = wd.read("out/institutions.csv");
    assert_figures(&institutions, "清华大学", &[("patents", "1"), ("valid_inventions", "1")]);
    assert_figures(&institutions, "北京大学", &[("patents", "1"), ("valid_inventions", "0")]);
    // A code that neither data/inpadoc-codes.csv nor its text can class: a warning for
    // the item, and one line for the code.
    assert!(wd.read("out/warnings.csv").contains(",ZZ99,\"legal event code not in data/inpadoc-codes.csv"));
    let o = wd.hvpat(&["run", "derwent-en.csv", "--as-of", "2024-12-31", "--out", "again", "--quiet"]);
    let err = stderr(&o);
    assert!(err.contains("warning: legal event code ZZ99 (1 items) is not in data/inpadoc-codes.csv"), "{err}");
}

#[test]
fn a_column_map_reads_an_export_whose_headers_are_not_known() {
    // An in-house system's export: no layout tells its headers.
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "mapped.csv", "--as-of", "2024-12-31", "--out", "out"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot tell the layout"), "{}", stderr(&o));
    wd.write(
        "mapped.toml",
        "[columns]\npub_no = \"Patent No.\"\napp_no = \"Appl. No.\"\nholders = \"Owner (current)\"\n\
         filing_date = \"Appl. Date\"\nipc = \"Classification\"\ndated_events = \"Legal History\"\n\
         status = \"State\"\n",
    );
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "mapped.toml", "--as-of", "2024-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let institutions = wd.read("out/institutions.csv");
    // TSINGHUA UNIV (UYQI-C) is 清华大学, granted by GR01 on 2018-11-27; PEKING UNIV (its
    // address dropped) is 北京大学, dead.
    assert_figures(&institutions, "清华大学", &[("patents", "1"), ("valid_inventions", "1"), ("d1_sei", "1")]);
    assert_figures(&institutions, "北京大学", &[("patents", "1"), ("valid_inventions", "0")]);
    assert_eq!(patent_row(&wd.read("out/patents.csv"), "CN201710000001.X")["grant_date"], "2018-11-27");
    // `check` shows the roles each file has, mapped or found.
    let o = wd.hvpat(&["check", "mapped.csv", "--config", "mapped.toml", "--as-of", "2024-12-31"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("  columns: app_no ← Appl. No., pub_no ← Patent No.,"), "{text}");
    assert!(text.contains("holders ← Owner (current), dated_events ← Legal History"), "{text}");
    // A role that does not exist is a usage error; a header that is not there names it.
    wd.write("bad.toml", "[columns]\nholder = \"Owner (current)\"\n");
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "bad.toml", "--as-of", "2024-12-31", "--out", "bad"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown role \"holder\"; the roles are: app_no, pub_no"), "{}", stderr(&o));
    wd.write("missing.toml", "[columns]\nholders = \"Owner\"\n");
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "missing.toml", "--as-of", "2024-12-31", "--out", "bad"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("\"Owner (mapped to holders in [columns])\""), "{}", stderr(&o));
}

#[test]
fn an_xls_that_is_html_or_text_is_told_by_what_it_holds() {
    let wd = Workdir::new();
    wd.write("page.xls", "<html><body><table><tr><td>申请号</td><td>申请日</td></tr></table></body></html>");
    let o = wd.hvpat(&["run", "page.xls", "--as-of", "2024-12-31", "--out", "out"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("page.xls: not a workbook but an HTML page saved with a workbook's name"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().filter(|l| l.starts_with("hvpat: ")).count(), 1, "one line: {}", stderr(&o));
    assert!(!stderr(&o).contains("calamine") && !stderr(&o).contains("Cannot detect"), "{}", stderr(&o));
    // Tab-separated text named .xls is read as the text it is.
    wd.write("list.xls", "申请号\t申请日\t申请人\n201710000001.X\t2017-01-01\t清华大学\n");
    let o = wd.hvpat(&["run", "list.xls", "--as-of", "2024-12-31", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_figures(&wd.read("out/institutions.csv"), "清华大学", &[("patents", "1")]);
}

/// SPEC §11: every CSV of the output folder and `check --rejects` start with a UTF-8
/// byte-order mark by default; `--no-csv-bom` and `csv_bom = false` leave it out,
/// `--csv-bom` puts it back over the config, and the rest of each file is the same.
#[test]
fn csv_outputs_carry_a_byte_order_mark_unless_told_not_to() {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let csvs = ["institutions.csv", "patents.csv", "conversion.csv", "rejects.csv", "warnings.csv", "unresolved.csv"];
    let wd = Workdir::with_fixture("handworked");
    let bytes = |name: &str| std::fs::read(wd.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let with_out = |out: &str, extra: &[&str]| {
        let mut args: Vec<&str> = RUN_HANDWORKED.to_vec();
        *args.last_mut().expect("out") = out;
        args.extend(extra);
        let o = wd.hvpat(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    };
    with_out("on", &[]);
    with_out("off", &["--no-csv-bom"]);
    wd.write("nobom.toml", "csv_bom = false\n");
    with_out("config-off", &["--config", "nobom.toml"]);
    with_out("flag-over-config", &["--config", "nobom.toml", "--csv-bom"]);
    for name in csvs {
        let on = bytes(&format!("on/{name}"));
        let off = bytes(&format!("off/{name}"));
        assert!(on.starts_with(BOM), "{name} starts with a BOM by default");
        assert!(!off.starts_with(BOM), "{name} has no BOM with --no-csv-bom");
        assert_eq!(&on[BOM.len()..], &off[..], "{name}: the same bytes after the BOM");
        assert_eq!(bytes(&format!("config-off/{name}")), off, "{name}: csv_bom = false");
        assert_eq!(bytes(&format!("flag-over-config/{name}")), on, "{name}: --csv-bom over the config");
    }
    for (flag, bom) in [(None, true), (Some("--no-csv-bom"), false)] {
        let mut args = vec!["check", "portfolio.csv", "--rejects", "checked.csv"];
        args.extend(flag);
        let o = wd.hvpat(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(bytes("checked.csv").starts_with(BOM), bom, "check --rejects with {flag:?}");
    }
}

/// SPEC §12 on a hand-worked fixture (`fixtures/quality`, `quality_min_cohort = 3`):
/// the 2016/G cohort (4 inventions) gives relative figures and a top decile, the
/// 2018/H cohort (2) is below the minimum; rows of one patent keep the granted
/// publication's claims with a warning; the per-institution medians and means are
/// those of the valid inventions' cells.
#[test]
fn quality_indicators_follow_the_handworked_fixture() {
    let wd = Workdir::with_fixture("quality");
    let o = wd.hvpat(&["run", "--config", "hvpat.toml", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = wd.read("out/patents.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().expect("headers").clone();
    let names = [
        "scope",
        "family_size",
        "family_offices",
        "grant_lag_days",
        "age_years",
        "claims",
        "cited_by",
        "cites",
        "scope_rel",
        "family_size_rel",
        "claims_rel",
        "cited_by_rel",
        "top10_cited",
    ];
    assert_eq!(headers.iter().skip_while(|h| *h != "evidence").skip(1).collect::<Vec<_>>(), names);
    let rows: std::collections::BTreeMap<String, Vec<String>> = rdr
        .records()
        .map(|r| {
            let r = r.expect("row");
            let cells = names.iter().map(|n| r[headers.iter().position(|h| h == *n).unwrap()].to_string()).collect();
            (r[0].to_string(), cells)
        })
        .collect();
    let want: [(&str, [&str; 13]); 7] = [
        // scope G06N+G06F; claims 20 from the B row (the A row says 25); 730 days
        // 2016-03-01..2018-03-01; 9 whole years to 2025-12-31; cohort means: scope 1.5,
        // family 1.75, claims 20 (3 known), citations 4; top decile from rank ⌈0.4⌉ = 10.
        ("CN106100001", ["2", "1", "", "730", "9", "20", "2", "5", "1.3333", "0.5714", "1.0000", "0.5000", "false"]),
        ("CN106100002", ["1", "3", "", "1095", "9", "10", "0", "3", "0.6667", "1.7143", "0.5000", "0.0000", "false"]),
        // 2016-07-01..2018-01-01: 184 + 365 days; no backward-citation cell: unknown.
        ("CN106100003", ["2", "2", "", "549", "9", "30", "4", "", "1.3333", "1.1429", "1.5000", "1.0000", "false"]),
        ("CN106100004", ["1", "1", "", "1095", "9", "", "10", "8", "0.6667", "0.5714", "", "2.5000", "true"]),
        // The 2018/H cohort has 2 inventions, below 3: no relative figure, no decile.
        ("CN108100005", ["1", "4", "", "730", "7", "12", "7", "9", "", "", "", "", ""]),
        ("CN108100006", ["1", "1", "", "", "7", "8", "0", "1", "", "", "", "", ""]),
        // A utility model has no indicators.
        ("CN206100007", ["", "", "", "", "", "", "", "", "", "", "", "", ""]),
    ];
    for (id, cells) in want {
        assert_eq!(rows[id], cells, "{id}");
    }
    // Per institution, over valid inventions (CN108100006 is pending): Tsinghua has
    // CN106100001, CN106100002 and CN108100005; Peking CN106100003 and CN106100004.
    let quality = wd.read("out/quality.csv");
    let mut rdr = csv::Reader::from_reader(quality.as_bytes());
    let headers = rdr.headers().expect("headers").clone();
    let by_name: std::collections::BTreeMap<String, csv::StringRecord> =
        rdr.records().map(|r| r.expect("row")).map(|r| (r[0].to_string(), r)).collect();
    let cell = |inst: &str, col: &str| by_name[inst][headers.iter().position(|h| h == col).unwrap()].to_string();
    for (inst, col, want) in [
        ("清华大学", "valid_inventions", "3"),
        ("清华大学", "scope_median", "1.0000"),
        ("清华大学", "scope_mean", "1.3333"),
        ("清华大学", "grant_lag_days_mean", "851.6667"),
        ("清华大学", "age_years_mean", "8.3333"),
        ("清华大学", "claims_median", "12.0000"),
        ("清华大学", "family_offices_known", "0"),
        ("清华大学", "family_offices_mean", ""),
        // The mean of the cells 0.5714 and 1.7143, half-up.
        ("清华大学", "family_size_rel_median", "1.1429"),
        ("清华大学", "cited_by_rel_known", "2"),
        ("清华大学", "top10_cited_share", "0.0000"),
        ("北京大学", "valid_inventions", "2"),
        ("北京大学", "grant_lag_days_median", "822.0000"),
        ("北京大学", "claims_known", "1"),
        ("北京大学", "family_size_rel_mean", "0.8572"),
        ("北京大学", "cited_by_rel_median", "1.7500"),
        ("北京大学", "top10_cited_share", "0.5000"),
    ] {
        assert_eq!(cell(inst, col), want, "{inst} {col}");
    }
    let warnings = wd.read("out/warnings.csv");
    assert!(warnings.contains("portfolio.csv,2,claims,20 (another row: 25)"), "{warnings}");
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("out/manifest.json")).expect("manifest");
    let q = &manifest["quality"];
    assert_eq!((q["inventions"].as_u64(), q["claims"].as_u64(), q["cites"].as_u64()), (Some(6), Some(5), Some(5)));
    assert_eq!(
        (q["claims_rel"].as_u64(), q["top10_cited"].as_u64(), q["family_offices"].as_u64()),
        (Some(3), Some(4), Some(0))
    );
    // explain shows the indicators and the cohort: above the minimum, and below it.
    let o = wd.hvpat(&["explain", "CN106100004B", "--config", "hvpat.toml"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("cited by 10, cites 8"), "{text}");
    assert!(text.contains("cohort: filed 2016, IPC section G"), "{text}");
    assert!(text.contains("cited_by_rel     2.5000") && text.contains("cohort: 4 known, mean 4.0000"), "{text}");
    let o = wd.hvpat(&["explain", "CN108100005B", "--config", "hvpat.toml"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("scope_rel        unknown (cohort too small) cohort: 2 known"), "{text}");
    // quality.parquet carries the same figures, typed.
    use polars::prelude::*;
    let frame = ParquetReader::new(std::fs::File::open(wd.path("out/quality.parquet")).expect("parquet"))
        .finish()
        .expect("a Parquet file polars reads");
    assert_eq!(frame.column("valid_inventions").unwrap().dtype(), &DataType::UInt64);
    let share = frame.column("top10_cited_share").unwrap().f64().unwrap().get(1);
    assert_eq!(share, Some(0.5));
}
