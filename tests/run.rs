//! The scoring run: the hand-worked fixture and the sample give the figures worked
//! out by hand, whatever the thread count, spellings, counting or campus roll-up;
//! the output files (CSV with its byte-order mark, Parquet, JSON, HTML, xlsx) and
//! the choice of them.

use crate::util::{
    assert_code, assert_counts_add_up, assert_same, code, expected, manifest, output_files, sample, stderr, Workdir,
    RUN_HANDWORKED,
};

#[test]
fn handworked_fixture_gives_the_expected_outputs() {
    let wd = Workdir::with_fixture("handworked");
    let o = wd.hvpat(RUN_HANDWORKED);
    assert_code(&o, 0);
    for name in ["institutions.csv", "patents.csv", "rejects.csv", "warnings.csv"] {
        let want = expected("handworked", name);
        assert_same(name, &wd.read(&format!("out/{name}")), &want);
    }
    let counts = manifest(&wd, "out")["counts"].clone();
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
fn sample_config_runs_and_counts_add_up() {
    let wd = Workdir::new();
    let config = sample("hvpat.toml");
    let o = wd.hvpat(&["run", "--config", config.to_str().expect("utf-8 path"), "--out", "out", "--quiet"]);
    assert_code(&o, 0);
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
    let counts = manifest(&wd, "out")["counts"].clone();
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
    let config = sample("hvpat.toml");
    let config = config.to_str().expect("utf-8 path");
    for (threads, out) in [("1", "one"), ("2", "two"), ("8", "eight")] {
        let o = wd.hvpat_env(
            &["run", "--config", config, "--out", out],
            &[("RAYON_NUM_THREADS", threads), ("POLARS_MAX_THREADS", threads)],
        );
        assert_code(&o, 0);
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
    let mut rdr = csv::Reader::from_path(sample("portfolio.csv")).expect("sample");
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
        std::fs::copy(sample(side), wd.path(side)).expect("copy");
    }
}

#[test]
fn variant_spellings_give_the_same_institution_figures() {
    let wd = Workdir::new();
    respell_sample(&wd);
    let side = ["--families", "families.csv", "--pledges", "pledges.csv", "--awards", "awards.csv", "--year", "2025"];
    let canonical = sample("portfolio.csv");
    let mut args = vec!["run", canonical.to_str().expect("path"), "--out", "canonical"];
    args.extend(side);
    assert_eq!(code(&wd.hvpat(&args)), 0);
    let mut args = vec!["run", "respelled.csv", "--out", "respelled"];
    args.extend(side);
    let o = wd.hvpat(&args);
    assert_code(&o, 0);
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
        assert_code(&o, 0);
        let text = wd.read(&format!("{out}/institutions.csv"));
        text.lines().skip(1).map(|l| l.split(',').nth(2).expect("patents").parse::<f64>().expect("number")).sum::<f64>()
    };
    // 11 patents, each with at least one holder; 13 (patent, institution) pairs: P3 and P13
    // have two holders, P2 lists 清华大学 twice in two spellings (one institution).
    assert!((run("fractional", "frac") - 11.0).abs() < 1e-3);
    assert_eq!(run("full", "full"), 13.0);
    let frac = wd.read("frac/institutions.csv");
    assert!(frac.contains("华为技术有限公司,enterprise,0.5000,0.5000,0.0000"), "{frac}");
    let written = wd.read("frac/manifest.json");
    assert!(written.contains("\"counting\": \"fractional\""), "{written}");
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
    assert_code(&o, 0);
    let rolled = wd.read("rolled/institutions.csv");
    // Patent 103 is held by the campus and the parent: it counts once for the parent.
    assert!(rolled.lines().nth(1).is_some_and(|l| l.starts_with("哈尔滨工业大学,university,4,4,4,")), "{rolled}");
    assert_eq!(rolled.lines().count(), 3, "{rolled}");
}

#[test]
fn trend_and_previous_year_follow_grants_lapses_and_the_ten_year_line() {
    let wd = Workdir::with_fixture("trend");
    let o = wd.hvpat(&["run", "portfolio.csv", "--year", "2025", "--out", "out"]);
    assert_code(&o, 0);
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
    assert_code(&o, 0);
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

#[test]
fn chosen_outputs_are_the_default_runs_files_and_nothing_else() {
    let wd = Workdir::new();
    let config = sample("hvpat.toml");
    let config = config.to_str().expect("utf-8 path");
    let o = wd.hvpat(&["run", "--config", config, "--out", "all", "--quiet"]);
    assert_code(&o, 0);
    let all = output_files(&wd.path("all"));
    // Order and repeats do not matter; naming an accounting file is accepted.
    let chosen = "patents.csv,institutions.csv,patents.csv,manifest.json";
    let o = wd.hvpat(&["run", "--config", config, "--out", "job", "--quiet", "--outputs", chosen]);
    assert_code(&o, 0);
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
    let job_manifest = manifest(&wd, "job");
    let listed: Vec<&str> =
        job_manifest["outputs"].as_array().expect("outputs").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(
        listed,
        ["patents.csv", "institutions.csv", "rejects.csv", "warnings.csv", "unresolved.csv", "manifest.json"]
    );
    assert_eq!(
        manifest(&wd, "all")["outputs"].as_array().expect("outputs").len(),
        all.len(),
        "the default run lists every file"
    );

    // Only the Parquet file of the patents; only the accounting files.
    let o = wd.hvpat(&["run", "--config", config, "--out", "pq", "--quiet", "--outputs", "patents.parquet"]);
    assert_code(&o, 0);
    assert!(
        std::fs::read(wd.path("pq/patents.parquet")).expect("read")
            == all.iter().find(|(n, _)| n == "patents.parquet").expect("pq").1
    );
    assert!(!wd.path("pq/patents.csv").exists());
    let o = wd.hvpat(&["run", "--config", config, "--out", "bare", "--quiet", "--outputs", "rejects.csv"]);
    assert_code(&o, 0);
    let bare = output_files(&wd.path("bare"));
    assert_eq!(bare.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), accounting);

    // The config key, in a folder that a run with another selection wrote.
    for name in ["portfolio.csv", "families.csv", "pledges.csv", "awards.csv", "transactions.csv"] {
        std::fs::copy(sample(name), wd.path(name)).expect("copy");
    }
    let text = std::fs::read_to_string(config).expect("config").replace("out = \"../../hvpat-out\"", "out = \"all\"");
    wd.write("chosen.toml", &format!("outputs = [\"summary.md\", \"report.html\"]\n{text}"));
    let o = wd.hvpat(&["run", "--config", "chosen.toml", "--quiet"]);
    assert_code(&o, 0);
    let names: Vec<String> = output_files(&wd.path("all")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["manifest.json", "rejects.csv", "report.html", "summary.md", "unresolved.csv", "warnings.csv"]);

    let o = wd.hvpat(&["run", "--config", config, "--out", "bad", "--outputs", "patents.csv,patents.xlsx"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("unknown output \"patents.xlsx\"; the outputs are: patents.csv, patents.parquet"),
        "{}",
        stderr(&o)
    );
    assert!(!wd.path("bad").exists(), "nothing written");
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
        assert_code(&o, 0);
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
        assert_code(&o, 0);
        assert_eq!(bytes("checked.csv").starts_with(BOM), bom, "check --rejects with {flag:?}");
    }
}
