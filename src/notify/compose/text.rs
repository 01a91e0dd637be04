//! The text/plain part: one block per paragraph, links written out in full.

use std::fmt::Write;

use super::draft::{Block, Draft};

pub fn render(draft: &Draft) -> String {
    let mut out = format!("{}\n", draft.heading);
    for block in &draft.blocks {
        out.push('\n');
        push(&mut out, block);
    }
    // The signature separator: many clients fold or grey what follows.
    out.push_str("\n-- \n");
    for block in &draft.footer {
        push(&mut out, block);
    }
    out
}

fn push(out: &mut String, block: &Block) {
    // Writing to a String cannot fail.
    let _ = match block {
        Block::Para(text) => writeln!(out, "{text}"),
        Block::Field(label, text) => writeln!(out, "{label}: {text}"),
        Block::Quote(label, text) => writeln!(out, "{label}:\n{text}"),
        Block::Components(label, list) => {
            let _ = writeln!(out, "{label}:");
            list.iter().try_for_each(|(name, status)| match status {
                Some(status) => writeln!(out, "- {name}: {status}"),
                None => writeln!(out, "- {name}"),
            })
        }
        Block::Buttons(links) => links
            .iter()
            .try_for_each(|(label, url)| writeln!(out, "{label}: {url}")),
        Block::Link(label, url) => writeln!(out, "{label}: {url}"),
    };
}
