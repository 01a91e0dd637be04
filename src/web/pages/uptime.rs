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
use crate::lang::Lang;
use crate::model::ComponentId;
use crate::read::words;
use crate::say;
use crate::uptime::report::{Coverage, Summary};
use crate::uptime::{Totals, calendar, uptime};

/// Incident names per component and local day, for the cells' text.
pub type DayIncidents<'a> = HashMap<(&'a ComponentId, NaiveDate), Vec<Cow<'a, str>>>;

/// Every incident of the last `days` days, on each day it was open, per
/// affected component.
pub fn incidents_by_day(
    lang: Lang,
    book: &Book,
    now: DateTime<Utc>,
    tz: Tz,
    days: u32,
) -> DayIncidents<'_> {
    let today = calendar::local_date(now, tz);
    let first = today - chrono::Duration::days(i64::from(days));
    let mut out: DayIncidents<'_> = HashMap::new();
    for i in book.incidents.values() {
        let last = calendar::local_date(i.resolved_at.unwrap_or(now), tz).min(today);
        let mut day = calendar::local_date(i.started_at, tz).max(first);
        let name = words::incident_name(lang, &i.name);
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
pub fn percent(lang: Lang, u: f64) -> String {
    let n = match u >= 1.0 {
        true => "100".to_owned(),
        false => lang.decimal((u * 10_000.0 + 1e-6).floor().min(9_999.0) / 100.0, 2),
    };
    say!(lang, "percent", n = n)
}

/// "since 2 Dec (4 days of data)" when observation began within the
/// figure's days, so a new install's figure never reads as 90 days' worth.
pub fn since(lang: Lang, c: &Coverage) -> Option<String> {
    c.since.map(|d| {
        let day = lang.day(d, "date-day-short");
        say!(lang, "uptime-since", day = day, days = c.observed_days)
    })
}

/// "99.95% uptime over 90 days", "99.2% uptime since 2 Dec (4 days of
/// data)", "no data over 90 days": a figure that says what it covers.
pub fn caption(lang: Lang, c: &Coverage) -> String {
    match (c.uptime, since(lang, c)) {
        (None, _) => say!(lang, "uptime-no-data", days = c.days),
        (Some(u), Some(since)) => {
            say!(
                lang,
                "uptime-figure-since",
                percent = percent(lang, u),
                since = since
            )
        }
        (Some(u), None) => say!(
            lang,
            "uptime-figure",
            percent = percent(lang, u),
            days = c.days
        ),
    }
}

/// The bar with its legend: the oldest day shown, the figure over the days
/// shown (90, or 60 and 30 on narrow screens, which show only those), today.
pub fn bar(lang: Lang, c: &Component, s: &Summary, incidents: &DayIncidents<'_>) -> Markup {
    let label = say!(
        lang,
        "bar-label",
        component = c.name.as_str(),
        range = range(lang, s)
    );
    html! {
        div.uptime {
            ol.bar aria-label=(label) {
                @for (date, totals) in s.days.iter() {
                    (cell(lang, date, totals, incidents.get(&(&c.id, date))))
                }
            }
            p.bar__legend {
                span.bar__from {
                    span.bar__90 { (say!(lang, "days-ago", days = 90)) }
                    span.bar__60 { (say!(lang, "days-ago", days = 60)) }
                    span.bar__30 { (say!(lang, "days-ago", days = 30)) }
                }
                span.bar__figure {
                    span.bar__90 { (caption(lang, &s.coverage(90))) }
                    span.bar__60 { (caption(lang, &s.coverage(60))) }
                    span.bar__30 { (caption(lang, &s.coverage(30))) }
                }
                span.bar__to { (lang.say("today")) }
            }
        }
    }
}

/// "3 Sep 2026 to 1 Dec 2026": the bar's days, whose cells name no year.
fn range(lang: Lang, s: &Summary) -> String {
    let day = |d: Option<(NaiveDate, _)>| d.map(|(d, _)| lang.day(d, "date-day-year-short"));
    say!(
        lang,
        "days-range",
        from = day(s.days.first()).unwrap_or_default(),
        to = day(s.days.last()).unwrap_or_default()
    )
}

/// One day: a coloured cell whose text (hidden until hovered or focused,
/// always read by screen readers) says the date, the uptime and the
/// incidents. Each cell is a tab stop, so a keyboard reaches every day's
/// text as a mouse does; the same texts are also a list below the bar.
fn cell(
    lang: Lang,
    date: NaiveDate,
    totals: Option<&Totals>,
    incidents: Option<&Vec<Cow<'_, str>>>,
) -> Markup {
    let (class, text) = day_text(lang, date, "date-day-short", totals, incidents);
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
    lang: Lang,
    date: NaiveDate,
    format: &str,
    totals: Option<&Totals>,
    incidents: Option<&Vec<Cow<'_, str>>>,
) -> (&'static str, String) {
    let u = totals.and_then(uptime);
    let maintenance = totals.is_some_and(|t| t[4] > 0);
    let day = lang.day(date, format);
    let mut text = match u {
        Some(u) if maintenance => say!(
            lang,
            "day-uptime-maintenance",
            day = day,
            percent = percent(lang, u)
        ),
        Some(u) => say!(lang, "day-uptime", day = day, percent = percent(lang, u)),
        None if maintenance => say!(lang, "day-maintenance", day = day),
        None => say!(lang, "day-no-data", day = day),
    };
    match incidents.map(Vec::as_slice) {
        None | Some([]) => {}
        Some(many) => text.push_str(&say!(
            lang,
            "day-incidents",
            n = many.len(),
            names = many.join("; ")
        )),
    }
    (day_class(totals), text)
}

/// Every day of the bar as a table row, newest first, behind a disclosure.
pub fn day_table(lang: Lang, c: &Component, s: &Summary, incidents: &DayIncidents<'_>) -> Markup {
    html! {
        details.days {
            summary { (lang.say("days-in-words")) }
            ul.days__list {
                @for (date, totals) in s.days.iter().rev() {
                    li { (day_text(lang, date, "date-day-year", totals, incidents.get(&(&c.id, date))).1) }
                }
            }
        }
    }
}

/// The figures of a component's detail page; a day figure covering fewer
/// days than it names says since when.
/// `since_24h`: when the component was first seen, if within the last 24
/// hours ("since 14:02 CET").
pub fn figures(lang: Lang, s: &Summary, since_24h: Option<Markup>) -> Markup {
    let show = |u: Option<f64>| u.map_or_else(|| lang.say("no-data"), |u| percent(lang, u));
    html! {
        dl.figures {
            div {
                dt { (lang.say("last-24-hours")) }
                dd {
                    (show(s.last_24h))
                    @if let Some(since) = since_24h.filter(|_| s.last_24h.is_some()) {
                        span.figures__since { (since) }
                    }
                }
            }
            @for days in [7, 30, 90] {
                @let c = s.coverage(days);
                div {
                    dt { (say!(lang, "n-days", days = days)) }
                    dd {
                        (show(c.uptime))
                        @if let Some(since) = since(lang, &c).filter(|_| c.uptime.is_some()) {
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
    use crate::uptime::report::Days;
    use crate::web::render::fixtures::config;

    /// 90 days to 4 Dec 2026, observed from `observed_from` days ago
    /// (operational), with 10 minutes of major outage today.
    fn summary(observed_from: usize) -> Summary {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let days = (0..90)
            .map(|i| match 89 - i {
                0 => Some([43_200_000, 0, 0, 600_000, 0]),
                a if a <= observed_from => Some([86_400_000, 0, 0, 0, 0]),
                _ => None,
            })
            .collect();
        Summary {
            days: Days::new(today, days),
            ..Summary::default()
        }
    }

    #[test]
    fn on_a_two_day_old_install_every_day_figure_says_since_when() {
        let s = summary(2);
        let out = figures(Lang::english(), &s, None).into_string();
        assert_eq!(
            out.matches("<span class=\"figures__since\">since 2 Dec (3 days of data)</span>")
                .count(),
            3,
            "7, 30 and 90 days: {out}"
        );
        let c = &config().components[0];
        let bar = bar(Lang::english(), c, &s, &DayIncidents::new()).into_string();
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
        let out = figures(Lang::english(), &s, None).into_string();
        assert!(!out.contains("since"), "{out}");
        let bar = bar(
            Lang::english(),
            &config().components[0],
            &s,
            &DayIncidents::new(),
        )
        .into_string();
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
        assert_eq!(
            caption(Lang::english(), &none.coverage(90)),
            "no data over 90 days"
        );
    }
}
