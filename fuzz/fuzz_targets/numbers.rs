//! Any text as a patent number: see [`hvpat::fuzzing::numbers`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hvpat::fuzzing::numbers(data));
