use chrono::TimeZone;

use super::*;
use crate::checks::{Cadence, Target};
use crate::clock::SystemClock;
use crate::model::{CheckId, ComponentId};

fn t(sec: i64) -> DateTime<Utc> {
    // Friday 2026-03-06 10:00:00 UTC.
    Utc.with_ymd_and_hms(2026, 3, 6, 10, 0, 0).single().unwrap() + chrono::Duration::seconds(sec)
}

fn spec(id: &str, cadence: Cadence) -> CheckSpec {
    CheckSpec {
        id: CheckId::parse(id).unwrap(),
        component: ComponentId::parse("api").unwrap(),
        name: id.into(),
        target: Target::Tcp {
            host: "127.0.0.1".into(),
            port: 1,
        },
        cadence,
        timeout: Duration::from_secs(2),
        degraded_over: None,
        failure_threshold: 3,
        success_threshold: 2,
        locations: vec![crate::model::LocationId::local()],
        confirm: 1,
    }
}

fn every(secs: u64) -> Cadence {
    Cadence::every(Duration::from_secs(secs)).unwrap()
}

fn specs() -> Arc<[CheckSpec]> {
    vec![
        spec("fast", every(1)),
        spec("slow", every(30)),
        spec(
            "weekdays",
            Cadence::cron("0 9 * * MON-FRI", chrono_tz::UTC).unwrap(),
        ),
    ]
    .into()
}

/// Every entry's due time, by check index.
fn dues(q: &Queue) -> Vec<DateTime<Utc>> {
    let mut entries: Vec<_> = q
        .heap
        .iter()
        .map(|Reverse((due, _, i))| (*i, *due))
        .collect();
    entries.sort();
    entries.into_iter().map(|(_, due)| due).collect()
}

#[test]
fn due_checks_are_popped_and_rescheduled() {
    let mut q = Queue::new(specs(), t(0));
    // Offsets (stable hashes of the ids): fast 0.197 s, slow 2.663 s.
    let first: Vec<usize> = q.pop_due(t(1)).into_iter().map(|(i, _)| i).collect();
    assert_eq!(first, [0], "only the 1 s check is due after 1 s");
    assert!(q.next_due().unwrap() > t(1));
    assert_eq!(q.heap.len(), 3);
}

#[test]
fn a_clock_stepped_back_reschedules_every_check_from_now() {
    let mut q = Queue::new(specs(), t(0));
    q.pop_due(t(31));
    // NTP steps the clock back an hour.
    let now = t(31 - 3600);
    q.pop_due(now);
    let due = dues(&q);
    assert!(
        due[0] <= now + chrono::Duration::milliseconds(1100),
        "1 s check due {} after now",
        due[0] - now
    );
    assert!(
        due[1] <= now + chrono::Duration::seconds(60),
        "30 s check due {} after now",
        due[1] - now
    );
    // 09:00 on Monday, from Friday 09:00:31, within the minute.
    let monday = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).single().unwrap();
    assert!(due[2] >= monday && due[2] < monday + chrono::Duration::seconds(60));
}

#[test]
fn small_steps_back_and_irregular_cron_gaps_are_not_taken_for_a_clock_step() {
    let q = Queue::new(specs(), t(0));
    assert!(!q.stepped_back(t(0)));
    assert!(!q.stepped_back(t(-1)), "within the 1 s of slack");
    assert!(q.stepped_back(t(-3)));
    // On Friday after 09:00 the weekday check is next due on Monday, three days
    // away, while its usual gap is one day: that is its schedule, not a step.
    let weekdays: Arc<[CheckSpec]> = vec![specs()[2].clone()].into();
    let q = Queue::new(weekdays, t(0));
    assert!(q.next_due().unwrap() - t(0) > chrono::Duration::days(2));
    assert!(!q.stepped_back(t(0)));
}

#[test]
fn checks_run_at_their_own_offset_whatever_the_order_of_the_file() {
    let forward: Vec<CheckSpec> = (0..50).map(|i| spec(&format!("c{i}"), every(30))).collect();
    let mut backward = forward.clone();
    backward.reverse();
    let by_id = |specs: Vec<CheckSpec>| {
        let q = Queue::new(specs.clone().into(), t(0));
        let mut out: Vec<_> = specs.into_iter().map(|s| s.id).zip(dues(&q)).collect();
        out.sort();
        out
    };
    let (a, b) = (by_id(forward), by_id(backward));
    assert_eq!(a, b);
    // Spread over the 30 s rather than bunched at its start.
    let late = a.iter().filter(|(_, due)| *due >= t(15)).count();
    assert!((15..=35).contains(&late), "{late} of 50 in the second half");
}

#[test]
fn the_queue_runs_each_check_exactly_every_interval() {
    let mut q = Queue::new(
        vec![spec("a", every(30)), spec("b", every(30))].into(),
        t(0),
    );
    let mut seen: Vec<Vec<DateTime<Utc>>> = vec![Vec::new(); 2];
    let mut now = t(0);
    for _ in 0..200 {
        now = q.next_due().unwrap();
        for (i, at) in q.pop_due(now) {
            seen[i].push(at);
        }
    }
    assert!(now > t(2900));
    for runs in seen {
        assert!(
            runs.windows(2)
                .all(|w| w[1] - w[0] == chrono::Duration::seconds(30))
        );
    }
}

#[tokio::test]
async fn a_panicking_probe_task_clears_its_busy_flag() {
    let flag = Arc::new(AtomicBool::new(false));
    let guard = BusyGuard::claim(&flag).unwrap();
    assert!(BusyGuard::claim(&flag).is_none(), "in flight");
    let task = tokio::spawn(async move {
        let _guard = guard;
        panic!("probe bug");
    });
    assert!(task.await.unwrap_err().is_panic());
    assert!(!flag.load(Ordering::Acquire));
    assert!(BusyGuard::claim(&flag).is_some());
}

#[tokio::test]
async fn a_probe_without_a_permit_clears_its_busy_flag() {
    let specs = specs();
    let (tx, _rx) = mpsc::channel(1);
    let scheduler = Scheduler {
        specs: specs.clone(),
        prober: Arc::new(Prober::new(&specs, Arc::new(SystemClock)).unwrap()),
        results: tx,
        max_concurrent: 1,
        metrics: Arc::new(Metrics::new()),
        heartbeat: Arc::default(),
        clock: Arc::new(SystemClock),
    };
    let limit = Arc::new(Semaphore::new(1));
    limit.close();
    let flag = Arc::new(AtomicBool::new(false));
    let mut running = JoinSet::new();
    scheduler.launch(0, t(0), &flag, &limit, &mut running);
    assert!(running.join_next().await.unwrap().is_ok());
    assert!(!flag.load(Ordering::Acquire));
}
