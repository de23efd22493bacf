//! The reader-facing reports: `report.html` (self-contained, inline CSS and SVG
//! charts), `report.xlsx` (five formatted sheets) and `summary.md` (for an email).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::Datelike;

use crate::aggregate::{e4_text, share_e4, InstitutionRow};
use crate::config::Settings;
use crate::loaded::Loaded;
use crate::model::{RowIssue, DIMENSIONS};
use crate::rules::conversion::e2_text;
use crate::rules::coverage::{percent_text, Coverage, Question, QUESTIONS};
use crate::rules::institutions::UNIT;
use crate::score::Scored;
use crate::write::patents::patent_cells;
use crate::write::schema::{institution_columns, CONVERSION_COLUMNS, PATENT_COLUMNS};

/// Everything a report shows.
pub struct ReportData<'a> {
    /// The run's settings.
    pub settings: &'a Settings,
    /// What was read and scored.
    pub loaded: &'a Loaded,
    /// Institution rows in report order.
    pub institutions: &'a [InstitutionRow],
    /// Patents held by at least one reported institution (each once), in id order.
    pub patents: Vec<&'a Scored>,
    /// Of those: valid inventions, high-value ones, and high-value ones a year before.
    pub totals: Totals,
}

/// The headline figures every report shows.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    /// Valid inventions on `as_of`.
    pub eligible: usize,
    /// High-value on `as_of`.
    pub high: usize,
    /// High-value one year before.
    pub high_prev: usize,
}

impl<'a> ReportData<'a> {
    /// The data of the reports, with the reported patents picked once for all of them.
    pub fn new(settings: &'a Settings, loaded: &'a Loaded, institutions: &'a [InstitutionRow]) -> ReportData<'a> {
        let types = settings.institution_types.as_deref();
        let reported = |s: &&Scored| {
            s.institutions.iter().any(|&i| types.is_none_or(|t| t.contains(&loaded.institutions[i as usize].kind)))
        };
        let patents: Vec<&Scored> = loaded.scored.iter().filter(reported).collect();
        let count = |f: fn(&Scored) -> bool| patents.iter().filter(|p| f(p)).count();
        let totals = Totals {
            eligible: count(|p| p.verdict.eligible),
            high: count(|p| p.verdict.high_value()),
            high_prev: count(|p| p.prev.high_value()),
        };
        ReportData { settings, loaded, institutions, patents, totals }
    }
}

/// The questions a column or figure rests on (SPEC §8): a figure is marked with the
/// smallest share among them.
fn rests_on(column: &str) -> &'static [Question] {
    const HIGH: &[Question] =
        &[Question::Validity, Question::D1, Question::D2, Question::D3, Question::D4, Question::D5];
    // A year before: validity then rests on the history question.
    const HIGH_PREV: &[Question] =
        &[Question::History, Question::D1, Question::D2, Question::D3, Question::D4, Question::D5];
    match column {
        "institution" => &[Question::Holders],
        "valid_inventions" => &[Question::Validity],
        "high_value" | "high_value_share" => HIGH,
        "d1_sei" => &[Question::D1],
        "d2_overseas" => &[Question::D2],
        "d3_maintained" => &[Question::Validity, Question::D3],
        "d4_pledge" => &[Question::D4],
        "d5_award" => &[Question::D5],
        "valid_inventions_prev" | "trend" => &[Question::History],
        "high_value_prev" => HIGH_PREV,
        c if c.starts_with("sei_") => &[Question::D1],
        _ => &[],
    }
}

/// The least-covered of `questions` not assessable for every invention, if any.
fn least_covered(coverage: &Coverage, questions: &[Question]) -> Option<Question> {
    questions
        .iter()
        .copied()
        .filter(|q| !coverage.complete(*q))
        .min_by(|a, b| coverage.percent(*a).total_cmp(&coverage.percent(*b)))
}

/// The mark of a figure resting on `questions`: `None` when each is assessable for
/// every invention, else the least-covered one's `assessable for 42%`.
fn coverage_mark(coverage: &Coverage, questions: &[Question]) -> Option<String> {
    least_covered(coverage, questions).map(|q| coverage.mark(q))
}

/// [`coverage_mark`] as a compact HTML badge after a figure's label, `⚠ 42%`, the
/// whole mark in its title ("" when complete).
fn mark_html(coverage: &Coverage, questions: &[Question]) -> String {
    match least_covered(coverage, questions) {
        Some(q) => format!(
            " <span class=\"cov\" title=\"{}\">⚠ {}</span>",
            escape(&coverage.mark(q)),
            escape(&percent_text(coverage.percent(q)))
        ),
        None => String::new(),
    }
}

/// Institutions in the order of the conversion tables: money received, then
/// patents converted, then name.
fn conversion_ranking(rows: &[InstitutionRow]) -> Vec<&InstitutionRow> {
    let mut ranked: Vec<&InstitutionRow> = rows.iter().collect();
    ranked.sort_by(|a, b| {
        b.conversion
            .received_units
            .cmp(&a.conversion.received_units)
            .then(b.conversion.converted.cmp(&a.conversion.converted))
            .then_with(|| a.institution.cmp(&b.institution))
    });
    ranked
}

/// The Conversion section of `report.html` (SPEC §9): a chart of money received, and
/// the table ranked by money received and patents converted, with the reward.
fn conversion_section(data: &ReportData<'_>) -> String {
    let s = data.settings;
    let ranked = conversion_ranking(data.institutions);
    let mut h = format!(
        "<h2>Conversion (转化运用) {} – {}</h2><p class=\"key\">Patents transferred (credited to the applicants, who transferred them), licensed or put into equity in the window, the money actually received (专利转化交易实际到账额) and the reward: {}% of it, at most {} 万元.</p>",
        s.as_of_prev.succ_opt().unwrap_or(s.as_of_prev),
        s.as_of,
        format_number(s.reward_rate * 100.0),
        format_number(s.reward_cap_wan)
    );
    if !data.loaded.conversion_sources {
        h.push_str("<p class=\"cov\">⚠ No input shows transfers or licences (no legal-event column, events.csv or transactions.csv): these figures read 0 because nothing could say otherwise.</p>");
    }
    let top: Vec<(String, f64)> = ranked
        .iter()
        .filter(|r| r.conversion.received_units > 0)
        .take(20)
        .map(|r| (r.institution.clone(), r.conversion.received_e2() as f64 / 100.0))
        .collect();
    if !top.is_empty() {
        h.push_str("<div class=\"grid\">");
        h.push_str(&bar_chart("Money received (万元)", &top, PALETTE[4]));
        let mut by_converted = ranked.clone();
        by_converted.sort_by_key(|r| std::cmp::Reverse(r.conversion.converted));
        let converted: Vec<(String, f64)> =
            by_converted.iter().take(20).map(|r| (r.institution.clone(), units(r.conversion.converted))).collect();
        h.push_str(&bar_chart("Patents converted", &converted, PALETTE[3]));
        h.push_str("</div>");
    }
    h.push_str("<table><thead><tr><th>#</th><th class=\"t\">Institution</th><th>Transferred</th><th>Licensed</th><th>Equity</th><th>Pledged</th><th>Transferred ever</th><th>Licensed ever</th><th>Pledged ever</th><th>Conversion rate</th><th>Received (万元)</th><th>Reward (万元)</th></tr></thead><tbody>");
    for (i, row) in ranked.iter().filter(|r| r.conversion.any()).enumerate() {
        let c = &row.conversion;
        let _ = write!(h, "<tr><td>{}</td><td class=\"t\">{}</td>", i + 1, escape(&row.institution));
        for u in [c.transferred, c.licensed, c.equity, c.pledged, c.transferred_ever, c.licensed_ever, c.pledged_ever] {
            let _ = write!(h, "<td>{}</td>", row.count_text(u));
        }
        let _ = write!(
            h,
            "<td>{}</td><td>{}</td><td><b>{}</b></td></tr>",
            e4_text(row.conversion_rate_e4),
            e2_text(c.received_e2()),
            e2_text(row.reward_e2)
        );
    }
    h.push_str("</tbody></table>");
    if !data.institutions.iter().any(|r| r.conversion.any()) {
        h.push_str("<p>No transfers, licences, equity deals or pledges in the inputs.</p>");
    }
    h
}

/// The data-coverage panel of `report.html`.
fn coverage_panel(coverage: &Coverage) -> String {
    let mut h = format!(
        "<h2>Data coverage</h2><p class=\"key\">Of {} scored CN inventions, how many the inputs can answer each question for. A figure resting on a question answered for fewer than all is marked ⚠ with that share: its “no” may be “cannot tell”.</p><table><thead><tr><th class=\"t\">Question</th><th>Assessable</th><th>Share</th><th class=\"t\">When not, because</th></tr></thead><tbody>",
        coverage.inventions
    );
    for q in QUESTIONS {
        let complete = coverage.complete(q);
        let _ = write!(
            h,
            "<tr{}><td class=\"t\">{}</td><td>{} / {}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
            if complete { "" } else { " class=\"warn\"" },
            escape(q.label()),
            coverage.of(q),
            coverage.inventions,
            percent_text(coverage.percent(q)),
            if complete { String::new() } else { escape(q.missing()) }
        );
    }
    h.push_str("</tbody></table>");
    h
}

const DIMENSION_LABELS: [&str; DIMENSIONS] =
    ["D1 战略性新兴产业", "D2 海外同族", "D3 维持超10年", "D4 质押融资", "D5 国家级奖励"];
const INDUSTRIES: [&str; 9] = [
    "1 新一代信息技术",
    "2 高端装备制造",
    "3 新材料",
    "4 生物",
    "5 新能源汽车",
    "6 新能源",
    "7 节能环保",
    "8 数字创意",
    "9 相关服务",
];
const PALETTE: [&str; 5] = ["#2b6cb0", "#dd6b20", "#2f855a", "#b7791f", "#805ad5"];

/// Escape text for HTML and SVG.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart as inline SVG.
fn bar_chart(title: &str, items: &[(String, f64)], color: &str) -> String {
    let label_w = 170.0;
    let bar_w = 300.0;
    let row_h = 26.0;
    let height = 40.0 + row_h * items.len().max(1) as f64;
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let mut svg = format!(
        r#"<figure><figcaption>{}</figcaption><svg viewBox="0 0 {} {height}" width="100%" role="img" aria-label="{}">"#,
        escape(title),
        label_w + bar_w + 60.0,
        escape(title)
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        let w = bar_w * value / max;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text><rect x="{label_w}" y="{}" width="{w:.1}" height="{}" fill="{color}"/><text x="{}" y="{}" class="val">{}</text>"#,
            label_w - 6.0,
            y + 18.0,
            escape(label),
            y + 4.0,
            row_h - 6.0,
            label_w + w + 5.0,
            y + 18.0,
            format_number(*value)
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// A line chart of several series over the trend dates, as inline SVG.
fn line_chart(title: &str, labels: &[String], series: &[(&str, Vec<f64>, &str)]) -> String {
    let (w, h, left, top, bottom) = (540.0, 300.0, 56.0, 48.0, 36.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let max = series.iter().flat_map(|(_, v, _)| v.iter().copied()).fold(0.0, f64::max).max(1.0);
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + plot_w * i as f64 / n;
    let y = |v: f64| top + plot_h * (1.0 - v / max);
    let mut svg = format!(
        r#"<figure><figcaption>{}</figcaption><svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{}">"#,
        escape(title),
        escape(title)
    );
    for step in 0..=4 {
        let v = max * f64::from(step) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="{}"/><text x="{}" y="{:.1}" text-anchor="end" class="val">{}</text>"##,
            left + plot_w,
            if step == 0 { "#999" } else { "#e2e8f0" },
            left - 6.0,
            y(v) + 4.0,
            format_number(v.round()),
            y = y(v)
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" class="lbl">{}</text>"#,
            x(i),
            h - 18.0,
            escape(label)
        );
    }
    for (k, (name, values, color)) in series.iter().enumerate() {
        let points: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ =
            write!(svg, r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5"/>"#, points.join(" "));
        for (i, v) in values.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{color}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" class="val">{}</text>"#,
                x(i),
                y(*v),
                x(i),
                y(*v) - 8.0,
                format_number(*v)
            );
        }
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="12" height="12" fill="{color}"/><text x="{}" y="{}" class="lbl">{}</text>"#,
            left + 10.0 + 190.0 * k as f64,
            8.0,
            left + 28.0 + 190.0 * k as f64,
            19.0,
            escape(name)
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn units(u: u64) -> f64 {
    u as f64 / UNIT as f64
}

fn change(now: u64, before: u64, row: &InstitutionRow) -> String {
    let (n, b) = (units(now), units(before));
    let d = n - b;
    let text = if row.fractional { format!("{d:+.4}") } else { format!("{:+}", d as i64) };
    if d == 0.0 {
        "±0".into()
    } else {
        text
    }
}

/// The patents shown in each institution's section: its high-value ones, most
/// dimensions first, at most `limit`; one pass over the patents for all of them.
fn top_patents<'a>(data: &ReportData<'a>, institutions: &[&InstitutionRow], limit: usize) -> Vec<Vec<&'a Scored>> {
    let slots: std::collections::HashMap<u32, usize> = institutions
        .iter()
        .enumerate()
        .filter_map(|(k, row)| {
            let index = data.loaded.institutions.iter().position(|i| i.name == row.institution)?;
            Some((index as u32, k))
        })
        .collect();
    let mut lists: Vec<Vec<&Scored>> = vec![Vec::new(); institutions.len()];
    for &s in data.patents.iter().filter(|s| s.verdict.high_value()) {
        for i in s.institutions.iter() {
            if let Some(&k) = slots.get(i) {
                lists[k].push(s);
            }
        }
    }
    for list in &mut lists {
        list.sort_by(|a, b| {
            b.verdict.dimension_count().cmp(&a.verdict.dimension_count()).then_with(|| a.patent.id.cmp(&b.patent.id))
        });
        list.truncate(limit);
    }
    lists
}

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
    let c = &data.loaded.counts;
    let r = &s.rules;
    let mut h = String::new();
    let title = format!("高价值发明专利报告 · High-value invention patents as of {}", s.as_of);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><main>",
        escape(&title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"sub\">Report date (as of) {} · previous year {} · {} institutions</p>",
        escape(&title),
        s.as_of,
        s.as_of_prev,
        data.institutions.len()
    );
    let patents = &data.patents;
    let cov = &data.loaded.coverage;
    let mark = |column: &str| mark_html(cov, rests_on(column));
    let Totals { eligible, high, high_prev } = data.totals;
    let _ = write!(
        h,
        "<div class=\"cards\"><div class=\"card\"><b>{}</b>CN patents held</div><div class=\"card\"><b>{eligible}</b>valid inventions{}</div><div class=\"card\"><b>{high}</b>high-value{} ({} a year before{})</div><div class=\"card\"><b>{}</b>high-value share{}</div></div>",
        patents.len(),
        mark("valid_inventions"),
        mark("high_value"),
        high_prev,
        mark("high_value_prev"),
        e4_text(share_e4(high as u64, eligible as u64)),
        mark("high_value_share"),
    );
    h.push_str(&coverage_panel(cov));

    let _ = write!(
        h,
        "<h2>Ranking</h2><table><thead><tr><th>#</th><th class=\"t\">Institution{}</th><th class=\"t\">Type</th><th>Patents</th><th>Valid inventions{}</th><th>High-value{}</th><th>Share</th>",
        mark("institution"),
        mark("valid_inventions"),
        mark("high_value")
    );
    for (d, label) in DIMENSION_LABELS.iter().enumerate() {
        let _ = write!(h, "<th title=\"{}\">D{}{}</th>", escape(label), d + 1, mark(crate::model::DIMENSION_NAMES[d]));
    }
    let _ = write!(h, "<th>Δ year{}</th></tr></thead><tbody>", mark("high_value_prev"));
    for (i, row) in data.institutions.iter().enumerate() {
        let delta = change(row.high_value, row.high_value_prev, row);
        let class = if delta.starts_with('+') {
            "up"
        } else if delta.starts_with('-') {
            "down"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td>",
            i + 1,
            escape(&row.institution),
            escape(&row.kind),
            row.count_text(row.patents),
            row.count_text(row.valid_inventions),
            row.count_text(row.high_value),
            row.share_text()
        );
        for d in row.dimensions {
            let _ = write!(h, "<td>{}</td>", row.count_text(d));
        }
        let _ = write!(h, "<td class=\"{class}\">{}</td></tr>", escape(&delta));
    }
    h.push_str("</tbody></table>");
    let key: Vec<String> = DIMENSION_LABELS.iter().map(|l| escape(l)).collect();
    let _ = write!(
        h,
        "<p class=\"key\">{} · Δ year: high-value patents now minus one year before · share = high-value / valid inventions</p>",
        key.join(" · ")
    );

    h.push_str("<h2>Charts</h2><div class=\"grid\">");
    let ranking: Vec<(String, f64)> =
        data.institutions.iter().take(20).map(|r| (r.institution.clone(), units(r.high_value))).collect();
    h.push_str(&bar_chart(&format!("High-value patents by institution (top {})", ranking.len()), &ranking, PALETTE[0]));
    let dims: Vec<(String, f64)> = DIMENSION_LABELS
        .iter()
        .enumerate()
        .map(|(d, label)| {
            let n = patents.iter().filter(|p| p.verdict.eligible && p.verdict.dimensions[d]).count();
            let note = coverage_mark(cov, rests_on(crate::model::DIMENSION_NAMES[d]));
            (note.map_or_else(|| label.to_string(), |m| format!("{label} (⚠ {m})")), n as f64)
        })
        .collect();
    h.push_str(&bar_chart("Dimension mix (valid inventions meeting each)", &dims, PALETTE[1]));
    let sei: Vec<(String, f64)> = INDUSTRIES
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let n = patents.iter().filter(|p| p.verdict.eligible && p.industries[k]).count();
            (label.to_string(), n as f64)
        })
        .collect();
    let sei_title = match coverage_mark(cov, rests_on("sei_1")) {
        Some(m) => format!("Strategic emerging industry mix (valid inventions; D1 ⚠ {m})"),
        None => "Strategic emerging industry mix (valid inventions)".to_string(),
    };
    h.push_str(&bar_chart(&sei_title, &sei, PALETTE[2]));
    let labels: Vec<String> = s.trend_dates.iter().map(|d| d.year().to_string()).collect();
    let valid_series: Vec<f64> =
        (0..s.trend_dates.len()).map(|k| patents.iter().filter(|p| p.trend_at(k).0).count() as f64).collect();
    let high_series: Vec<f64> =
        (0..s.trend_dates.len()).map(|k| patents.iter().filter(|p| p.trend_at(k).1).count() as f64).collect();
    let trend_title = match coverage_mark(cov, rests_on("trend")) {
        Some(m) => format!("Trend by year (earlier years ⚠ {m})"),
        None => "Trend by year".to_string(),
    };
    h.push_str(&line_chart(
        &trend_title,
        &labels,
        &[("valid inventions", valid_series, PALETTE[0]), ("high-value", high_series, PALETTE[1])],
    ));
    h.push_str("</div>");

    let _ = write!(
        h,
        "<h2>Trend by institution (high-value / valid inventions){}</h2><table><thead><tr><th class=\"t\">Institution</th>",
        mark("trend")
    );
    for d in &s.trend_dates {
        let _ = write!(h, "<th>{d}</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for row in data.institutions {
        let _ = write!(h, "<tr><td class=\"t\">{}</td>", escape(&row.institution));
        for (valid, high) in &row.trend {
            let _ = write!(h, "<td>{} / {}</td>", row.count_text(*high), row.count_text(*valid));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");

    h.push_str(&conversion_section(data));

    h.push_str("<h2>Institutions</h2>");
    let shown: Vec<&InstitutionRow> = data.institutions.iter().take(30).collect();
    let ctx = data.loaded.context(s);
    for (row, top) in shown.iter().zip(top_patents(data, &shown, 10)) {
        let _ = write!(
            h,
            "<h3>{}</h3><p class=\"sub\">{} high-value of {} valid inventions ({}); {} a year before</p>",
            escape(&row.institution),
            row.count_text(row.high_value),
            row.count_text(row.valid_inventions),
            row.share_text(),
            row.count_text(row.high_value_prev)
        );
        if top.is_empty() {
            h.push_str("<p>No high-value patents.</p>");
            continue;
        }
        h.push_str("<table><thead><tr><th class=\"t\">Patent</th><th class=\"t\">Title</th><th>Dimensions</th><th class=\"t\">Evidence</th></tr></thead><tbody>");
        for p in top {
            let evidence: Vec<String> = ctx
                .verdict(p)
                .evidence
                .iter()
                .zip(p.verdict.dimensions)
                .enumerate()
                .filter(|(_, (_, met))| *met)
                .map(|(d, (e, _))| format!("D{} {}", d + 1, escape(e)))
                .collect();
            let _ = write!(
                h,
                "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
                escape(&p.patent.id.0),
                escape(&p.patent.title),
                p.verdict.dimension_count(),
                evidence.join("<br>")
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str("<h2>Parameters and sources</h2><table><tbody>");
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
        ("concordance", data.loaded.concordance_label.clone()),
        (
            "rows",
            format!(
                "{} read = {} scored + {} duplicates + {} out of scope + {} rejected",
                c.rows_read, c.scored, c.duplicates, c.out_of_scope, c.rejected
            ),
        ),
    ];
    for (k, v) in params {
        let _ = write!(h, "<tr><th class=\"t\">{}</th><td class=\"t\">{}</td></tr>", escape(k), escape(&v));
    }
    for input in &data.loaded.inputs {
        let _ = write!(
            h,
            "<tr><th class=\"t\">{}</th><td class=\"t\">{} ({} rows, sha256 {})</td></tr>",
            escape(input.role),
            escape(&input.file.path.display().to_string()),
            input.rows,
            &input.file.sha256[..12.min(input.file.sha256.len())]
        );
    }
    h.push_str("</tbody></table>");
    let _ = writeln!(
        h,
        "<footer>hvpat {} · SEI concordance: cn-patent-ipc (MIT) after the 2021 CNIPA table · every figure is traceable in patents.csv (evidence column)</footer></main></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// Render `summary.md`: a few lines and the top of the ranking, fit for an email.
pub fn summary_markdown(data: &ReportData<'_>) -> String {
    let s = data.settings;
    let patents = &data.patents;
    let Totals { eligible, high, high_prev } = data.totals;
    let mut m = format!("# High-value invention patents as of {}\n\n", s.as_of);
    let _ = writeln!(
        m,
        "{} institutions hold {} CN patents, {} of them valid inventions; **{} are high-value** ({} a year before, on {}).\n",
        data.institutions.len(),
        patents.len(),
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
    let cov = &data.loaded.coverage;
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

/// Write `report.xlsx`: Summary, Coverage, Institutions, Conversion, Patents, Rejects, Parameters.
pub fn write_xlsx(path: &Path, data: &ReportData<'_>) -> Result<()> {
    // The workbook writer panics when its temporary files cannot be written.
    super::contain_panics(path, || build_and_save_xlsx(path, data))
}

fn build_and_save_xlsx(path: &Path, data: &ReportData<'_>) -> Result<()> {
    use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook};
    let s = data.settings;
    let mut book = Workbook::new();
    // The sheets that stream their rows keep them in temporary files beside the
    // output (rather than in a /tmp that may be a small RAM disk).
    if let Some(folder) = path.parent() {
        book.set_tempdir(folder)?;
    }
    // Level 1 deflate: a few percent larger, several times faster than the default.
    book.set_zip_compression_level(1);
    // A fixed creation date (the report date) keeps the file identical across runs.
    let created = ExcelDateTime::from_ymd(s.as_of.year() as u16, s.as_of.month() as u8, s.as_of.day() as u8)?;
    book.set_properties(&DocProperties::new().set_title("hvpat report").set_creation_datetime(&created));
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_text_wrap();
    let share = Format::new().set_num_format("0.00%");
    let money = Format::new().set_num_format("0.00");
    let count_format = Format::new().set_num_format(if data.institutions.first().is_some_and(|r| r.fractional) {
        "0.0000"
    } else {
        "0"
    });
    let ws = book.add_worksheet();
    ws.set_name("Summary")?;
    let patents = &data.patents;
    let Totals { eligible, high, high_prev } = data.totals;
    write_headers(ws, &["figure".into(), "value".into(), "data coverage".into()], &[44.0, 18.0, 40.0], &header)?;
    let cov = &data.loaded.coverage;
    let rows: Vec<(&str, f64, &str)> = vec![
        ("institutions", data.institutions.len() as f64, "institution"),
        ("CN patents held by them", patents.len() as f64, "patents"),
        ("valid inventions", eligible as f64, "valid_inventions"),
        ("high-value", high as f64, "high_value"),
        ("high-value a year before", high_prev as f64, "high_value_prev"),
    ];
    ws.write_string(1, 0, "as_of")?;
    ws.write_string(1, 1, s.as_of.to_string())?;
    for (i, (k, v, column)) in rows.iter().enumerate() {
        ws.write_string(i as u32 + 2, 0, *k)?;
        ws.write_number(i as u32 + 2, 1, *v)?;
        if let Some(m) = coverage_mark(cov, rests_on(column)) {
            ws.write_string(i as u32 + 2, 2, format!("⚠ {m}"))?;
        }
    }
    let r = rows.len() as u32 + 2;
    ws.write_string(r, 0, "high-value share")?;
    ws.write_number_with_format(r, 1, share_e4(high as u64, eligible as u64) as f64 / 10_000.0, &share)?;
    if let Some(m) = coverage_mark(cov, rests_on("high_value_share")) {
        ws.write_string(r, 2, format!("⚠ {m}"))?;
    }

    let ws = book.add_worksheet();
    ws.set_name("Coverage")?;
    let names: Vec<String> =
        ["question", "assessable", "inventions", "share", "when not, because"].iter().map(|s| s.to_string()).collect();
    write_headers(ws, &names, &[36.0, 12.0, 12.0, 10.0, 80.0], &header)?;
    for (i, q) in QUESTIONS.iter().enumerate() {
        let y = i as u32 + 1;
        ws.write_string(y, 0, q.label())?;
        ws.write_number(y, 1, cov.of(*q) as f64)?;
        ws.write_number(y, 2, cov.inventions as f64)?;
        ws.write_number_with_format(y, 3, cov.percent(*q) / 100.0, &share)?;
        ws.write_string(y, 4, if cov.complete(*q) { "" } else { q.missing() })?;
    }

    let ws = book.add_worksheet();
    ws.set_name("Institutions")?;
    // Headers of figures resting on a question not assessable for every invention carry its share.
    let names: Vec<String> = institution_columns()
        .into_iter()
        .map(|n| match coverage_mark(cov, rests_on(&n)) {
            Some(m) => format!("{n} (⚠ {m})"),
            None => n,
        })
        .collect();
    let mut widths = vec![30.0, 12.0];
    widths.extend(std::iter::repeat_n(11.0, names.len() - 3));
    widths.push(24.0);
    widths.extend([11.0, 11.0, 13.0, 13.0]);
    write_headers(ws, &names, &widths, &header)?;
    for (i, row) in data.institutions.iter().enumerate() {
        let y = i as u32 + 1;
        ws.write_string(y, 0, cell_text(&row.institution))?;
        ws.write_string(y, 1, &row.kind)?;
        let counts = row.counts();
        let mut col = 2u16;
        for (k, u) in counts.iter().enumerate() {
            if k == 4 {
                ws.write_number_with_format(y, col, row.high_value_share_e4 as f64 / 10_000.0, &share)?;
                col += 1;
            }
            ws.write_number_with_format(y, col, units(*u), &count_format)?;
            col += 1;
        }
        ws.write_string(y, col, cell_text(&row.parent))?;
        let c = &row.conversion;
        ws.write_number_with_format(y, col + 1, units(c.transferred), &count_format)?;
        ws.write_number_with_format(y, col + 2, units(c.licensed), &count_format)?;
        ws.write_number_with_format(y, col + 3, c.received_e2() as f64 / 100.0, &money)?;
        ws.write_number_with_format(y, col + 4, row.reward_e2 as f64 / 100.0, &money)?;
    }
    ws.autofilter(0, 0, data.institutions.len() as u32, names.len() as u16 - 1)?;

    let ws = book.add_worksheet();
    ws.set_name("Conversion")?;
    let names: Vec<String> = CONVERSION_COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut widths = vec![30.0, 12.0];
    widths.extend(std::iter::repeat_n(12.0, names.len() - 2));
    write_headers(ws, &names, &widths, &header)?;
    for (i, row) in conversion_ranking(data.institutions).iter().enumerate() {
        let y = i as u32 + 1;
        let c = &row.conversion;
        ws.write_string(y, 0, cell_text(&row.institution))?;
        ws.write_string(y, 1, &row.kind)?;
        let counts =
            [c.transferred, c.licensed, c.equity, c.pledged, c.transferred_ever, c.licensed_ever, c.pledged_ever];
        for (k, u) in counts.iter().enumerate() {
            ws.write_number_with_format(y, 2 + k as u16, units(*u), &count_format)?;
        }
        ws.write_number_with_format(y, 9, row.conversion_rate_e4 as f64 / 10_000.0, &share)?;
        ws.write_number_with_format(y, 10, c.received_e2() as f64 / 100.0, &money)?;
        ws.write_number_with_format(y, 11, row.reward_e2 as f64 / 100.0, &money)?;
    }

    // The two sheets that grow with the portfolio stream their rows to a temporary
    // file instead of holding every cell in memory.
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("Patents")?;
    let patent_names: Vec<String> = PATENT_COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let mut widths = vec![18.0, 16.0, 40.0, 12.0, 11.0, 11.0, 10.0, 30.0, 24.0];
    widths.extend(std::iter::repeat_n(9.0, 9));
    widths.push(80.0);
    write_headers(ws, &patent_names, &widths, &header)?;
    // The sheet lists the valid inventions of the reported institutions, the patents
    // behind the counts, up to XLSX_PATENT_ROWS; patents.csv and .parquet keep every patent.
    let ctx = data.loaded.context(s);
    let valid: Vec<&Scored> = patents.iter().copied().filter(|p| p.verdict.eligible).collect();
    for (i, p) in valid.iter().take(XLSX_PATENT_ROWS).enumerate() {
        for (c, cell) in patent_cells(p, &ctx).iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, cell_text(cell))?;
        }
    }
    if valid.len() > XLSX_PATENT_ROWS {
        let note = format!(
            "… {} more valid inventions not listed here: see patents.csv (every patent)",
            valid.len() - XLSX_PATENT_ROWS
        );
        ws.write_string(XLSX_PATENT_ROWS as u32 + 1, 0, note)?;
    }
    issues_sheet(book.add_worksheet_with_constant_memory()?, "Rejects", &data.loaded.rejects, &header)?;

    let ws = book.add_worksheet();
    ws.set_name("Parameters")?;
    write_headers(ws, &["parameter".into(), "value".into()], &[36.0, 60.0], &header)?;
    let rules = serde_json::to_value(&s.rules)?;
    let mut params: Vec<(String, String)> = vec![
        ("as_of".into(), s.as_of.to_string()),
        ("as_of_prev".into(), s.as_of_prev.to_string()),
        ("counting".into(), s.counting.as_str().into()),
        ("rollup_campuses".into(), s.rollup_campuses.to_string()),
        ("concordance".into(), data.loaded.concordance_label.clone()),
        ("tool".into(), format!("hvpat {}", env!("CARGO_PKG_VERSION"))),
    ];
    if let Some(map) = rules.as_object() {
        params.extend(map.iter().map(|(k, v)| (format!("rules.{k}"), v.to_string().trim_matches('"').to_string())));
    }
    for input in &data.loaded.inputs {
        params
            .push((format!("input ({})", input.role), format!("{} · {} rows", input.file.path.display(), input.rows)));
    }
    for (i, (k, v)) in params.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, cell_text(k))?;
        ws.write_string(i as u32 + 1, 1, cell_text(v))?;
    }
    book.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Rows of the workbook's Patents sheet: a sheet people scroll and filter; the CSV
/// and Parquet files hold every patent.
pub const XLSX_PATENT_ROWS: usize = 100_000;

/// Excel's limit on the characters of one cell.
const EXCEL_CELL_LIMIT: usize = 32_767;

/// Text for one Excel cell: cut (with a note) at Excel's limit; the CSV keeps it whole.
fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    const NOTE: &str = "… [cut at Excel's cell limit; see the CSV]";
    if text.chars().count() <= EXCEL_CELL_LIMIT {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(EXCEL_CELL_LIMIT - NOTE.chars().count()).collect();
    cut.push_str(NOTE);
    std::borrow::Cow::Owned(cut)
}

/// A bold, shaded, frozen header row with column widths.
fn write_headers(
    ws: &mut rust_xlsxwriter::Worksheet,
    names: &[String],
    widths: &[f64],
    format: &rust_xlsxwriter::Format,
) -> Result<()> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, format)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(12.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn issues_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    name: &str,
    issues: &[RowIssue],
    header: &rust_xlsxwriter::Format,
) -> Result<()> {
    ws.set_name(name)?;
    let names: Vec<String> =
        ["file", "line", "column", "value", "reason", "raw"].iter().map(|s| s.to_string()).collect();
    write_headers(ws, &names, &[30.0, 8.0, 14.0, 20.0, 36.0, 80.0], header)?;
    for (i, issue) in issues.iter().take(1_048_575).enumerate() {
        let y = i as u32 + 1;
        ws.write_string(y, 0, cell_text(&issue.file))?;
        ws.write_number(y, 1, issue.line as f64)?;
        ws.write_string(y, 2, &issue.column)?;
        ws.write_string(y, 3, cell_text(&issue.value))?;
        ws.write_string(y, 4, cell_text(&issue.reason))?;
        ws.write_string(y, 5, cell_text(&issue.raw))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("a & \"b\" 'c'"), "a &amp; &quot;b&quot; &#39;c&#39;");
    }

    #[test]
    fn long_cells_are_cut_at_excels_limit() {
        assert_eq!(cell_text("短"), "短");
        let long = "专".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), EXCEL_CELL_LIMIT);
        assert!(cut.ends_with("see the CSV]"));
    }

    #[test]
    fn charts_scale_to_the_largest_value() {
        let svg = bar_chart("t", &[("a".into(), 10.0), ("<b>".into(), 5.0)], "#000");
        assert!(svg.contains("width=\"300.0\"") && svg.contains("width=\"150.0\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        let line = line_chart("t", &["2024".into(), "2025".into()], &[("s", vec![1.0, 2.0], "#000")]);
        assert!(line.contains("<polyline"), "{line}");
    }
}
