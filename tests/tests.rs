//! The integration tests, one test binary split by topic as ripgrep and xsv split
//! theirs: `util` holds what the topics share (the workdir, running `hvpat`, reading
//! its outputs, assertions on figures and the `layout_tests!` table); each other
//! module is one topic.

#[macro_use]
mod util;

mod cli;
mod conversion;
mod layouts;
mod properties;
mod quality;
mod robustness;
mod run;
