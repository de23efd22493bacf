//! The side tables of a run (SPEC §3, §7, §9, §10): their paths, and their rows
//! read and attached to the merged portfolio's patents, with the counts the
//! manifest reports of them.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::read::portfolio::Merged;
use crate::read::side::{self, Transaction};
use crate::read::table_file::read_table;
use crate::read::{InputError, InputRecord, Sources};
use crate::rules::events::{classify_event, EventClass};
use crate::rules::figures::format_wan;
use crate::rules::numbers::Kind;

/// The side tables of a run, by role (SPEC §3, §7, §9, §10): named once for the
/// command line (`--families`…), the resolved settings, the rebasing of relative
/// paths and the fingerprint. (The config file lists its keys itself: serde cannot
/// flatten a struct into one that refuses unknown keys.)
#[derive(Debug, Clone, Default, Serialize, clap::Args)]
pub struct SideTables {
    /// Family members table (`patent, member`).
    #[arg(long)]
    pub families: Option<PathBuf>,
    /// Pledge contracts table (`contract_id, patent, amount_wan, registered_on`).
    #[arg(long)]
    pub pledges: Option<PathBuf>,
    /// Awards table (`patent, award, level, date`).
    #[arg(long)]
    pub awards: Option<PathBuf>,
    /// Institution aliases (`alias, institution, type[, parent]`).
    #[arg(long)]
    pub aliases: Option<PathBuf>,
    /// Legal events table (`patent, date, event`; `date` may be empty).
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Classification codes from another source (`patent, codes`; scraped
    /// `publication_number, …, cpc_codes` files read as they are).
    #[arg(long)]
    pub classes: Option<PathBuf>,
    /// Transfers, licences, equity and pledges with the money received
    /// (`patent, type, date, counterparty, amount_wan, received_wan`).
    #[arg(long)]
    pub transactions: Option<PathBuf>,
}

impl SideTables {
    /// Every table's path, in the order the fingerprint takes them.
    pub fn paths(&self) -> [&Option<PathBuf>; 7] {
        [&self.families, &self.pledges, &self.awards, &self.events, &self.classes, &self.transactions, &self.aliases]
    }

    /// Every table's path, to rebase.
    pub(crate) fn paths_mut(&mut self) -> [&mut Option<PathBuf>; 7] {
        [
            &mut self.families,
            &mut self.pledges,
            &mut self.awards,
            &mut self.events,
            &mut self.classes,
            &mut self.transactions,
            &mut self.aliases,
        ]
    }

    /// Each table of `self`, else of `fallback`.
    pub(crate) fn or(self, fallback: SideTables) -> SideTables {
        SideTables {
            families: self.families.or(fallback.families),
            pledges: self.pledges.or(fallback.pledges),
            awards: self.awards.or(fallback.awards),
            aliases: self.aliases.or(fallback.aliases),
            events: self.events.or(fallback.events),
            classes: self.classes.or(fallback.classes),
            transactions: self.transactions.or(fallback.transactions),
        }
    }
}

/// A `transactions.csv` row's event on one of its patents, and for a pledge with an
/// amount a D4 pledge contract shared among the patents it lists.
fn attach_transaction(p: &mut crate::rules::model::Patent, t: &Transaction) {
    let mut text = format!("{} (transactions.csv line {}", t.class.as_str(), t.line);
    if !t.counterparty.is_empty() {
        text.push_str(&format!(", {}", t.counterparty));
    }
    if t.received_e4 > 0 {
        text.push_str(&format!(", received {} 万元", format_wan(t.received_e4 as f64 / 10_000.0)));
    }
    text.push(')');
    push_exact(&mut p.extras_mut().events, crate::rules::events::LegalEvent { date: t.date, class: t.class, text });
    if t.class == EventClass::Pledge && t.amount_e4 > 0 {
        push_exact(
            &mut p.extras_mut().pledges,
            crate::rules::model::PledgeShare {
                contract_id: compact_str::format_compact!("transactions.csv line {}", t.line),
                contract_wan: t.amount_e4 as f64 / 10_000.0,
                patents_in_contract: t.listed,
                registered_on: t.date,
            },
        );
    }
}

/// Push `item` unless `list` has it; whether it was pushed. The list grows by one
/// ([`push_exact`]).
pub(crate) fn push_distinct<T: PartialEq>(list: &mut Vec<T>, item: T) -> bool {
    let new = !list.contains(&item);
    if new {
        push_exact(list, item);
    }
    new
}

/// Push `item`, growing `list` by one item only: a patent's lists are kept for the
/// run and most hold one or two items, where a first push would make room for four
/// (at 5M patents, 100 MB of family lists that `Extras::fit` then copied again).
pub(crate) fn push_exact<T>(list: &mut Vec<T>, item: T) {
    list.reserve_exact(1);
    list.push(item);
}

/// Read one side table (when given) and record it among the inputs.
fn side_table<T>(
    path: &Path,
    role: &'static str,
    merged: &Merged,
    inputs: &mut Vec<InputRecord>,
    read: fn(&crate::read::cells::RawTable, &str, &side::IdResolver<'_>) -> Result<side::SideTable<T>, InputError>,
) -> Result<side::SideTable<T>, InputError> {
    let table = read_table(path)?;
    let t = read(&table, &crate::read::file_info::slashed(path), &merged.resolver())?;
    inputs.push(InputRecord { role, rows: t.rows, file: table.info.clone() });
    Ok(t)
}

/// Read the side tables and attach their items to the patents (SPEC §3, §7, §9, §10):
/// the source counts, and the transactions (for the money of §9).
pub fn attach_side_tables(
    tables: &SideTables,
    merged: &mut Merged,
    inputs: &mut Vec<InputRecord>,
) -> Result<(Sources, Vec<Transaction>), InputError> {
    let mut sources = Sources::default();
    if let Some(path) = &tables.families {
        let t = side_table(path, "families", merged, inputs, side::families)?;
        merged.attach(t, |p, m| {
            push_distinct(&mut p.extras_mut().family, m);
        });
    }
    if let Some(path) = &tables.pledges {
        let t = side_table(path, "pledges", merged, inputs, side::pledges)?;
        merged.attach(t, |p, s| push_exact(&mut p.extras_mut().pledges, s));
    }
    if let Some(path) = &tables.awards {
        let t = side_table(path, "awards", merged, inputs, side::awards)?;
        merged.attach(t, |p, a| {
            push_distinct(&mut p.extras_mut().awards, a);
        });
    }
    if let Some(path) = &tables.events {
        let t = side_table(path, "events", merged, inputs, side::events)?;
        sources.events_table_rows = t.items.len();
        merged.attach(t, |p, mut e| {
            e.class = classify_event(&e.text, p.kind == Some(Kind::Invention));
            push_exact(&mut p.extras_mut().events, e);
        });
    }
    if let Some(path) = &tables.classes {
        let t = side_table(path, "classes", merged, inputs, side::classes)?;
        sources.classes_table_rows = t.items.len();
        sources.cpc_only_codes = t.items.iter().map(|(_, item)| item.cpc_only).sum();
        merged.attach(t, |p, item| {
            let added = p.add_ipc(item.codes);
            p.classes_codes = p.classes_codes.saturating_add(u16::try_from(added).unwrap_or(u16::MAX));
        });
    }
    let mut transactions = Vec::new();
    if let Some(path) = &tables.transactions {
        let t = side_table(path, "transactions", merged, inputs, side::transactions)?;
        sources.transactions_rows = t.items.len();
        for (_, row) in &t.items {
            for id in &row.patents {
                if let Some(k) = merged.position(id) {
                    attach_transaction(&mut merged.patents[k], row);
                }
            }
        }
        merged.rejects.extend(t.rejects);
        merged.warnings.extend(t.warnings);
        transactions = t.items.into_iter().map(|(_, row)| row).collect();
    }
    Ok((sources, transactions))
}
