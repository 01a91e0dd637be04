//! Composing the email for one [`Letter`]: subject, threading and unsubscribe
//! headers, and the same words as text/plain and HTML.
//!
//! What a message says is decided once, in [`draft`], as a list of blocks; the
//! [`text`] and [`html`] renderers only lay those blocks out, so the two parts
//! can never disagree about what is affected, why, or until when.

mod affected;
mod draft;
mod html;
mod labels;
mod subject;
mod text;
mod why;

#[cfg(test)]
mod tests;

use std::time::SystemTime;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use reqwest::Url;

use crate::config::Config;
use crate::lang::Lang;
use crate::outbox::Letter;
use crate::outbox::notice::{Notice, Recipient};

/// What every message needs from the config.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// The site's title, in every subject (`[Acme Status] ...`).
    pub title: String,
    /// Base of every link, and the domain of Message-IDs.
    pub public_url: Url,
    /// Times are written in this zone, with the zone named.
    pub tz: chrono_tz::Tz,
    pub from: Mailbox,
    /// The languages offered, and the one for readers who chose none.
    pub languages: Vec<Lang>,
    pub default_language: Lang,
}

impl Letterhead {
    pub fn from_config(config: &Config) -> Self {
        Self {
            title: config.site.title.clone(),
            public_url: config.site.public_url.clone(),
            tz: config.site.timezone,
            from: config.email.from.clone(),
            languages: config.site.languages.clone(),
            default_language: config.site.default_language,
        }
    }

    /// A stored language tag as a language offered, else the default.
    pub fn lang(&self, tag: Option<&str>) -> Lang {
        tag.and_then(Lang::parse)
            .filter(|l| self.languages.contains(l))
            .unwrap_or(self.default_language)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    // The address stays out of the message: it ends up in logs.
    #[error("the recipient's address cannot be mailed ({source})")]
    Recipient {
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("\"{0}\" cannot be the base of links (it needs to be an http(s) URL)")]
    PublicUrl(Url),
    #[error("could not build the message ({0})")]
    Build(#[from] lettre::error::Error),
}

/// Builds the whole message for one letter.
pub fn compose(head: &Letterhead, letter: &Letter) -> Result<Message, ComposeError> {
    if head.public_url.cannot_be_a_base() {
        return Err(ComposeError::PublicUrl(head.public_url.clone()));
    }
    let to = letter
        .to()
        .parse::<Address>()
        .map_err(|source| ComposeError::Recipient {
            address: letter.to().to_owned(),
            source,
        })?;
    let draft = draft::draft(head, letter);
    let body = MultiPart::alternative_plain_html(text::render(&draft), html::render(&draft));
    let builder = Message::builder()
        .from(head.from.clone())
        .to(Mailbox::new(None, to))
        .subject(draft.subject);
    let builder = match letter {
        Letter::Notice { notice, recipient } => {
            let unsubscribe = Links::new(head).unsubscribe(recipient);
            with_unsubscribe(with_thread(builder, head, notice), &unsubscribe)
        }
        Letter::Confirmation { .. }
        | Letter::ManageLink { .. }
        | Letter::FollowConfirmation { .. } => builder.message_id(Some(lone_message_id(head))),
    };
    Ok(builder.multipart(body)?)
}

/// The text/plain part of [`compose`]'s message (before transfer encoding).
pub fn render_text(head: &Letterhead, letter: &Letter) -> String {
    text::render(&draft::draft(head, letter))
}

/// The text/html part of [`compose`]'s message (before transfer encoding).
pub fn render_html(head: &Letterhead, letter: &Letter) -> String {
    html::render(&draft::draft(head, letter))
}

/// One thread per incident or maintenance: the first notice is the root, every
/// later one replies to it, so mail clients group them without "Re:" subjects.
fn with_thread(
    builder: lettre::message::MessageBuilder,
    head: &Letterhead,
    notice: &Notice,
) -> lettre::message::MessageBuilder {
    let host = message_id_host(head);
    let root = format!("<{}@{host}>", id_part(notice.subject_id.as_str()));
    let builder = builder.date(SystemTime::from(notice.at));
    if notice.starts_thread() {
        return builder.message_id(Some(root));
    }
    let own = format!(
        "<{}.{}@{host}>",
        id_part(notice.subject_id.as_str()),
        id_part(&notice.update_id.to_string())
    );
    builder
        .message_id(Some(own))
        .in_reply_to(root.clone())
        .references(root)
}

/// RFC 2369 and RFC 8058: mail clients show an unsubscribe button that posts
/// to the link, without the person opening the page.
fn with_unsubscribe(
    builder: lettre::message::MessageBuilder,
    unsubscribe: &Url,
) -> lettre::message::MessageBuilder {
    const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
    const ONE_CLICK: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
    builder
        .raw_header(HeaderValue::new(
            LIST_UNSUBSCRIBE,
            format!("<{unsubscribe}>"),
        ))
        .raw_header(HeaderValue::new(
            ONE_CLICK,
            "List-Unsubscribe=One-Click".to_owned(),
        ))
}

/// A fresh id for a message that belongs to no thread.
fn lone_message_id(head: &Letterhead) -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("<{n:032x}@{}>", message_id_host(head))
}

fn message_id_host(head: &Letterhead) -> String {
    head.public_url
        .host_str()
        .unwrap_or("candor.invalid")
        .to_owned()
}

/// Ids are generated as `[a-z0-9]`; anything else is dropped rather than let
/// into a header.
fn id_part(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The site's pages a message links to, under `public_url` (which may have a
/// path of its own). Each id or token is one percent-encoded path segment.
pub(crate) struct Links {
    base: Url,
}

impl Links {
    pub(crate) fn new(head: &Letterhead) -> Self {
        let mut base = head.public_url.clone();
        base.set_query(None);
        base.set_fragment(None);
        Self { base }
    }

    fn at(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // Only a cannot-be-a-base URL refuses, and `compose` rejects those.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub(crate) fn incident(&self, subject_id: &str) -> Url {
        self.at(&["incidents", subject_id])
    }

    pub(crate) fn confirm(&self, token: &str) -> Url {
        self.at(&["subscriptions", token, "confirm"])
    }

    pub(crate) fn manage(&self, token: &str) -> Url {
        self.at(&["subscriptions", token])
    }

    /// Where a recipient leaves: a subscriber unsubscribes, a follower
    /// stops following.
    pub(crate) fn unsubscribe(&self, recipient: &Recipient) -> Url {
        let token = recipient.token.as_str();
        match recipient.follower {
            true => self.stop_following(token),
            false => self.at(&["subscriptions", token, "unsubscribe"]),
        }
    }

    pub(crate) fn confirm_follow(&self, token: &str) -> Url {
        self.at(&["follow", token, "confirm"])
    }

    pub(crate) fn stop_following(&self, token: &str) -> Url {
        self.at(&["follow", token, "stop"])
    }

    /// `answer` is `working` or `still-broken`.
    pub(crate) fn feedback(&self, incident_id: &str, token: &str, answer: &str) -> Url {
        self.at(&["feedback", incident_id, token, answer])
    }
}
