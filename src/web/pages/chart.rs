//! A check's response times over the last 24 hours as an inline SVG line
//! chart, drawn on the server: no script, no chart library, no CDN. The
//! figure's caption (and the SVG's description) says in words what the line
//! shows, so the chart is never the only way to read it.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::lang::Lang;
use crate::read::time;
use crate::say;
use crate::uptime::latency::Bucket;

/// The drawing's size in SVG units; the page scales it to its width, so a
/// phone shows it at about half size. The stylesheet then doubles the
/// labels' font (from 12 to 24 units, ~11 px at 390 px wide), and the
/// margins leave room for labels of that size: `LEFT` for "1000 ms", and the
/// band under `BOTTOM` for the time axis.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 196.0;
const LEFT: f64 = 104.0;
const RIGHT: f64 = 712.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 150.0;
/// The time axis' baseline.
const AXIS: f64 = 188.0;

/// What the caption says: the mean response, the slowest, the failures.
struct Facts {
    mean_ms: Option<u64>,
    slowest: Option<(u32, DateTime<Utc>)>,
    down: u64,
}

fn facts(series: &[Option<Bucket>]) -> Facts {
    let (mut sum, mut n, mut down) = (0u64, 0u64, 0u64);
    let mut slowest: Option<(u32, DateTime<Utc>)> = None;
    for b in series.iter().flatten() {
        sum += u64::from(b.sum_ms);
        n += u64::from(b.answered);
        down += u64::from(b.down);
        if b.answered > 0 && slowest.is_none_or(|(ms, _)| b.max_ms > ms) {
            slowest = Some((b.max_ms, b.start()));
        }
    }
    Facts {
        mean_ms: (n > 0).then(|| sum / n),
        slowest,
        down,
    }
}

/// The smallest 1-2-5 step at or above `ms` (at least 10 ms).
fn ceiling(ms: u32) -> u32 {
    let mut step = 10u32;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= ms {
                return step.saturating_mul(m);
            }
        }
        if step >= u32::MAX / 10 {
            return u32::MAX;
        }
        step *= 10;
    }
}

/// The line through each bucket's mean, broken where nothing answered.
fn path(series: &[Option<Bucket>], top_ms: u32) -> String {
    let step = (RIGHT - LEFT) / (series.len().max(2) - 1) as f64;
    let mut d = String::new();
    let mut pen_down = false;
    for (i, b) in series.iter().enumerate() {
        match b.and_then(|b| b.mean_ms()) {
            Some(ms) => {
                let x = LEFT + step * i as f64;
                let y = BOTTOM - f64::from(ms) / f64::from(top_ms) * (BOTTOM - TOP);
                let _ = write!(d, "{}{x:.1} {y:.1}", if pen_down { " L" } else { " M" });
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d.trim_start().to_owned()
}

pub fn chart(l: Lang, id: &str, name: &str, series: &[Option<Bucket>], tz: Tz) -> Markup {
    let f = facts(series);
    let top_ms = ceiling(
        series
            .iter()
            .flatten()
            .filter_map(Bucket::mean_ms)
            .max()
            .unwrap_or(0),
    );
    let step = (RIGHT - LEFT) / (series.len().max(2) - 1) as f64;
    let caption = caption(l, &f, tz);
    let title = format!("chart-{id}-title");
    html! {
        figure.chart {
            // Labelled by its title; the visible caption says what it shows.
            svg viewBox={"0 0 " (WIDTH) " " (HEIGHT)} role="img" aria-labelledby=(title) {
                title #(title) { (say!(l, "chart-title", check = name)) }
                @for (ms, y) in [(0, BOTTOM), (top_ms / 2, (TOP + BOTTOM) / 2.0), (top_ms, TOP)] {
                    line.chart__grid x1=(LEFT) x2=(RIGHT) y1=(y) y2=(y) {}
                    text.chart__label x=(LEFT - 8.0) y=(y) dominant-baseline="middle" text-anchor="end" { (ms) " ms" }
                }
                path.chart__line d=(path(series, top_ms)) {}
                @for (i, b) in series.iter().enumerate() {
                    @if b.is_some_and(|b| b.down > 0) {
                        rect.chart__down x=(format!("{:.1}", LEFT + step * i as f64 - 2.0)) y=(BOTTOM + 2.0) width="4" height="6" {}
                    }
                }
                text.chart__label x=(LEFT) y=(AXIS) { (say!(l, "hours-ago", hours = 24)) }
                text.chart__label x=((LEFT + RIGHT) / 2.0) y=(AXIS) text-anchor="middle" { (say!(l, "hours-ago", hours = 12)) }
                text.chart__label x=(RIGHT) y=(AXIS) text-anchor="end" { (l.say("now")) }
            }
            figcaption { (name) ": " (caption) }
        }
    }
}

/// "42 ms"; "under 1 ms" for what a millisecond clock reads as 0.
fn millis(l: Lang, ms: u64) -> String {
    match ms {
        0 => l.say("under-1-ms"),
        ms => format!("{ms} ms"),
    }
}

/// The chart's caption without the chart: what a series shows, in words.
pub fn describe(l: Lang, series: &[Option<Bucket>], tz: Tz) -> Markup {
    caption(l, &facts(series), tz)
}

/// The words of the caption, the slowest ten minutes' start a `<time>`.
fn caption(l: Lang, f: &Facts, tz: Tz) -> Markup {
    let Some(mean) = f.mean_ms else {
        return html! {
            @match f.down {
                0 => (l.say("chart-no-results")),
                n => (say!(l, "chart-no-answers", n = n)),
            }
        };
    };
    html! {
        (say!(l, "chart-average", mean = millis(l, mean)))
        @if let Some((ms, at)) = f.slowest {
            (super::sentence(
                &say!(l, "chart-slowest", slowest = millis(l, u64::from(ms)), at = super::MARK),
                html! { time datetime=(time::iso(at)) { (l.date(&at.with_timezone(&tz), "date-clock")) } },
            ))
        }
        (say!(l, "chart-failed", n = f.down))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(slot: u32, answered: u16, sum_ms: u32, max_ms: u32, down: u16) -> Option<Bucket> {
        Some(Bucket {
            slot,
            answered,
            down,
            sum_ms,
            max_ms,
        })
    }

    #[test]
    fn the_chart_is_well_formed_svg_and_says_what_it_shows() {
        let base = 2_983_333;
        let mut series = vec![None; 144];
        series[10] = bucket(base + 10, 20, 2000, 180, 0);
        series[11] = bucket(base + 11, 20, 4000, 900, 2);
        series[100] = bucket(base + 100, 0, 0, 0, 20);
        series[143] = bucket(base + 143, 10, 500, 60, 0);
        let out = chart(
            Lang::english(),
            "api-health",
            "API health",
            &series,
            chrono_tz::UTC,
        )
        .into_string();
        let doc = roxmltree::Document::parse(&out).expect("well-formed");
        let svg = doc.descendants().find(|n| n.has_tag_name("svg")).unwrap();
        assert_eq!(svg.attribute("role"), Some("img"));
        let d = doc.descendants().find(|n| n.has_tag_name("path")).unwrap();
        let d = d.attribute("d").unwrap();
        assert_eq!(
            d.matches('M').count(),
            2,
            "broken where nothing answered: {d}"
        );
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("rect")).count(),
            2
        );
        assert!(out.contains("200 ms"), "axis rounded up to 1-2-5: {out}");
        assert!(out.contains("average 130 ms"), "{out}");
        assert!(out.contains("slowest 900 ms"), "{out}");
        assert!(
            out.contains("(in the 10 minutes from <time datetime=\"20") && out.contains("Z\">"),
            "the time is machine-readable too: {out}"
        );
        assert!(out.contains("22 failed runs"), "{out}");
    }

    #[test]
    fn an_empty_chart_says_there_is_no_data() {
        let out = chart(Lang::english(), "x", "X", &vec![None; 144], chrono_tz::UTC).into_string();
        assert!(out.contains("no results in the last 24 hours"), "{out}");
        assert!(roxmltree::Document::parse(&out).is_ok());
        assert_eq!(ceiling(0), 10);
        assert_eq!(ceiling(101), 200);
        assert_eq!(ceiling(4_999), 5_000);
    }
}
