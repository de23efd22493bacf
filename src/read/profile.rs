//! Layout profiles (SPEC §3): which column of an export holds each field of the
//! canonical record, detected from the header row or named in the config.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::read::cells::RawTable;
use crate::read::InputError;
use crate::rules::text::fold_char;
use crate::rules::text::is_empty_marker;

/// The export layouts hvpat reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// hvpat's own columns (`app_no, pub_no, …`).
    Native,
    /// Chinese headers of incoPat, Patsnap (智慧芽) and CNIPA-style systems.
    Cn,
    /// Lens.org exports (old and current column sets).
    Lens,
    /// Google Patents "Download (CSV)".
    Google,
}

impl Profile {
    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Native => "native",
            Profile::Cn => "cn",
            Profile::Lens => "lens",
            Profile::Google => "google",
        }
    }
}

/// The fields of the canonical record, in the native column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Application number.
    AppNo,
    /// Publication number.
    PubNo,
    /// Title.
    Title,
    /// Kind / patent type label.
    Kind,
    /// Filing date.
    FilingDate,
    /// Grant date.
    GrantDate,
    /// Legal status.
    Status,
    /// Lapse date.
    LapseDate,
    /// IPC codes.
    Ipc,
    /// Applicants.
    Applicants,
    /// Current holders.
    Holders,
    /// Family members or their jurisdictions.
    Family,
    /// Pledge amount attributed, 万元.
    PledgeAmount,
    /// Awards.
    Awards,
    /// Filing year, where an export gives no filing day (`申请年`).
    FilingYear,
    /// Publication date (a CN B/C publication's is its grant date).
    PubDate,
    /// The date of a status that is the latest legal event (CNIPA pss `法律状态最后修改日期`).
    StatusDate,
    /// Undated legal events, `|`- or `;`-separated (`法律状态/事件`, `法律事件`).
    EventList,
    /// Dated legal events, `date | event | office` triplets (`INPADOC法律状态`).
    DatedEvents,
    /// Transfer dates (`转让日期`).
    TransferDates,
    /// Licence dates (`许可日期`).
    LicenceDates,
    /// Pledge dates (`质押日期`).
    PledgeDates,
    /// Number of transfers (`专利转移次数`).
    TransferCount,
    /// Number of licences (`许可次数`).
    LicenceCount,
    /// Number of pledges (`质押次数`).
    PledgeCount,
    /// Simple family size (`简单同族数量`).
    FamilySize,
    /// The receiving office (`受理局`: 中国, 美国…).
    Office,
    /// Number of claims (`权利要求数`; SPEC §12).
    Claims,
    /// Forward citations, as the export counts them (`被引用专利数量`).
    CitedBy,
    /// Backward citations: patent references (`引用专利数量`).
    Cites,
}

/// Roles mapped to header names (a config's `[columns]`), in role order.
pub type ColumnMap = std::collections::BTreeMap<String, String>;

/// Every role of `columns` is a field's name, else what is wrong, naming the roles.
pub fn check_roles(columns: &ColumnMap) -> Result<(), String> {
    match columns.keys().find(|role| !FIELD_NAMES.contains(&role.as_str())) {
        Some(role) => Err(format!("[columns]: unknown role {role:?}; the roles are: {}", FIELD_NAMES.join(", "))),
        None => Ok(()),
    }
}

/// Number of [`Field`]s.
pub const FIELDS: usize = 30;

/// How messages name each field: the native column names, then the names of the
/// fields only other layouts have.
pub const FIELD_NAMES: [&str; FIELDS] = [
    "app_no",
    "pub_no",
    "title",
    "kind",
    "filing_date",
    "grant_date",
    "status",
    "lapse_date",
    "ipc",
    "applicants",
    "holders",
    "family",
    "pledge_amount",
    "awards",
    "filing_year",
    "publication_date",
    "status_date",
    "events",
    "dated_events",
    "transfer_dates",
    "licence_dates",
    "pledge_dates",
    "transfers",
    "licences",
    "pledges",
    "family_size",
    "office",
    "claims",
    "cited_by",
    "cites",
];

/// The native column names, in order (the first fields' names).
pub const NATIVE_COLUMNS: &[&str] = FIELD_NAMES.split_at(14).0;

/// Header spellings per profile and field, compared after [`fold_header`]. A field
/// whose several spellings are all present reads them all (joined), in this order.
// A data table
fn spellings(profile: Profile, field: Field) -> &'static [&'static str] {
    use Field::*;
    match profile {
        Profile::Native => match field {
            AppNo => &["app_no"],
            PubNo => &["pub_no"],
            Title => &["title"],
            Kind => &["kind"],
            FilingDate => &["filing_date"],
            GrantDate => &["grant_date"],
            Status => &["status"],
            LapseDate => &["lapse_date"],
            Ipc => &["ipc"],
            Applicants => &["applicants"],
            Holders => &["holders"],
            Family => &["family"],
            PledgeAmount => &["pledge_amount"],
            Awards => &["awards"],
            FamilySize => &["family_size"],
            Claims => &["claims"],
            CitedBy => &["cited_by"],
            Cites => &["cites"],
            _ => &[],
        },
        Profile::Cn => match field {
            // Derwent Innovation's English interface last in each list.
            AppNo => &["申请号", "applicationnumber"],
            PubNo => &["公开公告号", "公开号", "公告号", "授权公告号", "公布号", "publicationnumber"],
            Title => {
                &["标题", "发明名称", "名称", "专利名称", "中文标题", "标题中文", "标题译简体中文", "标题原文", "title"]
            }
            Kind => &["专利类型", "类型", "专利种类"],
            FilingDate => &["申请日", "申请日期", "applicationdate"],
            GrantDate => &["授权公告日", "授权日", "授权日期", "授权公告日期", "颁证日"],
            // A simple status wins over the others (SPEC §7): the first present is read.
            // Derwent's 失效/有效 (Alive, Dead) last.
            Status => &["简单法律状态", "专利有效性", "当前法律状态", "法律状态", "失效有效", "alivedead"],
            LapseDate => &["失效日", "失效日期"],
            Ipc => {
                // The main code first, then the lists (Patentics: 国际主分类, 国际分类).
                &[
                    "ipc主分类",
                    "ipc主分类号",
                    "主分类号",
                    "国际主分类",
                    "国际主分类号",
                    "ipc分类号",
                    "ipc",
                    "分类号",
                    "国际分类",
                    "国际分类号",
                    "ipc分类",
                    "ipc主分类号小类",
                    // Derwent Innovation, compact codes (`G07G000100`).
                    "ipc现版",
                    "ipccurrent",
                ]
            }
            Applicants => &[
                "申请人",
                "申请专利权人",
                "原始申请专利权人",
                "申请人名称",
                "标准化申请人",
                "申请人专利权人",
                "第一申请人",
                // Derwent Innovation: the assignees as published.
                "专利权人申请人",
                "专利权人原始",
                "专利权人标准化",
                "assigneeapplicant",
                "assigneeoriginal",
                "assigneestandardized",
            ],
            Holders => {
                &["当前权利人", "当前申请专利权人", "当前专利权人", "标准化当前权利人", "专利权人", "申请人专利权人"]
            }
            Family => &[
                "简单同族",
                "简单同族成员",
                "同族专利",
                "扩展同族",
                "同族国家地区",
                "简单同族国家地区",
                "inpadoc同族专利成员",
                "inpadocfamilymembers",
            ],
            PledgeAmount => &["质押金额", "质押金额万元"],
            Awards => &["获奖情况", "获奖信息", "奖励"],
            FilingYear => &["申请年", "申请年份"],
            PubDate => &["公开公告日", "公开日", "公告日", "公开日期", "公开公告日期", "公布日"],
            // Only CNIPA pss pairs its status (the latest legal event) with the event's
            // date: other systems' status dates go with simple statuses (有效, 审中).
            StatusDate => &["法律状态最后修改日期", "法律状态最后修改日"],
            EventList => &["法律状态事件", "法律事件", "法律状态事件列表"],
            DatedEvents => &["inpadoc法律状态", "inpadoc法律事件", "法律状态inpadoc", "法律描述", "inpadoclegalstatus"],
            TransferDates => &["转让日期", "转让日", "权利转移日", "权利转移日期", "转让执行日"],
            LicenceDates => &["许可日期", "许可日", "许可备案日", "许可生效日", "许可合同备案日期"],
            PledgeDates => &["质押日期", "质押日", "质押登记日", "质押生效日"],
            TransferCount => &["专利转移次数", "转让次数", "权利转移次数"],
            LicenceCount => &["许可次数"],
            PledgeCount => &["质押次数"],
            FamilySize => &[
                "简单同族专利申请数量",
                "简单同族成员数量",
                "简单同族数量",
                "简单同族申请数量",
                "简单同族专利数量",
                "简单同族个数",
                "同族数量",
                "docdb同族个数",
                "同族专利数",
                "dwpi同族专利成员计数",
                "dwpifamilymembercount",
            ],
            Office => &["受理局", "公开国别"],
            // Derwent Innovation's English interface last in each list.
            Claims => &["权利要求数", "权利要求数量", "权利要求计数", "权利要求项数", "权利要求总数", "claimscount"],
            CitedBy => &[
                "被引用专利数量",
                "被引证次数",
                "引用本文专利数",
                "被引用数",
                "被引用次数",
                "被引证专利数量",
                "countofcitingpatents",
            ],
            Cites => &[
                "引用专利数量",
                "引证次数",
                "本文引用专利数",
                "引用数",
                "引用次数",
                "引证专利数量",
                "countofcitedpatents",
            ],
        },
        Profile::Lens => match field {
            AppNo => &["applicationnumber"],
            PubNo => &["displaykey", "publicationnumber"],
            Title => &["title"],
            FilingDate => &["applicationdate"],
            Status => &["legalstatus"],
            Ipc => &["ipcrclassifications", "ipcclassifications"],
            Applicants => &["applicants"],
            Holders => &["owners", "ownersus", "currentowners"],
            Family => &["simplefamilymembers", "simplefamilymemberjurisdictions"],
            PubDate => &["publicationdate"],
            FamilySize => &["simplefamilysize"],
            Claims => &["claimscount", "numberofclaims"],
            CitedBy => &["citedbypatentcount"],
            Cites => &["citespatentcount"],
            _ => &[],
        },
        Profile::Google => match field {
            PubNo => &["id"],
            Title => &["title"],
            FilingDate => &["filingcreationdate", "filingdate"],
            GrantDate => &["grantdate"],
            Holders => &["assignee", "currentassignee"],
            _ => &[],
        },
    }
}

/// A header folded for matching: half-width, lower case, `[标]` dropped, without
/// spaces, brackets, slashes, dashes, underscores or dots (the native names keep `_`).
pub fn fold_header(header: &str) -> String {
    let h = header.trim().trim_start_matches('\u{feff}').replace("[标]", "").replace("【标】", "");
    let native = h.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    h.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']' | '【' | '】' | '/' | '-' | '.' | '、'))
        .filter(|c| native || *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each field of the canonical record is found in one file.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The profile.
    pub profile: Profile,
    sources: [Vec<usize>; FIELDS],
    /// A publication kind-code column (Lens `Kind`, `文献种类代码`): its B/C rows take
    /// their publication date as grant date.
    lens_kind: Option<usize>,
    /// Whether the file has any column of legal events (worked out once, read per row).
    events: bool,
    /// Fields whose one header name repeats (Patentics' 申请日 ×3): per row, the first
    /// of its columns with a non-empty cell.
    repeated: [bool; FIELDS],
}

fn find(folded: &[String], name: &str) -> Option<usize> {
    folded.iter().position(|h| h == name)
}

/// Tell the profile from the headers: the clear signatures first, else the profile
/// with the most known column names (so a file missing one required column is still
/// recognised, and the message can name that column).
pub fn detect(headers: &[String]) -> Option<Profile> {
    let f: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    let has = |n: &str| find(&f, n).is_some();
    if has("filing_date") && (has("app_no") || has("pub_no")) {
        return Some(Profile::Native);
    } else if has("id") && (has("filingcreationdate") || has("resultlink")) {
        return Some(Profile::Google);
    } else if has("jurisdiction") && (has("applicationnumber") || has("displaykey") || has("lensid")) {
        return Some(Profile::Lens);
    } else if (has("申请号") || has("公开公告号") || has("公开号")) && (has("申请日") || has("申请日期"))
    {
        return Some(Profile::Cn);
    } else if (has("inpadoclegalstatus") || has("assigneeapplicant") || has("ipccurrent"))
        && (has("applicationnumber") || has("publicationnumber"))
    {
        // Derwent Innovation's English interface: read with the Chinese exports' rules.
        return Some(Profile::Cn);
    }
    let score = |p: Profile| {
        ALL_FIELDS.iter().map(|field| spellings(p, *field).iter().filter(|n| has(n)).count()).sum::<usize>()
    };
    [Profile::Native, Profile::Cn, Profile::Lens]
        .into_iter()
        .map(|p| (score(p), p))
        .filter(|(n, _)| *n >= 2)
        .max_by_key(|(n, _)| *n)
        .map(|(_, p)| p)
}

/// How strongly a row reads as a header: the number of fields whose names it holds in
/// the layout it tells, 0 when it tells none. Of the rows above a table, the header is
/// the one that names the most known columns (a query row may name one or two).
pub fn header_score(headers: &[String]) -> usize {
    let Some(profile) = detect(headers) else { return 0 };
    let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    ALL_FIELDS.iter().filter(|field| spellings(profile, **field).iter().any(|n| find(&folded, n).is_some())).count()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The header most like `wanted`, when one is reasonably close.
pub fn nearest<'a>(wanted: &str, headers: &'a [String]) -> Option<&'a str> {
    let w = fold_header(wanted);
    headers
        .iter()
        .map(|h| (edit_distance(&w, &fold_header(h)), h))
        .filter(|(d, h)| *d <= (w.chars().count().max(h.chars().count()) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

impl Layout {
    /// Locate the fields in a table, detecting the profile unless one is given.
    /// A number column (application or publication) and the filing date are required.
    pub fn locate(table: &RawTable, profile: Option<Profile>) -> Result<Layout, InputError> {
        Layout::locate_with(table, profile, &ColumnMap::new())
    }

    /// [`Layout::locate`], with the roles a config's `[columns]` maps to header names
    /// (SPEC §3, §7: the [`FIELD_NAMES`]) taken from those columns. A file whose
    /// layout is not detected is read as a Chinese export (`cn`) when it maps any.
    pub fn locate_with(table: &RawTable, profile: Option<Profile>, columns: &ColumnMap) -> Result<Layout, InputError> {
        let profile = choose_profile(table, profile, columns)?;
        let folded: Vec<String> = table.headers.iter().map(|h| fold_header(h)).collect();
        let (mut sources, mut repeated) = sources_by_spelling(profile, &folded);
        let missing = |field: Field| {
            let names = spellings(profile, field);
            let wanted = if profile == Profile::Native {
                NATIVE_COLUMNS[field as usize]
            } else {
                names.first().copied().unwrap_or("")
            };
            InputError::MissingColumn {
                path: table.info.path.clone(),
                column: format!("{wanted} ({} layout)", profile.as_str()),
                found: table.headers.clone(),
                nearest: nearest(wanted, &table.headers).map(str::to_string),
            }
        };
        apply_column_map(table, &folded, columns, &mut sources, &mut repeated)?;
        if sources[Field::AppNo as usize].is_empty() && sources[Field::PubNo as usize].is_empty() {
            return Err(missing(if profile == Profile::Google { Field::PubNo } else { Field::AppNo }));
        }
        if sources[Field::FilingDate as usize].is_empty() && sources[Field::FilingYear as usize].is_empty() {
            return Err(missing(Field::FilingDate));
        }
        let lens_kind = match profile {
            Profile::Lens => find(&folded, "kind"),
            Profile::Cn => ["文献种类代码", "文献类型代码", "公开种类"].iter().find_map(|n| find(&folded, n)),
            _ => None,
        };
        let events = EVENT_FIELDS.iter().any(|f| !sources[*f as usize].is_empty())
            || (profile == Profile::Cn && sources[Field::Status as usize].len() > 1);
        Ok(Layout { profile, sources, lens_kind, events, repeated })
    }

    /// Whether this file has any column of legal events (SPEC §7) — an event field, or
    /// a second status column of a Chinese export — so that rows of files without one
    /// skip that work.
    pub fn has_events(&self) -> bool {
        self.events
    }

    /// Each role this file has, with the headers it is read from (what `hvpat check`
    /// shows, so a user can see what to map).
    pub fn roles(&self, headers: &[String]) -> Vec<(&'static str, Vec<String>)> {
        let header = |k: &usize| headers.get(*k).cloned().unwrap_or_default();
        (0..FIELDS)
            .filter(|&i| !self.sources[i].is_empty())
            .map(|i| (FIELD_NAMES[i], self.sources[i].iter().map(header).collect()))
            .collect()
    }

    /// Whether this file has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        !self.sources[field as usize].is_empty()
    }

    /// Whether the file can tell a grant date: a grant-date column, or publication
    /// dates (a B/C publication's is the grant date), so that an empty cell says
    /// "not granted".
    pub fn has_grant_source(&self) -> bool {
        self.has(Field::GrantDate) || (self.has(Field::PubDate) && (self.has(Field::PubNo) || self.lens_kind.is_some()))
    }

    /// The column names the holders are looked for under in this layout.
    pub fn holder_columns(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = spellings(self.profile, Field::Holders).to_vec();
        for n in spellings(self.profile, Field::Applicants) {
            if !names.contains(n) {
                names.push(n);
            }
        }
        names
    }

    /// The text of `field` in `row`: one column's cell, or several columns' non-empty
    /// cells joined by `;` (IPC main + list, family members + jurisdictions) or a
    /// space (status columns).
    #[inline]
    pub fn get<'a>(&self, table: &'a RawTable, row: usize, field: Field) -> Cow<'a, str> {
        // One column, as nearly every field has, or none (a layout lacks many fields):
        // read where the caller is (a call of the general path cost more than the cell).
        match self.sources[field as usize][..] {
            [one] if field != Field::GrantDate => Cow::Borrowed(cell_value(table, row, one)),
            [] if field != Field::GrantDate => Cow::Borrowed(""),
            _ => self.get_joined(table, row, field),
        }
    }

    /// [`Layout::get`] of a field of several columns, or the grant date.
    fn get_joined<'a>(&self, table: &'a RawTable, row: usize, field: Field) -> Cow<'a, str> {
        let cols = &self.sources[field as usize];
        let cell = |c: usize| cell_value(table, row, c);
        let value = match cols.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(cell(*one)),
            // Chinese exports: the first status column (the simplest) that says
            // something; a repeated header's first non-empty cell.
            many if (field == Field::Status && self.profile == Profile::Cn) || self.repeated[field as usize] => {
                Cow::Borrowed(many.iter().map(|c| cell(*c)).find(|s| !s.is_empty()).unwrap_or(""))
            }
            many => {
                let sep = if field == Field::Status { " " } else { ";" };
                let parts: Vec<&str> = many.iter().map(|c| cell(*c)).filter(|s| !s.is_empty()).collect();
                Cow::Owned(parts.join(sep))
            }
        };
        if field == Field::GrantDate && value.is_empty() && self.granted_publication(table, row) {
            // A CN B/C publication is the grant announcement: its date is the grant date.
            return self.get(table, row, Field::PubDate);
        }
        value
    }

    /// The other status columns' cells of a Chinese export (incoPat's `法律状态` beside
    /// `专利有效性`): legal events, not the status (SPEC §7, a simple status wins).
    pub fn other_statuses<'a>(&self, table: &'a RawTable, row: usize) -> Vec<&'a str> {
        let cols = &self.sources[Field::Status as usize];
        if self.profile != Profile::Cn || cols.len() < 2 {
            return Vec::new();
        }
        let cells: Vec<&str> = cols.iter().map(|c| table.cell(row, *c).trim()).collect();
        let chosen = cells.iter().position(|s| !s.is_empty() && !is_empty_marker(s));
        cells
            .into_iter()
            .enumerate()
            .filter(|(k, s)| Some(*k) != chosen && !s.is_empty() && !is_empty_marker(s))
            .map(|(_, s)| s)
            .collect()
    }

    /// Whether the row's publication is a grant (kind B or C): Lens's kind column, or
    /// the kind code ending the publication number (`CN105000000B`, `CN 105000000 C`).
    fn granted_publication(&self, table: &RawTable, row: usize) -> bool {
        if let Some(k) = self.lens_kind {
            return matches!(table.cell(row, k).trim().as_bytes().first(), Some(b'B' | b'C'));
        }
        let Some(&pub_col) = self.sources[Field::PubNo as usize].first() else {
            return false;
        };
        let number = table.cell(row, pub_col).trim();
        let mut code = number.trim_end_matches(|c: char| c.is_ascii_digit()).chars().rev();
        matches!(code.next(), Some('B' | 'C'))
            && code.next().is_some_and(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    }

    /// Whether holder cells separate names with `, ` (Google Patents).
    pub fn holder_commas(&self) -> bool {
        self.profile == Profile::Google
    }

    /// The column name of a field in this file, for messages.
    pub fn column_name<'a>(&self, table: &'a RawTable, field: Field) -> Cow<'a, str> {
        match self.sources[field as usize].first() {
            Some(&c) => Cow::Borrowed(table.headers[c].as_str()),
            None => Cow::Owned(FIELD_NAMES[field as usize].to_string()),
        }
    }
}

/// The layout a file is read with: the one forced, else the one detected, else
/// `cn` when the config maps any column.
fn choose_profile(table: &RawTable, profile: Option<Profile>, columns: &ColumnMap) -> Result<Profile, InputError> {
    let mapped = (!columns.is_empty()).then_some(Profile::Cn);
    match profile.or_else(|| detect(&table.headers)).or(mapped) {
        Some(p) => Ok(p),
        None => Err(InputError::UnknownLayout {
            path: table.info.path.clone(),
            found: table.headers.clone(),
            hint: ["filing_date", "app_no"]
                .iter()
                .filter_map(|w| nearest(w, &table.headers).map(|h| format!("{h:?} for {w:?}")))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Each field's columns by the layout's spellings (a repeated header's later
/// copies too, read when the first is empty), and which fields are repeated.
fn sources_by_spelling(profile: Profile, folded: &[String]) -> ([Vec<usize>; FIELDS], [bool; FIELDS]) {
    let mut sources: [Vec<usize>; FIELDS] = Default::default();
    let mut repeated = [false; FIELDS];
    for (i, field) in ALL_FIELDS.iter().enumerate() {
        sources[i] = spellings(profile, *field).iter().filter_map(|n| find(folded, n)).collect();
        if matches!(profile, Profile::Lens | Profile::Google)
            || matches!(field, Field::Ipc | Field::Family)
            || *field == Field::Status
        {
            continue;
        }
        sources[i].truncate(1);
        // The same header again, further right: read when the first is empty.
        if let Some(&first) = sources[i].first() {
            let again = (first + 1..folded.len()).filter(|&k| folded[k] == folded[first]);
            sources[i].extend(again);
            repeated[i] = sources[i].len() > 1;
        }
    }
    if profile == Profile::Lens {
        sources[Field::PubNo as usize].truncate(1);
        sources[Field::Holders as usize].truncate(1);
    }
    (sources, repeated)
}

/// The roles a config's `[columns]` maps, each read from the column named.
fn apply_column_map(
    table: &RawTable,
    folded: &[String],
    columns: &ColumnMap,
    sources: &mut [Vec<usize>; FIELDS],
    repeated: &mut [bool; FIELDS],
) -> Result<(), InputError> {
    check_roles(columns).map_err(|message| InputError::Table { path: table.info.path.clone(), message })?;
    for (role, header) in columns {
        let Some(field) = FIELD_NAMES.iter().position(|n| n == role) else { continue };
        let wanted = fold_header(header);
        let at = table.headers.iter().position(|h| h.trim() == header.trim()).or_else(|| find(folded, &wanted));
        let Some(at) = at else {
            return Err(InputError::MissingColumn {
                path: table.info.path.clone(),
                column: format!("{header} (mapped to {role} in [columns])"),
                found: table.headers.clone(),
                nearest: nearest(header, &table.headers).map(str::to_string),
            });
        };
        sources[field] = vec![at];
        repeated[field] = false;
    }
    Ok(())
}

/// The fields that hold legal events (SPEC §7): from the status date to the counts.
const EVENT_FIELDS: &[Field] = ALL_FIELDS.split_at(Field::StatusDate as usize).1.split_at(9).0;

const ALL_FIELDS: [Field; FIELDS] = [
    Field::AppNo,
    Field::PubNo,
    Field::Title,
    Field::Kind,
    Field::FilingDate,
    Field::GrantDate,
    Field::Status,
    Field::LapseDate,
    Field::Ipc,
    Field::Applicants,
    Field::Holders,
    Field::Family,
    Field::PledgeAmount,
    Field::Awards,
    Field::FilingYear,
    Field::PubDate,
    Field::StatusDate,
    Field::EventList,
    Field::DatedEvents,
    Field::TransferDates,
    Field::LicenceDates,
    Field::PledgeDates,
    Field::TransferCount,
    Field::LicenceCount,
    Field::PledgeCount,
    Field::FamilySize,
    Field::Office,
    Field::Claims,
    Field::CitedBy,
    Field::Cites,
];

/// A cell's text, trimmed; empty for an empty marker (`-`, `N/A`…).
#[inline]
fn cell_value(table: &RawTable, row: usize, col: usize) -> &str {
    let v = crate::rules::text::trim(table.cell(row, col));
    if crate::rules::text::is_trimmed_empty_marker(v) {
        ""
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_fold() {
        assert_eq!(fold_header("公开（公告）号"), "公开公告号");
        assert_eq!(fold_header("[标]当前申请(专利权)人"), "当前申请专利权人");
        assert_eq!(fold_header("同族国家/地区"), "同族国家地区");
        assert_eq!(fold_header("IPC 主分类"), "ipc主分类");
        assert_eq!(fold_header("Owners (US)"), "ownersus");
        assert_eq!(fold_header("filing/creation date"), "filingcreationdate");
        assert_eq!(fold_header("app_no"), "app_no");
        assert_eq!(fold_header("\u{feff}Application Number"), "applicationnumber");
    }

    #[test]
    fn profiles_are_detected_from_headers() {
        assert_eq!(detect(&h(&["app_no", "filing_date"])), Some(Profile::Native));
        assert_eq!(
            detect(&h(&["id", "title", "assignee", "inventor/author", "priority date", "filing/creation date"])),
            Some(Profile::Google)
        );
        assert_eq!(
            detect(&h(&["#", "Jurisdiction", "Kind", "Publication Number", "Lens ID", "Application Number"])),
            Some(Profile::Lens)
        );
        assert_eq!(detect(&h(&["申请号", "申请日", "公开（公告）号", "[标]当前申请(专利权)人"])), Some(Profile::Cn));
        assert_eq!(detect(&h(&["foo", "bar"])), None);
        // Recognised by its other columns, so the missing one can be named.
        assert_eq!(detect(&h(&["app_no", "filling_date", "title", "holders"])), Some(Profile::Native));
    }

    #[test]
    fn event_fields_are_the_status_date_to_the_counts() {
        assert_eq!(EVENT_FIELDS.first(), Some(&Field::StatusDate));
        assert_eq!(EVENT_FIELDS.last(), Some(&Field::PledgeCount));
        assert_eq!(EVENT_FIELDS.len(), 9);
    }

    #[test]
    fn the_header_is_the_row_naming_the_most_known_columns() {
        let h = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(header_score(&h(&["Derwent Innovation Patent Export, 2024-03-01"])), 0);
        // A query row that names two columns, then the header that names five.
        let query = header_score(&h(&["申请号", "申请日"]));
        let header = header_score(&h(&["申请号", "申请日", "公开号", "申请人", "IPC分类号"]));
        assert_eq!((query, header), (2, 5));
    }

    #[test]
    fn nearest_header() {
        let found = h(&["app_no", "filling_date", "title"]);
        assert_eq!(nearest("filing_date", &found), Some("filling_date"));
        assert_eq!(nearest("filing_date", &h(&["x", "y"])), None);
    }
}
