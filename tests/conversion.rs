//! Conversion (SPEC §9): transfers, licences, equity deals and pledges counted per
//! institution from a transactions table or from an export's legal events, with the
//! money received and the reward.

use crate::util::{assert_code, assert_figures, csv_row, manifest, stderr, stdout, Workdir, RUN_HANDWORKED};

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
    assert_code(&o, 0);
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
    let text = stdout(&o);
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
    assert_code(&o, 0);
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
    assert_code(&o, 0);
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
        assert_code(&o, 0);
        let row = csv_row(&wd.read(&format!("{out}/conversion.csv")), "清华大学");
        assert_eq!((row["transferred"].as_str(), row["received_wan"].as_str()), ("1", "120.00"), "{out}");
        assert_eq!(row["pledged_ever"], "0", "a pledge amount of 0 is no pledge");
        assert!(!stderr(&o).contains("credited to nobody"), "{}", stderr(&o));
    }
}

#[test]
fn conversion_without_any_event_source_says_so() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("hvpat: warning: conversion cannot be assessed: no legal-event column"),
        "{}",
        stderr(&o)
    );
    assert_eq!(manifest(&wd, "out")["sources"]["conversion_event_source"], false);
    assert!(wd.read("out/report.html").contains("No input shows transfers or licences"));
}

layout_tests! {
    /// incoPat's 当前权利人 is the buyer after a transfer; with no 申请人 column the two
    /// transferred patents are credited to nobody.
    transfers_without_known_applicants_are_credited_to_nobody_with_a_warning:
        Fixture("incopat.csv"), ["--as-of", "2023-12-31"] => [
        Stderr("hvpat: warning: 2 transferred patents credited to nobody"),
        Row("conversion.csv", "复旦大学", &[("transferred_ever", "0")]),
        Manifest("sources.transfers_credited_to_nobody", 2),
    ];
}
