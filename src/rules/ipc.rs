//! IPC codes: every spelling found in exports to one canonical code, and the
//! hierarchy levels (main group, subclass, class) that concordance entries match.

use std::fmt;

/// The longest key: a 4-character subclass, a 4-digit main group, `/` and 6 subgroup digits.
const KEY_MAX: usize = 15;

/// A canonical IPC code, stored inline as its compact key (`G06N3/08`, `G06N`, `G16`):
/// no heap allocation, so patents carry codes and the concordance looks them up cheaply.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipc {
    key: [u8; KEY_MAX],
    len: u8,
}

impl fmt::Debug for Ipc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ipc({})", self.key())
    }
}

/// Why an IPC spelling could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IPC code: {0:?}")]
pub struct IpcError(pub String);

impl Ipc {
    fn from_key(key: &str) -> Ipc {
        let mut bytes = [0u8; KEY_MAX];
        bytes[..key.len()].copy_from_slice(key.as_bytes());
        Ipc { key: bytes, len: key.len() as u8 }
    }

    fn from_parts(subclass: &str, main: &str, sub: &str) -> Ipc {
        let mut ipc = Ipc::from_key(subclass);
        if !main.is_empty() {
            for part in [main, "/", sub] {
                let at = ipc.len as usize;
                ipc.key[at..at + part.len()].copy_from_slice(part.as_bytes());
                ipc.len += part.len() as u8;
            }
        }
        ipc
    }

    /// The compact key used by the concordance table: `G06N3/08`, `G06N3/00`, `G06N`, `G16`.
    pub fn key(&self) -> &str {
        // SAFETY: `key` only ever holds whole `&str`s copied one after another
        // (`from_key`, `from_parts`), so its first `len` bytes are UTF-8. Checking
        // them again was a twentieth of the instructions of scoring a patent.
        unsafe { std::str::from_utf8_unchecked(&self.key[..self.len as usize]) }
    }

    /// Section + class + subclass (`G06N`), or a bare class (`G16`).
    pub fn subclass(&self) -> &str {
        let key = self.key();
        &key[..key.len().min(if key.as_bytes().get(3).is_some_and(u8::is_ascii_uppercase) { 4 } else { 3 })]
    }

    /// Main group and subgroup (`3`, `08`), when the code has them.
    fn group(&self) -> Option<(&str, &str)> {
        let rest = &self.key()[self.subclass().len()..];
        let slash = rest.bytes().position(|b| b == b'/')?;
        Some((&rest[..slash], &rest[slash + 1..]))
    }

    /// Whether this is a CPC indexing code (main group 2000 and above, `G06F 2203/04808`):
    /// such codes have no place in the IPC and never match the concordance.
    pub fn is_cpc_indexing(&self) -> bool {
        self.group().and_then(|(main, _)| main.parse::<u32>().ok()).is_some_and(|main| main >= 2000)
    }

    /// This code and every level above it, most specific first
    /// (the code, its main group, its subclass, its class).
    pub fn lookup_keys(&self) -> impl Iterator<Item = Ipc> {
        let subclass = self.subclass();
        let mut keys = [None; 4];
        if let Some((main, sub)) = self.group() {
            keys[0] = Some(*self);
            if sub != "00" {
                keys[1] = Some(Ipc::from_parts(subclass, main, "00"));
            }
        }
        if subclass.len() == 4 {
            keys[2] = Some(Ipc::from_key(subclass));
        }
        keys[3] = Some(Ipc::from_key(&subclass[..3]));
        keys.into_iter().flatten()
    }
}

impl Ipc {
    /// The code as [`Display`](fmt::Display) writes it (`G06N 3/08`), at the end of `out`.
    pub fn write_to(&self, out: &mut String) {
        let subclass = self.subclass();
        out.push_str(subclass);
        if self.group().is_some() {
            out.push(' ');
            out.push_str(&self.key()[subclass.len()..]);
        }
    }
}

impl fmt::Display for Ipc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.group() {
            Some((main, sub)) => write!(f, "{} {main}/{sub}", self.subclass()),
            None => f.write_str(self.subclass()),
        }
    }
}

/// The characters of a code up to a `(`, without whitespace and dashes, upper-cased
/// into `buf`: how many, or `None` at a non-ASCII character or one too many.
fn code_characters(chars: impl Iterator<Item = char>, buf: &mut [u8; 32]) -> Option<usize> {
    let mut len = 0;
    for c in chars {
        if c == '(' {
            break;
        }
        if c.is_whitespace() || c == '-' {
            continue;
        }
        if !c.is_ascii() || len == buf.len() {
            return None;
        }
        buf[len] = c.to_ascii_uppercase() as u8;
        len += 1;
    }
    Some(len)
}

/// The subgroup without its trailing zeros, but two digits at least (`080000` → `08`,
/// `000000` → `00`, `5` → `50`).
fn trim_subgroup(digits: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = digits.trim_end_matches('0');
    match (trimmed.len(), digits.len()) {
        (2.., _) => trimmed.into(),
        // The two first digits: what was trimmed, then zeros.
        (_, 2..) => digits[..2].into(),
        _ => format!("{trimmed:0<2}").into(),
    }
}

fn is_section(b: u8) -> bool {
    (b'A'..=b'H').contains(&b)
}

/// Parse one IPC code: `G06N 3/08`, `G06N3/08`, `G06N0003080000`, Derwent's `G06N000308`,
/// `G06N 3/08 (2006.01)`,
/// lower case, full-width characters, `G06N-003/08`, a bare subclass `G06N` or class `G16`.
pub fn parse_ipc(raw: &str) -> Result<Ipc, IpcError> {
    if let Some(ipc) = canonical_code(raw.as_bytes()) {
        return Ok(ipc);
    }
    let err = || IpcError(raw.trim().to_string());
    // The code's characters, upper-cased, without spaces and dashes, up to a `(`: on
    // the stack, since every valid code is short ASCII.
    let mut buf = [0u8; 32];
    let folded = crate::rules::text::fold_width(raw);
    // ASCII text (nearly every code) is read byte by byte.
    let kept = match folded.is_ascii() {
        true => code_characters(folded.bytes().map(char::from), &mut buf),
        false => code_characters(folded.chars(), &mut buf),
    };
    let Some(len) = kept else { return Err(err()) };
    // SAFETY: every byte pushed above is an ASCII character's (non-ASCII returns an
    // error), so the bytes are UTF-8; checking them again cost a tenth of the parse.
    let s = unsafe { std::str::from_utf8_unchecked(&buf[..len]) };
    let b = s.as_bytes();
    if b.len() < 3 || !is_section(b[0]) || !b[1].is_ascii_digit() || !b[2].is_ascii_digit() {
        return Err(err());
    }
    if b.len() == 3 {
        return Ok(Ipc::from_key(s));
    }
    if !b[3].is_ascii_uppercase() {
        return Err(err());
    }
    let (subclass, rest) = s.split_at(4);
    if rest.is_empty() {
        return Ok(Ipc::from_key(subclass));
    }
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let slash = rest.bytes().position(|b| b == b'/').map(|at| (&rest[..at], &rest[at + 1..]));
    let (main, sub) = match slash {
        Some((m, g)) if all_digits(m) && all_digits(g) && m.len() <= 4 && g.len() <= 6 => (m, g),
        // The compact forms: four digits of main group, then the subgroup (`G06N0003080000`;
        // Derwent's `G07G000100` = `G07G 1/00`).
        None if (6..=10).contains(&rest.len()) && all_digits(rest) => (&rest[..4], &rest[4..]),
        _ => return Err(err()),
    };
    let main = main.trim_start_matches('0');
    if main.is_empty() {
        return Err(err());
    }
    Ok(Ipc::from_parts(subclass, main, &trim_subgroup(sub)))
}

/// A code written as the IPC writes it, as most cells do (`A47C 7/00`, `G06N3/08`,
/// `H01L 21/027`): section, class, subclass, perhaps a space, a main group without
/// leading zeros, `/`, a subgroup of two digits or more without trailing zeros. Then
/// [`parse_ipc`]'s general clean-up would change nothing but drop the space, so it is
/// skipped: the code's key, read straight from the bytes.
fn canonical_code(b: &[u8]) -> Option<Ipc> {
    let [section, c1, c2, subclass, rest @ ..] = b else { return None };
    if !is_section(*section) || !c1.is_ascii_digit() || !c2.is_ascii_digit() || !subclass.is_ascii_uppercase() {
        return None;
    }
    let group = rest.strip_prefix(b" ").unwrap_or(rest);
    let slash = group.iter().position(|&c| c == b'/')?;
    let (main, sub) = (&group[..slash], &group[slash + 1..]);
    let digits = |t: &[u8]| t.iter().all(u8::is_ascii_digit);
    let main_ok = (1..=4).contains(&main.len()) && main[0] != b'0' && digits(main);
    let sub_ok = (2..=6).contains(&sub.len()) && digits(sub) && (sub.len() == 2 || sub[sub.len() - 1] != b'0');
    if !main_ok || !sub_ok {
        return None;
    }
    let mut key = [0u8; KEY_MAX];
    key[..4].copy_from_slice(&b[..4]);
    key[4..4 + main.len()].copy_from_slice(main);
    key[4 + main.len()] = b'/';
    key[5 + main.len()..5 + main.len() + sub.len()].copy_from_slice(sub);
    Some(Ipc { key, len: (5 + main.len() + sub.len()) as u8 })
}

/// The codes of a classification cell as scrapers and databases write it: a `;`, `,`
/// or `|` list, a JSON array (`["G06F11/2257", "G06N5/01"]`) or a Python list
/// literal (`['G06F11/2257', 'G06N5/01']`).
pub fn split_class_list(cell: &str) -> impl Iterator<Item = &str> {
    let t = cell.trim();
    let inner = t.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(t);
    inner
        .split([',', ';', '|', '；', '，', '\n'])
        .map(|c| c.trim().trim_matches(['\'', '"']).trim())
        .filter(|c| !c.is_empty() && !crate::rules::text::is_empty_marker(c))
}

/// Whether `raw` is a CPC-only class (`Y02E 10/50`, `Y10S`): section Y, which the IPC
/// does not have. Readable, but never in the concordance.
pub fn is_cpc_only_section(raw: &str) -> bool {
    let folded = crate::rules::text::fold_width(raw.trim());
    let b = folded.as_bytes();
    b.len() >= 3 && b[0].eq_ignore_ascii_case(&b'Y') && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes written as the IPC writes them skip the general clean-up: they must read
    /// as it reads them, and every other spelling must be left to it.
    #[test]
    fn canonical_codes_read_as_the_general_path_reads_them() {
        let general = |raw: &str| {
            let mut buf = [0u8; 32];
            let len = code_characters(raw.chars(), &mut buf).expect("ASCII");
            let s = std::str::from_utf8(&buf[..len]).expect("ASCII");
            let (subclass, rest) = s.split_at(4);
            let (main, sub) = rest.split_once('/').expect("a slash");
            Ipc::from_parts(subclass, main.trim_start_matches('0'), &trim_subgroup(sub))
        };
        for raw in ["A47C 7/00", "G06N3/08", "H01L 21/027", "G06F 16/9535", "B43K 5/00", "C12N 15/113", "A61K 9/1234"] {
            assert_eq!(canonical_code(raw.as_bytes()), Some(general(raw)), "{raw}");
            assert_eq!(parse_ipc(raw), Ok(general(raw)), "{raw}");
        }
        let others = [
            "G06N 3/080",
            "G06N 03/08",
            "G06N 0/08",
            "G06N  3/08",
            "g06n 3/08",
            "G06N 3/8",
            "G06N 3/08 (2006.01)",
            "G06N0003080000",
            "G06N",
            "G16",
            "Z06N 3/08",
            "G06N 12345/08",
            "G06N 3/1234567",
            "G06N 3/08 ",
            "G06N-3/08",
        ];
        for raw in others {
            assert_eq!(canonical_code(raw.as_bytes()), None, "{raw}");
        }
    }

    #[test]
    fn class_cells_in_every_list_syntax() {
        let want = ["G06F11/2257", "G06N5/01"];
        for cell in [
            "['G06F11/2257', 'G06N5/01']",
            "[\"G06F11/2257\", \"G06N5/01\"]",
            "G06F11/2257; G06N5/01",
            "G06F11/2257 | G06N5/01",
            "G06F11/2257,G06N5/01",
        ] {
            assert_eq!(split_class_list(cell).collect::<Vec<_>>(), want, "{cell}");
        }
        assert_eq!(split_class_list("[]").count(), 0);
        assert_eq!(split_class_list("").count(), 0);
    }

    #[test]
    fn cpc_only_classes_are_told_apart() {
        assert!(parse_ipc("G06F 2203/04808").unwrap().is_cpc_indexing());
        assert!(parse_ipc("A61K2300/00").unwrap().is_cpc_indexing());
        assert!(!parse_ipc("G06F 11/2257").unwrap().is_cpc_indexing());
        assert!(!parse_ipc("G06N").unwrap().is_cpc_indexing());
        assert_eq!(parse_ipc("G06F11/2257").unwrap().to_string(), "G06F 11/2257");
        for y in ["Y02E 10/50", "Y02A40/90", "y10s 128/00", "Y04S"] {
            assert!(is_cpc_only_section(y), "{y}");
            assert!(parse_ipc(y).is_err(), "{y}");
        }
        assert!(!is_cpc_only_section("G06N 3/08") && !is_cpc_only_section("Y"));
    }

    #[test]
    fn spellings_fold_to_one_code() {
        for s in [
            "G06N 3/08",
            "G06N3/08",
            "G06N0003080000",
            "G06N 3/08 (2006.01)",
            "G06N3/08(2023.01)",
            "g06n 3/08",
            "Ｇ０６Ｎ　３／０８",
            "G06N-003/08",
            "G06N 3/080",
            "G06N000308",
            "G06N00030800",
            " G06N  3/08 ",
            // A no-break space (not ASCII: read character by character), a vertical tab.
            "G06N\u{a0}3/08",
            "G06N\u{b}3/08",
        ] {
            let ipc = parse_ipc(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(ipc.to_string(), "G06N 3/08", "{s}");
            assert_eq!(ipc.key(), "G06N3/08", "{s}");
        }
        assert_eq!(parse_ipc("G06N0003046400").unwrap().to_string(), "G06N 3/0464");
        assert_eq!(parse_ipc("H01L 21/00").unwrap().to_string(), "H01L 21/00");
        assert_eq!(parse_ipc("A61K0038000000").unwrap().to_string(), "A61K 38/00");
        assert_eq!(parse_ipc("C09D11/101").unwrap().key(), "C09D11/101");
        // Derwent's compact form: `G07G000100` is G07G 1/00, `G05D000102` G05D 1/02.
        assert_eq!(parse_ipc("G07G000100").unwrap().to_string(), "G07G 1/00");
        assert_eq!(parse_ipc("G05D000102").unwrap().to_string(), "G05D 1/02");
        assert_eq!(parse_ipc("G06F0016583").unwrap().to_string(), "G06F 16/583");
        assert_eq!(parse_ipc("G06F001730").unwrap().to_string(), "G06F 17/30");
        // Too short to hold a main group and a subgroup, or a main group of zero.
        for bad in ["G06F00173", "G06F000000", "G06F0017300000000"] {
            assert!(parse_ipc(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_ipc("B01J 20/10").unwrap().key(), "B01J20/10");
    }

    #[test]
    fn hierarchy_keys() {
        let keys = |s: &str| parse_ipc(s).unwrap().lookup_keys().map(|k| k.key().to_string()).collect::<Vec<_>>();
        assert_eq!(keys("G06N 3/08"), ["G06N3/08", "G06N3/00", "G06N", "G06"]);
        assert_eq!(keys("G06N 3/00"), ["G06N3/00", "G06N", "G06"]);
        assert_eq!(keys("G06N"), ["G06N", "G06"]);
        assert_eq!(keys("G16"), ["G16"]);
        assert_eq!(keys("G06N0003046400"), ["G06N3/0464", "G06N3/00", "G06N", "G06"]);
        assert_eq!(parse_ipc("G06N 3/08").unwrap().subclass(), "G06N");
        assert_eq!(parse_ipc("G16").unwrap().subclass(), "G16");
        assert_eq!(parse_ipc("H01M 10/0525").unwrap().to_string(), "H01M 10/0525");
        for s in ["G06N 3/08", "G06N", "G16", "H01M 10/0525"] {
            let (ipc, mut out) = (parse_ipc(s).unwrap(), String::from(";"));
            ipc.write_to(&mut out);
            assert_eq!(out, format!(";{ipc}"));
        }
        assert_eq!(parse_ipc("A99Z9999/999999").unwrap().key().len(), 15);
    }

    #[test]
    fn garbage_is_an_error() {
        for s in [
            "",
            "X06N 3/08",
            "G6N3/08",
            "G06N 3/",
            "G06N /08",
            "G06N 0/08",
            "G06N 12345/08",
            "G06N3/1234567",
            "发明",
            "G06N3.08",
        ] {
            assert!(parse_ipc(s).is_err(), "{s}");
        }
    }
}
