//! Conversion (转化运用, SPEC §9): the report window, money amounts read exactly,
//! shared in equal parts without loss, rounded once, and the transfer reward.

use chrono::NaiveDate;

/// Money is kept in units of 1/lcm(1..32) of 0.0001 万元: amounts have at most four
/// decimals, and a share of up to 32 parts is a whole number, so sums are exact and
/// the same whatever the order of addition (beyond 32 parties a share is exact to
/// 10⁻¹⁸ 万元).
pub const MONEY_UNITS_PER_E4: i128 = 144_403_552_893_600;

/// Units in one 万元.
pub const MONEY_UNITS_PER_WAN: i128 = 10_000 * MONEY_UNITS_PER_E4;

/// Why an amount cell cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a number.
    #[error("not an amount in 万元")]
    Unreadable,
    /// Below zero.
    #[error("a negative amount")]
    Negative,
}

/// An amount in 万元 (`12.5`, `1,200`, `3000.0001`; empty is 0) in ten-thousandths,
/// rounded half-up beyond the fourth decimal.
pub fn parse_wan_e4(cell: &str) -> Result<i64, AmountError> {
    let text: String = cell.trim().chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).collect();
    let text = text.trim_end_matches("万元").trim_end_matches('万');
    if text.is_empty() {
        return Ok(0);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // At most 10¹² 万元: the exact sums stay far inside i128.
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) || whole.len() > 12 {
        return Err(AmountError::Unreadable);
    }
    let mut e4: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| AmountError::Unreadable)? };
    e4 *= 10_000;
    let frac_bytes = frac.as_bytes();
    for (i, weight) in [1000, 100, 10, 1].iter().enumerate() {
        e4 += i64::from(frac_bytes.get(i).map_or(0, |b| b - b'0')) * weight;
    }
    if frac_bytes.get(4).is_some_and(|b| *b >= b'5') {
        e4 += 1;
    }
    if negative && e4 > 0 {
        return Err(AmountError::Negative);
    }
    Ok(e4)
}

/// Whether `date` is in the report window: after the day one year before `as_of`,
/// up to and including `as_of`.
pub fn in_window(date: NaiveDate, as_of_prev: NaiveDate, as_of: NaiveDate) -> bool {
    date > as_of_prev && date <= as_of
}

/// One of `parts` equal shares of an amount in ten-thousandths of 万元, in money units
/// (exact for up to 16 parts; otherwise exact to far below a cent).
pub fn share_units(amount_e4: i64, parts: usize) -> i128 {
    i128::from(amount_e4) * MONEY_UNITS_PER_E4 / parts.max(1) as i128
}

/// `numerator / denominator` rounded half-up (both non-negative).
fn round_half_up(numerator: i128, denominator: i128) -> i128 {
    (2 * numerator + denominator) / (2 * denominator)
}

/// Money units as hundredths of 万元, rounded half-up once.
pub fn units_e2(units: i128) -> i64 {
    round_half_up(units.max(0), MONEY_UNITS_PER_WAN / 100) as i64
}

/// The reward in hundredths of 万元: min(received × rate, cap), from the unrounded
/// received sum, rounded half-up once. `rate` and `cap_wan` are read to the millionth
/// and the ten-thousandth.
pub fn reward_e2(received_units: i128, rate: f64, cap_wan: f64) -> i64 {
    const RATE_DENOM: i128 = 1_000_000;
    let rate_ppm = (rate.clamp(0.0, 1.0) * RATE_DENOM as f64).round() as i128;
    // A cap above 10¹² 万元 caps nothing.
    let cap_units = (cap_wan.clamp(0.0, 1e12) * 10_000.0).round() as i128 * MONEY_UNITS_PER_E4;
    // reward = received × rate_ppm / RATE_DENOM, compared with the cap in the same scale.
    let scaled = received_units.max(0).saturating_mul(rate_ppm);
    let capped = scaled.min(cap_units.saturating_mul(RATE_DENOM));
    round_half_up(capped, MONEY_UNITS_PER_WAN / 100 * RATE_DENOM) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::d;

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_wan_e4("12.5"), Ok(125_000));
        assert_eq!(parse_wan_e4("1,200"), Ok(12_000_000));
        assert_eq!(parse_wan_e4("3000.0001"), Ok(30_000_001));
        assert_eq!(parse_wan_e4(" 8万元 "), Ok(80_000));
        assert_eq!(parse_wan_e4(""), Ok(0));
        assert_eq!(parse_wan_e4("0.00005"), Ok(1), "half-up beyond four decimals");
        assert_eq!(parse_wan_e4("-0"), Ok(0));
        assert_eq!(parse_wan_e4("-5"), Err(AmountError::Negative));
        for bad in ["abc", "1.2.3", ".", "1e5", "五万"] {
            assert_eq!(parse_wan_e4(bad), Err(AmountError::Unreadable), "{bad}");
        }
    }

    #[test]
    fn the_window_opens_after_the_day_a_year_before() {
        let (prev, as_of) = (d("2024-12-31"), d("2025-12-31"));
        assert!(!in_window(d("2024-12-31"), prev, as_of));
        assert!(in_window(d("2025-01-01"), prev, as_of));
        assert!(in_window(d("2025-12-31"), prev, as_of));
        assert!(!in_window(d("2026-01-01"), prev, as_of));
    }

    #[test]
    fn the_reward_is_five_percent_capped_at_100() {
        let wan = |w: i64| share_units(w * 10_000, 1);
        assert_eq!(reward_e2(wan(250), 0.05, 100.0), 1250, "250 万元 → 12.50");
        assert_eq!(reward_e2(wan(2000), 0.05, 100.0), 10_000, "2000 → exactly the cap");
        assert_eq!(reward_e2(wan(3000), 0.05, 100.0), 10_000, "3000 → capped");
        // From the unrounded sum: 0.1 万元 / 3 three times = 0.1; 5% = 0.005 → 0.01.
        let thirds = 3 * share_units(1_000, 3);
        assert_eq!(reward_e2(thirds, 0.05, 100.0), 1);
        assert_eq!(reward_e2(0, 0.05, 100.0), 0);
        // A huge cap caps nothing and overflows nothing.
        assert_eq!(reward_e2(wan(3000), 0.05, 1e25), 15_000);
        assert_eq!(reward_e2(wan(1_000_000_000_000), 1.0, 1e25), 100_000_000_000_000);
    }

    #[test]
    fn shares_are_exact_and_rounded_once() {
        // 100 万元 in three shares: 33.3333… each, three of them sum back to 100.00.
        let third = share_units(1_000_000, 3);
        assert_eq!(units_e2(third), 3333);
        assert_eq!(units_e2(3 * third), 10_000);
        // 0.0001 in 7 shares, added 7 times, is 0.0001 again, not 0; so in 17 and 32.
        assert_eq!(7 * share_units(1, 7), MONEY_UNITS_PER_E4);
        assert_eq!(17 * share_units(1, 17), MONEY_UNITS_PER_E4);
        assert_eq!(32 * share_units(1, 32), MONEY_UNITS_PER_E4);
        // 0.0850 among 17: 0.005 each, which rounds half-up to 0.01.
        assert_eq!(units_e2(share_units(1, 17) + share_units(849, 17)), 1);
        // Half a cent rounds up.
        assert_eq!(units_e2(share_units(50, 1)), 1);
        assert_eq!(units_e2(share_units(49, 1)), 0);
    }
}
