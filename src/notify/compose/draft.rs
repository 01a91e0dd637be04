//! What each letter says, in order, as blocks both renderers lay out.
//!
//! A notice answers, in this order: what is affected, why, when it's expected
//! back, what to do meanwhile; then the latest update and a link to the page.

use chrono::{DateTime, Utc};
use reqwest::Url;

use super::subject::{self, and_list};
use super::{Letterhead, Links, labels, why};
use crate::incidents::IncidentName;
use crate::lang::Lang;
use crate::outbox::Letter;
use crate::outbox::notice::{Notice, NoticeKind, Recipient};
use crate::read::{time, words};
use crate::say;
use crate::subscribers::PENDING_FOR;

pub struct Draft {
    pub subject: String,
    pub heading: String,
    pub blocks: Vec<Block>,
    /// Why the person gets this, and how to stop it.
    pub footer: Vec<Block>,
    /// The language it is written in.
    pub lang: Lang,
}

pub enum Block {
    /// A paragraph in our words.
    Para(String),
    /// A labelled answer in our words ("Why: ...").
    Field(String, String),
    /// A labelled passage of an engineer's text: paragraphs, maybe links.
    Quote(String, String),
    /// Under a label, component names, each with its status when that adds
    /// something.
    Components(String, Vec<(String, Option<String>)>),
    /// One or more calls to action, each a link.
    Buttons(Vec<(String, Url)>),
    /// A plain link with a label ("Unsubscribe").
    Link(String, Url),
}

pub fn draft(head: &Letterhead, letter: &Letter) -> Draft {
    let l = head.lang(letter.language());
    match letter {
        Letter::Confirmation { token, .. } => confirmation(head, l, token),
        Letter::ManageLink { token, .. } => manage_link(head, l, token),
        Letter::FollowConfirmation { token, name, .. } => follow_confirmation(head, l, token, name),
        Letter::Notice { notice, recipient } => {
            let blocks = match is_incident(notice) {
                true => incident(head, l, notice, recipient),
                false => maintenance(head, l, notice),
            };
            Draft {
                subject: subject::notice(head, l, notice),
                heading: words::incident_name(l, &notice.name).into_owned(),
                blocks,
                footer: notice_footer(head, l, notice, recipient),
                lang: l,
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

fn incident(head: &Letterhead, l: Lang, notice: &Notice, recipient: &Recipient) -> Vec<Block> {
    let token = recipient.token.as_str();
    let resolved = notice.kind == NoticeKind::IncidentResolved;
    let mut blocks = Vec::new();
    if resolved {
        blocks.push(Block::Para(l.say("mail-resolved")));
    }
    blocks.push(affected(l, notice, Some(recipient), true));
    blocks.push(Block::Field(
        l.say("mail-status"),
        labels::status(l, notice.status),
    ));
    blocks.push(why::why(head, l, notice));
    if !resolved {
        blocks.push(Block::Field(l.say("mail-back"), eta(head, l, notice)));
        blocks.extend(why::next_update(head, l, notice));
        if let Some(workaround) = given(notice.workaround.as_deref()) {
            blocks.push(Block::Quote(l.say("mail-meanwhile"), workaround));
        }
    }
    blocks.extend(latest_update(head, l, notice));
    if resolved {
        blocks.extend(feedback(head, l, notice, token));
    }
    let page = Links::new(head).incident(notice.subject_id.as_str());
    blocks.push(Block::Buttons(vec![(l.say("mail-follow"), page)]));
    blocks
}

/// What of it affects the recipient, each with the status it was set to;
/// without components, the impact.
fn affected(l: Lang, notice: &Notice, recipient: Option<&Recipient>, with_status: bool) -> Block {
    if notice.components.is_empty() {
        return Block::Field(l.say("mail-impact"), labels::impact(l, notice.impact));
    }
    Block::Components(
        l.say("mail-affected"),
        super::affected::rows(l, notice, recipient, with_status),
    )
}

/// "by 15:30 CET (22 Nov)", in the site's zone.
fn eta(head: &Letterhead, l: Lang, notice: &Notice) -> String {
    match notice.expected_resolution_at {
        Some(at) => why::by(head, l, at),
        None => l.say("mail-no-estimate"),
    }
}

fn latest_update(head: &Letterhead, l: Lang, notice: &Notice) -> Option<Block> {
    let body = given(Some(&words::update(l, &notice.body, head.tz)))?;
    let when = time::day_time(l, notice.at, head.tz);
    Some(Block::Quote(say!(l, "mail-latest-update", at = when), body))
}

/// Asked once, when it's over: whether it works for them is what the team
/// cannot see from inside.
fn feedback(head: &Letterhead, l: Lang, notice: &Notice, token: &str) -> Vec<Block> {
    let links = Links::new(head);
    let answer = |a| links.feedback(notice.subject_id.as_str(), token, a);
    vec![
        Block::Para(l.say("mail-feedback-question")),
        Block::Buttons(vec![
            (l.say("mail-feedback-working"), answer("working")),
            (l.say("mail-feedback-broken"), answer("still-broken")),
        ]),
        Block::Para(l.say("mail-feedback-note")),
    ]
}

fn maintenance(head: &Letterhead, l: Lang, notice: &Notice) -> Vec<Block> {
    let mut blocks = vec![Block::Para(maintenance_lead(l, notice))];
    if let Some((from, until)) = notice.window {
        blocks.push(Block::Field(
            l.say("mail-when"),
            window(head, l, from, until),
        ));
    }
    if !notice.components.is_empty() {
        blocks.push(affected(l, notice, None, false));
    }
    if let Some(body) = given(Some(&words::update(l, &notice.body, head.tz))) {
        blocks.push(Block::Quote(l.say("mail-details"), body));
    }
    let page = Links::new(head).incident(notice.subject_id.as_str());
    blocks.push(Block::Buttons(vec![(l.say("mail-see-page"), page)]));
    blocks
}

fn maintenance_lead(l: Lang, notice: &Notice) -> String {
    match (notice.kind, notice.window) {
        (NoticeKind::MaintenanceReminder, Some((from, _))) => say!(
            l,
            "mail-maintenance-starts",
            within = time::relative_future(l, from, notice.at)
        ),
        (NoticeKind::MaintenanceReminder, None) => l.say("mail-maintenance-soon"),
        (NoticeKind::MaintenanceStarted, _) => l.say("mail-maintenance-started"),
        (NoticeKind::MaintenanceCompleted, _) => l.say("mail-maintenance-completed"),
        _ => l.say("mail-maintenance-scheduled"),
    }
}

/// "Sun 22 Nov 02:00–04:00 CET", or each end in full across days.
fn window(head: &Letterhead, l: Lang, from: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let (a, b) = time::window(l, from, until, head.tz, false);
    let day = |at: DateTime<Utc>| at.with_timezone(&head.tz).date_naive();
    match day(from) == day(until) {
        true => format!("{a}–{b}"),
        false => format!("{a} – {b}"),
    }
}

fn notice_footer(head: &Letterhead, l: Lang, notice: &Notice, recipient: &Recipient) -> Vec<Block> {
    let links = Links::new(head);
    if recipient.follower {
        return vec![
            Block::Para(say!(
                l,
                "mail-footer-follower",
                incident = words::incident_name(l, &notice.name),
                site = head.title.as_str()
            )),
            Block::Link(l.say("mail-stop-following"), links.unsubscribe(recipient)),
        ];
    }
    vec![
        Block::Para(say!(
            l,
            "mail-footer-why",
            what = subscribed_to(l, notice, recipient),
            site = head.title.as_str()
        )),
        Block::Link(l.say("mail-manage"), links.manage(&recipient.token)),
        Block::Link(l.say("mail-unsubscribe"), links.unsubscribe(recipient)),
    ]
}

/// "Public API and Database", "Public API and 2 other components",
/// "everything". Only the notice knows component names, so those subscribed to
/// but not in it are counted.
fn subscribed_to(l: Lang, notice: &Notice, recipient: &Recipient) -> String {
    if recipient.components.is_empty() {
        return l.say("mail-everything");
    }
    let named: Vec<String> = (notice.components.iter())
        .filter(|a| recipient.components.contains(&a.id))
        .map(|a| a.name.clone())
        .collect();
    let others = recipient.components.len() - named.len();
    let counted = match others {
        0 => None,
        n if named.is_empty() => Some(say!(l, "mail-n-components", n = n)),
        n => Some(say!(l, "mail-n-other-components", n = n)),
    };
    and_list(l, &named.into_iter().chain(counted).collect::<Vec<_>>())
}

fn confirmation(head: &Letterhead, l: Lang, token: &str) -> Draft {
    let days = PENDING_FOR.num_days();
    let title = l.say("mail-confirm-title");
    Draft {
        subject: subject::plain(head, &title),
        heading: title,
        blocks: vec![
            Block::Para(say!(l, "mail-confirm-asked", site = head.title.as_str())),
            Block::Buttons(vec![(
                l.say("mail-confirm-button"),
                Links::new(head).confirm(token),
            )]),
            Block::Para(say!(l, "mail-confirm-nothing", days = days)),
            Block::Para(l.say("mail-not-you")),
        ],
        footer: site_footer(head, l),
        lang: l,
    }
}

/// A follower's double opt-in: one incident's news, nothing else.
fn follow_confirmation(head: &Letterhead, l: Lang, token: &str, name: &IncidentName) -> Draft {
    let title = l.say("mail-follow-confirm-title");
    let incident = words::incident_name(l, name);
    Draft {
        subject: subject::plain(head, &title),
        heading: title,
        blocks: vec![
            Block::Para(say!(
                l,
                "mail-follow-confirm-asked",
                incident = incident,
                site = head.title.as_str()
            )),
            Block::Buttons(vec![(
                l.say("mail-follow-confirm-button"),
                Links::new(head).confirm_follow(token),
            )]),
            Block::Para(say!(
                l,
                "mail-follow-confirm-nothing",
                days = PENDING_FOR.num_days()
            )),
            Block::Para(l.say("mail-not-you")),
        ],
        footer: site_footer(head, l),
        lang: l,
    }
}

fn manage_link(head: &Letterhead, l: Lang, token: &str) -> Draft {
    let title = l.say("mail-manage-title");
    Draft {
        subject: subject::plain(head, &title),
        heading: title,
        blocks: vec![
            Block::Para(say!(l, "mail-manage-asked", site = head.title.as_str())),
            Block::Buttons(vec![(l.say("mail-manage"), Links::new(head).manage(token))]),
            Block::Para(l.say("mail-manage-there")),
            Block::Para(l.say("mail-not-you")),
        ],
        footer: site_footer(head, l),
        lang: l,
    }
}

fn site_footer(head: &Letterhead, l: Lang) -> Vec<Block> {
    vec![Block::Para(say!(
        l,
        "mail-site-footer",
        site = head.title.as_str(),
        url = head.public_url.as_str()
    ))]
}

/// An engineer's text when it says anything.
fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
