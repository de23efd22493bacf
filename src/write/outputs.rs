//! The outputs a run can write (SPEC §11), as one list: each file's name, its writer
//! and what it needs. The selection (`outputs = [...]`, `--outputs`), the writing and
//! the manifest's `outputs` key all read this list, so work that only an unselected
//! output needs is not done, and a new output is a writer plus one line here.

use std::path::Path;

use anyhow::{Context, Result};

use crate::aggregate::{unresolved_names, InstitutionRow};
use crate::config::Settings;
use crate::score::scored_run::ScoredRun;
use crate::write::manifest::{institutions_json, write_json};
use crate::write::report::{self, ReportData};
use crate::write::{csv_out, parquet, CsvStyle};

/// What an output is made from, beyond the run's institutions and accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing more.
    Nothing,
    /// Every scored patent's row, evidence included: rendered in one parallel pass
    /// shared by the outputs that need it (`patents.csv`, `patents.parquet`).
    PatentRows,
    /// The reports' data: the patents of the reported institutions and their totals.
    Report,
    /// The quality indicators per institution (SPEC §12).
    Quality,
}

/// How an output is written.
#[derive(Clone, Copy)]
pub enum Writer {
    /// In the patents' pass ([`crate::write::patents::write_patents`]).
    PatentRows,
    /// From the finished run, into the file at the path.
    File(fn(&Job<'_>, &Path) -> Result<()>),
    /// Last, by the pipeline: the manifest lists what was written.
    Manifest,
}

/// One output file.
pub struct Output {
    /// The file name in the output folder.
    pub name: &'static str,
    /// Written by every run: the run's accounting (naming it is accepted).
    pub always: bool,
    /// What it is made from.
    pub needs: Need,
    /// How it is written.
    pub writer: Writer,
}

const fn output(name: &'static str, needs: Need, writer: Writer) -> Output {
    Output { name, always: false, needs, writer }
}

const fn accounting(name: &'static str, writer: Writer) -> Output {
    Output { name, always: true, needs: Need::Nothing, writer }
}

/// Every output, in the order the manifest lists them.
pub const OUTPUTS: &[Output] = &[
    output("patents.csv", Need::PatentRows, Writer::PatentRows),
    output("patents.parquet", Need::PatentRows, Writer::PatentRows),
    output("institutions.csv", Need::Nothing, Writer::File(institutions_csv)),
    output("conversion.csv", Need::Nothing, Writer::File(conversion_csv)),
    output("institutions.parquet", Need::Nothing, Writer::File(institutions_parquet)),
    output("institutions.json", Need::Nothing, Writer::File(institutions_json_file)),
    output("quality.csv", Need::Quality, Writer::File(quality_csv)),
    output("quality.parquet", Need::Quality, Writer::File(quality_parquet)),
    accounting("rejects.csv", Writer::File(rejects_csv)),
    accounting("warnings.csv", Writer::File(warnings_csv)),
    accounting("unresolved.csv", Writer::File(unresolved_csv)),
    output("report.html", Need::Report, Writer::File(report_html)),
    output("report.xlsx", Need::Report, Writer::File(report_xlsx)),
    output("summary.md", Need::Report, Writer::File(summary_md)),
    accounting("manifest.json", Writer::Manifest),
];

/// A name that is not an output (a usage error, exit 2).
#[derive(Debug, thiserror::Error)]
#[error("outputs: unknown output {name:?}; the outputs are: {}", OUTPUTS.iter().map(|o| o.name).collect::<Vec<_>>().join(", "))]
pub struct UnknownOutput {
    /// The name given.
    pub name: String,
}

/// The outputs a run writes: a set over [`OUTPUTS`], the accounting files always in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection(u64);

impl Selection {
    /// Every output (the default).
    pub fn all() -> Selection {
        Selection((1u64 << OUTPUTS.len()) - 1)
    }

    /// The outputs named (order and repeats do not matter), with the accounting
    /// files; `None` is every output.
    pub fn parse<S: AsRef<str>>(names: Option<&[S]>) -> Result<Selection, UnknownOutput> {
        let Some(names) = names else { return Ok(Selection::all()) };
        let mut bits = OUTPUTS.iter().enumerate().filter(|(_, o)| o.always).fold(0, |b, (k, _)| b | 1 << k);
        for name in names {
            let name = name.as_ref().trim();
            match OUTPUTS.iter().position(|o| o.name == name) {
                Some(k) => bits |= 1 << k,
                None => return Err(UnknownOutput { name: name.to_string() }),
            }
        }
        Ok(Selection(bits))
    }

    /// Whether the output named is selected.
    pub fn contains(self, name: &str) -> bool {
        self.selected().any(|o| o.name == name)
    }

    /// The selected outputs, in the list's order.
    pub fn selected(self) -> impl Iterator<Item = &'static Output> {
        OUTPUTS.iter().enumerate().filter(move |(k, _)| self.0 >> k & 1 == 1).map(|(_, o)| o)
    }

    /// Whether a selected output needs `need`.
    pub fn needs(self, need: Need) -> bool {
        self.selected().any(|o| o.needs == need)
    }

    /// The names of the selected outputs, in the list's order (the manifest's `outputs`).
    pub fn names(self) -> Vec<&'static str> {
        self.selected().map(|o| o.name).collect()
    }
}

/// What the writers read: the settings, the scored run and its institutions, and the
/// reports' data when a selected output needs it.
pub struct Job<'a> {
    /// The run's settings.
    pub settings: &'a Settings,
    /// What was read and scored.
    pub scored_run: &'a ScoredRun,
    /// The institution rows.
    pub institutions: &'a [InstitutionRow],
    /// The reports' data, built only when a selected output needs it.
    pub report: Option<ReportData<'a>>,
    /// The quality rows (SPEC §12), built only when a selected output needs them.
    pub quality: Option<Vec<crate::aggregate::institution_quality::QualityRow>>,
}

impl<'a> Job<'a> {
    /// The writers' inputs for `selection`.
    pub fn new(
        settings: &'a Settings,
        scored_run: &'a ScoredRun,
        institutions: &'a [InstitutionRow],
        selection: Selection,
    ) -> Job<'a> {
        let report = selection.needs(Need::Report).then(|| ReportData::new(settings, scored_run, institutions));
        // The reports carry the quality rows: built once for both when both are selected.
        let quality = (selection.needs(Need::Quality) && report.is_none()).then(|| {
            let names: Vec<&str> = scored_run.institutions.iter().map(|i| i.name.as_str()).collect();
            crate::aggregate::institution_quality::quality_rows(
                &scored_run.scored,
                &scored_run.context(settings),
                institutions,
                &names,
            )
        });
        Job { settings, scored_run, institutions, report, quality }
    }

    fn quality(&self) -> Result<&[crate::aggregate::institution_quality::QualityRow]> {
        self.quality
            .as_deref()
            .or(self.report.as_ref().map(|r| r.quality.as_slice()))
            .context("internal error: the quality rows were not built; please report")
    }

    fn report(&self) -> Result<&ReportData<'a>> {
        self.report.as_ref().context("internal error: the reports' data was not built; please report")
    }
}

fn institutions_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    csv_out::write_institutions(path, job.institutions, CsvStyle::of(job.settings))
}

fn conversion_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    csv_out::write_conversion(path, job.institutions, CsvStyle::of(job.settings))
}

fn institutions_parquet(job: &Job<'_>, path: &Path) -> Result<()> {
    parquet::write_institutions(path, job.institutions)
}

fn institutions_json_file(job: &Job<'_>, path: &Path) -> Result<()> {
    write_json(path, &institutions_json(job.institutions, &job.settings.trend_dates))
}

fn quality_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    csv_out::write_quality(path, job.quality()?, CsvStyle::of(job.settings))
}

fn quality_parquet(job: &Job<'_>, path: &Path) -> Result<()> {
    parquet::write_quality(path, job.quality()?)
}

fn rejects_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    csv_out::write_issues(path, &job.scored_run.rejects, CsvStyle::of(job.settings))
}

fn warnings_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    csv_out::write_issues(path, &job.scored_run.warnings, CsvStyle::of(job.settings))
}

fn unresolved_csv(job: &Job<'_>, path: &Path) -> Result<()> {
    let unresolved = unresolved_names(&job.scored_run.scored, &job.scored_run.institutions);
    csv_out::write_unresolved(path, &unresolved, CsvStyle::of(job.settings))
}

fn report_html(job: &Job<'_>, path: &Path) -> Result<()> {
    std::fs::write(path, report::html(job.report()?)).context("cannot write report.html")
}

fn report_xlsx(job: &Job<'_>, path: &Path) -> Result<()> {
    report::write_xlsx(path, job.report()?)
}

fn summary_md(job: &Job<'_>, path: &Path) -> Result<()> {
    std::fs::write(path, report::summary_markdown(job.report()?)).context("cannot write summary.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_listed_once_and_the_default_is_all() {
        let mut names: Vec<_> = OUTPUTS.iter().map(|o| o.name).collect();
        assert_eq!(Selection::all().names(), names);
        assert_eq!(Selection::parse::<&str>(None).unwrap(), Selection::all());
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OUTPUTS.len());
        assert!(OUTPUTS.len() < 64);
    }

    #[test]
    fn a_selection_is_a_set_with_the_accounting_files() {
        let a = Selection::parse(Some(&["patents.csv", "institutions.csv", "patents.csv"])).unwrap();
        let b = Selection::parse(Some(&["institutions.csv", " patents.csv"])).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.names(),
            ["patents.csv", "institutions.csv", "rejects.csv", "warnings.csv", "unresolved.csv", "manifest.json"]
        );
        assert!(a.needs(Need::PatentRows) && !a.needs(Need::Report));
        assert!(!a.contains("patents.parquet") && a.contains("manifest.json"));
        let accounting = Selection::parse(Some(&["manifest.json", "rejects.csv"])).unwrap();
        assert_eq!(accounting, Selection::parse::<&str>(Some(&[])).unwrap());
        assert!(!accounting.needs(Need::PatentRows));
        assert!(Selection::parse(Some(&["summary.md"])).unwrap().needs(Need::Report));
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let e = Selection::parse(Some(&["patents.csv", "patents.xlsx"])).unwrap_err().to_string();
        assert!(e.starts_with("outputs: unknown output \"patents.xlsx\"; the outputs are: patents.csv, "), "{e}");
        assert!(e.contains("summary.md"), "{e}");
    }
}
