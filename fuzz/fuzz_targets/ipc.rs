//! Any text as an IPC code: see [`hvpat::fuzzing::ipc`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hvpat::fuzzing::ipc(data));
