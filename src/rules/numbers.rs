//! Chinese patent numbers: application numbers with check digits, publication
//! numbers with kind codes, and the canonical patent id built from them (SPEC §2).

use std::fmt;

use compact_str::CompactString;

/// A Chinese application number, e.g. `201910123456.7` or `90101673.X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppNumber {
    /// 12 digits (2003 on) or 8 digits (before 2003), without the check digit.
    pub digits: CompactString,
    /// The check digit as written (or computed when none was written): `0`–`9` or `X`.
    pub check: char,
    /// Whether the written check digit equals the computed one.
    pub check_ok: bool,
}

/// A publication number, e.g. `CN102822194B`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PubNumber {
    /// Two-letter office code, upper case (`CN`, `US`, `WO`…).
    pub country: CompactString,
    /// The serial part (digits, sometimes with a year prefix).
    pub number: CompactString,
    /// Kind code (`A`, `B2`, `U`…), upper case; empty when not written.
    pub kind: CompactString,
}

/// What a number cell turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedNumber {
    /// A Chinese application number.
    App(AppNumber),
    /// A publication number (any office).
    Pub(PubNumber),
}

/// Why a number could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing was written.
    #[error("empty number")]
    Empty,
    /// The text is no known shape of patent number.
    #[error("not a patent number: {0:?}")]
    Unparseable(String),
}

/// The patent kind (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// 发明
    Invention,
    /// 实用新型
    UtilityModel,
    /// 外观设计
    Design,
}

impl Kind {
    /// The label used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Invention => "invention",
            Kind::UtilityModel => "utility_model",
            Kind::Design => "design",
        }
    }

    /// Kind from a kind/type label (发明, 实用新型, 外观设计 and English equivalents).
    pub fn from_label(label: &str) -> Option<Kind> {
        // The labels nearly every row of a Chinese export holds, told at once.
        match label {
            "发明" | "发明专利" | "发明授权" | "发明申请" => return Some(Kind::Invention),
            "实用新型" => return Some(Kind::UtilityModel),
            "外观设计" => return Some(Kind::Design),
            _ => {}
        }
        let folded = crate::rules::text::fold_width(crate::rules::text::trim(label));
        let lower = crate::rules::text::lowercase(&folded);
        let l = lower.as_ref();
        if l.is_empty() {
            return None;
        }
        if l.contains("实用新型") || l.contains("utility") {
            Some(Kind::UtilityModel)
        } else if l.contains("外观") || l.contains("design") {
            Some(Kind::Design)
        } else if l.contains("发明") || l.contains("invention") || l == "patent" {
            Some(Kind::Invention)
        } else {
            None
        }
    }

    /// Kind from an application number's type digit (1, 8 invention; 2, 9 utility model; 3 design).
    pub fn from_type_digit(d: u8) -> Option<Kind> {
        match d {
            b'1' | b'8' => Some(Kind::Invention),
            b'2' | b'9' => Some(Kind::UtilityModel),
            b'3' => Some(Kind::Design),
            _ => None,
        }
    }

    /// Kind from a CN publication kind code (A, B, C invention; U, Y utility model; S, D design).
    pub fn from_kind_code(code: &str) -> Option<Kind> {
        match code.as_bytes().first()? {
            b'A' | b'B' | b'C' => Some(Kind::Invention),
            b'U' | b'Y' => Some(Kind::UtilityModel),
            b'S' | b'D' => Some(Kind::Design),
            _ => None,
        }
    }
}

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/// The check digit of an 8- or 12-digit application number (weights 2..9,2..5, mod 11, 10 → `X`).
/// Returns `None` when `digits` is not 8 or 12 ASCII digits.
pub fn check_digit(digits: &str) -> Option<char> {
    if !(digits.len() == 8 || digits.len() == 12) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digits.bytes().zip(WEIGHTS.iter()).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(match sum % 11 {
        10 => 'X',
        r => char::from_digit(r, 10).unwrap_or('0'),
    })
}

impl AppNumber {
    /// The type digit (index 4 in the 12-digit form, 2 in the 8-digit form).
    pub fn type_digit(&self) -> u8 {
        let i = if self.digits.len() == 12 { 4 } else { 2 };
        self.digits.as_bytes()[i]
    }

    /// The filing year the number encodes.
    pub fn year(&self) -> i32 {
        let d = self.digits.as_bytes();
        let num = |s: &[u8]| s.iter().fold(0i32, |a, b| a * 10 + i32::from(b - b'0'));
        if self.digits.len() == 12 {
            num(&d[..4])
        } else {
            let yy = num(&d[..2]);
            if yy >= 50 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
    }
}

impl fmt::Display for AppNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.digits, self.check)
    }
}

impl PubNumber {
    /// The number as `Display` writes it (`CN102822194B`), built without the
    /// formatting machinery: one for every row.
    pub fn compact(&self) -> CompactString {
        joined(&[&self.country, &self.number, &self.kind])
    }
}

impl fmt::Display for PubNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.country, self.number, self.kind)
    }
}

/// Upper-cased, width-folded text with spaces, dots, dashes and slashes removed.
/// The number's characters, upper-cased, without separators: inline, as numbers are short.
fn compact(raw: &str) -> CompactString {
    let folded = crate::rules::text::fold_width(raw);
    let kept = |c: &char| !matches!(c, ' ' | '\t' | '-' | '/' | '_' | ',' | '.' | '。');
    // ASCII, the usual case, gathered on the stack.
    let mut ascii = [0u8; 24];
    if folded.is_ascii() && folded.len() <= ascii.len() {
        let mut len = 0;
        for b in folded.bytes().filter(|&b| kept(&char::from(b))) {
            ascii[len] = b.to_ascii_uppercase();
            len += 1;
        }
        // SAFETY: bytes of an ASCII text, upper-cased: ASCII, so UTF-8.
        return CompactString::from(unsafe { std::str::from_utf8_unchecked(&ascii[..len]) });
    }
    folded.chars().filter(kept).flat_map(char::to_uppercase).collect()
}

fn is_pre2003_year(two: &str) -> bool {
    matches!(two.parse::<u32>(), Ok(y) if (85..=99).contains(&y) || y <= 2)
}

/// Parse any accepted spelling of a patent number (SPEC §2).
pub fn parse_number(raw: &str) -> Result<ParsedNumber, NumberError> {
    parse_as(raw, true)
}

/// Parse a cell known to hold a publication number (`CN-86103036-A`, `CN 85102431 A`):
/// the application-number readings are not tried.
pub fn parse_publication(raw: &str) -> Result<PubNumber, NumberError> {
    match parse_as(raw, false)? {
        ParsedNumber::Pub(p) => Ok(p),
        ParsedNumber::App(_) => Err(NumberError::Unparseable(raw.trim().to_string())),
    }
}

fn parse_as(raw: &str, try_app: bool) -> Result<ParsedNumber, NumberError> {
    let (s, dotted) = match plain_number(raw) {
        Some(plain) => plain,
        None => (compact(raw), dotted_check_digit(raw)),
    };
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let bad = || NumberError::Unparseable(raw.trim().to_string());
    let (prefix, rest) = split_office(&s);
    let digit_run = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, tail) = rest.split_at(digit_run);

    // Application numbers: CN/ZL or no prefix, 12 or 8 digits, optional check digit.
    if try_app && (prefix.is_empty() || prefix == "CN" || prefix == "ZL") {
        let old = digits.len() >= 2 && is_pre2003_year(&digits[..2]);
        // 8-digit numbers were still issued in 2003, before the 12-digit form; a bare
        // 9-digit number from 03 is a publication, unless a dot marks its check digit.
        let year03 = digits.len() >= 2 && &digits[..2] == "03";
        let old8 = digits.len() == 8 && (old || year03);
        let app = match (digits.len(), tail) {
            (13, "") => Some((&digits[..12], digits.as_bytes()[12] as char)),
            (12, "X") => Some((digits, 'X')),
            (12, "") if !dotted => check_digit(digits).map(|c| (digits, c)),
            (9, "") if old || (year03 && dotted) => Some((&digits[..8], digits.as_bytes()[8] as char)),
            (8, "X") if old8 => Some((digits, 'X')),
            (8, "") if old8 && !dotted => check_digit(digits).map(|c| (digits, c)),
            // Lens writes application numbers as `CN 201320717143 U`: no check digit, a kind letter.
            (12, k) if is_kind_letter(k) => check_digit(digits).map(|c| (digits, c)),
            (8, k) if old8 && is_kind_letter(k) => check_digit(digits).map(|c| (digits, c)),
            _ => None,
        };
        if let Some((d, check)) = app {
            if prefix == "ZL" || !is_publication_shaped(digits, tail) {
                return make_app(d, check).ok_or_else(bad);
            }
        }
    }
    // A dot before the last digit marks an application number's check digit.
    if prefix == "ZL" || dotted {
        return Err(bad());
    }
    // Publication numbers: office + digits + optional kind code.
    let country = if prefix.is_empty() { "CN" } else { prefix };
    if digits.is_empty() {
        return Err(bad());
    }
    let kind_ok = tail.is_empty()
        || (tail.len() <= 2
            && tail.as_bytes()[0].is_ascii_uppercase()
            && tail[1..].bytes().all(|b| b.is_ascii_digit()));
    if !kind_ok || (country == "CN" && !(7..=9).contains(&digits.len())) {
        return Err(bad());
    }
    Ok(ParsedNumber::Pub(PubNumber { country: country.into(), number: digits.into(), kind: tail.into() }))
}

/// A number written plainly, as most cells are: upper-case ASCII letters and digits,
/// perhaps with a dot before a last digit or `X` (`CN100000001B`, `201610000001.5`).
/// Then [`compact`] would only drop that dot and [`dotted_check_digit`] would tell
/// it, so both are skipped: the number's characters and whether it was dotted.
fn plain_number(raw: &str) -> Option<(CompactString, bool)> {
    let b = raw.as_bytes();
    let plain = |b: &[u8]| b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    match b {
        [.., b'.', last] if (last.is_ascii_digit() || *last == b'X') && plain(&b[..b.len() - 2]) => {
            Some((joined(&[&raw[..b.len() - 2], &raw[b.len() - 1..]]), true))
        }
        _ if !b.is_empty() && plain(b) => Some((CompactString::from(raw), false)),
        _ => None,
    }
}

/// Whether the number is written with a dot before a one-character check digit
/// (`03991742.5`): then it is an application number, whatever its length.
fn dotted_check_digit(raw: &str) -> bool {
    let folded = crate::rules::text::fold_width(raw);
    let mut last = crate::rules::text::trim(&folded).chars().rev();
    let check = last.next().is_some_and(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
    check && matches!(last.next(), Some('.' | '。'))
}

fn is_kind_letter(tail: &str) -> bool {
    matches!(tail, "A" | "B" | "C" | "U" | "Y" | "S" | "D")
}

/// A CN 9-digit number followed by a kind code is a publication, not an old application.
fn is_publication_shaped(digits: &str, tail: &str) -> bool {
    !tail.is_empty() && tail != "X" && digits.len() == 9
}

fn make_app(digits: &str, check: char) -> Option<ParsedNumber> {
    let computed = check_digit(digits)?;
    if !(check.is_ascii_digit() || check == 'X') {
        return None;
    }
    Kind::from_type_digit(digits.as_bytes()[if digits.len() == 12 { 4 } else { 2 }])?;
    Some(ParsedNumber::App(AppNumber { digits: digits.into(), check, check_ok: computed == check }))
}

/// Split a leading two-letter office code (`CN`, `ZL`, `US`…) off a compacted number.
fn split_office(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase() {
        (&s[..2], &s[2..])
    } else {
        ("", s)
    }
}

/// `parts` one after another, gathered on the stack when they fit a compact string's
/// inline room (numbers and ids always do): one copy, where a push per part was
/// several times the cost.
fn joined(parts: &[&str]) -> CompactString {
    let mut buf = [0u8; 24];
    let mut len = 0;
    for part in parts {
        let Some(room) = buf.get_mut(len..len + part.len()) else { return parts.concat().into() };
        room.copy_from_slice(part.as_bytes());
        len += part.len();
    }
    // SAFETY: whole `&str`s copied one after another are UTF-8.
    CompactString::from(unsafe { std::str::from_utf8_unchecked(&buf[..len]) })
}

/// The canonical patent id (SPEC §2): `CN` + application number with dot and check
/// digit, or `CN` + publication number without kind code when there is no application number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PatentId(pub CompactString);

impl PatentId {
    /// The id of an application number.
    pub fn from_app(app: &AppNumber) -> PatentId {
        let mut check = [0u8; 4];
        PatentId(joined(&["CN", &app.digits, ".", app.check.encode_utf8(&mut check)]))
    }
    /// The id of a publication number (its office + serial, no kind code).
    pub fn from_pub(p: &PubNumber) -> PatentId {
        PatentId(joined(&[&p.country, &p.number]))
    }
    /// Whether this is a Chinese patent id.
    pub fn is_cn(&self) -> bool {
        self.0.starts_with("CN")
    }
}

impl fmt::Display for PatentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id that a number of any spelling refers to (used for side tables).
pub fn id_of(raw: &str) -> Result<PatentId, NumberError> {
    Ok(match parse_number(raw)? {
        ParsedNumber::App(a) => PatentId::from_app(&a),
        ParsedNumber::Pub(p) => PatentId::from_pub(&p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(raw: &str) -> AppNumber {
        match parse_number(raw) {
            Ok(ParsedNumber::App(a)) => a,
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn joined_parts_are_the_parts_concatenated() {
        assert_eq!(joined(&["CN", "201610000001", ".", "5"]), "CN201610000001.5");
        assert_eq!(joined(&[]), "");
        let long = ["一种基于深度学习", "的图像识别方法"];
        assert_eq!(joined(&long), long.concat());
    }

    /// Plain spellings skip the general clean-up: they must read as it reads them.
    #[test]
    fn plain_numbers_read_as_the_general_path_reads_them() {
        let general = |raw: &str| (compact(raw), dotted_check_digit(raw));
        for raw in [
            "CN100000001B",
            "201610000001.5",
            "200710308494.X",
            "95115608.X",
            "2016100000015",
            "ZL201610000001.5",
            "CN1234567",
            "US10123456B2",
            "03991742.5",
            "0399174",
            "CN-1.2",
            "1.X",
            ".5",
            "X",
            "A.",
        ] {
            match plain_number(raw) {
                Some(plain) => assert_eq!(plain, general(raw), "{raw}"),
                None => assert!(!raw.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()), "{raw}"),
            }
        }
        for raw in ["cn100000001b", "CN 100000001 B", "201610000001.x", "CN-100000001-B", "", "2016.1000.5", "ＣＮ1"]
        {
            assert_eq!(plain_number(raw), None, "{raw}");
        }
    }

    #[test]
    fn verified_check_digits_from_the_spec() {
        for n in ["200710308494.X", "201220687633.0", "201310699744.2", "95115608.X"] {
            let a = app(n);
            assert!(a.check_ok, "{n}");
            assert_eq!(a.to_string(), n);
        }
        assert_eq!(check_digit("200710308494"), Some('X'));
        assert_eq!(check_digit("201220687633"), Some('0'));
        assert_eq!(check_digit("201310699744"), Some('2'));
        assert_eq!(check_digit("95115608"), Some('X'));
        // 9+0+1+0+1*5+6*6+7*7+3*8 = 2*9+3*0+4*1+5*0+6*1+7*6+8*7+9*3 = 18+4+6+42+56+27 = 153; 153 % 11 = 10
        assert_eq!(check_digit("90101673"), Some('X'));
    }

    #[test]
    fn wrong_check_digit_is_kept_as_written_and_flagged() {
        let a = app("201310699744.3");
        assert!(!a.check_ok);
        assert_eq!(PatentId::from_app(&a).0, "CN201310699744.3");
    }

    #[test]
    fn accepted_spellings_give_one_id() {
        for n in [
            "201310699744.2",
            "CN201310699744.2",
            "ZL201310699744.2",
            "zl 2013 1069 9744.2",
            "２０１３１０６９９７４４．２",
            "CN2013106997442",
            "201310699744",
        ] {
            assert_eq!(id_of(n).unwrap().0, "CN201310699744.2", "{n}");
        }
        assert_eq!(id_of("200710308494x").unwrap().0, "CN200710308494.X");
        assert_eq!(id_of("95115608.X").unwrap().0, "CN95115608.X");
        assert_eq!(id_of("CN95115608X").unwrap().0, "CN95115608.X");
    }

    #[test]
    fn nine_digit_numbers_depend_on_the_year_prefix() {
        // 95 is a year in 85..02: an old application number with its check digit.
        assert!(matches!(parse_number("951156085"), Ok(ParsedNumber::App(_))));
        // 10 is not: a publication number without kind code.
        assert_eq!(id_of("102822194").unwrap().0, "CN102822194");
        assert_eq!(id_of("021234565").map(|i| i.0.starts_with("CN0212")), Ok(true));
    }

    #[test]
    fn publication_numbers() {
        for (raw, id, kind) in [
            ("CN102822194A", "CN102822194", "A"),
            ("CN102822194B", "CN102822194", "B"),
            ("CN1340998A", "CN1340998", "A"),
            ("US10123456B2", "US10123456", "B2"),
            ("cn 102822194 b", "CN102822194", "B"),
        ] {
            match parse_number(raw) {
                Ok(ParsedNumber::Pub(p)) => {
                    assert_eq!(PatentId::from_pub(&p).0, id, "{raw}");
                    assert_eq!(p.kind, kind, "{raw}");
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
        // Lens application numbers: no check digit, a kind letter.
        assert_eq!(
            id_of("CN 201320717143 U").unwrap().0,
            format!("CN201320717143.{}", check_digit("201320717143").unwrap())
        );
        // 8·2 + 5·3 + 1·4 + 0·5 + 2·6 + 4·7 + 3·8 + 1·9 = 108; 108 mod 11 = 9.
        assert_eq!(id_of("CN 85102431 A").unwrap().0, "CN85102431.9");
        assert_eq!(id_of("CN-117911230-B").unwrap().0, "CN117911230");
        assert_eq!(id_of("CN 03119196 A").unwrap().0, format!("CN03119196.{}", check_digit("03119196").unwrap()));
        // Found by the fuzzer: `0399174.2` is 7 digits and a check digit, not an
        // 8-digit number; and a 2003 8-digit number parses back from its canonical form.
        assert!(parse_number("0399174.2").is_err());
        let app = parse_number("03991742").unwrap();
        let text = match &app {
            ParsedNumber::App(a) => a.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(parse_number(&text), Ok(app));
        assert!(matches!(parse_number("039917425"), Ok(ParsedNumber::Pub(_))), "bare 9 digits from 03: a publication");
        // In a publication column the same spellings are publications.
        assert_eq!(parse_publication("CN 85102431 A").map(|p| p.to_string()), Ok("CN85102431A".to_string()));
        assert_eq!(parse_publication("CN-86103036-A").map(|p| p.to_string()), Ok("CN86103036A".to_string()));
        assert!(parse_publication("201310699744.2").is_err());
        // A 9-digit CN publication with a kind code whose first digits look like a year.
        assert_eq!(id_of("CN951156085A").unwrap().0, "CN951156085");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for raw in ["", "  ", "abc", "20191012X456.7", "CN", "12", "CN12345678901234", "ZLXYZ", "中国"] {
            assert!(parse_number(raw).is_err(), "{raw}");
        }
        assert_eq!(parse_number(""), Err(NumberError::Empty));
    }

    #[test]
    fn kinds() {
        assert_eq!(app("201910123456.7").type_digit(), b'1');
        assert_eq!(Kind::from_type_digit(b'8'), Some(Kind::Invention));
        assert_eq!(Kind::from_type_digit(b'9'), Some(Kind::UtilityModel));
        assert_eq!(Kind::from_type_digit(b'3'), Some(Kind::Design));
        assert_eq!(Kind::from_type_digit(b'5'), None);
        assert_eq!(Kind::from_label("发明授权"), Some(Kind::Invention));
        assert_eq!(Kind::from_label("发明公开"), Some(Kind::Invention));
        assert_eq!(Kind::from_label("实用新型"), Some(Kind::UtilityModel));
        assert_eq!(Kind::from_label("外观设计"), Some(Kind::Design));
        assert_eq!(Kind::from_label(""), None);
        assert_eq!(Kind::from_kind_code("B"), Some(Kind::Invention));
        assert_eq!(Kind::from_kind_code("C"), Some(Kind::Invention));
        assert_eq!(Kind::from_kind_code("Y"), Some(Kind::UtilityModel));
        assert_eq!(Kind::from_kind_code("S"), Some(Kind::Design));
        assert_eq!(app("95115608.X").year(), 1995);
        assert_eq!(app("201310699744.2").year(), 2013);
    }
}
