//! The canonical patent record that readers produce and the rules score, and
//! the verdict types the rules return.

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::rules::events::LegalEvent;
use crate::rules::ipc::Ipc;
use crate::rules::numbers::{Kind, PatentId};
use crate::rules::status::{classify_status, StatusClass};

/// Where a record came from: the input file (index into the run's inputs) and its line.
/// Packed to 12 bytes, so that a [`Patent`] fits in 128.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(C, packed(4))]
pub struct SourceRef {
    /// Index of the input file in the run.
    pub file: u32,
    /// 1-based line of the record (the header is line 1).
    pub line: u64,
}

/// A text many patents share (a holder's name, a legal status), one pointer wide: a
/// portfolio names few distinct holders and statuses in millions of records. Patents
/// that name the same holder from one part of a file share one copy, so scoring can tell
/// names apart by [`Name::address`] before it compares text. A status's class is worked
/// out once per copy ([`Name::status_class`]), not at every decision. Compared, ordered
/// and hashed as its text.
#[derive(Clone, Default)]
pub struct Name(std::sync::Arc<SharedText>);

#[derive(Default)]
struct SharedText {
    text: Box<str>,
    status: std::sync::OnceLock<StatusClass>,
}

impl Name {
    /// The shared copy's address: equal for clones of one name.
    pub fn address(&self) -> usize {
        std::sync::Arc::as_ptr(&self.0) as usize
    }

    /// What the text says as a legal status ([`classify_status`]), worked out once.
    pub fn status_class(&self) -> StatusClass {
        *self.0.status.get_or_init(|| classify_status(&self.0.text))
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0.text
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name(std::sync::Arc::new(SharedText { text: text.into(), status: std::sync::OnceLock::new() }))
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        **self == **other
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// A run's distinct holder and applicant names (each shared copy by its address) and
/// IPC codes: what scoring resolves and looks up once before it scores the patents.
#[derive(Default)]
pub struct Vocabulary {
    /// Shared name copies by [`Name::address`].
    pub names: rustc_hash::FxHashMap<usize, Name>,
    /// Distinct IPC codes.
    pub codes: rustc_hash::FxHashSet<Ipc>,
}

impl Vocabulary {
    /// Add a patent's holders, applicants and IPC codes.
    pub fn add(&mut self, p: &Patent) {
        for h in p.holders.iter().chain(p.applicants()) {
            self.names.entry(h.address()).or_insert_with(|| h.clone());
        }
        self.codes.extend(p.ipc.iter().copied());
    }

    /// Add another's names and codes.
    pub fn plus(mut self, other: Vocabulary) -> Vocabulary {
        self.names.extend(other.names);
        self.codes.extend(other.codes);
        self
    }
}

/// A family member: a publication number with its office, or a bare office code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FamilyMember {
    /// Office / jurisdiction code, upper case (`US`, `EP`, `WO`…).
    pub jurisdiction: CompactString,
    /// Kind code when the member was written with one (`B2`, `A1`…).
    pub kind: Option<CompactString>,
    /// The member as written, normalised (`US10123456B2`, or `US`).
    pub label: CompactString,
}

/// A pledge contract's share attributed to one patent.
#[derive(Debug, Clone, PartialEq)]
pub struct PledgeShare {
    /// The contract (`""` for an amount given directly in the portfolio).
    pub contract_id: CompactString,
    /// The contract's whole amount, 万元.
    pub contract_wan: f64,
    /// Number of distinct patents the contract names.
    pub patents_in_contract: usize,
    /// Registration date; `None` counts at every date.
    pub registered_on: Option<NaiveDate>,
}

/// How a contract that covers several patents is attributed (SPEC §1, D4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Apportion {
    /// Shared equally among the distinct patents the contract names.
    Equal,
    /// Each patent is credited the whole amount.
    Full,
}

impl PledgeShare {
    /// The amount credited to one patent under `apportion`.
    pub fn credited_wan(&self, apportion: Apportion) -> f64 {
        match apportion {
            Apportion::Equal => self.contract_wan / self.patents_in_contract.max(1) as f64,
            Apportion::Full => self.contract_wan,
        }
    }
}

/// Which award programme an award belongs to (SPEC §1, D5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AwardClass {
    /// 中国专利奖 (gold, silver, excellence).
    ChinaPatentAward,
    /// 国家科学技术奖 (natural science, technological invention, progress, highest).
    StateScienceAward,
    /// Provincial, municipal, industry and other awards: reported, not counted.
    Other,
}

/// An award listed for a patent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Award {
    /// Award name with its level, as written (`中国专利金奖`, `国家科学技术进步奖 二等奖`).
    pub name: String,
    /// The programme it belongs to.
    pub class: AwardClass,
    /// Award date (a bare year is 31 December); `None` counts at every date.
    pub date: Option<NaiveDate>,
}

/// A patent's publication number and title, in one block: the number, a line end,
/// the title. Millions of records are kept to the end of a run, and the number held
/// apart took 24 of a record's bytes (with them a record is 128 bytes, not 160). A
/// publication number is letters and digits, so the first line end is where it ends.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatentTexts(Box<str>);

impl PatentTexts {
    /// The two texts (line ends in `pub_no`, which no publication number has, dropped).
    pub fn new(pub_no: &str, title: &str) -> PatentTexts {
        if pub_no.is_empty() && title.is_empty() {
            return PatentTexts::default();
        }
        let mut text = String::with_capacity(pub_no.len() + 1 + title.len());
        text.extend(pub_no.split(['\r', '\n']));
        text.push('\n');
        text.push_str(title);
        PatentTexts(text.into_boxed_str())
    }

    /// The publication number with kind code.
    pub fn pub_no(&self) -> &str {
        self.line_end().map_or(&self.0, |at| &self.0[..at])
    }

    /// The title.
    pub fn title(&self) -> &str {
        self.line_end().map_or("", |at| &self.0[at + 1..])
    }

    /// Where the number ends. A byte search: `str::split_once` with a `char` compares
    /// each candidate through a call to `memcmp`, a share of rendering's time.
    #[inline]
    fn line_end(&self) -> Option<usize> {
        memchr::memchr(b'\n', self.0.as_bytes())
    }

    /// The block, to ask it into the cache.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PatentTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatentTexts").field("pub_no", &self.pub_no()).field("title", &self.title()).finish()
    }
}

/// One patent after reading, normalising and merging duplicate rows.
#[derive(Debug, Clone, Default)]
pub struct Patent {
    /// Canonical id (SPEC §2).
    pub id: PatentId,
    /// The publication number with kind code (the most advanced publication seen),
    /// and the title.
    pub texts: PatentTexts,
    /// Invention / utility model / design, when it could be told.
    pub kind: Option<Kind>,
    /// Filing (application) date.
    pub filing_date: NaiveDate,
    /// Grant date, when granted and known.
    pub grant_date: Option<NaiveDate>,
    /// Legal status as written (shared: a portfolio has few distinct statuses).
    pub status: Name,
    /// Lapse / invalidation date, when known.
    pub lapse_date: Option<NaiveDate>,
    /// IPC codes, main code first; the last [`Patent::classes_codes`] came from `classes.csv`.
    pub ipc: Box<[Ipc]>,
    /// How many of the trailing `ipc` codes came from `classes.csv` (SPEC §10).
    pub classes_codes: u16,
    /// Current holders (falling back to applicants), as written (shared between the
    /// patents of one holder).
    pub holders: Box<[Name]>,
    /// Whether `holders` came from a holders column (not the applicants fallback).
    pub holders_explicit: bool,
    /// The lists few patents have (applicants, family, pledges, awards, legal events),
    /// kept apart so that the common record stays small; `None` when all are empty.
    pub extras: Option<Box<Extras>>,
    /// Where the patent's first row was read.
    pub source: SourceRef,
    /// The filing date is known to the year only (`申请年`): `filing_date` is 1 January of it.
    pub filing_year_only: bool,
    /// The §1 status class when legal events decided it (a CNIPA pss status, the first
    /// item of an event list, or events where no status was given); else the status
    /// text is classified.
    pub status_class: Option<StatusClass>,
    /// What the patent's inputs could tell, and where its dates came from.
    pub known: Known,
    /// The quality counts its export gave (SPEC §12).
    pub counts: QualityCounts,
}

/// The counts an export gives for the quality indicators (SPEC §12), each unknown
/// (an empty cell, or no such column) or as the export gave it, up to
/// [`QualityCounts::MAX`]: 8 bytes, since every patent carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualityCounts([u16; QualityCounts::LEN]);

/// One of the [`QualityCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityCount {
    /// Claims.
    Claims,
    /// Forward citations.
    CitedBy,
    /// Backward citations.
    Cites,
    /// The simple family size as the export gives it.
    FamilySize,
}

impl QualityCount {
    /// Every count, in [`QualityCounts`] order.
    pub const ALL: [QualityCount; QualityCounts::LEN] =
        [QualityCount::Claims, QualityCount::CitedBy, QualityCount::Cites, QualityCount::FamilySize];

    /// The indicator's name (SPEC §12).
    pub fn name(self) -> &'static str {
        match self {
            QualityCount::Claims => "claims",
            QualityCount::CitedBy => "cited_by",
            QualityCount::Cites => "cites",
            QualityCount::FamilySize => "family_size",
        }
    }
}

impl Default for QualityCounts {
    fn default() -> QualityCounts {
        QualityCounts([QualityCounts::UNKNOWN; QualityCounts::LEN])
    }
}

impl QualityCounts {
    const LEN: usize = 4;
    const UNKNOWN: u16 = u16::MAX;
    /// The largest count kept (the most-cited patents have some thousands citations).
    pub const MAX: u32 = u16::MAX as u32 - 1;

    /// A count, when known.
    pub fn get(&self, which: QualityCount) -> Option<u32> {
        Some(self.0[which as usize]).filter(|&n| n != Self::UNKNOWN).map(u32::from)
    }

    /// Set a count (`None`, or one above [`QualityCounts::MAX`]: unknown).
    pub fn set(&mut self, which: QualityCount, value: Option<u32>) {
        self.0[which as usize] =
            value.and_then(|n| u16::try_from(n).ok()).filter(|&n| n != Self::UNKNOWN).unwrap_or(Self::UNKNOWN);
    }

    /// Merge the counts of another row of the same patent (SPEC §12): the granted
    /// publication's row's value when it has one (`other_wins`: the other row is that
    /// row and this one is not), else the first known in file order. Returns the
    /// counts on which two known values disagree, with both values (this row's first).
    pub fn merge(&mut self, other: QualityCounts, other_wins: bool) -> Vec<(QualityCount, u32, u32)> {
        let mut disagreements = Vec::new();
        for which in QualityCount::ALL {
            match (self.get(which), other.get(which)) {
                (Some(mine), Some(theirs)) if mine != theirs => {
                    disagreements.push((which, mine, theirs));
                    if other_wins {
                        self.set(which, Some(theirs));
                    }
                }
                (None, theirs @ Some(_)) => self.set(which, theirs),
                _ => {}
            }
        }
        disagreements
    }
}

/// The lists of a [`Patent`] that most patents leave empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// Applicants as written, when a file names both holders and applicants (a combined
    /// `申请人/专利权人` column feeds both); empty otherwise, when the holders are the
    /// applicants (`holders_explicit` false) or the applicants are not known.
    pub applicants: Vec<Name>,
    /// Family members from the portfolio and the families table.
    pub family: Vec<FamilyMember>,
    /// Pledge amounts: the portfolio's attributed amount and contracts.
    pub pledges: Vec<PledgeShare>,
    /// Awards from the portfolio and the awards table.
    pub awards: Vec<Award>,
    /// Legal events from every row of the patent and `events.csv` (SPEC §7).
    pub events: Vec<LegalEvent>,
}

impl Extras {
    /// Move each list into a block of its length: they are kept to the end of the
    /// run, and lists grown a push at a time have room to spare (a shrink in place can
    /// keep the block).
    pub fn fit(&mut self) {
        fn fit<T>(list: &mut Vec<T>) {
            if list.capacity() > list.len() {
                let mut exact = Vec::with_capacity(list.len());
                exact.append(list);
                *list = exact;
            }
        }
        fit(&mut self.applicants);
        fit(&mut self.family);
        fit(&mut self.pledges);
        fit(&mut self.awards);
        fit(&mut self.events);
    }

    /// Boxed for a [`Patent`]; `None` when every list is empty.
    pub fn boxed(self) -> Option<Box<Extras>> {
        let empty = self.applicants.is_empty()
            && self.family.is_empty()
            && self.pledges.is_empty()
            && self.awards.is_empty()
            && self.events.is_empty();
        (!empty).then(|| Box::new(self))
    }
}

impl Patent {
    /// Applicants as written, when known apart from the holders ([`Extras::applicants`]).
    pub fn applicants(&self) -> &[Name] {
        self.extras.as_ref().map_or(&[], |e| &e.applicants)
    }

    /// Family members ([`Extras::family`]).
    pub fn family(&self) -> &[FamilyMember] {
        self.extras.as_ref().map_or(&[], |e| &e.family)
    }

    /// Pledge amounts ([`Extras::pledges`]).
    pub fn pledges(&self) -> &[PledgeShare] {
        self.extras.as_ref().map_or(&[], |e| &e.pledges)
    }

    /// Awards ([`Extras::awards`]).
    pub fn awards(&self) -> &[Award] {
        self.extras.as_ref().map_or(&[], |e| &e.awards)
    }

    /// Legal events ([`Extras::events`]).
    pub fn events(&self) -> &[LegalEvent] {
        self.extras.as_ref().map_or(&[], |e| &e.events)
    }

    /// Append the `codes` it does not have yet, in order; how many were new. The list
    /// is rebuilt in a block of its size only when one is (it is kept for the run).
    pub fn add_ipc(&mut self, codes: impl IntoIterator<Item = Ipc>) -> usize {
        let mut list = self.ipc.to_vec();
        for code in codes {
            if !list.contains(&code) {
                list.push(code);
            }
        }
        let added = list.len() - self.ipc.len();
        if added > 0 {
            self.ipc = Box::from(list.as_slice());
        }
        added
    }

    /// The lists, to change them (made when the patent had none).
    pub fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Default::default)
    }

    /// The transferors a transfer of this patent is credited to (SPEC §9): the
    /// applicants; `None` when only the current holders (the buyers) are known.
    pub fn transferors(&self) -> Option<&[Name]> {
        if !self.applicants().is_empty() {
            Some(self.applicants())
        } else if !self.holders_explicit || self.known.contains(Known::APPLICANTS_ARE_HOLDERS) {
            Some(&self.holders)
        } else {
            None
        }
    }
}

bitflags::bitflags! {
    /// What a patent's inputs could tell (SPEC §8) and where its dates came from (SPEC §7):
    /// one bit each, as every record carries them. Merged across duplicate rows: a flag
    /// is set when any row sets it.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Known: u16 {
        /// Its file has a grant-date source (a grant-date column, a B/C publication
        /// date), so an empty cell says "not granted".
        const GRANT_COLUMN = 1;
        /// Its file has a family column.
        const FAMILY_COLUMN = 1 << 1;
        /// Its file has a pledge-amount column.
        const PLEDGE_COLUMN = 1 << 2;
        /// Its file has an award column.
        const AWARD_COLUMN = 1 << 3;
        /// The kind label says granted (`授权发明`, `发明授权`).
        const GRANTED_BY_LABEL = 1 << 4;
        /// The grant date is the earliest grant event's.
        const GRANT_FROM_EVENT = 1 << 5;
        /// The lapse date is the earliest lapse event's.
        const LAPSE_FROM_EVENT = 1 << 6;
        /// The applicants column names the holders (so the applicants are not kept twice).
        const APPLICANTS_ARE_HOLDERS = 1 << 7;
        /// A legal-event item of its rows could not be read: an empty grant-date cell
        /// then does not say "not granted" (the unread item may be the grant).
        const UNREAD_EVENTS = 1 << 8;
    }
}

impl Known {
    /// The flags of two rows of one patent.
    pub fn merge(&mut self, other: Known) {
        // `APPLICANTS_ARE_HOLDERS` goes with the holders kept (see the merging of rows).
        *self |= other.difference(Known::APPLICANTS_ARE_HOLDERS);
    }
}

/// Number of dimensions.
pub const DIMENSIONS: usize = 5;

/// Short names of the dimensions, in order (D1..D5), as used in column names.
pub const DIMENSION_NAMES: [&str; DIMENSIONS] = ["d1_sei", "d2_overseas", "d3_maintained", "d4_pledge", "d5_award"];

/// The decisions on one patent at one date, without evidence text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// Eligible: a CN invention patent valid on the date.
    pub eligible: bool,
    /// D1..D5 met.
    pub dimensions: [bool; DIMENSIONS],
}

impl Flags {
    /// Number of dimensions met.
    pub fn dimension_count(&self) -> usize {
        self.dimensions.iter().filter(|d| **d).count()
    }

    /// Eligible and at least one dimension met.
    pub fn high_value(&self) -> bool {
        self.eligible && self.dimensions.iter().any(|d| *d)
    }
}

/// The verdict on one patent at one date, with one evidence line per decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Eligible: a CN invention patent valid on the date.
    pub eligible: bool,
    /// Why (or why not) eligible.
    pub eligibility: String,
    /// D1..D5 met.
    pub dimensions: [bool; DIMENSIONS],
    /// One evidence line per dimension.
    pub evidence: [String; DIMENSIONS],
}

impl Verdict {
    /// Number of dimensions met.
    pub fn dimension_count(&self) -> usize {
        self.dimensions.iter().filter(|d| **d).count()
    }

    /// Eligible and at least one dimension met.
    pub fn high_value(&self) -> bool {
        self.flags().high_value()
    }

    /// The decisions without their evidence.
    pub fn flags(&self) -> Flags {
        Flags { eligible: self.eligible, dimensions: self.dimensions }
    }
}

/// A problem with one input row: a reject (the row is not scored) or a warning
/// (the row is kept). Written to `rejects.csv` / `warnings.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RowIssue {
    /// The input file, as given.
    pub file: String,
    /// 1-based line (header = 1).
    pub line: u64,
    /// The column at fault (empty when the whole row is).
    pub column: String,
    /// The value at fault.
    pub value: String,
    /// What is wrong.
    pub reason: String,
    /// The row as read, re-encoded as CSV.
    pub raw: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patents_texts_read_back_as_given() {
        let texts = PatentTexts::new("CN103728312B", "一种方法\n（第二行）");
        assert_eq!((texts.pub_no(), texts.title()), ("CN103728312B", "一种方法\n（第二行）"));
        let texts = PatentTexts::new("", "标题");
        assert_eq!((texts.pub_no(), texts.title()), ("", "标题"));
        let texts = PatentTexts::new("CN1234567A", "");
        assert_eq!((texts.pub_no(), texts.title()), ("CN1234567A", ""));
        assert_eq!((PatentTexts::default().pub_no(), PatentTexts::default().title()), ("", ""));
        assert_eq!(PatentTexts::new("", ""), PatentTexts::default());
        // A line end in the number (none has one) cannot move the title's start.
        let texts = PatentTexts::new("CN12\r\n34A", "标题");
        assert_eq!((texts.pub_no(), texts.title()), ("CN1234A", "标题"));
    }

    #[test]
    fn known_flags_merge_all_but_whether_applicants_are_the_holders() {
        let mut kept = Known::GRANT_COLUMN | Known::APPLICANTS_ARE_HOLDERS;
        kept.merge(Known::UNREAD_EVENTS | Known::FAMILY_COLUMN);
        assert_eq!(
            kept,
            Known::GRANT_COLUMN | Known::APPLICANTS_ARE_HOLDERS | Known::UNREAD_EVENTS | Known::FAMILY_COLUMN
        );
        let mut kept = Known::empty();
        kept.merge(Known::APPLICANTS_ARE_HOLDERS | Known::LAPSE_FROM_EVENT);
        assert_eq!(kept, Known::LAPSE_FROM_EVENT);
    }

    #[test]
    fn names_compare_by_text_and_share_by_address() {
        let a = Name::from("清华大学");
        let b = Name::from("清华大学");
        assert_eq!(a, b);
        assert_ne!(a.address(), b.address(), "two copies");
        assert_eq!(a.clone().address(), a.address(), "a clone shares its copy");
        assert_eq!((&*a, format!("{a:?}")), ("清华大学", "\"清华大学\"".to_string()));
        assert_eq!(std::mem::size_of::<Name>(), 8);
        let status = Name::from(" 未缴年费终止 ");
        assert_eq!((status.status_class(), status.clone().status_class()), (StatusClass::Dead, StatusClass::Dead));
        assert_eq!(Name::from("Active").status_class(), classify_status("Active"));
        assert!(Name::from("b") > a.clone() || Name::from("b") < a, "ordered as text");
    }

    #[test]
    fn fitted_lists_keep_their_items_without_spare_room() {
        let mut lists = Extras::default();
        for k in 0..3 {
            lists.family.push(crate::rules::family::parse_member(&format!("US1000{k}B2")).unwrap());
        }
        lists.awards.reserve(8);
        let before = lists.clone();
        assert!(lists.family.capacity() > 3);
        lists.fit();
        assert_eq!(lists, before);
        assert_eq!((lists.family.capacity(), lists.awards.capacity(), lists.events.capacity()), (3, 0, 0));
    }

    #[test]
    fn ipc_codes_are_added_once_each_in_order() {
        let code = |c: &str| crate::rules::ipc::parse_ipc(c).unwrap();
        let mut p = Patent { ipc: Box::new([code("G06N 3/08")]), ..Patent::default() };
        assert_eq!(p.add_ipc([code("G06N 3/08")]), 0);
        assert_eq!(p.add_ipc([code("A47J 27/00"), code("G06N 3/08"), code("A47J 27/00"), code("H01M 4/00")]), 2);
        assert_eq!(&*p.ipc, &[code("G06N 3/08"), code("A47J 27/00"), code("H01M 4/00")]);
    }

    #[test]
    fn a_source_is_twelve_bytes() {
        let at = SourceRef { file: 3, line: u64::MAX };
        assert_eq!((at.file, at.line, std::mem::size_of::<SourceRef>()), (3, u64::MAX, 12));
    }
}
