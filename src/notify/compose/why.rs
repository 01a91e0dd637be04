//! An incident letter's "Why" and its promised next update, from the
//! notice's data (words: `read::words::promise`).

use chrono::{DateTime, Utc};

use super::draft::Block;
use super::{Letterhead, Links};
use crate::incidents::promise::Grounds;
use crate::lang::Lang;
use crate::outbox::notice::Notice;
use crate::read::words::promise as words;

/// "Why: ...": an engineer's cause as written; the checks' evidence; that
/// it is still investigated, or (once resolved) not yet published; the
/// postmortem's address.
pub fn why(head: &Letterhead, l: Lang, notice: &Notice) -> Block {
    let label = l.say("mail-why");
    match notice.grounds() {
        Grounds::Cause { text } if !text.trim().is_empty() => {
            Block::Quote(label, text.trim().to_owned())
        }
        Grounds::Cause { .. } | Grounds::Investigating => {
            Block::Field(label, words::still_investigating(l))
        }
        Grounds::Checks { seen, passing } => {
            Block::Field(label, words::checks(l, &seen, passing, head.tz))
        }
        Grounds::NotPublished => Block::Field(label, words::cause_not_published(l)),
        Grounds::Postmortem => {
            let mut url = Links::new(head).incident(notice.subject_id.as_str());
            url.set_fragment(Some("postmortem"));
            let said = words::why(l, &Grounds::Postmortem, head.tz, url.as_str());
            Block::Quote(label, said)
        }
    }
}

/// "Next update: by 14:32 CET (22 Nov)", while one is promised.
pub fn next_update(head: &Letterhead, l: Lang, notice: &Notice) -> Option<Block> {
    let at = notice.next_update_by?;
    Some(Block::Field(words::next_update_label(l), by(head, l, at)))
}

/// "by 15:30 CET (22 Nov)", in the site's zone.
pub fn by(head: &Letterhead, l: Lang, at: DateTime<Utc>) -> String {
    l.date(&at.with_timezone(&head.tz), "mail-eta")
}
