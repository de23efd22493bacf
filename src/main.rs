//! The `hvpat` binary: parse arguments, call the library, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

// Scoring allocates and frees small records on every core at once; mimalloc's
// per-thread heaps keep that from serialising on the system allocator's locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Freed memory is kept for reuse, not handed back to the OS during the run: a
    // run frees and re-allocates buffers continually, and re-faulting handed-back
    // pages (the kernel zeroing each one again) cost a fifth of a large run. The
    // process ends after the run. Where a run frees large tables it no longer needs,
    // `hvpat::memory::PromptRelease` hands them back.
    // SAFETY: plain option setters of the allocator, called before any threads start.
    unsafe { libmimalloc_sys::mi_option_set(hvpat::memory::PURGE_DELAY, -1) };
    hvpat::memory::use_small_pages();
    hvpat::cli::main_with(hvpat::cli::Cli::parse())
}
