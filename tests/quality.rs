//! Quality indicators (SPEC §12): per-patent indicators, their cohort-relative
//! figures and per-institution medians and means on a hand-worked fixture.

use crate::util::{assert_code, manifest, stdout, Workdir};

/// SPEC §12 on a hand-worked fixture (`fixtures/quality`, `quality_min_cohort = 3`):
/// the 2016/G cohort (4 inventions) gives relative figures and a top decile, the
/// 2018/H cohort (2) is below the minimum; rows of one patent keep the granted
/// publication's claims with a warning; the per-institution medians and means are
/// those of the valid inventions' cells.
#[test]
fn quality_indicators_follow_the_handworked_fixture() {
    let wd = Workdir::with_fixture("quality");
    let o = wd.hvpat(&["run", "--config", "hvpat.toml", "--out", "out"]);
    assert_code(&o, 0);
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
    let m = manifest(&wd, "out");
    let q = &m["quality"];
    assert_eq!((q["inventions"].as_u64(), q["claims"].as_u64(), q["cites"].as_u64()), (Some(6), Some(5), Some(5)));
    assert_eq!(
        (q["claims_rel"].as_u64(), q["top10_cited"].as_u64(), q["family_offices"].as_u64()),
        (Some(3), Some(4), Some(0))
    );
    // explain shows the indicators and the cohort: above the minimum, and below it.
    let o = wd.hvpat(&["explain", "CN106100004B", "--config", "hvpat.toml"]);
    let text = stdout(&o);
    assert!(text.contains("cited by 10, cites 8"), "{text}");
    assert!(text.contains("cohort: filed 2016, IPC section G"), "{text}");
    assert!(text.contains("cited_by_rel     2.5000") && text.contains("cohort: 4 known, mean 4.0000"), "{text}");
    let o = wd.hvpat(&["explain", "CN108100005B", "--config", "hvpat.toml"]);
    let text = stdout(&o);
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
