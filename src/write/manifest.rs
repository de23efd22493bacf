//! `manifest.json` (what was run on what, and the row accounting) and
//! `institutions.json`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::aggregate::InstitutionRow;
use crate::config::Settings;
use crate::score::scored_run::ScoredRun;
use crate::write::schema::{institution_columns, institution_values, InstitutionValue, CONVERSION_IN_INSTITUTIONS};

/// Write any serialisable value as pretty JSON with a final newline.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// `institutions.json`: an array of objects with the columns of `institutions.csv`,
/// then `trend`: valid inventions and high-value patents at each trend date.
pub fn institutions_json(rows: &[InstitutionRow], trend_dates: &[chrono::NaiveDate]) -> Value {
    let names = institution_columns();
    Value::Array(
        rows.iter()
            .map(|r| {
                let values = institution_values(r).into_iter().map(|value| match value {
                    InstitutionValue::Text(text) => json!(text),
                    InstitutionValue::Count(units) => r.count_json(units),
                    InstitutionValue::Share(e4) => json!(e4 as f64 / 10_000.0),
                    InstitutionValue::Money(e2) => json!(e2 as f64 / 100.0),
                });
                let mut object: Map<String, Value> = names.iter().cloned().zip(values).collect();
                let trend: Vec<Value> = trend_dates
                    .iter()
                    .zip(&r.trend)
                    .map(|(d, (valid, high))| {
                        json!({ "as_of": d.to_string(), "valid_inventions": r.count_json(*valid), "high_value": r.count_json(*high) })
                    })
                    .collect();
                object.insert("trend".into(), Value::Array(trend));
                // The conversion figures come after every key that was there before them.
                for name in CONVERSION_IN_INSTITUTIONS {
                    if let Some(value) = object.shift_remove(name) {
                        object.insert(name.into(), value);
                    }
                }
                Value::Object(object)
            })
            .collect(),
    )
}

/// The manifest's `coverage` object: `inventions`, then per question the number of
/// inventions for which it is assessable (exactly the keys of SPEC §8).
pub fn coverage_json(coverage: &crate::rules::coverage::Coverage) -> Value {
    let mut object = Map::new();
    object.insert("inventions".into(), json!(coverage.inventions));
    for q in crate::rules::coverage::QUESTIONS {
        object.insert(q.key().into(), json!(coverage.of(q)));
    }
    Value::Object(object)
}

/// The manifest (SPEC §11): what was run, on what, with which parameters, the row
/// accounting, coverage, quality counts and sources, the files written and the
/// stage timings.
pub fn manifest_json(
    settings: &Settings,
    run: &ScoredRun,
    outputs: Vec<&str>,
    fingerprint: &str,
    timings: serde_json::Map<String, Value>,
) -> Value {
    json!({
        "tool": "hvpat",
        "version": env!("CARGO_PKG_VERSION"),
        "as_of": settings.as_of.to_string(),
        "as_of_prev": settings.as_of_prev.to_string(),
        "fingerprint": fingerprint,
        "parameters": {
            "rules": settings.rules,
            "institution_types": settings.institution_types.as_ref().map(|t| t.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "counting": settings.counting.as_str(),
            "rollup_campuses": settings.rollup_campuses,
            "raw_cells": settings.raw_cells,
            "csv_bom": settings.csv_bom,
            "quality_min_cohort": settings.quality_min_cohort,
            "max_reject_share": settings.max_reject_share,
            "reward_rate": settings.reward_rate,
            "reward_cap_wan": settings.reward_cap_wan,
            "concordance": run.concordance_label,
        },
        "inputs": run.inputs,
        "counts": run.counts,
        "coverage": coverage_json(&run.coverage),
        "quality": crate::aggregate::institution_quality::known_counts(&run.cohorts),
        "sources": run.sources,
        "outputs": outputs,
        "timings_ms": timings,
    })
}

/// A fingerprint of everything a run's outputs depend on: the tool version, the
/// resolved settings and every input file's sha256 (hex, as `digest` gives it).
pub fn fingerprint(settings: &Settings, digest: &dyn Fn(&Path) -> Result<String>) -> Result<String> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(serde_json::to_string(settings)?.as_bytes());
    let side = settings.side.paths().into_iter().chain([&settings.concordance]);
    for path in settings.portfolio.iter().chain(side.into_iter().flatten()) {
        h.update(path.to_string_lossy().as_bytes());
        h.update(digest(path)?.as_bytes());
    }
    Ok(crate::read::file_info::hex(&h.finalize()))
}

/// The sha256 of a file, read for the purpose.
pub fn file_digest(path: &Path) -> Result<String> {
    Ok(crate::read::file_info::FileInfo::read(path)?.0.sha256)
}

/// The fingerprint of the manifest in `out`, if there is one.
pub fn previous_fingerprint(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    manifest["fingerprint"].as_str().map(str::to_string)
}
