//! The five high-value dimensions (SPEC §1), each a yes/no with one evidence
//! line, and the whole verdict on a patent at a date.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::rules::concordance::SeiMatch;
use crate::rules::dates::Ymd;
use crate::rules::family::kind_is_granted;
use crate::rules::figures::format_wan;
use crate::rules::model::{AwardClass, Flags, Patent, Verdict};
use crate::rules::status::StatusClass;
use crate::rules::validity::{decide, decide_with_term, eligibility, filing_text, status_of, DateSpan};
use crate::rules::{MaintainedAnchor, RuleParams};

/// Amounts are compared with this tolerance so that 3000 万元 shared by 3 meets 1000.
const AMOUNT_EPSILON: f64 = 1e-9;

/// The verdict on `p` at `as_of`, given its SEI matches (which do not depend on the date).
pub fn verdict(p: &Patent, sei: &[SeiMatch<'_>], as_of: NaiveDate, params: &RuleParams) -> Verdict {
    let e = eligibility(p, as_of, params);
    let (d1, e1) = d1_sei(p, sei);
    let (d2, e2) = d2_overseas(p, params);
    let (d3, e3) = d3_maintained(p, e.eligible, as_of, params);
    let (d4, e4) = d4_pledge(p, as_of, params);
    let (d5, e5) = d5_award(p, as_of);
    Verdict {
        eligible: e.eligible,
        eligibility: e.evidence,
        dimensions: [d1, d2, d3, d4, d5],
        evidence: [e1.into_owned(), e2.into_owned(), e3, e4.into_owned(), e5.into_owned()],
    }
}

/// The decisions on `p` at `as_of` without evidence text (the same as [`verdict`]'s):
/// what scoring at many dates runs, allocation-free.
pub fn flags(p: &Patent, has_sei: bool, status: StatusClass, as_of: NaiveDate, params: &RuleParams) -> Flags {
    Facts::of(p, has_sei, status, params).flags_at(p, as_of, params)
}

/// What the decisions on a patent need that does not depend on the date, worked out
/// once when a patent is decided at several dates.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    status: StatusClass,
    has_sei: bool,
    overseas_family: bool,
    term: DateSpan,
    maintained_line: Option<DateSpan>,
}

impl Facts {
    /// The facts of `p`, given whether any of its codes is in the concordance and its status class.
    pub fn of(p: &Patent, has_sei: bool, status: StatusClass, params: &RuleParams) -> Facts {
        Facts {
            status,
            has_sei,
            overseas_family: D2::decide(p, params).met(),
            term: DateSpan::after_filing(p, params.term_years),
            maintained_line: maintained_line(p, params).map(|(_, line)| line),
        }
    }

    /// The decisions on `p` (whose facts these are) at `as_of`: the same as [`flags`].
    pub fn flags_at(&self, p: &Patent, as_of: NaiveDate, params: &RuleParams) -> Flags {
        let eligible = decide_with_term(p, self.status, self.term, as_of).eligible();
        Flags {
            eligible,
            dimensions: [
                self.has_sei,
                self.overseas_family,
                D3::decide(self.maintained_line, eligible, as_of) == D3::Reached,
                d4_total(p, as_of, params).is_some_and(|(_, met)| met),
                d5_counted(p, as_of).next().is_some(),
            ],
        }
    }

    /// The date-independent facts the coverage of D3 needs: the day (or span of days,
    /// for a year-only filing date) the maintained years are reached.
    pub fn maintained_line(&self) -> Option<DateSpan> {
        self.maintained_line
    }

    /// The span the term ends in.
    pub fn term(&self) -> DateSpan {
        self.term
    }

    /// The status class the decisions used.
    pub fn status(&self) -> StatusClass {
        self.status
    }
}

/// How one family member counts for D2, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Member {
    /// In CN or WO (or HK/MO/TW unless they count as overseas).
    Home,
    /// Overseas, with a kind code that is no grant.
    AbroadNotGranted,
    /// Overseas, without a kind code.
    AbroadGrantUnknown,
    /// Overseas, granted.
    AbroadGranted,
}

impl Member {
    fn of(m: &crate::rules::model::FamilyMember, params: &RuleParams) -> Member {
        match (overseas(&m.jurisdiction, params), m.kind.as_deref()) {
            (false, _) => Member::Home,
            (true, None) => Member::AbroadGrantUnknown,
            (true, Some(kind)) if kind_is_granted(kind) => Member::AbroadGranted,
            (true, Some(_)) => Member::AbroadNotGranted,
        }
    }
}

/// D2's decision: the strongest member of the family (`None`: no members listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct D2(Option<Member>);

impl D2 {
    fn decide(p: &Patent, params: &RuleParams) -> D2 {
        D2(p.family().iter().map(|m| Member::of(m, params)).max())
    }

    /// A granted overseas member, or one whose grant the data cannot show.
    fn met(self) -> bool {
        self.0 >= Some(Member::AbroadGrantUnknown)
    }
}

/// D3's decision at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum D3 {
    /// No date to count the maintained years from.
    NoAnchor,
    /// Not valid on the date.
    NotValid,
    /// The date falls in the span of days the years may end on (a year-only filing date).
    Around,
    /// The years were reached before the date.
    Reached,
    /// Not yet reached.
    NotYet,
}

impl D3 {
    /// `line`: the day (or span) the maintained years are reached.
    fn decide(line: Option<DateSpan>, eligible: bool, as_of: NaiveDate) -> D3 {
        match line {
            None => D3::NoAnchor,
            Some(_) if !eligible => D3::NotValid,
            Some(line) if as_of > line.first && as_of <= line.last => D3::Around,
            Some(line) if as_of > line.last => D3::Reached,
            Some(_) => D3::NotYet,
        }
    }
}

/// The anchor's label (`filed`, `granted`) and the day (or span of days, for a
/// year-only filing date) the maintained years are reached; `None` without an anchor.
fn maintained_line(p: &Patent, params: &RuleParams) -> Option<(&'static str, DateSpan)> {
    match params.maintained_anchor {
        MaintainedAnchor::Filing => Some(("filed", DateSpan::after_filing(p, params.maintained_years))),
        MaintainedAnchor::Grant => {
            p.grant_date.map(|g| ("granted", DateSpan::of_anchor(g, false, params.maintained_years)))
        }
    }
}

/// The anchor's date as the evidence writes it: the filing date (or its year, `2015
/// (year only)`) or the grant date.
fn push_anchor(out: &mut String, p: &Patent, params: &RuleParams) {
    match (params.maintained_anchor, p.grant_date) {
        (MaintainedAnchor::Filing, _) if p.filing_year_only => out.push_str(&filing_text(p)),
        (MaintainedAnchor::Filing, _) => Ymd(p.filing_date).push_to(out),
        (MaintainedAnchor::Grant, Some(g)) => Ymd(g).push_to(out),
        (MaintainedAnchor::Grant, None) => {}
    }
}

fn meets_threshold(total: f64, params: &RuleParams) -> bool {
    let threshold = params.pledge_threshold_wan;
    total + AMOUNT_EPSILON * threshold.abs().max(1.0) >= threshold
}

/// The pledges that count on `as_of`: registered on or before it, or undated.
fn counted_pledges(p: &Patent, as_of: NaiveDate) -> impl Iterator<Item = &crate::rules::model::PledgeShare> {
    p.pledges().iter().filter(move |s| s.registered_on.is_none_or(|r| r <= as_of))
}

/// D4's decision: the amount credited to `p` on `as_of` and whether it meets the
/// threshold; `None` when no pledge is listed.
fn d4_total(p: &Patent, as_of: NaiveDate, params: &RuleParams) -> Option<(f64, bool)> {
    if p.pledges().is_empty() {
        return None;
    }
    let total = counted_pledges(p, as_of).fold(0.0, |sum, s| sum + s.credited_wan(params.apportion));
    Some((total, meets_threshold(total, params)))
}

fn award_counts(a: &crate::rules::model::Award, as_of: NaiveDate) -> bool {
    a.class != AwardClass::Other && a.date.is_none_or(|d| d <= as_of)
}

/// D5's decision: the awards that count on `as_of` (any meets it).
fn d5_counted(p: &Patent, as_of: NaiveDate) -> impl Iterator<Item = &crate::rules::model::Award> {
    p.awards().iter().filter(move |a| award_counts(a, as_of))
}

/// D1: any IPC code in the concordance. A code that came from `classes.csv` says so.
pub fn d1_sei(p: &Patent, sei: &[SeiMatch<'_>]) -> (bool, Cow<'static, str>) {
    if sei.is_empty() {
        return (false, d1_none(p).into());
    }
    let mut line = String::new();
    write_d1(&mut line, p, sei);
    (true, line.into())
}

/// D1's line when no code matches.
fn d1_none(p: &Patent) -> &'static str {
    if p.ipc.is_empty() {
        "no IPC code"
    } else {
        "no IPC code in the SEI concordance"
    }
}

/// [`d1_sei`]'s line written at the end of `out`: each matching code, its category.
fn write_d1(out: &mut String, p: &Patent, sei: &[SeiMatch<'_>]) {
    if sei.is_empty() {
        out.push_str(d1_none(p));
        return;
    }
    let side = &p.ipc[p.ipc.len() - usize::from(p.classes_codes).min(p.ipc.len())..];
    for (i, m) in sei.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        m.ipc.write_to(out);
        if side.iter().any(|c| std::ptr::eq(c, m.ipc)) {
            out.push_str(" (classes.csv)");
        }
        out.push_str(" → ");
        out.push_str(&m.category.code);
        out.push(' ');
        out.push_str(&m.category.name);
    }
}

fn overseas(jurisdiction: &str, params: &RuleParams) -> bool {
    match jurisdiction {
        "CN" | "WO" => false,
        "HK" | "MO" | "TW" => params.hmt_overseas,
        _ => true,
    }
}

/// D2: a granted (or, without kind codes, any) member outside CN and WO.
pub fn d2_overseas(p: &Patent, params: &RuleParams) -> (bool, Cow<'static, str>) {
    let decision = D2::decide(p, params);
    let Some(best) = decision.0 else {
        return (false, "no family members listed".into());
    };
    // The members the line names: those of the strongest class, or every overseas
    // member when none is granted, or the whole family when none is overseas.
    let (title, named): (&str, fn(Member, Member) -> bool) = match best {
        Member::AbroadGranted => ("granted overseas", |m, best| m == best),
        Member::AbroadGrantUnknown => ("overseas member, grant unknown", |m, best| m == best),
        Member::AbroadNotGranted => ("overseas members not granted", |m, _| m != Member::Home),
        Member::Home => ("no member outside CN/WO", |_, _| true),
    };
    let labels: Vec<&str> =
        p.family().iter().filter(|m| named(Member::of(m, params), best)).map(|m| m.label.as_str()).collect();
    (decision.met(), format!("{title}: {}", labels.join(", ")).into())
}

/// D3: eligible and `as_of` strictly after the anchor date plus the maintained years.
pub fn d3_maintained(p: &Patent, eligible: bool, as_of: NaiveDate, params: &RuleParams) -> (bool, String) {
    let mut out = String::new();
    let met = write_d3(&mut out, p, eligible, as_of, params);
    (met, out)
}

/// [`d3_maintained`], its evidence written at the end of `out`.
fn write_d3(out: &mut String, p: &Patent, eligible: bool, as_of: NaiveDate, params: &RuleParams) -> bool {
    let Some((label, line)) = maintained_line(p, params) else {
        out.push_str("no grant date to count from");
        return false;
    };
    // `filed 2015-03-01, 10 years on 2025-03-01` (`… on 2025-01-01 to 2025-12-31` for a year-only filing date).
    let head = |out: &mut String| {
        out.push_str(label);
        out.push(' ');
        push_anchor(out, p, params);
        out.push_str(", ");
        out.push_str(itoa::Buffer::new().format(params.maintained_years));
        out.push_str(" years on ");
        Ymd(line.first).push_to(out);
        if line.first != line.last {
            out.push_str(" to ");
            Ymd(line.last).push_to(out);
        }
    };
    let decision = D3::decide(Some(line), eligible, as_of);
    match decision {
        D3::NoAnchor => {}
        D3::NotValid => {
            out.push_str("not valid on ");
            Ymd(as_of).push_to(out);
            out.push_str(" (");
            head(out);
            out.push(')');
        }
        D3::Around => {
            out.push_str("cannot tell: ");
            head(out);
            out.push_str(", around ");
            Ymd(as_of).push_to(out);
        }
        D3::Reached | D3::NotYet => {
            head(out);
            out.push_str(if decision == D3::Reached { ", before " } else { ", not before " });
            Ymd(as_of).push_to(out);
        }
    }
    decision == D3::Reached
}

/// The evidence column of a patent on `as_of` (eligibility, then `D1 …` to `D5 …`,
/// joined by ` | `), written at the end of `out`: the same lines as [`verdict`]'s;
/// the common answers ("no pledges") are static text, so nothing is built for them.
pub fn write_evidence(out: &mut String, p: &Patent, sei: &[SeiMatch<'_>], as_of: NaiveDate, params: &RuleParams) {
    let decision = decide(p, status_of(p), as_of, params);
    decision.write_evidence(out, p, as_of, params);
    out.push_str(" | D1 ");
    write_d1(out, p, sei);
    out.push_str(" | D2 ");
    out.push_str(&d2_overseas(p, params).1);
    out.push_str(" | D3 ");
    write_d3(out, p, decision.eligible(), as_of, params);
    out.push_str(" | D4 ");
    out.push_str(&d4_pledge(p, as_of, params).1);
    out.push_str(" | D5 ");
    out.push_str(&d5_award(p, as_of).1);
}

/// D4: pledge financing attributed to the patent, over pledges registered on or before `as_of`.
pub fn d4_pledge(p: &Patent, as_of: NaiveDate, params: &RuleParams) -> (bool, Cow<'static, str>) {
    let Some((total, met)) = d4_total(p, as_of, params) else {
        return (false, "no pledges".into());
    };
    let mut parts = Vec::new();
    for s in counted_pledges(p, as_of) {
        let credited = s.credited_wan(params.apportion);
        let when = s.registered_on.map_or_else(|| "undated".to_string(), |r| r.to_string());
        parts.push(if s.contract_id.is_empty() {
            format!("{} attributed", format_wan(credited))
        } else if s.patents_in_contract > 1 && params.apportion == crate::rules::model::Apportion::Equal {
            format!("{} {}/{} {when}", s.contract_id, format_wan(s.contract_wan), s.patents_in_contract)
        } else {
            format!("{} {} {when}", s.contract_id, format_wan(s.contract_wan))
        });
    }
    let threshold = params.pledge_threshold_wan;
    let later = p.pledges().len() - parts.len();
    let mut line = format!(
        "{} 万元 {} {} ({})",
        format_wan(total),
        if met { "≥" } else { "<" },
        format_wan(threshold),
        if parts.is_empty() { "none registered by then".to_string() } else { parts.join("; ") }
    );
    if later > 0 {
        line.push_str(&format!("; {later} registered after {as_of}"));
    }
    (met, line.into())
}

/// D5: a China Patent Award or State S&T Award dated on or before `as_of` (undated counts).
pub fn d5_award(p: &Patent, as_of: NaiveDate) -> (bool, Cow<'static, str>) {
    if p.awards().is_empty() {
        return (false, "no awards".into());
    }
    let label = |a: &crate::rules::model::Award| match a.date {
        Some(d) => format!("{} ({d})", a.name),
        None => format!("{} (undated)", a.name),
    };
    let counted: Vec<String> = d5_counted(p, as_of).map(label).collect();
    if !counted.is_empty() {
        return (true, counted.join("; ").into());
    }
    let others: Vec<String> = p
        .awards()
        .iter()
        .map(|a| {
            if a.class == AwardClass::Other {
                format!("{} not national", label(a))
            } else {
                format!("{} after {as_of}", label(a))
            }
        })
        .collect();
    (false, others.join("; ").into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::awards::parse_award_entry;
    use crate::rules::concordance::Concordance;
    use crate::rules::family::parse_member;
    use crate::rules::ipc::parse_ipc;
    use crate::rules::model::{Apportion, Award, PledgeShare};
    use crate::rules::testutil::{d, patent};

    fn with_family(members: &[&str]) -> Patent {
        let mut p = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        p.extras_mut().family = members.iter().map(|m| parse_member(m).unwrap()).collect();
        p
    }

    #[test]
    fn d1_evidence_names_code_and_category() {
        let c = Concordance::builtin();
        let mut p = patent("2015-01-01", None, "", None);
        p.ipc = vec![parse_ipc("A47J 27/00").unwrap(), parse_ipc("G06V10/82").unwrap()].into();
        let m = c.match_codes(&p.ipc);
        assert_eq!(d1_sei(&p, &m), (true, "G06V 10/82 → 1.5 人工智能".into()));
        assert_eq!(d1_sei(&p, &[]), (false, "no IPC code in the SEI concordance".into()));
        assert_eq!(d1_sei(&patent("2015-01-01", None, "", None), &[]), (false, "no IPC code".into()));
        // The same code from classes.csv says where it came from.
        let mut q = patent("2015-01-01", None, "", None);
        q.ipc = vec![parse_ipc("A47J 27/00").unwrap(), parse_ipc("G06V 10/82").unwrap()].into();
        q.classes_codes = 1;
        let m = c.match_codes(&q.ipc);
        assert_eq!(d1_sei(&q, &m), (true, "G06V 10/82 (classes.csv) → 1.5 人工智能".into()));
    }

    #[test]
    fn d2_family_rules() {
        let prm = RuleParams::default();
        assert_eq!(d2_overseas(&with_family(&["US10123456B2"]), &prm), (true, "granted overseas: US10123456B2".into()));
        assert!(d2_overseas(&with_family(&["EP3456789A1", "US10123456B2"]), &prm).0);
        assert_eq!(
            d2_overseas(&with_family(&["EP3456789A1"]), &prm),
            (false, "overseas members not granted: EP3456789A1".into())
        );
        // WO-only family: a PCT application is no patent right.
        assert_eq!(
            d2_overseas(&with_family(&["WO2019123456A1"]), &prm),
            (false, "no member outside CN/WO: WO2019123456A1".into())
        );
        assert!(!d2_overseas(&with_family(&["WO"]), &prm).0);
        assert!(!d2_overseas(&with_family(&["CN110123456B"]), &prm).0);
        assert_eq!(d2_overseas(&with_family(&["JP"]), &prm), (true, "overseas member, grant unknown: JP".into()));
        assert!(d2_overseas(&with_family(&["US10123456"]), &prm).0);
        assert!(d2_overseas(&with_family(&["US2023377099A1", "KR102345678B1"]), &prm).0);
        assert_eq!(d2_overseas(&with_family(&[]), &prm), (false, "no family members listed".into()));
        // Hong Kong, Macao and Taiwan: a config value.
        assert!(d2_overseas(&with_family(&["HK1234567B"]), &prm).0);
        let no_hmt = RuleParams { hmt_overseas: false, ..RuleParams::default() };
        assert!(!d2_overseas(&with_family(&["HK1234567B", "TW"]), &no_hmt).0);
    }

    fn d3(filing: &str, as_of: &str) -> bool {
        let p = patent(filing, Some("2004-01-01"), "有效", None);
        let prm = RuleParams::default();
        let e = eligibility(&p, d(as_of), &prm).eligible;
        d3_maintained(&p, e, d(as_of), &prm).0
    }

    #[test]
    fn d3_ten_year_day() {
        // as_of must be strictly after filing + 10 years.
        assert!(d3("2015-12-30", "2025-12-31"));
        assert!(!d3("2015-12-31", "2025-12-31"));
        assert!(!d3("2016-01-01", "2025-12-31"));
        // 29 February + 10 years is 28 February.
        assert!(!d3("2016-02-29", "2026-02-28"));
        assert!(d3("2016-02-29", "2026-03-01"));
        assert!(d3("2012-02-29", "2022-03-01"));
        assert!(!d3("2012-02-29", "2022-02-28"));
        // Expired patents are not maintained: filed 2005-12-31, expired 2025-12-31.
        assert!(!d3("2005-12-31", "2025-12-31"));
        assert!(d3("2006-01-01", "2025-12-31"));
        let p = patent("2015-12-31", Some("2017-01-01"), "有效", None);
        assert_eq!(
            d3_maintained(&p, true, d("2025-12-31"), &RuleParams::default()).1,
            "filed 2015-12-31, 10 years on 2025-12-31, not before 2025-12-31"
        );
    }

    #[test]
    fn d3_grant_anchor() {
        let p = patent("2010-01-01", Some("2014-06-01"), "有效", None);
        let prm = RuleParams { maintained_anchor: MaintainedAnchor::Grant, ..RuleParams::default() };
        assert!(!d3_maintained(&p, true, d("2024-06-01"), &prm).0);
        assert!(d3_maintained(&p, true, d("2024-06-02"), &prm).0);
        assert_eq!(
            d3_maintained(&p, true, d("2024-06-02"), &prm).1,
            "granted 2014-06-01, 10 years on 2024-06-01, before 2024-06-02"
        );
        assert_eq!(
            d3_maintained(&p, false, d("2024-06-02"), &prm).1,
            "not valid on 2024-06-02 (granted 2014-06-01, 10 years on 2024-06-01)"
        );
        let ungranted = patent("2010-01-01", None, "", None);
        assert_eq!(d3_maintained(&ungranted, true, d("2024-06-02"), &prm).1, "no grant date to count from");
    }

    fn pledged(shares: &[(&str, f64, usize, Option<&str>)]) -> Patent {
        let mut p = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        p.extras_mut().pledges = shares
            .iter()
            .map(|(id, amount, n, when)| PledgeShare {
                contract_id: (*id).into(),
                contract_wan: *amount,
                patents_in_contract: *n,
                registered_on: when.map(d),
            })
            .collect();
        p
    }

    #[test]
    fn d4_sharing_at_the_threshold() {
        let prm = RuleParams::default();
        let as_of = d("2025-12-31");
        assert_eq!(
            d4_pledge(&pledged(&[("P1", 3000.0, 3, Some("2020-01-01"))]), as_of, &prm),
            (true, "1000 万元 ≥ 1000 (P1 3000/3 2020-01-01)".into())
        );
        assert!(!d4_pledge(&pledged(&[("P1", 2999.97, 3, Some("2020-01-01"))]), as_of, &prm).0);
        assert!(d4_pledge(&pledged(&[("P1", 3000.03, 3, Some("2020-01-01"))]), as_of, &prm).0);
        assert!(d4_pledge(&pledged(&[("", 1000.0, 1, None)]), as_of, &prm).0);
        assert!(!d4_pledge(&pledged(&[("", 999.99, 1, None)]), as_of, &prm).0);
        // Two contracts add up: 600 + 400 = 1000.
        assert!(d4_pledge(&pledged(&[("P1", 1200.0, 2, Some("2019-01-01")), ("P2", 400.0, 1, None)]), as_of, &prm).0);
        // 0.1 + 0.2 style rounding: 1000/3 three times.
        assert!(
            d4_pledge(&pledged(&[("A", 1000.0, 3, None), ("B", 1000.0, 3, None), ("C", 1000.0, 3, None)]), as_of, &prm)
                .0
        );
        // Full apportionment credits each patent the whole contract.
        let full = RuleParams { apportion: Apportion::Full, ..RuleParams::default() };
        assert!(d4_pledge(&pledged(&[("P1", 2999.97, 3, None)]), as_of, &full).0);
        assert!(!d4_pledge(&pledged(&[]), as_of, &prm).0);
    }

    #[test]
    fn d4_registration_after_as_of_does_not_count() {
        let prm = RuleParams::default();
        let p = pledged(&[("P9", 5000.0, 1, Some("2026-01-01"))]);
        assert_eq!(
            d4_pledge(&p, d("2025-12-31"), &prm),
            (false, "0 万元 < 1000 (none registered by then); 1 registered after 2025-12-31".into())
        );
        assert!(d4_pledge(&p, d("2026-01-01"), &prm).0);
        // Undated pledges count at every date.
        assert!(d4_pledge(&pledged(&[("P9", 5000.0, 1, None)]), d("1990-01-01"), &prm).0);
    }

    fn awarded(entries: &[&str]) -> Patent {
        let mut p = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        p.extras_mut().awards = entries.iter().map(|e| parse_award_entry(e).unwrap()).collect::<Vec<Award>>();
        p
    }

    #[test]
    fn d5_awards_by_date_and_programme() {
        let as_of = d("2025-12-31");
        assert_eq!(d5_award(&awarded(&["中国专利金奖(2019)"]), as_of), (true, "中国专利金奖 (2019-12-31)".into()));
        assert!(d5_award(&awarded(&["中国专利金奖(2025)"]), as_of).0);
        assert_eq!(
            d5_award(&awarded(&["中国专利金奖(2026)"]), as_of),
            (false, "中国专利金奖 (2026-12-31) after 2025-12-31".into())
        );
        assert_eq!(
            d5_award(&awarded(&["广东省专利金奖(2020)"]), as_of),
            (false, "广东省专利金奖 (2020-12-31) not national".into())
        );
        assert!(d5_award(&awarded(&["中国专利银奖"]), as_of).0);
        assert!(d5_award(&awarded(&["广东省专利金奖(2020)", "国家技术发明奖(2018)"]), as_of).0);
        assert!(!d5_award(&awarded(&[]), as_of).0);
    }

    #[test]
    fn high_value_needs_eligibility() {
        let t = Concordance::builtin();
        let mut p = patent("2010-01-01", Some("2012-01-01"), "有效", None);
        p.ipc = vec![parse_ipc("G06N 3/08").unwrap()].into();
        let m = t.match_codes(&p.ipc);
        let v = verdict(&p, &m, d("2025-12-31"), &RuleParams::default());
        assert!(v.eligible && v.high_value());
        assert_eq!(v.dimensions, [true, false, true, false, false]);
        assert_eq!(v.dimension_count(), 2);
        p.lapse_date = Some(d("2020-01-01"));
        let v = verdict(&p, &m, d("2025-12-31"), &RuleParams::default());
        assert!(!v.eligible && !v.high_value());
        assert_eq!(v.dimensions, [true, false, false, false, false]);
    }

    /// The allocation-free decisions agree with the verdict's, for every kind of
    /// patent in these tests, at dates around each boundary and under both anchors.
    #[test]
    fn flags_agree_with_the_verdict() {
        let t = Concordance::builtin();
        let mut patents = vec![
            with_family(&["US10123456B2"]),
            with_family(&["US10123456A1", "WO2019123456A1"]),
            with_family(&["JP", "CN"]),
            with_family(&["HK1234567A"]),
            pledged(&[("P1", 3000.0, 3, Some("2020-01-01")), ("P2", 10.0, 1, None)]),
            pledged(&[("P9", 5000.0, 1, Some("2026-01-01"))]),
            awarded(&["中国专利金奖(2024)", "广东省专利奖 金奖 2020"]),
            awarded(&["国家技术发明奖 二等奖 2026"]),
            patent("2015-12-31", Some("2017-01-01"), "有效", None),
            patent("2005-12-31", Some("2007-01-01"), "有效", None),
            patent("2012-02-29", None, "授权", None),
            patent("2012-02-29", None, "失效", None),
            patent("2016-03-01", Some("2018-01-01"), "失效", Some("2025-06-30")),
            patent("2020-01-01", Some("2026-01-05"), "有效", None),
        ];
        patents[0].ipc = vec![parse_ipc("G06N 3/08").unwrap()].into();
        // What issues 12-14 added: year-only filing dates (term and 10-year line open in
        // 2025), a pss status of unknown meaning, dates from legal events, codes from
        // classes.csv.
        let mut year_only = patent("2005-01-01", Some("2007-01-01"), "有效", None);
        year_only.filing_year_only = true;
        let mut line_open = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        line_open.filing_year_only = true;
        let mut unknown = patent("2016-01-01", None, "专利申请权、专利权的转移", None);
        unknown.status_class = Some(StatusClass::Unknown);
        let mut from_events = patent("2014-05-05", None, "未缴年费", None);
        from_events.extras_mut().events = vec![
            crate::rules::events::LegalEvent::new(Some(d("2016-03-01")), "+PATENT GRANT", true),
            crate::rules::events::LegalEvent::new(Some(d("2025-06-30")), "-TERMINATION OF PATENT RIGHT", true),
        ];
        crate::rules::settle::settle(&mut from_events);
        let mut classes = patent("2015-12-31", Some("2017-01-01"), "有效", None);
        classes.ipc = vec![parse_ipc("A47J 27/00").unwrap(), parse_ipc("G06N 3/08").unwrap()].into();
        classes.classes_codes = 1;
        patents.extend([year_only, line_open, unknown, from_events, classes]);
        for anchor in [MaintainedAnchor::Filing, MaintainedAnchor::Grant] {
            let prm = RuleParams { maintained_anchor: anchor, ..RuleParams::default() };
            for p in &patents {
                let m = t.match_codes(&p.ipc);
                let status = status_of(p);
                for day in
                    ["2015-06-30", "2015-12-31", "2024-12-31", "2025-06-30", "2025-12-31", "2026-01-01", "2026-01-05"]
                {
                    let v = verdict(p, &m, d(day), &prm);
                    assert_eq!(flags(p, !m.is_empty(), status, d(day), &prm), v.flags(), "{:?} on {day}", p.id);
                    let facts = Facts::of(p, !m.is_empty(), status, &prm);
                    assert_eq!(facts.flags_at(p, d(day), &prm), v.flags(), "{:?} on {day} (facts)", p.id);
                }
            }
        }
    }
}
