//! The "Affected" list of an incident email: what affects this subscriber,
//! told by group when it is long, so 50 failing components are a line, not a
//! page.

use crate::lang::Lang;
use crate::model::ComponentStatus;
use crate::outbox::notice::{Affected, Notice, Recipient};
use crate::read::words;
use crate::say;

/// Longest list told component by component.
const ROWS: usize = 10;

/// Rows of (name, status): the notice's components the recipient follows
/// (all, for those who follow everything), then how many others it affects.
pub fn rows(
    l: Lang,
    notice: &Notice,
    recipient: Option<&Recipient>,
    with_status: bool,
) -> Vec<(String, Option<String>)> {
    let follows = |a: &&Affected| {
        recipient.is_none_or(|r| r.components.is_empty() || r.components.contains(&a.id))
    };
    let mut mine: Vec<&Affected> = notice.components.iter().filter(follows).collect();
    if mine.is_empty() {
        mine = notice.components.iter().collect();
    }
    let others = notice.components.len() - mine.len();
    let status = |s: ComponentStatus| with_status.then(|| words::status(l, s));
    let mut rows: Vec<(String, Option<String>)> = match mine.len() > ROWS {
        false => (mine.iter())
            .map(|a| (a.name.clone(), status(a.status)))
            .collect(),
        true => by_group(l, &mine)
            .into_iter()
            .map(|(name, worst)| (name, status(worst)))
            .collect(),
    };
    if rows.len() > ROWS {
        let rest = rows.len() - (ROWS - 1);
        rows.truncate(ROWS - 1);
        rows.push((say!(l, "mail-and-more", n = rest), None));
    }
    if others > 0 {
        rows.push((say!(l, "mail-and-others", n = others), None));
    }
    rows
}

/// A row per group ("Europe West: 50 components", with the worst status in
/// it), and one per component outside any group, in the order first seen.
fn by_group(l: Lang, list: &[&Affected]) -> Vec<(String, ComponentStatus)> {
    let mut rows: Vec<(Option<&str>, String, usize, ComponentStatus)> = Vec::new();
    for a in list {
        let group = a.group.as_deref();
        match rows.iter_mut().find(|r| group.is_some() && r.0 == group) {
            Some(row) => {
                row.2 += 1;
                if a.status.severity() > row.3.severity() {
                    row.3 = a.status;
                }
            }
            None => rows.push((group, a.name.clone(), 1, a.status)),
        }
    }
    rows.into_iter()
        .map(|(group, name, n, worst)| match group {
            Some(g) if n > 1 => (say!(l, "mail-group-count", group = g, n = n), worst),
            _ => (name, worst),
        })
        .collect()
}
