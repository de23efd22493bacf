//! Awards (D5): which programme an award name belongs to, and award cells
//! written as `中国专利金奖(2019)`.

use chrono::NaiveDate;

use crate::rules::dates::{parse_date, year_end};
use crate::rules::model::{Award, AwardClass};
use crate::rules::text::fold_width;

const STATE_SCIENCE: &[&str] = &[
    "国家自然科学奖",
    "国家技术发明奖",
    "国家科学技术进步奖",
    "国家科技进步奖",
    "国家最高科学技术奖",
    "state natural science award",
    "state technological invention award",
    "state science and technology progress award",
    "state preeminent science and technology award",
    "state highest science and technology award",
];

/// The programme an award (name and level, as written) belongs to.
pub fn classify_award(name: &str) -> AwardClass {
    let s: String = fold_width(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if STATE_SCIENCE.iter().any(|w| s.contains(w) || compact.contains(w)) {
        return AwardClass::StateScienceAward;
    }
    let china_patent = compact.contains("中国专利") || s.contains("china patent");
    let level = ["金奖", "银奖", "优秀奖", "gold", "silver", "excellence", "excellent"].iter().any(|w| s.contains(w));
    let design = compact.contains("外观设计") || s.contains("design");
    if china_patent && level && !design {
        AwardClass::ChinaPatentAward
    } else {
        AwardClass::Other
    }
}

/// A date for an award: an ISO (or other accepted) date, or a bare year meaning 31 December.
pub fn parse_award_date(raw: &str) -> Result<Option<NaiveDate>, crate::rules::dates::DateError> {
    let t = fold_width(raw);
    let t = t.trim().trim_end_matches('年');
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(t.parse().ok().and_then(year_end));
    }
    parse_date(t)
}

/// Parse one entry of a portfolio `awards` cell: a name optionally followed by a
/// year or date in brackets, `中国专利金奖(2019)` or `中国专利金奖（2019-12-01）`.
pub fn parse_award_entry(entry: &str) -> Result<Award, crate::rules::dates::DateError> {
    let folded = fold_width(entry);
    let trimmed = folded.trim();
    let (name, date) = match trimmed.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((name, inner)) if inner.trim().starts_with(|c: char| c.is_ascii_digit()) => {
            (name.trim(), parse_award_date(inner)?)
        }
        _ => (trimmed, None),
    };
    Ok(Award { name: name.to_string(), class: classify_award(name), date })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::d;

    #[test]
    fn classes() {
        for n in ["中国专利金奖", "中国专利银奖", "中国专利优秀奖", "中国专利奖 金奖", "China Patent Gold Award"]
        {
            assert_eq!(classify_award(n), AwardClass::ChinaPatentAward, "{n}");
        }
        for n in [
            "国家自然科学奖",
            "国家技术发明奖 二等奖",
            "国家科学技术进步奖一等奖",
            "国家最高科学技术奖",
            "State Technological Invention Award",
        ] {
            assert_eq!(classify_award(n), AwardClass::StateScienceAward, "{n}");
        }
        // A China Patent Award needs its level (gold, silver, excellence).
        for n in [
            "中国专利奖",
            "中国专利奖 一等奖",
            "广东省专利金奖",
            "湖北省科学技术进步奖",
            "深圳市专利奖",
            "中国外观设计金奖",
            "中国汽车工业科学技术奖",
            "",
        ] {
            assert_eq!(classify_award(n), AwardClass::Other, "{n}");
        }
    }

    #[test]
    fn entries() {
        let a = parse_award_entry("中国专利金奖(2019)").unwrap();
        assert_eq!(
            (a.name.as_str(), a.class, a.date),
            ("中国专利金奖", AwardClass::ChinaPatentAward, Some(d("2019-12-31")))
        );
        let a = parse_award_entry("中国专利银奖（2020-06-30）").unwrap();
        assert_eq!(a.date, Some(d("2020-06-30")));
        let a = parse_award_entry("中国专利银奖").unwrap();
        assert_eq!(a.date, None);
        assert!(parse_award_entry("中国专利银奖(2019-13-01)").is_err());
        assert_eq!(parse_award_date("2020"), Ok(Some(d("2020-12-31"))));
        assert_eq!(parse_award_date("2020年"), Ok(Some(d("2020-12-31"))));
        assert_eq!(parse_award_date(""), Ok(None));
    }
}
