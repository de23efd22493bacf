//! `summary.md`: a few lines and the top of the ranking, fit for an email.

use std::fmt::Write as _;

use crate::rules::coverage::QUESTIONS;
use crate::rules::figures::{e2_text, e4_text, percent_text};

use super::*;

/// Render `summary.md`: a few lines and the top of the ranking, fit for an email.
pub fn summary_markdown(data: &ReportData<'_>) -> String {
    let s = data.settings;
    let Totals { eligible, high, high_prev } = data.totals;
    let mut m = format!("# High-value invention patents as of {}\n\n", s.as_of);
    let _ = writeln!(
        m,
        "{} institutions hold {} CN patents, {} of them valid inventions; **{} are high-value** ({} a year before, on {}).\n",
        data.institutions.len(),
        data.held,
        eligible,
        high,
        high_prev,
        s.as_of_prev
    );
    m.push_str("| # | Institution | High-value | Share | Valid inventions | Change |\n|---|---|---:|---:|---:|---:|\n");
    for (i, row) in data.institutions.iter().take(10).enumerate() {
        let name = row.institution.replace('|', "\\|");
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            name,
            row.count_text(row.high_value),
            row.share_text(),
            row.count_text(row.valid_inventions),
            change(row.high_value, row.high_value_prev, row)
        );
    }
    quality_line(&mut m, data);
    conversion_line(&mut m, data);
    coverage_line(&mut m, data);
    let _ = writeln!(
        m,
        "\nPledge threshold {} 万元 ({} sharing), maintained > {} years, counting {}. Full tables: institutions.csv, report.html, report.xlsx.",
        format_number(s.rules.pledge_threshold_wan),
        format!("{:?}", s.rules.apportion).to_lowercase(),
        s.rules.maintained_years,
        s.counting.as_str()
    );
    m
}

/// The first institution's quality figures (SPEC §12), when there are any.
fn quality_line(m: &mut String, data: &ReportData<'_>) {
    if let Some(q) = data.quality.first() {
        let figure = |k: usize| q.indicators[k].mean_e4.map(e4_text).unwrap_or_else(|| "unknown".into());
        let _ = writeln!(
            m,
            "\nQuality ({}, the first): mean scope {}, family size {}, claims {}, forward citations {} (relative to its cohorts {}, top-10% cited share {}; cohorts are this run's inventions of the same filing year and IPC section). See quality.csv.",
            q.institution.replace('|', "\\|"),
            figure(0),
            figure(1),
            figure(5),
            figure(6),
            figure(11),
            q.top10_cited_share_e4.map(e4_text).unwrap_or_else(|| "unknown".into()),
        );
    }
}

/// The conversion figures of the window (SPEC §9) over every institution.
fn conversion_line(m: &mut String, data: &ReportData<'_>) {
    let s = data.settings;
    let received: i128 = data.institutions.iter().map(|r| r.conversion.received_units).sum();
    let rewards: i64 = data.institutions.iter().map(|r| r.reward_e2).sum();
    let transferred: u64 = data.institutions.iter().map(|r| r.conversion.transferred).sum();
    let licensed: u64 = data.institutions.iter().map(|r| r.conversion.licensed).sum();
    let _ = writeln!(
        m,
        "\nConversion {} – {}: {} patent transfers and {} licences credited to the institutions; {} 万元 received, rewards {} 万元 ({}%, at most {} 万元 each). See conversion.csv.",
        s.as_of_prev.succ_opt().unwrap_or(s.as_of_prev),
        s.as_of,
        format_number(units(transferred)),
        format_number(units(licensed)),
        e2_text(crate::rules::conversion::units_e2(received)),
        e2_text(rewards),
        format_number(s.reward_rate * 100.0),
        format_number(s.reward_cap_wan)
    );
}

/// What the data cannot show: each question assessable for fewer than all inventions.
fn coverage_line(m: &mut String, data: &ReportData<'_>) {
    let cov = &data.scored_run.coverage;
    let gaps: Vec<String> = QUESTIONS
        .iter()
        .filter(|q| !cov.complete(**q))
        .map(|q| format!("{} {}", q.label(), percent_text(cov.percent(*q))))
        .collect();
    if gaps.is_empty() {
        let _ = writeln!(m, "\nData coverage: every question assessable for all {} inventions.", cov.inventions);
    } else {
        let _ = writeln!(
            m,
            "\nData coverage (of {} inventions, the share each question can be told for; below 100% a “no” may be “cannot tell”): {}.",
            cov.inventions,
            gaps.join(", ")
        );
    }
}
