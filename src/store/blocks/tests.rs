use super::*;

fn result(ms: i64, outcome: Outcome, reason: &str) -> CheckResult {
    with_reason(
        ms,
        outcome,
        (!reason.is_empty()).then(|| Reason::other(reason)),
    )
}

fn with_reason(ms: i64, outcome: Outcome, reason: Option<Reason>) -> CheckResult {
    CheckResult {
        check: CheckId::parse("api-health").unwrap(),
        at: DateTime::from_timestamp_millis(ms).unwrap(),
        duration: Duration::from_millis(42),
        outcome,
        reason,
    }
}

#[test]
fn a_block_round_trips_results_and_repeated_reasons() {
    let base = 1_790_000_000_000 - 1_790_000_000_000 % 3_600_000;
    let hour = u32::try_from(base / 3_600_000).unwrap();
    let rs = [
        result(base + 5, Outcome::Up, ""),
        result(base + 30_005, Outcome::Down, "HTTP 503"),
        result(base + 60_005, Outcome::Down, "HTTP 503"),
        result(base + 90_005, Outcome::Degraded, "slow: 900 ms"),
        result(base + 120_005, Outcome::Up, ""),
    ];
    let mut block = Block::new(hour);
    for r in &rs {
        block.push(r);
    }
    let back = decode(hour, &block.bytes);
    assert_eq!(back.len(), rs.len());
    for (a, b) in rs.iter().zip(&back) {
        assert_eq!((a.at, a.outcome, &a.reason), (b.at, b.outcome, &b.reason));
        assert_eq!(b.duration, Duration::from_millis(42));
    }
    // A healthy result costs a handful of bytes.
    let mut healthy = Block::new(hour);
    healthy.push(&rs[0]);
    let one = healthy.bytes.len();
    healthy.push(&rs[4]);
    assert!(healthy.bytes.len() - one <= 6, "{}", healthy.bytes.len());
    // Appending to a resumed block continues the same stream.
    let mut resumed = Block::resume(hour, block.bytes[..].to_vec());
    resumed.push(&result(base + 150_005, Outcome::Down, "HTTP 503"));
    let again = decode(hour, &resumed.bytes);
    assert_eq!(again.len(), 6);
    assert_eq!(again[5].reason, Some(Reason::other("HTTP 503")));
}

#[test]
fn a_torn_block_keeps_the_entries_before_the_tear() {
    let mut block = Block::new(0);
    block.push(&result(10, Outcome::Up, ""));
    block.push(&result(20, Outcome::Down, "refused"));
    let mut first = Block::new(0);
    first.push(&result(10, Outcome::Up, ""));
    let one = first.bytes.len();
    let whole = block.bytes.len();
    for cut in 0..whole {
        let back = decode(0, &block.bytes[..cut]);
        assert_eq!(back.len(), usize::from(cut >= one), "cut at {cut}");
        // Resuming a torn block drops the tail, so appends stay readable.
        let mut resumed = Block::resume(0, block.bytes[..cut].to_vec());
        resumed.push(&result(30, Outcome::Up, ""));
        assert_eq!(decode(0, &resumed.bytes).len(), usize::from(cut >= one) + 1);
    }
    assert_eq!(decode(0, &block.bytes).len(), 2);
    assert_eq!(decode(0, &[0, 9, 0, 0]).len(), 0, "unknown outcome");
}

#[test]
fn keys_sort_by_hour_then_check() {
    let a = CheckId::parse("a").unwrap();
    let z = CheckId::parse("z").unwrap();
    assert!(key(1, &z) < key(2, &a));
    assert_eq!(split_key(&key(7, &a)), Some((7, "a")));
    assert_eq!(split_key(&[1, 2]), None);
}

#[test]
fn structured_reasons_round_trip_and_repeat_in_one_byte() {
    let base = 1_790_000_000_000 - 1_790_000_000_000 % 3_600_000;
    let hour = u32::try_from(base / 3_600_000).unwrap();
    let http = Reason::HttpStatus { code: 503 };
    let slow = Reason::Slow {
        ms: 950,
        over_ms: 800,
    };
    let rs = [
        with_reason(base + 5, Outcome::Down, Some(http.clone())),
        with_reason(base + 30_005, Outcome::Down, Some(http.clone())),
        with_reason(base + 60_005, Outcome::Degraded, Some(slow.clone())),
        with_reason(base + 90_005, Outcome::Down, Some(Reason::other("odd"))),
        with_reason(base + 120_005, Outcome::Up, None),
    ];
    let mut block = Block::new(hour);
    block.push(&rs[0]);
    let first = block.bytes.len();
    // 3 bytes of entry, 1 of tag, 1 of marker, and the JSON.
    assert_eq!(first, 5 + r#"{"kind":"http_status","code":503}"#.len());
    block.push(&rs[1]);
    let repeat = block.bytes.len() - first;
    assert!(
        repeat <= 7,
        "a repeated reason costs its tag only: {repeat}"
    );
    for r in &rs[2..] {
        block.push(r);
    }
    let back = decode(hour, &block.bytes);
    let reasons: Vec<_> = back.iter().map(|r| r.reason.clone()).collect();
    let want: Vec<_> = rs.iter().map(|r| r.reason.clone()).collect();
    assert_eq!(reasons, want);
    // A resumed block repeats the last reason written in full.
    let mut resumed = Block::resume(hour, block.bytes.clone());
    let before = resumed.bytes.len();
    resumed.push(&with_reason(
        base + 150_005,
        Outcome::Down,
        Some(Reason::other("odd")),
    ));
    assert!(resumed.bytes.len() - before <= 7);
    assert_eq!(
        decode(hour, &resumed.bytes)[5].reason,
        Some(Reason::other("odd"))
    );
}

#[test]
fn blocks_written_with_english_reasons_still_read() {
    // An entry as builds before structured reasons wrote it: 5 ms after the
    // hour, down, 42 ms, a reason of 8 bytes (tag 10), then a repeat (tag 1).
    let mut old = vec![5, 2, 42, 10];
    old.extend_from_slice(b"HTTP 503");
    old.extend_from_slice(&[7, 2, 42, 1]);
    let back = decode(0, &old);
    assert_eq!(back.len(), 2);
    for r in &back {
        assert_eq!(r.reason, Some(Reason::other("HTTP 503")));
    }
    // Data this build does not know reads as its text, and decoding goes on.
    let mut newer = vec![5, 2, 42, 2 + 18, DATA];
    newer.extend_from_slice(br#"{"kind":"future"}"#);
    newer.extend_from_slice(&[7, 0, 42, 0]);
    let back = decode(0, &newer);
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].reason, Some(Reason::other(r#"{"kind":"future"}"#)));
}
