//! The `hvpat` binary: parse arguments, call the library, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

// Scoring allocates and frees small records on every core at once; mimalloc's
// per-thread heaps keep that from serialising on the system allocator's locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (v3 `mi_option_e` index; not exported by the -sys crate).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Freed memory is handed back to the OS after a second instead of 10 ms: reading
    // frees and re-allocates segment-sized buffers continually, and re-faulting them
    // (the kernel zeroing each page again) cost more than the parsing.
    // Large (2 MiB) pages where the OS gives them: millions of records, walked in id
    // order, otherwise miss the TLB at nearly every one.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000);
        libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1);
    }
    hvpat::cli::main_with(hvpat::cli::Cli::parse())
}
