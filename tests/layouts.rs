//! Reading exports as their systems write them: the layouts of Patsnap, incoPat,
//! CNIPA pss, Patentics, Derwent, regional lists and real exports (`layout_tests!`
//! runs each and lists what it must show), then column maps, Chinese headers,
//! encodings, workbooks, events and classification side tables.

use crate::util::{
    assert_code, assert_coverage, assert_figures, assert_same, code, expected, fixture, manifest, patent_row,
    real_export, sample, stderr, stdout, Run, Workdir, RUN_HANDWORKED,
};

layout_tests! {
    /// 10 rows: 8 patents, the A and B rows of CN108000004 merged, one US document.
    patsnap_export_dates_grants_and_lapses_from_its_events: Fixture("patsnap.csv"), ["--as-of", "2023-12-31"] => [
        Manifest("counts.rows_read", 10),
        Manifest("counts.scored", 8),
        Manifest("counts.duplicates", 1),
        Manifest("counts.out_of_scope", 1),
        Manifest("counts.rejected", 0),
        // 清华大学: valid now CN105000001 (granted 2017-08-01) and CN112000008 (2022-05-05);
        // a year before also CN106000002, lapsed 2023-03-01 by its INPADOC event.
        Institution("清华大学", &[
            ("patents", "5"),
            ("inventions", "4"),
            ("valid_inventions", "2"),
            ("high_value", "1"),
            ("d1_sei", "1"),
            ("valid_inventions_prev", "3"),
            ("high_value_prev", "1"),
        ]),
        // 浙江大学: CN108000004 granted 2023-06-20 (its B row), so valid now, not a year
        // before; CN109000005 (filed 29 Feb 2012, grant date from its event) maintained
        // over ten years at both dates.
        Institution("浙江大学", &[
            ("patents", "3"),
            ("inventions", "3"),
            ("valid_inventions", "3"),
            ("high_value", "1"),
            ("d3_maintained", "1"),
            ("valid_inventions_prev", "2"),
            ("high_value_prev", "1"),
        ]),
        Patent("CN106000002", &[("grant_date", "2018-02-02"), ("status", "未缴年费"), ("eligible", "false")]),
        PatentStarts("CN106000002", "evidence", "lapsed 2023-03-01 (legal event -TERMINATION OF PATENT RIGHT"),
        Patent("CN109000005", &[("grant_date", "2014-05-07")]),
        PatentStarts("CN109000005", "evidence", "valid: granted 2014-05-07 (legal event +PATENT GRANT)"),
        Patent("CN108000004", &[("grant_date", "2023-06-20")]),
        Patent("CN105000001", &[("title", "一种神经网络训练方法")]),
        // Coverage: 7 inventions; no family column, so D2 only where the family size is 1;
        // CN112000008 has no IPC code; nothing says pledge amounts or awards.
        Coverage(&[
            ("inventions", 7),
            ("holders", 7),
            ("validity", 7),
            ("history", 7),
            ("d1", 6),
            ("d2", 4),
            ("d3", 7),
            ("d4", 0),
            ("d5", 0),
        ]),
        // CN109000005 (no publication date) and the utility model CN111000007U (a U publication).
        Manifest("sources.grant_dates_from_events", 2),
        Manifest("sources.lapse_dates_from_events", 1),
        // The unreadable items of an INPADOC cell are warnings, never rejects.
        Has("warnings.csv", "20XX-13-45"),
        Has("warnings.csv", "???"),
        Stderr("hvpat: warning: D4 cannot be assessed for 7 of 7 inventions"),
        // D2 is assessable for 4 of 7.
        NotStderr("warning: D2"),
        Check(patsnap_as_a_workbook_reads_the_same),
    ];

    /// CN100000014 (filed in 2003) has expired by the end of 2023 whatever the day, and
    /// was valid (and maintained over ten years) at the end of 2022; CN103000011 (filed
    /// in 2013) reaches ten years during 2023: D3 cannot be told on 2023-12-31, so "no".
    patsnap_export_with_filing_years_only_settles_what_the_year_settles:
        Fixture("patsnap-renamed.csv"), ["--as-of", "2023-12-31"] => [
        Institution("北京大学", &[
            ("patents", "6"),
            ("inventions", "5"),
            ("valid_inventions", "2"),
            ("high_value", "1"),
            ("d3_maintained", "0"),
            ("valid_inventions_prev", "3"),
            ("high_value_prev", "2"),
        ]),
        Coverage(&[("inventions", 5), ("validity", 5), ("history", 1), ("d1", 5), ("d2", 3), ("d3", 4), ("d4", 0)]),
        Manifest("sources.filing_year_only", 6),
        // A year-only filing date is written as the year.
        Patent("CN103000011", &[("filing_date", "2013")]),
        PatentHas("CN103000011", "evidence", "D3 cannot tell: filed 2013 (year only)"),
        PatentStarts("CN100000014", "evidence", "expired by 2023-12-31 (filed 2003 (year only) + 20 years)"),
        Stderr("warning: Validity a year before (and the trend) cannot be assessed for 4 of 5"),
    ];

    /// I1: D1 and D2 (US…B2); I5: filed 2011-11-11, maintained; I2 lapsed 2022-07-07;
    /// I3 dead without a lapse date; I4 pending.
    incopat_columns_dated_and_counted_events: Fixture("incopat.csv"), ["--as-of", "2023-12-31"] => [
        Institution("复旦大学", &[
            ("patents", "5"),
            ("valid_inventions", "2"),
            ("high_value", "2"),
            ("d1_sei", "1"),
            ("d2_overseas", "1"),
            ("d3_maintained", "1"),
            ("valid_inventions_prev", "2"),
            ("high_value_prev", "2"),
        ]),
        // History: I3 is dead with its grant date known (no lapse date: lapsed at every
        // date, SPEC §7), so every year-before figure is assessable.
        Coverage(&[("inventions", 5), ("validity", 5), ("history", 5), ("d2", 4), ("d4", 0), ("d5", 0)]),
        // I1: three listed events, a transfer date and two pledge dates (its counts add no
        // undated ones); I2: two; I3: two; I4: one listed, one counted transfer; I5: two
        // listed and a licence date.
        Manifest("sources.events", 6 + 2 + 2 + 2 + 3),
        Has("warnings.csv", "2020-13-01"),
        Has("warnings.csv", "unreadable transfer_dates item"),
        Has("warnings.csv", ",abc,unreadable pledges"),
        // Bad event cells are warnings, not rejects.
        Manifest("counts.rejected", 0),
        Stdout(
            &["explain", "CN104000101B", "incopat.csv", "--as-of", "2023-12-31"],
            &["2021-03-03  pledge", "undated     transfer       权利转移"],
        ),
    ];

    a_regional_list_says_that_validity_cannot_be_told: Fixture("regional.csv"), ["--as-of", "2023-12-31"] => [
        Coverage(&[("inventions", 2), ("holders", 2), ("validity", 0), ("history", 0), ("d1", 2), ("d3", 0)]),
        Stderr("hvpat: warning: Validity cannot be assessed for 2 of 2 inventions"),
        Institution("南京大学", &[("patents", "3"), ("valid_inventions", "0")]),
        // The design's Locarno class is not an unreadable IPC code.
        Lacks("warnings.csv", "21-01-C0293"),
        // The panel is there, and the valid-inventions figure is marked.
        Has("report.html", "<h2>Data coverage</h2>"),
        Has("report.html", "Valid inventions <span class=\"cov\" title=\"assessable for 0%\">⚠ 0%</span>"),
        Stdout(
            &["check", "regional.csv", "--as-of", "2023-12-31"],
            &["coverage of 2 inventions as of 2023-12-31: holders 2 (100%), validity 0 (0%)"],
        ),
    ];

    /// Only 发明专利权授予 (2017-03-15) makes a valid invention; a transfer, a change of
    /// bibliographic data or an examination step leave the status unknown.
    a_pss_status_with_its_date_is_an_event_that_sets_or_leaves_the_status:
        Fixture("pss.csv"), ["--as-of", "2017-06-30"] => [
        Institution("北京科技大学", &[("patents", "6"), ("inventions", "6"), ("valid_inventions", "1")]),
        Patent("CN201610075220.X", &[("grant_date", "2017-03-15")]),
        PatentStarts("CN201610160455.9", "evidence", "not granted as far as the data shows: status unknown"),
        // Known: the grant, the withdrawal and the lapse; unknown: the other three.
        Coverage(&[("inventions", 6), ("holders", 6), ("validity", 3)]),
        // An unreadable status date is a warning.
        Has("warnings.csv", "2020XX01"),
    ];

    an_events_table_dates_grants_and_rejects_what_it_cannot_use:
        Fixture("patsnap.csv"), ["--events", "events.csv", "--as-of", "2023-12-31"]
        with [(
            "events.csv",
            "patent,date,event\nCN110000006B,2021-01-01,授权\nCN110000006,2022-06-30,专利权的终止\n\
             CN999999999B,2022-01-01,授权\nCN110000006,2022-13-01,质押\nCN110000006,,权利转移\n",
        )] => [
        // A patent not in the portfolio and a bad date.
        Manifest("counts.side_rejected", 2),
        Manifest("sources.events_table_rows", 3),
        Has("rejects.csv", "not a patent of the portfolio"),
        Has("rejects.csv", "unparseable event date"),
        // CN110000006 lapsed on 2022-06-30 by the table: 浙江大学 loses it now and a year before.
        Institution("浙江大学", &[("valid_inventions", "2"), ("valid_inventions_prev", "1")]),
    ];

    /// CN112000008 has no IPC code in the export; CN110000006's A47J matches nothing.
    a_classes_file_adds_codes_without_the_shared_exports:
        Fixture("patsnap.csv"), ["--classes", "classes.csv", "--as-of", "2023-12-31"]
        with [(
            "classes.csv",
            "pn,ipc_codes,cpc_codes\nCN112000008B,\"['G06N3/08']\",nan\nCN110000006,A47J 27/00,\
             \"[\"\"H04L 9/00\"\", \"\"Y02D 30/70\"\"]\"\nCN999999999A,G06N 3/08,\n",
        )] => [
        Patent("CN112000008", &[("d1_sei", "true")]),
        PatentHas("CN112000008", "evidence", "D1 G06N 3/08 (classes.csv) → 1.4"),
        // Both code columns read, the CPC-only code skipped.
        Patent("CN110000006", &[("ipc", "A47J 27/00;H04L 9/00")]),
        // CN112000008 now has a code.
        Manifest("coverage.d1", 7),
        Manifest("counts.side_rejected", 1),
        Manifest("sources.cpc_only_codes", 1),
    ];

    /// UTF-8 with BOM, every value quoted, 24 header fields and 25 on every data row
    /// (the last empty), YYYYMMDD dates, ` | ` lists with spaces inside the codes, and
    /// 授权日 twice: the third row's grant date only in the second.
    a_patentics_export_has_its_ipc_codes_read: Fixture("patentics.csv"), ["--as-of", "2024-12-31"] => [
        Manifest("counts.rows_read", 4),
        Manifest("counts.scored", 4),
        // Every invention has its codes: D1 can be told for all four.
        Coverage(&[("inventions", 4), ("holders", 4), ("d1", 4)]),
        // The main code (国际主分类) first, then the others of 国际分类, each once.
        // data/concordance.csv: G06N 3/08 is 1.5 人工智能 and its subclass G06N 1.4; G06F
        // 16/583 and G06F are 1.1 下一代信息网络产业.
        Patent("CN201910000001.9", &[
            ("ipc", "G06N 3/08;G06F 16/583"),
            ("grant_date", "2021-03-15"),
            ("d1_sei", "true"),
            ("sei_codes", "1.1;1.4;1.5"),
        ]),
        // The grant date from the second 授权日.
        Patent("CN202010000003.0", &[
            ("ipc", "H01M 10/42;B60L 58/12"),
            ("sei_codes", "5.2"),
            ("grant_date", "2022-04-05"),
        ]),
        // A47G 19/22 is no SEI class.
        Patent("CN201910000002.3", &[("d1_sei", "false")]),
        Institution("清华大学", &[("patents", "2"), ("valid_inventions", "1"), ("d1_sei", "1")]),
        Institution("北京大学", &[("patents", "2"), ("valid_inventions", "2"), ("d1_sei", "2")]),
        // 法律描述, the event log with its detail lines (`申请日=…`, `变更事项:…`), is read
        // without a warning: no unreadable code or event.
        Lines("warnings.csv", 1),
    ];

    /// Event items in a form hvpat does not know (the date last, in another spelling):
    /// unreadable, and they may hold the grant.
    an_event_list_that_cannot_be_read_does_not_make_an_empty_grant_date_a_no:
        Fixture("unread-events.csv"), ["--as-of", "2024-12-31"] => [
        // The first patent: no grant date, no status, unread items: validity unknown. The
        // second has its grant date; the third a rejection read from its triplet.
        Coverage(&[("inventions", 3), ("validity", 2)]),
        // One line for the column, with a sample, says why validity is unknown.
        StderrOf(
            &["run", "unread-events.csv", "--as-of", "2024-12-31", "--out", "again", "--quiet"],
            &["warning: 3 legal event items of column INPADOC法律状态 could not be read \
               (e.g. \"GR01 PATENT GRANT 27.11.2018\"; all in warnings.csv)"],
        ),
        // Each unread item is a warning naming its column and value.
        Occurs("warnings.csv", "INPADOC法律状态,GR01 PATENT GRANT 27.11.2018,", 1),
        Occurs("warnings.csv", "unreadable legal event item", 3),
        Institution("清华大学", &[("patents", "3"), ("valid_inventions", "1")]),
    ];

    /// Chinese interface: a preamble row and the query above the header (a query row
    /// naming two known columns: the header names more); assignees in
    /// 专利权人/申请人 with their address (`清华大学,北京市,100084,CN`); `CN201710000001A`
    /// application numbers (the letter is Derwent's marker); compact IPC codes; INPADOC
    /// family members and `date CODE text` items; 失效/有效 (Alive, Dead).
    a_derwent_innovation_export_is_read_from_below_its_preamble: Fixture("derwent.csv"), ["--as-of", "2024-12-31"] => [
        Manifest("counts.rows_read", 2),
        Manifest("counts.scored", 2),
        Coverage(&[("inventions", 2), ("holders", 2), ("validity", 2), ("d1", 2), ("d2", 2)]),
        // Alive says only "not dead"; the grant comes from GR01 on 2018-11-27. The codes
        // were G06N000308 and G06F001730.
        Patent("CN201710000001.X", &[
            ("grant_date", "2018-11-27"),
            ("holders", "清华大学"),
            ("ipc", "G06N 3/08;G06F 17/30"),
            ("eligible", "true"),
            ("d1_sei", "true"),
        ]),
        // Dead, with only its publication (PB01): never valid.
        Patent("CN201710000002.4", &[("grant_date", ""), ("eligible", "false"), ("ipc", "H04W 72/04")]),
        Institution("清华大学", &[("patents", "1"), ("valid_inventions", "1"), ("d1_sei", "1")]),
        Institution("北京大学", &[("patents", "1"), ("valid_inventions", "0")]),
        // Every event item read.
        Lines("warnings.csv", 1),
    ];

    a_derwent_export_of_the_english_interface_is_read_like_the_chinese_one:
        Fixture("derwent-en.csv"), ["--as-of", "2024-12-31"] => [
        Coverage(&[("inventions", 2), ("holders", 2), ("validity", 2), ("d1", 2), ("d2", 2)]),
        Patent("CN201710000001.X", &[
            ("grant_date", "2018-11-27"),
            ("holders", "TSINGHUA UNIVERSITY"),
            ("ipc", "G06N 3/08;G06F 17/30"),
        ]),
        Institution("清华大学", &[("patents", "1"), ("valid_inventions", "1")]),
        Institution("北京大学", &[("patents", "1"), ("valid_inventions", "0")]),
        // A code that neither data/inpadoc-codes.csv nor its text can class: a warning for
        // the item, and one line for the code.
        Has("warnings.csv", ",ZZ99,\"legal event code not in data/inpadoc-codes.csv"),
        StderrOf(
            &["run", "derwent-en.csv", "--as-of", "2024-12-31", "--out", "again", "--quiet"],
            &["warning: legal event code ZZ99 (1 items) is not in data/inpadoc-codes.csv"],
        ),
    ];

    google_patents_export_is_read_as_it_comes:
        Real("google_patents_gp-search-20251001-102423.csv"), ["--year", "2025"] => [
        Manifest("counts.rows_read", 10_663),
        Manifest("counts.rejected", 0),
        // The export's README counts 5,267 CN documents; A and B publications of one
        // application share a number and merge.
        ManifestSum(&["counts.scored", "counts.duplicates"], 5_267),
        Line("institutions.csv", "浙江大学,university,"),
        Line("institutions.csv", "清华大学,university,"),
        Line("institutions.csv", "北京航空航天大学,university,"),
        Line("institutions.csv", "深圳大学,university,"),
        // A and B merged under the publication number.
        Has("patents.csv", "CN117911230,CN117911230B,"),
        // `清华大学, 北京衔远有限公司` is two holders; `Co., Ltd.` style names stay whole.
        LineHas("patents.csv", "CN117911230,", "清华大学;北京衔远有限公司"),
    ];

    lens_export_is_read_as_it_comes: Real("lens_export_antontruly_patents.csv"), ["--year", "2025"] => [
        Manifest("counts.rows_read", 3_779),
        Manifest("counts.rejected", 0),
        // The CN rows.
        ManifestSum(&["counts.scored", "counts.duplicates"], 1_228),
        // `UNIV DALIAN TECH` and `UNIV HARBIN ENG` resolve through the alias table.
        Line("institutions.csv", "大连理工大学,university,"),
        Line("institutions.csv", "哈尔滨工程大学,university,"),
        Line("institutions.csv", "北京航空航天大学,university,"),
        // Resolved, so not listed as unresolved.
        Lacks("unresolved.csv", "UNIV DALIAN TECH"),
        // Spellings the table does not list, told by their words: `BEIJING INSTITUTE TECH`
        // (the table has `BEIJING INST TECH`) and `NAT UNIV DEFENSE TECHNOLOGY PLA`.
        Lacks("unresolved.csv", "BEIJING INSTITUTE TECH"),
        Lacks("unresolved.csv", "NAT UNIV DEFENSE TECHNOLOGY PLA"),
        Institution("北京理工大学", &[("patents", "6")]),
        Institution("国防科技大学", &[("patents", "4")]),
    ];

    the_real_cnipa_pss_export_counts_its_six_grants: Real("cnipa_pss_ustb_patents.xls"), ["--as-of", "2017-06-30"] => [
        Institution("北京科技大学", &[("patents", "751"), ("inventions", "751"), ("valid_inventions", "6")]),
        // 6 grants and 2 withdrawals say what they say; every other latest event leaves
        // the status unknown.
        Coverage(&[("inventions", 751), ("holders", 751), ("validity", 8)]),
    ];

    the_google_export_says_it_cannot_show_d1_and_d2:
        Real("google_patents_gp-search-20251001-102423.csv"), ["--year", "2025"] => [
        Coverage(&[("d1", 0), ("d2", 0)]),
        Check(|run| {
            let coverage = &run.manifest["coverage"];
            assert!(coverage["inventions"].as_u64().unwrap() > 4_000);
            assert_eq!(coverage["validity"], coverage["inventions"], "a grant-date column tells validity");
        }),
        Stderr("hvpat: warning: D2 cannot be assessed for"),
        Stderr("hvpat: warning: D1 cannot be assessed for"),
        Check(|run| {
            let html = run.read("report.html");
            assert!(html.contains("D2 <span class=\"cov\"") || html.contains(">D2 <span"), "D2 marked");
        }),
    ];
}

/// The Patsnap export as a workbook, behind a cover sheet and with the search query as
/// a title row above the header (as exports write them), reads the same.
fn patsnap_as_a_workbook_reads_the_same(run: &Run) {
    let wd = &run.wd;
    let institutions = run.read("institutions.csv");
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
    assert_code(&o, 0);
    assert_same("patsnap.xlsx institutions.csv", &wd.read("out-xlsx/institutions.csv"), &institutions);
    let warnings = wd.read("out-xlsx/warnings.csv");
    assert!(warnings.contains("patsnap.xlsx,12,INPADOC法律状态,20XX-13-45"), "sheet line numbers: {warnings}");
}

#[test]
fn a_column_map_reads_an_export_whose_headers_are_not_known() {
    // An in-house system's export: no layout tells its headers.
    let wd = Workdir::with_fixture("layouts");
    let o = wd.hvpat(&["run", "mapped.csv", "--as-of", "2024-12-31", "--out", "out"]);
    assert_code(&o, 3);
    assert!(stderr(&o).contains("cannot tell the layout"), "{}", stderr(&o));
    wd.write(
        "mapped.toml",
        "[columns]\npub_no = \"Patent No.\"\napp_no = \"Appl. No.\"\nholders = \"Owner (current)\"\n\
         filing_date = \"Appl. Date\"\nipc = \"Classification\"\ndated_events = \"Legal History\"\n\
         status = \"State\"\n",
    );
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "mapped.toml", "--as-of", "2024-12-31", "--out", "out"]);
    assert_code(&o, 0);
    let institutions = wd.read("out/institutions.csv");
    // TSINGHUA UNIV (UYQI-C) is 清华大学, granted by GR01 on 2018-11-27; PEKING UNIV (its
    // address dropped) is 北京大学, dead.
    assert_figures(&institutions, "清华大学", &[("patents", "1"), ("valid_inventions", "1"), ("d1_sei", "1")]);
    assert_figures(&institutions, "北京大学", &[("patents", "1"), ("valid_inventions", "0")]);
    assert_eq!(patent_row(&wd.read("out/patents.csv"), "CN201710000001.X")["grant_date"], "2018-11-27");
    // `check` shows the roles each file has, mapped or found.
    let o = wd.hvpat(&["check", "mapped.csv", "--config", "mapped.toml", "--as-of", "2024-12-31"]);
    let text = stdout(&o);
    assert!(text.contains("  columns: app_no ← Appl. No., pub_no ← Patent No.,"), "{text}");
    assert!(text.contains("holders ← Owner (current), dated_events ← Legal History"), "{text}");
    // A role that does not exist is a usage error; a header that is not there names it.
    wd.write("bad.toml", "[columns]\nholder = \"Owner (current)\"\n");
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "bad.toml", "--as-of", "2024-12-31", "--out", "bad"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("unknown role \"holder\"; the roles are: app_no, pub_no"), "{}", stderr(&o));
    wd.write("missing.toml", "[columns]\nholders = \"Owner\"\n");
    let o = wd.hvpat(&["run", "mapped.csv", "--config", "missing.toml", "--as-of", "2024-12-31", "--out", "bad"]);
    assert_code(&o, 3);
    assert!(stderr(&o).contains("\"Owner (mapped to holders in [columns])\""), "{}", stderr(&o));
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

    let want = expected("handworked", "institutions.csv");
    for file in ["cn-gbk.csv", "cn-bom.csv", "cn.xlsx"] {
        let out = format!("out-{file}");
        let mut args = vec!["run", file, "--out", &out];
        args.extend(RUN_HANDWORKED[2..10].iter());
        let o = wd.hvpat(&args);
        assert_eq!(code(&o), 0, "{file}: {}", stderr(&o));
        assert_same(&format!("{file}: institutions.csv"), &wd.read(&format!("{out}/institutions.csv")), &want);
    }
    let o = wd.hvpat(&["check", "cn-gbk.csv", "cn-bom.csv", "cn.xlsx"]);
    let text = stdout(&o);
    assert!(text.contains("layout cn (detected), encoding GB18030, 13 data rows"), "{text}");
    assert!(text.contains("layout cn (detected), encoding UTF-8 (BOM), 13 data rows"), "{text}");
    assert!(text.contains("layout cn (detected), encoding xlsx, 13 data rows"), "{text}");
}

#[test]
fn an_xls_that_is_html_or_text_is_told_by_what_it_holds() {
    let wd = Workdir::new();
    wd.write("page.xls", "<html><body><table><tr><td>申请号</td><td>申请日</td></tr></table></body></html>");
    let o = wd.hvpat(&["run", "page.xls", "--as-of", "2024-12-31", "--out", "out"]);
    assert_code(&o, 3);
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
    assert_code(&o, 0);
    assert_figures(&wd.read("out/institutions.csv"), "清华大学", &[("patents", "1")]);
}

#[test]
fn an_alias_table_saved_by_chinese_excel_is_read() {
    let wd = Workdir::new();
    wd.write("p.csv", "app_no,filing_date,grant_date,status,holders\n201810000101.7,2018-01-01,2020-01-01,有效,华工\n");
    let (gbk, _, _) = encoding_rs::GB18030.encode("alias,institution,type\n华工,华南理工大学,university\n");
    std::fs::write(wd.path("aliases.csv"), &gbk).expect("write");
    let o = wd.hvpat(&["run", "p.csv", "--aliases", "aliases.csv", "--year", "2025", "--out", "out"]);
    assert_code(&o, 0);
    assert!(wd
        .read("out/institutions.csv")
        .lines()
        .nth(1)
        .is_some_and(|l| l.starts_with("华南理工大学,university,1,")));
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
    assert_code(&o, 0);
    let patents = wd.read("out/patents.csv");
    assert_eq!(patent_row(&patents, "CN201510000001.0")["status"], "失效");
    let m = manifest(&wd, "out");
    // Both lapsed-after-grant and in force without grant dates: a year before cannot be told.
    assert_coverage(&m, &[("inventions", 2), ("validity", 2), ("history", 0)]);
    assert_eq!(m["sources"]["events"], 2);
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
    assert_code(&o, 0);
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
    assert_code(&o, 4);
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or("");
    assert!(last.contains("no scored patent has a holder") && last.contains("portfolio rows rejected"), "{err}");
}

#[test]
fn the_sample_without_holder_columns_writes_its_outputs_and_exits_4() {
    let wd = Workdir::new();
    let mut rdr = csv::Reader::from_path(sample("portfolio.csv")).expect("sample");
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
    assert_code(&o, 4);
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or("");
    assert!(last.starts_with("hvpat: outputs written to"), "{err}");
    assert!(last.contains("holders, applicants"), "names the holder columns: {last}");
    assert!(wd.path("out/institutions.csv").exists() && wd.path("out/report.html").exists());
    assert_coverage(&manifest(&wd, "out"), &[("holders", 0)]);
}

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
    assert_code(&o, 0);
    let o = wd.hvpat(&["run", p, "--classes", "classes.csv", "--year", "2025", "--out", "out"]);
    assert_code(&o, 0);
    let patents = wd.read("out/patents.csv");
    // D1 per patent, worked out by hand on the concordance: G06N 3/08 → 1.4 (subclass
    // G06N) and 1.5; G06F 11/2257 → 1.1 (subclass G06F); A47J 27/00 nothing; Y02E and
    // the indexing code G06F 2203/04808 never match.
    let want = [
        ("CN117911230", "true", "G06N 3/08 (classes.csv) → 1.4"),
        ("CN117058479", "false", "D1 no IPC code in the SEI concordance"),
        ("CN117577121", "true", "G06F 11/2257 (classes.csv) → 1.1"),
        ("CN117993050", "false", "D1 no IPC code |"),
        ("CN118760731", "true", "G06N 3/08 (classes.csv) → 1.5 人工智能"),
    ];
    for (id, d1, evidence) in want {
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
    assert_code(&o, 3);
    assert!(stderr(&o).contains("missing required column \"codes (or cpccodes, ipccodes, cpc"), "{}", stderr(&o));
}
