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
    // Freed memory is kept for reuse, not handed back to the OS during the run: a
    // run frees and re-allocates buffers continually, and re-faulting handed-back
    // pages (the kernel zeroing each one again) cost a fifth of a large run. The
    // peak stays the same (measured at 5M patents); the process ends after the run.
    // SAFETY: plain option setters of the allocator, called before any threads start.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    hvpat::cli::main_with(hvpat::cli::Cli::parse())
}

#[cfg(test)]
mod tests {
    /// The option index is the pinned mimalloc's (v3) purge delay: it defaults to
    /// 1000 ms (`src/options.c`), its neighbours to 1 and 0.
    #[test]
    fn purge_delay_is_the_option_set() {
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }, 1000);
    }
}
