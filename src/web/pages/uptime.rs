//! The 90-day uptime bar of a component's page: one cell per local day,
//! coloured by its uptime and carrying its own text (date, uptime, incidents
//! that day), so the colour is never the only way to read it, and the same
//! days as a list in words. Narrow screens show the last 60 or 30 days (a
//! stylesheet rule), never a horizontal scroll, and the legend's figure is
//! then the one over those days. Every figure says what it covers: "since
//! 2 Dec (4 days of data)" when observation began within its days. `/` shows the compact form of
//! the bar (`strip`).

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::config::Component;
use crate::incidents::Book;
use crate::model::ComponentId;
use crate::read::words;
use crate::uptime::report::{Coverage, Summary};
use crate::uptime::{Totals, calendar, uptime};

/// Incident names per component and local day, for the cells' text.
pub type DayIncidents<'a> = HashMap<(&'a ComponentId, NaiveDate), Vec<Cow<'a, str>>>;

/// Every incident of the last `days` days, on each day it was open, per
/// affected component.
pub fn incidents_by_day(book: &Book, now: DateTime<Utc>, tz: Tz, days: u32) -> DayIncidents<'_> {
    let today = calendar::local_date(now, tz);
    let first = today - chrono::Duration::days(i64::from(days));
    let mut out: DayIncidents<'_> = HashMap::new();
    for i in book.incidents.values() {
        let last = calendar::local_date(i.resolved_at.unwrap_or(now), tz).min(today);
        let mut day = calendar::local_date(i.started_at, tz).max(first);
        let name = words::incident_name(&i.name);
        while day <= last {
            for c in i.components.keys() {
                out.entry((c, day)).or_default().push(name.clone());
            }
            day = day.succ_opt().unwrap_or(last + chrono::Duration::days(1));
        }
    }
    out
}

/// "99.95%": floored, so a day with any downtime never reads 100%. (The
/// millionth added keeps float error from flooring an exact 99.95 to 99.94.)
pub fn percent(u: f64) -> String {
    if u >= 1.0 {
        return "100%".to_owned();
    }
    let floored = (u * 10_000.0 + 1e-6).floor().min(9_999.0) / 100.0;
    format!("{floored:.2}%")
}

/// "since 2 Dec (4 days of data)" when observation began within the
/// figure's days, so a new install's figure never reads as 90 days' worth.
pub fn since(c: &Coverage) -> Option<String> {
    let days = match c.observed_days {
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    };
    c.since
        .map(|d| format!("since {} ({days} of data)", d.format("%-d %b")))
}

/// "99.95% uptime over 90 days", "99.2% uptime since 2 Dec (4 days of
/// data)", "no data over 90 days": a figure that says what it covers.
pub fn caption(c: &Coverage) -> String {
    match (c.uptime, since(c)) {
        (None, _) => format!("no data over {} days", c.days),
        (Some(u), Some(since)) => format!("{} uptime {since}", percent(u)),
        (Some(u), None) => format!("{} uptime over {} days", percent(u), c.days),
    }
}

/// The bar with its legend: the oldest day shown, the figure over the days
/// shown (90, or 60 and 30 on narrow screens, which show only those), today.
pub fn bar(c: &Component, s: &Summary, incidents: &DayIncidents<'_>) -> Markup {
    html! {
        div.uptime {
            ol.bar aria-label={(c.name) ": uptime per day from " (range(s)) ", oldest first"} {
                @for (date, totals) in &s.days {
                    (cell(*date, totals.as_ref(), incidents.get(&(&c.id, *date))))
                }
            }
            p.bar__legend {
                span.bar__from {
                    span.bar__90 { "90 days ago" }
                    span.bar__60 { "60 days ago" }
                    span.bar__30 { "30 days ago" }
                }
                span.bar__figure {
                    span.bar__90 { (caption(&s.coverage(90))) }
                    span.bar__60 { (caption(&s.coverage(60))) }
                    span.bar__30 { (caption(&s.coverage(30))) }
                }
                span.bar__to { "Today" }
            }
        }
    }
}

/// "3 Sep 2026 to 1 Dec 2026": the bar's days, whose cells name no year.
fn range(s: &Summary) -> String {
    let day = |d: Option<&(NaiveDate, _)>| d.map(|(d, _)| d.format("%-d %b %Y").to_string());
    format!(
        "{} to {}",
        day(s.days.first()).unwrap_or_default(),
        day(s.days.last()).unwrap_or_default()
    )
}

/// One day: a coloured cell whose text (hidden until hovered or focused,
/// always read by screen readers) says the date, the uptime and the
/// incidents. Each cell is a tab stop, so a keyboard reaches every day's
/// text as a mouse does; the same texts are also a list below the bar.
fn cell(date: NaiveDate, totals: Option<&Totals>, incidents: Option<&Vec<Cow<'_, str>>>) -> Markup {
    let (class, text) = day_text(date, "%-d %b", totals, incidents);
    html! {
        // Terse markup: 90 of these per component.
        li class=(class) tabindex="0" { span { (text) } }
    }
}

/// A day's colour class: how the bar on `/` and the cells here colour it.
pub(super) fn day_class(totals: Option<&Totals>) -> &'static str {
    let u = totals.and_then(uptime);
    let maintenance = totals.is_some_and(|t| t[4] > 0);
    let degraded = totals.is_some_and(|t| t[1] > 0);
    match u {
        None if maintenance => "maint",
        None => "none",
        Some(u) if u + 1e-9 >= 0.9995 && degraded => "degraded",
        Some(u) if u + 1e-9 >= 0.9995 => "ok",
        Some(u) if u + 1e-9 >= 0.99 => "minor",
        Some(u) if u + 1e-9 >= 0.95 => "partial",
        Some(_) => "major",
    }
}

/// A day's colour class and its words.
fn day_text(
    date: NaiveDate,
    format: &str,
    totals: Option<&Totals>,
    incidents: Option<&Vec<Cow<'_, str>>>,
) -> (&'static str, String) {
    let u = totals.and_then(uptime);
    let maintenance = totals.is_some_and(|t| t[4] > 0);
    let mut text = format!("{}: ", date.format(format));
    match u {
        Some(u) => text.push_str(&format!("{} uptime", percent(u))),
        None if maintenance => text.push_str("under maintenance"),
        None => text.push_str("no data"),
    }
    if maintenance && u.is_some() {
        text.push_str(", with maintenance");
    }
    match incidents.map(Vec::as_slice) {
        None | Some([]) => {}
        Some([one]) => text.push_str(&format!("; incident: {one}")),
        Some(many) => text.push_str(&format!("; {} incidents: {}", many.len(), many.join("; "))),
    }
    (day_class(totals), text)
}

/// Every day of the bar as a table row, newest first, behind a disclosure.
pub fn day_table(c: &Component, s: &Summary, incidents: &DayIncidents<'_>) -> Markup {
    html! {
        details.days {
            summary { "Every day, in words" }
            ul.days__list {
                @for (date, totals) in s.days.iter().rev() {
                    li { (day_text(*date, "%a %-d %b %Y", totals.as_ref(), incidents.get(&(&c.id, *date))).1) }
                }
            }
        }
    }
}

/// The figures of a component's detail page; a day figure covering fewer
/// days than it names says since when.
pub fn figures(s: &Summary) -> Markup {
    let show = |u: Option<f64>| u.map_or_else(|| "no data".to_owned(), percent);
    html! {
        dl.figures {
            div { dt { "Last 24 hours" } dd { (show(s.last_24h)) } }
            @for days in [7, 30, 90] {
                @let c = s.coverage(days);
                div {
                    dt { (days) " days" }
                    dd {
                        (show(c.uptime))
                        @if let Some(since) = since(&c).filter(|_| c.uptime.is_some()) {
                            span.figures__since { (since) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::web::render::fixtures::config;

    /// 90 days to 4 Dec 2026, observed from `observed_from` days ago
    /// (operational), with 10 minutes of major outage today.
    fn summary(observed_from: usize) -> Summary {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let days = (0..90)
            .map(|i| {
                let ago = 89 - i;
                let totals = match ago {
                    0 => Some([43_200_000, 0, 0, 600_000, 0]),
                    a if a <= observed_from => Some([86_400_000, 0, 0, 0, 0]),
                    _ => None,
                };
                (today - chrono::Duration::days(ago as i64), totals)
            })
            .collect();
        Summary {
            days,
            ..Summary::default()
        }
    }

    #[test]
    fn on_a_two_day_old_install_every_day_figure_says_since_when() {
        let s = summary(2);
        let out = figures(&s).into_string();
        assert_eq!(
            out.matches("<span class=\"figures__since\">since 2 Dec (3 days of data)</span>")
                .count(),
            3,
            "7, 30 and 90 days: {out}"
        );
        let c = &config().components[0];
        let bar = bar(c, &s, &DayIncidents::new()).into_string();
        for days in [90, 60, 30] {
            assert!(
                bar.contains(&format!(
                    "<span class=\"bar__{days}\">99.72% uptime since 2 Dec (3 days of data)</span>"
                )),
                "{bar}"
            );
        }
    }

    #[test]
    fn a_long_observed_component_shows_each_figure_over_its_days() {
        let s = summary(89);
        let out = figures(&s).into_string();
        assert!(!out.contains("since"), "{out}");
        let bar = bar(&config().components[0], &s, &DayIncidents::new()).into_string();
        assert!(
            bar.contains("<span class=\"bar__90\">99.99% uptime over 90 days</span>"),
            "{bar}"
        );
        assert!(
            bar.contains("<span class=\"bar__60\">99.98% uptime over 60 days</span>"),
            "{bar}"
        );
        assert!(
            bar.contains("<span class=\"bar__30\">99.97% uptime over 30 days</span>"),
            "{bar}"
        );
        let none = Summary::default();
        assert_eq!(caption(&none.coverage(90)), "no data over 90 days");
    }
}
