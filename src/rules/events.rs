//! Legal events (SPEC §7): the classes of event texts in Chinese and English, the
//! cell syntaxes exports write them in, and what they say about a patent's grant,
//! lapse and status.

use chrono::NaiveDate;

use crate::rules::dates::parse_date;
use crate::rules::status::{classify_status, StatusClass};
use crate::rules::text::{fold_width, is_empty_marker, lowercase};

/// What a legal event is, in the order of SPEC §7 (the first class that matches wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventClass {
    /// The application ended without a grant (驳回, 撤回, rejection, withdrawal).
    ApplicationEnd,
    /// The patent right ended (终止, 未缴年费, 放弃, 期限届满, 全部无效, termination, expiry).
    Lapse,
    /// A pledge released (质押 … 注销/解除, cancellation of a pledge).
    PledgeRelease,
    /// A pledge registered (质押, pledge).
    Pledge,
    /// A licence recorded (许可, licensing contract).
    Licence,
    /// A transfer of the application or patent right (权利转移, 转让, assignment).
    Transfer,
    /// Patents put into a company as equity (作价入股): from `transactions.csv` only.
    Equity,
    /// A preservation (保全).
    Preservation,
    /// The grant (授权, 专利权授予, +PATENT GRANT).
    Grant,
    /// Anything else: changes of name or address, examination steps, no data.
    Other,
}

impl EventClass {
    /// The lower-case name used in outputs and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            EventClass::ApplicationEnd => "application_end",
            EventClass::Lapse => "lapse",
            EventClass::PledgeRelease => "pledge_release",
            EventClass::Pledge => "pledge",
            EventClass::Licence => "licence",
            EventClass::Transfer => "transfer",
            EventClass::Equity => "equity",
            EventClass::Preservation => "preservation",
            EventClass::Grant => "grant",
            EventClass::Other => "other",
        }
    }
}

/// One legal event of a patent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegalEvent {
    /// When it happened; `None` for an undated event (a list item, a count).
    pub date: Option<NaiveDate>,
    /// Its class.
    pub class: EventClass,
    /// The event as written.
    pub text: String,
}

impl LegalEvent {
    /// An event classified from its text.
    pub fn new(date: Option<NaiveDate>, text: &str, invention: bool) -> LegalEvent {
        LegalEvent { date, class: classify_event(text, invention), text: text.trim().to_string() }
    }
}

fn any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// A right given up so that the same invention can be granted (避免重复授权; CNIPA's
/// `C25`, INPADOC's `RGAV`): the invention's grant, not its lapse.
fn avoids_double_grant(t: &str) -> bool {
    t.contains("避免重复授权")
        || t.starts_with("rgav")
        || t.starts_with("c25")
        || (t.contains("avoid") && any(t, &["double", "repeat", "regrant"]))
}

/// The class of an event text (SPEC §7), Chinese or English, any width or case.
/// `invention`: `放弃` with `避免重复授权` (a utility model given up so that the
/// invention can be granted) is no lapse of an invention.
pub fn classify_event(text: &str, invention: bool) -> EventClass {
    let folded = fold_width(text.trim());
    let lower = lowercase(&folded);
    let t = lower.as_ref();
    let cancelled = any(t, &["注销", "解除", "cancellation", "cancelled"]) && !any(t, &["生效", "entry into force"]);
    if any(t, &["无效宣告", "invalidation request", "request for invalidation"]) && !t.contains("全部无效") {
        // An invalidation request, its withdrawal or a partial invalidation: the patent stands.
        EventClass::Other
    } else if any(t, &["驳回", "撤回", "rejection", "withdraw", "refus"]) {
        EventClass::ApplicationEnd
    } else if any(t, &["专利权的终止", "专利权终止", "权利终止", "未缴年费", "期限届满", "届满", "全部无效"])
        || (any(t, &["放弃", "abandon", "renunciation"]) && !(invention && avoids_double_grant(t)))
        || any(
            t,
            &[
                "termination of patent",
                "expiry",
                "expiration of",
                "expired",
                "lapse",
                "revocation of patent",
                "cessation",
                "ceased",
            ],
        )
        || t.starts_with("-termination")
    {
        EventClass::Lapse
    } else if cancelled && any(t, &["质押", "pledge"]) {
        EventClass::PledgeRelease
    } else if any(t, &["质押", "pledge"]) {
        EventClass::Pledge
    } else if any(t, &["许可", "licens", "licenc"]) {
        if cancelled {
            EventClass::Other
        } else {
            EventClass::Licence
        }
    } else if any(t, &["转移", "转让", "transfer of patent", "transfer of the patent", "assignment", "change of owner"])
    {
        EventClass::Transfer
    } else if any(t, &["保全", "preservation"]) {
        EventClass::Preservation
    } else if any(t, &["授权", "专利权授予", "patent grant", "grant of patent", "granted", "+grant"]) {
        EventClass::Grant
    } else {
        EventClass::Other
    }
}

/// What a status text says when it is an event (CNIPA pss `法律状态`, or the first
/// item of an event list): application end and lapse are dead, grant in force; any
/// other event leaves the status unknown (SPEC §7). `pss`: a pss status, whose other
/// events (examination steps, publication) are unknown, though a plain status word
/// (`有效`, `失效`, `审中`) keeps its meaning; else a status word (`实质审查`) is read
/// as a status.
pub fn status_of_event(text: &str, invention: bool, pss: bool) -> StatusClass {
    match classify_event(text, invention) {
        EventClass::ApplicationEnd | EventClass::Lapse => StatusClass::Dead,
        EventClass::Grant => StatusClass::InForce,
        // Only a plain status word (有效, 失效) keeps its meaning: an event text that
        // merely contains one (`无效宣告请求`) does not, and a publication or examination
        // step says nothing of a later grant (SPEC §7).
        EventClass::Other if pss && text.trim().chars().count() <= 4 => match classify_status(text) {
            status @ (StatusClass::InForce | StatusClass::Dead) => status,
            _ => StatusClass::Unknown,
        },
        EventClass::Other if pss => StatusClass::Unknown,
        EventClass::Other => classify_status(text),
        _ => StatusClass::Unknown,
    }
}

/// INPADOC legal-event codes and their classes (SPEC §7): CNIPA's current codes, its
/// codes before 2014 and EPO's generic ones, as `data/inpadoc-codes.csv` lists them.
/// `C25` and `RGAV` (giving up a right, perhaps to avoid a double grant) are not in
/// it: their text decides, by §7's rule for 放弃 and 避免重复授权.
pub const INPADOC_CODES: &str = include_str!("../../data/inpadoc-codes.csv");

/// The class of an INPADOC code, when the table has it.
pub fn inpadoc_class(code: &str) -> Option<EventClass> {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, EventClass)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        INPADOC_CODES
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cells = line.splitn(3, ',');
                let (code, class) = (cells.next()?, cells.next()?);
                Some((code, EVENT_CLASSES.iter().copied().find(|c| c.as_str() == class)?))
            })
            .collect()
    });
    table.iter().find(|(c, _)| *c == code).map(|&(_, class)| class)
}

const EVENT_CLASSES: [EventClass; 10] = [
    EventClass::ApplicationEnd,
    EventClass::Lapse,
    EventClass::PledgeRelease,
    EventClass::Pledge,
    EventClass::Licence,
    EventClass::Transfer,
    EventClass::Equity,
    EventClass::Preservation,
    EventClass::Grant,
    EventClass::Other,
];

/// A Derwent Innovation INPADOC item, `date CODE text` (`2018-11-27 GR01 PATENT GRANT
/// +`): its event, classed by its code, else by its text. Derwent's items carry no
/// office: they are the record's own. With it, whether the code table knows the code.
fn coded_item(item: &str, invention: bool) -> Option<(LegalEvent, bool)> {
    let mut words = item.split_whitespace();
    let (day, code) = (words.next()?, words.next()?);
    let b = code.as_bytes();
    let is_code = (2..=5).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if day.len() != 10 || !is_code {
        return None;
    }
    let date = parse_date(day).ok().flatten()?;
    let text = item[item.find(code)?..].trim();
    let known = inpadoc_class(code);
    let class = known.unwrap_or_else(|| classify_event(text, invention));
    Some((LegalEvent { date: Some(date), class, text: text.to_string() }, known.is_some()))
}

/// A dated line of an event log, `2022.12.02 实质审查的生效 实质审查的生效` (Patentics'
/// `法律描述`, whose first line starts with the number of entries: `2  2022.11.15 公开
/// 公开`): the date, then the event's text.
fn dated_line(item: &str, invention: bool) -> Option<LegalEvent> {
    // Numbers before the date (the count, a publication number) are passed over.
    let mut rest = item.trim();
    loop {
        let (token, after) = rest.split_once(char::is_whitespace)?;
        let after = after.trim_start();
        if token.len() >= 8 && token.as_bytes()[0].is_ascii_digit() {
            if let Ok(Some(date)) = parse_date(token) {
                return (!after.is_empty()).then(|| LegalEvent::new(Some(date), after, invention));
            }
        }
        if !token.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = after;
    }
}

/// Patentics' event log (`法律描述`): the number of entries, then one line per event
/// (`2  2022.11.15 公开 公开`, `2022.12.02 实质审查的生效 实质审查的生效`), each
/// followed by lines of detail (`变更事项:专利权人`, `变更前=…`, addresses), which are
/// no events. `None` when the cell does not start that way.
fn event_log(cell: &str, invention: bool) -> Option<Vec<LegalEvent>> {
    let mut lines = cell.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let (count, rest) = first.split_once(char::is_whitespace)?;
    if count.is_empty() || count.len() > 3 || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let head = dated_line(rest, invention)?;
    // (`rest` may start with another number: `2 203965892 2014.11.26 授权 授权`.)
    Some(std::iter::once(head).chain(lines.filter_map(|line| dated_line(line, invention))).collect())
}

/// A `name=value` line (`申请日=2022.07.15`).
fn is_key_value(item: &str) -> bool {
    item.split_once('=').is_some_and(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty() && !k.contains(' '))
}

/// Whether an item is an office code in a dated event cell (`CN`, `US`, `中国`).
fn is_office(item: &str) -> bool {
    (item.len() == 2 && item.bytes().all(|b| b.is_ascii_uppercase())) || item == "中国"
}

/// A dated event cell (`INPADOC法律状态`): Patsnap's `date | event | office` triplets
/// joined by ` | ` (or `;`, or one to a line), or Derwent Innovation's `date CODE text`
/// items, told apart item by item. Returns the events of office `CN` (or without an
/// office) and the items that cannot be placed (an event without a date, a date
/// without an event).
pub fn parse_dated_events(cell: &str, invention: bool) -> (Vec<LegalEvent>, Vec<String>) {
    let (events, bad, _) = parse_dated_events_and_codes(cell, invention);
    (events, bad)
}

/// [`parse_dated_events`], with the INPADOC codes that neither the code table nor their
/// item's text could class (read as `other`; one warning a code tells of them).
pub fn parse_dated_events_and_codes(cell: &str, invention: bool) -> (Vec<LegalEvent>, Vec<String>, Vec<String>) {
    if let Some(events) = event_log(cell, invention) {
        return (events, Vec::new(), Vec::new());
    }
    let mut unknown = Vec::new();
    let mut events = Vec::new();
    let mut bad = Vec::new();
    // (date, event text, office) being assembled.
    let mut current: Option<(NaiveDate, Option<&str>, Option<&str>)> = None;
    let flush = |current: &mut Option<(NaiveDate, Option<&str>, Option<&str>)>,
                 events: &mut Vec<LegalEvent>,
                 bad: &mut Vec<String>| {
        if let Some((date, text, office)) = current.take() {
            match text {
                Some(text) if office.is_none_or(|o| o == "CN" || o == "中国") => {
                    events.push(LegalEvent::new(Some(date), text, invention))
                }
                Some(_) => {}
                None => bad.push(format!("{date} (a date without an event)")),
            }
        }
    };
    for item in cell.split(['|', '｜', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty() && !is_empty_marker(s))
    {
        if let Some((event, known)) = coded_item(item, invention) {
            flush(&mut current, &mut events, &mut bad);
            if !known && event.class == EventClass::Other {
                unknown.push(event.text.split_whitespace().next().unwrap_or("").to_string());
            }
            events.push(event);
            continue;
        }
        if let Some(event) = dated_line(item, invention) {
            flush(&mut current, &mut events, &mut bad);
            events.push(event);
            continue;
        }
        if is_key_value(item) {
            // Patentics' `申请日=2022.07.15` below its log: a fact, not an event.
            continue;
        }
        if let Ok(Some(date)) = parse_date(item) {
            flush(&mut current, &mut events, &mut bad);
            current = Some((date, None, None));
            continue;
        }
        match &mut current {
            Some((_, text @ None, _)) => *text = Some(item),
            Some((_, Some(_), office @ None)) if is_office(item) => *office = Some(item),
            _ => bad.push(item.to_string()),
        }
    }
    flush(&mut current, &mut events, &mut bad);
    (events, bad, unknown)
}

/// The items of an undated event list (`授权 | 质押 | 权利转移`, also `;`-separated
/// or one to a line).
pub fn split_event_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['|', '｜', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty() && !is_empty_marker(s))
}

/// The items of a list of dates (`2019-01-01;2020-02-02`, also `,`, `|`, spaces or
/// one to a line).
pub fn split_date_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['|', '｜', ';', '；', ',', '，', '\n', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && !is_empty_marker(s))
}

/// The earliest dated event of `class` (on or after `from`, when given).
pub fn earliest(events: &[LegalEvent], class: EventClass, from: Option<NaiveDate>) -> Option<&LegalEvent> {
    events
        .iter()
        .filter(|e| e.class == class && e.date.is_some_and(|d| from.is_none_or(|f| d >= f)))
        .min_by_key(|e| e.date)
}

/// Whether an event text restores a lapsed right (`专利权的恢复`, `权利恢复`,
/// `RESTORATION`, `REINSTATEMENT`).
pub fn is_restoration(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("恢复") || lower.contains("restoration") || lower.contains("reinstatement")
}

/// Whether any event (dated or not) is of `class`.
pub fn has(events: &[LegalEvent], class: EventClass) -> bool {
    events.iter().any(|e| e.class == class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patentics_event_log_is_read_line_by_line() {
        let cell = "3  2022.11.15 公开 公开\n\n2022.12.02 实质审查的生效 实质审查的生效\n申请日=2022.07.15\n\
                    2023.05.01 专利申请权的转移 专利申请权的转移\n变更事项:申请人\n变更前=甲公司\n\
                    北京市,100191 北京市海淀区 |";
        let (events, bad) = parse_dated_events(cell, true);
        assert!(bad.is_empty(), "{bad:?}");
        let got: Vec<(String, EventClass, &str)> = events
            .iter()
            .map(|e| (e.date.map(|d| d.to_string()).unwrap_or_default(), e.class, e.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("2022-11-15".into(), EventClass::Other, "公开 公开"),
                ("2022-12-02".into(), EventClass::Other, "实质审查的生效 实质审查的生效"),
                ("2023-05-01".into(), EventClass::Transfer, "专利申请权的转移 专利申请权的转移")
            ]
        );
        let (events, bad) = parse_dated_events("2 203965892 2014.11.26 授权 授权\n2021.10.29 未缴年费专利权终止", true);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(events.iter().map(|e| e.class).collect::<Vec<_>>(), [EventClass::Grant, EventClass::Lapse]);
        let (events, _) = parse_dated_events("1  2021.10.15 授权 授权", true);
        assert_eq!(
            (events[0].class, events[0].date.map(|d| d.to_string())),
            (EventClass::Grant, Some("2021-10-15".into()))
        );
        let (events, _) = parse_dated_events("3  2019.01.01 公开 公开\n2020.06.01 发明专利申请公布后的驳回 驳回", true);
        assert_eq!(events[1].class, EventClass::ApplicationEnd);
    }

    #[test]
    fn derwent_items_are_read_by_their_codes() {
        let cell = "2018-11-27 GR01 PATENT GRANT + |  2018-06-12 SE01 ENTRY INTO FORCE OF REQUEST FOR SUBSTANTIVE EXAMINATION | 2018-05-18 PB01 PUBLICATION";
        let (events, bad) = parse_dated_events(cell, true);
        assert!(bad.is_empty(), "{bad:?}");
        let got: Vec<(String, EventClass)> =
            events.iter().map(|e| (e.date.map(|d| d.to_string()).unwrap_or_default(), e.class)).collect();
        assert_eq!(
            got,
            [
                ("2018-11-27".into(), EventClass::Grant),
                ("2018-06-12".into(), EventClass::Other),
                ("2018-05-18".into(), EventClass::Other)
            ]
        );
        assert_eq!(events[0].text, "GR01 PATENT GRANT +");
        // Codes of the three sets; an unknown code falls back to its text.
        let class = |item: &str, invention: bool| parse_dated_events(item, invention).0[0].class;
        assert_eq!(
            class("2021-03-01 CF01 TERMINATION OF PATENT RIGHT DUE TO NON-PAYMENT OF ANNUAL FEE", true),
            EventClass::Lapse
        );
        assert_eq!(class("2010-01-06 C14 GRANT OF PATENT OR UTILITY MODEL", true), EventClass::Grant);
        assert_eq!(class("2012-05-02 C41 TRANSFER OF PATENT APPLICATION OR PATENT RIGHT", true), EventClass::Transfer);
        assert_eq!(class("2015-07-08 EXPY TERMINATION OF PATENT RIGHT OR UTILITY MODEL", true), EventClass::Lapse);
        assert_eq!(class("2019-02-01 PE01 ENTRY INTO FORCE OF THE REGISTRATION OF PLEDGE", true), EventClass::Pledge);
        assert_eq!(class("2020-02-01 XX99 TRANSFER OF PATENT RIGHT", true), EventClass::Transfer, "text fallback");
        // Giving up a right to avoid a double grant: no lapse of an invention.
        assert_eq!(class("2016-01-20 C25 ABANDONMENT OF PATENT RIGHT TO AVOID REGRANTING", true), EventClass::Other);
        assert_eq!(class("2016-01-20 C25 ABANDONMENT OF PATENT RIGHT TO AVOID REGRANTING", false), EventClass::Lapse);
        assert_eq!(class("2016-01-20 RGAV RENUNCIATION", true), EventClass::Other);
        // A code neither the table nor its text can class is told apart.
        let (_, _, unknown) = parse_dated_events_and_codes(
            "2020-02-01 ZZ99 SOMETHING NEW | 2020-03-01 XX99 TRANSFER OF PATENT RIGHT | 2020-04-01 GR01 PATENT GRANT",
            true,
        );
        assert_eq!(unknown, ["ZZ99"]);
        // Patsnap's triplets are read as before beside them.
        let (events, bad) = parse_dated_events("2017-08-01 | +PATENT GRANT | CN | 2019-01-01 C14 GRANT", true);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(events.iter().map(|e| e.class).collect::<Vec<_>>(), [EventClass::Grant, EventClass::Grant]);
        // Every class named in the table is a class.
        for line in INPADOC_CODES.lines().skip(1) {
            let code = line.split(',').next().unwrap_or("");
            assert!(inpadoc_class(code).is_some(), "{line}");
        }
    }
    use crate::rules::testutil::d;
    use EventClass::*;

    #[test]
    fn classes_in_order() {
        let cases = [
            ("发明专利申请公布后的驳回", ApplicationEnd),
            ("发明专利申请公布后的撤回", ApplicationEnd),
            ("视为撤回", ApplicationEnd),
            ("-REJECTION OF APPLICATION", ApplicationEnd),
            ("APPLICATION WITHDRAWN AFTER PUBLICATION", ApplicationEnd),
            ("专利权的终止", Lapse),
            ("未缴年费专利权终止", Lapse),
            ("未缴年费", Lapse),
            ("期限届满", Lapse),
            ("专利权全部无效", Lapse),
            ("放弃专利权", Lapse),
            ("-TERMINATION OF PATENT RIGHT DUE TO NON-PAYMENT OF ANNUAL FEE", Lapse),
            ("-EXPIRY OF PATENT TERM", Lapse),
            ("ABANDONMENT OF PATENT RIGHT", Lapse),
            ("专利权质押合同登记的注销", PledgeRelease),
            ("解除质押", PledgeRelease),
            ("-CANCELLATION OF PLEDGE OF PATENT RIGHT", PledgeRelease),
            ("专利权质押合同登记的生效、变更及注销", Pledge),
            ("质押", Pledge),
            ("+ENTRY INTO FORCE OF PLEDGE OF PATENT RIGHT", Pledge),
            ("专利实施许可合同备案的生效、变更及注销", Licence),
            ("许可", Licence),
            ("EE01 ENTRY INTO FORCE OF RECORDATION OF PATENT LICENSING CONTRACT", Licence),
            ("专利实施许可合同备案的注销", Other),
            ("权利转移", Transfer),
            ("专利申请权、专利权的转移", Transfer),
            ("转让", Transfer),
            ("TRANSFER OF PATENT RIGHT", Transfer),
            ("ASSIGNMENT", Transfer),
            ("专利权的保全", Preservation),
            ("授权", Grant),
            ("发明专利权授予", Grant),
            ("+PATENT GRANT", Grant),
            ("+GRANT OF PATENT FOR INVENTION", Grant),
            ("著录事项变更", Other),
            ("无效宣告请求", Other),
            ("无效宣告请求撤回", Other),
            ("-CESSATION OF PATENT RIGHT", Lapse),
            ("实质审查的生效", Other),
            ("发明专利申请公布", Other),
            ("无数据", Other),
            ("", Other),
        ];
        for (text, class) in cases {
            assert_eq!(classify_event(text, true), class, "{text}");
        }
        // Full-width and lower case read the same.
        assert_eq!(classify_event("＋patent grant", true), Grant);
    }

    #[test]
    fn giving_up_a_utility_model_for_an_invention_is_no_lapse_of_the_invention() {
        let text = "避免重复授权放弃专利权";
        assert_eq!(classify_event(text, true), Grant);
        assert_eq!(classify_event(text, false), Lapse);
    }

    #[test]
    fn statuses_from_events() {
        assert_eq!(status_of_event("发明专利权授予", true, true), StatusClass::InForce);
        assert_eq!(status_of_event("发明专利申请公布后的撤回", true, true), StatusClass::Dead);
        assert_eq!(status_of_event("专利权的终止", true, true), StatusClass::Dead);
        assert_eq!(status_of_event("专利申请权、专利权的转移", true, true), StatusClass::Unknown);
        assert_eq!(status_of_event("著录事项变更", true, true), StatusClass::Unknown);
        assert_eq!(status_of_event("实质审查的生效", true, true), StatusClass::Unknown);
        assert_eq!(status_of_event("公开", true, true), StatusClass::Unknown);
        assert_eq!(status_of_event("无效宣告请求的审查决定", true, true), StatusClass::Unknown);
        assert_eq!(status_of_event("专利权人的姓名或者名称、地址的变更", true, true), StatusClass::Unknown);
        // A plain status word beside a status date keeps its meaning.
        assert_eq!(status_of_event("有效", true, true), StatusClass::InForce);
        assert_eq!(status_of_event("失效", true, true), StatusClass::Dead);
        assert_eq!(status_of_event("审中", true, true), StatusClass::Unknown);
        // The first item of an event list, no pss status: status words keep their meaning.
        assert_eq!(status_of_event("实质审查", true, false), StatusClass::Pending);
        assert_eq!(status_of_event("未缴年费", true, false), StatusClass::Dead);
        assert_eq!(status_of_event("权利转移", true, false), StatusClass::Unknown);
        assert_eq!(status_of_event("有效", true, false), StatusClass::InForce);
    }

    #[test]
    fn dated_cells_are_read_in_triplets_keeping_cn_events() {
        let cell = "2020-04-14 | -TERMINATION OF PATENT RIGHT DUE TO NON-PAYMENT OF ANNUAL FEE | CN | 2017-08-01 | +PATENT GRANT | CN | 2016-01-01 | +PUBLICATION | US";
        let (events, bad) = parse_dated_events(cell, true);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].date, events[0].class), (Some(d("2020-04-14")), Lapse));
        assert_eq!((events[1].date, events[1].class), (Some(d("2017-08-01")), Grant));
        assert_eq!(earliest(&events, Grant, None).and_then(|e| e.date), Some(d("2017-08-01")));
        assert_eq!(earliest(&events, Lapse, Some(d("2017-08-01"))).and_then(|e| e.date), Some(d("2020-04-14")));
        assert!(earliest(&events, Lapse, Some(d("2020-04-15"))).is_none());
    }

    #[test]
    fn dated_cells_tolerate_missing_offices_and_report_strays() {
        let (events, bad) = parse_dated_events("2017.08.01 | 授权 | 2019/3/5 | 质押 | CN", true);
        assert_eq!(events.len(), 2);
        assert!(bad.is_empty());
        let (events, bad) = parse_dated_events(
            "2017-08-01 | +PATENT GRANT | CN; 2020-04-14 | 专利权的终止 | CN\n20210101 | 许可",
            true,
        );
        assert_eq!(events.iter().map(|e| e.class).collect::<Vec<_>>(), [Grant, Lapse, Licence]);
        assert!(bad.is_empty());
        let (events, bad) = parse_dated_events("授权 | 2019-02-30 | 质押 | 2020-01-01", true);
        assert!(events.is_empty());
        assert_eq!(bad, ["授权", "2019-02-30", "质押", "2020-01-01 (a date without an event)"]);
        assert_eq!(parse_dated_events("-", true), (vec![], vec![]));
    }

    #[test]
    fn event_lists_split_on_bars_and_semicolons() {
        let items: Vec<&str> = split_event_list("授权 | 质押 ；权利转移;-\n许可").collect();
        assert_eq!(items, ["授权", "质押", "权利转移", "许可"]);
        let dates: Vec<&str> = split_date_list("2019-01-01; 2020-02-02,2021-03-03 2022-04-04\nnan").collect();
        assert_eq!(dates, ["2019-01-01", "2020-02-02", "2021-03-03", "2022-04-04"]);
        assert!(is_empty_marker(" - ") && is_empty_marker("无数据") && !is_empty_marker("0"));
    }
}
