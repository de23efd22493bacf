//! Any text as a patent number: no panic; an application number formats and parses back to itself.
#![no_main]
use hvpat::rules::numbers::{check_digit, id_of, parse_number, parse_publication, ParsedNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_publication(text);
    let _ = id_of(text);
    if let Ok(ParsedNumber::App(app)) = parse_number(text) {
        assert_eq!(parse_number(&app.to_string()), Ok(ParsedNumber::App(app.clone())));
        assert_eq!(app.check_ok, check_digit(&app.digits) == Some(app.check));
        let _ = app.year();
    }
});
