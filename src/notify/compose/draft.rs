//! What each letter says, in order, as blocks both renderers lay out.
//!
//! A notice answers, in this order: what is affected, why, when it's expected
//! back, what to do meanwhile; then the latest update and a link to the page.

use chrono::{DateTime, Utc};
use reqwest::Url;

use super::subject::{self, and_list};
use super::{Letterhead, Links, labels, why};
use crate::outbox::Letter;
use crate::outbox::notice::{Notice, NoticeKind, Recipient};
use crate::read::{time, words};
use crate::subscribers::PENDING_FOR;

pub struct Draft {
    pub subject: String,
    pub heading: String,
    pub blocks: Vec<Block>,
    /// Why the person gets this, and how to stop it.
    pub footer: Vec<Block>,
}

pub enum Block {
    /// A paragraph in our words.
    Para(String),
    /// A labelled answer in our words ("Why: ...").
    Field(&'static str, String),
    /// A labelled passage of an engineer's text: paragraphs, maybe links.
    Quote(String, String),
    /// Component names, each with its status when that adds something.
    Components(Vec<(String, Option<String>)>),
    /// One or more calls to action, each a link.
    Buttons(Vec<(&'static str, Url)>),
    /// A plain link with a label ("Unsubscribe").
    Link(&'static str, Url),
}

pub fn draft(head: &Letterhead, letter: &Letter) -> Draft {
    match letter {
        Letter::Confirmation { token, .. } => confirmation(head, token),
        Letter::ManageLink { token, .. } => manage_link(head, token),
        Letter::Notice { notice, recipient } => {
            let blocks = match is_incident(notice) {
                true => incident(head, notice, recipient),
                false => maintenance(head, notice),
            };
            Draft {
                subject: subject::notice(head, notice),
                heading: words::incident_name(&notice.name).into_owned(),
                blocks,
                footer: notice_footer(head, notice, recipient),
            }
        }
    }
}

fn is_incident(notice: &Notice) -> bool {
    matches!(
        notice.kind,
        NoticeKind::IncidentOpened | NoticeKind::IncidentUpdated | NoticeKind::IncidentResolved
    )
}

fn incident(head: &Letterhead, notice: &Notice, recipient: &Recipient) -> Vec<Block> {
    let token = recipient.token.as_str();
    let resolved = notice.kind == NoticeKind::IncidentResolved;
    let mut blocks = Vec::new();
    if resolved {
        blocks.push(Block::Para("This incident is resolved.".into()));
    }
    blocks.push(affected(notice, Some(recipient), true));
    blocks.push(Block::Field("Status", labels::status(notice.status).into()));
    blocks.push(why::why(head, notice));
    if !resolved {
        blocks.push(Block::Field("Expected back", eta(head, notice)));
        blocks.extend(why::next_update(head, notice));
        if let Some(workaround) = given(notice.workaround.as_deref()) {
            blocks.push(Block::Quote("Meanwhile".into(), workaround));
        }
    }
    blocks.extend(latest_update(head, notice));
    if resolved {
        blocks.extend(feedback(head, notice, token));
    }
    let page = Links::new(head).incident(notice.subject_id.as_str());
    blocks.push(Block::Buttons(vec![("Follow this incident", page)]));
    blocks
}

/// What of it affects the recipient, each with the status it was set to;
/// without components, the impact.
fn affected(notice: &Notice, recipient: Option<&Recipient>, with_status: bool) -> Block {
    if notice.components.is_empty() {
        return Block::Field("Impact", labels::impact(notice.impact));
    }
    Block::Components(super::affected::rows(notice, recipient, with_status))
}

/// "by 15:30 CET (22 Nov)", in the site's zone.
fn eta(head: &Letterhead, notice: &Notice) -> String {
    match notice.expected_resolution_at {
        Some(at) => why::by(head, at),
        None => "We don't have an estimate yet.".into(),
    }
}

fn latest_update(head: &Letterhead, notice: &Notice) -> Option<Block> {
    let body = given(Some(&words::update(&notice.body, head.tz)))?;
    let when = time::day_time(notice.at, head.tz);
    Some(Block::Quote(format!("Latest update ({when})"), body))
}

/// Asked once, when it's over: whether it works for them is what the team
/// cannot see from inside.
fn feedback(head: &Letterhead, notice: &Notice, token: &str) -> Vec<Block> {
    let links = Links::new(head);
    let answer = |a| links.feedback(notice.subject_id.as_str(), token, a);
    vec![
        Block::Para("Is everything working for you now?".into()),
        Block::Buttons(vec![
            ("Yes, it works", answer("working")),
            ("No, still broken", answer("still-broken")),
        ]),
        Block::Para(
            "One click is enough: your answer goes straight to the team that \
             worked on this incident."
                .into(),
        ),
    ]
}

fn maintenance(head: &Letterhead, notice: &Notice) -> Vec<Block> {
    let mut blocks = vec![Block::Para(maintenance_lead(notice))];
    if let Some((from, until)) = notice.window {
        blocks.push(Block::Field("When", window(head, from, until)));
    }
    if !notice.components.is_empty() {
        blocks.push(affected(notice, None, false));
    }
    if let Some(body) = given(Some(&words::update(&notice.body, head.tz))) {
        blocks.push(Block::Quote("Details".into(), body));
    }
    let page = Links::new(head).incident(notice.subject_id.as_str());
    blocks.push(Block::Buttons(vec![("See it on the status page", page)]));
    blocks
}

fn maintenance_lead(notice: &Notice) -> String {
    match (notice.kind, notice.window) {
        (NoticeKind::MaintenanceReminder, Some((from, _))) => format!(
            "This maintenance starts {}.",
            time::relative_future(from, notice.at)
        ),
        (NoticeKind::MaintenanceReminder, None) => "This maintenance starts soon.".into(),
        (NoticeKind::MaintenanceStarted, _) => "This maintenance is in progress.".into(),
        (NoticeKind::MaintenanceCompleted, _) => "This maintenance is completed.".into(),
        _ => "We have scheduled maintenance.".into(),
    }
}

/// "Sun 22 Nov 02:00–04:00 CET", or each end in full across days.
fn window(head: &Letterhead, from: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let (a, b) = time::window(from, until, head.tz, false);
    let day = |at: DateTime<Utc>| at.with_timezone(&head.tz).date_naive();
    match day(from) == day(until) {
        true => format!("{a}–{b}"),
        false => format!("{a} – {b}"),
    }
}

fn notice_footer(head: &Letterhead, notice: &Notice, recipient: &Recipient) -> Vec<Block> {
    let links = Links::new(head);
    vec![
        Block::Para(format!(
            "You get this because you subscribed to updates about {} on {}.",
            subscribed_to(notice, recipient),
            head.title
        )),
        Block::Link("Manage your subscription", links.manage(&recipient.token)),
        Block::Link("Unsubscribe", links.unsubscribe(&recipient.token)),
    ]
}

/// "Public API and Database", "Public API and 2 other components",
/// "everything". Only the notice knows component names, so those subscribed to
/// but not in it are counted.
fn subscribed_to(notice: &Notice, recipient: &Recipient) -> String {
    if recipient.components.is_empty() {
        return "everything".into();
    }
    let named: Vec<String> = (notice.components.iter())
        .filter(|a| recipient.components.contains(&a.id))
        .map(|a| a.name.clone())
        .collect();
    let others = recipient.components.len() - named.len();
    let counted = match others {
        0 => None,
        1 if named.is_empty() => Some("1 component".to_owned()),
        1 => Some("1 other component".to_owned()),
        n if named.is_empty() => Some(format!("{n} components")),
        n => Some(format!("{n} other components")),
    };
    and_list(&named.into_iter().chain(counted).collect::<Vec<_>>())
}

fn confirmation(head: &Letterhead, token: &str) -> Draft {
    let days = PENDING_FOR.num_days();
    Draft {
        subject: subject::plain(head, "Confirm your subscription"),
        heading: "Confirm your subscription".into(),
        blocks: vec![
            Block::Para(format!(
                "Someone, probably you, asked to get status updates from {} at this address.",
                head.title
            )),
            Block::Buttons(vec![(
                "Confirm to start receiving updates",
                Links::new(head).confirm(token),
            )]),
            Block::Para(format!(
                "Nothing will be sent to this address unless you confirm. \
                 The request expires in {days} days."
            )),
            Block::Para("If this wasn't you, ignore this email.".into()),
        ],
        footer: site_footer(head),
    }
}

fn manage_link(head: &Letterhead, token: &str) -> Draft {
    Draft {
        subject: subject::plain(head, "Your subscription"),
        heading: "Your subscription".into(),
        blocks: vec![
            Block::Para(format!(
                "Someone, probably you, asked to subscribe this address to {}. \
                 It is already subscribed, so nothing has changed.",
                head.title
            )),
            Block::Buttons(vec![(
                "Manage your subscription",
                Links::new(head).manage(token),
            )]),
            Block::Para("There you can choose what you hear about, or unsubscribe.".into()),
            Block::Para("If this wasn't you, ignore this email.".into()),
        ],
        footer: site_footer(head),
    }
}

fn site_footer(head: &Letterhead) -> Vec<Block> {
    vec![Block::Para(format!(
        "Sent by {} ({}) because this address was entered on its subscribe form.",
        head.title, head.public_url
    ))]
}

/// An engineer's text when it says anything.
fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
