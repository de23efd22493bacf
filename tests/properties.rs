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
