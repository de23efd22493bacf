//! What a legal-status text says (SPEC §1, §7): in force, dead, pending or unknown,
//! from Chinese or English status words.

/// What a legal-status text says about the patent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// In force / granted / active.
    InForce,
    /// Lapsed, invalidated, expired, withdrawn, refused…
    Dead,
    /// Under examination or published only.
    Pending,
    /// Empty or not understood.
    Unknown,
}

const DEAD: &[&str] = &[
    "失效",
    "无效",
    "未缴年费",
    "终止",
    "届满",
    "放弃",
    "撤回",
    "驳回",
    "lapsed",
    "expired",
    "revoked",
    "withdrawn",
    "refused",
    "dead",
    "inactive",
    "discontinued",
    "ceased",
    "abandoned",
    "rejected",
];
// Not `alive` (Derwent's 失效/有效): pending applications are alive too, so it says
// only "not dead", which leaves the grant unknown.
const IN_FORCE: &[&str] =
    &["有效", "授权", "专利权维持", "维持", "权利恢复", "granted", "active", "in force", "patented"];
const PENDING: &[&str] = &["审中", "实审", "实质审查", "公开", "pending", "examination", "published"];

/// Classify a legal-status text (Chinese or English, any case). Dead words win over
/// in-force words (`inactive` is dead), except that a partial invalidation (`部分无效`)
/// leaves the patent in force.
pub fn classify_status(status: &str) -> StatusClass {
    let s = crate::rules::text::lowercase(status.trim());
    if s.is_empty() {
        return StatusClass::Unknown;
    }
    if s.contains("部分无效") {
        return StatusClass::InForce;
    }
    if DEAD.iter().any(|w| s.contains(w)) {
        StatusClass::Dead
    } else if IN_FORCE.iter().any(|w| s.contains(w)) {
        StatusClass::InForce
    } else if PENDING.iter().any(|w| s.contains(w)) {
        StatusClass::Pending
    } else {
        StatusClass::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alive_says_only_not_dead() {
        // Derwent's 失效/有效: Alive covers pending applications too.
        assert_eq!(classify_status("Alive"), StatusClass::Unknown);
        assert_eq!(classify_status("Indeterminate"), StatusClass::Unknown);
        assert_eq!(classify_status("Dead"), StatusClass::Dead);
        assert_eq!(classify_status("ACTIVE"), StatusClass::InForce);
        assert_eq!(classify_status("inactive"), StatusClass::Dead);
        assert_eq!(classify_status("有效"), StatusClass::InForce);
        assert_eq!(classify_status("部分无效"), StatusClass::InForce);
        assert_eq!(classify_status("审中"), StatusClass::Pending);
    }
}
