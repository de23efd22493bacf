//! IPC codes: every spelling found in exports to one canonical code, and the
//! hierarchy levels (main group, subclass, class) that concordance entries match.

use std::fmt;

/// A canonical IPC code. `main` and `sub` are empty for a bare subclass.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipc {
    /// Section + class + subclass, e.g. `G06N` (or a bare class `G16`, 3 characters).
    pub subclass: String,
    /// Main group number without leading zeros, e.g. `3`.
    pub main: String,
    /// Subgroup digits, at least two, trailing zeros beyond two trimmed, e.g. `08`, `0464`.
    pub sub: String,
}

/// Why an IPC spelling could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IPC code: {0:?}")]
pub struct IpcError(pub String);

impl Ipc {
    /// The compact key used by the concordance table: `G06N3/08`, `G06N3/00`, `G06N`, `G16`.
    pub fn key(&self) -> String {
        if self.main.is_empty() {
            self.subclass.clone()
        } else {
            format!("{}{}/{}", self.subclass, self.main, self.sub)
        }
    }

    /// Keys of this code and every level above it, most specific first
    /// (the code, its main group, its subclass, its class).
    pub fn lookup_keys(&self) -> Vec<String> {
        let mut keys = Vec::with_capacity(4);
        if !self.main.is_empty() {
            keys.push(self.key());
            if self.sub != "00" {
                keys.push(format!("{}{}/00", self.subclass, self.main));
            }
        }
        if self.subclass.len() == 4 {
            keys.push(self.subclass.clone());
        }
        keys.push(self.subclass[..3].to_string());
        keys
    }
}

impl fmt::Display for Ipc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.main.is_empty() {
            f.write_str(&self.subclass)
        } else {
            write!(f, "{} {}/{}", self.subclass, self.main, self.sub)
        }
    }
}

fn trim_subgroup(digits: &str) -> String {
    let trimmed = digits.trim_end_matches('0');
    if trimmed.len() >= 2 {
        trimmed.to_string()
    } else {
        format!("{trimmed:0<2}")
    }
}

fn is_section(b: u8) -> bool {
    (b'A'..=b'H').contains(&b)
}

/// Parse one IPC code: `G06N 3/08`, `G06N3/08`, `G06N0003080000`, `G06N 3/08 (2006.01)`,
/// lower case, full-width characters, `G06N-003/08`, a bare subclass `G06N` or class `G16`.
pub fn parse_ipc(raw: &str) -> Result<Ipc, IpcError> {
    let err = || IpcError(raw.trim().to_string());
    let folded = crate::rules::text::fold_width(raw).to_ascii_uppercase();
    let head = folded.split('(').next().unwrap_or("");
    let s: String = head.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let b = s.as_bytes();
    if b.len() < 3 || !is_section(b[0]) || !b[1].is_ascii_digit() || !b[2].is_ascii_digit() {
        return Err(err());
    }
    if b.len() == 3 {
        return Ok(Ipc { subclass: s, main: String::new(), sub: String::new() });
    }
    if !b[3].is_ascii_uppercase() {
        return Err(err());
    }
    let subclass = s[..4].to_string();
    let rest = &s[4..];
    if rest.is_empty() {
        return Ok(Ipc { subclass, main: String::new(), sub: String::new() });
    }
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let (main, sub) = match rest.split_once('/') {
        Some((m, g)) if all_digits(m) && all_digits(g) && m.len() <= 4 && g.len() <= 6 => (m, g),
        None if rest.len() == 10 && all_digits(rest) => (&rest[..4], &rest[4..]),
        _ => return Err(err()),
    };
    let main = main.trim_start_matches('0');
    if main.is_empty() {
        return Err(err());
    }
    Ok(Ipc { subclass, main: main.to_string(), sub: trim_subgroup(sub) })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            " G06N  3/08 ",
        ] {
            let ipc = parse_ipc(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(ipc.to_string(), "G06N 3/08", "{s}");
            assert_eq!(ipc.key(), "G06N3/08", "{s}");
        }
        assert_eq!(parse_ipc("G06N0003046400").unwrap().to_string(), "G06N 3/0464");
        assert_eq!(parse_ipc("H01L 21/00").unwrap().to_string(), "H01L 21/00");
        assert_eq!(parse_ipc("A61K0038000000").unwrap().to_string(), "A61K 38/00");
        assert_eq!(parse_ipc("C09D11/101").unwrap().key(), "C09D11/101");
        assert_eq!(parse_ipc("B01J 20/10").unwrap().key(), "B01J20/10");
    }

    #[test]
    fn hierarchy_keys() {
        assert_eq!(parse_ipc("G06N 3/08").unwrap().lookup_keys(), ["G06N3/08", "G06N3/00", "G06N", "G06"]);
        assert_eq!(parse_ipc("G06N 3/00").unwrap().lookup_keys(), ["G06N3/00", "G06N", "G06"]);
        assert_eq!(parse_ipc("G06N").unwrap().lookup_keys(), ["G06N", "G06"]);
        assert_eq!(parse_ipc("G16").unwrap().lookup_keys(), ["G16"]);
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
