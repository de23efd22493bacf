//! Institution names: folding spellings to one key, the alias table, and typing
//! names the table does not know by their words (SPEC §4).

use std::collections::HashMap;

use serde::Serialize;

use crate::rules::text::fold_char;
use crate::rules::TableError;

/// Counts are kept in units of 1/720720 (the least common multiple of 1..=16),
/// so fractional counting of up to 16 co-holders is exact and sums are
/// integers, identical whatever the thread count.
pub const UNIT: u64 = 720_720;

/// The type of an institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstitutionType {
    /// 大学, 学院, University…
    University,
    /// 研究院, 研究所, 科学院, Institute…
    Institute,
    /// 公司, Co., Ltd…
    Enterprise,
    /// 医院, Hospital
    Hospital,
    /// A natural person.
    Individual,
    /// Anything else.
    Other,
}

impl InstitutionType {
    /// The label used in tables and the config.
    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionType::University => "university",
            InstitutionType::Institute => "institute",
            InstitutionType::Enterprise => "enterprise",
            InstitutionType::Hospital => "hospital",
            InstitutionType::Individual => "individual",
            InstitutionType::Other => "other",
        }
    }

    /// Parse a label (`university`, `institute`…).
    pub fn parse(label: &str) -> Option<InstitutionType> {
        Some(match label.trim().to_ascii_lowercase().as_str() {
            "university" => InstitutionType::University,
            "institute" => InstitutionType::Institute,
            "enterprise" => InstitutionType::Enterprise,
            "hospital" => InstitutionType::Hospital,
            "individual" => InstitutionType::Individual,
            "other" => InstitutionType::Other,
            _ => return None,
        })
    }
}

/// The folded key of a name: half-width, lower case, without spaces or punctuation.
pub fn fold_name(name: &str) -> String {
    name.chars().map(fold_char).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Company suffixes that follow `, ` inside one English company name
/// (`Samsung Electronics Co., Ltd.`), so a comma before them does not split holders.
const COMPANY_SUFFIXES: &[&str] = &[
    "ltd",
    "ltd.",
    "limited",
    "inc",
    "inc.",
    "co",
    "co.",
    "corp",
    "corp.",
    "corporation",
    "llc",
    "l.l.c.",
    "gmbh",
    "ag",
    "s.a.",
    "sa",
    "s.p.a.",
    "b.v.",
    "n.v.",
    "plc",
    "kg",
    "pte",
    "pty",
    "lp",
    "l.p.",
    "llp",
];

/// Split a holder cell on every separator exports use: `;`, `；`, `;;`, `|`, `｜`, and,
/// when `commas` is set (Google Patents), `, ` except before a company suffix.
/// Parts are trimmed; empty ones and repeats are dropped.
pub fn split_holders(cell: &str, commas: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    };
    for part in cell.split([';', '；', '|', '｜']) {
        if !commas {
            push(part);
            continue;
        }
        let mut current = String::new();
        for piece in part.split(", ") {
            let head = piece.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
            if !current.is_empty() && COMPANY_SUFFIXES.contains(&head.as_str()) {
                current.push_str(", ");
                current.push_str(piece);
            } else {
                push(&current);
                current = piece.to_string();
            }
        }
        push(&current);
    }
    out
}

/// An assignee as Derwent Innovation writes it, without its address and code: the
/// address tail (`清华大学,北京市,100084,CN`, `TSINGHUA UNIV,Beijing,100084,CN`: parts
/// after a comma ending in a two-letter country code) and Derwent's patentee code
/// (`TSINGHUA UNIV (UYQI-C)`: four letters or digits, a dash and a letter) are dropped.
pub fn strip_assignee_tail(name: &str) -> &str {
    let mut name = name.trim();
    let mut parts = name.split([',', '，']);
    let first = parts.next().unwrap_or("").trim_end();
    let country = name.rsplit([',', '，']).next().unwrap_or("").trim();
    let is_country = country.len() == 2 && country.bytes().all(|c| c.is_ascii_uppercase());
    if is_country && parts.count() >= 2 && !first.is_empty() {
        name = first;
    }
    if let Some((head, code)) = name.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        let b = code.as_bytes();
        let is_code = b.len() == 6
            && b[..4].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && b[4] == b'-'
            && b[5].is_ascii_uppercase();
        if is_code && !head.trim().is_empty() {
            name = head.trim_end();
        }
    }
    name
}

/// Type a name that the alias table does not know, by its words.
pub fn type_by_words(name: &str) -> InstitutionType {
    let folded: String = name.chars().map(fold_char).flat_map(char::to_lowercase).collect();
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has_word = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let has = |list: &[&str]| list.iter().any(|w| folded.contains(w));
    if has(&["医院"]) || has_word(&["hospital"]) {
        InstitutionType::Hospital
    } else if has(&["公司", "有限"])
        || has_word(&["co", "ltd", "inc", "corp", "corporation", "gmbh", "llc", "company", "limited", "ag", "sa"])
    {
        InstitutionType::Enterprise
    } else if has(&["大学"])
        || folded.replace("科学院", "").contains("学院")
        || has_word(&["university", "college", "univ"])
    {
        InstitutionType::University
    } else if has(&["研究院", "研究所", "科学院"]) || has_word(&["institute", "academy", "inst", "acad"]) {
        InstitutionType::Institute
    } else {
        InstitutionType::Other
    }
}

/// What a holder name resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    /// The canonical name (official Chinese name for table entries).
    pub name: String,
    /// Its type.
    pub kind: InstitutionType,
    /// The parent university of a campus or graduate school, if any.
    pub parent: Option<String>,
    /// Whether the alias table knew the name.
    pub known: bool,
}

/// The built-in alias table (`data/aliases.csv`).
pub const BUILTIN_ALIASES: &str = include_str!("../../data/aliases.csv");

/// Folded alias → institution.
#[derive(Debug, Default, Clone)]
pub struct AliasTable {
    by_key: HashMap<String, Institution>,
    /// The English aliases by their [`english_words`], for the spellings the table
    /// does not list (`SOUTH UNIV OF SCIENCE AND TECHNOLOGY OF CHINA`); `None` where two
    /// institutions share the words, which then resolve to neither.
    by_words: HashMap<String, Option<Institution>>,
}

/// An English name's words as Derwent, Lens and Google spell them, in any order:
/// upper case, the usual abbreviations (`UNIVERSITY` → `UNIV`, `TECHNOLOGY` → `TECH`,
/// `SCIENCE` → `SCI`, `INSTITUTE` → `INST`, `AND` → `&`…), without `OF`, `THE`, `IN`,
/// `AT`, sorted. `None` for a name that is not English (any non-ASCII letter).
pub fn english_words(name: &str) -> Option<String> {
    if !name.is_ascii() || !name.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let spaced: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '&' { c } else { ' ' }).collect();
    let mut words: Vec<String> = spaced
        .split_whitespace()
        .map(str::to_ascii_uppercase)
        .filter(|w| !matches!(w.as_str(), "OF" | "THE" | "IN" | "AT"))
        .map(|w| {
            let abbreviated = match w.as_str() {
                "UNIVERSITY" | "UNIVERSITIES" => "UNIV",
                "TECHNOLOGY" | "TECHNOLOGICAL" => "TECH",
                "SCIENCE" | "SCIENCES" => "SCI",
                "INSTITUTE" => "INST",
                "ACADEMY" => "ACAD",
                "MEDICINE" | "MEDICAL" => "MED",
                "ENGINEERING" | "ENGN" => "ENG",
                "INTERNATIONAL" => "INT",
                "AND" => "&",
                // Names of places and subjects are kept as they are.
                _ => return w,
            };
            abbreviated.to_string()
        })
        .collect();
    words.sort_unstable();
    Some(words.join(" "))
}

impl AliasTable {
    /// The built-in table.
    pub fn builtin() -> AliasTable {
        let mut t = AliasTable::default();
        // The built-in table is checked by a unit test; a broken build of it would show there.
        let _ = t.add_csv(BUILTIN_ALIASES);
        t
    }

    /// Add (and override with) rows `alias,institution,type[,parent]` from CSV text.
    pub fn add_csv(&mut self, text: &str) -> Result<usize, TableError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers = rdr.headers()?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
        let missing = |name: &str| TableError::Row {
            line: 1,
            message: format!("missing column {name:?} (found: {})", headers.iter().collect::<Vec<_>>().join(", ")),
        };
        let ca = col("alias").ok_or_else(|| missing("alias"))?;
        let ci = col("institution").ok_or_else(|| missing("institution"))?;
        let ct = col("type");
        let cp = col("parent");
        let mut n = 0;
        for rec in rdr.records() {
            let rec = rec?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim().to_string();
            let (alias, name) = (get(Some(ca)), get(Some(ci)));
            if alias.is_empty() || name.is_empty() {
                return Err(TableError::Row { line, message: "empty alias or institution".into() });
            }
            let type_label = get(ct);
            let kind = if type_label.is_empty() {
                type_by_words(&name)
            } else {
                InstitutionType::parse(&type_label)
                    .ok_or_else(|| TableError::Row { line, message: format!("unknown type {type_label:?}") })?
            };
            let parent = Some(get(cp)).filter(|p| !p.is_empty());
            let inst = Institution { name: name.clone(), kind, parent, known: true };
            if let Some(words) = english_words(&alias) {
                let entry = self.by_words.entry(words).or_insert_with(|| Some(inst.clone()));
                if entry.as_ref().is_some_and(|known| known.name != inst.name) {
                    *entry = None;
                }
            }
            self.by_key.insert(fold_name(&name), inst.clone());
            self.by_key.insert(fold_name(&alias), inst);
            n += 1;
        }
        Ok(n)
    }

    /// Resolve a holder name. Unknown names keep their spelling (trimmed, width-folded
    /// spaces collapsed) and are typed by their words.
    pub fn resolve(&self, raw: &str) -> Institution {
        if let Some(i) = self.by_key.get(&fold_name(raw)) {
            return i.clone();
        }
        if let Some(Some(i)) = english_words(raw).and_then(|words| self.by_words.get(&words)) {
            return i.clone();
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        Institution { kind: type_by_words(&name), name, parent: None, known: false }
    }

    /// Resolve a holder name, rolling a campus or graduate school up into its parent
    /// university when `rollup` is set.
    pub fn resolve_with(&self, raw: &str, rollup: bool) -> Institution {
        let inst = self.resolve(raw);
        match (&inst.parent, rollup) {
            (Some(parent), true) => {
                let mut up = self.resolve(parent);
                up.known = true;
                up
            }
            _ => inst,
        }
    }

    /// Number of folded aliases.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_names_resolve_in_every_spelling_of_their_words() {
        let table = AliasTable::builtin();
        let name = |raw: &str| table.resolve(raw).name;
        for raw in
            ["Tsinghua University", "TSINGHUA UNIV", "UNIV TSINGHUA", "University Tsinghua", "THE TSINGHUA UNIVERSITY"]
        {
            assert_eq!(name(raw), "清华大学", "{raw}");
        }
        // A former name, its words spelt otherwise than the table lists them.
        assert_eq!(name("SOUTH UNIV OF SCIENCE AND TECHNOLOGY OF CHINA"), "南方科技大学");
        assert_eq!(name("Univ. of Science & Technology, Southern"), "南方科技大学");
        // Every university of the table resolves as `X University`, `X UNIV` and
        // `UNIV X` from each of its aliases of the form `X UNIV`.
        let (mut checked, mut unresolved) = (0, Vec::new());
        for line in BUILTIN_ALIASES.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let (alias, inst) = (cells[0], cells[1]);
            let Some(x) = alias.strip_suffix(" UNIV").filter(|x| x.is_ascii() && !x.contains(" UNIV")) else {
                continue;
            };
            for raw in [format!("{x} University"), format!("{x} UNIV"), format!("UNIV {x}")] {
                let got = table.resolve(&raw);
                match got.known {
                    true => assert_eq!(got.name, inst, "{raw}"),
                    false => unresolved.push(raw),
                }
                checked += 1;
            }
        }
        assert!(checked > 100 && unresolved.is_empty(), "{checked} checked; unresolved: {unresolved:?}");
        // Words two institutions share resolve to neither; other words are not guessed.
        assert!(!table.resolve("UNIV OF NOWHERE").known);
        assert_eq!(english_words("清华大学"), None);
        assert_eq!(
            english_words("Univ. of Science and Technology Beijing").as_deref(),
            Some("& BEIJING SCI TECH UNIV")
        );
    }

    #[test]
    fn derwent_assignees_lose_their_address_and_code() {
        assert_eq!(strip_assignee_tail("清华大学,北京市,100084,CN"), "清华大学");
        assert_eq!(strip_assignee_tail("TSINGHUA UNIV,Beijing,100084,CN"), "TSINGHUA UNIV");
        assert_eq!(strip_assignee_tail("TSINGHUA UNIV (UYQI-C)"), "TSINGHUA UNIV");
        assert_eq!(strip_assignee_tail(" ZHEJIANG UNIV (UYZH-C) ,Hangzhou,310058,CN"), "ZHEJIANG UNIV");
        // Left as they are: a comma without a country at the end, a company's suffix,
        // a country code alone after one comma, a bracket that is no code.
        for name in ["清华大学", "Huawei Technologies Co., Ltd.", "ACME,CN", "北京大学(深圳)", "X (ABC-D)", "A, B, C"]
        {
            assert_eq!(strip_assignee_tail(name), name.trim(), "{name}");
        }
        // Then the alias table knows them.
        let table = AliasTable::builtin();
        assert_eq!(table.resolve(strip_assignee_tail("TSINGHUA UNIV,Beijing,100084,CN")).name, "清华大学");
    }

    #[test]
    fn folding() {
        assert_eq!(fold_name(" Tsinghua  University "), "tsinghuauniversity");
        assert_eq!(fold_name("TSINGHUA UNIV."), "tsinghuauniv");
        assert_eq!(fold_name("哈尔滨工业大学（深圳）"), fold_name("哈尔滨工业大学(深圳)"));
        assert_eq!(fold_name("清华大学　"), "清华大学");
        assert_eq!(fold_name("ＳＯＵＴＨＥＲＮ UNIV SCI & TECH"), "southernunivscitech");
    }

    #[test]
    fn holder_separators() {
        assert_eq!(split_holders("清华大学;北京大学", false), ["清华大学", "北京大学"]);
        assert_eq!(split_holders("清华大学；北京大学", false), ["清华大学", "北京大学"]);
        assert_eq!(split_holders("UNIV TSINGHUA;;UNIV PEKING", false), ["UNIV TSINGHUA", "UNIV PEKING"]);
        assert_eq!(split_holders("清华大学 | 北京大学｜浙江大学", false), ["清华大学", "北京大学", "浙江大学"]);
        assert_eq!(split_holders(" 清华大学 ;; ;清华大学", false), ["清华大学"]);
        assert_eq!(split_holders("", false), Vec::<String>::new());
        // Without commas on, a comma is part of a name.
        assert_eq!(split_holders("Samsung Electronics Co., Ltd.", false), ["Samsung Electronics Co., Ltd."]);
        assert_eq!(
            split_holders("Samsung Electronics Co., Ltd., Tsinghua University, 浙江大学", true),
            ["Samsung Electronics Co., Ltd.", "Tsinghua University", "浙江大学"]
        );
        assert_eq!(
            split_holders("Google LLC, Acme, Inc., Siemens AG", true),
            ["Google LLC", "Acme, Inc.", "Siemens AG"]
        );
        assert_eq!(split_holders("A, B; C", true), ["A", "B", "C"]);
    }

    #[test]
    fn campuses_roll_up_on_request() {
        let t = AliasTable::builtin();
        let campus = t.resolve_with("哈尔滨工业大学（深圳）", false);
        assert_eq!(
            (campus.name.as_str(), campus.parent.as_deref()),
            ("哈尔滨工业大学（深圳）", Some("哈尔滨工业大学"))
        );
        assert_eq!(t.resolve_with("哈尔滨工业大学(深圳)", true).name, "哈尔滨工业大学");
        assert_eq!(t.resolve_with("清华大学深圳国际研究生院", true).name, "清华大学");
        assert_eq!(t.resolve_with("北京大学深圳研究生院", true).name, "北京大学");
        assert_eq!(t.resolve_with("清华大学", true).name, "清华大学");
        assert_eq!(t.resolve_with("某某公司", true).name, "某某公司");
    }

    #[test]
    fn variant_spellings_resolve_to_the_official_chinese_name() {
        let t = AliasTable::builtin();
        for (variant, name) in [
            ("清华大学 ", "清华大学"),
            ("Tsinghua University", "清华大学"),
            ("TSINGHUA UNIV", "清华大学"),
            ("UNIV TSINGHUA", "清华大学"),
            ("ＴＳＩＮＧＨＵＡ　ＵＮＩＶ", "清华大学"),
            ("ZHEJIANG UNIV", "浙江大学"),
            ("UNIV ZHEJIANG", "浙江大学"),
            ("HARBIN INST TECHNOLOGY", "哈尔滨工业大学"),
            ("Harbin Institute of Technology", "哈尔滨工业大学"),
            ("SOUTHERN UNIV SCI & TECH", "南方科技大学"),
            ("SHANGHAI JIAOTONG UNIV", "上海交通大学"),
            ("UNIV DALIAN TECH", "大连理工大学"),
            ("UNIV BEIHANG", "北京航空航天大学"),
            ("哈尔滨工业大学(深圳)", "哈尔滨工业大学（深圳）"),
        ] {
            let inst = t.resolve(variant);
            assert_eq!(inst.name, name, "{variant}");
            assert!(inst.known, "{variant}");
        }
        assert_eq!(t.resolve("Harbin Institute of Technology").kind, InstitutionType::University);
    }

    #[test]
    fn types_by_words() {
        use InstitutionType::*;
        for (n, t) in [
            ("清华大学", University),
            ("北京理工学院", University),
            ("中国科学院大学", University),
            ("中国科学院深圳先进技术研究院", Institute),
            ("中国科学院", Institute),
            ("中国科学院半导体研究所", Institute),
            ("北京协和医院", Hospital),
            ("北京大学第一医院", Hospital),
            ("华为技术有限公司", Enterprise),
            ("清华大学科技园发展有限公司", Enterprise),
            ("TSINGHUA UNIV", University),
            ("Harbin Institute of Technology", Institute),
            ("Samsung Electronics Co., Ltd.", Enterprise),
            ("Siemens AG", Enterprise),
            ("Acme GmbH", Enterprise),
            ("Massachusetts General Hospital", Hospital),
            ("张伟", Other),
            ("Universal Robots", Other),
        ] {
            assert_eq!(type_by_words(n), t, "{n}");
        }
    }

    #[test]
    fn aliases_resolve_and_user_rows_override() {
        let mut t = AliasTable::default();
        t.add_csv(
            "alias,institution,type\nTSINGHUA UNIV,清华大学,university\nTsinghua University,清华大学,university\n",
        )
        .unwrap();
        for n in ["TSINGHUA UNIV", "tsinghua univ.", "Tsinghua University", "清华大学", " 清华大学 "] {
            assert_eq!(t.resolve(n).name, "清华大学", "{n}");
            assert!(t.resolve(n).known);
        }
        let u = t.resolve("某某科技有限公司");
        assert_eq!((u.name.as_str(), u.kind, u.known), ("某某科技有限公司", InstitutionType::Enterprise, false));
        t.add_csv("alias,institution,type\nTSINGHUA UNIV,清华大学（改）,institute\n").unwrap();
        assert_eq!(t.resolve("TSINGHUA UNIV").name, "清华大学（改）");
        assert!(t.add_csv("alias,institution,type\nX,Y,planet\n").is_err());
        assert!(t.add_csv("name,type\n").is_err());
    }

    #[test]
    fn builtin_table_loads() {
        let mut t = AliasTable::default();
        let n = t.add_csv(BUILTIN_ALIASES).expect("built-in alias table");
        assert!(n > 10);
        assert_eq!(AliasTable::builtin().resolve("ZHEJIANG UNIV").name, "浙江大学");
        assert_eq!(AliasTable::builtin().resolve("Tsinghua University").kind, InstitutionType::University);
    }
}
