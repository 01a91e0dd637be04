//! The uptime formula, driven through the ledger the way the pipeline drives
//! it: results vouch for time, statuses change at instants, days are local.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::{day_no, span};
use super::report::Report;
use super::{Ledger, latency::Latency, uptime};
use crate::config::Config;
use crate::model::{CheckId, ComponentId, ComponentStatus as S};

const CONFIG: &str = r#"
[site]
timezone = "Europe/Berlin"

[[components]]
id = "api"
name = "API"

[[components]]
id = "docs"
name = "Docs"

[[checks]]
component = "api"
name = "health"
url = "http://127.0.0.1:9/"
every = "30s"
timeout = "5s"
"#;

fn berlin() -> Tz {
    "Europe/Berlin".parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `h:m` local time in Berlin on `d`.
fn local(d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    berlin()
        .from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn id(s: &str) -> ComponentId {
    ComponentId::parse(s).unwrap()
}

/// A ledger for the config above, started at `start` with both operational.
fn ledger(start: DateTime<Utc>) -> Ledger {
    let config = Config::parse(CONFIG).unwrap();
    let statuses = [(id("api"), S::Operational), (id("docs"), S::Operational)];
    Ledger::new(&config, start, statuses, [])
}

/// Results of the api check every 30 s in `[from, to)`, with status changes
/// `(at, status)` applied when their time comes.
fn run(l: &mut Ledger, from: DateTime<Utc>, to: DateTime<Utc>, changes: &[(DateTime<Utc>, S)]) {
    let check = CheckId::parse("api-health").unwrap();
    let mut t = from;
    let mut pending = changes.iter().peekable();
    while t < to {
        while let Some((at, status)) = pending.next_if(|(at, _)| *at <= t) {
            l.statuses([(&id("api"), *status)], *at);
        }
        l.result(&check, t);
        t += Duration::seconds(30);
    }
    l.advance_all(to);
}

fn totals(l: &Ledger, c: &str, d: NaiveDate) -> Option<super::Totals> {
    l.day(&id(c), day_no(d)).map(|day| day.totals)
}

fn pct(l: &Ledger, c: &str, d: NaiveDate) -> Option<f64> {
    totals(l, c, d)
        .and_then(|t| uptime(&t))
        .map(|u| (u * 1e6).round() / 1e4)
}

const H: u32 = 3_600_000;

/// A status taking effect at an instant.
type Change = (DateTime<Utc>, S);

#[test]
fn uptime_formula_table() {
    let d = date(2026, 11, 18);
    let (start, end) = span(d, berlin());
    // (what, status changes during the day, expected uptime %)
    let cases: Vec<(&str, Vec<Change>, f64)> = vec![
        ("all day operational", vec![], 100.0),
        (
            "one hour major outage",
            vec![
                (local(d, 10, 0), S::MajorOutage),
                (local(d, 11, 0), S::Operational),
            ],
            95.8333, // 1 - 1/24
        ),
        (
            "two hours partial outage",
            vec![
                (local(d, 10, 0), S::PartialOutage),
                (local(d, 12, 0), S::Operational),
            ],
            97.5, // 1 - 0.3 × 2/24
        ),
        (
            "degraded counts as up",
            vec![
                (local(d, 10, 0), S::DegradedPerformance),
                (local(d, 18, 0), S::Operational),
            ],
            100.0,
        ),
        (
            "maintenance is left out",
            vec![
                (local(d, 2, 0), S::UnderMaintenance),
                (local(d, 6, 0), S::MajorOutage),
                (local(d, 8, 0), S::Operational),
            ],
            90.0, // 2 hours down of 20 observed
        ),
    ];
    for (what, changes, expected) in cases {
        let mut l = ledger(start);
        run(&mut l, start, end, &changes);
        assert_eq!(pct(&l, "api", d), Some(expected), "{what}");
    }
}

#[test]
fn a_partly_observed_day_counts_only_what_was_observed() {
    let d = date(2026, 11, 18);
    let (_, end) = span(d, berlin());
    // Candor starts at noon and has a one-hour outage.
    let mut l = ledger(local(d, 12, 0));
    let changes = [
        (local(d, 13, 0), S::MajorOutage),
        (local(d, 14, 0), S::Operational),
    ];
    run(&mut l, local(d, 12, 0), end, &changes);
    let t = totals(&l, "api", d).unwrap();
    assert_eq!(super::observed(&t), u64::from(12 * H));
    assert_eq!(pct(&l, "api", d), Some(91.6667), "1 − 1/12");
}

#[test]
fn time_without_results_is_not_observed_and_a_day_without_any_has_no_data() {
    let d = date(2026, 11, 18);
    let mut l = ledger(local(d, 0, 0));
    // Results until 08:00, then nothing (Candor down) until 20:00.
    run(&mut l, local(d, 0, 0), local(d, 8, 0), &[]);
    run(&mut l, local(d, 20, 0), span(d, berlin()).1, &[]);
    let observed = super::observed(&totals(&l, "api", d).unwrap());
    // 12 hours, plus what the 07:59:30 result's cover (until the 08:00:30
    // run is due, plus the 5 s timeout) reaches past 08:00.
    assert_eq!(observed, u64::from(12 * H) + 35_000);
    assert_eq!(
        totals(&l, "api", date(2026, 11, 19)),
        None,
        "no data, not 100 %"
    );
    let report = Report::build(&l, &Latency::default(), [&id("api")], local(d, 23, 0));
    let days = &report.components[&id("api")].days;
    assert_eq!(days.len(), 90);
    assert_eq!(days.last().map(|(day, _)| day), Some(d));
    assert!(days.iter().take(89).all(|(_, t)| t.is_none()));
}

#[test]
fn dst_days_of_23_and_25_hours() {
    for (d, hours) in [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)] {
        let (start, end) = span(d, berlin());
        let mut l = ledger(start);
        let changes = [
            (local(d, 12, 0), S::MajorOutage),
            (local(d, 13, 0), S::Operational),
        ];
        run(&mut l, start, end, &changes);
        let day = l.day(&id("api"), day_no(d)).unwrap();
        assert_eq!(super::observed(&day.totals), u64::from(hours * H), "{d}");
        assert_eq!(day.hours.len(), hours as usize, "{d}");
        let expected = 1.0 - 1.0 / f64::from(hours);
        assert!(
            (uptime(&day.totals).unwrap() - expected).abs() < 1e-9,
            "{d}"
        );
    }
}

#[test]
fn time_is_split_at_local_midnight() {
    let d = date(2026, 11, 18);
    let next = date(2026, 11, 19);
    let mut l = ledger(local(d, 22, 0));
    let changes = [(local(d, 23, 0), S::MajorOutage)];
    run(&mut l, local(d, 22, 0), local(next, 2, 0), &changes);
    assert_eq!(totals(&l, "api", d).unwrap()[3], H);
    assert_eq!(totals(&l, "api", next).unwrap()[3], 2 * H);
    // A component without checks is observed while Candor runs.
    assert_eq!(
        super::observed(&totals(&l, "docs", d).unwrap()),
        u64::from(2 * H)
    );
}

#[test]
fn the_report_gives_24_hour_7_day_30_day_and_90_day_figures() {
    let first = date(2026, 11, 1);
    let now = local(date(2026, 11, 30), 12, 0);
    let mut l = ledger(span(first, berlin()).0);
    // Ten days ago a 3-hour major outage; yesterday evening a 30-minute one.
    let changes = [
        (local(date(2026, 11, 20), 9, 0), S::MajorOutage),
        (local(date(2026, 11, 20), 12, 0), S::Operational),
        (local(date(2026, 11, 29), 20, 0), S::MajorOutage),
        (local(date(2026, 11, 29), 20, 30), S::Operational),
    ];
    run(&mut l, span(first, berlin()).0, now, &changes);
    let r = Report::build(&l, &Latency::default(), [&id("api")], now);
    let s = &r.components[&id("api")];
    let close = |got: Option<f64>, want: f64| {
        let got = got.unwrap();
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    };
    close(s.last_24h, 1.0 - 0.5 / 24.0);
    // 7 days: 6 full days and today's 12 hours.
    close(s.last_7d, 1.0 - 0.5 / (6.0 * 24.0 + 12.0));
    // 30 and 90 days: everything since the 1st (29 days and 12 hours).
    let all = 29.0 * 24.0 + 12.0;
    close(s.last_30d, 1.0 - 3.5 / all);
    close(s.last_90d, 1.0 - 3.5 / all);
    // Observed since the 1st: 30 days of data, so the 90-day figure covers
    // only those, and the 30-day one all of its days.
    let ninety = s.coverage(90);
    assert_eq!(ninety.uptime, s.last_90d);
    assert_eq!((ninety.since, ninety.observed_days), (Some(first), 30));
    let thirty = s.coverage(30);
    assert_eq!(thirty.uptime, s.last_30d);
    assert_eq!((thirty.since, thirty.observed_days), (None, 30));
    assert_eq!(s.coverage(7).uptime, s.last_7d);
}

/// Reports rebuilt during a day share the days before today (they no longer
/// change) and give the figures a new report would; after midnight they are
/// read again. Days before the first record are not held at all.
#[test]
fn reports_of_one_day_share_the_days_before_it() {
    use super::report::Reports;
    let first = date(2026, 11, 1);
    let now = local(date(2026, 11, 30), 12, 0);
    let mut l = ledger(span(first, berlin()).0);
    let outage = [
        (local(date(2026, 11, 20), 9, 0), S::MajorOutage),
        (local(date(2026, 11, 20), 12, 0), S::Operational),
    ];
    run(&mut l, span(first, berlin()).0, now, &outage);
    let (api, ids) = (id("api"), [id("api"), id("docs")]);
    let mut reports = Reports::default();
    let a = reports.get(&l, &Latency::default(), &ids, &[], now);
    // An hour later (past the reuse window), with an outage today.
    let later = now + Duration::hours(1);
    run(
        &mut l,
        now,
        later,
        &[(now + Duration::minutes(10), S::MajorOutage)],
    );
    let b = reports.get(&l, &Latency::default(), &ids, &[], later);
    let fresh = Report::build(&l, &Latency::default(), &ids, later);
    let (sa, sb, sf) = (
        &a.components[&api],
        &b.components[&api],
        &fresh.components[&api],
    );
    assert!(sb.days.shares_past_with(&sa.days));
    assert!(!sf.days.shares_past_with(&sa.days));
    assert_eq!(**sb, **sf, "the same figures as a report made anew");
    assert!(sb.last_24h < sa.last_24h);
    // The 29 days before today since the 1st, not 89.
    assert_eq!(sb.days.past_held(), 29);
    // The next day, the day that was today is read from the ledger.
    let tomorrow = local(date(2026, 12, 1), 0, 30);
    run(&mut l, later, tomorrow, &[]);
    let c = reports.get(&l, &Latency::default(), &ids, &[], tomorrow);
    let sc = &c.components[&api];
    assert!(!sc.days.shares_past_with(&sb.days));
    assert_eq!(sc.days.past_held(), 30);
    assert_eq!(
        **sc,
        *Report::build(&l, &Latency::default(), &ids, tomorrow).components[&api]
    );
}

#[test]
fn coverage_says_when_observation_began_and_a_later_gap_is_not_a_start() {
    use super::report::{Days, Summary};
    let today = date(2026, 12, 4);
    let day = |n: i64| today - Duration::days(n);
    let ok = Some([86_400_000, 0, 0, 0, 0]);
    let maintenance_only = Some([0, 0, 0, 0, 3_600_000]);
    let mut days = vec![None; 90];
    let with = |days: &Vec<_>| Summary {
        days: Days::new(today, days.clone()),
        ..Summary::default()
    };
    // A 2-day-old install: half of the day before yesterday, yesterday, today.
    days[87] = Some([43_200_000, 0, 0, 0, 0]);
    days[88] = ok;
    days[89] = Some([3_000_000, 0, 0, 600_000, 0]);
    let s = with(&days);
    let c = s.coverage(90);
    assert_eq!((c.days, c.since, c.observed_days), (90, Some(day(2)), 3));
    assert!(c.uptime.is_some_and(|u| u < 1.0));
    assert_eq!(s.coverage(7).since, Some(day(2)));
    // Maintenance alone is not observation.
    days[80] = maintenance_only;
    let s = with(&days);
    assert_eq!(s.coverage(90).since, Some(day(2)));
    // Observed from the bar's first day, with a gap on the 30-day window's
    // first day: the 30-day figure still covers its 30 days (gaps are grey).
    days[0] = ok;
    let s = with(&days);
    assert_eq!(s.coverage(90).since, None);
    assert_eq!(
        (s.coverage(30).since, s.coverage(30).observed_days),
        (None, 3)
    );
    assert_eq!(Summary::default().coverage(90).since, None);
    assert_eq!(Summary::default().coverage(90).uptime, None);
}

#[test]
fn a_weekday_cron_check_covers_the_weekend_from_fridays_run() {
    let config = Config::parse(
        r#"
[[components]]
id = "batch"
name = "Batch"

[[checks]]
component = "batch"
name = "nightly"
url = "http://127.0.0.1:9/"
schedule = "0 9 * * 1-5"
"#,
    )
    .unwrap();
    let utc = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    // Friday 20 November 09:00 to Monday 23 November 09:00.
    let mut l = Ledger::new(&config, utc(20, 9), [(id("batch"), S::Operational)], []);
    let check = CheckId::parse("batch-nightly").unwrap();
    l.result(&check, utc(20, 9));
    l.result(&check, utc(23, 9));
    let observed: u64 = (20..=23)
        .filter_map(|d| l.day(&id("batch"), day_no(date(2026, 11, d))))
        .map(|day| super::observed(&day.totals))
        .sum();
    assert_eq!(
        observed,
        3 * 24 * u64::from(H),
        "the whole weekend is observed"
    );
}
