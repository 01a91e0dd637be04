//! Subjects: `[{title}] {headline} — {status}`, short enough to read in a list.

use super::{Letterhead, labels};
use crate::lang::Lang;
use crate::outbox::notice::{Notice, NoticeKind};
use crate::read::{time, words};
use crate::say;

/// Longest subject, in characters; longer ones are shortened, not cut mid-name
/// where a component list can give way first.
pub const MAX: usize = 150;

pub fn notice(head: &Letterhead, l: Lang, notice: &Notice) -> String {
    let prefix = format!("[{}] ", head.title);
    let (headline, tail) = match notice.kind {
        NoticeKind::IncidentOpened | NoticeKind::IncidentUpdated | NoticeKind::IncidentResolved => {
            (
                incident_headline(l, notice),
                labels::status(l, notice.status),
            )
        }
        _ => (
            Headline::Named(say!(
                l,
                "mail-subject-maintenance",
                name = words::incident_name(l, &notice.name)
            )),
            maintenance_tail(head, l, notice),
        ),
    };
    let fixed = match tail.is_empty() {
        true => String::new(),
        false => format!(" — {tail}"),
    };
    let budget = MAX.saturating_sub(chars(&prefix) + chars(&fixed));
    let headline = match headline {
        Headline::Named(name) => shorten(&name, budget),
        Headline::Components { impact, names } => {
            let lead = format!("{impact}: ");
            let list = within(l, &names, budget.saturating_sub(chars(&lead)));
            shorten(&format!("{lead}{list}"), budget)
        }
    };
    format!("{prefix}{headline}{fixed}")
}

/// A subject for a message that is not a notice.
pub fn plain(head: &Letterhead, what: &str) -> String {
    shorten(&format!("[{}] {what}", head.title), MAX)
}

enum Headline {
    Named(String),
    Components { impact: String, names: Vec<String> },
}

/// "Major outage: Public API" says more in a list of subjects than an
/// incident's name; a name is all there is when no component is affected.
fn incident_headline(l: Lang, notice: &Notice) -> Headline {
    if notice.components.is_empty() {
        return Headline::Named(words::incident_name(l, &notice.name).into_owned());
    }
    Headline::Components {
        impact: labels::impact(l, notice.impact),
        names: notice.components.iter().map(|a| a.name.clone()).collect(),
    }
}

fn maintenance_tail(head: &Letterhead, l: Lang, notice: &Notice) -> String {
    let start = notice.window.map(|(from, _)| from);
    match notice.kind {
        NoticeKind::MaintenanceScheduled => start
            .map(|s| time::day_time(l, s, head.tz))
            .unwrap_or_default(),
        NoticeKind::MaintenanceReminder => match start {
            Some(s) => say!(
                l,
                "mail-subject-starts",
                within = time::relative_future(l, s, notice.at)
            ),
            None => l.say("mail-subject-soon"),
        },
        NoticeKind::MaintenanceStarted => l.say("mail-subject-in-progress"),
        NoticeKind::MaintenanceCompleted => l.say("mail-subject-completed"),
        _ => labels::status(l, notice.status),
    }
}

/// "A, B and C", or as many names as fit in `budget` characters followed by
/// "and 2 more"; at least one name.
pub fn within(l: Lang, names: &[String], budget: usize) -> String {
    for shown in (1..=names.len()).rev() {
        let list = listed(l, names, shown);
        if chars(&list) <= budget || shown == 1 {
            return list;
        }
    }
    String::new()
}

/// The first `shown` names; the rest counted.
fn listed(l: Lang, names: &[String], shown: usize) -> String {
    let rest = names.len() - shown;
    if rest == 0 {
        return and_list(l, names);
    }
    let shown = names[..shown].join(&l.say("list-separator"));
    say!(l, "list-more", shown = shown, rest = rest)
}

pub use crate::read::words::and_list;

/// `s` cut to `max` characters, the cut marked with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if chars(s) <= max {
        return s.to_owned();
    }
    let kept: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

fn chars(s: &str) -> usize {
    s.chars().count()
}
