//! `hvpat synth`: deterministic, realistic synthetic portfolios of any size in the
//! native layout, for demos and benchmarks. The same `--patents` and `--seed`
//! give the same bytes; rows are streamed, so size is bounded by disk, not memory.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use crate::rules::numbers::check_digit;

/// Arguments of `hvpat synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of patents (portfolio rows).
    #[arg(long, default_value_t = 10_000)]
    pub patents: u64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write portfolio.csv, families.csv, pledges.csv, awards.csv and hvpat.toml into.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Add the quality columns (claims, cited_by, cites; SPEC §12): realistic claims,
    /// skewed citation counts, 5% of cells empty. The other columns stay as without it.
    #[arg(long)]
    pub quality: bool,
}

/// SplitMix64: a small, fast, well-known generator; fixed for the life of the format.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A float in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// An index into `n` items skewed to the first ones (a few institutions hold most patents).
    fn skewed(&mut self, n: usize) -> usize {
        ((n as f64) * self.unit().powi(3)) as usize % n.max(1)
    }
}

const SEI_CODES: &[&str] = &[
    "G06N 3/08",
    "G06F 18/24",
    "G06V 10/82",
    "G06K 9/62",
    "H01L 21/02",
    "H01L 31/18",
    "H10K 50/00",
    "H04W 72/04",
    "C12N 15/11",
    "A61K 38/00",
    "H01M 10/0525",
    "C01B 32/182",
    "G16H 50/20",
    "B64C 39/02",
    "F03D 1/06",
];
const OTHER_CODES: &[&str] =
    &["A47J 27/00", "E04B 1/00", "B65D 81/00", "F16B 5/00", "A63B 21/00", "A47C 7/00", "B43K 5/00", "E06B 3/00"];
const ENTERPRISES: &[&str] = &[
    "华为技术有限公司",
    "比亚迪股份有限公司",
    "深圳市大疆创新科技有限公司",
    "中兴通讯股份有限公司",
    "腾讯科技(深圳)有限公司",
    "宁德时代新能源科技股份有限公司",
    "国家电网有限公司",
    "京东方科技集团股份有限公司",
];
const TITLES: &[&str] = &[
    "一种基于深度学习的图像识别方法",
    "一种锂离子电池正极材料及其制备方法",
    "一种连接结构",
    "一种无线通信资源分配方法",
    "一种生物传感器及检测方法",
];

/// University names of the built-in alias table, in table order.
fn universities() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in crate::rules::institutions::BUILTIN_ALIASES.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if let [_, name, "university", ..] = cells.as_slice() {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

fn date(year: u64, rng: &mut Rng) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

fn create(dir: &Path, name: &str) -> Result<BufWriter<std::fs::File>> {
    let path = dir.join(name);
    Ok(BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?,
    ))
}

/// The output files of a synthetic portfolio.
struct Files {
    portfolio: BufWriter<std::fs::File>,
    families: BufWriter<std::fs::File>,
    pledges: BufWriter<std::fs::File>,
    awards: BufWriter<std::fs::File>,
}

impl Files {
    fn create(dir: &Path, quality: bool) -> Result<Files> {
        let mut files = Files {
            portfolio: create(dir, "portfolio.csv")?,
            families: create(dir, "families.csv")?,
            pledges: create(dir, "pledges.csv")?,
            awards: create(dir, "awards.csv")?,
        };
        writeln!(
            files.portfolio,
            "app_no,pub_no,title,kind,filing_date,grant_date,status,lapse_date,ipc,applicants,holders,family,pledge_amount,awards{}",
            if quality { ",claims,cited_by,cites" } else { "" }
        )?;
        writeln!(files.families, "patent,member")?;
        writeln!(files.pledges, "contract_id,patent,amount_wan,registered_on")?;
        writeln!(files.awards, "patent,award,level,date")?;
        Ok(files)
    }

    fn flush(self) -> Result<()> {
        for mut w in [self.portfolio, self.families, self.pledges, self.awards] {
            w.flush()?;
        }
        Ok(())
    }
}

/// Grant date, status and lapse date of an application filed in `year`.
fn legal_state(year: u64, type_digit: u64, rng: &mut Rng) -> (bool, String, &'static str, String) {
    let granted = type_digit != 1 || rng.chance(0.6);
    let grant_year = (year + 1 + rng.below(4)).min(2026);
    let grant = if granted { date(grant_year, rng) } else { String::new() };
    let (status, lapse) = if !granted {
        (if rng.chance(0.7) { "审中" } else { "驳回" }, String::new())
    } else if rng.chance(0.35) {
        let lapse_year = (grant_year + 1 + rng.below(10)).min(2026);
        ("失效", if rng.chance(0.6) { date(lapse_year, rng) } else { String::new() })
    } else {
        ("有效", String::new())
    };
    (granted, grant, status, lapse)
}

/// IPC codes: none for designs, an SEI code and another for 45% of the rest.
fn ipc_codes(type_digit: u64, rng: &mut Rng) -> String {
    if type_digit == 3 {
        String::new()
    } else if rng.chance(0.45) {
        format!(
            "{};{}",
            SEI_CODES[rng.below(SEI_CODES.len() as u64) as usize],
            OTHER_CODES[rng.below(OTHER_CODES.len() as u64) as usize]
        )
    } else {
        OTHER_CODES[rng.below(OTHER_CODES.len() as u64) as usize].to_string()
    }
}

/// One to three holders, mostly universities (the larger ones more often).
fn holder_list(universities: &[String], rng: &mut Rng) -> String {
    let mut holders: Vec<&str> = Vec::new();
    let holder_count = if rng.chance(0.12) { 2 + rng.below(2) } else { 1 };
    for _ in 0..holder_count {
        let name = if rng.chance(0.8) {
            universities[rng.skewed(universities.len())].as_str()
        } else {
            ENTERPRISES[rng.below(ENTERPRISES.len() as u64) as usize]
        };
        if !holders.contains(&name) {
            holders.push(name);
        }
    }
    holders.join(";")
}

/// The quality cells of patent `i` (`,claims,cited_by,cites`), from a generator of
/// their own so that the other columns stay as a run without them writes them: claims
/// mostly 5–20, forward citations skewed (half 0 or 1, a few hundred at the top),
/// backward citations 0–15; 5% of cells empty (unknown).
fn quality_cells(seed: u64, i: u64) -> String {
    let mut q = Rng(seed ^ 0x7175_616c_6974_7900 ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let claims = if q.chance(0.1) { 20 + q.below(21) } else { 5 + q.below(16) };
    let cited_by = ((1.0 / (1.0 - q.unit())).powf(0.8) - 1.0).floor().min(2_000.0) as u64;
    let cites = q.below(16);
    let mut cells = String::new();
    for value in [claims, cited_by, cites] {
        cells.push(',');
        if !q.chance(0.05) {
            cells.push_str(&value.to_string());
        }
    }
    cells
}

/// A publication number whose kind code follows the type and the grant.
fn publication(i: u64, granted: bool, type_digit: u64) -> String {
    let kind = if granted && type_digit == 1 {
        "B"
    } else if type_digit == 1 {
        "A"
    } else if type_digit == 2 {
        "U"
    } else {
        "S"
    };
    format!("CN{}{kind}", 100_000_000 + i % 900_000_000)
}

/// Overseas family members for 8% of inventions.
fn write_family(files: &mut Files, app: &str, rng: &mut Rng) -> Result<()> {
    for _ in 0..1 + rng.below(3) {
        let office = ["US", "EP", "JP", "KR", "WO", "DE"][rng.below(6) as usize];
        let kind = if office == "WO" {
            "A1"
        } else if rng.chance(0.5) {
            "B2"
        } else {
            "A1"
        };
        writeln!(files.families, "{app},{office}{}{kind}", 10_000_000 + rng.below(9_000_000))?;
    }
    Ok(())
}

/// An award (national or provincial) for 0.3% of inventions.
fn write_award(files: &mut Files, app: &str, rng: &mut Rng) -> Result<()> {
    let (award, level) =
        [("中国专利奖", "金奖"), ("中国专利奖", "优秀奖"), ("国家技术发明奖", "二等奖"), ("广东省专利奖", "金奖")]
            [rng.below(4) as usize];
    writeln!(files.awards, "{app},{award},{level},{}", 2010 + rng.below(16))?;
    Ok(())
}

/// A pledge contract over one to five of the latest patents.
fn write_pledge(files: &mut Files, contract: u64, recent: &[String], rng: &mut Rng) -> Result<()> {
    let covered = 1 + rng.below(recent.len() as u64) as usize;
    let amount = 100 + rng.below(4900);
    let registered = if rng.chance(0.1) { String::new() } else { date(2015 + rng.below(12), rng) };
    for patent in &recent[recent.len() - covered..] {
        writeln!(files.pledges, "P{contract:08},{patent},{amount},{registered}")?;
    }
    Ok(())
}

/// Write the synthetic portfolio.
pub fn run(args: SynthArgs) -> Result<()> {
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = Rng(args.seed ^ 0x6876_7061_7400_0000);
    let universities = universities();
    let mut files = Files::create(&args.out, args.quality)?;
    let mut serials = vec![[0u64; 10]; 30];
    let mut recent: Vec<String> = Vec::with_capacity(8);
    let mut contracts = 0u64;
    for i in 0..args.patents {
        // Filing years 1998–2025, more recent ones more often.
        let year = 2025 - (27.0 * rng.unit().powi(2)) as u64;
        let type_digit = match rng.below(100) {
            0..=84 => 1,
            85..=94 => 2,
            _ => 3,
        };
        let serial = &mut serials[(year - 1998) as usize][type_digit as usize];
        *serial += 1;
        let digits = format!("{year}{type_digit}{:07}", *serial);
        let app = format!("{digits}.{}", check_digit(&digits).unwrap_or('0'));
        let kind = ["", "发明", "实用新型", "外观设计"][type_digit as usize];
        let (granted, grant, status, lapse) = legal_state(year, type_digit, &mut rng);
        let ipc = ipc_codes(type_digit, &mut rng);
        let holders = holder_list(&universities, &mut rng);
        let pub_no = publication(i, granted, type_digit);
        let title = TITLES[rng.below(TITLES.len() as u64) as usize];
        let filed = date(year, &mut rng);
        writeln!(
            files.portfolio,
            "{app},{pub_no},{title},{kind},{filed},{grant},{status},{lapse},{ipc},{holders},{holders},,,{}",
            if args.quality { quality_cells(args.seed, i) } else { String::new() }
        )?;
        if type_digit == 1 && rng.chance(0.08) {
            write_family(&mut files, &app, &mut rng)?;
        }
        if type_digit == 1 && rng.chance(0.003) {
            write_award(&mut files, &app, &mut rng)?;
        }
        recent.push(app);
        if recent.len() > 5 {
            recent.remove(0);
        }
        if rng.chance(0.005) {
            contracts += 1;
            write_pledge(&mut files, contracts, &recent, &mut rng)?;
        }
    }
    files.flush()?;
    std::fs::write(
        args.out.join("hvpat.toml"),
        format!(
            "# Synthetic portfolio: hvpat synth --patents {} --seed {}\nportfolio = [\"portfolio.csv\"]\nfamilies = \"families.csv\"\npledges = \"pledges.csv\"\nawards = \"awards.csv\"\nyear = 2025\nout = \"hvpat-out\"\n",
            args.patents, args.seed
        ),
    )?;
    crate::cli::print_err(&format!("hvpat: wrote {} patents into {}", args.patents, args.out.display()));
    Ok(())
}
