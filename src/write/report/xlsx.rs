//! `report.xlsx`: Summary, Coverage, Institutions, Conversion, Patents, Rejects and
//! Parameters sheets.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::Datelike;
use rust_xlsxwriter::Worksheet;

use crate::aggregate::share_e4;
use crate::rules::coverage::QUESTIONS;
use crate::rules::model::RowIssue;
use crate::write::patents::patent_cells;
use crate::write::schema::{
    institution_columns, institution_values, InstitutionValue, CONVERSION_COLUMNS, PATENT_COLUMNS,
};

use super::*;

/// Write `report.xlsx`: Summary, Coverage, Institutions, Conversion, Patents, Rejects, Parameters.
pub fn write_xlsx(path: &Path, data: &ReportData<'_>) -> Result<()> {
    // The workbook writer panics when its temporary files cannot be written.
    crate::write::contain_panics(path, || build_and_save_xlsx(path, data))
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
    let formats = Formats {
        header: Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_text_wrap(),
        share: Format::new().set_num_format("0.00%"),
        money: Format::new().set_num_format("0.00"),
        figure: Format::new().set_num_format("0.0000"),
        whole: Format::new().set_num_format("0"),
        count: Format::new().set_num_format(if data.institutions.first().is_some_and(|r| r.fractional) {
            "0.0000"
        } else {
            "0"
        }),
    };
    summary_sheet(book.add_worksheet(), data, &formats)?;
    coverage_sheet(book.add_worksheet(), data, &formats)?;
    institutions_sheet(book.add_worksheet(), data, &formats)?;
    conversion_sheet(book.add_worksheet(), data, &formats)?;
    quality_sheet(book.add_worksheet(), data, &formats)?;
    // The two sheets that grow with the portfolio stream their rows to a temporary
    // file instead of holding every cell in memory.
    patents_sheet(book.add_worksheet_with_constant_memory()?, data, &formats)?;
    issues_sheet(book.add_worksheet_with_constant_memory()?, "Rejects", &data.scored_run.rejects, &formats.header)?;
    parameters_sheet(book.add_worksheet(), data, &formats)?;
    // Saved through a writer that keeps the first error: the zip archive then closes
    // normally instead of printing its own failure when dropped.
    let cannot = || format!("cannot write {}", path.display());
    let mut file = crate::write::FirstError::create(path).with_context(cannot)?;
    let saved = book.save_to_writer(&mut file);
    file.finish().with_context(cannot)?;
    saved.with_context(cannot)?;
    Ok(())
}

/// The cell formats the sheets share.
struct Formats {
    header: rust_xlsxwriter::Format,
    share: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
    count: rust_xlsxwriter::Format,
    /// A quality figure: 4 decimals.
    figure: rust_xlsxwriter::Format,
    /// A whole number, whatever the counting mode.
    whole: rust_xlsxwriter::Format,
}

/// Summary: the headline figures, each with its data-coverage mark.
fn summary_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    let s = data.settings;
    ws.set_name("Summary")?;
    let Totals { eligible, high, high_prev } = data.totals;
    write_headers(ws, &["figure".into(), "value".into(), "data coverage".into()], &[44.0, 18.0, 40.0], &f.header)?;
    let cov = &data.scored_run.coverage;
    let rows: Vec<(&str, f64, &str)> = vec![
        ("institutions", data.institutions.len() as f64, "institution"),
        ("CN patents held by them", data.held as f64, "patents"),
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
    ws.write_number_with_format(r, 1, share_e4(high as u64, eligible as u64) as f64 / 10_000.0, &f.share)?;
    if let Some(m) = coverage_mark(cov, rests_on("high_value_share")) {
        ws.write_string(r, 2, format!("⚠ {m}"))?;
    }
    Ok(())
}

/// Coverage: what the inputs can answer, per question (SPEC §8).
fn coverage_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    let cov = &data.scored_run.coverage;
    ws.set_name("Coverage")?;
    let names: Vec<String> =
        ["question", "assessable", "inventions", "share", "when not, because"].iter().map(|s| s.to_string()).collect();
    write_headers(ws, &names, &[36.0, 12.0, 12.0, 10.0, 80.0], &f.header)?;
    for (i, q) in QUESTIONS.iter().enumerate() {
        let y = i as u32 + 1;
        ws.write_string(y, 0, q.label())?;
        ws.write_number(y, 1, cov.of(*q) as f64)?;
        ws.write_number(y, 2, cov.inventions as f64)?;
        ws.write_number_with_format(y, 3, cov.percent(*q) / 100.0, &f.share)?;
        ws.write_string(y, 4, if cov.complete(*q) { "" } else { q.missing() })?;
    }
    Ok(())
}

/// Institutions: the columns of `institutions.csv`, headers marked where coverage is partial.
fn institutions_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    let cov = &data.scored_run.coverage;
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
    write_headers(ws, &names, &widths, &f.header)?;
    for (i, row) in data.institutions.iter().enumerate() {
        let y = i as u32 + 1;
        for (col, value) in institution_values(row).into_iter().enumerate() {
            let col = col as u16;
            match value {
                InstitutionValue::Text(text) => ws.write_string(y, col, cell_text(text))?,
                InstitutionValue::Count(u) => ws.write_number_with_format(y, col, units(u), &f.count)?,
                InstitutionValue::Share(e4) => ws.write_number_with_format(y, col, e4 as f64 / 10_000.0, &f.share)?,
                InstitutionValue::Money(e2) => ws.write_number_with_format(y, col, e2 as f64 / 100.0, &f.money)?,
            };
        }
    }
    ws.autofilter(0, 0, data.institutions.len() as u32, names.len() as u16 - 1)?;
    Ok(())
}

/// Conversion: the columns of `conversion.csv`, in the report's ranking.
fn conversion_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    ws.set_name("Conversion")?;
    let names: Vec<String> = CONVERSION_COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut widths = vec![30.0, 12.0];
    widths.extend(std::iter::repeat_n(12.0, names.len() - 2));
    write_headers(ws, &names, &widths, &f.header)?;
    for (i, row) in conversion_ranking(data.institutions).iter().enumerate() {
        let y = i as u32 + 1;
        let c = &row.conversion;
        ws.write_string(y, 0, cell_text(&row.institution))?;
        ws.write_string(y, 1, &row.kind)?;
        for (k, u) in c.counts().iter().enumerate() {
            ws.write_number_with_format(y, 2 + k as u16, units(*u), &f.count)?;
        }
        ws.write_number_with_format(y, 9, row.conversion_rate_e4 as f64 / 10_000.0, &f.share)?;
        ws.write_number_with_format(y, 10, c.received_e2() as f64 / 100.0, &f.money)?;
        ws.write_number_with_format(y, 11, row.reward_e2 as f64 / 100.0, &f.money)?;
    }
    Ok(())
}

/// Quality: the columns of `quality.csv` (SPEC §12), in the report's order; the
/// headers of cohort-relative figures carry the cohort caveat's mark (†), said in full
/// in a note under the table.
fn quality_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    ws.set_name("Quality")?;
    let relative = |name: &str| name.contains("_rel_") || name.starts_with("top10_cited_share");
    let names: Vec<String> = crate::aggregate::institution_quality::quality_columns()
        .into_iter()
        .map(|n| if relative(&n) { format!("{n} †") } else { n })
        .collect();
    let mut widths = vec![30.0, 12.0];
    widths.extend(std::iter::repeat_n(11.0, names.len() - 2));
    write_headers(ws, &names, &widths, &f.header)?;
    let figure = |e4: Option<u64>| e4.map(|v| v as f64 / 10_000.0);
    for (i, q) in data.quality.iter().enumerate() {
        let y = i as u32 + 1;
        ws.write_string(y, 0, cell_text(&q.institution))?;
        ws.write_string(y, 1, &q.kind)?;
        ws.write_number_with_format(y, 2, q.valid_inventions as f64, &f.whole)?;
        let mut x = 3u16;
        let mut put = |ws: &mut Worksheet, value: Option<f64>, format: &rust_xlsxwriter::Format| -> Result<()> {
            if let Some(v) = value {
                ws.write_number_with_format(y, x, v, format)?;
            }
            x += 1;
            Ok(())
        };
        for s in &q.indicators {
            put(ws, Some(s.known as f64), &f.whole)?;
            put(ws, figure(s.median_e4), &f.figure)?;
            put(ws, figure(s.mean_e4), &f.figure)?;
        }
        put(ws, Some(q.top10_cited_known as f64), &f.whole)?;
        put(ws, figure(q.top10_cited_share_e4), &f.figure)?;
    }
    let note = data.quality.len() as u32 + 2;
    ws.write_string(note, 0, format!("† {}", cohort_caveat(data.settings.quality_min_cohort)))?;
    Ok(())
}

/// Patents: the valid inventions of the reported institutions (the patents behind the
/// counts), up to [`XLSX_PATENT_ROWS`]; patents.csv and .parquet keep every patent.
fn patents_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    ws.set_name("Patents")?;
    let patent_names: Vec<String> = PATENT_COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let mut widths = vec![18.0, 16.0, 40.0, 12.0, 11.0, 11.0, 10.0, 30.0, 24.0];
    widths.extend(std::iter::repeat_n(9.0, 9));
    widths.push(80.0);
    write_headers(ws, &patent_names, &widths, &f.header)?;
    let ctx = data.scored_run.context(data.settings);
    let valid = || data.patents().filter(|p| p.verdict().eligible);
    for (i, p) in valid().take(XLSX_PATENT_ROWS).enumerate() {
        for (c, cell) in patent_cells(p, &ctx).iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, cell_text(cell))?;
        }
    }
    let listed = valid().count();
    if listed > XLSX_PATENT_ROWS {
        let note = format!(
            "… {} more valid inventions not listed here: see patents.csv (every patent)",
            listed - XLSX_PATENT_ROWS
        );
        ws.write_string(XLSX_PATENT_ROWS as u32 + 1, 0, note)?;
    }
    Ok(())
}

/// Parameters: the settings, the rules and the input files of the run.
fn parameters_sheet(ws: &mut Worksheet, data: &ReportData<'_>, f: &Formats) -> Result<()> {
    let s = data.settings;
    ws.set_name("Parameters")?;
    write_headers(ws, &["parameter".into(), "value".into()], &[36.0, 60.0], &f.header)?;
    let rules = serde_json::to_value(&s.rules)?;
    let mut params: Vec<(String, String)> = vec![
        ("as_of".into(), s.as_of.to_string()),
        ("as_of_prev".into(), s.as_of_prev.to_string()),
        ("counting".into(), s.counting.as_str().into()),
        ("rollup_campuses".into(), s.rollup_campuses.to_string()),
        ("concordance".into(), data.scored_run.concordance_label.clone()),
        ("tool".into(), format!("hvpat {}", env!("CARGO_PKG_VERSION"))),
    ];
    if let Some(map) = rules.as_object() {
        params.extend(map.iter().map(|(k, v)| (format!("rules.{k}"), v.to_string().trim_matches('"').to_string())));
    }
    for input in &data.scored_run.inputs {
        params.push((
            format!("input ({})", input.role),
            format!("{} · {} rows", crate::read::file_info::slashed(&input.file.path), input.rows),
        ));
    }
    for (i, (k, v)) in params.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, cell_text(k))?;
        ws.write_string(i as u32 + 1, 1, cell_text(v))?;
    }
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
    // A text's bytes are at least its characters: most cells are told by their length.
    if text.len() <= EXCEL_CELL_LIMIT || text.chars().count() <= EXCEL_CELL_LIMIT {
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
    fn long_cells_are_cut_at_excels_limit() {
        assert_eq!(cell_text("短"), "短");
        let long = "专".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), EXCEL_CELL_LIMIT);
        assert!(cut.ends_with("see the CSV]"));
    }
}
