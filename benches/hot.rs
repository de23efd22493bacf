//! Criterion benches of the per-row hot paths: number, date and IPC parsing, the
//! concordance lookup, the rules for one patent at one date, and its evidence line.
//! Run with `cargo bench --bench hot`; the end-to-end comparison is `benches/e2e.sh`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};

use hvpat::rules::concordance::Concordance;
use hvpat::rules::dates::parse_date;
use hvpat::rules::dimensions::{flags, verdict, write_evidence};
use hvpat::rules::family::parse_member;
use hvpat::rules::ipc::parse_ipc;
use hvpat::rules::model::{Extras, Patent, PatentTexts, PledgeShare};
use hvpat::rules::numbers::{id_of, parse_number, Kind};
use hvpat::rules::status::classify_status;
use hvpat::rules::RuleParams;

fn date(s: &str) -> NaiveDate {
    parse_date(s).ok().flatten().expect("date")
}

/// A granted invention with SEI codes, an overseas family member and a shared pledge.
fn patent() -> Patent {
    Patent {
        id: id_of("201310699744.2").expect("id"),
        texts: PatentTexts::new("CN103728312B", "一种基于深度学习的图像识别方法"),
        kind: Some(Kind::Invention),
        filing_date: date("2013-12-20"),
        grant_date: Some(date("2016-05-11")),
        status: "有效".into(),
        ipc: ["G06N 3/08", "G06V 10/82", "A47J 27/00"].iter().map(|c| parse_ipc(c).expect("ipc")).collect(),
        holders: Box::new(["清华大学".into(), "华为技术有限公司".into()]),
        holders_explicit: true,
        extras: Extras {
            family: vec![parse_member("US10123456B2").expect("member")],
            pledges: vec![PledgeShare {
                contract_id: "P00000001".into(),
                contract_wan: 3000.0,
                patents_in_contract: 3,
                registered_on: Some(date("2020-03-01")),
            }],
            ..Extras::default()
        }
        .boxed(),
        ..Patent::default()
    }
}

fn parsing(c: &mut Criterion) {
    let numbers = ["201310699744.2", "CN 2013 1069 9744.2", "ZL201310699744.2", "CN103728312B", "03991742.5"];
    c.bench_function("parse_number (5 spellings)", |b| {
        b.iter(|| numbers.iter().map(|n| parse_number(black_box(n)).is_ok() as u32).sum::<u32>())
    });
    let dates = ["2019-03-05", "2019/3/5", "20190305", "2019年3月5日"];
    c.bench_function("parse_date (4 spellings)", |b| {
        b.iter(|| dates.iter().map(|d| parse_date(black_box(d)).is_ok() as u32).sum::<u32>())
    });
    let codes = ["G06N 3/08", "G06N0003080000", "Ｇ０６Ｎ　３／０８", "H01M 10/0525 (2010.01)"];
    c.bench_function("parse_ipc (4 spellings)", |b| {
        b.iter(|| codes.iter().map(|s| parse_ipc(black_box(s)).is_ok() as u32).sum::<u32>())
    });
}

fn rules(c: &mut Criterion) {
    let concordance = Concordance::builtin();
    let params = RuleParams::default();
    let p = patent();
    let as_of = date("2025-12-31");
    c.bench_function("concordance match (3 codes)", |b| b.iter(|| concordance.match_codes(black_box(&p.ipc)).len()));
    let matches = concordance.match_codes(&p.ipc);
    let status = classify_status(&p.status);
    c.bench_function("flags: eligibility + D1..D5 at one date", |b| {
        b.iter(|| flags(black_box(&p), !matches.is_empty(), status, black_box(as_of), &params))
    });
    c.bench_function("verdict with evidence strings", |b| b.iter(|| verdict(black_box(&p), &matches, as_of, &params)));
    let mut line = String::with_capacity(512);
    c.bench_function("evidence column written into a buffer", |b| {
        b.iter(|| {
            line.clear();
            write_evidence(&mut line, black_box(&p), &matches, as_of, &params);
            line.len()
        })
    });
}

criterion_group!(benches, parsing, rules);
criterion_main!(benches);
