//! An incident letter's "Why" and its promised next update, from the
//! notice's data (words: `read::words::promise`).

use chrono::{DateTime, Utc};

use super::draft::Block;
use super::{Letterhead, Links};
use crate::incidents::promise::Grounds;
use crate::outbox::notice::Notice;
use crate::read::words::promise as words;

/// "Why: ...": an engineer's cause as written; the checks' evidence; that
/// it is still investigated, or (once resolved) not yet published; the
/// postmortem's address.
pub fn why(head: &Letterhead, notice: &Notice) -> Block {
    match notice.grounds() {
        Grounds::Cause { text } if !text.trim().is_empty() => {
            Block::Quote("Why".into(), text.trim().to_owned())
        }
        Grounds::Cause { .. } | Grounds::Investigating => {
            Block::Field("Why", words::still_investigating().into())
        }
        Grounds::Checks { seen, passing } => {
            Block::Field("Why", words::checks(&seen, passing, head.tz))
        }
        Grounds::NotPublished => Block::Field("Why", words::cause_not_published().into()),
        Grounds::Postmortem => {
            let mut url = Links::new(head).incident(notice.subject_id.as_str());
            url.set_fragment(Some("postmortem"));
            let said = format!("{}: {url}", words::read_the_postmortem());
            Block::Quote("Why".into(), said)
        }
    }
}

/// "Next update: by 14:32 CET (22 Nov)", while one is promised.
pub fn next_update(head: &Letterhead, notice: &Notice) -> Option<Block> {
    let at = notice.next_update_by?;
    Some(Block::Field(words::next_update_label(), by(head, at)))
}

/// "by 15:30 CET (22 Nov)", in the site's zone.
pub fn by(head: &Letterhead, at: DateTime<Utc>) -> String {
    at.with_timezone(&head.tz)
        .format("by %H:%M %Z (%-d %b)")
        .to_string()
}
