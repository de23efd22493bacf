//! Any text as a date or an award cell: see [`hvpat::fuzzing::dates`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hvpat::fuzzing::dates(data));
