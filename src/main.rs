//! The `hvpat` binary: parse arguments, call the library, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

// Scoring allocates and frees small records on every core at once; mimalloc's
// per-thread heaps keep that from serialising on the system allocator's locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Memory freed and not taken again within mimalloc's purge delay (1 s) goes back
    // to the OS; where a run frees large tables it no longer needs,
    // `hvpat::memory::PromptRelease` hands them back at once. (Until the run kept off
    // huge pages, each page handed back cost so much to take again that nothing was.)
    hvpat::memory::use_small_pages();
    hvpat::cli::main_with(hvpat::cli::Cli::parse())
}
