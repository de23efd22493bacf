//! Any text as an IPC code: no panic; a canonical code parses back to itself and matches without panic.
#![no_main]
use std::sync::OnceLock;

use hvpat::rules::concordance::Concordance;
use hvpat::rules::ipc::parse_ipc;
use libfuzzer_sys::fuzz_target;

static TABLE: OnceLock<Concordance> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(code) = parse_ipc(text) {
        assert_eq!(parse_ipc(&code.to_string()).as_ref(), Ok(&code));
        assert_eq!(parse_ipc(&code.key()).as_ref(), Ok(&code));
        let codes = [code];
        let _ = TABLE.get_or_init(Concordance::builtin).match_codes(&codes);
    }
});
