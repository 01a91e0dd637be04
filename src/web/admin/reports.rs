//! The dashboard's "Customer reports" section: per component, the reports
//! of the last 15 minutes and hour against its threshold, what its checks
//! say, and the newest texts (escaped, as all text is). Components whose
//! customers report a problem while their checks are green come first,
//! under a warning.

use maud::{Markup, html};

use crate::read::time;
use crate::read::view::View;
use crate::reports::{ComponentReports, Overview};

/// The section, or a line saying the reports could not be read.
pub fn section(v: &View, overview: Option<&Overview>) -> Markup {
    html! {
        section aria-labelledby="reports-title" {
            h2 #reports-title { "Customer reports" }
            @match overview {
                None => p.late { "The reports could not be read (see the log)." },
                Some(o) => (body(v, o)),
            }
        }
    }
}

fn body(v: &View, o: &Overview) -> Markup {
    let unseen: Vec<&ComponentReports> = o.unseen().collect();
    html! {
        @if !unseen.is_empty() {
            div.errors.reports-alarm role="alert" {
                p { strong { "Customers report problems the checks do not see" } }
                ul {
                    @for c in &unseen {
                        li {
                            a href={"/components/" (c.id)} { (c.name) } ": "
                            (c.counts.last_15m) " reports in 15 minutes (threshold " (c.threshold)
                            "), while its checks say " (c.checks_status.label()) "."
                        }
                    }
                }
            }
        }
        @if o.components.is_empty() {
            p.empty { "No reports in the last hour." }
        } @else {
            table.list.reports {
                thead { tr {
                    th { "Component" } th { "15 min" } th { "1 hour" } th { "Threshold" }
                    th { "Checks" } th { "Latest reports" }
                } }
                tbody { @for c in &o.components { (row(v, c)) } }
            }
        }
        p.hint {
            "Reports are counted per component; one network (an IPv4 /24, an IPv6 /64) "
            "may send at most " (crate::web::reports::PER_WINDOW) " in 15 minutes. "
            "They are kept " (crate::reports::KEEP.num_days()) " days and never shown on the public pages."
        }
    }
}

fn row(v: &View, c: &ComponentReports) -> Markup {
    let tz = v.config.site.timezone;
    html! {
        tr.reports--unseen[c.unseen] {
            td { a href={"/components/" (c.id)} { (c.name) } }
            td {
                @if c.over { strong { (c.counts.last_15m) } } @else { (c.counts.last_15m) }
            }
            td { (c.counts.last_1h) }
            td { (c.threshold) }
            td { (c.checks_status.label()) }
            td {
                ul.reports__latest {
                    @for r in &c.latest {
                        li {
                            time datetime=(time::iso(r.at)) { (time::short(crate::lang::Lang::english(), r.at, v.now, tz)) } " "
                            @match &r.text {
                                Some(text) => span.text { (text) },
                                None => span.empty { "(no text)" },
                            }
                        }
                    }
                }
            }
        }
    }
}
