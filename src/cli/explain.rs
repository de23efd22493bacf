//! `hvpat explain <number>`: every rule's verdict and evidence for one patent.

use std::fmt::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::cli::{InputArgs, UsageError};
use crate::config::Settings;
use crate::pipeline::read_and_score;
use crate::rules::model::{Known, DIMENSIONS};
use crate::rules::numbers::id_of;
use crate::score::scored_run::ScoredRun;
use crate::score::Scored;

/// Arguments of `hvpat explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The patent: any spelling of its application or publication number.
    pub number: String,
    /// Inputs and dates.
    #[command(flatten)]
    pub inputs: InputArgs,
}

const LABELS: [&str; DIMENSIONS] = [
    "D1 strategic emerging industry",
    "D2 overseas family",
    "D3 maintained > 10 years",
    "D4 pledge financing",
    "D5 national award",
];

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no "
    }
}

/// The explanation text for one scored patent.
pub fn explain_text(s: &Scored, scored_run: &ScoredRun, settings: &Settings) -> String {
    let (as_of, as_of_prev) = (settings.as_of, settings.as_of_prev);
    let p = &s.patent;
    let v = scored_run.context(settings).verdict(s);
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}  {}", p.id, p.texts.pub_no(), p.texts.title());
    let _ = writeln!(
        out,
        "  kind {}, filed {}, granted {}, status {}, lapsed {}",
        p.kind.map_or("unknown", |k| k.as_str()),
        crate::rules::validity::filing_text(p),
        p.grant_date.map_or_else(|| "-".to_string(), |d| d.to_string()),
        if p.status.is_empty() { "-" } else { &p.status },
        p.lapse_date.map_or_else(|| "-".to_string(), |d| d.to_string()),
    );
    out.push_str(&events_text(p));
    let _ = writeln!(out, "as of {as_of}:");
    let _ = writeln!(out, "  {:<32} {}  {}", "eligible (valid CN invention)", yes(v.eligible), v.eligibility);
    for ((label, met), evidence) in LABELS.iter().zip(v.dimensions).zip(&v.evidence) {
        let _ = writeln!(out, "  {label:<32} {}  {evidence}", yes(met));
    }
    let _ = writeln!(out, "  {:<32} {}  {} dimension(s) met", "high value", yes(v.high_value()), v.dimension_count());
    let insts: Vec<String> = s
        .institutions()
        .iter()
        .map(|&i| &scored_run.institutions[i as usize])
        .map(|i| format!("{} ({})", i.name, i.kind.as_str()))
        .collect();
    let _ =
        writeln!(out, "  {:<32} {}", "institutions", if insts.is_empty() { "-".to_string() } else { insts.join("; ") });
    let _ = writeln!(
        out,
        "one year before ({as_of_prev}): eligible {}, high value {}",
        yes(s.prev().eligible).trim(),
        yes(s.prev().high_value()).trim()
    );
    if p.kind == Some(crate::rules::numbers::Kind::Invention) {
        out.push_str(&quality_text(s, scored_run, settings));
    }
    let unknown: Vec<&str> =
        crate::rules::coverage::QUESTIONS.iter().filter(|q| !s.assessable.has(**q)).map(|q| q.label()).collect();
    if p.kind == Some(crate::rules::numbers::Kind::Invention) && !unknown.is_empty() {
        let _ = writeln!(out, "cannot tell from the inputs: {}", unknown.join("; "));
    }
    out
}

/// The patent's legal events (dated ones in date order, then the undated as listed)
/// and which dates were taken from them.
fn events_text(p: &crate::rules::model::Patent) -> String {
    let mut out = String::new();
    if !p.events().is_empty() {
        let _ = writeln!(out, "  legal events ({}):", p.events().len());
        let mut events: Vec<&crate::rules::events::LegalEvent> = p.events().iter().collect();
        // Dated events in date order, then the undated ones as listed.
        events.sort_by_key(|e| (e.date.is_none(), e.date));
        for e in events {
            let when = e.date.map_or_else(|| "undated   ".to_string(), |d| d.to_string());
            let _ = writeln!(out, "    {when}  {:<14} {}", e.class.as_str(), e.text);
        }
    }
    if p.known.contains(Known::GRANT_FROM_EVENT) || p.known.contains(Known::LAPSE_FROM_EVENT) {
        let from: Vec<&str> = [
            (p.known.contains(Known::GRANT_FROM_EVENT), "grant date"),
            (p.known.contains(Known::LAPSE_FROM_EVENT), "lapse date"),
        ]
        .iter()
        .filter(|(yes, _)| *yes)
        .map(|(_, what)| *what)
        .collect();
        let _ = writeln!(out, "  {} taken from the legal events", from.join(" and "));
    }
    out
}

/// The quality indicators of an invention (SPEC §12) and its cohort: filing year,
/// IPC section of the main code, its size and mean per relative indicator.
fn quality_text(s: &Scored, scored_run: &ScoredRun, settings: &Settings) -> String {
    use crate::rules::quality::{cohort_key, RELATIVE};
    let ctx = scored_run.context(settings);
    let i = ctx.indicators(&s.patent);
    let r = ctx.relative(&s.patent, &i);
    let shown = |v: Option<u32>| v.map_or_else(|| "unknown".to_string(), |v| v.to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "quality (SPEC §12): scope {}, family size {}, family offices {}, grant lag {} days, age {} years, claims {}, cited by {}, cites {}",
        shown(i.scope),
        shown(i.family_size),
        shown(i.family_offices),
        shown(i.grant_lag_days),
        shown(i.age_years),
        shown(i.claims),
        shown(i.cited_by),
        shown(i.cites)
    );
    let Some(key) = cohort_key(&s.patent) else {
        let _ = writeln!(out, "  cohort: none (no IPC code), so no relative figures");
        return out;
    };
    let min = scored_run.cohorts.min_cohort;
    let _ = writeln!(
        out,
        "  cohort: filed {}, IPC section {} (this run's inventions; relative figures need {min} known values)",
        key.0, key.1 as char
    );
    if let Some(cohort) = scored_run.cohorts.get(key) {
        for ((rel, stat), value) in RELATIVE.iter().zip(&cohort.stats).zip(r.values) {
            let mean = stat.mean().map_or_else(|| "-".to_string(), crate::rules::figures::ratio_text);
            let value = value.map_or_else(
                || if stat.known < min { "unknown (cohort too small)".to_string() } else { "unknown".to_string() },
                crate::rules::figures::ratio_text,
            );
            let _ = writeln!(out, "    {:<16} {value:<26} cohort: {} known, mean {mean}", rel.name(), stat.known);
        }
        let top = r.top10_cited.map_or_else(|| "unknown".to_string(), |t| if t { "yes" } else { "no" }.to_string());
        let from = cohort.top10_cited_from.map_or_else(|| "-".to_string(), |v| v.to_string());
        let _ = writeln!(out, "    {:<16} {top:<26} from {from} citations up", "top10_cited");
    }
    out
}

/// Load the inputs and explain one patent.
pub fn run(args: ExplainArgs) -> Result<()> {
    let settings = args.inputs.settings(crate::config::Overrides::default())?;
    let Ok(wanted) = id_of(&args.number) else {
        bail!(UsageError(anyhow::anyhow!("not a patent number: {:?}", args.number)));
    };
    let scored_run = read_and_score(&settings, &crate::progress::Silent)?;
    let found = scored_run.scored.iter().find(|s| s.patent.id == wanted).or_else(|| {
        scored_run.scored.iter().find(|s| id_of(s.patent.texts.pub_no()).is_ok_and(|pub_id| pub_id == wanted))
    });
    match found {
        Some(s) => {
            crate::cli::print_out(&explain_text(s, &scored_run, &settings))?;
            Ok(())
        }
        None => bail!(UsageError(anyhow::anyhow!(
            "{wanted} is not in the portfolio (or was rejected; see `hvpat run`'s rejects.csv)"
        ))),
    }
}
