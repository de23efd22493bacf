//! The fuzz targets' bodies (`fuzz/fuzz_targets/<target>.rs` calls `fuzzing::<target>`):
//! kept in the library so that `cargo test` compiles them and runs the seeds and past
//! regressions through them, and they cannot fall behind the modules they call.
//!
//! Each takes any bytes and panics only on a real defect: a panic inside the library,
//! or one of the asserts below.

use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::read::portfolio::{normalize_rows, Merged};
use crate::read::profile::Layout;
use crate::read::table_file::table_from_bytes;
use crate::rules::awards::{parse_award_date, parse_award_entry};
use crate::rules::concordance::Concordance;
use crate::rules::dates::{add_years, parse_date};
use crate::rules::institutions::AliasTable;
use crate::rules::ipc::parse_ipc;
use crate::rules::numbers::{check_digit, id_of, parse_number, parse_publication, ParsedNumber};
use crate::rules::RuleParams;
use crate::score::{quality_cohorts, score_all, ScoreContext};

/// The built-in tables, built once per process.
static TABLES: LazyLock<(Concordance, AliasTable)> = LazyLock::new(|| (Concordance::builtin(), AliasTable::builtin()));

/// Any text as a patent number: no panic; an application number formats and parses
/// back to itself, and its check digit flag agrees with the computed check digit.
pub fn numbers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_publication(text);
    let _ = id_of(text);
    if let Ok(ParsedNumber::App(app)) = parse_number(text) {
        assert_eq!(parse_number(&app.to_string()), Ok(ParsedNumber::App(app.clone())));
        assert_eq!(app.check_ok, check_digit(&app.digits) == Some(app.check));
        let _ = app.year();
    }
}

/// Any text as an IPC code: no panic; a canonical code (and its key) parses back to
/// itself and matches the concordance without panic.
pub fn ipc(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(code) = parse_ipc(text) {
        assert_eq!(parse_ipc(&code.to_string()).as_ref(), Ok(&code));
        assert_eq!(parse_ipc(code.key()).as_ref(), Ok(&code));
        let codes = [code];
        let _ = TABLES.0.match_codes(&codes);
    }
}

/// Any text as a date or an award cell: no panic; a parsed date formats and parses
/// back; year arithmetic stays in range.
pub fn dates(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_award_date(text);
    let _ = parse_award_entry(text);
    if let Ok(Some(d)) = parse_date(text) {
        assert_eq!(parse_date(&d.to_string()), Ok(Some(d)));
        for years in [-20, -10, -1, 1, 10, 20] {
            let _ = add_years(d, years);
        }
    }
}

/// Any bytes as a portfolio file: read, detect the layout, normalise, merge and score
/// without a panic, and every row is accounted for; the verdicts, quality indicators
/// and relative values the outputs need are worked out for every scored patent.
pub fn portfolio(data: &[u8]) {
    let Ok(table) = table_from_bytes(Path::new("fuzz.csv"), data, None) else { return };
    let Ok(layout) = Layout::locate(&table, None) else { return };
    let mut merged = Merged::default();
    merged.take(normalize_rows(&table, &layout, 0, "fuzz.csv"));
    merged.finish();
    let vocabulary = merged.settle(|_| "fuzz.csv".to_string());
    let gathered = crate::score::vocabulary_of(&merged.patents);
    assert_eq!(vocabulary.codes, gathered.codes, "the codes gathered while settling");
    let addresses =
        |v: &crate::rules::model::Vocabulary| v.names.keys().copied().collect::<std::collections::BTreeSet<_>>();
    assert_eq!(addresses(&vocabulary), addresses(&gathered), "the names gathered while settling");
    assert_eq!(merged.rows(), table.height());
    let (concordance, aliases) = &*TABLES;
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let trend = [NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"), as_of];
    let rules = RuleParams::default();
    let mut ctx = ScoreContext {
        concordance,
        aliases,
        rules: &rules,
        as_of,
        as_of_prev: trend[0],
        rollup_campuses: false,
        trend_dates: &trend,
        sources: Default::default(),
        cohorts: None,
    };
    let patents = merged.patents.len();
    let scoring = score_all(merged.patents, &ctx);
    assert_eq!(scoring.scored.len(), patents);
    let cohorts = quality_cohorts(&scoring.scored, &ctx, 1);
    assert_eq!(scoring.cohort_tally.finish(1), cohorts, "the cohorts gathered while scoring");
    ctx.cohorts = Some(&cohorts);
    for s in &scoring.scored {
        let p = &s.patent;
        assert_eq!(s.is_invention(), p.kind == Some(crate::rules::numbers::Kind::Invention));
        assert_eq!(s.has_events_or_pledges(), !p.events().is_empty() || !p.pledges().is_empty());
        let _ = ctx.verdict(s);
        let _ = ctx.relative(&s.patent, &ctx.indicators(&s.patent));
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The files of `fuzz/seeds/<target>/` and `tests/fuzz-regressions/<target>-*`, sorted.
    fn inputs(target: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = |dir: PathBuf, keep: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|entry| entry.expect("entry").path())
                .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(keep))
                .collect();
            found.sort();
            found
        };
        let prefix = format!("{target}-");
        (
            files(root.join("fuzz/seeds").join(target), &|_| true),
            files(root.join("tests/fuzz-regressions"), &|name| name.starts_with(&prefix)),
        )
    }

    /// A fuzz target: its name and its body.
    type Target = (&'static str, fn(&[u8]));

    /// Runs every seed and regression of `target` through `run`; returns how many seeds ran.
    fn replay(target: &str, run: fn(&[u8])) -> usize {
        let (seeds, regressions) = inputs(target);
        for path in seeds.iter().chain(&regressions) {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                panic!("fuzz target {target} panics on {}", path.display());
            }
        }
        seeds.len()
    }

    #[test]
    fn every_fuzz_target_passes_its_seeds_and_past_regressions() {
        let targets: [Target; 4] = [
            ("numbers", super::numbers),
            ("ipc", super::ipc),
            ("dates", super::dates),
            ("portfolio", super::portfolio),
        ];
        for (target, run) in targets {
            assert!(replay(target, run) > 0, "no seeds in fuzz/seeds/{target}/");
        }
    }

    #[test]
    fn every_regression_names_a_target() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
        for entry in std::fs::read_dir(&dir).expect("regressions folder") {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(
                ["numbers-", "ipc-", "dates-", "portfolio-"].iter().any(|t| name.starts_with(t)),
                "tests/fuzz-regressions/{name} names no fuzz target (<target>-<name>)"
            );
        }
    }
}
