//! Text folding shared by the parsers: full-width to half-width forms.

use std::borrow::Cow;

/// Fold full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to
/// their half-width equivalents; other characters are kept. Text with nothing to
/// fold (nearly every cell) is returned as it is, without a copy.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !has_wide_forms(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(fold_char).collect())
    }
}

/// Whether `s` holds a character [`fold_char`] changes, told from its UTF-8 bytes:
/// U+3000 is `E3 80 80`, U+FF01–U+FF3F `EF BC 81`–`EF BC BF`, U+FF40–U+FF5E `EF BD
/// 80`–`EF BD 9E` (Chinese text is mostly other lead bytes, so this seldom looks twice).
fn has_wide_forms(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(0xE3, 0xEF, b).any(|i| {
        matches!(
            (b[i], b.get(i + 1), b.get(i + 2)),
            (0xE3, Some(0x80), Some(0x80))
                | (0xEF, Some(0xBC), Some(0x81..=0xBF))
                | (0xEF, Some(0xBD), Some(0x80..=0x9E))
        )
    })
}

/// `s` lower-cased, without a copy when lower-casing changes nothing (Chinese text,
/// lower-case English: nearly every status and kind cell).
pub fn lowercase(s: &str) -> Cow<'_, str> {
    if s.chars().all(keeps_its_case) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// Whether lower-casing leaves `c` as it is. ASCII and the CJK block (U+3000–U+9FFF:
/// punctuation, kana, ideographs; no case) are told without Unicode's tables.
fn keeps_its_case(c: char) -> bool {
    match c {
        c if c.is_ascii() => !c.is_ascii_uppercase(),
        '\u{3000}'..='\u{9FFF}' => true,
        c => c.to_lowercase().eq(std::iter::once(c)),
    }
}

/// Fold one character (see [`fold_width`]).
pub fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Split a multi-valued cell on `;` and `；`, trimming parts and dropping empty ones.
pub fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '；']).map(trim).filter(|s| !s.is_empty())
}

/// Split a list of codes (IPC codes, family members) on `;`, `；`, `|`, `,` and `，`
/// too: exports separate codes with any of them, and no code contains one.
pub fn split_codes(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '；', '|', ',', '，']).map(trim).filter(|s| !s.is_empty())
}

/// `s` without leading and trailing whitespace, as [`str::trim`] gives it; a cell that
/// neither starts nor ends with whitespace (nearly every cell) is told at a glance.
#[inline]
pub fn trim(s: &str) -> &str {
    // Non-ASCII whitespace starts with one of these bytes (U+0085, U+00A0, U+1680,
    // U+2000..U+205F, U+3000): any other first byte starts no whitespace.
    let starts_plain =
        s.as_bytes().first().is_none_or(|&b| !matches!(b, b' ' | b'\t'..=b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3));
    let ends_plain = match s.as_bytes().last() {
        None => true,
        Some(&b) if b.is_ascii() => !matches!(b, b' ' | b'\t'..=b'\r'),
        // CJK (U+3001..U+9FFF) ends most Chinese cells, and is no whitespace.
        Some(_) => s.chars().next_back().is_none_or(|c| matches!(c, '\u{3001}'..='\u{9FFF}') || !c.is_whitespace()),
    };
    if starts_plain && ends_plain {
        s
    } else {
        s.trim()
    }
}

/// Cells exports write for "nothing": `-`, `--`, `—`, `N/A`, `无数据`, `暂无`, `无`,
/// and what spreadsheets and scripts leave (`nan`, `None`, `NULL`).
pub fn is_empty_marker(cell: &str) -> bool {
    is_trimmed_empty_marker(trim(cell))
}

/// [`is_empty_marker`] of a cell already trimmed.
pub fn is_trimmed_empty_marker(cell: &str) -> bool {
    // The longest marker, `无数据`, is 9 bytes.
    cell.len() <= 9
        && matches!(
            cell,
            "-" | "--"
                | "—"
                | "－"
                | "N/A"
                | "n/a"
                | "NA"
                | "无数据"
                | "暂无"
                | "无"
                | "nan"
                | "NaN"
                | "None"
                | "NULL"
                | "null"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_forms_are_told_from_their_bytes_as_from_their_characters() {
        let chars = ('\u{2F00}'..='\u{3100}').chain('\u{FE00}'..='\u{FFFF}').chain(['a', '中', '清']);
        for c in chars {
            for text in [c.to_string(), format!("中{c}"), format!("{c}x")] {
                assert_eq!(has_wide_forms(&text), text.chars().any(|c| fold_char(c) != c), "{c:?}");
            }
        }
    }

    #[test]
    fn trims_as_str_trim_does() {
        let cells = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r\n",
            "清华大学",
            "\u{3000}清华\u{3000}",
            "\u{a0}x\u{a0}",
            "x\u{2003}",
            "\u{85}",
            "\u{1680}y",
            "y\u{205f}",
            "\u{2028}",
            "é",
            "\u{e3}z",
            "—",
            "无数据 ",
            "\u{7}",
            "a\u{feff}",
        ];
        for cell in cells {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(fold_width("Ｇ０６Ｎ　３／０８"), "G06N 3/08");
        assert_eq!(fold_width("（深圳）"), "(深圳)");
        assert_eq!(fold_width("清华大学"), "清华大学");
        for s in ["有效", "Expired - Fee Related", "ǅ", "granted", "İ"] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s}");
        }
    }

    #[test]
    fn the_case_shortcuts_agree_with_unicode() {
        for c in ('\0'..='\u{7F}').chain('\u{3000}'..='\u{9FFF}') {
            assert_eq!(keeps_its_case(c), c.to_lowercase().eq(std::iter::once(c)), "{c:?}");
        }
    }

    #[test]
    fn splits_lists() {
        let v: Vec<_> = split_list(" a; b ；;c ;").collect();
        assert_eq!(v, ["a", "b", "c"]);
        assert_eq!(split_list("").count(), 0);
        let codes: Vec<_> = split_codes("G06N 3/08 | G06F 17/00，A47J 27/00,;").collect();
        assert_eq!(codes, ["G06N 3/08", "G06F 17/00", "A47J 27/00"]);
    }
}
