//! Any bytes as a portfolio file, read to scores: see [`hvpat::fuzzing::portfolio`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hvpat::fuzzing::portfolio(data));
