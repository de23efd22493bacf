//! hvpat scores Chinese invention patent portfolios on the five national
//! high-value dimensions (CNIPA) and reports per institution.
//!
//! Data flows one way: [`read`] → normalise ([`read::portfolio`]) → [`score`] →
//! [`aggregate`] → [`write`], driven by [`pipeline`]. The rules themselves live in
//! [`rules`], a pure core with no polars, files or clocks.

pub mod aggregate;
pub mod cli;
pub mod config;
pub mod conversion;
#[doc(hidden)]
pub mod fuzzing;
pub mod loaded;
pub mod memory;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod quality;
pub mod read;
pub mod rules;
pub mod score;
pub mod write;
