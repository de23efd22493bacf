//! A patent's dates and status settled from its legal events once every source of
//! them is merged (SPEC §7), where the direct columns are silent.

use chrono::NaiveDate;

use crate::rules::events::{earliest, has, is_restoration, EventClass};
use crate::rules::model::{Known, Patent};
use crate::rules::status::StatusClass;
use crate::rules::validity::status_of;

/// Work out what a patent's events say, once all of them are known (after duplicate
/// rows merged and `events.csv` attached), where the direct columns are silent
/// (SPEC §7): the grant date is the earliest grant event's, the lapse date the
/// earliest lapse event's on or after the grant, and an unknown status takes what
/// the events say (an application end or a lapse: dead; a grant: in force; so does
/// a granted-invention label). Returns a warning when a grant-date column disagrees
/// with the events (the column wins).
pub fn settle(p: &mut Patent) -> Option<String> {
    if p.events().is_empty() && !p.known.contains(Known::GRANTED_BY_LABEL) {
        return None;
    }
    let mut warning = None;
    match (p.grant_date, earliest(p.events(), EventClass::Grant, None)) {
        (None, Some(event)) => {
            p.grant_date = event.date;
            p.known.set(Known::GRANT_FROM_EVENT, true);
        }
        (Some(column), Some(event)) if event.date != Some(column) => {
            warning = Some(format!(
                "grant date {column} disagrees with the legal event {} on {}; the grant date column is used",
                event.text,
                event.date.map_or_else(String::new, |d| d.to_string())
            ));
        }
        _ => {}
    }
    if p.lapse_date.is_none() {
        // A lapse undone by a later restoration (权利恢复: fees paid late) is no lapse.
        let restored =
            |lapse: NaiveDate| p.events().iter().any(|e| e.date.is_some_and(|d| d >= lapse) && is_restoration(&e.text));
        let lapse = p
            .events()
            .iter()
            .filter(|e| e.class == EventClass::Lapse)
            .filter_map(|e| e.date)
            .filter(|d| p.grant_date.is_none_or(|g| *d >= g) && !restored(*d))
            .min();
        if lapse.is_some() {
            p.lapse_date = lapse;
            p.known.set(Known::LAPSE_FROM_EVENT, true);
        }
    }
    if status_of(p) == StatusClass::Unknown {
        // A lapse ends a grant; a grant outlives an earlier rejection (reexamination).
        let said = if has(p.events(), EventClass::Lapse) {
            Some(StatusClass::Dead)
        } else if has(p.events(), EventClass::Grant)
            || p.known.contains(Known::GRANTED_BY_LABEL)
            || p.grant_date.is_some()
        {
            Some(StatusClass::InForce)
        } else if has(p.events(), EventClass::ApplicationEnd) {
            Some(StatusClass::Dead)
        } else {
            None
        };
        if said.is_some() {
            p.status_class = said;
        }
    }
    warning
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::events::{parse_dated_events, LegalEvent};
    use crate::rules::testutil::d;

    #[test]
    fn settling_takes_dates_from_events_where_columns_are_silent() {
        let mut p = crate::rules::testutil::patent("2015-01-01", None, "未缴年费", None);
        let (events, _) = parse_dated_events(
            "2020-04-14 | -TERMINATION OF PATENT RIGHT DUE TO NON-PAYMENT OF ANNUAL FEE | CN | 2017-08-01 | +PATENT GRANT | CN",
            true,
        );
        p.extras_mut().events = events;
        assert_eq!(settle(&mut p), None);
        assert_eq!((p.grant_date, p.lapse_date), (Some(d("2017-08-01")), Some(d("2020-04-14"))));
        assert!(p.known.contains(Known::GRANT_FROM_EVENT) && p.known.contains(Known::LAPSE_FROM_EVENT));
        // A lapse before the grant (another grant's, a data error) is not the lapse.
        let mut q = crate::rules::testutil::patent("2015-01-01", None, "", None);
        q.extras_mut().events = vec![
            LegalEvent::new(Some(d("2016-01-01")), "专利权的终止", true),
            LegalEvent::new(Some(d("2017-01-01")), "授权", true),
        ];
        settle(&mut q);
        assert_eq!((q.grant_date, q.lapse_date), (Some(d("2017-01-01")), None));
        assert_eq!(q.status_class, Some(StatusClass::Dead), "unknown status: the events say lapsed once");
        // A lapse for unpaid fees, restored, then a lapse at the end of the term.
        let mut r = crate::rules::testutil::patent("2005-01-01", Some("2008-01-01"), "", None);
        r.extras_mut().events = vec![
            LegalEvent::new(Some(d("2012-03-01")), "未缴年费专利权终止", true),
            LegalEvent::new(Some(d("2012-09-01")), "专利权的恢复", true),
            LegalEvent::new(Some(d("2025-01-01")), "期限届满", true),
        ];
        settle(&mut r);
        assert_eq!(r.lapse_date, Some(d("2025-01-01")));
    }

    #[test]
    fn a_grant_date_column_wins_over_events_with_a_warning() {
        let mut p = crate::rules::testutil::patent("2015-01-01", Some("2017-09-01"), "有效", None);
        p.extras_mut().events = vec![LegalEvent::new(Some(d("2017-08-01")), "+PATENT GRANT", true)];
        let w = settle(&mut p).expect("a warning");
        assert!(w.contains("2017-09-01") && w.contains("2017-08-01"), "{w}");
        assert_eq!(p.grant_date, Some(d("2017-09-01")));
        assert!(!p.known.contains(Known::GRANT_FROM_EVENT));
    }

    #[test]
    fn an_unknown_status_takes_what_undated_events_say() {
        let mut p = crate::rules::testutil::patent("2015-01-01", None, "专利申请权、专利权的转移", None);
        p.status_class = Some(StatusClass::Unknown);
        settle(&mut p);
        assert_eq!(p.status_class, Some(StatusClass::Unknown), "a transfer says nothing of the grant");
        p.extras_mut().events.push(LegalEvent::new(None, "授权", true));
        settle(&mut p);
        assert_eq!(p.status_class, Some(StatusClass::InForce));
        // Rejected, reexamined, granted: the grant stands.
        let mut r = crate::rules::testutil::patent("2015-01-01", None, "", None);
        r.extras_mut().events = ["驳回", "复审", "授权"].iter().map(|e| LegalEvent::new(None, e, true)).collect();
        settle(&mut r);
        assert_eq!(r.status_class, Some(StatusClass::InForce));
        let mut q = crate::rules::testutil::patent("2015-01-01", None, "有效", None);
        q.extras_mut().events.push(LegalEvent::new(None, "未缴年费", true));
        settle(&mut q);
        assert_eq!(q.status_class, None, "a status column is never overruled by undated events");
    }
}
