//! hvpat scores Chinese invention patent portfolios on the five national
//! high-value dimensions (CNIPA) and reports per institution.
//!
//! Data flows one way: [`read`] → normalise ([`read::portfolio`]) → [`score`] →
//! [`aggregate`] → [`write`], driven by [`pipeline`]. The rules themselves live in
//! [`rules`], a pure core with no polars, files or clocks.

pub(crate) mod aggregate;
pub mod cli;
pub(crate) mod config;
#[doc(hidden)]
pub mod fuzzing;
pub mod memory;
pub(crate) mod pipeline;
pub(crate) mod progress;
pub mod read;
pub mod rules;
pub mod score;
pub mod write;
