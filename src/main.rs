//! The `hvpat` binary: parse arguments, call the library, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    hvpat::cli::main_with(hvpat::cli::Cli::parse())
}
