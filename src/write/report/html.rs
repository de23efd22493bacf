//! `report.html`: one self-contained page (inline CSS and SVG charts), rendered by
//! maud templates, which are checked when compiled and escape every text they get.

use chrono::Datelike;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::aggregate::{share_e4, InstitutionRow};
use crate::rules::coverage::{Coverage, Question, QUESTIONS};
use crate::rules::figures::{e2_text, e4_text, percent_text};
use crate::score::Scored;

use super::*;

const PALETTE: [&str; 5] = ["#2b6cb0", "#dd6b20", "#2f855a", "#b7791f", "#805ad5"];

const CSS: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #2b6cb0;padding-bottom:4px}
h3{font-size:17px;margin:24px 0 6px}.sub{color:#4a5568;margin:0 0 16px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;margin:8px 0}
th,td{border:1px solid #e2e8f0;padding:4px 6px;text-align:right;vertical-align:top}
th{background:#edf2f7;position:sticky;top:0}td.t,th.t{text-align:left}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:24px;color:#2b6cb0}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px;align-items:start}
figure{background:#fff;border:1px solid #e2e8f0;border-radius:6px;margin:0;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
svg .lbl{font-size:15px;fill:#2d3748}svg .val{font-size:13px;fill:#4a5568}td.t{white-space:nowrap}.key{font-size:12px;color:#4a5568}.up{color:#2f855a}.down{color:#c53030}
.ev{font-size:12px;color:#4a5568;text-align:left}footer{color:#718096;font-size:12px;margin-top:32px}
@media(max-width:800px){.grid{grid-template-columns:1fr}}
.cov{color:#c05621;font-weight:normal;font-size:11px;white-space:nowrap}tr.warn td{background:#fffaf0}
"#;

/// Render `report.html`.
pub fn html(data: &ReportData<'_>) -> String {
    let s = data.settings;
    let title = format!("高价值发明专利报告 · High-value invention patents as of {}", s.as_of);
    let page = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                main {
                    h1 { (title) }
                    p class="sub" {
                        "Report date (as of) " (s.as_of) " · previous year " (s.as_of_prev) " · " (data.institutions.len()) " institutions"
                    }
                    (cards(data))
                    (coverage_panel(&data.scored_run.coverage))
                    (ranking(data))
                    (charts(data))
                    (trend_table(data))
                    (conversion_section(data))
                    (quality_section(data))
                    (institution_sections(data))
                    (parameters(data))
                    footer {
                        "hvpat " (env!("CARGO_PKG_VERSION")) " · SEI concordance: cn-patent-ipc (MIT) after the 2021 CNIPA table · every figure is traceable in patents.csv (evidence column)"
                    }
                }
            }
        }
    };
    let mut text = page.into_string();
    text.push('\n');
    text
}

/// [`coverage_mark`] as a compact badge after a figure's label, `⚠ 42%`, the whole
/// mark in its title (nothing when complete).
fn mark(coverage: &Coverage, questions: &[Question]) -> Markup {
    html! {
        @if let Some(q) = least_covered(coverage, questions) {
            " " span class="cov" title=(coverage.mark(q)) { "⚠ " (percent_text(coverage.percent(q))) }
        }
    }
}

/// The mark of a column of `institutions.csv` (or a figure named like one).
fn column_mark(data: &ReportData<'_>, column: &str) -> Markup {
    mark(&data.scored_run.coverage, rests_on(column))
}

/// The headline cards.
fn cards(data: &ReportData<'_>) -> Markup {
    let Totals { eligible, high, high_prev } = data.totals;
    let m = |column| column_mark(data, column);
    html! {
        div class="cards" {
            div class="card" { b { (data.held) } "CN patents held" }
            div class="card" { b { (eligible) } "valid inventions" (m("valid_inventions")) }
            div class="card" { b { (high) } "high-value" (m("high_value")) " (" (high_prev) " a year before" (m("high_value_prev")) ")" }
            div class="card" { b { (e4_text(share_e4(high as u64, eligible as u64))) } "high-value share" (m("high_value_share")) }
        }
    }
}

/// The data-coverage panel.
fn coverage_panel(coverage: &Coverage) -> Markup {
    html! {
        h2 { "Data coverage" }
        p class="key" {
            "Of " (coverage.inventions) " scored CN inventions, how many the inputs can answer each question for. A figure resting on a question answered for fewer than all is marked ⚠ with that share: its “no” may be “cannot tell”."
        }
        table {
            thead { tr { th class="t" { "Question" } th { "Assessable" } th { "Share" } th class="t" { "When not, because" } } }
            tbody {
                @for q in QUESTIONS {
                    @let complete = coverage.complete(q);
                    tr class=[(!complete).then_some("warn")] {
                        td class="t" { (q.label()) }
                        td { (coverage.of(q)) " / " (coverage.inventions) }
                        td { (percent_text(coverage.percent(q))) }
                        td class="ev" { @if !complete { (q.missing()) } }
                    }
                }
            }
        }
    }
}

/// The ranking table of institutions.
fn ranking(data: &ReportData<'_>) -> Markup {
    let m = |column| column_mark(data, column);
    html! {
        h2 { "Ranking" }
        table {
            thead {
                tr {
                    th { "#" }
                    th class="t" { "Institution" (m("institution")) }
                    th class="t" { "Type" }
                    th { "Patents" }
                    th { "Valid inventions" (m("valid_inventions")) }
                    th { "High-value" (m("high_value")) }
                    th { "Share" }
                    @for (d, label) in DIMENSION_LABELS.iter().enumerate() {
                        th title=(label) { "D" (d + 1) (m(crate::rules::model::DIMENSION_NAMES[d])) }
                    }
                    th { "Δ year" (m("high_value_prev")) }
                }
            }
            tbody {
                @for (i, row) in data.institutions.iter().enumerate() {
                    @let delta = change(row.high_value, row.high_value_prev, row);
                    tr {
                        td { (i + 1) }
                        td class="t" { (row.institution) }
                        td class="t" { (row.kind) }
                        td { (row.count_text(row.patents)) }
                        td { (row.count_text(row.valid_inventions)) }
                        td { b { (row.count_text(row.high_value)) } }
                        td { (row.share_text()) }
                        @for d in row.dimensions { td { (row.count_text(d)) } }
                        td class=(delta_class(&delta)) { (delta) }
                    }
                }
            }
        }
        p class="key" {
            (DIMENSION_LABELS.join(" · ")) " · Δ year: high-value patents now minus one year before · share = high-value / valid inventions"
        }
    }
}

fn delta_class(delta: &str) -> &'static str {
    if delta.starts_with('+') {
        "up"
    } else if delta.starts_with('-') {
        "down"
    } else {
        ""
    }
}

/// The four charts: high-value by institution, dimension mix, industry mix, trend.
fn charts(data: &ReportData<'_>) -> Markup {
    let s = data.settings;
    let cov = &data.scored_run.coverage;
    let ranking: Vec<(String, f64)> =
        data.institutions.iter().take(20).map(|r| (r.institution.clone(), units(r.high_value))).collect();
    let dims: Vec<(String, f64)> = DIMENSION_LABELS
        .iter()
        .enumerate()
        .map(|(d, label)| {
            let n = data.patents().filter(|p| p.verdict().eligible && p.verdict().dimensions[d]).count();
            let note = coverage_mark(cov, rests_on(crate::rules::model::DIMENSION_NAMES[d]));
            (note.map_or_else(|| label.to_string(), |m| format!("{label} (⚠ {m})")), n as f64)
        })
        .collect();
    let sei: Vec<(String, f64)> = INDUSTRIES
        .iter()
        .enumerate()
        .map(|(k, label)| {
            (label.to_string(), data.patents().filter(|p| p.verdict().eligible && p.in_industry(k)).count() as f64)
        })
        .collect();
    let sei_title = match coverage_mark(cov, rests_on("sei_1")) {
        Some(m) => format!("Strategic emerging industry mix (valid inventions; D1 ⚠ {m})"),
        None => "Strategic emerging industry mix (valid inventions)".to_string(),
    };
    let labels: Vec<String> = s.trend_dates.iter().map(|d| d.year().to_string()).collect();
    let series = |high: bool| -> Vec<f64> {
        (0..s.trend_dates.len())
            .map(|k| data.patents().filter(|p| if high { p.trend_at(k).1 } else { p.trend_at(k).0 }).count() as f64)
            .collect()
    };
    let trend_title = match coverage_mark(cov, rests_on("trend")) {
        Some(m) => format!("Trend by year (earlier years ⚠ {m})"),
        None => "Trend by year".to_string(),
    };
    html! {
        h2 { "Charts" }
        div class="grid" {
            (bar_chart(&format!("High-value patents by institution (top {})", ranking.len()), &ranking, PALETTE[0]))
            (bar_chart("Dimension mix (valid inventions meeting each)", &dims, PALETTE[1]))
            (bar_chart(&sei_title, &sei, PALETTE[2]))
            (line_chart(&trend_title, &labels, &[("valid inventions", series(false), PALETTE[0]), ("high-value", series(true), PALETTE[1])]))
        }
    }
}

/// High-value and valid inventions of each institution at each trend date.
fn trend_table(data: &ReportData<'_>) -> Markup {
    html! {
        h2 { "Trend by institution (high-value / valid inventions)" (column_mark(data, "trend")) }
        table {
            thead { tr { th class="t" { "Institution" } @for d in &data.settings.trend_dates { th { (d) } } } }
            tbody {
                @for row in data.institutions {
                    tr {
                        td class="t" { (row.institution) }
                        @for (valid, high) in &row.trend { td { (row.count_text(*high)) " / " (row.count_text(*valid)) } }
                    }
                }
            }
        }
    }
}

/// The Conversion section (SPEC §9): charts of money received and patents converted,
/// and the table ranked by money received and patents converted, with the reward.
fn conversion_section(data: &ReportData<'_>) -> Markup {
    let s = data.settings;
    let ranked = conversion_ranking(data.institutions);
    let received: Vec<(String, f64)> = ranked
        .iter()
        .filter(|r| r.conversion.received_units > 0)
        .take(20)
        .map(|r| (r.institution.clone(), r.conversion.received_e2() as f64 / 100.0))
        .collect();
    let mut by_converted = ranked.clone();
    by_converted.sort_by_key(|r| std::cmp::Reverse(r.conversion.converted));
    let converted: Vec<(String, f64)> =
        by_converted.iter().take(20).map(|r| (r.institution.clone(), units(r.conversion.converted))).collect();
    html! {
        h2 { "Conversion (转化运用) " (s.as_of_prev.succ_opt().unwrap_or(s.as_of_prev)) " – " (s.as_of) }
        p class="key" {
            "Patents transferred (credited to the applicants, who transferred them), licensed or put into equity in the window, the money actually received (专利转化交易实际到账额) and the reward: "
            (format_number(s.reward_rate * 100.0)) "% of it, at most " (format_number(s.reward_cap_wan)) " 万元."
        }
        @if !data.scored_run.conversion_sources {
            p class="cov" {
                "⚠ No input shows transfers or licences (no legal-event column, events.csv or transactions.csv): these figures read 0 because nothing could say otherwise."
            }
        }
        @if !received.is_empty() {
            div class="grid" {
                (bar_chart("Money received (万元)", &received, PALETTE[4]))
                (bar_chart("Patents converted", &converted, PALETTE[3]))
            }
        }
        table {
            thead {
                tr {
                    th { "#" } th class="t" { "Institution" } th { "Transferred" } th { "Licensed" } th { "Equity" } th { "Pledged" }
                    th { "Transferred ever" } th { "Licensed ever" } th { "Pledged ever" } th { "Conversion rate" } th { "Received (万元)" } th { "Reward (万元)" }
                }
            }
            tbody {
                @for (i, row) in ranked.iter().filter(|r| r.conversion.any()).enumerate() {
                    @let c = &row.conversion;
                    tr {
                        td { (i + 1) }
                        td class="t" { (row.institution) }
                        @for u in c.counts() {
                            td { (row.count_text(u)) }
                        }
                        td { (e4_text(row.conversion_rate_e4)) }
                        td { (e2_text(c.received_e2())) }
                        td { b { (e2_text(row.reward_e2)) } }
                    }
                }
            }
        }
        @if !data.institutions.iter().any(|r| r.conversion.any()) {
            p { "No transfers, licences, equity deals or pledges in the inputs." }
        }
    }
}

/// A section per institution (the first 30): its figures and its high-value patents
/// with the evidence of each dimension met.
fn institution_sections(data: &ReportData<'_>) -> Markup {
    let shown: Vec<&InstitutionRow> = data.institutions.iter().take(30).collect();
    let ctx = data.scored_run.context(data.settings);
    html! {
        h2 { "Institutions" }
        @for (row, top) in shown.iter().zip(top_patents(data, &shown, 10)) {
            h3 { (row.institution) }
            p class="sub" {
                (row.count_text(row.high_value)) " high-value of " (row.count_text(row.valid_inventions)) " valid inventions ("
                (row.share_text()) "); " (row.count_text(row.high_value_prev)) " a year before"
            }
            @if top.is_empty() {
                p { "No high-value patents." }
            } @else {
                table {
                    thead { tr { th class="t" { "Patent" } th class="t" { "Title" } th { "Dimensions" } th class="t" { "Evidence" } } }
                    tbody {
                        @for p in top {
                            @let verdict = ctx.verdict(p);
                            tr {
                                td class="t" { (p.patent.id.0) }
                                td class="t" { (p.patent.texts.title()) }
                                td { (p.verdict().dimension_count()) }
                                td class="ev" {
                                    @for (k, (d, e)) in verdict.evidence.iter().enumerate().filter(|(d, _)| p.verdict().dimensions[*d]).enumerate() {
                                        @if k > 0 { br; }
                                        "D" (d + 1) " " (e)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The parameters of the run and its input files.
fn parameters(data: &ReportData<'_>) -> Markup {
    let s = data.settings;
    let r = &s.rules;
    let c = &data.scored_run.counts;
    let types = s
        .institution_types
        .as_ref()
        .map_or("all".to_string(), |t| t.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "));
    let params: Vec<(&str, String)> = vec![
        ("as_of", s.as_of.to_string()),
        ("previous year", s.as_of_prev.to_string()),
        ("D4 pledge threshold (万元)", format_number(r.pledge_threshold_wan)),
        ("D4 apportion", format!("{:?}", r.apportion).to_lowercase()),
        ("D3 maintained years / anchor", format!("{} / {:?}", r.maintained_years, r.maintained_anchor).to_lowercase()),
        ("term years", r.term_years.to_string()),
        ("D2 HK/MO/TW count as overseas", r.hmt_overseas.to_string()),
        ("counting", s.counting.as_str().to_string()),
        ("campuses rolled up", s.rollup_campuses.to_string()),
        ("institution types", types),
        ("concordance", data.scored_run.concordance_label.clone()),
        (
            "rows",
            format!(
                "{} read = {} scored + {} duplicates + {} out of scope + {} rejected",
                c.rows_read, c.scored, c.duplicates, c.out_of_scope, c.rejected
            ),
        ),
    ];
    html! {
        h2 { "Parameters and sources" }
        table {
            tbody {
                @for (k, v) in &params { tr { th class="t" { (k) } td class="t" { (v) } } }
                @for input in &data.scored_run.inputs {
                    tr {
                        th class="t" { (input.role) }
                        td class="t" {
                            (crate::read::file_info::slashed(&input.file.path)) " (" (input.rows) " rows, sha256 "
                            (&input.file.sha256[..12.min(input.file.sha256.len())]) ")"
                        }
                    }
                }
            }
        }
    }
}

/// A horizontal bar chart as inline SVG.
/// The Quality section (SPEC §12): the indicators' coverage, a chart of the top 30
/// institutions and every institution in a table; each cohort-relative figure carries
/// the cohort caveat (a † whose title says it, explained under the table).
fn quality_section(data: &ReportData<'_>) -> Markup {
    use crate::rules::quality::INDICATOR_NAMES;
    let min_cohort = data.settings.quality_min_cohort;
    let caveat = cohort_caveat(min_cohort);
    let dagger = |name: &str| -> Markup {
        html! { @if name.ends_with("_rel") { " " span class="cov" title=(caveat) { "†" } } }
    };
    // Charted: the first relative indicator any reported invention has, else scope.
    let charted = [11usize, 10, 8, 9, 0]
        .into_iter()
        .find(|&k| data.quality.iter().any(|q| q.indicators[k].known > 0))
        .unwrap_or(0);
    let name = INDICATOR_NAMES[charted];
    let items: Vec<(String, f64)> = data
        .quality
        .iter()
        .take(30)
        .map(|q| (q.institution.clone(), q.indicators[charted].mean_e4.unwrap_or(0) as f64 / 10_000.0))
        .collect();
    let figure = |e4: Option<u64>| e4.map(e4_text).unwrap_or_else(|| "–".into());
    let inventions: u64 = data.quality.iter().map(|q| q.valid_inventions).sum();
    html! {
        h2 { "Quality (after the OECD's patent quality indicators)" }
        p class="key" {
            "Per valid invention, as its export and side tables tell: scope (distinct IPC subclasses), family size and offices, grant lag (days), age (years), claims, forward citations (cited by) and backward citations (cites); "
            "the relative figures (†) are each invention's value over its cohort's mean, and top 10% cited is the share of inventions in their cohort's top decile of forward citations. "
            "Each cell is the mean over the institution's valid inventions with the value known (their number in brackets; " (inventions) " valid inventions in all, counted once per institution); – where none is known. "
            "Citation counts are the export's own (its date is their window)."
        }
        p class="cov" { "† " (caveat) "." }
        div class="grid" {
            (bar_chart(&format!("Mean {name} (top 30 institutions){}", if name.ends_with("_rel") { " †" } else { "" }), &items, PALETTE[2]))
        }
        table {
            thead {
                tr {
                    th { "#" } th class="t" { "Institution" } th { "Valid inventions" }
                    @for name in INDICATOR_NAMES {
                        th { (name) " mean (known)" (dagger(name)) }
                    }
                    th { "top10_cited share (known)" span class="cov" title=(caveat) { " †" } }
                }
            }
            tbody {
                @for (i, q) in data.quality.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td class="t" { (q.institution) }
                        td { (q.valid_inventions) }
                        @for (k, s) in q.indicators.iter().enumerate() {
                            td { (figure(s.mean_e4)) " (" (s.known) ")" (dagger(INDICATOR_NAMES[k])) }
                        }
                        td { (figure(q.top10_cited_share_e4)) " (" (q.top10_cited_known) ") " span class="cov" title=(caveat) { "†" } }
                    }
                }
            }
        }
    }
}

fn bar_chart(title: &str, items: &[(String, f64)], color: &str) -> Markup {
    let (label_w, bar_w, row_h) = (170.0, 300.0, 26.0);
    let height = 40.0 + row_h * items.len().max(1) as f64;
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    html! {
        figure {
            figcaption { (title) }
            svg viewBox=(format!("0 0 {} {height}", label_w + bar_w + 60.0)) width="100%" role="img" aria-label=(title) {
                @for (i, (label, value)) in items.iter().enumerate() {
                    @let y = 20.0 + row_h * i as f64;
                    @let w = bar_w * value / max;
                    text x=(label_w - 6.0) y=(y + 18.0) text-anchor="end" class="lbl" { (label) }
                    rect x=(label_w) y=(y + 4.0) width=(format!("{w:.1}")) height=(row_h - 6.0) fill=(color) {}
                    text x=(label_w + w + 5.0) y=(y + 18.0) class="val" { (format_number(*value)) }
                }
            }
        }
    }
}

/// A line chart of several series over the trend dates, as inline SVG.
fn line_chart(title: &str, labels: &[String], series: &[(&str, Vec<f64>, &str)]) -> Markup {
    let (w, h, left, top, bottom) = (540.0, 300.0, 56.0, 48.0, 36.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let max = series.iter().flat_map(|(_, v, _)| v.iter().copied()).fold(0.0, f64::max).max(1.0);
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| format!("{:.1}", left + plot_w * i as f64 / n);
    let y = |v: f64| top + plot_h * (1.0 - v / max);
    let one = |v: f64| format!("{v:.1}");
    html! {
        figure {
            figcaption { (title) }
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img" aria-label=(title) {
                @for step in 0..=4 {
                    @let v = max * f64::from(step) / 4.0;
                    line x1=(left) y1=(one(y(v))) x2=(left + plot_w) y2=(one(y(v))) stroke=(if step == 0 { "#999" } else { "#e2e8f0" }) {}
                    text x=(left - 6.0) y=(one(y(v) + 4.0)) text-anchor="end" class="val" { (format_number(v.round())) }
                }
                @for (i, label) in labels.iter().enumerate() {
                    text x=(x(i)) y=(h - 18.0) text-anchor="middle" class="lbl" { (label) }
                }
                @for (k, (name, values, color)) in series.iter().enumerate() {
                    @let points: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{},{}", x(i), one(y(*v)))).collect();
                    polyline points=(points.join(" ")) fill="none" stroke=(color) stroke-width="2.5" {}
                    @for (i, v) in values.iter().enumerate() {
                        circle cx=(x(i)) cy=(one(y(*v))) r="3.5" fill=(color) {}
                        text x=(x(i)) y=(one(y(*v) - 8.0)) text-anchor="middle" class="val" { (format_number(*v)) }
                    }
                    rect x=(left + 10.0 + 190.0 * k as f64) y="8" width="12" height="12" fill=(color) {}
                    text x=(left + 28.0 + 190.0 * k as f64) y="19" class="lbl" { (name) }
                }
            }
        }
    }
}

/// The patents shown in each institution's section: its high-value ones, most
/// dimensions first, at most `limit`; one pass over the patents for all of them.
fn top_patents<'a>(data: &ReportData<'a>, institutions: &[&InstitutionRow], limit: usize) -> Vec<Vec<&'a Scored>> {
    let slots: std::collections::HashMap<u32, usize> = institutions
        .iter()
        .enumerate()
        .filter_map(|(k, row)| {
            let index = data.scored_run.institutions.iter().position(|i| i.name == row.institution)?;
            Some((index as u32, k))
        })
        .collect();
    let mut lists: Vec<Vec<&Scored>> = vec![Vec::new(); institutions.len()];
    for s in data.patents().filter(|s| s.verdict().high_value()) {
        for i in s.institutions().iter() {
            if let Some(&k) = slots.get(i) {
                lists[k].push(s);
            }
        }
    }
    for list in &mut lists {
        list.sort_by(|a, b| {
            b.verdict()
                .dimension_count()
                .cmp(&a.verdict().dimension_count())
                .then_with(|| a.patent.id.cmp(&b.patent.id))
        });
        list.truncate(limit);
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_scale_to_the_largest_value() {
        let svg = bar_chart("t", &[("a".into(), 10.0), ("<b>".into(), 5.0)], "#000").into_string();
        assert!(svg.contains("width=\"300.0\"") && svg.contains("width=\"150.0\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        let line = line_chart("t", &["2024".into(), "2025".into()], &[("s", vec![1.0, 2.0], "#000")]).into_string();
        assert!(line.contains("<polyline"), "{line}");
    }
}
