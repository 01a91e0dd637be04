//! Admin forms → the desk's inputs (the same ones the JSON API builds), plus the
//! problems only a form can have: a local time that is malformed or does not
//! exist. Those go to the desk with the command, which reports them together
//! with its own findings and applies nothing.

use chrono::SecondsFormat;
use chrono_tz::Tz;

use super::fields::{Fields, from_local};
use crate::incidents::input::{
    FieldErrors, IncidentInput, MaintenanceInput, MaintenanceUpdateInput, UpdateInput,
};

/// The `_was` suffix names a hidden field holding what a prefilled field showed.
pub const WAS: &str = "_was";

pub fn incident(f: &Fields, tz: Tz) -> (IncidentInput, FieldErrors) {
    let mut e = FieldErrors::default();
    let eta = match f.value("expected_resolution_at").trim() {
        "" => None,
        v => time(&mut e, "expected_resolution_at", v, tz),
    };
    let input = IncidentInput {
        name: f.owned("name"),
        status: f.owned("status"),
        impact: f.owned("impact"),
        body: f.owned("body"),
        components: components(f),
        cause: f.owned("cause"),
        expected_resolution_at: eta,
        workaround: f.owned("workaround"),
        notify: Some(f.checked("notify")),
    };
    (input, e)
}

/// A form sends every field, so a field still showing what it was prefilled with
/// keeps the current value (None), an emptied one clears it (""), and anything
/// else sets it.
pub fn update(f: &Fields, tz: Tz) -> (UpdateInput, FieldErrors) {
    let mut e = FieldErrors::default();
    let eta = match edited(f, "expected_resolution_at") {
        Some(v) if !v.trim().is_empty() => time(&mut e, "expected_resolution_at", v, tz),
        Some(_) => Some(String::new()),
        None => None,
    };
    let input = UpdateInput {
        status: f.owned("status"),
        body: f.owned("body"),
        components: components(f),
        cause: edited(f, "cause").map(str::to_owned),
        expected_resolution_at: eta,
        workaround: edited(f, "workaround").map(str::to_owned),
        notify: Some(f.checked("notify")),
    };
    (input, e)
}

pub fn maintenance(f: &Fields, tz: Tz) -> (MaintenanceInput, FieldErrors) {
    let mut e = FieldErrors::default();
    let mut window = |name: &str| match f.value(name).trim() {
        "" => {
            e.add(name, "missing: pick a date and time");
            None
        }
        v => time(&mut e, name, v, tz),
    };
    let scheduled_for = window("scheduled_for");
    let scheduled_until = window("scheduled_until");
    let input = MaintenanceInput {
        name: f.owned("name"),
        body: f.owned("body"),
        scheduled_for,
        scheduled_until,
        components: f.all("components").map(str::to_owned).collect(),
        notify: Some(f.checked("notify")),
    };
    (input, e)
}

pub fn maintenance_update(f: &Fields) -> MaintenanceUpdateInput {
    MaintenanceUpdateInput {
        status: f.owned("status"),
        body: f.owned("body"),
        notify: Some(f.checked("notify")),
    }
}

/// `components.<id>` selects; "" means not affected / no change.
fn components(f: &Fields) -> Vec<(String, String)> {
    f.prefixed("components.")
        .filter(|(_, status)| !status.is_empty())
        .map(|(id, status)| (id.to_owned(), status.to_owned()))
        .collect()
}

fn edited<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    let now = f.get(name)?;
    let was = f.get(&format!("{name}{WAS}"));
    match was {
        Some(was) if was.trim() == now.trim() => None,
        _ => Some(now),
    }
}

fn time(e: &mut FieldErrors, name: &str, value: &str, tz: Tz) -> Option<String> {
    match from_local(value, tz) {
        Ok(t) => Some(t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        Err(message) => {
            e.add(name, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Tz {
        "Europe/Berlin".parse().unwrap()
    }

    #[test]
    fn a_new_incident_reads_local_times_and_skips_unaffected_components() {
        let f = Fields::default()
            .with("name", "API down")
            .with("components.api", "major_outage")
            .with("components.web", "")
            .with("expected_resolution_at", "2026-11-22T15:30");
        let (input, e) = incident(&f, berlin());
        assert!(e.is_empty());
        assert_eq!(input.components, [("api".into(), "major_outage".into())]);
        assert_eq!(
            input.expected_resolution_at.as_deref(),
            Some("2026-11-22T14:30:00Z")
        );
        assert_eq!(input.notify, Some(false));
    }

    #[test]
    fn an_update_keeps_untouched_fields_clears_emptied_ones_and_sets_the_rest() {
        let f = Fields::default()
            .with("cause", "disk full")
            .with("cause_was", "disk full")
            .with("workaround", "")
            .with("workaround_was", "use the mirror")
            .with("expected_resolution_at", "2026-11-22T16:00")
            .with("expected_resolution_at_was", "2026-11-22T15:30")
            .with("notify", "on");
        let (input, e) = update(&f, berlin());
        assert!(e.is_empty());
        assert_eq!(input.cause, None);
        assert_eq!(input.workaround.as_deref(), Some(""));
        assert_eq!(
            input.expected_resolution_at.as_deref(),
            Some("2026-11-22T15:00:00Z")
        );
        assert_eq!(input.notify, Some(true));
    }

    #[test]
    fn an_eta_left_as_it_was_is_kept_even_when_it_has_passed() {
        let f = Fields::default()
            .with("expected_resolution_at", "2001-01-01T00:00")
            .with("expected_resolution_at_was", "2001-01-01T00:00");
        assert_eq!(update(&f, berlin()).0.expected_resolution_at, None);
    }
}
