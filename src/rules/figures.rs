//! How figures are written in the outputs and the evidence: ten-thousandths and
//! hundredths as fixed decimals (shares, ratios, money in 万元), amounts in 万元
//! with at most two decimals, percentages for people. One home, so that a figure
//! reads the same in every file.

/// A ten-thousandths value as a decimal string with four places (`0.4167`).
pub fn e4_text(e4: u64) -> String {
    let mut text = String::with_capacity(8);
    push_e4(&mut text, e4);
    text
}

/// [`e4_text`] written at the end of `out`, without the formatting machinery:
/// `patents.csv` writes several for every invention.
pub fn push_e4(out: &mut String, e4: u64) {
    out.push_str(itoa::Buffer::new().format(e4 / 10_000));
    out.push('.');
    let fraction = e4 % 10_000;
    for digit in [fraction / 1000, fraction / 100 % 10, fraction / 10 % 10, fraction % 10] {
        out.push(char::from(b'0' + digit as u8));
    }
}

/// A ratio in ten-thousandths, half-up: what [`ratio_text`] writes.
pub fn ratio_e4(ratio: f64) -> u64 {
    (ratio * 10_000.0).round() as u64
}

/// A non-negative ratio with 4 decimals, half-up (SPEC §12).
pub fn ratio_text(ratio: f64) -> String {
    e4_text(ratio_e4(ratio))
}

/// Hundredths as written: `12.50`.
pub fn e2_text(e2: i64) -> String {
    format!("{}.{:02}", e2 / 100, e2 % 100)
}

/// Format an amount in 万元 with at most two decimals.
pub fn format_wan(amount: f64) -> String {
    let s = format!("{:.2}", (amount * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A percentage for people: whole numbers, with one decimal below 10 (never "0%"
/// for a few, never "100%" for all but a few).
pub fn percent_text(p: f64) -> String {
    if p > 0.0 && p < 10.0 {
        format!("{:.1}%", p.max(0.1))
    } else if p > 99.0 && p < 100.0 {
        format!("{:.1}%", p.min(99.9))
    } else {
        format!("{p:.0}%")
    }
}

/// A figure for people: whole numbers without decimals, others with two.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_and_percentages() {
        assert_eq!(e2_text(1250), "12.50");
        assert_eq!(e2_text(5), "0.05");
        assert_eq!(e4_text(4167), "0.4167");
        assert_eq!(ratio_text(2.5), "2.5000");
        for e4 in [0, 7, 10, 999, 1000, 9999, 10_000, 10_001, 123_456_789, u64::MAX] {
            assert_eq!(e4_text(e4), format!("{}.{:04}", e4 / 10_000, e4 % 10_000));
        }
        assert_eq!(percent_text(0.04), "0.1%");
        assert_eq!(percent_text(99.96), "99.9%");
        assert_eq!(percent_text(50.0), "50%");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.50");
    }

    #[test]
    fn amounts_format() {
        assert_eq!(format_wan(1000.0), "1000");
        assert_eq!(format_wan(999.99), "999.99");
        assert_eq!(format_wan(333.333333), "333.33");
        assert_eq!(format_wan(0.0), "0");
        assert_eq!(format_wan(1234.5), "1234.5");
    }
}
