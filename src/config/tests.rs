use std::time::Duration;

use super::*;
use crate::checks::Target;

const VALID: &str = r#"
[site]
title = "Acme Status"
public_url = "https://status.acme.example"
timezone = "Europe/Berlin"

[server]
listen = "127.0.0.1:0"
data_dir = "/tmp/x"
retention = "3d"

[[components]]
id = "api"
name = "Public API"
group = "Core"

[[components]]
id = "db"
name = "Database"

[[checks]]
component = "api"
name = "API health"
url = "https://api.acme.example/health"
schedule = "*/30 * * * * *"
timeout = "5s"
expect_status = [200, 204]
body_contains = "ok"
json = { pointer = "/status", equals = "ok" }
degraded_over = "800ms"
headers = { Authorization = "Bearer x" }

[[checks]]
component = "db"
name = "Postgres"
url = "tcp://127.0.0.1:5432"
every = "10s"
failure_threshold = 1
"#;

fn problems(toml: &str) -> Vec<String> {
    match Config::parse(toml) {
        Ok(_) => panic!("expected problems in:\n{toml}"),
        Err(ps) => ps.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts that some problem contains every one of `parts`.
fn assert_problem(all: &[String], parts: &[&str]) {
    assert!(
        all.iter()
            .any(|p| parts.iter().all(|part| p.contains(part))),
        "no problem contains {parts:?}; got:\n{}",
        all.join("\n")
    );
}

fn with_check(extra: &str) -> String {
    format!(
        "[[components]]\nid = \"api\"\nname = \"API\"\n\n[[checks]]\ncomponent = \"api\"\nname = \"c\"\n{extra}\n"
    )
}

#[test]
fn a_valid_file_becomes_typed_values() {
    let c = Config::parse(VALID).unwrap();
    assert_eq!(c.site.title, "Acme Status");
    assert_eq!(c.site.timezone, chrono_tz::Europe::Berlin);
    assert_eq!(c.server.retention, Duration::from_secs(3 * 86_400));
    assert_eq!(c.components.len(), 2);
    assert_eq!(c.components[0].group.as_deref(), Some("Core"));
    let api = &c.checks[0];
    assert_eq!(api.id.as_str(), "api-api-health");
    assert_eq!(api.timeout, Duration::from_secs(5));
    assert_eq!(api.degraded_over, Some(Duration::from_millis(800)));
    assert_eq!((api.failure_threshold, api.success_threshold), (3, 2));
    let Target::Http(h) = &api.target else {
        panic!("http expected")
    };
    assert_eq!(h.expect_status, Some(vec![200, 204]));
    assert_eq!(h.json.as_ref().unwrap().equals, serde_json::json!("ok"));
    assert_eq!(h.headers.get("authorization").unwrap(), "Bearer x");
    assert!(matches!(&c.checks[1].target, Target::Tcp { host, port: 5432 } if host == "127.0.0.1"));
    assert_eq!(c.checks[1].failure_threshold, 1);
}

#[test]
fn defaults_fill_in_what_is_left_out() {
    let c = Config::parse(&with_check(
        "url = \"http://127.0.0.1:9/\"\nevery = \"30s\"",
    ))
    .unwrap();
    assert_eq!(c.site.title, "Status");
    assert_eq!(c.server.listen, "127.0.0.1:8080");
    assert_eq!(c.server.retention, Duration::from_secs(7 * 86_400));
    assert_eq!(c.checks[0].timeout, Duration::from_secs(10));
    let Target::Http(h) = &c.checks[0].target else {
        panic!()
    };
    assert_eq!(h.expect_status, None);
    assert_eq!(h.max_redirects, 5);
    assert_eq!(c.incidents.correlate_within, Duration::from_secs(120));
    assert_eq!(c.incidents.settle, Duration::from_secs(30));
}

#[test]
fn every_problem_is_reported_at_once_with_its_place() {
    let toml = r#"
[site]
timezone = "Mars/Base"
titel = "typo"

[[components]]
id = "api"
name = "API"

[[checks]]
component = "api"
name = "ok"
url = "http://127.0.0.1/"
every = "30s"

[[checks]]
component = "api"
name = "bad cron"
url = "http://127.0.0.1/"
schedule = "61 * * * * *"

[[checks]]
component = "nope"
name = "orphan"
url = "http://127.0.0.1/"
every = "30s"
shedule = "* * * * *"
"#;
    let all = problems(toml);
    assert_problem(&all, &["site.timezone", "Mars/Base"]);
    assert_problem(&all, &["site.titel", "unknown key"]);
    assert_problem(&all, &["checks[1].schedule"]);
    assert_problem(&all, &["checks[2].component", "unknown component \"nope\""]);
    assert_problem(&all, &["checks[2].shedule", "unknown key"]);
    assert_eq!(all.len(), 5, "{all:#?}");
}

#[test]
fn check_problems_name_the_key() {
    // (extra keys for one check, parts one problem must contain)
    let table: &[(&str, &[&str])] = &[
        ("url = \"http://x/\"", &["checks[0]", "needs a schedule"]),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nschedule = \"* * * * *\"",
            &["checks[0]", "both"],
        ),
        (
            "url = \"http://x/\"\nevery = \"soon\"",
            &["checks[0].every", "not a duration"],
        ),
        (
            "url = \"http://x/\"\nevery = \"10ms\"",
            &["checks[0].every"],
        ),
        (
            "url = \"ftp://x/\"\nevery = \"1s\"",
            &["checks[0].url", "unsupported scheme \"ftp\""],
        ),
        (
            "url = \"not a url\"\nevery = \"1s\"",
            &["checks[0].url", "not a URL"],
        ),
        ("every = \"1s\"", &["checks[0].url", "missing"]),
        (
            "url = \"tcp://db\"\nevery = \"1s\"",
            &["checks[0].url", "host and a port"],
        ),
        (
            "url = \"tcp://db:5432\"\nevery = \"1s\"\nbody_contains = \"x\"",
            &["checks[0].body_contains", "only applies"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nexpect_status = [200, 700]",
            &["checks[0].expect_status", "700"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nexpect_status = []",
            &["checks[0].expect_status", "at least one"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\njson = { pointer = \"status\", equals = 1 }",
            &["checks[0].json.pointer", "start it with /"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\njson = { pointer = \"/s\" }",
            &["checks[0].json.equals", "missing"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\njson = { equals = \"ok\" }",
            &["checks[0].json.pointer: missing"],
        ),
        (
            "url = \"http://x/\"\nschedule = \"0 15 10 * * * 2025\"",
            &["checks[0].schedule", "never fires after now"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\ntimeout = \"2s\"\ndegraded_over = \"3s\"",
            &["checks[0].degraded_over", "shorter than the timeout"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\ntimeout = \"0s\"",
            &["checks[0].timeout"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nfailure_threshold = 0",
            &["checks[0].failure_threshold", "out of range"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nmethod = \"GE T\"",
            &["checks[0].method", "not an HTTP method"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nheaders = { \"Bad Name\" = \"x\" }",
            &["checks[0].headers.Bad Name", "header name"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\ntimezone = \"Nowhere\"",
            &["checks[0].timezone", "unknown time zone"],
        ),
        (
            "url = \"http://x/\"\nschedule = \"* * * *\"",
            &["checks[0].schedule"],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nid = \"Bad Id\"",
            &["checks[0].id"],
        ),
    ];
    for (extra, parts) in table {
        assert_problem(&problems(&with_check(extra)), parts);
    }
}

#[test]
fn a_value_of_the_wrong_type_is_named_and_the_rest_still_checked() {
    let all = problems(&with_check(
        "url = \"http://x/\"\nevery = \"1s\"\ntimeout = 5",
    ));
    assert_eq!(
        all,
        ["checks[0].timeout: invalid type: integer `5`, expected a string"]
    );
    // (extra keys, every problem expected): nothing else, and nothing "missing".
    let table: &[(&str, &[&str])] = &[
        (
            "url = \"http://x/\"\nevery = 1\ntimeout = 5\nmethod = \"GE T\"",
            &[
                "checks[0].every: invalid type: integer `1`, expected a string",
                "checks[0].timeout: invalid type: integer `5`, expected a string",
                "checks[0].method: \"GE T\" is not an HTTP method",
            ],
        ),
        (
            "url = 80\nevery = \"1s\"\nid = true\ntimout = \"1s\"",
            &[
                "checks[0].id: invalid type: boolean `true`, expected a string",
                "checks[0].url: invalid type: integer `80`, expected a string",
                "checks[0].timout: unknown key (check its spelling)",
            ],
        ),
        (
            "url = \"http://x/\"\nevery = \"1s\"\nexpect_status = [200, \"x\", \"y\"]\n\
             headers = { A = 1 }\njson = { pointer = 5, equals = 1 }",
            &[
                "checks[0].expect_status[1]: invalid type: string \"x\", expected i64",
                "checks[0].headers.A: invalid type: integer `1`, expected a string",
                "checks[0].json.pointer: invalid type: integer `5`, expected a string",
            ],
        ),
    ];
    let unnamed = "[[components]]\nid = \"api\"\nname = \"API\"\n[[checks]]\ncomponent = \"api\"\n\
                   name = [\"c\"]\nurl = \"http://x/\"\nevery = \"1s\"\n";
    assert_eq!(
        problems(unnamed),
        ["checks[0].name: invalid type: sequence, expected a string"]
    );
    for (extra, want) in table {
        let mut all = problems(&with_check(extra));
        let mut want = want.to_vec();
        all.sort();
        want.sort();
        assert_eq!(all, want, "for {extra:?}");
    }
}

#[test]
fn a_json_pointer_may_be_empty_for_the_whole_body() {
    let c = Config::parse(&with_check(
        "url = \"http://x/\"\nevery = \"1s\"\njson = { pointer = \"\", equals = \"ok\" }",
    ))
    .unwrap();
    let Target::Http(h) = &c.checks[0].target else {
        panic!("http expected")
    };
    assert_eq!(h.json.as_ref().unwrap().pointer, "");
}

#[test]
fn component_problems_name_the_key() {
    let all = problems(
        "[[components]]\nid = \"API\"\nname = \"x\"\n[[components]]\nname = \"y\"\n\
         [[components]]\nid = \"db\"\n[[components]]\nid = \"db\"\nname = \"z\"\n",
    );
    assert_problem(&all, &["components[0].id", "not a valid id"]);
    assert_problem(&all, &["components[1].id", "missing"]);
    assert_problem(&all, &["components[2].name", "missing"]);
    assert_problem(&all, &["components[3].id", "used by another component"]);
}

#[test]
fn duplicate_check_ids_are_refused() {
    let extra = "url = \"http://x/\"\nevery = \"1s\"\n[[checks]]\ncomponent = \"api\"\nname = \"c\"\nurl = \"http://y/\"\nevery = \"1s\"";
    assert_problem(&problems(&with_check(extra)), &["checks[1].id", "api-c"]);
}

#[test]
fn server_and_site_problems_name_the_key() {
    let all = problems(
        "[server]\nlisten = \"8080\"\nretention = \"5m\"\nmax_concurrent_checks = 0\n\
         [site]\npublic_url = \"ftp://x\"\nrefresh = \"1s\"\n[extra]\n",
    );
    assert_problem(&all, &["server.listen", "host:port"]);
    assert_problem(&all, &["server.retention", "at least 1h"]);
    assert_problem(&all, &["server.max_concurrent_checks"]);
    assert_problem(&all, &["site.public_url"]);
    assert_problem(&all, &["site.refresh"]);
    assert_problem(&all, &["extra", "unknown section"]);
}

#[test]
fn retention_is_capped_at_ten_years() {
    let retention = |r: &str| Config::parse(&format!("[server]\nretention = \"{r}\"\n"));
    assert_eq!(
        retention("10y").unwrap().server.retention,
        Duration::from_secs(10 * 31_557_600)
    );
    for long in ["11y", "10y 1s", "500000y"] {
        let all = problems(&format!("[server]\nretention = \"{long}\"\n"));
        assert_eq!(all, ["server.retention: must be at most 10y"], "{long}");
    }
}

#[test]
fn broken_toml_is_reported_with_its_line() {
    let all = problems("[site]\ntitle = \"unterminated\n");
    assert_problem(&all, &["not valid TOML", "line 2"]);
}

#[test]
fn the_sample_config_is_valid() {
    let text = include_str!("../../checks.toml");
    if let Err(ps) = Config::parse(text) {
        panic!("checks.toml: {ps:#?}");
    }
}

#[test]
fn debug_output_hides_the_admin_token_and_the_smtp_password() {
    let mut config =
        Config::parse("[email]\nsmtp_url = \"smtp://user:hunter2@mail.example:587\"\n").unwrap();
    config.admin_token = Some("s3cret-token".into());
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cret-token"),
        "{shown}"
    );
    assert!(shown.contains("admin_token: Some(\"***\")"), "{shown}");
}

#[test]
fn a_schedule_must_fire_after_the_moment_the_file_is_validated_at() {
    let text = with_check("url = \"http://x/\"\nschedule = \"0 15 10 * * * 2030\"");
    let at = |year| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, year, 6, 1, 0, 0, 0).unwrap();
    assert!(Config::parse_at(&text, at(2029)).is_ok());
    let Err(all) = Config::parse_at(&text, at(2031)) else {
        panic!("a 2030 schedule validated in 2031")
    };
    let all: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_problem(&all, &["checks[0].schedule", "never fires after now"]);
}

#[test]
fn incident_timings_out_of_range_name_their_key() {
    let all = problems(
        "[incidents]\ncorrelate_within = \"2h\"\nsettle = \"5m\"\nquiet_period = \"soon\"\n",
    );
    assert_problem(&all, &["incidents.correlate_within", "at most 1h"]);
    assert_problem(&all, &["incidents.settle", "at most 60s"]);
    assert_problem(&all, &["incidents.quiet_period", "\"soon\""]);
    let off = Config::parse("[incidents]\ncorrelate_within = \"0s\"\nsettle = \"0s\"\n").unwrap();
    assert!(off.incidents.correlate_within.is_zero() && off.incidents.settle.is_zero());
}

#[test]
fn the_promised_next_update_is_30_minutes_unless_set_or_off() {
    let within = |toml: &str| Config::parse(toml).map(|c| c.incidents.next_update_within);
    let minutes = |m: u64| Some(std::time::Duration::from_secs(m * 60));
    assert_eq!(within("").unwrap(), minutes(30));
    assert_eq!(
        within("[incidents]\nnext_update_within = \"45m\"\n").unwrap(),
        minutes(45)
    );
    for off in ["off", "OFF", "0", "0s"] {
        let toml = format!("[incidents]\nnext_update_within = \"{off}\"\n");
        assert_eq!(within(&toml).unwrap(), None, "{off}");
    }
    for (bad, why) in [
        ("soon", "\"soon\" is not a duration"),
        ("30s", "use 1m to 24h, or \"off\""),
        ("2d", "use 1m to 24h, or \"off\""),
    ] {
        let all = problems(&format!("[incidents]\nnext_update_within = \"{bad}\"\n"));
        assert_problem(&all, &["incidents.next_update_within", why]);
    }
}

#[test]
fn the_storage_cache_size_is_a_size_within_bounds() {
    let size = |s: &str| Config::parse(&format!("[server]\ncache_size = \"{s}\"\n"));
    assert_eq!(Config::parse("").unwrap().server.cache_size, 8_000_000);
    assert_eq!(size("64MiB").unwrap().server.cache_size, 64 << 20);
    assert_eq!(size("2 GB").unwrap().server.cache_size, 2_000_000_000);
    for (bad, why) in [
        ("lots", "is not a size"),
        ("512KB", "between 1MB and 16GB"),
        ("1TB", "between 1MB and 16GB"),
    ] {
        let all = problems(&format!("[server]\ncache_size = \"{bad}\"\n"));
        assert_problem(&all, &["server.cache_size", why]);
    }
    assert_problem(
        &problems("[server]\ncache_size = 16\n"),
        &["server.cache_size"],
    );
}

#[test]
fn a_database_url_is_a_postgres_url_never_shown_in_debug() {
    let url = |s: &str| Config::parse(&format!("[server]\ndatabase_url = \"{s}\"\n"));
    assert_eq!(Config::parse("").unwrap().server.database_url, None);
    let config = url("postgres://candor:s3cret@db.internal:5432/status?sslmode=require").unwrap();
    let set = config.server.database_url.as_ref().unwrap();
    assert_eq!(
        set.expose(),
        "postgres://candor:s3cret@db.internal:5432/status?sslmode=require"
    );
    assert!(!format!("{config:?}").contains("s3cret"));
    assert!(url("postgresql://db/status").is_ok());
    for bad in ["mysql://db/status", "db.internal:5432", ""] {
        let all = problems(&format!("[server]\ndatabase_url = \"{bad}\"\n"));
        assert_problem(&all, &["server.database_url", "must be a PostgreSQL URL"]);
    }
    assert_problem(
        &problems("[server]\ndatabase_url = 5432\n"),
        &["server.database_url"],
    );
}

#[test]
fn an_advertise_url_is_an_http_url_with_a_host() {
    let url = |s: &str| Config::parse(&format!("[server]\nadvertise_url = \"{s}\"\n"));
    assert_eq!(Config::parse("").unwrap().server.advertise_url, None);
    let set = url("http://10.0.0.11:8080").unwrap().server.advertise_url;
    assert_eq!(
        set.map(|u| u.to_string()),
        Some("http://10.0.0.11:8080/".into())
    );
    assert!(url("https://node-2.internal").is_ok());
    for bad in ["10.0.0.11:8080", "ftp://node", "http://", ""] {
        let all = problems(&format!("[server]\nadvertise_url = \"{bad}\"\n"));
        assert_problem(
            &all,
            &[
                "server.advertise_url",
                "http:// or https:// URL with a host",
            ],
        );
    }
}

#[test]
fn a_components_workaround_is_trimmed_text_without_control_characters() {
    let with =
        |w: &str| format!("[[components]]\nid = \"api\"\nname = \"API\"\nworkaround = \"{w}\"\n");
    let c = Config::parse(&with("  Use the web app.  ")).unwrap();
    assert_eq!(
        c.components[0].workaround.as_deref(),
        Some("Use the web app.")
    );
    assert_eq!(
        Config::parse(&with(" ")).unwrap().components[0].workaround,
        None
    );
    assert_problem(
        &problems(&with("bad\\u0007bell")),
        &[
            "components[0].workaround",
            "control character (U+0007) at character 4",
        ],
    );
    assert_problem(
        &problems(&with(&"x".repeat(1001))),
        &["components[0].workaround", "longer than 1000"],
    );
}

#[test]
fn a_components_report_threshold_defaults_to_10_and_must_be_a_positive_integer() {
    let with = |t: &str| {
        format!(
            "[[components]]\nid = \"api\"\nname = \"API\"\n{t}\n[[components]]\nid = \"db\"\nname = \"DB\"\n"
        )
    };
    let c = Config::parse(&with("report_threshold = 3")).unwrap();
    assert_eq!(c.components[0].report_threshold, 3);
    assert_eq!(c.components[1].report_threshold, 10, "the default");
    assert_problem(
        &problems(&with("report_threshold = 0")),
        &[
            "components[0].report_threshold",
            "0 is out of range: use 1 to 10000",
        ],
    );
    assert_problem(
        &problems(&with("report_threshold = -4")),
        &["components[0].report_threshold", "out of range"],
    );
    assert_problem(
        &problems(&with("report_threshold = \"ten\"")),
        &[
            "components[0].report_threshold",
            "invalid type: string \"ten\", expected i64",
        ],
    );
    assert_problem(
        &problems(&with("report_threshold = 2.5")),
        &["components[0].report_threshold", "invalid type"],
    );
}
