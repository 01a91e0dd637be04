//! Subjects: `[{title}] {headline} — {status}`, short enough to read in a list.

use super::{Letterhead, labels};
use crate::outbox::notice::{Notice, NoticeKind};
use crate::read::{time, words};

/// Longest subject, in characters; longer ones are shortened, not cut mid-name
/// where a component list can give way first.
pub const MAX: usize = 150;

pub fn notice(head: &Letterhead, notice: &Notice) -> String {
    let prefix = format!("[{}] ", head.title);
    let (headline, tail) = match notice.kind {
        NoticeKind::IncidentOpened | NoticeKind::IncidentUpdated | NoticeKind::IncidentResolved => {
            (
                incident_headline(notice),
                labels::status(notice.status).into(),
            )
        }
        _ => (
            Headline::Named(format!(
                "Scheduled maintenance: {}",
                words::incident_name(&notice.name)
            )),
            maintenance_tail(head, notice),
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
            let list = within(&names, budget.saturating_sub(chars(&lead)));
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
fn incident_headline(notice: &Notice) -> Headline {
    if notice.components.is_empty() {
        return Headline::Named(words::incident_name(&notice.name).into_owned());
    }
    Headline::Components {
        impact: labels::impact(notice.impact),
        names: notice.components.iter().map(|a| a.name.clone()).collect(),
    }
}

fn maintenance_tail(head: &Letterhead, notice: &Notice) -> String {
    let start = notice.window.map(|(from, _)| from);
    match notice.kind {
        NoticeKind::MaintenanceScheduled => start
            .map(|s| time::day_time(s, head.tz))
            .unwrap_or_default(),
        NoticeKind::MaintenanceReminder => match start {
            Some(s) => format!("starts {}", time::relative_future(s, notice.at)),
            None => "starting soon".into(),
        },
        NoticeKind::MaintenanceStarted => "in progress".into(),
        NoticeKind::MaintenanceCompleted => "completed".into(),
        _ => labels::status(notice.status).into(),
    }
}

/// "A, B and C", or as many names as fit in `budget` characters followed by
/// "and 2 more"; at least one name.
pub fn within(names: &[String], budget: usize) -> String {
    for shown in (1..=names.len()).rev() {
        let list = listed(names, shown);
        if chars(&list) <= budget || shown == 1 {
            return list;
        }
    }
    String::new()
}

/// The first `shown` names; the rest counted.
fn listed(names: &[String], shown: usize) -> String {
    let rest = names.len() - shown;
    if rest == 0 {
        return and_list(names);
    }
    format!("{} and {rest} more", names[..shown].join(", "))
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
