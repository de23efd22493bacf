//! Whether a patent is valid on a date (SPEC §1 "Eligible"): granted, not
//! lapsed, not expired, and a CN invention patent.

use chrono::{Datelike, NaiveDate};

use crate::rules::dates::{add_years, Ymd};
use crate::rules::events::EventClass;
use crate::rules::model::{Known, Patent};
use crate::rules::numbers::Kind;
use crate::rules::status::StatusClass;
use crate::rules::RuleParams;

/// The eligibility verdict with its evidence line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// A CN invention patent valid on the date.
    pub eligible: bool,
    /// Why.
    pub evidence: String,
}

/// Why a patent is or is not eligible on a date; decided without building text, so
/// that scoring at many dates costs no allocation ([`Decision::evidence`] renders it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Another office's patent.
    NotCn,
    /// A utility model or design.
    NotInvention(Kind),
    /// The kind could not be told.
    KindUnknown,
    /// Granted after the date.
    GrantedLater(NaiveDate),
    /// No grant date and no in-force status.
    NotGranted,
    /// The status is unknown (a CNIPA pss status that is neither grant, lapse nor end
    /// of the application), and no grant date or grant event says granted.
    StatusUnknown,
    /// Lapsed on or before the date.
    Lapsed(NaiveDate),
    /// A dead status without a lapse date.
    LapsedByStatus,
    /// The term ended on or before the date.
    Expired(NaiveDate),
    /// The filing date is known to the year only, and the term ends on the date or
    /// not depending on the day: "no", and not assessable (SPEC §7).
    TermUnsettled,
    /// Valid: granted (on the date, when known), term ending on `term_end`.
    Valid {
        /// The grant date, when known.
        granted: Option<NaiveDate>,
        /// Filing date plus the term.
        term_end: NaiveDate,
    },
}

impl Decision {
    /// Whether the patent is eligible.
    pub fn eligible(self) -> bool {
        matches!(self, Decision::Valid { .. })
    }

    /// The evidence line for `p` on `as_of`.
    pub fn evidence(self, p: &Patent, as_of: NaiveDate, params: &RuleParams) -> String {
        let mut out = String::new();
        self.write_evidence(&mut out, p, as_of, params);
        out
    }

    /// [`Decision::evidence`], written at the end of `out`.
    pub fn write_evidence(self, out: &mut String, p: &Patent, as_of: NaiveDate, params: &RuleParams) {
        use std::fmt::Write as _;
        let status = crate::rules::text::trim(&p.status);
        let _ = match self {
            Decision::NotCn => write!(out, "not a CN patent"),
            Decision::NotInvention(k) => write!(out, "not an invention patent ({})", k.as_str()),
            Decision::KindUnknown => write!(out, "kind unknown"),
            Decision::GrantedLater(g) => write!(out, "not granted on {} (granted {})", Ymd(as_of), Ymd(g)),
            Decision::NotGranted => {
                write!(out, "not granted (no grant date, status {})", if status.is_empty() { "none" } else { status })
            }
            Decision::StatusUnknown => write!(
                out,
                "not granted as far as the data shows: status unknown (latest legal event {status}), no grant date"
            ),
            Decision::Lapsed(l) => {
                let _ = write!(out, "lapsed {}", Ymd(l));
                write_event(out, p, p.known.contains(Known::LAPSE_FROM_EVENT), EventClass::Lapse, l)
            }
            Decision::LapsedByStatus => write!(out, "lapsed (status {status}, no lapse date)"),
            Decision::Expired(end) if p.filing_year_only => {
                write!(out, "expired by {} (filed {} + {} years)", Ymd(end), filing_text(p), params.term_years)
            }
            Decision::Expired(end) => {
                write!(out, "expired {} (filed {} + {} years)", Ymd(end), Ymd(p.filing_date), params.term_years)
            }
            Decision::TermUnsettled => write!(
                out,
                "cannot tell: filed {}, so the {}-year term ends in {} on a day not known",
                filing_text(p),
                params.term_years,
                p.filing_date.year() + params.term_years
            ),
            Decision::Valid { granted: Some(g), term_end } => {
                let _ = write!(out, "valid: granted {}", Ymd(g));
                let _ = write_event(out, p, p.known.contains(Known::GRANT_FROM_EVENT), EventClass::Grant, g);
                match p.filing_year_only {
                    true => write!(out, ", not lapsed, term ends in {}", term_end.year()),
                    false => write!(out, ", not lapsed, term ends {}", Ymd(term_end)),
                }
            }
            Decision::Valid { granted: None, term_end } => {
                write!(out, "valid: granted (status {status}, no grant date), not lapsed, term ends {}", Ymd(term_end))
            }
        };
    }
}

/// The §1 status class of a patent: the one legal events decided, else its status
/// text classified.
pub fn status_of(p: &Patent) -> StatusClass {
    p.status_class.unwrap_or_else(|| p.status.status_class())
}

/// A date known to the day (`first == last`) or only to the year (the span of days
/// it may fall on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    /// The earliest the date may be.
    pub first: NaiveDate,
    /// The latest the date may be.
    pub last: NaiveDate,
}

impl DateSpan {
    /// The span of the patent's filing date moved by `years`.
    pub fn after_filing(p: &Patent, years: i32) -> DateSpan {
        DateSpan::of_anchor(p.filing_date, p.filing_year_only, years)
    }

    /// `anchor` (a whole year when `year_only`) moved by `years`.
    pub fn of_anchor(anchor: NaiveDate, year_only: bool, years: i32) -> DateSpan {
        let first = add_years(anchor, years);
        let last = match year_only {
            true => NaiveDate::from_ymd_opt(anchor.year(), 12, 31).map_or(first, |end| add_years(end, years)),
            false => first,
        };
        DateSpan { first, last }
    }
}

/// How the filing date reads in evidence: the day, or `2005 (year only)`.
pub fn filing_text(p: &Patent) -> String {
    match p.filing_year_only {
        true => format!("{} (year only)", p.filing_date.year()),
        false => Ymd(p.filing_date).to_string(),
    }
}

/// Decide eligibility of `p` on `as_of`, given its status class (see [`status_of`]).
pub fn decide(p: &Patent, status: StatusClass, as_of: NaiveDate, params: &RuleParams) -> Decision {
    decide_with_term(p, status, DateSpan::after_filing(p, params.term_years), as_of)
}

/// [`decide`] with the term's end (filing date plus the term) already worked out.
pub fn decide_with_term(p: &Patent, status: StatusClass, term: DateSpan, as_of: NaiveDate) -> Decision {
    if !p.id.is_cn() {
        return Decision::NotCn;
    }
    match p.kind {
        Some(Kind::Invention) => {}
        Some(k) => return Decision::NotInvention(k),
        None => return Decision::KindUnknown,
    }
    match p.grant_date {
        Some(g) if g > as_of => return Decision::GrantedLater(g),
        Some(_) => {}
        None if status == StatusClass::InForce => {}
        None if p.status_class == Some(StatusClass::Unknown) => return Decision::StatusUnknown,
        None => return Decision::NotGranted,
    }
    match p.lapse_date {
        Some(l) if l <= as_of => return Decision::Lapsed(l),
        None if status == StatusClass::Dead => return Decision::LapsedByStatus,
        _ => {}
    }
    if as_of >= term.last {
        return Decision::Expired(term.last);
    }
    if as_of >= term.first {
        return Decision::TermUnsettled;
    }
    Decision::Valid { granted: p.grant_date, term_end: term.first }
}

/// ` (legal event …)` after a date that came from the patent's events.
fn write_event(out: &mut String, p: &Patent, from_event: bool, class: EventClass, on: NaiveDate) -> std::fmt::Result {
    use std::fmt::Write as _;
    match p.events().iter().find(|e| e.class == class && e.date == Some(on)).filter(|_| from_event) {
        Some(event) => write!(out, " (legal event {})", event.text),
        None => Ok(()),
    }
}

/// Decide eligibility of `p` on `as_of`, with the evidence line.
pub fn eligibility(p: &Patent, as_of: NaiveDate, params: &RuleParams) -> Eligibility {
    let decision = decide(p, status_of(p), as_of, params);
    Eligibility { eligible: decision.eligible(), evidence: decision.evidence(p, as_of, params) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::numbers::PatentId;
    use crate::rules::status::classify_status;
    use crate::rules::testutil::{d, patent};

    fn eligible(p: &Patent, as_of: &str) -> bool {
        eligibility(p, d(as_of), &RuleParams::default()).eligible
    }

    #[test]
    fn statuses() {
        for s in [
            "失效",
            "无效",
            "专利权终止",
            "届满",
            "放弃",
            "视为撤回",
            "驳回",
            "Lapsed",
            "EXPIRED",
            "revoked",
            "Withdrawn",
            "refused",
            "INACTIVE",
            "Expired - Fee Related",
        ] {
            assert_eq!(classify_status(s), StatusClass::Dead, "{s}");
        }
        for s in ["有效", "授权", "专利权维持", "Active", "granted", "In Force", "部分无效"] {
            assert_eq!(classify_status(s), StatusClass::InForce, "{s}");
        }
        for s in ["审中", "实质审查", "Pending"] {
            assert_eq!(classify_status(s), StatusClass::Pending, "{s}");
        }
        assert_eq!(classify_status(""), StatusClass::Unknown);
        assert_eq!(classify_status("？"), StatusClass::Unknown);
    }

    #[test]
    fn grant_date_equal_to_as_of_is_granted() {
        let p = patent("2015-01-01", Some("2025-12-31"), "有效", None);
        assert!(eligible(&p, "2025-12-31"));
        assert!(!eligible(&p, "2025-12-30"));
    }

    #[test]
    fn no_grant_date_falls_back_to_status() {
        assert!(eligible(&patent("2015-01-01", None, "有效", None), "2025-12-31"));
        assert!(!eligible(&patent("2015-01-01", None, "审中", None), "2025-12-31"));
        assert!(!eligible(&patent("2015-01-01", None, "", None), "2025-12-31"));
    }

    #[test]
    fn lapse_date_equal_to_as_of_is_lapsed() {
        let p = patent("2015-01-01", Some("2017-01-01"), "失效", Some("2025-12-31"));
        assert!(!eligible(&p, "2025-12-31"));
        assert!(eligible(&p, "2025-12-30"));
        let e = eligibility(&p, d("2025-12-31"), &RuleParams::default());
        assert_eq!(e.evidence, "lapsed 2025-12-31");
    }

    #[test]
    fn dead_status_without_date_is_lapsed_at_any_date() {
        let p = patent("2015-01-01", Some("2017-01-01"), "失效", None);
        assert!(!eligible(&p, "2018-01-01"));
    }

    #[test]
    fn twenty_year_expiry_day() {
        let p = patent("2005-12-31", Some("2008-01-01"), "有效", None);
        assert!(eligible(&p, "2025-12-30"));
        assert!(!eligible(&p, "2025-12-31"));
        let q = patent("2006-01-01", Some("2008-01-01"), "有效", None);
        assert!(eligible(&q, "2025-12-31"));
        // Filed on a leap day: the term ends on 29 February 2024 (a leap year too).
        let leap = patent("2004-02-29", Some("2006-01-01"), "有效", None);
        assert!(eligible(&leap, "2024-02-28"));
        assert!(!eligible(&leap, "2024-02-29"));
    }

    #[test]
    fn other_kinds_are_not_eligible() {
        let mut p = patent("2015-01-01", Some("2016-01-01"), "有效", None);
        p.kind = Some(Kind::UtilityModel);
        assert_eq!(
            eligibility(&p, d("2025-12-31"), &RuleParams::default()).evidence,
            "not an invention patent (utility_model)"
        );
        p.kind = None;
        assert!(!eligible(&p, "2025-12-31"));
        p.kind = Some(Kind::Invention);
        p.id = PatentId("US10123456".into());
        assert!(!eligible(&p, "2025-12-31"));
    }
}
