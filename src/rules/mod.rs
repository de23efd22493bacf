//! The pure domain core: patent numbers, dates, IPC codes, the concordance,
//! validity, the five dimensions and institution names. No polars, no files, no clocks.

pub mod awards;
pub mod concordance;
pub mod conversion;
pub mod coverage;
pub mod dates;
pub mod dimensions;
pub mod events;
pub mod family;
pub mod figures;
pub mod institutions;
pub mod ipc;
pub mod model;
pub mod numbers;
pub mod quality;
pub mod settle;
pub mod status;
pub mod text;
pub mod validity;

use serde::{Deserialize, Serialize};

/// Why a reference table (the concordance, an alias table) could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A row of the table is malformed.
    #[error("line {line}: {message}")]
    Row {
        /// 1-based line in the table.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The table is not valid CSV.
    #[error(transparent)]
    Csv(#[from] csv::Error),
}

use crate::rules::model::Apportion;

/// What the 10-year maintenance count (D3) starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaintainedAnchor {
    /// The filing date (default).
    Filing,
    /// The grant date.
    Grant,
}

/// Every threshold of the rules (SPEC §1); each is a config value and is printed in every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleParams {
    /// D4: pledge financing threshold, 万元.
    pub pledge_threshold_wan: f64,
    /// D4: how a contract over several patents is attributed.
    pub apportion: Apportion,
    /// D3: years a patent must have been maintained (strictly more than).
    pub maintained_years: i32,
    /// D3: the date the years count from.
    pub maintained_anchor: MaintainedAnchor,
    /// Patent term in years (expiry = filing date + term).
    pub term_years: i32,
    /// D2: whether Hong Kong, Macao and Taiwan family members count as overseas.
    pub hmt_overseas: bool,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            pledge_threshold_wan: 1000.0,
            apportion: Apportion::Equal,
            maintained_years: 10,
            maintained_anchor: MaintainedAnchor::Filing,
            term_years: 20,
            hmt_overseas: true,
        }
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use chrono::NaiveDate;

    use crate::rules::model::{Patent, SourceRef};
    use crate::rules::numbers::{Kind, PatentId};

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn patent(filing: &str, grant: Option<&str>, status: &str, lapse: Option<&str>) -> Patent {
        Patent {
            id: PatentId("CN201310699744.2".into()),
            kind: Some(Kind::Invention),
            filing_date: d(filing),
            grant_date: grant.map(d),
            status: status.into(),
            lapse_date: lapse.map(d),
            ipc: Box::default(),
            holders: Box::default(),
            holders_explicit: false,
            source: SourceRef { file: 0, line: 2 },
            ..Patent::default()
        }
    }
}
