//! The native portfolio layout (SPEC §3): each row normalised into a patent,
//! an out-of-scope document, or a reject; then rows of one patent merged.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use crate::read::cells::RawTable;
use crate::read::profile::{Field as C, Layout, FIELD_NAMES};
use crate::read::side::{IdResolver, SideTable};
use crate::rules::awards::parse_award_entry;
use crate::rules::dates::parse_date;
use crate::rules::events::{
    parse_dated_events_and_codes, split_date_list, split_event_list, status_of_event, EventClass, LegalEvent,
};
use crate::rules::family::parse_member;
use crate::rules::institutions::{split_holders, strip_assignee_tail};
use crate::rules::ipc::parse_ipc;
use crate::rules::model::{
    Extras, Known, Name, Patent, PatentTexts, PledgeShare, QualityCount, QualityCounts, RowIssue, SourceRef, Vocabulary,
};
use crate::rules::numbers::{parse_number, parse_publication, AppNumber, Kind, ParsedNumber, PatentId, PubNumber};
use crate::rules::settle::settle;
use crate::rules::status::StatusClass;
use crate::rules::text::{split_codes, split_list};

/// What one portfolio row became.
#[derive(Debug)]
pub enum RowOutcome {
    /// A CN patent document, the id of its publication number (when it has one),
    /// and warnings about it.
    Patent(Box<Patent>, Option<PatentId>, Vec<RowIssue>),
    /// A document of another office.
    OutOfScope,
    /// Could not be scored.
    Reject(Box<RowIssue>),
}

struct Row<'a> {
    table: &'a RawTable,
    layout: &'a Layout,
    row: usize,
    file_label: &'a str,
}

impl<'a> Row<'a> {
    fn get(&self, c: C) -> Cow<'a, str> {
        self.layout.get(self.table, self.row, c)
    }

    fn issue(&self, c: C, value: &str, reason: String) -> Box<RowIssue> {
        Box::new(RowIssue {
            file: self.file_label.to_string(),
            line: self.table.line(self.row),
            column: self.layout.column_name(self.table, c).into_owned(),
            value: value.to_string(),
            reason,
            raw: self.table.raw_row(self.row),
        })
    }

    fn date(&self, c: C) -> Result<Option<chrono::NaiveDate>, Box<RowIssue>> {
        self.date_in(c, &self.get(c))
    }

    /// The date of `v`, the cell of column `c`.
    fn date_in(&self, c: C, v: &str) -> Result<Option<chrono::NaiveDate>, Box<RowIssue>> {
        parse_date(v).map_err(|_| self.issue(c, v, format!("unparseable {}", FIELD_NAMES[c as usize])))
    }

    /// A date column that may hold a `;` list (SPEC §7: `授权公告日`, `失效日期`): every
    /// item must be a date (the §1 rule), and the earliest on or after `from` is taken.
    fn date_from_list(
        &self,
        c: C,
        from: Option<chrono::NaiveDate>,
    ) -> Result<Option<chrono::NaiveDate>, Box<RowIssue>> {
        let v = self.get(c);
        // `；` is EF BC 9B: a cell without these bytes (every single date) has no list.
        if memchr::memchr3(b';', b'|', 0xEF, v.as_bytes()).is_none() || !v.contains([';', '；', '|']) {
            return self.date_in(c, &v);
        }
        let mut dates = Vec::new();
        for item in v.split([';', '；', '|']).map(str::trim).filter(|i| !i.is_empty()) {
            match parse_date(item) {
                Ok(Some(d)) => dates.push(d),
                _ => return Err(self.issue(c, item, format!("unparseable {}", FIELD_NAMES[c as usize]))),
            }
        }
        let earliest_from = dates.iter().filter(|d| from.is_none_or(|f| **d >= f)).min().copied();
        Ok(earliest_from.or_else(|| dates.iter().min().copied()))
    }
}

/// Normalise every row of a table, in parallel, in row order.
pub fn normalize_rows(table: &RawTable, layout: &Layout, file: usize, file_label: &str) -> Vec<RowOutcome> {
    (0..table.height())
        .into_par_iter()
        .map_init(
            || Interner::new(layout.holder_commas()),
            |names, row| normalize_row(&Row { table, layout, row, file_label }, file, names),
        )
        .collect()
}

/// Shares one copy of each repeated text (statuses, holder names) among the rows a
/// task normalises, and remembers the names each holders cell was split into: a
/// portfolio repeats few distinct cells in millions of rows.
struct Interner {
    names: rustc_hash::FxHashMap<String, Name>,
    lists: rustc_hash::FxHashMap<String, Box<[Name]>>,
    /// The layout's [`Layout::holder_commas`]: one table's rows share it.
    commas: bool,
}

/// Holders cells whose names an [`Interner`] remembers, at most.
const REMEMBERED_LISTS: usize = 1 << 12;

impl Interner {
    fn new(commas: bool) -> Interner {
        Interner { names: Default::default(), lists: Default::default(), commas }
    }

    fn get(&mut self, text: &str) -> Name {
        if let Some(shared) = self.names.get(text) {
            return shared.clone();
        }
        let shared = Name::from(text);
        self.names.insert(text.to_string(), shared.clone());
        shared
    }

    /// The holders (or applicants) a cell names, each shared, in a list of its length.
    fn list(&mut self, cell: &str) -> Vec<Name> {
        if let Some(names) = self.lists.get(cell) {
            return names.to_vec();
        }
        let names: Vec<Name> = split_holders(cell, self.commas)
            .iter()
            .map(|h| self.get(strip_assignee_tail(strip_date_suffix(h))))
            .collect();
        if self.lists.len() < REMEMBERED_LISTS {
            self.lists.insert(cell.to_string(), names.clone().into_boxed_slice());
        }
        names
    }
}

fn normalize_row(r: &Row<'_>, file: usize, names: &mut Interner) -> RowOutcome {
    match normalize_inner(r, file, names) {
        Ok(outcome) => outcome,
        Err(issue) => RowOutcome::Reject(issue),
    }
}

fn normalize_inner(r: &Row<'_>, file: usize, names: &mut Interner) -> Result<RowOutcome, Box<RowIssue>> {
    longer_than_header(r)?;
    let mut warnings = Vec::new();
    let Some((id, app, publication)) = identify(r, &mut warnings)? else {
        return Ok(RowOutcome::OutOfScope);
    };
    let (filing_date, filing_year_only) = filing_date(r)?;
    let grant_date = r.date_from_list(C::GrantDate, None)?;
    let lapse_date = r.date_from_list(C::LapseDate, grant_date)?;
    let kind_label = r.get(C::Kind);
    let kind = kind_of(&kind_label, app.as_ref(), publication.as_ref());
    let ipc = ipc_codes(r, &mut warnings);
    let parties = parties(r, names);
    let invention = kind == Some(Kind::Invention);
    let (status_text, status_class, events, unread_events) = legal_events(r, invention, &mut warnings);
    let layout = r.layout;
    let counts = quality_counts(r, &mut warnings);
    let mut known = Known::empty();
    known.set(Known::GRANT_COLUMN, layout.has_grant_source());
    known.set(Known::FAMILY_COLUMN, layout.has(C::Family));
    known.set(Known::PLEDGE_COLUMN, layout.has(C::PledgeAmount));
    known.set(Known::AWARD_COLUMN, layout.has(C::Awards));
    known.set(Known::GRANTED_BY_LABEL, kind_label.contains("授权"));
    known.set(Known::APPLICANTS_ARE_HOLDERS, parties.applicants_are_holders);
    known.set(Known::UNREAD_EVENTS, unread_events);
    let family = family_members(r, &mut warnings);
    let pledges = pledge_amount(r)?;
    let awards = award_entries(r)?;
    let pub_no = publication.as_ref().map(PubNumber::compact).unwrap_or_default();
    let pub_id = publication_id(publication.as_ref(), &pub_no);
    Ok(RowOutcome::Patent(
        Box::new(Patent {
            id,
            texts: PatentTexts::new(&pub_no, &r.get(C::Title)),
            kind,
            filing_date,
            grant_date,
            status: names.get(&status_text),
            lapse_date,
            ipc,
            classes_codes: 0,
            holders: parties.holders.into_boxed_slice(),
            holders_explicit: parties.holders_explicit,
            extras: Extras { applicants: parties.applicants, family, pledges, awards, events }.boxed(),
            source: SourceRef { file: file as u32, line: r.table.line(r.row) },
            filing_year_only,
            status_class,
            known,
            counts,
        }),
        pub_id,
        warnings,
    ))
}

/// The kind a row tells: its kind column, else the application number's type
/// digit, else the publication's kind code.
fn kind_of(label: &str, app: Option<&AppNumber>, publication: Option<&PubNumber>) -> Option<Kind> {
    Kind::from_label(label)
        .or_else(|| app.and_then(|a| Kind::from_type_digit(a.type_digit())))
        .or_else(|| publication.and_then(|p| Kind::from_kind_code(&p.kind)))
}

/// The row's award entries (SPEC §10); one that cannot be read rejects the row.
fn award_entries(r: &Row<'_>) -> Result<Vec<crate::rules::model::Award>, Box<RowIssue>> {
    split_list(&r.get(C::Awards))
        .map(|entry| parse_award_entry(entry).map_err(|_| r.issue(C::Awards, entry, "unparseable award date".into())))
        .collect()
}

/// The reason of a warning about an INPADOC code that neither the code table nor its
/// item's text could class.
pub const UNKNOWN_EVENT_CODE: &str =
    "legal event code not in data/inpadoc-codes.csv, its text naming no class (read as other)";

/// The reason of a warning about a legal-event item that could not be read.
pub const UNREAD_EVENT_ITEM: &str = "unreadable legal event item (ignored)";

/// A row with more fields than the header is read when the extra fields are empty
/// (Patentics' CSV ends every row with one); one with a value past the header is
/// rejected: its cells may have shifted (a comma in an unquoted cell), so none of
/// them can be trusted.
fn longer_than_header(r: &Row<'_>) -> Result<(), Box<RowIssue>> {
    let (width, headers) = (r.table.width(r.row), r.table.headers.len());
    let extra: Vec<&str> = (headers..width).map(|c| r.table.cell(r.row, c).trim()).filter(|c| !c.is_empty()).collect();
    if extra.is_empty() {
        return Ok(());
    }
    Err(Box::new(RowIssue {
        file: r.file_label.to_string(),
        line: r.table.line(r.row),
        column: format!("field {} (past the header)", headers + 1),
        value: extra.join(" | "),
        reason: format!(
            "the row has {width} fields where the header has {headers}, and a field past the header holds a value: its cells may have shifted"
        ),
        raw: r.table.raw_row(r.row),
    }))
}

/// The row's patent id from its application or publication number, with the numbers
/// parsed; `None` for a patent of another office (out of scope).
#[allow(clippy::type_complexity)]
fn identify(
    r: &Row<'_>,
    warnings: &mut Vec<RowIssue>,
) -> Result<Option<(PatentId, Option<AppNumber>, Option<PubNumber>)>, Box<RowIssue>> {
    let (app_cell, pub_cell) = (r.get(C::AppNo), r.get(C::PubNo));
    let (app_raw, pub_raw) = (app_cell.as_ref(), pub_cell.as_ref());
    if app_raw.is_empty() && pub_raw.is_empty() {
        return Err(r.issue(C::AppNo, "", "no patent number (app_no and pub_no are empty)".into()));
    }
    if [app_raw, pub_raw].iter().any(|n| foreign_office(n)) || foreign_office_name(&r.get(C::Office)) {
        return Ok(None);
    }
    let app = if app_raw.is_empty() {
        None
    } else {
        match parse_number(app_raw) {
            Ok(ParsedNumber::App(a)) => Some(a),
            Ok(ParsedNumber::Pub(_)) | Err(_) => {
                return Err(r.issue(C::AppNo, app_raw, "unparseable application number".into()));
            }
        }
    };
    let publication = if pub_raw.is_empty() {
        None
    } else {
        match parse_publication(pub_raw) {
            Ok(p) => Some(p),
            Err(_) if app.is_some() => {
                warnings.push(*r.issue(C::PubNo, pub_raw, "unparseable publication number (ignored)".into()));
                None
            }
            Err(_) => return Err(r.issue(C::PubNo, pub_raw, "unparseable publication number".into())),
        }
    };
    let id = match (&app, &publication) {
        (Some(a), _) => PatentId::from_app(a),
        (None, Some(p)) => PatentId::from_pub(p),
        (None, None) => return Err(r.issue(C::PubNo, pub_raw, "no usable patent number".into())),
    };
    if !id.is_cn() {
        return Ok(None);
    }
    if let Some(a) = app.as_ref().filter(|a| !a.check_ok) {
        let expected = crate::rules::numbers::check_digit(&a.digits).unwrap_or('?');
        warnings.push(*r.issue(
            C::AppNo,
            app_raw,
            format!("wrong check digit {} (computed {expected}); id kept as written", a.check),
        ));
    }
    Ok(Some((id, app, publication)))
}

/// The IPC codes of the row, each once; Locarno classes (designs) skipped.
fn ipc_codes(r: &Row<'_>, warnings: &mut Vec<RowIssue>) -> Box<[crate::rules::ipc::Ipc]> {
    let mut ipc = Vec::new();
    for code in split_codes(&r.get(C::Ipc)) {
        match parse_ipc(code) {
            Ok(c) if !ipc.contains(&c) => ipc.push(c),
            Ok(_) => {}
            // Designs carry Locarno classes (`21-01`, `21-01-C0293`) in the same column: not IPC, not a problem.
            Err(_) if is_locarno(code) => {}
            Err(_) => warnings.push(*r.issue(C::Ipc, code, "unparseable IPC code (ignored)".into())),
        }
    }
    // Kept for the whole run, for every patent: copied into a block of its size (a
    // shrink in place can leave it in the one the list grew into).
    Box::from(ipc.as_slice())
}

/// The holders and applicants of a row.
struct Parties {
    holders: Vec<Name>,
    holders_explicit: bool,
    /// Empty when they are the holders.
    applicants: Vec<Name>,
    applicants_are_holders: bool,
}

fn parties(r: &Row<'_>, names: &mut Interner) -> Parties {
    let holders_cell = r.get(C::Holders);
    let holders_explicit = !holders_cell.is_empty();
    let applicants_cell = r.get(C::Applicants);
    let mut split = |cell: &str| names.list(cell);
    // Applicants who are the holders are not kept twice (most rows of most exports).
    let same_cells = holders_explicit && applicants_cell == holders_cell;
    let (holders, mut applicants) = match holders_explicit && !same_cells {
        true => (split(&holders_cell), split(&applicants_cell)),
        false => (split(if holders_explicit { &holders_cell } else { &applicants_cell }), Vec::new()),
    };
    let applicants_are_holders = same_cells || (!applicants.is_empty() && applicants == holders);
    if applicants_are_holders {
        applicants = Vec::new();
    }
    Parties { holders, holders_explicit, applicants, applicants_are_holders }
}

fn family_members(r: &Row<'_>, warnings: &mut Vec<RowIssue>) -> Vec<crate::rules::model::FamilyMember> {
    let mut family = Vec::new();
    for m in split_codes(&r.get(C::Family)) {
        match parse_member(m) {
            Some(member) => family.push(member),
            None => warnings.push(*r.issue(C::Family, m, "unparseable family member (ignored)".into())),
        }
    }
    family
}

/// The pledge amount attributed to the patent (万元), as a pledge of its own.
fn pledge_amount(r: &Row<'_>) -> Result<Vec<PledgeShare>, Box<RowIssue>> {
    let amount_cell = r.get(C::PledgeAmount);
    let amount = amount_cell.as_ref();
    if amount.is_empty() {
        return Ok(Vec::new());
    }
    match amount.replace(',', "").parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(vec![PledgeShare {
            contract_id: Default::default(),
            contract_wan: v,
            patents_in_contract: 1,
            registered_on: None,
        }]),
        _ => Err(r.issue(C::PledgeAmount, amount, "unparseable pledge_amount (万元)".into())),
    }
}

/// The filing date, or (from a year-only column such as `申请年`) 1 January of the
/// filing year and `true`.
fn filing_date(r: &Row<'_>) -> Result<(chrono::NaiveDate, bool), Box<RowIssue>> {
    if let Some(day) = r.date(C::FilingDate)? {
        return Ok((day, false));
    }
    let year_cell = r.get(C::FilingYear);
    let year = year_cell.trim().trim_end_matches('年');
    if year.is_empty() {
        return Err(r.issue(C::FilingDate, "", "missing filing_date".into()));
    }
    if let Ok(Some(day)) = parse_date(year) {
        return Ok((day, false));
    }
    match year
        .parse::<i32>()
        .ok()
        .filter(|y| (1985..=2999).contains(y))
        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1))
    {
        Some(first) => Ok((first, true)),
        None => Err(r.issue(C::FilingYear, &year_cell, "unparseable filing year".into())),
    }
}

/// The largest family size, claims count or count of events read: a larger cell is
/// a column mix-up.
const FAMILY_LIMIT: u32 = 10_000;

/// The largest citation count read (the most-cited patents have some thousands).
const CITATION_LIMIT: u32 = QualityCounts::MAX;

/// The quality counts of a row (SPEC §12; the family size also tells D2's coverage).
fn quality_counts(r: &Row<'_>, warnings: &mut Vec<RowIssue>) -> QualityCounts {
    let mut counts = QualityCounts::default();
    counts.set(QualityCount::FamilySize, count(r, C::FamilySize, FAMILY_LIMIT, warnings));
    counts.set(QualityCount::Claims, count(r, C::Claims, FAMILY_LIMIT, warnings));
    counts.set(QualityCount::CitedBy, count(r, C::CitedBy, CITATION_LIMIT, warnings));
    counts.set(QualityCount::Cites, count(r, C::Cites, CITATION_LIMIT, warnings));
    counts
}

/// A count cell (`专利转移次数`, `简单同族数量`, `被引用专利数量`): a whole number, `3次`
/// too; an unreadable one, or one above `limit`, is a warning.
fn count(r: &Row<'_>, c: C, limit: u32, warnings: &mut Vec<RowIssue>) -> Option<u32> {
    let cell = r.get(c);
    if cell.is_empty() {
        // No such column (most exports lack some), or nothing in it.
        return None;
    }
    let text = crate::rules::text::trim(crate::rules::text::trim(&cell).trim_end_matches(['次', '件', '个']));
    if text.is_empty() {
        return None;
    }
    let n = text
        .parse::<u32>()
        .ok()
        .or_else(|| text.parse::<f64>().ok().filter(|v| v.fract() == 0.0 && *v >= 0.0).map(|v| v as u32));
    match n.filter(|n| *n <= limit) {
        Some(n) => Some(n),
        None => {
            warnings.push(*r.issue(c, &cell, format!("unreadable {} (ignored)", FIELD_NAMES[c as usize])));
            None
        }
    }
}

/// The status text, the status class legal events decided (when they did), and the
/// row's legal events (SPEC §7): a pss status with its date, an event list (whose
/// first item is the status when the file has no status column), dated event cells,
/// dated columns and count columns. Unreadable items are warnings.
fn legal_events<'a>(
    r: &Row<'a>,
    invention: bool,
    warnings: &mut Vec<RowIssue>,
) -> (Cow<'a, str>, Option<StatusClass>, Vec<LegalEvent>, bool) {
    let layout = r.layout;
    let mut events = Vec::new();
    let mut status = r.get(C::Status);
    let mut status_class = None;
    if !layout.has_events() {
        return (status, status_class, events, false);
    }
    if layout.has(C::StatusDate) && !status.is_empty() {
        // CNIPA pss: the status is the latest legal event, on that date.
        let date_cell = r.get(C::StatusDate);
        let date = parse_date(&date_cell).unwrap_or_else(|_| {
            warnings.push(*r.issue(
                C::StatusDate,
                &date_cell,
                "unreadable legal status date (event kept undated)".into(),
            ));
            None
        });
        events.push(LegalEvent::new(date, &status, invention));
        status_class = Some(status_of_event(&status, invention, true));
    }
    for other in layout.other_statuses(r.table, r.row) {
        events.extend(split_event_list(other).map(|item| LegalEvent::new(None, item, invention)));
    }
    let list = r.get(C::EventList);
    let mut items = split_event_list(&list);
    if !layout.has(C::Status) {
        if let Some(first) = items.next() {
            status = Cow::Owned(first.to_string());
            status_class = Some(status_of_event(first, invention, false));
        }
    }
    events.extend(items.map(|item| LegalEvent::new(None, item, invention)));
    let (dated, bad, unknown_codes) = parse_dated_events_and_codes(&r.get(C::DatedEvents), invention);
    events.extend(dated);
    for code in unknown_codes {
        warnings.push(*r.issue(C::DatedEvents, &code, UNKNOWN_EVENT_CODE.into()));
    }
    let unread = !bad.is_empty();
    for item in bad {
        warnings.push(*r.issue(C::DatedEvents, &item, UNREAD_EVENT_ITEM.into()));
    }
    for (dates, counted, class) in [
        (C::TransferDates, C::TransferCount, EventClass::Transfer),
        (C::LicenceDates, C::LicenceCount, EventClass::Licence),
        (C::PledgeDates, C::PledgeCount, EventClass::Pledge),
    ] {
        dated_and_counted_events(r, (dates, counted, class), &mut events, warnings);
    }
    (status, status_class, events, unread)
}

/// The events of one class from its dated column (`转让日`: a list of dates) and its
/// count column (`转让次数`): a count beside dated events counts them too, so only
/// the rest are added undated.
fn dated_and_counted_events(
    r: &Row<'_>,
    (dates, counted, class): (C, C, EventClass),
    events: &mut Vec<LegalEvent>,
    warnings: &mut Vec<RowIssue>,
) {
    let layout = r.layout;
    let mut dated = 0u32;
    let cell = r.get(dates);
    for item in split_date_list(&cell) {
        match parse_date(item) {
            Ok(Some(date)) => {
                dated += 1;
                let text = layout.column_name(r.table, dates).into_owned();
                events.push(LegalEvent { date: Some(date), class, text });
            }
            _ => warnings.push(*r.issue(
                dates,
                item,
                format!("unreadable {} item (ignored)", FIELD_NAMES[dates as usize]),
            )),
        }
    }
    let mut total = count(r, counted, FAMILY_LIMIT, warnings).unwrap_or(0);
    if total > MAX_COUNTED_EVENTS {
        let cell = r.get(counted);
        warnings.push(*r.issue(
            counted,
            &cell,
            format!("more than {MAX_COUNTED_EVENTS} events: {MAX_COUNTED_EVENTS} counted"),
        ));
        total = MAX_COUNTED_EVENTS;
    }
    let undated = total.saturating_sub(dated);
    for _ in 0..undated {
        events.push(LegalEvent { date: None, class, text: layout.column_name(r.table, counted).into_owned() });
    }
}

/// The most undated events one count cell makes (a patent transferred more often is a
/// data error, or a column mapped wrongly).
const MAX_COUNTED_EVENTS: u32 = 100;

/// Whether a receiving-office cell (`受理局`, `公开国别`) names another office than
/// China's: in scope when it names China (`中国`, `中国大陆`, `CN`, `China (CN)`,
/// `国家知识产权局`), not Taiwan, Hong Kong or Macao, whose patents are not CN patents.
fn foreign_office_name(office: &str) -> bool {
    let folded = crate::rules::text::fold_width(office.trim());
    let o = folded.to_uppercase();
    if o.is_empty() {
        return false;
    }
    let china = ["中国", "中华人民共和国", "国家知识产权局", "CNIPA", "CHINA", "SIPO"].iter().any(|w| o.contains(w))
        || o.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w == "CN");
    let elsewhere = ["台湾", "香港", "澳门", "TAIWAN", "HONG KONG", "MACAO", "MACAU"].iter().any(|w| o.contains(w));
    !china || elsewhere
}

/// A Locarno (industrial design) class: `21-01`, `21-01-C0293`.
fn is_locarno(code: &str) -> bool {
    let b = code.trim().as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&digits) && b.get(digits) == Some(&b'-') && b.get(digits + 1).is_some_and(u8::is_ascii_digit)
}

/// Whether a number names another office than China's (`US 2011/0185700 A1`,
/// `TW-I823028-B`, `EP3456789B1`): a two-letter code other than CN/ZL, then (after
/// separators and at most two serial letters) a digit.
fn foreign_office(number: &str) -> bool {
    let folded = crate::rules::text::fold_width(number.trim());
    let b = folded.as_bytes();
    if b.len() < 3
        || !b[0].is_ascii_alphabetic()
        || !b[1].is_ascii_alphabetic()
        || b[..2].eq_ignore_ascii_case(b"CN")
        || b[..2].eq_ignore_ascii_case(b"ZL")
    {
        return false;
    }
    let rest = folded[2..].trim_start_matches([' ', '-', '_']);
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters <= 2 && rest.as_bytes().get(letters).is_some_and(u8::is_ascii_digit)
}

/// The id of a publication number, as its written form `pub_no` reads as any number
/// ([`id_of`](crate::rules::numbers::id_of): side tables look numbers up that way).
/// Without a second parse where that is the publication itself: another office, or a
/// CN serial of 7 digits or of 9 with a kind code, which cannot be an application
/// number; an 8- or 9-digit CN serial can (an old application number).
fn publication_id(publication: Option<&PubNumber>, pub_no: &str) -> Option<PatentId> {
    let p = publication?;
    let serial = p.number.len();
    if p.country != "CN" || serial == 7 || (serial == 9 && !p.kind.is_empty()) {
        Some(PatentId::from_pub(p))
    } else {
        crate::rules::numbers::id_of(pub_no).ok()
    }
}

/// Lens writes owners with the date they acquired the patent: `ISUZU MOTORS LIMITED (2007-09-26)`.
fn strip_date_suffix(name: &str) -> &str {
    match name.trim_end().strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((head, date)) if parse_date(date).is_ok_and(|d| d.is_some()) => head.trim_end(),
        _ => name,
    }
}

/// A portfolio's rows sorted: patents (rows of one patent merged into one record),
/// duplicates, out-of-scope documents, rejects and warnings, in input order.
/// Rows are taken as they come; [`Merged::finish`] then sorts them by id (in
/// parallel) and merges each patent's rows in input order, so no table keyed by
/// id is kept while reading.
#[derive(Debug, Default)]
pub struct Merged {
    /// Before [`Merged::finish`]: every patent row taken, in input order. After:
    /// distinct patents, sorted by id.
    pub patents: Vec<Box<Patent>>,
    /// Rows that repeated a patent already seen (counted by [`Merged::finish`]).
    pub duplicates: usize,
    /// Documents of other offices.
    pub out_of_scope: usize,
    /// Rows that could not be scored.
    pub rejects: Vec<RowIssue>,
    /// Problems with rows that were kept.
    pub warnings: Vec<RowIssue>,
    /// After [`Merged::finish`]: publication id (without kind code) → the position
    /// in `patents` of the patent of the first row that named it, sorted by
    /// publication id, for side tables that name publications.
    pub by_publication: Vec<(PatentId, u32)>,
    /// After [`Merged::finish`]: each patent's id key ([`id_key`]), in `patents` order,
    /// so that lookups compare integers before they compare ids.
    keys: Vec<u128>,
    /// Publication ids of the rows taken, with the row's position in `patents`.
    publications: Vec<(PatentId, u32)>,
    /// Quality counts on which a patent's rows disagreed: its position in `patents`,
    /// the count, the value kept and the other (warnings once [`Merged::settle`] can
    /// name the files).
    disagreements: Vec<(u32, QualityCount, u32, u32)>,
}

impl Merged {
    /// Take the outcomes of one file's rows, in order.
    pub fn take(&mut self, outcomes: Vec<RowOutcome>) {
        self.reserve(outcomes.len());
        for outcome in outcomes {
            match outcome {
                RowOutcome::Patent(p, pub_id, w) => {
                    self.warnings.extend(w);
                    self.insert(p, pub_id);
                }
                RowOutcome::OutOfScope => self.out_of_scope += 1,
                RowOutcome::Reject(issue) => self.rejects.push(*issue),
            }
        }
    }

    /// Make room for `rows` more rows at once, so that the tables do not grow (and
    /// copy themselves) step by step.
    pub fn reserve(&mut self, rows: usize) {
        self.patents.reserve(rows);
        self.publications.reserve(rows);
    }

    fn insert(&mut self, p: Box<Patent>, pub_id: Option<PatentId>) {
        if let Some(pub_id) = pub_id {
            self.publications.push((pub_id, self.patents.len() as u32));
        }
        self.patents.push(p);
    }

    /// Sort the rows by id and merge each patent's rows into its first one, in input
    /// order; count the duplicates; index the publications.
    pub fn finish(&mut self) {
        let mut publications = std::mem::take(&mut self.publications);
        // Sorted where they lie (inline ids: no record is dereferenced), then deduplicated.
        publications.par_sort_unstable_by(|a, b| by_id(&a.0, a.1, &b.0, b.1));
        publications.dedup_by(|later, first| later.0 == first.0);
        let patent_of_row = self.merge_sorted();
        publications.par_iter_mut().for_each(|(_, row)| *row = patent_of_row[*row as usize].load(Ordering::Relaxed));
        self.by_publication = publications;
    }

    /// Sort the patent rows by id, merge each id's rows into its first and return the
    /// position each row ended up in.
    fn merge_sorted(&mut self) -> Vec<AtomicU32> {
        // Each record sorted in parallel beside its id's key and its row: records move
        // with the sort, and are not put in order one by one after it.
        let rows = std::mem::take(&mut self.patents);
        let mut sorted: Vec<(u128, u32, Box<Patent>)> =
            rows.into_par_iter().enumerate().map(|(row, p)| (id_key(&p.id), row as u32, p)).collect();
        sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| by_id(&a.2.id, a.1, &b.2.id, b.1)));
        // Rows are in (id, input order) now: a row with its predecessor's id repeats it
        // and merges into the id's first row. The repeats (few) are found, and the tables
        // filled, in parallel: one core first touching them while the other waited
        // took a twentieth of the read at 5M.
        let repeats_row = |i: usize| i > 0 && sorted[i].0 == sorted[i - 1].0 && sorted[i].2.id == sorted[i - 1].2.id;
        let repeats: Vec<usize> = (0..sorted.len()).into_par_iter().filter(|&i| repeats_row(i)).collect();
        // A row's patent is at its place less the repeats up to it.
        let position = |i: usize| (i - repeats.partition_point(|&r| r <= i)) as u32;
        let patent_of_row: Vec<AtomicU32> = (0..sorted.len()).into_par_iter().map(|_| AtomicU32::new(0)).collect();
        sorted.par_iter().enumerate().for_each(|(i, (_, row, _))| {
            patent_of_row[*row as usize].store(position(i), Ordering::Relaxed);
        });
        // Each repeat merges into its id's first row, in order (as its rows were read).
        let mut first = 0;
        for (k, &i) in repeats.iter().enumerate() {
            if k == 0 || repeats[k - 1] != i - 1 {
                first = i - 1;
            }
            let (kept, later) = sorted.split_at_mut(i);
            let other = std::mem::take(&mut *later[0].2);
            let (at, kept) = (position(first), &mut kept[first].2);
            for (which, mine, theirs) in merge_into(kept, other) {
                let kept_value = kept.counts.get(which).unwrap_or(mine);
                let other = if kept_value == mine { theirs } else { mine };
                self.disagreements.push((at, which, kept_value, other));
            }
        }
        self.duplicates += repeats.len();
        // Collected whole (a parallel collect of known length fills its table in
        // place), then the repeats dropped.
        let mut keys: Vec<u128> = sorted.par_iter().map(|(key, _, _)| *key).collect();
        let mut patents: Vec<Box<Patent>> = sorted.into_par_iter().map(|(_, _, p)| p).collect();
        drop_rows(&mut keys, &repeats);
        drop_rows(&mut patents, &repeats);
        (self.keys, self.patents) = (keys, patents);
        patent_of_row
    }

    /// The position of the patent with `id`, after [`Merged::finish`].
    pub fn position(&self, id: &PatentId) -> Option<usize> {
        let key = id_key(id);
        let start = self.keys.partition_point(|&k| k < key);
        (start..self.keys.len()).take_while(|&i| self.keys[i] == key).find(|&i| self.patents[i].id == *id)
    }

    /// Resolves side-table numbers to this portfolio's ids, after [`Merged::finish`].
    pub fn resolver(&self) -> IdResolver<'_> {
        IdResolver { by_publication: &self.by_publication, patents: &self.patents }
    }

    /// Attach a side table's items to the patents they name (items naming no patent
    /// of the portfolio are dropped) and take its rejects and warnings. Call after
    /// [`Merged::finish`].
    pub fn attach<T: Sync>(&mut self, table: SideTable<T>, mut put: impl FnMut(&mut Patent, T)) {
        // Each lookup is a binary search over every patent's key: done in parallel.
        let positions: Vec<Option<usize>> = table.items.par_iter().map(|(id, _)| self.position(id)).collect();
        for (k, (_, item)) in table.items.into_iter().enumerate() {
            // The patents named lie apart in memory: asked into the cache a few items
            // ahead, this one-core loop does not wait on each (8 % of the side-table
            // stage at 1M).
            crate::memory::prefetch_ahead_by(k, |j| positions.get(j).copied().flatten().map(|i| &*self.patents[i]));
            if let Some(i) = positions[k] {
                put(&mut self.patents[i], item);
            }
        }
        self.rejects.extend(table.rejects);
        self.warnings.extend(table.warnings);
    }

    /// Work out what each patent's legal events say ([`settle`]: grant and lapse
    /// dates, an unknown status) once every row and side table is in, and fit its
    /// lists to their length ([`Extras::fit`]); in the same pass over the records,
    /// gather the run's names and codes for scoring. A grant-date column that
    /// disagrees with the events is a warning on the patent's first row;
    /// `file_label` names the input file of an index.
    pub fn settle(&mut self, file_label: impl Fn(usize) -> String) -> Vocabulary {
        let (disagreements, vocabulary) = self
            .patents
            .par_chunks_mut(SETTLE_CHUNK)
            .enumerate()
            .fold(<(Vec<(usize, String)>, Vocabulary)>::default, |(mut found, mut vocabulary), (c, chunk)| {
                for k in 0..chunk.len() {
                    // The records lie apart in memory: asked into the cache a few turns ahead.
                    crate::memory::prefetch_ahead(chunk, k, |p| Some(&**p));
                    let p = &mut chunk[k];
                    if let Some(lists) = &mut p.extras {
                        lists.fit();
                    }
                    found.extend(settle(p).map(|w| (c * SETTLE_CHUNK + k, w)));
                    vocabulary.add(p);
                }
                (found, vocabulary)
            })
            .reduce(Default::default, |(mut found, vocabulary), (more, other)| {
                // The left part's patents come first: the warnings stay in patent order.
                found.extend(more);
                (found, vocabulary.plus(other))
            });
        for (i, reason) in disagreements {
            let p = &self.patents[i];
            self.warnings.push(RowIssue {
                file: file_label(p.source.file as usize),
                line: p.source.line,
                column: "grant_date".into(),
                value: p.grant_date.map(|d| d.to_string()).unwrap_or_default(),
                reason,
                raw: String::new(),
            });
        }
        for (i, which, kept, other) in std::mem::take(&mut self.disagreements) {
            let p = &self.patents[i as usize];
            self.warnings.push(RowIssue {
                file: file_label(p.source.file as usize),
                line: p.source.line,
                column: which.name().into(),
                value: format!("{kept} (another row: {other})"),
                reason: format!(
                    "the patent's rows disagree on {}: kept {kept}, the granted publication's row's, else the first row's",
                    which.name()
                ),
                raw: String::new(),
            });
        }
        vocabulary
    }

    /// The patents, rejects and warnings, for scoring: the lookup tables (an id key
    /// and a publication entry a patent, 48 bytes) are freed here. (A `let Merged { .. }`
    /// in the caller would keep them until the caller's end, through scoring.)
    pub fn into_records(self) -> (Vec<Box<Patent>>, Vec<RowIssue>, Vec<RowIssue>) {
        (self.patents, self.rejects, self.warnings)
    }

    /// Rows accounted for so far.
    pub fn rows(&self) -> usize {
        self.patents.len() + self.duplicates + self.out_of_scope + self.rejects.len()
    }
}

/// Patents [`Merged::settle`] takes at a time (their records asked into the cache ahead).
const SETTLE_CHUNK: usize = 1 << 12;

/// An id's first 16 bytes as a big-endian integer: ordered like the ids, and equal
/// only for ids that share those bytes (nearly always: the same id).
pub fn id_key(id: &PatentId) -> u128 {
    let mut bytes = [0u8; 16];
    let id = id.0.as_bytes();
    bytes[..id.len().min(16)].copy_from_slice(&id[..id.len().min(16)]);
    u128::from_be_bytes(bytes)
}

/// The order of two rows by id, then by row: by [`id_key`] first, so that ids are
/// (nearly ever) not compared byte by byte.
fn by_id(a: &PatentId, a_row: u32, b: &PatentId, b_row: u32) -> std::cmp::Ordering {
    id_key(a).cmp(&id_key(b)).then_with(|| a.cmp(b)).then(a_row.cmp(&b_row))
}

/// Remove the items at `rows` (ascending) from `items`, keeping the others' order.
fn drop_rows<T>(items: &mut Vec<T>, rows: &[usize]) {
    if rows.is_empty() {
        return;
    }
    let (mut i, mut next) = (0, rows.iter().peekable());
    items.retain(|_| {
        let drop = next.next_if_eq(&&i).is_some();
        i += 1;
        !drop
    });
}

/// The union of two rows' events, counting repeats: an event a row lists twice (two
/// undated transfers) is kept twice, and an event both rows list is kept once.
fn union_counted<T: PartialEq + Clone>(into: &mut Vec<T>, from: Vec<T>) {
    let before = into.len();
    for (i, x) in from.iter().enumerate() {
        let wanted = from[..=i].iter().filter(|y| *y == x).count();
        if into[..before].iter().filter(|y| *y == x).count() < wanted {
            into.push(x.clone());
        }
    }
}

fn union<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for x in from {
        if !into.contains(&x) {
            into.push(x);
        }
    }
}

/// Keep the most informative fields: the first non-empty value (holders included:
/// one row's holder list is kept whole, never mixed with another's, and a row's
/// explicit holders beat another row's applicants fallback), a granted (B/C)
/// publication over an application (A) one, the status that goes with a grant date,
/// and the union of IPC codes, family members and awards. The portfolio's attributed pledge amount is taken once
/// (the larger), not added across rows of the same patent.
fn merge_into(kept: &mut Patent, mut other: Patent) -> Vec<(QualityCount, u32, u32)> {
    let kept_applicants = told_applicants(kept);
    let other_applicants = told_applicants(&other);
    let mut lists = kept.extras.take().map_or_else(Extras::default, |e| *e);
    let other_lists = other.extras.take().map_or_else(Extras::default, |e| *e);
    let granted_pub = |s: &str| s.ends_with('B') || s.ends_with('C');
    let later_pub = !granted_pub(kept.texts.pub_no()) && granted_pub(other.texts.pub_no());
    let disagreements = kept.counts.merge(other.counts, later_pub);
    merge_grant_and_status(kept, &other);
    let (pub_from_other, title_from_other) =
        (kept.texts.pub_no().is_empty() || later_pub, kept.texts.title().is_empty());
    if pub_from_other || title_from_other {
        let texts = |of_other: bool| if of_other { &other.texts } else { &kept.texts };
        kept.texts = PatentTexts::new(texts(pub_from_other).pub_no(), texts(title_from_other).title());
    }
    if kept.kind.is_none() {
        kept.kind = other.kind;
    }
    if kept.filing_year_only && !other.filing_year_only {
        kept.filing_date = other.filing_date;
        kept.filing_year_only = false;
    }
    union_counted(&mut lists.events, other_lists.events);
    // `Known::merge` leaves APPLICANTS_ARE_HOLDERS as kept: it goes with the holders, below.
    kept.known.merge(other.known);
    if kept.lapse_date.is_none() {
        kept.lapse_date = other.lapse_date;
    }
    kept.add_ipc(other.ipc.into_vec());
    if kept.holders.is_empty() || (!kept.holders_explicit && other.holders_explicit) {
        kept.holders = other.holders;
        kept.holders_explicit = other.holders_explicit;
        kept.known.set(Known::APPLICANTS_ARE_HOLDERS, other.known.contains(Known::APPLICANTS_ARE_HOLDERS));
    }
    // The first row that tells the applicants names them, kept apart from the holders
    // unless they are the same.
    match kept_applicants.or(other_applicants) {
        Some(applicants) if *applicants == *kept.holders => {
            lists.applicants = Vec::new();
            kept.known.set(Known::APPLICANTS_ARE_HOLDERS, true);
        }
        Some(applicants) => {
            lists.applicants = applicants;
            kept.known.set(Known::APPLICANTS_ARE_HOLDERS, false);
        }
        None => {}
    }
    union(&mut lists.family, other_lists.family);
    union(&mut lists.awards, other_lists.awards);
    merge_pledges(&mut lists.pledges, other_lists.pledges);
    kept.extras = lists.boxed();
    disagreements
}

/// The grant date another row tells when this one has none, with its status (if it
/// has one); else its status when this row has none.
fn merge_grant_and_status(kept: &mut Patent, other: &Patent) {
    if kept.grant_date.is_none() && other.grant_date.is_some() {
        kept.grant_date = other.grant_date;
        if !other.status.is_empty() {
            kept.status = other.status.clone();
            kept.status_class = other.status_class;
        }
    } else if kept.status.is_empty() {
        kept.status = other.status.clone();
        kept.status_class = other.status_class;
    }
}

/// The applicants (the transferors, SPEC §9) a row tells: its applicants column, or
/// its holders when they are the applicants.
fn told_applicants(p: &Patent) -> Option<Vec<Name>> {
    if !p.applicants().is_empty() {
        Some(p.applicants().to_vec())
    } else if (!p.holders_explicit || p.known.contains(Known::APPLICANTS_ARE_HOLDERS)) && !p.holders.is_empty() {
        Some(p.holders.to_vec())
    } else {
        None
    }
}

/// Another row's pledges added: its contracts, and an amount without a contract
/// (the larger of two such) once.
fn merge_pledges(pledges: &mut Vec<PledgeShare>, other: Vec<PledgeShare>) {
    for share in other {
        match pledges.iter_mut().find(|s| s.contract_id.is_empty() && share.contract_id.is_empty()) {
            Some(existing) => existing.contract_wan = existing.contract_wan.max(share.contract_wan),
            None => pledges.push(share),
        }
    }
}

/// One line per column whose legal-event items could not all be read, with a sample:
/// a patent with such an item and no other source of its grant counts as "cannot
/// tell" (SPEC §8), and the line says why. Then one line per INPADOC code that neither
/// data/inpadoc-codes.csv nor its text could class.
pub fn unread_event_warnings(warnings: &[RowIssue]) -> Vec<String> {
    let unread = count_by(warnings, UNREAD_EVENT_ITEM, |w| &w.column).into_iter().map(|(column, n, sample)| {
        format!(
            "{n} legal event items of column {column} could not be read (e.g. {sample:?}; all in warnings.csv): a patent whose grant may be among them, with no grant date or status, counts as validity unknown"
        )
    });
    let codes = count_by(warnings, UNKNOWN_EVENT_CODE, |w| &w.value).into_iter().map(|(code, n, _)| {
        format!("legal event code {code} ({n} items) is not in data/inpadoc-codes.csv and its text names no class: read as other")
    });
    unread.chain(codes).collect()
}

/// The warnings of one `reason`, counted by `key` in order of first sight: each key,
/// its count and the first one's value.
fn count_by<'a>(
    warnings: &'a [RowIssue],
    reason: &str,
    key: fn(&RowIssue) -> &String,
) -> Vec<(&'a str, usize, &'a str)> {
    let mut counted: Vec<(&str, usize, &str)> = Vec::new();
    for w in warnings.iter().filter(|w| w.reason == reason) {
        match counted.iter_mut().find(|(k, ..)| *k == key(w).as_str()) {
            Some((_, n, _)) => *n += 1,
            None => counted.push((key(w), 1, &w.value)),
        }
    }
    counted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_outcome_is_small() {
        // A batch of segments holds ~400,000 outcomes at once: a reject's issue (128
        // bytes) is boxed so that every outcome is not as large as one.
        assert!(std::mem::size_of::<RowOutcome>() <= 64, "{}", std::mem::size_of::<RowOutcome>());
    }

    #[test]
    fn repeated_ids_merge_into_their_first_row_in_the_order_read() {
        use crate::rules::model::QualityCount::Claims;
        // Rows as read, each with its claims: CN1 three times, CN2 twice.
        let rows = [("CN2", 5), ("CN1", 1), ("CN2", 6), ("CN3", 7), ("CN1", 2), ("CN1", 3), ("CN4", 9)];
        let outcomes = rows
            .iter()
            .map(|&(id, claims)| {
                let mut p = Patent { id: PatentId(id.into()), ..Patent::default() };
                p.counts.set(Claims, Some(claims));
                RowOutcome::Patent(Box::new(p), Some(PatentId(format!("P{id}").into())), Vec::new())
            })
            .collect();
        let mut merged = Merged::default();
        merged.take(outcomes);
        merged.finish();
        let ids: Vec<&str> = merged.patents.iter().map(|p| p.id.0.as_str()).collect();
        assert_eq!(ids, ["CN1", "CN2", "CN3", "CN4"]);
        assert_eq!(merged.duplicates, 3);
        let claims: Vec<Option<u32>> = merged.patents.iter().map(|p| p.counts.get(Claims)).collect();
        assert_eq!(claims, [Some(1), Some(5), Some(7), Some(9)]);
        // Each disagreement at its patent's place, the first row's count kept, in the order read.
        assert_eq!(merged.disagreements, [(0, Claims, 1, 2), (0, Claims, 1, 3), (1, Claims, 5, 6)]);
        let publications: Vec<(&str, u32)> =
            merged.by_publication.iter().map(|(id, at)| (id.0.as_str(), *at)).collect();
        assert_eq!(publications, [("PCN1", 0), ("PCN2", 1), ("PCN3", 2), ("PCN4", 3)]);
        for (k, id) in ["CN1", "CN2", "CN3", "CN4"].into_iter().enumerate() {
            assert_eq!(merged.position(&PatentId(id.into())), Some(k));
        }
    }

    #[test]
    fn dropped_rows_leave_the_others_in_order() {
        let cases: [(&[usize], &[u32]); 5] = [
            (&[], &[0, 1, 2, 3, 4, 5]),
            (&[0], &[1, 2, 3, 4, 5]),
            (&[5], &[0, 1, 2, 3, 4]),
            (&[1, 2, 4], &[0, 3, 5]),
            (&[0, 1, 2, 3, 4, 5], &[]),
        ];
        for (rows, kept) in cases {
            let mut items: Vec<u32> = (0..6).collect();
            drop_rows(&mut items, rows);
            assert_eq!(items, kept, "{rows:?}");
        }
    }

    #[test]
    fn a_publication_id_is_what_its_number_reads_as() {
        let shapes = [
            "CN1234567A",
            "CN1234567",
            "CN12345678A",
            "CN12345678",
            "CN88101234A",
            "CN88101234",
            "CN88101234X",
            "CN123456789A",
            "CN123456789",
            "CN981234567",
            "CN031234567",
            "CN100100000B",
            "CN103728312B",
            "CN203728312U",
            "CN305123456S",
            "US10123456B2",
            "EP3456789A1",
            "WO2019123456A1",
            "JP2020123456A",
            "88101234A",
            "981234567",
            "1234567",
            "KR101234567B1",
            "CN96123456",
            "CN96123456A",
            "CN93100001",
        ];
        let mut read = 0;
        for raw in shapes {
            let Ok(publication) = crate::rules::numbers::parse_publication(raw) else { continue };
            let written = publication.to_string();
            assert_eq!(
                publication_id(Some(&publication), &written),
                crate::rules::numbers::id_of(&written).ok(),
                "{raw}"
            );
            read += 1;
        }
        assert!(read >= 20, "{read} shapes read as publications");
        // Where the second parse matters: an old 8-digit serial with a kind letter reads
        // as an application number.
        let old = crate::rules::numbers::parse_publication("CN88101234A").unwrap();
        assert_eq!(PatentId::from_pub(&old).0, "CN88101234");
        assert_eq!(publication_id(Some(&old), "CN88101234A").unwrap().0, "CN88101234.3");
        assert_eq!(publication_id(None, ""), None);
    }

    #[test]
    fn foreign_offices() {
        for n in
            ["US 2011/0185700 A1", "US 65784810 A", "TW-I823028-B", "EP3456789B1", "JP-WO2020017213-A1", "USRE49123E"]
        {
            assert!(foreign_office(n), "{n}");
        }
        for n in ["ABCDEFG", "CN102822194B", "ZL201310699744.2", "201310699744.2", "", "US", "清华大学"] {
            assert!(!foreign_office(n), "{n}");
        }
        for o in ["美国", "US", "世界知识产权组织", "欧洲专利局"] {
            assert!(foreign_office_name(o), "{o}");
        }
        for o in ["", "中国", "CN", " 中国 ", "中国大陆", "ＣＮ", "China (CN)", "CN-中国", "国家知识产权局", "cn"]
        {
            assert!(!foreign_office_name(o), "{o}");
        }
        for o in ["中国台湾", "香港", "TW", "JP", "日本"] {
            assert!(foreign_office_name(o), "{o}");
        }
    }

    #[test]
    fn locarno_classes_are_told_from_ipc() {
        for c in ["21-01", "21-01-C0293", "6-04"] {
            assert!(is_locarno(c), "{c}");
        }
        for c in ["G06N 3/08", "A01B", "2021-01", "-01", ""] {
            assert!(!is_locarno(c), "{c}");
        }
    }

    #[test]
    fn lens_owner_dates_are_dropped() {
        assert_eq!(strip_date_suffix("ISUZU MOTORS LIMITED (2007-09-26)"), "ISUZU MOTORS LIMITED");
        assert_eq!(strip_date_suffix("哈尔滨工业大学（深圳）"), "哈尔滨工业大学（深圳）");
        assert_eq!(strip_date_suffix("ACME (UK)"), "ACME (UK)");
    }
}
