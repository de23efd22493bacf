//! Any bytes as a portfolio file: read, detect the layout, normalise, merge and score
//! without a panic, and every row is accounted for.
#![no_main]
use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use hvpat::read::portfolio::{normalize_rows, Merged};
use hvpat::read::profile::Layout;
use hvpat::read::table_file::table_from_bytes;
use hvpat::rules::concordance::Concordance;
use hvpat::rules::institutions::AliasTable;
use hvpat::rules::RuleParams;
use hvpat::score::{score_all, ScoreContext};
use libfuzzer_sys::fuzz_target;

static TABLES: OnceLock<(Concordance, AliasTable)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(table) = table_from_bytes(Path::new("fuzz.csv"), data, None) else { return };
    let Ok(layout) = Layout::locate(&table, None) else { return };
    let mut merged = Merged::default();
    merged.take(normalize_rows(&table, &layout, 0, "fuzz.csv"));
    merged.finish();
    merged.settle(|_| "fuzz.csv".to_string());
    assert_eq!(merged.rows(), table.height());
    let (concordance, aliases) = TABLES.get_or_init(|| (Concordance::builtin(), AliasTable::builtin()));
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let trend = [NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"), as_of];
    let ctx = ScoreContext {
        concordance,
        aliases,
        rules: &RuleParams::default(),
        as_of,
        as_of_prev: trend[0],
        rollup_campuses: false,
        trend_dates: &trend,
        sources: Default::default(),
    };
    let _ = score_all(merged.patents, &ctx);
});
