//! The 90-day bar as `/` shows it: one element per component, however many
//! days. Its background is the days as a run-length CSS gradient, with a
//! stop only where the colour changes from one day to the next, so a
//! component green all along costs a class and no gradient, and the bytes
//! follow the changes rather than the days. The element is a link to the
//! component's page, where every day is a cell with its text and a list in
//! words; its accessible name sums the days up ("99.95% uptime over 90
//! days, 2 days with downtime"). The stylesheet draws the gaps between days
//! and, on narrow screens, shows only the last 60 or 30 of them (with a
//! caption and a figure that say so) by widening the background, never by
//! scrolling. The figure says what it covers ("99.2% uptime since 2 Dec (4
//! days of data)" on a new install).

use maud::{Markup, html};

use super::uptime::{caption, day_class, percent};
use crate::config::Component;
use crate::lang::Lang;
use crate::say;
use crate::uptime::report::Summary;
use crate::uptime::{Totals, uptime};

/// The bar of one component on `/`.
pub fn strip(lang: Lang, c: &Component, s: &Summary) -> Markup {
    let classes: Vec<&str> = s.days.iter().map(|(_, t)| day_class(t)).collect();
    let runs = runs(&classes);
    let figure = caption(lang, &s.coverage(90));
    let label = format!("{}: {figure}{}", c.name, tally(lang, s));
    // Narrow screens show the last 60 or 30 days and their figure, which the
    // stylesheet writes from these: the percentage over days that were all
    // observable ("over 60 days"). A window within which observation began
    // has the same caption as the 90 days ("since 2 Dec (4 days of data)"),
    // and the attribute is left out.
    let narrow = |days| {
        let c = s.coverage(days);
        c.uptime
            .filter(|_| c.since.is_none())
            .map(|u| percent(lang, u))
    };
    let (d60, d30) = (narrow(60), narrow(30));
    // One colour all along: a class; otherwise the gradient, inline.
    let (class, style) = match runs.as_slice() {
        [(only, _)] => (format!("strip d-{only}"), None),
        _ => ("strip".to_owned(), Some(gradient(&runs, classes.len()))),
    };
    html! {
        a class=(class) style=[style] href={"/components/" (c.id)} aria-label=(label) {
            @if d60.is_some() || d30.is_some() {
                span data-60=[d60] data-30=[d30] { (figure) }
            } @else {
                (figure)
            }
        }
    }
}

/// Consecutive days of one colour: (colour, days).
fn runs<'a>(classes: &[&'a str]) -> Vec<(&'a str, usize)> {
    let mut out: Vec<(&str, usize)> = Vec::new();
    for &class in classes {
        match out.last_mut() {
            Some((last, n)) if *last == class => *n += 1,
            _ => out.push((class, 1)),
        }
    }
    out
}

/// `--b:linear-gradient(90deg,var(--d-ok) 96.67%,var(--d-major) 0 97.78%,
/// var(--d-ok) 0)`: each run ends where the next begins (a `0` start is
/// raised to the previous stop, which makes a hard edge).
fn gradient(runs: &[(&str, usize)], days: usize) -> String {
    let mut out = String::from("--b:linear-gradient(90deg");
    let mut end = 0;
    for (i, (class, n)) in runs.iter().enumerate() {
        end += n;
        out.push_str(",var(--d-");
        out.push_str(class);
        out.push(')');
        if i > 0 {
            out.push_str(" 0");
        }
        if i + 1 < runs.len() {
            out.push(' ');
            out.push_str(&position(end, days));
            out.push('%');
        }
    }
    out.push(')');
    out
}

/// `k` days of `days` as a percentage with at most two decimals: "97.78".
fn position(k: usize, days: usize) -> String {
    let p = format!("{:.2}", k as f64 * 100.0 / days.max(1) as f64);
    p.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// ", 2 days with downtime, 1 with maintenance, 30 without data": what the
/// colours say, in words, for the bar's accessible name.
fn tally(lang: Lang, s: &Summary) -> String {
    let days = || s.days.iter().map(|(_, t)| t);
    let count = |f: &dyn Fn(Option<&Totals>) -> bool| days().filter(|t| f(*t)).count();
    let down = count(&|t| t.and_then(uptime).is_some_and(|u| u < 1.0));
    let maintained = |t: Option<&Totals>| t.is_some_and(|t| t[4] > 0);
    let maintenance = count(&maintained);
    let blank = count(&|t| t.and_then(uptime).is_none() && !maintained(t));
    let mut out = say!(lang, "tally-downtime", n = down);
    if maintenance > 0 {
        out.push_str(&say!(lang, "tally-maintenance", n = maintenance));
    }
    if blank > 0 {
        out.push_str(&say!(lang, "tally-no-data", n = blank));
    }
    out
}

/// The words the stylesheet shows (around the uptime bars on `/`), as
/// custom properties on the components section: CSS strings, quoted and escaped.
pub fn stylesheet_words(lang: Lang) -> String {
    let words = [
        ("--l-90", say!(lang, "days-ago", days = 90)),
        ("--l-60", say!(lang, "days-ago", days = 60)),
        ("--l-30", say!(lang, "days-ago", days = 30)),
        ("--l-today", lang.say("today")),
        ("--l-over60", lang.say("uptime-over-60")),
        ("--l-over30", lang.say("uptime-over-30")),
    ];
    let mut out = String::new();
    for (name, text) in words {
        out.push_str(name);
        out.push_str(":\"");
        for c in text.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        out.push_str("\";");
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::uptime::report::Days;
    use crate::web::render::fixtures::config;

    /// 90 days: operational all day, except the days listed (day, totals).
    fn summary(special: &[(usize, Totals)]) -> Summary {
        let last = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let days = (0..90)
            .map(|i| {
                let totals = special
                    .iter()
                    .find(|(d, _)| *d == i)
                    .map_or([86_400_000, 0, 0, 0, 0], |(_, t)| *t);
                Some(totals)
            })
            .collect::<Vec<_>>();
        let last_90d = crate::uptime::uptime_of(days.iter().flatten());
        Summary {
            days: Days::new(last, days),
            last_90d,
            ..Summary::default()
        }
    }

    fn html(s: &Summary) -> String {
        strip(Lang::english(), &config().components[0], s).into_string()
    }

    #[test]
    fn a_component_green_all_along_costs_a_class_and_no_gradient() {
        let out = html(&summary(&[]));
        assert_eq!(
            out,
            "<a class=\"strip d-ok\" href=\"/components/api\" \
             aria-label=\"Public API: 100% uptime over 90 days, no downtime\">\
             <span data-60=\"100%\" data-30=\"100%\">100% uptime over 90 days</span></a>"
        );
    }

    #[test]
    fn stops_are_placed_only_where_the_colour_changes() {
        let outage = [76_400_000, 0, 0, 10_000_000, 0];
        let out = html(&summary(&[(87, outage), (88, outage)]));
        assert!(
            out.contains(
                "style=\"--b:linear-gradient(90deg,var(--d-ok) 96.67%,\
                 var(--d-major) 0 98.89%,var(--d-ok) 0)\""
            ),
            "{out}"
        );
        assert!(out.contains("2 days with downtime"), "{out}");
        assert!(out.contains("99.74% uptime over 90 days"), "{out}");
    }

    #[test]
    fn the_label_counts_days_with_maintenance_and_days_without_data() {
        let mut s = summary(&[(0, [0, 0, 0, 0, 3_600_000])]);
        s.days.set(1, None);
        s.days.set(2, None);
        let out = html(&s);
        assert!(
            out.contains("no downtime, 1 with maintenance, 2 without data"),
            "{out}"
        );
        assert!(
            out.contains(
                "linear-gradient(90deg,var(--d-maint) 1.11%,var(--d-none) 0 3.33%,var(--d-ok) 0)"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_component_without_any_data_says_so() {
        let mut s = summary(&[]);
        (0..90).for_each(|i| s.days.set(i, None));
        s.last_90d = None;
        let out = html(&s);
        assert!(out.contains("class=\"strip d-none\""), "{out}");
        assert!(
            out.contains(">no data over 90 days</a>") && out.contains("90 without data"),
            "{out}"
        );
    }

    #[test]
    fn a_new_install_says_since_when_and_narrow_screens_keep_that_caption() {
        let mut s = summary(&[]);
        (0..88).for_each(|i| s.days.set(i, None));
        s.days.set(88, Some([43_200_000, 0, 0, 0, 0]));
        s.days.set(89, Some([3_000_000, 0, 0, 600_000, 0]));
        let out = html(&s);
        assert!(
            out.contains(
                "aria-label=\"Public API: 98.71% uptime since 28 Nov (2 days of data), \
                 1 day with downtime, 88 without data\">98.71% uptime since 28 Nov (2 days of data)</a>"
            ),
            "{out}"
        );
        assert!(
            !out.contains("data-60") && !out.contains("data-30"),
            "{out}"
        );
    }

    #[test]
    fn narrow_screens_get_the_figure_of_the_days_they_show() {
        let outage = [76_400_000, 0, 0, 10_000_000, 0];
        // Observed from 45 days ago: the 60-day figure covers 45 days, which
        // it says like the 90-day one; the 30-day figure covers all 30.
        let mut s = summary(&[(70, outage)]);
        (0..45).for_each(|i| s.days.set(i, None));
        let out = html(&s);
        assert!(
            out.contains(
                "<span data-30=\"99.61%\">99.74% uptime since 16 Oct (45 days of data)</span>"
            ),
            "{out}"
        );
    }

    #[test]
    fn cost_follows_change_a_day_that_flips_every_day_costs_a_stop_each() {
        let outage = [76_400_000, 0, 0, 10_000_000, 0];
        let flapping: Vec<(usize, Totals)> = (0..90).step_by(2).map(|d| (d, outage)).collect();
        let calm = html(&summary(&[(45, outage)])).len();
        let busy = html(&summary(&flapping)).len();
        assert_eq!(
            runs(&["ok", "ok", "major", "ok"]),
            [("ok", 2), ("major", 1), ("ok", 1)]
        );
        assert!(calm < 300, "{calm}");
        assert!(busy > 90 * 15, "{busy}");
    }
}
