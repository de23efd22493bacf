//! Any text as a date: no panic; a parsed date formats and parses back; year arithmetic stays in range.
#![no_main]
use hvpat::rules::awards::{parse_award_date, parse_award_entry};
use hvpat::rules::dates::{add_years, parse_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_award_date(text);
    let _ = parse_award_entry(text);
    if let Ok(Some(d)) = parse_date(text) {
        assert_eq!(parse_date(&d.to_string()), Ok(Some(d)));
        for years in [-20, -10, -1, 1, 10, 20] {
            let _ = add_years(d, years);
        }
    }
});
