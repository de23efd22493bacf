//! Data coverage (SPEC §8): for each question the report answers, whether a
//! patent's inputs could make the answer true or false — "not met" is not
//! "cannot tell".

use chrono::NaiveDate;

use crate::rules::dimensions::Facts;
use crate::rules::events::{classify_event, has, EventClass};
use crate::rules::figures::percent_text;
use crate::rules::model::{Known, Patent};
use crate::rules::status::StatusClass;
use crate::rules::validity::{decide_with_term, Decision};

/// The questions, in the order of the manifest's `coverage` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// A holder or applicant name.
    Holders,
    /// Validity on `as_of`.
    Validity,
    /// Validity one year before (and in the trend).
    History,
    /// D1 strategic emerging industry.
    D1,
    /// D2 overseas family.
    D2,
    /// D3 maintained over 10 years.
    D3,
    /// D4 pledge financing.
    D4,
    /// D5 award.
    D5,
}

/// Every question, in order.
pub const QUESTIONS: [Question; 8] = [
    Question::Holders,
    Question::Validity,
    Question::History,
    Question::D1,
    Question::D2,
    Question::D3,
    Question::D4,
    Question::D5,
];

impl Question {
    /// The key in the manifest's `coverage` object.
    pub fn key(self) -> &'static str {
        match self {
            Question::Holders => "holders",
            Question::Validity => "validity",
            Question::History => "history",
            Question::D1 => "d1",
            Question::D2 => "d2",
            Question::D3 => "d3",
            Question::D4 => "d4",
            Question::D5 => "d5",
        }
    }

    /// How reports and warnings name the question.
    pub fn label(self) -> &'static str {
        match self {
            Question::Holders => "Holders",
            Question::Validity => "Validity",
            Question::History => "Validity a year before (and the trend)",
            Question::D1 => "D1",
            Question::D2 => "D2",
            Question::D3 => "D3",
            Question::D4 => "D4",
            Question::D5 => "D5",
        }
    }

    /// What an input needs for the question to be answered, for warnings.
    pub fn missing(self) -> &'static str {
        match self {
            Question::Holders => "no holder or applicant name (no holder column, or empty cells)",
            Question::Validity => "no grant date and no known status (no status or grant-date column, or a status that is a transfer, a change of data or an examination step), or a filing year that leaves the 20-year term open",
            Question::History => "validity unknown, or a grant date unknown (a status that says granted, without its date), or a filing year that leaves the term open",
            Question::D1 => "no IPC column or classes.csv (or no IPC code of sections A–H)",
            Question::D2 => "no family column or families.csv (or a family size above 1 without its members)",
            Question::D3 => "validity unknown, or a filing year that leaves the 10-year line open",
            Question::D4 => "no pledge amount column or pledges.csv",
            Question::D5 => "no award column or awards.csv",
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// Side tables given for the whole run: every patent's question is answered by them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSources {
    /// `families.csv` was given.
    pub families: bool,
    /// `pledges.csv` was given.
    pub pledges: bool,
    /// `awards.csv` was given.
    pub awards: bool,
}

/// The questions assessable for one patent: a bit per [`Question`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Assessable(u16);

impl Assessable {
    /// Whether `q` can be answered.
    pub fn has(self, q: Question) -> bool {
        self.0 & q.bit() != 0
    }

    fn set(&mut self, q: Question, yes: bool) {
        if yes {
            self.0 |= q.bit();
        }
    }
}

/// The status says the patent was granted at some time (in force, lapsed after a
/// grant, a granted-invention label, a grant or lapse event), whatever its dates say.
fn says_granted(p: &Patent, status: StatusClass) -> bool {
    status == StatusClass::InForce
        || (status == StatusClass::Dead && classify_event(&p.status, true) == EventClass::Lapse)
        || p.known.contains(Known::GRANTED_BY_LABEL)
        || has(p.events(), EventClass::Grant)
        || has(p.events(), EventClass::Lapse)
}

/// The application ended without a grant (驳回, 撤回): settled at every date. (Only a
/// dead status can say so: the words are dead words too.)
fn never_granted(p: &Patent, status: StatusClass) -> bool {
    (status == StatusClass::Dead && classify_event(&p.status, true) == EventClass::ApplicationEnd)
        || has(p.events(), EventClass::ApplicationEnd)
}

/// Whether validity on `date` can be told: a filing date that settles the term on
/// that date, and a grant date, a known status, a grant or lapse event read, or a
/// grant-date column whose empty cell says "not granted" — which it does not when an
/// event item of the patent could not be read (it may be the grant).
fn validity_at(p: &Patent, facts: &Facts, date: NaiveDate) -> bool {
    let term = facts.term();
    let settled = date < term.first || date >= term.last;
    let told = p.grant_date.is_some()
        || facts.status() != StatusClass::Unknown
        || has(p.events(), EventClass::Grant)
        || has(p.events(), EventClass::Lapse);
    settled && (told || (p.known.contains(Known::GRANT_COLUMN) && !p.known.contains(Known::UNREAD_EVENTS)))
}

/// Whether validity on `date` (a date before the report's) can be told (SPEC §7, §8):
/// not when it rests on an unknown grant date — a patent whose status says it was
/// granted (in force, or lapsed after a grant) without its grant date counts as today
/// at every date — or on a filing year that leaves the term open. Pending and
/// never-granted patents are assessable.
fn history_at(p: &Patent, facts: &Facts, date: NaiveDate) -> bool {
    if !validity_at(p, facts, date) {
        return false;
    }
    let status = facts.status();
    if p.grant_date.is_some() || !says_granted(p, status) || never_granted(p, status) {
        return true;
    }
    // Granted once, date unknown: only an expired term settles it.
    matches!(decide_with_term(p, status, facts.term(), date), Decision::Expired(_))
}

/// The questions the inputs of `p` can answer on `as_of` (history: on `as_of_prev`).
pub fn assess(p: &Patent, facts: &Facts, as_of: NaiveDate, as_of_prev: NaiveDate, run: RunSources) -> Assessable {
    let mut a = Assessable::default();
    a.set(Question::Holders, !p.holders.is_empty());
    let validity = validity_at(p, facts, as_of);
    a.set(Question::Validity, validity);
    a.set(Question::History, history_at(p, facts, as_of_prev));
    a.set(Question::D1, p.ipc.iter().any(|c| c.key().as_bytes().first().is_some_and(|b| (b'A'..=b'H').contains(b))));
    let family = match (p.family().is_empty(), p.counts.get(crate::rules::model::QualityCount::FamilySize)) {
        (false, _) => true,
        (true, Some(size)) => size <= 1,
        (true, None) => p.known.contains(Known::FAMILY_COLUMN) || run.families,
    };
    a.set(Question::D2, family);
    let line_settled = facts.maintained_line().is_some_and(|line| as_of <= line.first || as_of > line.last);
    a.set(Question::D3, validity && line_settled);
    a.set(Question::D4, p.known.contains(Known::PLEDGE_COLUMN) || run.pledges);
    a.set(Question::D5, p.known.contains(Known::AWARD_COLUMN) || run.awards);
    a
}

/// Counts of inventions for which each question is assessable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Scored CN inventions.
    pub inventions: usize,
    /// Per question, in [`QUESTIONS`] order.
    pub assessable: [usize; 8],
}

impl Coverage {
    /// Count one invention.
    pub fn add(&mut self, a: Assessable) {
        self.inventions += 1;
        for (n, q) in self.assessable.iter_mut().zip(QUESTIONS) {
            *n += usize::from(a.has(q));
        }
    }

    /// Add another tally.
    pub fn merge(&mut self, other: &Coverage) {
        self.inventions += other.inventions;
        for (n, m) in self.assessable.iter_mut().zip(other.assessable) {
            *n += m;
        }
    }

    /// Inventions for which `q` is assessable.
    pub fn of(&self, q: Question) -> usize {
        self.assessable[q as usize]
    }

    /// Whether `q` is assessable for every invention.
    pub fn complete(&self, q: Question) -> bool {
        self.of(q) == self.inventions
    }

    /// The share of inventions for which `q` is assessable, in percent (100 when there are none).
    pub fn percent(&self, q: Question) -> f64 {
        match self.inventions {
            0 => 100.0,
            n => self.of(q) as f64 * 100.0 / n as f64,
        }
    }

    /// The run-time warning lines: one per question assessable for fewer than half the inventions.
    pub fn warnings(&self) -> Vec<String> {
        QUESTIONS
            .iter()
            .filter(|q| self.inventions > 0 && self.of(**q) * 2 < self.inventions)
            .map(|q| {
                format!(
                    "{} cannot be assessed for {} of {} inventions: {}",
                    q.label(),
                    self.inventions - self.of(*q),
                    self.inventions,
                    q.missing()
                )
            })
            .collect()
    }

    /// A mark for a figure resting on `q`: empty when every invention is assessable,
    /// else `assessable for 42%`.
    pub fn mark(&self, q: Question) -> String {
        match self.complete(q) {
            true => String::new(),
            false => format!("assessable for {}", percent_text(self.percent(q))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dimensions::Facts;
    use crate::rules::events::LegalEvent;
    use crate::rules::testutil::{d, patent};
    use crate::rules::validity::status_of;
    use crate::rules::RuleParams;

    fn assess_at(p: &Patent, as_of: &str, run: RunSources) -> Assessable {
        let params = RuleParams::default();
        let facts = Facts::of(p, false, status_of(p), &params);
        let date = d(as_of);
        assess(p, &facts, date, crate::rules::dates::add_years(date, -1), run)
    }

    #[test]
    fn a_grant_date_or_known_status_makes_validity_assessable() {
        let none = RunSources::default();
        let p = patent("2015-01-01", Some("2017-01-01"), "", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::Validity));
        let mut q = patent("2015-01-01", None, "", None);
        assert!(!assess_at(&q, "2025-12-31", none).has(Question::Validity));
        q.known.set(Known::GRANT_COLUMN, true);
        assert!(assess_at(&q, "2025-12-31", none).has(Question::Validity), "an empty grant-date cell says not granted");
        let r = patent("2015-01-01", None, "审中", None);
        assert!(assess_at(&r, "2025-12-31", none).has(Question::Validity));
        let mut pss = patent("2015-01-01", None, "著录事项变更", None);
        pss.status_class = Some(StatusClass::Unknown);
        assert!(!assess_at(&pss, "2025-12-31", none).has(Question::Validity));
    }

    #[test]
    fn an_unread_event_item_leaves_an_empty_grant_date_unassessable() {
        let none = RunSources::default();
        // No grant date, no status, an event item that could not be read (it may be
        // the grant): the empty grant-date cell says nothing.
        let mut p = patent("2015-01-01", None, "", None);
        p.known.set(Known::GRANT_COLUMN, true);
        p.known.set(Known::UNREAD_EVENTS, true);
        assert!(!assess_at(&p, "2025-12-31", none).has(Question::Validity));
        // A grant event read beside it, or a lapse event: told.
        let mut granted = patent("2015-01-01", None, "", None);
        granted.known = p.known;
        granted.extras_mut().events.push(LegalEvent::new(Some(d("2017-03-01")), "授权", true));
        assert!(assess_at(&granted, "2025-12-31", none).has(Question::Validity));
        let mut lapsed = patent("2015-01-01", None, "", None);
        lapsed.known = p.known;
        lapsed.extras_mut().events.push(LegalEvent::new(Some(d("2020-03-01")), "专利权的终止", true));
        assert!(assess_at(&lapsed, "2025-12-31", none).has(Question::Validity));
        // A grant date or a known status: told whatever else could not be read.
        let mut dated = patent("2015-01-01", Some("2017-01-01"), "", None);
        dated.known = p.known;
        assert!(assess_at(&dated, "2025-12-31", none).has(Question::Validity));
        let mut pending = patent("2015-01-01", None, "审中", None);
        pending.known = p.known;
        assert!(assess_at(&pending, "2025-12-31", none).has(Question::Validity));
    }

    #[test]
    fn history_needs_the_dates_behind_a_status() {
        let none = RunSources::default();
        // In force without a grant date: valid today, cannot tell a year before.
        let p = patent("2015-01-01", None, "有效", None);
        let a = assess_at(&p, "2025-12-31", none);
        assert!(a.has(Question::Validity) && !a.has(Question::History));
        // With the grant date it can.
        let p = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        // Dead with a grant date but no lapse date: counted lapsed at every date, as
        // SPEC §7 says; history rests on grant dates only.
        let p = patent("2015-01-01", Some("2017-01-01"), "失效", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        // In force without a grant date, but expired a year before whatever it says.
        let p = patent("2004-06-01", None, "有效", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        let p = patent("2015-01-01", Some("2017-01-01"), "失效", Some("2020-03-01"));
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        // Never granted, pending: settled.
        let p = patent("2015-01-01", None, "驳回", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        let p = patent("2015-01-01", None, "审中", None);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        // Lapsed for non-payment (so granted once) without a grant date.
        let p = patent("2015-01-01", None, "未缴年费", None);
        assert!(!assess_at(&p, "2025-12-31", none).has(Question::History));
        // A dead status and an empty grant-date cell: never granted.
        let mut p = patent("2015-01-01", None, "失效", None);
        p.known.set(Known::GRANT_COLUMN, true);
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
        // A dated grant event settles it.
        let mut p = patent("2015-01-01", Some("2017-08-01"), "", None);
        p.extras_mut().events.push(LegalEvent::new(Some(d("2017-08-01")), "+PATENT GRANT", true));
        assert!(assess_at(&p, "2025-12-31", none).has(Question::History));
    }

    #[test]
    fn year_only_filing_dates_settle_some_dates() {
        let none = RunSources::default();
        let mut p = patent("2005-01-01", Some("2008-01-01"), "有效", None);
        p.filing_year_only = true;
        // The term ends in 2025: open on 2025-06-30, settled (expired) on 2025-12-31.
        assert!(!assess_at(&p, "2025-06-30", none).has(Question::Validity));
        assert!(assess_at(&p, "2025-12-31", none).has(Question::Validity));
        assert!(assess_at(&p, "2024-12-31", none).has(Question::Validity));
        // The 10-year line falls in 2015.
        assert!(!assess_at(&p, "2015-06-30", none).has(Question::D3));
        assert!(assess_at(&p, "2016-01-01", none).has(Question::D3));
        assert!(assess_at(&p, "2015-01-01", none).has(Question::D3));
    }

    #[test]
    fn families_pledges_and_awards_need_a_source() {
        let none = RunSources::default();
        let mut p = patent("2015-01-01", Some("2017-01-01"), "有效", None);
        let a = assess_at(&p, "2025-12-31", none);
        for q in [Question::D1, Question::D2, Question::D4, Question::D5] {
            assert!(!a.has(q), "{q:?}");
        }
        assert!(!a.has(Question::Holders));
        p.counts.set(crate::rules::model::QualityCount::FamilySize, Some(1));
        assert!(assess_at(&p, "2025-12-31", none).has(Question::D2), "alone: not met, but told");
        p.counts.set(crate::rules::model::QualityCount::FamilySize, Some(3));
        p.known.set(Known::FAMILY_COLUMN, true);
        assert!(!assess_at(&p, "2025-12-31", none).has(Question::D2), "a family of 3 without its members");
        let all = RunSources { families: true, pledges: true, awards: true };
        p.counts.set(crate::rules::model::QualityCount::FamilySize, None);
        let a = assess_at(&p, "2025-12-31", all);
        assert!(a.has(Question::D2) && a.has(Question::D4) && a.has(Question::D5));
        p.ipc = vec![crate::rules::ipc::parse_ipc("G06N 3/08").unwrap()].into();
        assert!(assess_at(&p, "2025-12-31", none).has(Question::D1));
    }

    #[test]
    fn tallies_warn_below_half() {
        let mut c = Coverage::default();
        let mut full = Assessable::default();
        for q in QUESTIONS {
            full.set(q, q != Question::D2);
        }
        c.add(full);
        c.add(full);
        assert_eq!(c.of(Question::D2), 0);
        assert_eq!(c.mark(Question::D2), "assessable for 0%");
        assert_eq!(c.mark(Question::D1), "");
        let w = c.warnings();
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("D2 cannot be assessed for 2 of 2 inventions: no family column"), "{}", w[0]);
    }
}
