//! `[[locations]]`: the other places checks are probed from, each by an agent
//! (`candor agent`) that authenticates with its own token; and a check's
//! `locations` and `confirm`.

use std::collections::HashSet;

use super::Problems;
use crate::config::Location;
use crate::model::LocationId;

/// Longest location name: it is shown in sentences ("seen from Virginia only").
const MAX_NAME_CHARS: usize = 60;

pub(super) fn locations(p: &mut Problems, raw: Vec<super::RawLocation>) -> Vec<Location> {
    let mut ids = HashSet::new();
    let mut envs = HashSet::new();
    let mut out = Vec::new();
    for (i, l) in raw.into_iter().enumerate() {
        let place = format!("locations[{i}]");
        let id = match l.id.as_deref().map(LocationId::parse) {
            None => {
                p.add(
                    format!("{place}.id"),
                    "missing: every location needs an id (like \"us-east\")",
                );
                None
            }
            Some(Err(e)) => {
                p.add(format!("{place}.id"), e);
                None
            }
            Some(Ok(id)) if id.is_local() => {
                p.add(
                    format!("{place}.id"),
                    "\"local\" is this instance's own location: give the other one another id",
                );
                None
            }
            Some(Ok(id)) if !ids.insert(id.clone()) => {
                p.add(
                    format!("{place}.id"),
                    format!("\"{id}\" is used by another location already"),
                );
                None
            }
            Some(Ok(id)) => Some(id),
        };
        let name = l.name.unwrap_or_default().trim().to_owned();
        if name.is_empty() {
            p.add(
                format!("{place}.name"),
                "missing: every location needs a name to show (like \"Virginia\")",
            );
        } else if name.chars().count() > MAX_NAME_CHARS {
            p.add(
                format!("{place}.name"),
                format!("is longer than {MAX_NAME_CHARS} characters"),
            );
        }
        let token_env = l.token_env.unwrap_or_default().trim().to_owned();
        if token_env.is_empty() {
            p.add(
                format!("{place}.token_env"),
                "missing: name the environment variable that holds this location's agent token (like \"CANDOR_AGENT_TOKEN_US_EAST\")",
            );
        } else if !token_env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            p.add(
                format!("{place}.token_env"),
                format!(
                    "\"{token_env}\" is not an environment variable name (letters, digits and _)"
                ),
            );
        } else if !envs.insert(token_env.clone()) {
            p.add(
                format!("{place}.token_env"),
                format!("\"{token_env}\" is another location's token already: give each its own"),
            );
        }
        if let Some(id) = id {
            out.push(Location {
                id,
                name,
                token_env,
            });
        }
    }
    out
}

/// `[server] location`: this instance's own place, as shown ("Frankfurt").
pub(super) fn own_name(p: &mut Problems, raw: Option<String>) -> String {
    let name = raw.unwrap_or_else(|| "Primary".into()).trim().to_owned();
    if name.is_empty() {
        p.add("server.location", "must not be empty");
    } else if name.chars().count() > MAX_NAME_CHARS {
        p.add(
            "server.location",
            format!("is longer than {MAX_NAME_CHARS} characters"),
        );
    }
    name
}

/// A check's `locations` (default: this instance only) and `confirm` (default:
/// a majority of them).
pub(super) fn of_check(
    p: &mut Problems,
    place: &str,
    raw: Option<Vec<String>>,
    confirm: Option<i64>,
    known: &HashSet<LocationId>,
) -> (Vec<LocationId>, usize) {
    let mut out: Vec<LocationId> = Vec::new();
    match raw {
        None => out.push(LocationId::local()),
        Some(list) if list.is_empty() => p.add(
            format!("{place}.locations"),
            "is empty: name at least one location (\"local\" is this instance)",
        ),
        Some(list) => {
            for (i, text) in list.iter().enumerate() {
                let at = format!("{place}.locations[{i}]");
                match LocationId::parse(text.trim()) {
                    Ok(id) if !id.is_local() && !known.contains(&id) => p.add(
                        at,
                        format!("unknown location \"{text}\": add a [[locations]] entry with id = \"{text}\", or use \"local\" for this instance"),
                    ),
                    Ok(id) if out.contains(&id) => {
                        p.add(at, format!("\"{text}\" is listed twice"));
                    }
                    Ok(id) => out.push(id),
                    Err(e) => p.add(at, e),
                }
            }
        }
    }
    let n = out.len().max(1);
    let majority = n / 2 + 1;
    let confirm = match confirm {
        None => majority,
        Some(c) if c >= 1 && usize::try_from(c).is_ok_and(|c| c <= n) => c as usize,
        Some(c) => {
            p.add(
                format!("{place}.confirm"),
                format!("{c} is out of range: use 1 to {n} (the number of this check's locations)"),
            );
            majority.min(n)
        }
    };
    (out, confirm)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn problems(text: &str) -> Vec<String> {
        match Config::parse(text) {
            Ok(_) => Vec::new(),
            Err(list) => list.iter().map(ToString::to_string).collect(),
        }
    }

    const COMPONENT: &str = "[[components]]\nid = \"api\"\nname = \"API\"\n";

    fn check(extra: &str) -> String {
        format!(
            "{COMPONENT}[[checks]]\ncomponent = \"api\"\nname = \"up\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"30s\"\n{extra}"
        )
    }

    const EAST: &str =
        "[[locations]]\nid = \"us-east\"\nname = \"Virginia\"\ntoken_env = \"T_EAST\"\n";
    const SOUTH: &str =
        "[[locations]]\nid = \"ap-south\"\nname = \"Singapore\"\ntoken_env = \"T_SOUTH\"\n";

    #[test]
    fn checks_run_here_only_unless_they_name_locations_and_confirm_by_majority() {
        let c = Config::parse(&check("")).unwrap();
        assert_eq!(c.server.location, "Primary");
        assert_eq!(c.checks[0].locations.len(), 1);
        assert!(c.checks[0].locations[0].is_local());
        assert_eq!(c.checks[0].confirm, 1);

        let text = format!(
            "[server]\nlocation = \"Frankfurt\"\n{EAST}{SOUTH}{}",
            check("locations = [\"local\", \"us-east\", \"ap-south\"]\n")
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.server.location, "Frankfurt");
        assert_eq!(c.locations.len(), 2);
        assert_eq!(c.locations[0].name, "Virginia");
        let ids: Vec<&str> = c.checks[0].locations.iter().map(|l| l.as_str()).collect();
        assert_eq!(ids, ["local", "us-east", "ap-south"]);
        assert_eq!(c.checks[0].confirm, 2, "a majority of three");

        let text = format!(
            "{EAST}{SOUTH}{}",
            check("locations = [\"us-east\", \"ap-south\"]\nconfirm = 1\n")
        );
        assert_eq!(Config::parse(&text).unwrap().checks[0].confirm, 1);
    }

    #[test]
    fn each_bad_location_setting_is_named_with_its_place() {
        let all = problems(&format!(
            "{EAST}[[locations]]\nid = \"us-east\"\nname = \"\"\ntoken_env = \"T_EAST\"\n\
             [[locations]]\nid = \"local\"\nname = \"Here\"\ntoken_env = \"bad name\"\n{}",
            check("locations = [\"us-east\", \"mars\", \"us-east\"]\nconfirm = 3\n")
        ));
        for expected in [
            "locations[1].id: \"us-east\" is used by another location already",
            "locations[1].name: missing",
            "locations[1].token_env: \"T_EAST\" is another location's token already",
            "locations[2].id: \"local\" is this instance's own location",
            "locations[2].token_env: \"bad name\" is not an environment variable name",
            "checks[0].locations[1]: unknown location \"mars\"",
            "checks[0].locations[2]: \"us-east\" is listed twice",
            "checks[0].confirm: 3 is out of range: use 1 to 1",
        ] {
            assert!(
                all.iter().any(|p| p.starts_with(expected)),
                "{expected:?} not in {all:#?}"
            );
        }
        let all = problems(&check("locations = []\n"));
        assert!(
            all[0].starts_with("checks[0].locations: is empty"),
            "{all:?}"
        );
        let all = problems(&check("confirm = 0\n"));
        assert!(
            all[0].starts_with("checks[0].confirm: 0 is out of range"),
            "{all:?}"
        );
        let all = problems("[server]\nlocation = \" \"\n");
        assert_eq!(all, ["server.location: must not be empty"]);
    }
}
