//! What a visitor may type with a report: one short line of text. It is
//! cleaned once, here, before anything stores it: control characters
//! (line breaks and tabs become spaces), Unicode direction overrides (which
//! could make the admin page show it in another order than it was written)
//! and noncharacters are removed, runs of spaces become one. It is only ever
//! shown to engineers, escaped; never on a public page.

/// The longest text kept with a report, in characters (after cleaning).
pub const TEXT_MAX: usize = 500;

/// The text was longer than [`TEXT_MAX`] characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{chars} characters, more than the {TEXT_MAX} a report keeps")]
pub struct TextTooLong {
    pub chars: usize,
}

/// The text as stored: None when nothing is left of it.
pub fn clean_text(raw: &str) -> Result<Option<String>, TextTooLong> {
    let kept: String = raw
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || is_direction(c) || is_noncharacter(c) => None,
            c => Some(c),
        })
        .collect();
    let text = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = text.chars().count();
    if chars > TEXT_MAX {
        return Err(TextTooLong { chars });
    }
    Ok((!text.is_empty()).then_some(text))
}

/// Unicode's explicit direction marks, embeddings, overrides and isolates.
fn is_direction(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// U+FDD0..U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}
