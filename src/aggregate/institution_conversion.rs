//! Conversion figures per institution (SPEC §9): patents transferred, licensed, put
//! into equity and pledged in the report window and ever, the conversion rate, the
//! money received and the reward. Patent counts are in [`UNIT`]s like every other
//! count; money in exact units (see [`crate::rules::conversion`]).

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Counting;
use crate::read::side::Transaction;
use crate::rules::conversion::{in_window, reward_e2, share_units, units_e2};
use crate::rules::events::EventClass;
use crate::rules::institutions::UNIT;
use crate::score::Scored;

/// One institution's conversion figures. Counts in [`UNIT`]s, money in exact units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConversionFigures {
    /// Patents with a transfer in the window, credited to their applicants.
    pub transferred: u64,
    /// Patents with a licence in the window.
    pub licensed: u64,
    /// Patents put into equity in the window.
    pub equity: u64,
    /// Patents pledged in the window.
    pub pledged: u64,
    /// Patents transferred on or before `as_of`, or undated.
    pub transferred_ever: u64,
    /// Patents licensed on or before `as_of`, or undated.
    pub licensed_ever: u64,
    /// Patents pledged on or before `as_of`, or undated.
    pub pledged_ever: u64,
    /// Distinct patents transferred, licensed or put into equity in the window.
    pub converted: u64,
    /// Money received in the window (transfer, licence and equity rows), exact units.
    pub received_units: i128,
}

impl ConversionFigures {
    /// The counts in the order of `conversion.csv`: transferred, licensed, equity,
    /// pledged, transferred_ever, licensed_ever, pledged_ever.
    pub fn counts(&self) -> [u64; 7] {
        [
            self.transferred,
            self.licensed,
            self.equity,
            self.pledged,
            self.transferred_ever,
            self.licensed_ever,
            self.pledged_ever,
        ]
    }

    /// Whether the institution is credited with anything.
    pub fn any(&self) -> bool {
        *self != ConversionFigures::default()
    }

    /// Money received, hundredths of 万元 (rounded once, half-up).
    pub fn received_e2(&self) -> i64 {
        units_e2(self.received_units)
    }

    /// min(received × rate, cap) in hundredths of 万元, from the unrounded sum.
    pub fn reward_e2(&self, params: &ConversionParams) -> i64 {
        reward_e2(self.received_units, params.reward_rate, params.reward_cap_wan)
    }
}

/// What the figures depend on besides the patents.
#[derive(Debug, Clone, Copy)]
pub struct ConversionParams {
    /// The report date.
    pub as_of: NaiveDate,
    /// One year before (the window opens the day after).
    pub as_of_prev: NaiveDate,
    /// Full or fractional counting of patents.
    pub counting: Counting,
    /// Reward rate (0.05).
    pub reward_rate: f64,
    /// Reward cap, 万元 (100).
    pub reward_cap_wan: f64,
}

impl ConversionParams {
    /// The parameters of a run.
    pub fn of(settings: &crate::config::Settings) -> ConversionParams {
        ConversionParams {
            as_of: settings.as_of,
            as_of_prev: settings.as_of_prev,
            counting: settings.counting,
            reward_rate: settings.reward_rate,
            reward_cap_wan: settings.reward_cap_wan,
        }
    }
}

/// The figures of every institution (indexed like [`crate::score::Scoring::institutions`]).
#[derive(Debug, Clone, Default)]
pub struct Conversion {
    /// Per institution.
    pub figures: Vec<ConversionFigures>,
    /// Patents with a transfer whose transferors are not known (only the current
    /// holders, the buyers, are): credited to nobody.
    pub transfers_to_nobody: usize,
    /// Transactions rows whose money went to no institution (transfers of such patents).
    pub money_to_nobody: usize,
}

const T_WINDOW: u8 = 1;
const T_EVER: u8 = 2;
const L_WINDOW: u8 = 4;
const L_EVER: u8 = 8;
const E_WINDOW: u8 = 16;
const P_WINDOW: u8 = 32;
const P_EVER: u8 = 64;

/// What a patent's events (and pledge contracts) say: a bit per figure.
fn patent_bits(s: &Scored, params: &ConversionParams) -> u8 {
    let mut bits = 0u8;
    if !s.has_events_or_pledges() {
        return bits;
    }
    let mut mark = |class: EventClass, date: Option<NaiveDate>| {
        let (window, ever) = match class {
            EventClass::Transfer => (T_WINDOW, T_EVER),
            EventClass::Licence => (L_WINDOW, L_EVER),
            EventClass::Equity => (E_WINDOW, 0),
            EventClass::Pledge => (P_WINDOW, P_EVER),
            _ => return,
        };
        match date {
            None => bits |= ever,
            Some(d) if d <= params.as_of => {
                bits |= ever;
                if in_window(d, params.as_of_prev, params.as_of) {
                    bits |= window;
                }
            }
            Some(_) => {}
        }
    };
    for e in s.patent.events() {
        mark(e.class, e.date);
    }
    // A pledge amount of 0 (an export's empty 质押金额 written as 0) is no pledge.
    for pledge in s.patent.pledges().iter().filter(|p| p.contract_wan > 0.0) {
        mark(EventClass::Pledge, pledge.registered_on);
    }
    bits
}

fn weight(counting: Counting, parties: usize) -> u64 {
    match counting {
        Counting::Full => UNIT,
        Counting::Fractional => UNIT / parties.max(1) as u64,
    }
}

/// Work out every institution's figures. `transactions` pair each row with the
/// positions in `scored` of its patents.
pub fn convert(
    scored: &[Scored],
    institutions: usize,
    transactions: &[(Transaction, Vec<usize>)],
    params: &ConversionParams,
) -> Conversion {
    let mut out = Conversion { figures: vec![ConversionFigures::default(); institutions], ..Conversion::default() };
    // Read in parallel (one core would wait on each record with events or pledges); most are 0.
    let patent_bits: Vec<u8> = scored.par_iter().map(|s| patent_bits(s, params)).collect();
    for (s, &bits) in scored.iter().zip(&patent_bits) {
        if bits == 0 {
            continue;
        }
        // (institution, weight) credited with converting this patent in the window.
        let mut converted: Vec<(u32, u64)> = Vec::new();
        if bits & (T_WINDOW | T_EVER) != 0 {
            match s.transferor_institutions() {
                Some(list) => {
                    let w = weight(params.counting, list.len());
                    for &i in list.iter() {
                        let f = &mut out.figures[i as usize];
                        if bits & T_WINDOW != 0 {
                            f.transferred += w;
                            converted.push((i, w));
                        }
                        if bits & T_EVER != 0 {
                            f.transferred_ever += w;
                        }
                    }
                }
                None => out.transfers_to_nobody += 1,
            }
        }
        let w = weight(params.counting, s.institutions().len());
        for &i in s.institutions().iter() {
            let f = &mut out.figures[i as usize];
            let add = |flag: u8, cell: &mut u64| {
                if bits & flag != 0 {
                    *cell += w;
                }
            };
            add(L_WINDOW, &mut f.licensed);
            add(L_EVER, &mut f.licensed_ever);
            add(E_WINDOW, &mut f.equity);
            add(P_WINDOW, &mut f.pledged);
            add(P_EVER, &mut f.pledged_ever);
            if bits & (L_WINDOW | E_WINDOW) != 0 {
                converted.push((i, w));
            }
        }
        // A patent counts once per institution, through whichever party credits it more.
        converted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        converted.dedup_by_key(|(i, _)| *i);
        for (i, w) in converted {
            out.figures[i as usize].converted += w;
        }
    }
    credit_money(&mut out, scored, transactions, params);
    out
}

/// The money received in the window (transfers, licences, equity), shared equally
/// among the institutions of the row's patents (the transferors, for a transfer).
fn credit_money(
    out: &mut Conversion,
    scored: &[Scored],
    transactions: &[(Transaction, Vec<usize>)],
    params: &ConversionParams,
) {
    for (t, positions) in transactions {
        let counted = matches!(t.class, EventClass::Transfer | EventClass::Licence | EventClass::Equity);
        let dated_in = t.date.is_some_and(|d| in_window(d, params.as_of_prev, params.as_of));
        if !counted || !dated_in || t.received_e4 == 0 {
            continue;
        }
        let mut parties: Vec<u32> = Vec::new();
        for &k in positions {
            let s = &scored[k];
            let list = match t.class {
                EventClass::Transfer => s.transferor_institutions().unwrap_or(&[]),
                _ => s.institutions(),
            };
            parties.extend(list.iter().copied());
        }
        parties.sort_unstable();
        parties.dedup();
        if parties.is_empty() {
            out.money_to_nobody += 1;
            continue;
        }
        let share = share_units(t.received_e4, parties.len());
        for i in parties {
            out.figures[i as usize].received_units += share;
        }
    }
}

/// What the conversion figures cannot show: no event source at all, no money source,
/// transfers whose transferors are not known.
pub fn conversion_warnings(conversion: &Conversion, event_sources: bool, transactions_table: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if !event_sources {
        lines.push(
            "conversion cannot be assessed: no legal-event column, events.csv or transactions.csv, so transfers, licences and equity read 0 (pledges only from pledge amounts)"
                .to_string(),
        );
    }
    if !transactions_table && event_sources {
        lines.push("money received (received_wan, reward_wan) needs transactions.csv: it reads 0".to_string());
    }
    let money = conversion.money_to_nobody;
    if money > 0 {
        lines.push(format!(
            "{money} transactions.csv rows with money received credited to nobody: the transferors of their patents are not known (name the applicants)"
        ));
    }
    let nobody = conversion.transfers_to_nobody;
    if nobody > 0 {
        lines.push(format!(
            "{nobody} transferred patents credited to nobody: the inputs name only their current holders (the buyers), not the applicants (申请人, [标]原始申请(专利权)人) who transferred them"
        ));
    }
    lines
}
