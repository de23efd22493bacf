//! The reader-facing reports: `report.html` (self-contained, inline CSS and SVG
//! charts), `report.xlsx` (five formatted sheets) and `summary.md` (for an email):
//! what they all show, and one module per output.

mod html;
mod summary;
mod xlsx;

pub use html::html;
pub use summary::summary_markdown;
pub use xlsx::write_xlsx;

use crate::aggregate::InstitutionRow;
use crate::config::Settings;
use crate::rules::coverage::{Coverage, Question};
use crate::rules::figures::format_number;
use crate::rules::institutions::UNIT;
use crate::rules::model::DIMENSIONS;
use crate::score::scored_run::ScoredRun;
use crate::score::Scored;

/// Everything a report shows.
pub struct ReportData<'a> {
    /// The run's settings.
    pub settings: &'a Settings,
    /// What was read and scored.
    pub scored_run: &'a ScoredRun,
    /// Institution rows in report order.
    pub institutions: &'a [InstitutionRow],
    /// Which of `scored_run.scored` are held by at least one reported institution: a bit
    /// each (not a list of references, 8 bytes a patent); see [`ReportData::patents`].
    reported: Vec<u64>,
    /// How many patents those are.
    pub held: usize,
    /// Of those: valid inventions, high-value ones, and high-value ones a year before.
    pub totals: Totals,
    /// The quality indicators per institution, in `institutions` order (SPEC §12).
    pub quality: Vec<crate::aggregate::institution_quality::QualityRow>,
}

/// The headline figures every report shows.
#[derive(Debug, Clone, Copy, Default)]
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
    pub fn new(
        settings: &'a Settings,
        scored_run: &'a ScoredRun,
        institutions: &'a [InstitutionRow],
    ) -> ReportData<'a> {
        let types = settings.institution_types.as_deref();
        let reported = |s: &&Scored| {
            s.institutions()
                .iter()
                .any(|&i| types.is_none_or(|t| t.contains(&scored_run.institutions[i as usize].kind)))
        };
        let mut bits = vec![0u64; scored_run.scored.len().div_ceil(64)];
        for (k, _) in scored_run.scored.iter().enumerate().filter(|(_, s)| reported(s)) {
            bits[k / 64] |= 1 << (k % 64);
        }
        let held = bits.iter().map(|w| w.count_ones() as usize).sum();
        let names: Vec<&str> = scored_run.institutions.iter().map(|i| i.name.as_str()).collect();
        let quality = crate::aggregate::institution_quality::quality_rows(
            &scored_run.scored,
            &scored_run.context(settings),
            institutions,
            &names,
        );
        let mut data =
            ReportData { settings, scored_run, institutions, reported: bits, held, totals: Totals::default(), quality };
        let count = |f: fn(&Scored) -> bool| data.patents().filter(|p| f(p)).count();
        data.totals = Totals {
            eligible: count(|p| p.verdict().eligible),
            high: count(|p| p.verdict().high_value()),
            high_prev: count(|p| p.prev().high_value()),
        };
        data
    }

    /// Patents held by at least one reported institution (each once), in id order.
    pub fn patents(&self) -> impl Iterator<Item = &'a Scored> + '_ {
        let scored: &'a [Scored] = &self.scored_run.scored;
        scored.iter().enumerate().filter(|(k, _)| self.reported[k / 64] >> (k % 64) & 1 == 1).map(|(_, s)| s)
    }
}

/// What every cohort-relative figure is marked with (SPEC §12): the cohorts are the
/// run's own inventions, not a national baseline.
fn cohort_caveat(min_cohort: u32) -> String {
    format!(
        "relative to this run's inventions of the same filing year and IPC section (cohorts of at least {min_cohort} known values): a figure that depends on the portfolio read, not a national baseline"
    )
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
