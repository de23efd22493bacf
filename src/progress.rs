//! Progress of a run's long stages for a person at a terminal: scanning and
//! reading each portfolio file (bytes of its size), scoring and writing (patents
//! of the total). The pipeline reports
//! through [`Progress`]; the CLI draws it with indicatif on a terminal, and nothing
//! with `--quiet` or when stderr is not a terminal ([`Silent`]).

use std::io::Write as _;
use std::sync::Mutex;

/// What a stage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of input read.
    Bytes,
    /// Patents scored or written.
    Patents,
}

/// Where the pipeline reports its progress. Calls come from any thread, a few
/// hundred times a stage at most (per batch, per chunk), never once a row.
pub trait Progress: Sync {
    /// A stage begins: `total` units to go.
    fn start(&self, stage: &'static str, total: u64, unit: Unit);
    /// `n` more units done.
    fn advance(&self, n: u64);
    /// The stage is done.
    fn finish(&self);
    /// Run `f` (which prints a line) without the bar in the way.
    fn suspend(&self, f: &mut dyn FnMut()) {
        f()
    }
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &'static str, _: u64, _: Unit) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Bars on stderr, one stage at a time: figures, rate and ETA.
#[derive(Default)]
pub struct Bars {
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Bars {
    fn with_bar(&self, f: impl FnOnce(&indicatif::ProgressBar)) {
        if let Ok(guard) = self.bar.lock() {
            if let Some(bar) = guard.as_ref() {
                f(bar);
            }
        }
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: u64, unit: Unit) {
        let template = match unit {
            Unit::Bytes => {
                "{prefix:>8} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} ({percent}%)"
            }
            Unit::Patents => "{prefix:>8} [{bar:30}] {human_pos}/{human_len} patents {rate} ETA {eta} ({percent}%)",
        };
        let style = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            })
            .progress_chars("=> ");
        let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(stage);
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(previous) = guard.replace(bar) {
                previous.finish_and_clear();
            }
        }
    }

    fn advance(&self, n: u64) {
        self.with_bar(|bar| bar.inc(n));
    }

    fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(bar) = guard.take() {
                // The last frame stays on the screen (what the stage did, at what rate),
                // and the next line starts below it.
                bar.finish();
                let _ = writeln!(std::io::stderr());
            }
        }
    }

    fn suspend(&self, f: &mut dyn FnMut()) {
        match self.bar.lock() {
            Ok(guard) => match guard.as_ref() {
                Some(bar) => bar.suspend(f),
                None => f(),
            },
            Err(_) => f(),
        }
    }
}
