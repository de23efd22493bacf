//! The TOML config (SPEC §3, §6): every key mirrors a `run` flag; flags override
//! the file; paths are relative to the config file; unknown keys are errors.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::read::attach::SideTables;
use crate::read::profile::{check_roles, ColumnMap, Profile};
use crate::rules::dates::{add_years, parse_date, year_end};
use crate::rules::institutions::InstitutionType;
use crate::rules::RuleParams;

/// The config file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Portfolio CSV files.
    #[serde(default)]
    pub portfolio: Vec<PathBuf>,
    /// `families.csv`.
    pub families: Option<PathBuf>,
    /// `pledges.csv`.
    pub pledges: Option<PathBuf>,
    /// `awards.csv`.
    pub awards: Option<PathBuf>,
    /// `events.csv` (legal events: `patent, date, event`).
    pub events: Option<PathBuf>,
    /// `classes.csv` (IPC/CPC codes from another source: `patent, codes`).
    pub classes: Option<PathBuf>,
    /// `transactions.csv` (transfers, licences, equity, pledges and money received).
    pub transactions: Option<PathBuf>,
    /// Share of the money received that the reward pays (default 0.05).
    pub reward_rate: Option<f64>,
    /// The most the reward pays an institution in a year, 万元 (default 100).
    pub reward_cap_wan: Option<f64>,
    /// `aliases.csv`, added to (and overriding) the built-in table.
    pub aliases: Option<PathBuf>,
    /// A concordance CSV replacing the built-in one.
    pub concordance: Option<PathBuf>,
    /// Report date, `YYYY-MM-DD`.
    pub as_of: Option<String>,
    /// Report year (as_of = 31 December of it).
    pub year: Option<i32>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Institution types in the report (`["university"]` by default; `["all"]` for every type).
    pub institution_types: Option<Vec<String>>,
    /// Largest share of rejected portfolio rows before the run fails (0–1).
    pub max_reject_share: Option<f64>,
    /// `full` (each co-holder counts the patent once) or `fractional` (1/n each).
    pub counting: Option<Counting>,
    /// Count campuses and graduate schools under their parent university.
    pub rollup_campuses: Option<bool>,
    /// The portfolio layout (`native`, `cn`, `lens`, `google`); detected from the headers when absent.
    pub profile: Option<Profile>,
    /// Worksheet of an `.xlsx` portfolio (default: the first).
    pub sheet: Option<String>,
    /// Years in the trend (the report year and the ones before it); default 5.
    pub trend_years: Option<u32>,
    /// Write cells as they are, without neutralising spreadsheet formulas (default false).
    pub raw_cells: Option<bool>,
    /// Start each CSV output with a UTF-8 byte-order mark (default true; SPEC §11).
    pub csv_bom: Option<bool>,
    /// The fewest known values a cohort needs for relative quality figures (SPEC §12; default 30).
    pub quality_min_cohort: Option<u32>,
    /// The output files to write (SPEC §11; default: all).
    pub outputs: Option<Vec<String>>,
    /// Roles read from columns whose headers hvpat does not know: role → header.
    #[serde(default)]
    pub columns: ColumnMap,
    /// Rule thresholds.
    #[serde(default)]
    pub rules: RuleParams,
}

/// How a patent with several holders counts for each of them (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counting {
    /// Each co-holder counts the patent once.
    Full,
    /// Each of n co-holders counts 1/n.
    Fractional,
}

impl Counting {
    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Full => "full",
            Counting::Fractional => "fractional",
        }
    }
}

/// Values given on the command line, which override the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Portfolio files (replace the config's list when not empty).
    pub portfolio: Vec<PathBuf>,
    /// `--families`, `--pledges`…
    pub side: SideTables,
    /// `--as-of`.
    pub as_of: Option<String>,
    /// `--year`.
    pub year: Option<i32>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--outputs`.
    pub outputs: Option<Vec<String>>,
    /// `--csv-bom` (`Some(true)`) or `--no-csv-bom` (`Some(false)`).
    pub csv_bom: Option<bool>,
    /// `--profile`.
    pub profile: Option<Profile>,
    /// `--sheet`.
    pub sheet: Option<String>,
    /// The report date when neither the flags nor the file give one (`check`: today);
    /// `None` makes a missing date an error (`run`, `explain`).
    pub as_of_default: Option<NaiveDate>,
}

/// Everything one run needs, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Portfolio files.
    pub portfolio: Vec<PathBuf>,
    /// Side tables.
    #[serde(flatten)]
    pub side: SideTables,
    /// Reward rate.
    pub reward_rate: f64,
    /// Reward cap, 万元.
    pub reward_cap_wan: f64,
    /// Concordance replacement.
    pub concordance: Option<PathBuf>,
    /// The report date.
    pub as_of: NaiveDate,
    /// One year before `as_of` (29 February steps back to 28 February).
    pub as_of_prev: NaiveDate,
    /// Output folder.
    pub out: PathBuf,
    /// Types kept in the institution report; `None` keeps all.
    pub institution_types: Option<Vec<InstitutionType>>,
    /// Largest share of rejected rows.
    pub max_reject_share: f64,
    /// Counting mode.
    pub counting: Counting,
    /// Campuses rolled up into their parent university.
    pub rollup_campuses: bool,
    /// Layout override.
    pub profile: Option<Profile>,
    /// Worksheet of workbook portfolios.
    pub sheet: Option<String>,
    /// Trend dates, oldest first: `as_of` and its anniversaries before it.
    pub trend_dates: Vec<NaiveDate>,
    /// CSV cells written without formula neutralising.
    pub raw_cells: bool,
    /// CSV outputs start with a UTF-8 byte-order mark.
    pub csv_bom: bool,
    /// The fewest known values a quality cohort needs (SPEC §12).
    pub quality_min_cohort: u32,
    /// The output files named (`None`: all), as a set: sorted, each once. Checked
    /// against the outputs when the run starts (`write::outputs::Selection`).
    pub outputs: Option<Vec<String>>,
    /// Roles read from named columns (`[columns]`).
    pub columns: ColumnMap,
    /// Rule thresholds.
    pub rules: RuleParams,
}

/// Default fewest known values of a quality cohort (SPEC §12).
pub const DEFAULT_QUALITY_MIN_COHORT: u32 = 30;

/// Default reject-share limit: a run whose portfolio rows are more than 5 % rejects fails.
pub const DEFAULT_MAX_REJECT_SHARE: f64 = 0.05;

impl ConfigFile {
    /// The side tables the file names.
    fn side_tables(&mut self) -> SideTables {
        SideTables {
            families: self.families.take(),
            pledges: self.pledges.take(),
            awards: self.awards.take(),
            aliases: self.aliases.take(),
            events: self.events.take(),
            classes: self.classes.take(),
            transactions: self.transactions.take(),
        }
    }

    /// Read and parse a config file; relative paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        let mut cfg: ConfigFile =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        cfg.portfolio.iter_mut().for_each(rebase);
        let mut side = cfg.side_tables();
        for p in side.paths_mut().into_iter().chain([&mut cfg.concordance, &mut cfg.out]) {
            if let Some(p) = p.as_mut() {
                rebase(p);
            }
        }
        let SideTables { families, pledges, awards, aliases, events, classes, transactions } = side;
        cfg = ConfigFile { families, pledges, awards, aliases, events, classes, transactions, ..cfg };
        Ok(cfg)
    }

    /// Merge with the command line and check every value.
    pub fn resolve(mut self, mut o: Overrides) -> Result<Settings> {
        let side = std::mem::take(&mut o.side).or(self.side_tables());
        let given = std::mem::take(&mut o.portfolio);
        let portfolio = expand_patterns(if given.is_empty() { std::mem::take(&mut self.portfolio) } else { given })?;
        if portfolio.is_empty() {
            bail!("no portfolio given: name one or more CSV files, or `portfolio = [...]` in the config");
        }
        let as_of = report_date(&o, self.as_of.take(), self.year)?;
        let institution_types = institution_types(self.institution_types.take())?;
        let trend_years = self.trend_years.unwrap_or(5);
        let max_reject_share = self.max_reject_share.unwrap_or(DEFAULT_MAX_REJECT_SHARE);
        let reward_rate = self.reward_rate.unwrap_or(0.05);
        let reward_cap_wan = self.reward_cap_wan.unwrap_or(100.0);
        self.check_values(trend_years, max_reject_share, reward_rate, reward_cap_wan)?;
        Ok(Settings {
            portfolio,
            side,
            reward_rate,
            reward_cap_wan,
            concordance: self.concordance,
            as_of_prev: add_years(as_of, -1),
            as_of,
            out: o.out.or(self.out).unwrap_or_else(|| PathBuf::from("hvpat-out")),
            institution_types,
            max_reject_share,
            counting: self.counting.unwrap_or(Counting::Full),
            rollup_campuses: self.rollup_campuses.unwrap_or(false),
            profile: o.profile.or(self.profile),
            sheet: o.sheet.or(self.sheet),
            raw_cells: self.raw_cells.unwrap_or(false),
            csv_bom: o.csv_bom.or(self.csv_bom).unwrap_or(true),
            quality_min_cohort: self.quality_min_cohort.unwrap_or(DEFAULT_QUALITY_MIN_COHORT),
            outputs: o.outputs.or(self.outputs).map(|mut names| {
                names.iter_mut().for_each(|n| *n = n.trim().to_string());
                names.sort();
                names.dedup();
                names
            }),
            trend_dates: (0..i32::try_from(trend_years).unwrap_or(5)).rev().map(|k| add_years(as_of, -k)).collect(),
            columns: self.columns,
            rules: self.rules,
        })
    }

    /// Every value the file gives (with its defaults) in range.
    fn check_values(
        &self,
        trend_years: u32,
        max_reject_share: f64,
        reward_rate: f64,
        reward_cap_wan: f64,
    ) -> Result<()> {
        if !(1..=50).contains(&trend_years) {
            bail!("trend_years must be between 1 and 50, not {trend_years}");
        }
        if !(0.0..=1.0).contains(&max_reject_share) {
            bail!("max_reject_share must be between 0 and 1, not {max_reject_share}");
        }
        if !(0.0..=1.0).contains(&reward_rate) {
            bail!("reward_rate must be between 0 and 1, not {reward_rate}");
        }
        if !(reward_cap_wan.is_finite() && reward_cap_wan >= 0.0) {
            bail!("reward_cap_wan must be a non-negative number, not {reward_cap_wan}");
        }
        check_roles(&self.columns).map_err(anyhow::Error::msg)?;
        let r = &self.rules;
        if !(r.pledge_threshold_wan.is_finite() && r.pledge_threshold_wan >= 0.0) {
            bail!("rules.pledge_threshold_wan must be a non-negative number");
        }
        if r.maintained_years < 0 || r.term_years <= 0 {
            bail!("rules.maintained_years and rules.term_years must be positive");
        }
        Ok(())
    }
}

/// The report date: `--as-of`, `--year`, the file's `as_of`, its `year`, then the
/// command's default (`check`: today); none is an error.
fn report_date(o: &Overrides, as_of: Option<String>, year: Option<i32>) -> Result<NaiveDate> {
    match (&o.as_of, o.year) {
        (Some(s), _) => date_arg(s, "--as-of"),
        (None, Some(y)) => year_arg(y),
        (None, None) => match (as_of, year) {
            (Some(s), _) => date_arg(&s, "as_of"),
            (None, Some(y)) => year_arg(y),
            (None, None) => match o.as_of_default {
                Some(date) => Ok(date),
                None => bail!("no report date: give --as-of YYYY-MM-DD or --year YYYY (or as_of/year in the config)"),
            },
        },
    }
}

/// The institution types kept (default: universities; `all`: every type, `None`).
fn institution_types(list: Option<Vec<String>>) -> Result<Option<Vec<InstitutionType>>> {
    Ok(match list {
        None => Some(vec![InstitutionType::University]),
        Some(list) if list.iter().any(|t| t == "all") => None,
        Some(list) => Some(
            list.iter()
                .map(|t| {
                    InstitutionType::parse(t).with_context(|| {
                        format!("institution_types: unknown type {t:?} (university, institute, enterprise, hospital, individual, other, all)")
                    })
                })
                .collect::<Result<_>>()?,
        ),
    })
}

/// Expand glob patterns (`exports/*.csv`) in sorted order; a pattern that matches
/// nothing is an error, a plain path is kept as it is.
fn expand_patterns(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let text = p.to_string_lossy();
        if !text.contains(['*', '?', '[']) {
            out.push(p);
            continue;
        }
        let mut matched: Vec<PathBuf> = glob::glob(&text)
            .with_context(|| format!("bad portfolio pattern {text:?}"))?
            .filter_map(Result::ok)
            .filter(|m| m.is_file())
            .collect();
        if matched.is_empty() {
            bail!("portfolio pattern {text:?} matches no file");
        }
        matched.sort();
        out.extend(matched);
    }
    Ok(out)
}

fn date_arg(s: &str, what: &str) -> Result<NaiveDate> {
    match parse_date(s) {
        Ok(Some(d)) => Ok(d),
        _ => bail!("{what}: not a date: {s:?} (expected YYYY-MM-DD)"),
    }
}

fn year_arg(y: i32) -> Result<NaiveDate> {
    if !(1985..=9998).contains(&y) {
        bail!("year: {y} is out of range");
    }
    year_end(y).context("year out of range")
}

/// The commented config that `hvpat init` writes.
pub const TEMPLATE: &str = r#"# hvpat configuration. Every key mirrors a `hvpat run` flag; flags win.
# Paths are relative to this file.

# Portfolio files or glob patterns (exports/*.csv): CSV (UTF-8, UTF-16 or GB18030; comma, tab or semicolon) or
# .xlsx. The layout is detected from the headers: native (app_no, pub_no, title,
# kind, filing_date, grant_date, status, lapse_date, ipc, applicants, holders,
# family, pledge_amount, awards), cn (incoPat / Patsnap / CNIPA Chinese headers),
# lens (Lens.org) or google (Google Patents "Download (CSV)").
portfolio = ["portfolio.csv"]
# profile = "cn"      # force a layout instead of detecting it
# sheet = "Sheet1"    # worksheet of an .xlsx portfolio (default: the first)

# Optional side tables.
families = "families.csv"   # patent, member
pledges = "pledges.csv"     # contract_id, patent, amount_wan, registered_on
awards = "awards.csv"       # patent, award, level, date
# aliases = "aliases.csv"   # alias, institution, type[, parent] — added to the built-in table
# concordance = "my-concordance.csv"  # ipc, sei_code, sei_name[, legacy] — replaces the built-in table

# Report date: as_of = "YYYY-MM-DD", or year = YYYY for 31 December of that year.
year = 2025

# Output folder (written atomically: a temporary folder renamed into place).
out = "hvpat-out"
# The files to write (default: all of them). manifest.json, rejects.csv,
# warnings.csv and unresolved.csv, the run's accounting, are always written.
# outputs = ["institutions.csv", "patents.csv", "patents.parquet", "institutions.parquet",
#            "institutions.json", "conversion.csv", "report.html", "report.xlsx", "summary.md"]

# Institution types in institutions.csv: university, institute, enterprise,
# hospital, individual, other — or ["all"].
institution_types = ["university"]

# How a co-held patent counts: "full" (once for each co-holder) or
# "fractional" (1/n for each of its n holders).
counting = "full"

# Count campuses and graduate schools (哈尔滨工业大学（深圳）, 清华大学深圳国际研究生院…)
# under their parent university instead of as institutions of their own.
rollup_campuses = false

# Years in the report's trend (the report date and its anniversaries before it).
trend_years = 5

# CSV cells that a spreadsheet would run as a formula (starting with = + - @,
# tab or carriage return) get a leading apostrophe. Set true to write them raw
# (for tools that read the CSV as data, not for people who open it in Excel).
raw_cells = false

# CSV outputs start with a UTF-8 byte-order mark, so that Excel on a
# Chinese-locale Windows opens them as UTF-8 (without it every name is garbled).
# Set false for tools that do not expect one (flags --no-csv-bom / --csv-bom).
csv_bom = true

# Quality indicators (SPEC §12): a cohort (filing year x IPC section) needs this many
# known values before its relative figures (scope_rel, cited_by_rel, top10_cited…) are given.
quality_min_cohort = 30

# Fail (exit code 4) when more than this share of portfolio rows is rejected.
max_reject_share = 0.05

[rules]
pledge_threshold_wan = 1000.0   # D4: 万元 attributed to the patent
apportion = "equal"             # D4: "equal" shares a contract among its patents; "full" credits each the whole
maintained_years = 10           # D3: as_of must be after anchor + this many years
maintained_anchor = "filing"    # D3: "filing" or "grant"
term_years = 20                 # expiry: filing date + term
hmt_overseas = true             # D2: Hong Kong, Macao and Taiwan members count as overseas

# Columns whose headers hvpat does not know (an in-house system, an interface not
# seen yet): role = "header". `hvpat check --config` shows the roles each file has.
# Roles: app_no, pub_no, title, kind, filing_date, grant_date, status, lapse_date, ipc,
# applicants, holders, family, pledge_amount, awards, filing_year, publication_date,
# status_date, events (undated list), dated_events (INPADOC-style), transfer_dates,
# licence_dates, pledge_dates, transfers, licences, pledges, family_size, office.
# [columns]
# holders = "Assignee - Current"
# ipc = "IPC - Current"
# dated_events = "INPADOC Legal Status"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_resolves() {
        let cfg: ConfigFile = toml::from_str(TEMPLATE).unwrap();
        let s = cfg.resolve(Overrides::default()).unwrap();
        assert_eq!(s.as_of.to_string(), "2025-12-31");
        assert_eq!(s.as_of_prev.to_string(), "2024-12-31");
        assert_eq!(
            s.trend_dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["2021-12-31", "2022-12-31", "2023-12-31", "2024-12-31", "2025-12-31"]
        );
        assert_eq!(s.rules, RuleParams::default());
        assert_eq!(s.institution_types, Some(vec![InstitutionType::University]));
        assert_eq!((s.counting, s.rollup_campuses), (Counting::Full, false));
        let cfg: ConfigFile = toml::from_str("counting = \"fractional\"\nrollup_campuses = true").unwrap();
        assert_eq!(cfg.counting, Some(Counting::Fractional));
        assert!(toml::from_str::<ConfigFile>("counting = \"half\"").is_err());
    }

    #[test]
    fn flags_override_the_file() {
        let cfg: ConfigFile = toml::from_str("portfolio = [\"a.csv\"]\nyear = 2020\n").unwrap();
        let s = cfg
            .resolve(Overrides {
                as_of: Some("2024-02-29".into()),
                portfolio: vec!["b.csv".into()],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.as_of.to_string(), "2024-02-29");
        assert_eq!(s.as_of_prev.to_string(), "2023-02-28");
        assert_eq!(s.portfolio, [PathBuf::from("b.csv")]);
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = toml::from_str::<ConfigFile>("portfolio = []\nthreshold = 3\n").unwrap_err().to_string();
        assert!(e.contains("threshold"), "{e}");
        let e = toml::from_str::<ConfigFile>("[rules]\npledge = 3\n").unwrap_err().to_string();
        assert!(e.contains("pledge"), "{e}");
    }

    #[test]
    fn bad_values_are_refused() {
        let bad = |t: &str| toml::from_str::<ConfigFile>(t).unwrap().resolve(Overrides::default()).is_err();
        assert!(bad("portfolio=[\"a\"]\nas_of=\"2025-02-30\""));
        assert!(bad("portfolio=[\"a\"]"));
        assert!(bad("year=2025"));
        assert!(bad("portfolio=[\"a\"]\nyear=2025\ninstitution_types=[\"planet\"]"));
        assert!(bad("portfolio=[\"a\"]\nyear=2025\nmax_reject_share=2"));
        assert!(!bad("portfolio=[\"a\"]\nyear=2025\ninstitution_types=[\"all\"]"));
    }
}
