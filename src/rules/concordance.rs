//! The IPC ↔ strategic-emerging-industry concordance (SPEC §1, D1): a direct
//! lookup from an IPC key at each hierarchy level to the SEI categories it maps to.

use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::rules::ipc::{parse_ipc, Ipc};
use crate::rules::TableError;

/// One SEI category a concordance row maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeiCategory {
    /// The category code, e.g. `1.5`.
    pub code: String,
    /// The category name, e.g. `人工智能`.
    pub name: String,
}

impl SeiCategory {
    /// The industry (1–9) the category belongs to: the part of the code before the dot.
    pub fn industry(&self) -> Option<u8> {
        self.code.split('.').next()?.parse().ok().filter(|i| (1..=9).contains(i))
    }
}

/// The built-in concordance table (see `data/NOTICE-concordance.md`).
pub const BUILTIN_TABLE: &str = include_str!("../../data/concordance.csv");

/// A loaded concordance.
#[derive(Debug, Default)]
pub struct Concordance {
    by_key: FxHashMap<Ipc, Vec<usize>>,
    categories: Vec<SeiCategory>,
    rows: usize,
    /// The categories each code of a run reaches, level after level, as
    /// [`Concordance::reached_by`] finds them ([`Concordance::remember`]): one lookup
    /// a code instead of one a hierarchy level.
    remembered: OnceLock<FxHashMap<Ipc, Box<[u32]>>>,
}

/// A match of one patent IPC code against the concordance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeiMatch<'a> {
    /// The patent's code that matched.
    pub ipc: &'a Ipc,
    /// The category it maps to.
    pub category: &'a SeiCategory,
    /// The category's index in the table (see [`Concordance::category`]).
    pub index: usize,
}

impl Concordance {
    /// Load a table with columns `ipc,sei_code,sei_name[,legacy]` from CSV text.
    pub fn from_csv(text: &str) -> Result<Concordance, TableError> {
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = rdr.headers()?.clone();
        let col = |name: &str| {
            headers.iter().position(|h| h.trim() == name).ok_or_else(|| TableError::Row {
                line: 1,
                message: format!("missing column {name:?} (found: {})", headers.iter().collect::<Vec<_>>().join(", ")),
            })
        };
        let (ci, cc, cn) = (col("ipc")?, col("sei_code")?, col("sei_name")?);
        let mut table = Concordance::default();
        let mut category_index: HashMap<(String, String), usize> = HashMap::new();
        for rec in rdr.records() {
            let rec = rec?;
            let line = rec.position().map_or(0, |p| p.line());
            let field = |i: usize| rec.get(i).unwrap_or("").trim();
            let ipc = parse_ipc(field(ci)).map_err(|e| TableError::Row { line, message: e.to_string() })?;
            let (code, name) = (field(cc).to_string(), field(cn).to_string());
            if code.is_empty() {
                return Err(TableError::Row { line, message: "empty sei_code".into() });
            }
            let next = table.categories.len();
            let idx = *category_index.entry((code.clone(), name.clone())).or_insert(next);
            if idx == next {
                table.categories.push(SeiCategory { code, name });
            }
            let entry = table.by_key.entry(ipc).or_default();
            if !entry.contains(&idx) {
                entry.push(idx);
            }
            table.rows += 1;
        }
        Ok(table)
    }

    /// The built-in table.
    pub fn builtin() -> Concordance {
        Concordance::from_csv(BUILTIN_TABLE).unwrap_or_default()
    }

    /// The category at `index` (an index from a [`SeiMatch`]).
    pub fn category(&self, index: usize) -> &SeiCategory {
        &self.categories[index]
    }

    /// Number of rows loaded.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Every category that any of `codes` maps to, one match per category (the first
    /// code in the patent's order that reaches it), sorted by category code.
    pub fn match_codes<'a>(&'a self, codes: &'a [Ipc]) -> Vec<SeiMatch<'a>> {
        let mut found: Vec<SeiMatch<'a>> = Vec::new();
        let mut add = |ipc: &'a Ipc, idx: usize| {
            let category = &self.categories[idx];
            if !found.iter().any(|m| m.category.code == category.code) {
                found.push(SeiMatch { ipc, category, index: idx });
            }
        };
        for ipc in codes {
            match self.remembered.get().and_then(|reached| reached.get(ipc)) {
                Some(reached) => reached.iter().for_each(|&idx| add(ipc, idx as usize)),
                None => self.reached_by(ipc).for_each(|idx| add(ipc, idx)),
            }
        }
        found.sort_by(|a, b| a.category.code.cmp(&b.category.code));
        found
    }

    /// The categories `ipc` reaches, its own key first, then each level above it,
    /// each level's in table order.
    fn reached_by(&self, ipc: &Ipc) -> impl Iterator<Item = usize> + '_ {
        ipc.lookup_keys().flat_map(|key| self.by_key.get(&key).map(Vec::as_slice).unwrap_or(&[]).iter().copied())
    }

    /// Look up once what each of a run's `codes` reaches, for [`Concordance::match_codes`]
    /// to read; a table remembers the codes of the first run it is given (it is one
    /// run's table), and looks up any other code level by level, to the same matches.
    pub fn remember(&self, codes: FxHashSet<Ipc>) {
        let reached = || codes.iter().map(|ipc| (*ipc, self.reached_by(ipc).map(|idx| idx as u32).collect())).collect();
        self.remembered.get_or_init(reached);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<Ipc> {
        list.iter().map(|s| parse_ipc(s).unwrap()).collect()
    }

    fn matched(table: &Concordance, list: &[&str]) -> Vec<String> {
        let c = codes(list);
        table.match_codes(&c).iter().map(|m| format!("{} → {} {}", m.ipc, m.category.code, m.category.name)).collect()
    }

    #[test]
    fn remembered_codes_match_as_looked_up_level_by_level() {
        let text = "ipc,sei_code,sei_name\nC09D11/101,3.6,前沿新材料\nC09D11/00,3.4,先进无机非金属材料\nC09D,3.6,前沿新材料\nC09D,1.3,新兴软件和新型信息技术服务\nG16,1.3,新兴软件和新型信息技术服务\n";
        let lists: [&[&str]; 4] = [
            &["C09D 11/101", "G16H 50/20"],
            &["G16H 50/20", "C09D 11/101"],
            &["A47J 27/00", "C09D 11/102", "C09D 5/00"],
            &["C09D 11/101", "C09D 11/101"],
        ];
        let fresh = Concordance::from_csv(text).unwrap();
        let looked_up: Vec<Vec<String>> = lists.iter().map(|l| matched(&fresh, l)).collect();
        // The first code in the patent's order that reaches a category is its match.
        assert_eq!(
            looked_up[0],
            [
                "C09D 11/101 → 1.3 新兴软件和新型信息技术服务",
                "C09D 11/101 → 3.4 先进无机非金属材料",
                "C09D 11/101 → 3.6 前沿新材料"
            ]
        );
        assert_eq!(
            looked_up[1],
            [
                "G16H 50/20 → 1.3 新兴软件和新型信息技术服务",
                "C09D 11/101 → 3.4 先进无机非金属材料",
                "C09D 11/101 → 3.6 前沿新材料"
            ]
        );
        // Remembering some of the codes (C09D 5/00 is left to the lookup) changes no match.
        let remembering = Concordance::from_csv(text).unwrap();
        remembering.remember(codes(&["C09D 11/101", "G16H 50/20", "A47J 27/00", "C09D 11/102"]).into_iter().collect());
        let remembered: Vec<Vec<String>> = lists.iter().map(|l| matched(&remembering, l)).collect();
        assert_eq!(remembered, looked_up);
        // A second run's codes are looked up level by level, to the same matches.
        remembering.remember(codes(&["C09D 5/00"]).into_iter().collect());
        assert_eq!(
            matched(&remembering, &["C09D 5/00"]),
            ["C09D 5/00 → 1.3 新兴软件和新型信息技术服务", "C09D 5/00 → 3.6 前沿新材料"]
        );
    }

    #[test]
    fn each_hierarchy_level_matches() {
        let t = Concordance::from_csv(
            "ipc,sei_code,sei_name\nC09D11/101,3.6,前沿新材料\nC09D1/00,3.4,先进无机非金属材料\nA01B,4.3,生物农业及相关产业\nG16,1.3,新兴软件和新型信息技术服务\n",
        )
        .unwrap();
        assert_eq!(matched(&t, &["C09D 11/101"]), ["C09D 11/101 → 3.6 前沿新材料"]);
        assert_eq!(matched(&t, &["C09D 11/102"]), Vec::<String>::new());
        assert_eq!(matched(&t, &["C09D 1/02"]), ["C09D 1/02 → 3.4 先进无机非金属材料"]);
        assert_eq!(matched(&t, &["A01B 1/02"]), ["A01B 1/02 → 4.3 生物农业及相关产业"]);
        assert_eq!(matched(&t, &["G16H 50/20"]), ["G16H 50/20 → 1.3 新兴软件和新型信息技术服务"]);
        assert_eq!(matched(&t, &["A47J 27/00"]), Vec::<String>::new());
        assert_eq!(
            matched(&t, &["A47J 27/00", "G16H 10/60", "A01B 3/00"]),
            ["G16H 10/60 → 1.3 新兴软件和新型信息技术服务", "A01B 3/00 → 4.3 生物农业及相关产业"]
        );
    }

    #[test]
    fn builtin_table_has_the_reference_rows_and_legacy_rows() {
        let t = Concordance::builtin();
        assert!(t.len() > 34_000, "{}", t.len());
        assert_eq!(matched(&t, &["A01B 1/02"]).len(), 1);
        // The subclass G06N is listed under 1.4, its main group G06N 3/00 under 1.5.
        assert_eq!(
            matched(&t, &["G06N 3/08"]),
            ["G06N 3/08 → 1.4 互联网与云计算、大数据服务", "G06N 3/08 → 1.5 人工智能"]
        );
        assert_eq!(matched(&t, &["H01L 21/02"]), ["H01L 21/02 → 1.2 电子核心产业"]);
        assert_eq!(matched(&t, &["H01L 31/18"]), ["H01L 31/18 → 1.2 电子核心产业", "H01L 31/18 → 6.3 太阳能产业"]);
        assert_eq!(matched(&t, &["H10F 10/14"]), ["H10F 10/14 → 1.2 电子核心产业", "H10F 10/14 → 6.3 太阳能产业"]);
        assert_eq!(matched(&t, &["H10K 50/00"]), ["H10K 50/00 → 1.2 电子核心产业"]);
        assert_eq!(matched(&t, &["G06K 9/62"]), ["G06K 9/62 → 1.5 人工智能"]);
        assert_eq!(matched(&t, &["G06V 10/82"]), ["G06V 10/82 → 1.5 人工智能"]);
        assert!(matched(&t, &["A47J 27/00"]).is_empty());
    }

    #[test]
    fn bad_table_names_the_line() {
        let e = Concordance::from_csv("ipc,sei_code,sei_name\nG06N3/08,1.5,人工智能\nnonsense,1.5,x\n").unwrap_err();
        assert!(e.to_string().starts_with("line 3:"), "{e}");
        assert!(Concordance::from_csv("code,name\n").is_err());
    }
}
