//! Side tables (SPEC §3): families, pledges and awards keyed by any patent number
//! spelling, attached to the portfolio's patents. Bad rows become rejects.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::read::cells::RawTable;
use crate::read::InputError;
use crate::rules::awards::{classify_award, parse_award_date};
use crate::rules::dates::parse_date;
use crate::rules::events::LegalEvent;
use crate::rules::family::parse_member;
use crate::rules::model::{Award, FamilyMember, PledgeShare, RowIssue};
use crate::rules::numbers::{parse_number, ParsedNumber, PatentId};
use crate::rules::text::is_empty_marker;

/// Rows of a side table, keyed by the patent they name.
#[derive(Debug)]
pub struct SideTable<T> {
    /// Patent → items, in table order.
    pub items: Vec<(PatentId, T)>,
    /// Rows that could not be used.
    pub rejects: Vec<RowIssue>,
    /// Data rows read.
    pub rows: usize,
    /// Warnings about rows that were used.
    pub warnings: Vec<RowIssue>,
}

impl<T> SideTable<T> {
    fn with_rows(rows: usize) -> Self {
        SideTable { items: Vec::new(), rejects: Vec::new(), rows, warnings: Vec::new() }
    }
}

/// What one side-table row gave: an item for a patent, or the reject saying why not.
type RowRead<T> = Result<(PatentId, T), Box<RowIssue>>;

/// Every one of `rows` rows read by `read_row`, in parallel (a row's patent number is
/// parsed and looked up: a microsecond each); items and rejects kept in row order.
/// The items take the rows' list in place: at 5M patents a family table's rows are
/// 65 MB, and a second list grown a push at a time took up to twice that again.
fn read_rows<T: Send>(rows: usize, read_row: impl Fn(usize) -> RowRead<T> + Sync) -> SideTable<T> {
    let read: Vec<RowRead<T>> = (0..rows).into_par_iter().map(&read_row).collect();
    let mut out = SideTable::with_rows(rows);
    let rejects = &mut out.rejects;
    out.items = read.into_iter().filter_map(|row| row.map_err(|issue| rejects.push(*issue)).ok()).collect();
    out
}

/// Resolves a patent number of any spelling to the portfolio's id: application
/// numbers directly, publication numbers through the portfolio's publications.
pub struct IdResolver<'a> {
    /// Publication id (no kind code) → position in `patents`, sorted by publication id.
    pub by_publication: &'a [(PatentId, u32)],
    /// The portfolio's patents.
    pub patents: &'a [Box<crate::rules::model::Patent>],
}

impl IdResolver<'_> {
    /// The id a side-table number refers to.
    pub fn resolve(&self, raw: &str) -> Option<PatentId> {
        match parse_number(raw).ok()? {
            ParsedNumber::App(a) => Some(PatentId::from_app(&a)),
            ParsedNumber::Pub(p) => {
                let pub_id = PatentId::from_pub(&p);
                match self.by_publication.binary_search_by(|(p, _)| p.cmp(&pub_id)) {
                    Ok(i) => Some(self.patents[self.by_publication[i].1 as usize].id.clone()),
                    Err(_) => Some(pub_id),
                }
            }
        }
    }
}

impl IdResolver<'_> {
    /// Whether `id` is a patent of the portfolio (the patents are sorted by id).
    pub fn contains(&self, id: &PatentId) -> bool {
        self.patents.binary_search_by(|p| p.id.cmp(id)).is_ok()
    }
}

struct Cols<'a> {
    table: &'a RawTable,
    idx: Vec<usize>,
    label: &'a str,
}

fn locate<'a>(table: &'a RawTable, names: &[&str], required: usize, label: &'a str) -> Result<Cols<'a>, InputError> {
    let mut idx = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match table.headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name)) {
            Some(p) => idx.push(p),
            None if i >= required => idx.push(usize::MAX),
            None => {
                return Err(InputError::MissingColumn {
                    path: table.info.path.clone(),
                    column: name.to_string(),
                    found: table.headers.clone(),
                    nearest: crate::read::profile::nearest(name, &table.headers).map(str::to_string),
                })
            }
        }
    }
    Ok(Cols { table, idx, label })
}

impl Cols<'_> {
    fn get(&self, row: usize, c: usize) -> &str {
        match self.idx[c] {
            usize::MAX => "",
            i => self.table.cell(row, i).trim(),
        }
    }
    /// The portfolio patent a `patent` cell names, or the reject saying why there is none
    /// (an unreadable number, or a patent not in the portfolio).
    fn portfolio_patent(&self, row: usize, raw: &str, ids: &IdResolver<'_>) -> Result<PatentId, Box<RowIssue>> {
        match ids.resolve(raw) {
            Some(id) if ids.contains(&id) => Ok(id),
            Some(_) => Err(self.reject(row, "patent", raw, "not a patent of the portfolio")),
            None => Err(self.reject(row, "patent", raw, "unparseable patent number")),
        }
    }

    /// [`Cols::issue`], boxed: what a row read in parallel ([`read_rows`]) rejects with.
    fn reject(&self, row: usize, column: &str, value: &str, reason: &str) -> Box<RowIssue> {
        Box::new(self.issue(row, column, value, reason))
    }

    fn issue(&self, row: usize, column: &str, value: &str, reason: &str) -> RowIssue {
        RowIssue {
            file: self.label.to_string(),
            line: self.table.line(row),
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
            raw: self.table.raw_row(row),
        }
    }
}

/// `families.csv`: `patent, member`.
pub fn families(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<FamilyMember>, InputError> {
    let c = locate(table, &["patent", "member"], 2, label)?;
    Ok(read_rows(table.height(), |row| {
        let (p, m) = (c.get(row, 0), c.get(row, 1));
        let id = ids.resolve(p).ok_or_else(|| c.reject(row, "patent", p, "unparseable patent number"))?;
        let member = parse_member(m).ok_or_else(|| c.reject(row, "member", m, "unparseable family member"))?;
        Ok((id, member))
    }))
}

/// `awards.csv`: `patent, award, level, date` (`date` may be a bare year).
pub fn awards(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<Award>, InputError> {
    let c = locate(table, &["patent", "award", "level", "date"], 2, label)?;
    Ok(read_rows(table.height(), |row| {
        let (p, award, level, date) = (c.get(row, 0), c.get(row, 1), c.get(row, 2), c.get(row, 3));
        let id = ids.resolve(p).ok_or_else(|| c.reject(row, "patent", p, "unparseable patent number"))?;
        if award.is_empty() {
            return Err(c.reject(row, "award", award, "empty award"));
        }
        let date = parse_award_date(date).map_err(|_| c.reject(row, "date", date, "unparseable award date"))?;
        let name = if level.is_empty() { award.to_string() } else { format!("{award} {level}") };
        Ok((id, Award { class: classify_award(&name), name, date }))
    }))
}

struct Contract {
    amount: f64,
    registered_on: Option<NaiveDate>,
    patents: Vec<PatentId>,
}

/// `pledges.csv`: `contract_id, patent, amount_wan, registered_on`; the amount is
/// the whole contract's, repeated on each of its rows. Each distinct patent of a
/// contract gets one share record.
pub fn pledges(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<PledgeShare>, InputError> {
    let c = locate(table, &["contract_id", "patent", "amount_wan", "registered_on"], 3, label)?;
    let mut out = SideTable::with_rows(table.height());
    let mut contracts: BTreeMap<String, Contract> = BTreeMap::new();
    for row in 0..table.height() {
        let (cid, p, amount, reg) = (c.get(row, 0), c.get(row, 1), c.get(row, 2), c.get(row, 3));
        if cid.is_empty() {
            out.rejects.push(c.issue(row, "contract_id", cid, "empty contract_id"));
            continue;
        }
        let Some(id) = ids.resolve(p) else {
            out.rejects.push(c.issue(row, "patent", p, "unparseable patent number"));
            continue;
        };
        let amount_v = match amount.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => v,
            _ => {
                out.rejects.push(c.issue(row, "amount_wan", amount, "unparseable amount_wan (万元)"));
                continue;
            }
        };
        let Ok(reg_date) = parse_date(reg) else {
            out.rejects.push(c.issue(row, "registered_on", reg, "unparseable registered_on"));
            continue;
        };
        let entry = contracts.entry(cid.to_string()).or_insert(Contract {
            amount: amount_v,
            registered_on: reg_date,
            patents: Vec::new(),
        });
        if (entry.amount - amount_v).abs() > 1e-9 {
            out.warnings.push(c.issue(
                row,
                "amount_wan",
                amount,
                &format!("contract {cid} has another amount on an earlier row ({}); the first is used", entry.amount),
            ));
        }
        if entry.registered_on.is_none() {
            entry.registered_on = reg_date;
        }
        if !entry.patents.contains(&id) {
            entry.patents.push(id);
        }
    }
    out.items = shares(contracts);
    Ok(out)
}

/// One share record per distinct patent of each contract, contracts in id order.
fn shares(contracts: BTreeMap<String, Contract>) -> Vec<(PatentId, PledgeShare)> {
    let mut items = Vec::new();
    for (cid, contract) in contracts {
        let n = contract.patents.len();
        let cid = compact_str::CompactString::from(cid);
        for id in contract.patents {
            let share = PledgeShare {
                contract_id: cid.clone(),
                contract_wan: contract.amount,
                patents_in_contract: n,
                registered_on: contract.registered_on,
            };
            items.push((id, share));
        }
    }
    items
}

/// `events.csv`: `patent, date, event` (`date` may be empty: an undated event). A row
/// whose patent, date or event cannot be read, or that names no patent of the
/// portfolio, is a reject (SPEC §7).
pub fn events(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<LegalEvent>, InputError> {
    let c = locate(table, &["patent", "date", "event"], 3, label)?;
    Ok(read_rows(table.height(), |row| {
        let (p, date, event) = (c.get(row, 0), c.get(row, 1), c.get(row, 2));
        let id = c.portfolio_patent(row, p, ids)?;
        if event.is_empty() || is_empty_marker(event) {
            return Err(c.reject(row, "event", event, "empty event"));
        }
        let date = if is_empty_marker(date) { "" } else { date };
        let date = parse_date(date).map_err(|_| c.reject(row, "date", date, "unparseable event date"))?;
        // The class needs the kind, known once the event is attached: classified there.
        Ok((id, LegalEvent { date, class: crate::rules::events::EventClass::Other, text: event.to_string() }))
    }))
}

/// The codes one row of `classes.csv` adds to a patent.
#[derive(Debug, Clone, Default)]
pub struct ClassCodes {
    /// Codes that can match the concordance (IPC, and CPC codes of the IPC's shape).
    pub codes: Vec<crate::rules::ipc::Ipc>,
    /// CPC-only classes skipped (`Y02…`, 2000-series indexing codes): they never match.
    pub cpc_only: usize,
}

/// How `classes.csv` names its columns (SPEC §10), folded: lower case without spaces,
/// underscores, dashes or brackets.
const CLASSES_PATENT: [&str; 12] = [
    "patent",
    "publicationnumber",
    "pubno",
    "id",
    "publication",
    "patentnumber",
    "pn",
    "公开号",
    "公开公告号",
    "公告号",
    "申请号",
    "专利号",
];
const CLASSES_CODES: [&str; 15] = [
    "codes",
    "cpccodes",
    "ipccodes",
    "cpc",
    "ipc",
    "classifications",
    "cpcclassifications",
    "ipcclassifications",
    "ipcrclassifications",
    "分类号",
    "cpc分类号",
    "ipc分类号",
    "ipc主分类号",
    "主分类号",
    "ipc主分类",
];

fn fold_side_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `classes.csv`: `patent, codes`, or as scrapers name them (`publication_number`,
/// `cpc_codes`…; other columns ignored). A row naming no patent of the portfolio, or
/// whose patent cannot be read, is a reject; an unreadable code is a warning.
pub fn classes(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<ClassCodes>, InputError> {
    use crate::rules::ipc::{is_cpc_only_section, parse_ipc, split_class_list};
    let folded: Vec<String> = table.headers.iter().map(|h| fold_side_header(h)).collect();
    let column = |names: &[&str], wanted: &str| -> Result<usize, InputError> {
        names.iter().find_map(|n| folded.iter().position(|h| h == n)).ok_or_else(|| InputError::MissingColumn {
            path: table.info.path.clone(),
            column: format!("{wanted} (or {})", names[1..].join(", ")),
            found: table.headers.clone(),
            nearest: crate::read::profile::nearest(wanted, &table.headers).map(str::to_string),
        })
    };
    // Every codes column is read (a details file may give IPC and CPC side by side).
    let first_codes = column(&CLASSES_CODES, "codes")?;
    let mut idx = vec![column(&CLASSES_PATENT, "patent")?, first_codes];
    idx.extend(CLASSES_CODES.iter().filter_map(|n| folded.iter().position(|h| h == n)).filter(|&i| i != first_codes));
    idx[2..].sort_unstable();
    idx.dedup();
    let c = Cols { table, idx, label };
    let mut out = SideTable::with_rows(table.height());
    for row in 0..table.height() {
        let p = c.get(row, 0);
        let cells: Vec<&str> = (1..c.idx.len()).map(|k| c.get(row, k)).collect();
        let id = match c.portfolio_patent(row, p, ids) {
            Ok(id) => id,
            Err(issue) => {
                out.rejects.push(*issue);
                continue;
            }
        };
        let mut item = ClassCodes::default();
        for code in cells.iter().flat_map(|cell| split_class_list(cell)) {
            match parse_ipc(code) {
                Ok(ipc) if ipc.is_cpc_indexing() => item.cpc_only += 1,
                Ok(ipc) => {
                    if !item.codes.contains(&ipc) {
                        item.codes.push(ipc)
                    }
                }
                Err(_) if is_cpc_only_section(code) => item.cpc_only += 1,
                Err(_) => out.warnings.push(c.issue(row, "codes", code, "unreadable classification code (ignored)")),
            }
        }
        out.items.push((id, item));
    }
    Ok(out)
}

/// One row of `transactions.csv`: a contract or a payment (SPEC §9).
#[derive(Debug, Clone)]
pub struct Transaction {
    /// `transfer`, `licence`, `equity` or `pledge` (as an event class).
    pub class: crate::rules::events::EventClass,
    /// When the money was received or the contract made; `None` for an undated row.
    pub date: Option<NaiveDate>,
    /// The other party.
    pub counterparty: String,
    /// The contract's amount, in ten-thousandths of 万元.
    pub amount_e4: i64,
    /// The money actually received on `date`, in ten-thousandths of 万元.
    pub received_e4: i64,
    /// The distinct listed patents found in the portfolio.
    pub patents: Vec<PatentId>,
    /// Distinct patents the row lists, found or not (a pledge's amount is shared among them).
    pub listed: usize,
    /// The file and line, for messages and evidence.
    pub line: u64,
}

/// What a `type` cell means: `transfer|licence|equity|pledge`, English or Chinese.
fn transaction_class(cell: &str) -> Option<crate::rules::events::EventClass> {
    use crate::rules::events::EventClass::*;
    let t = crate::rules::text::fold_width(cell.trim()).to_lowercase();
    let t = t.trim_end_matches('s');
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    // Equity before transfer: 技术入股 and 作价出资 name no transfer of the right.
    if any(&["equity", "入股", "出资", "作价投资"]) {
        Some(Equity)
    } else if any(&["pledge", "质押"]) {
        Some(Pledge)
    } else if any(&["licen", "许可"]) {
        Some(Licence)
    } else if any(&["transfer", "assign", "sale", "转让", "转移", "出售"]) {
        Some(Transfer)
    } else {
        None
    }
}

/// `transactions.csv` column names (SPEC §9) and the spellings analysts write, folded.
const TRANSACTION_COLUMNS: [&[&str]; 6] = [
    &["patent", "patents", "patentno", "patentnumber", "专利", "专利号", "申请号", "公开号", "公开公告号"],
    &["type", "类型", "交易类型", "转化方式", "方式"],
    &["date", "日期", "到账日期", "合同日期", "contractdate", "交易日期"],
    &["counterparty", "交易对方", "对方", "受让人", "被许可人", "受让方"],
    &["amountwan", "amount", "合同金额", "合同金额万元", "金额", "金额万元", "amount万元"],
    &["receivedwan", "received", "到账金额", "到账金额万元", "实际到账金额", "实际到账金额万元", "received万元"],
];

/// `transactions.csv`: `patent, type, date, counterparty, amount_wan, received_wan`;
/// `patent` may list several patents (`;`). A row with an unknown type, an unreadable
/// date or amount, a negative amount, or none of its patents in the portfolio is a
/// reject; a listed patent missing while others are present is a warning.
pub fn transactions(table: &RawTable, label: &str, ids: &IdResolver<'_>) -> Result<SideTable<Transaction>, InputError> {
    use crate::rules::conversion::parse_wan_e4;
    let idx = transaction_columns(table)?;
    let c = Cols { table, idx, label };
    let mut out = SideTable::with_rows(table.height());
    for row in 0..table.height() {
        let (p, kind, date) = (c.get(row, 0), c.get(row, 1), c.get(row, 2));
        let Some(class) = transaction_class(kind) else {
            out.rejects.push(c.issue(row, "type", kind, "unknown type (transfer, licence, equity or pledge)"));
            continue;
        };
        let Ok(date) = parse_date(if is_empty_marker(date) { "" } else { date }) else {
            out.rejects.push(c.issue(row, "date", date, "unparseable date"));
            continue;
        };
        let mut amounts = [0i64; 2];
        let mut bad = None;
        for (k, (col, name)) in [(4, "amount_wan"), (5, "received_wan")].into_iter().enumerate() {
            match parse_wan_e4(c.get(row, col)) {
                Ok(v) => amounts[k] = v,
                Err(e) => bad = bad.or(Some((name, c.get(row, col), e))),
            }
        }
        if let Some((name, value, e)) = bad {
            out.rejects.push(c.issue(row, name, value, &format!("{e} in {name}")));
            continue;
        }
        let (listed, patents, missing) = listed_patents(p, ids);
        let listed_count = patents.len() + missing.len();
        if patents.is_empty() {
            let reason = if listed == 0 { "no patent listed" } else { "no listed patent is in the portfolio" };
            out.rejects.push(c.issue(row, "patent", p, reason));
            continue;
        }
        if !missing.is_empty() {
            out.warnings.push(c.issue(
                row,
                "patent",
                &missing.join(";"),
                "listed patent(s) not in the portfolio; the row counts for the others",
            ));
        }
        let transaction = Transaction {
            class,
            date,
            counterparty: c.get(row, 3).to_string(),
            amount_e4: amounts[0],
            received_e4: amounts[1],
            listed: listed_count,
            line: table.line(row),
            patents: Vec::new(),
        };
        out.items.push((patents[0].clone(), Transaction { patents, ..transaction }));
    }
    Ok(out)
}

/// Where each of [`TRANSACTION_COLUMNS`] is (`usize::MAX`: an optional one absent);
/// `patent` and `type` must be there.
fn transaction_columns(table: &RawTable) -> Result<Vec<usize>, InputError> {
    let folded: Vec<String> = table.headers.iter().map(|h| fold_side_header(h)).collect();
    let mut idx = Vec::new();
    for (k, names) in TRANSACTION_COLUMNS.iter().enumerate() {
        match names.iter().find_map(|n| folded.iter().position(|h| h == n)) {
            Some(i) => idx.push(i),
            None if k >= 2 => idx.push(usize::MAX),
            None => {
                return Err(InputError::MissingColumn {
                    path: table.info.path.clone(),
                    column: ["patent", "type"][k].to_string(),
                    found: table.headers.clone(),
                    nearest: crate::read::profile::nearest(["patent", "type"][k], &table.headers).map(str::to_string),
                })
            }
        }
    }
    Ok(idx)
}

/// The numbers a `patent` cell lists (`;`, `、`…), each once: how many, the ids of
/// those in the portfolio (each once), and the numbers that are not.
fn listed_patents<'c>(cell: &'c str, ids: &IdResolver<'_>) -> (usize, Vec<PatentId>, Vec<&'c str>) {
    let mut listed: Vec<&str> = Vec::new();
    for number in cell.split([';', '；', ',', '，', '、', '|', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
        if !listed.contains(&number) {
            listed.push(number);
        }
    }
    let mut patents: Vec<PatentId> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    for number in &listed {
        match ids.resolve(number).filter(|id| ids.contains(id)) {
            Some(id) if !patents.contains(&id) => patents.push(id),
            Some(_) => {}
            None => missing.push(number),
        }
    }
    (listed.len(), patents, missing)
}
