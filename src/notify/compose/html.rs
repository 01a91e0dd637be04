//! The text/html part: one narrow column, inline styles only (mail clients
//! drop `<style>` and external CSS), no images. Everything goes through maud,
//! engineers' text through the status page's own paragraph-and-link renderer,
//! so nothing is `PreEscaped`.

use maud::{DOCTYPE, Markup, html};

use super::draft::{Block, Draft};
use crate::markup as text;

const BODY: &str = "margin:0;padding:24px 12px;background:#f4f5f7;";
const COLUMN: &str = "max-width:600px;margin:0 auto;padding:24px;background:#ffffff;\
    border-radius:6px;color:#1f2328;font:15px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;";
const HEADING: &str = "margin:0 0 16px;font-size:20px;line-height:1.3;";
const LABEL: &str = "margin:16px 0 4px;font-weight:bold;";
const BUTTON: &str = "display:inline-block;margin:0 8px 8px 0;padding:10px 16px;\
    background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;";
const FOOTER: &str = "max-width:600px;margin:16px auto 0;padding:0 24px;color:#57606a;\
    font:13px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;";
const FOOTER_LINK: &str = "color:#57606a;";

pub fn render(draft: &Draft) -> String {
    html! {
        (DOCTYPE)
        html lang=(draft.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (draft.subject) }
            }
            body style=(BODY) {
                div style=(COLUMN) {
                    h1 style=(HEADING) { (draft.heading) }
                    @for block in &draft.blocks { (block_html(block)) }
                }
                div style=(FOOTER) {
                    @for block in &draft.footer { (footer_html(block)) }
                }
            }
        }
    }
    .into_string()
}

fn block_html(block: &Block) -> Markup {
    html! {
        @match block {
            Block::Para(text) => p { (text) },
            Block::Field(label, text) => p { strong { (label) ": " } (text) },
            Block::Quote(label, said) => {
                p style=(LABEL) { (label) }
                (text::render(said))
            },
            Block::Components(label, list) => {
                p style=(LABEL) { (label) }
                ul style="margin:0;padding-left:20px;" {
                    @for (name, status) in list {
                        li { (name) @if let Some(s) = status { ": " strong { (s) } } }
                    }
                }
            },
            Block::Buttons(links) => p style="margin:20px 0;" {
                @for (label, url) in links {
                    a href=(url) style=(BUTTON) { (label) }
                }
            },
            Block::Link(label, url) => p { a href=(url) { (label) } },
        }
    }
}

fn footer_html(block: &Block) -> Markup {
    html! {
        @match block {
            Block::Link(label, url) => p style="margin:4px 0;" {
                a href=(url) style=(FOOTER_LINK) { (label) }
            },
            other => (block_html(other)),
        }
    }
}
