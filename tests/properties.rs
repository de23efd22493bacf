//! Property tests of the parsers: canonical forms are fixed points, formatted values
//! parse back to themselves, check digits are computed and validated consistently,
//! and no text makes a parser panic.

use chrono::NaiveDate;
use hvpat::rules::dates::{add_years, parse_date};
use hvpat::rules::ipc::parse_ipc;
use hvpat::rules::numbers::{check_digit, id_of, parse_number, parse_publication, ParsedNumber};
use proptest::prelude::*;

/// 12-digit application numbers (2003 on): year, type digit, 7-digit serial.
fn app_digits() -> impl Strategy<Value = String> {
    (2003u32..2030, prop::sample::select(vec![1u32, 2, 3, 8, 9]), 0u32..10_000_000)
        .prop_map(|(y, t, serial)| format!("{y}{t}{serial:07}"))
}

/// 8-digit application numbers (before 2003).
fn old_app_digits() -> impl Strategy<Value = String> {
    (prop::sample::select(vec![85u32, 90, 95, 99, 0, 1, 2]), prop::sample::select(vec![1u32, 2, 3]), 0u32..100_000)
        .prop_map(|(y, t, serial)| format!("{y:02}{t}{serial:05}"))
}

proptest! {
    #[test]
    fn an_application_number_parses_back_with_a_valid_check_digit(digits in prop_oneof![app_digits(), old_app_digits()]) {
        let check = check_digit(&digits).expect("8 or 12 digits");
        let written = format!("{digits}.{check}");
        match parse_number(&written) {
            Ok(ParsedNumber::App(app)) => {
                prop_assert!(app.check_ok);
                prop_assert_eq!(&app.digits, &digits);
                prop_assert_eq!(app.to_string(), written.clone());
            }
            other => prop_assert!(false, "{written}: {other:?}"),
        }
        // Without its check digit, with prefixes or spaces: the same id.
        let id = id_of(&written).expect("id");
        for spelling in [digits.clone(), format!("CN{written}"), format!("ZL {written}"), format!("{digits}{check}")] {
            prop_assert_eq!(id_of(&spelling), Ok(id.clone()), "{}", spelling);
        }
        // The canonical id is a fixed point.
        prop_assert_eq!(id_of(&id.0), Ok(id.clone()));
    }

    #[test]
    fn any_other_check_digit_is_flagged(digits in app_digits(), wrong in 0u32..11) {
        let right = check_digit(&digits).expect("12 digits");
        let wrong = if wrong == 10 { 'X' } else { char::from_digit(wrong, 10).expect("digit") };
        prop_assume!(wrong != right);
        match parse_number(&format!("{digits}.{wrong}")) {
            Ok(ParsedNumber::App(app)) => {
                prop_assert!(!app.check_ok);
                prop_assert_eq!(app.check, wrong);
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn publication_numbers_keep_office_serial_and_kind(serial in 100_000_000u64..999_999_999, kind in prop::sample::select(vec!["A", "B", "C", "U", "Y", "S"])) {
        let written = format!("CN{serial}{kind}");
        let p = parse_publication(&written).expect("publication");
        prop_assert_eq!(p.to_string(), written.clone());
        prop_assert_eq!(parse_publication(&p.to_string()).expect("again"), p);
    }

    #[test]
    fn ipc_codes_are_fixed_points_in_every_spelling(
        section in prop::sample::select(vec!['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']),
        class in 1u32..99,
        letter in prop::sample::select(('A'..='Z').collect::<Vec<char>>()),
        main in 1u32..9999,
        sub in 0u32..10_000,
    ) {
        let sub = format!("{sub:02}");
        let sub = if sub.len() > 2 { sub.trim_end_matches('0').to_string() } else { sub };
        let sub = if sub.len() < 2 { format!("{sub:0<2}") } else { sub };
        let canonical = format!("{section}{class:02}{letter} {main}/{sub}");
        let code = parse_ipc(&canonical).expect("canonical");
        prop_assert_eq!(code.to_string(), canonical.clone());
        let wipo = format!("{section}{class:02}{letter}{main:04}{sub:0<6}");
        for spelling in [code.key().to_string(), wipo, format!("{canonical} (2006.01)"), canonical.to_lowercase()] {
            prop_assert_eq!(parse_ipc(&spelling), Ok(code), "{}", spelling);
        }
    }

    #[test]
    fn dates_parse_back_in_every_spelling(days in 0i64..60_000) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") + chrono::Duration::days(days);
        for spelling in [d.to_string(), d.format("%Y/%-m/%-d").to_string(), d.format("%Y%m%d").to_string(), d.format("%Y.%m.%d").to_string(), d.format("%-m/%-d/%Y").to_string()] {
            prop_assert_eq!(parse_date(&spelling), Ok(Some(d)), "{}", spelling);
        }
    }

    #[test]
    fn year_steps_go_back_except_from_a_leap_day(days in 0i64..60_000, years in -30i32..30) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") + chrono::Duration::days(days);
        let there = add_years(d, years);
        prop_assert!(there.format("%m-%d").to_string() == d.format("%m-%d").to_string() || (d.format("%m-%d").to_string() == "02-29" && there.format("%m-%d").to_string() == "02-28"));
        if d.format("%m-%d").to_string() != "02-29" {
            prop_assert_eq!(add_years(there, -years), d);
        }
    }

    #[test]
    fn no_text_makes_a_parser_panic(text in "\\PC{0,40}") {
        let _ = parse_number(&text);
        let _ = parse_publication(&text);
        let _ = parse_ipc(&text);
        let _ = parse_date(&text);
        let _ = hvpat::rules::awards::parse_award_entry(&text);
        let _ = hvpat::rules::family::parse_member(&text);
    }
}

/// Inputs that once broke a fuzz target (`tests/fuzz-regressions/<target>-…`): each
/// must now pass the same checks as in the target.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_publication(&text);
        let _ = parse_ipc(&text);
        let _ = parse_date(&text);
        if let Ok(ParsedNumber::App(app)) = parse_number(&text) {
            assert_eq!(parse_number(&app.to_string()), Ok(ParsedNumber::App(app.clone())), "{}", path.display());
        }
        checked += 1;
    }
    assert!(checked > 0);
}

mod decisions {
    //! One patent row's flags (from the allocation-free decisions scoring runs at every
    //! date) and its evidence (written straight into `patents.csv`) come from two code
    //! paths: over generated patents and dates they must say the same as the verdict.

    use chrono::NaiveDate;
    use hvpat::rules::concordance::Concordance;
    use hvpat::rules::dimensions::{flags, verdict, write_evidence, Facts};
    use hvpat::rules::events::LegalEvent;
    use hvpat::rules::ipc::parse_ipc;
    use hvpat::rules::model::{Award, AwardClass, Extras, FamilyMember, Patent, PledgeShare};
    use hvpat::rules::numbers::{Kind, PatentId};
    use hvpat::rules::settle::settle;
    use hvpat::rules::status::StatusClass;
    use hvpat::rules::validity::status_of;
    use hvpat::rules::{MaintainedAnchor, RuleParams};
    use proptest::prelude::*;

    static CONCORDANCE: std::sync::LazyLock<Concordance> = std::sync::LazyLock::new(Concordance::builtin);

    fn day(days: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(1985, 1, 1).expect("date") + chrono::Duration::days(days)
    }

    fn maybe_day() -> impl Strategy<Value = Option<i64>> {
        prop::option::weighted(0.7, 0..22_000i64)
    }

    prop_compose! {
        fn a_patent()(
            filing in 0..16_000i64,
            year_only in prop::bool::weighted(0.1),
            grant_after in prop::option::weighted(0.8, 0..3_000i64),
            lapse_after in prop::option::weighted(0.3, 0..9_000i64),
            status in prop::sample::select(vec!["有效", "失效", "授权", "审中", "未缴年费", "", "专利权的转移", "期限届满", "驳回", "active", "lapsed"]),
            unknown_class in prop::bool::weighted(0.1),
            kind in prop::sample::select(vec![Some(Kind::Invention), Some(Kind::Invention), Some(Kind::UtilityModel), None]),
            codes in prop::sample::subsequence(vec!["G06N 3/08", "A47J 27/00", "H01L 31/0224", "C08L 23/06", "G06F 11/2257"], 0..4),
            from_classes in 0u16..3,
            family in prop::collection::vec((prop::sample::select(vec!["US", "JP", "EP", "WO", "CN", "HK", "TW"]), prop::sample::select(vec![None, Some("A1"), Some("B2"), Some("B1"), Some("U")])), 0..3),
            pledges in prop::collection::vec((0u32..6_000, 1usize..4, maybe_day()), 0..3),
            awards in prop::collection::vec((prop::sample::select(vec![AwardClass::ChinaPatentAward, AwardClass::StateScienceAward, AwardClass::Other]), maybe_day()), 0..2),
            events in prop::collection::vec((maybe_day(), prop::sample::select(vec!["+PATENT GRANT", "专利权的终止", "专利权的恢复", "授权", "未缴年费专利权终止", "质押", "驳回"])), 0..3),
        ) -> Patent {
            let filing_date = if year_only {
                NaiveDate::from_ymd_opt(chrono::Datelike::year(&day(filing)), 1, 1).expect("year")
            } else {
                day(filing)
            };
            let ipc: Vec<_> = codes.iter().map(|c| parse_ipc(c).expect("code")).collect();
            let mut p = Patent {
                id: PatentId("CN201310699744.2".into()),
                kind,
                filing_date,
                filing_year_only: year_only,
                grant_date: grant_after.map(|g| day(filing + g)),
                lapse_date: lapse_after.map(|l| day(filing + l)),
                status: status.into(),
                status_class: unknown_class.then_some(StatusClass::Unknown),
                classes_codes: from_classes.min(ipc.len() as u16),
                ipc: ipc.into(),
                extras: Extras {
                    family: family.into_iter().map(|(j, k)| FamilyMember { jurisdiction: j.into(), kind: k.map(Into::into), label: format!("{j}123{}", k.unwrap_or("")).into() }).collect(),
                    pledges: pledges.into_iter().enumerate().map(|(i, (wan, n, on))| PledgeShare { contract_id: format!("P{i}").into(), contract_wan: wan as f64, patents_in_contract: n, registered_on: on.map(day) }).collect(),
                    awards: awards.into_iter().map(|(class, on)| Award { name: format!("{class:?}"), class, date: on.map(day) }).collect(),
                    events: events.into_iter().map(|(on, text)| LegalEvent::new(on.map(day), text, true)).collect(),
                    ..Extras::default()
                }
                .boxed(),
                ..Patent::default()
            };
            settle(&mut p);
            p
        }
    }

    /// A patent and a report date: any day, or a day next to one of the rules'
    /// boundaries for it (its dates plus 0, 10 or 20 years, one day either side).
    fn a_patent_and_a_date() -> impl Strategy<Value = (Patent, NaiveDate)> {
        a_patent().prop_flat_map(|p| {
            let mut anchors = vec![p.filing_date];
            anchors.extend(p.grant_date);
            anchors.extend(p.lapse_date);
            anchors.extend(p.events().iter().filter_map(|e| e.date));
            anchors.extend(p.pledges().iter().filter_map(|s| s.registered_on));
            anchors.extend(p.awards().iter().filter_map(|a| a.date));
            let near = (prop::sample::select(anchors), prop::sample::select(vec![0, 10, 20]), -1i64..=1).prop_map(
                |(anchor, years, days)| hvpat::rules::dates::add_years(anchor, years) + chrono::Duration::days(days),
            );
            let date = prop_oneof![1 => (1_500..22_000i64).prop_map(day), 3 => near];
            (Just(p), date)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]
        #[test]
        fn flags_and_evidence_say_what_the_verdict_says(
            (p, as_of) in a_patent_and_a_date(),
            grant_anchor in any::<bool>(),
        ) {
            let params = RuleParams {
                maintained_anchor: if grant_anchor { MaintainedAnchor::Grant } else { MaintainedAnchor::Filing },
                ..RuleParams::default()
            };
            let sei = CONCORDANCE.match_codes(&p.ipc);
            let v = verdict(&p, &sei, as_of, &params);
            let status = status_of(&p);
            prop_assert_eq!(flags(&p, !sei.is_empty(), status, as_of, &params), v.flags());
            prop_assert_eq!(Facts::of(&p, !sei.is_empty(), status, &params).flags_at(&p, as_of, &params), v.flags());
            let mut row = String::new();
            write_evidence(&mut row, &p, &sei, as_of, &params);
            let [e1, e2, e3, e4, e5] = &v.evidence;
            prop_assert_eq!(row, format!("{} | D1 {e1} | D2 {e2} | D3 {e3} | D4 {e4} | D5 {e5}", v.eligibility));
        }
    }
}
