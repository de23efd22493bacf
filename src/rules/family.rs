//! Family members (D2): parse a member spelling into its jurisdiction and kind code.

use crate::rules::model::FamilyMember;
use crate::rules::text::fold_width;

/// Parse `US10123456B2`, `EP 3456789 A1`, `WO2019123456A1`, `US-2023377099-A1`, or a bare
/// jurisdiction `US`. Returns `None` when the text does not start with a two-letter office code.
pub fn parse_member(raw: &str) -> Option<FamilyMember> {
    if let Some(code) = jurisdiction_by_name(raw.trim()) {
        return Some(FamilyMember { jurisdiction: code.into(), kind: None, label: code.into() });
    }
    let s: String = fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/' | ','))
        .flat_map(char::to_uppercase)
        .collect();
    let b = s.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() {
        return None;
    }
    let jurisdiction = s[..2].into();
    let rest = &s[2..];
    if rest.is_empty() {
        return Some(FamilyMember { jurisdiction, kind: None, label: s.into() });
    }
    // Serials may carry a letter prefix (Taiwan `I701234`, US reissues `RE49123`).
    let serial_start = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    let body = &rest[serial_start..];
    if serial_start > 2 || !body.is_ascii() || !body.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // The kind code is the trailing letter and the digit after it (`B2`, `A1`, `U`).
    let kind = match body.rfind(|c: char| c.is_ascii_alphabetic()) {
        Some(i) if body[i + 1..].len() <= 1 && body[..i].bytes().all(|c| c.is_ascii_digit()) => Some(body[i..].into()),
        Some(_) => return None,
        None => None,
    };
    Some(FamilyMember { jurisdiction, kind, label: s.as_str().into() })
}

/// Office codes of jurisdictions written by name in Chinese exports (`同族国家/地区`).
fn jurisdiction_by_name(name: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("中国", "CN"),
        ("美国", "US"),
        ("日本", "JP"),
        ("韩国", "KR"),
        ("欧洲专利局", "EP"),
        ("欧专局", "EP"),
        ("欧洲", "EP"),
        ("世界知识产权组织", "WO"),
        ("德国", "DE"),
        ("英国", "GB"),
        ("法国", "FR"),
        ("加拿大", "CA"),
        ("澳大利亚", "AU"),
        ("俄罗斯", "RU"),
        ("印度", "IN"),
        ("新加坡", "SG"),
        ("巴西", "BR"),
        ("中国香港", "HK"),
        ("香港", "HK"),
        ("中国台湾", "TW"),
        ("台湾", "TW"),
        ("中国澳门", "MO"),
        ("澳门", "MO"),
        ("西班牙", "ES"),
        ("意大利", "IT"),
        ("荷兰", "NL"),
        ("瑞士", "CH"),
        ("瑞典", "SE"),
        ("以色列", "IL"),
        ("墨西哥", "MX"),
        ("南非", "ZA"),
        ("新西兰", "NZ"),
        ("奥地利", "AT"),
        ("丹麦", "DK"),
        ("芬兰", "FI"),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// Whether a kind code means a granted patent (begins with B, C or E).
pub fn kind_is_granted(kind: &str) -> bool {
    matches!(kind.as_bytes().first(), Some(b'B' | b'C' | b'E'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members() {
        let m = parse_member("US10123456B2").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind.as_deref(), m.label.as_str()), ("US", Some("B2"), "US10123456B2"));
        let m = parse_member("EP 3456789 A1").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind.as_deref()), ("EP", Some("A1")));
        let m = parse_member("US-2023377099-A1").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind.as_deref()), ("US", Some("A1")));
        let m = parse_member("jp").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind), ("JP", None));
        let m = parse_member("KR102345678B1").unwrap();
        assert_eq!(m.kind.as_deref(), Some("B1"));
        let m = parse_member("TWI701234B").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind.as_deref()), ("TW", Some("B")));
        let m = parse_member("USRE49123E").unwrap();
        assert_eq!((m.jurisdiction.as_str(), m.kind.as_deref()), ("US", Some("E")));
        assert!(parse_member("USABC123B").is_none());
        let m = parse_member("US10123456").unwrap();
        assert_eq!(m.kind, None);
        assert!(parse_member("").is_none());
        assert!(parse_member("1234").is_none());
        assert_eq!(parse_member("美国").map(|m| m.jurisdiction), Some("US".into()));
        assert!(parse_member("火星").is_none());
    }

    #[test]
    fn granted_kinds() {
        for k in ["B", "B1", "B2", "C", "C1", "E"] {
            assert!(kind_is_granted(k), "{k}");
        }
        for k in ["A", "A1", "U", "Y", "S", ""] {
            assert!(!kind_is_granted(k), "{k}");
        }
    }
}
