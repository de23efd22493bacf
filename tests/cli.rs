//! The commands besides a plain run and what they say: `explain`, `init`, `check`,
//! `synth`, a config file alone, `--if-changed`, usage and input errors (one line,
//! a distinct exit code), and the progress a terminal shows.

use std::process::Command;

use crate::util::{
    assert_code, assert_counts_add_up, assert_same, code, expected, manifest, stderr, stdout, Workdir, RUN_HANDWORKED,
};

#[test]
fn explain_prints_every_rule_for_one_patent() {
    let wd = Workdir::with_fixture("handworked");
    let mut args = vec!["explain", "ZL 2021 1000 0008.8"];
    args.extend(RUN_HANDWORKED[1..10].iter());
    let o = wd.hvpat(&args);
    assert_code(&o, 0);
    let text = stdout(&o);
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
    assert!(stdout(&o).contains("H01L 31/0224 → 6.3 太阳能产业"));
    let mut args = vec!["explain", "201910000001.X"];
    args.extend(RUN_HANDWORKED[1..10].iter());
    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not in the portfolio"), "{}", stderr(&o));
}

#[test]
fn init_writes_a_config_that_runs() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(&["init"]);
    assert_code(&o, 0);
    let o = wd.hvpat(&["init"]);
    assert_eq!(code(&o), 2, "refuses to overwrite");
    assert!(stderr(&o).contains("--force"));
    let o = wd.hvpat(&["run", "--config", "hvpat.toml", "--quiet"]);
    assert_code(&o, 0);
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
    assert_code(&o, 0);
    let want = expected("handworked", "institutions.csv");
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
fn if_changed_skips_unchanged_inputs_and_runs_after_a_change() {
    let wd = Workdir::with_fixture("handworked");
    let mut args: Vec<&str> = RUN_HANDWORKED.to_vec();
    args.push("--if-changed");
    args.push("--json");
    let o = wd.hvpat(&args);
    assert_code(&o, 0);
    let first: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(first["skipped"], false);
    assert_eq!(first["counts"]["scored"], 11);
    let written = wd.read("out/manifest.json");

    let o = wd.hvpat(&args);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("skipped: inputs, config and version unchanged"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "one line");
    let second: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(second["skipped"], true);
    assert_eq!(wd.read("out/manifest.json"), written, "nothing rewritten");

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
fn synth_is_deterministic_and_its_portfolio_runs_clean() {
    let wd = Workdir::new();
    for out in ["a", "b"] {
        let o = wd.hvpat(&["synth", "--patents", "5000", "--seed", "42", "--out", out]);
        assert_code(&o, 0);
    }
    for name in ["portfolio.csv", "families.csv", "pledges.csv", "awards.csv", "hvpat.toml"] {
        assert!(wd.read(&format!("a/{name}")) == wd.read(&format!("b/{name}")), "{name} differs between runs");
    }
    assert_eq!(wd.read("a/portfolio.csv").lines().count(), 5001);
    let other = wd.hvpat(&["synth", "--patents", "5000", "--seed", "43", "--out", "c"]);
    assert_eq!(code(&other), 0);
    assert!(wd.read("c/portfolio.csv") != wd.read("a/portfolio.csv"), "the seed matters");
    let o = wd.hvpat(&["run", "--config", "a/hvpat.toml", "--quiet"]);
    assert_code(&o, 0);
    let counts = manifest(&wd, "a/hvpat-out")["counts"].clone();
    assert_counts_add_up(&counts);
    assert_eq!(
        (counts["scored"].as_u64(), counts["rejected"].as_u64(), counts["side_rejected"].as_u64()),
        (Some(5000), Some(0), Some(0))
    );
    assert!(counts["high_value"].as_u64().unwrap_or(0) > 0);
}

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
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o).replace('\r', "\n");
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
    assert_code(&o, 0);
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

/// What `check` prints of its totals and coverage, as the manifest's keys: rows read,
/// patents scored, duplicates, out of scope, rejected, warnings; the coverage's
/// inventions and each question's count.
fn check_figures(text: &str) -> Vec<(String, u64)> {
    let number = |s: &str| s.trim().parse::<u64>().unwrap_or_else(|_| panic!("a number: {s:?} in {text}"));
    let totals = text.lines().find(|l| l.contains(" rows read: ")).unwrap_or_else(|| panic!("totals: {text}"));
    let (rows, rest) = totals.split_once(" rows read: ").expect("rows read");
    let mut figures = vec![("rows_read".to_string(), number(rows))];
    let keys = [
        (" CN patents", "scored"),
        (" duplicate rows merged", "duplicates"),
        (" out of scope", "out_of_scope"),
        (" rejected", "rejected"),
        (" warnings", "warnings"),
    ];
    // The asides in brackets ("(2 invention, 0 of unknown kind)") are not totals.
    let mut plain = String::new();
    let mut depth = 0;
    for ch in rest.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(ch),
            _ => {}
        }
    }
    for part in plain.split(", ") {
        let part = part.trim_end();
        let (key, n) = keys
            .iter()
            .find_map(|(words, key)| part.strip_suffix(words).map(|n| (key, n)))
            .unwrap_or_else(|| panic!("unknown part {part:?} in {totals}"));
        figures.push((key.to_string(), number(n)));
    }
    let coverage = text.lines().find(|l| l.contains("coverage of ")).unwrap_or_else(|| panic!("coverage: {text}"));
    let (head, questions) = coverage.split_once(": ").expect("coverage line");
    let inventions = head.trim().trim_start_matches("coverage of ").split(' ').next().expect("inventions");
    figures.push(("coverage.inventions".to_string(), number(inventions)));
    for q in questions.split(", ") {
        let mut words = q.split(' ');
        let (key, n) = (words.next().expect("key"), words.next().expect("count"));
        figures.push((format!("coverage.{key}"), number(n)));
    }
    figures
}

/// The same figures from a run's manifest.
fn manifest_figures(m: &serde_json::Value, like: &[(String, u64)]) -> Vec<(String, u64)> {
    like.iter()
        .map(|(key, _)| {
            let value = match key.strip_prefix("coverage.") {
                Some(q) => &m["coverage"][q],
                None => &m["counts"][key.as_str()],
            };
            (key.clone(), value.as_u64().unwrap_or_else(|| panic!("manifest {key}: {value}")))
        })
        .collect()
}

/// House II: `check` reads with `run`'s code, so on the same files and settings its
/// totals and coverage are the run's manifest's: every layout fixture, alone and
/// all together, and the sample with its config (side tables, rules, date).
#[test]
fn check_gives_the_totals_and_coverage_of_a_run_on_the_same_inputs() {
    let wd = Workdir::with_fixture("layouts");
    let mut cases: Vec<Vec<String>> = std::fs::read_dir(wd.root())
        .expect("fixture")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") && n != "mapped.csv")
        .map(|n| vec![n, "--as-of".into(), "2025-12-31".into()])
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "the layout fixtures: {cases:?}");
    let mut all: Vec<String> = cases.iter().map(|c| c[0].clone()).collect();
    all.extend(["--as-of".into(), "2024-06-30".into()]);
    cases.push(all);
    wd.write(
        "mapped.toml",
        "[columns]\npub_no = \"Patent No.\"\napp_no = \"Appl. No.\"\nholders = \"Owner (current)\"\n\
         filing_date = \"Appl. Date\"\nipc = \"Classification\"\ndated_events = \"Legal History\"\n\
         status = \"State\"\n",
    );
    cases.push(vec![
        "mapped.csv".into(),
        "--config".into(),
        "mapped.toml".into(),
        "--as-of".into(),
        "2024-12-31".into(),
    ]);
    let config = crate::util::sample("hvpat.toml");
    cases.push(vec!["--config".into(), config.display().to_string()]);
    for (k, case) in cases.iter().enumerate() {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let checked = wd.hvpat(&[&["check"], &args[..]].concat());
        assert_code(&checked, 0);
        let out = format!("out-{k}");
        let ran = wd.hvpat(&[&["run"], &args[..], &["--out", &out]].concat());
        assert!(matches!(code(&ran), 0 | 4), "{case:?}: {}", stderr(&ran));
        let from_check = check_figures(&stdout(&checked));
        assert_eq!(from_check, manifest_figures(&manifest(&wd, &out), &from_check), "{case:?}");
    }
}
