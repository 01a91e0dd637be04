//! `[[webhooks]]` entries → [`Webhook`]s: an http(s) URL, used by one entry
//! only (deliveries are keyed by it), an optional non-empty secret, and an
//! optional list of known components.

use std::collections::HashSet;

use reqwest::Url;

use super::Problems;
use crate::config::Webhook;
use crate::config::raw::RawWebhook;
use crate::config::urls::for_logs;
use crate::model::ComponentId;

pub(super) fn webhooks(
    p: &mut Problems,
    raw: Vec<RawWebhook>,
    known: &HashSet<&ComponentId>,
) -> Vec<Webhook> {
    let mut seen: Vec<(Url, usize)> = Vec::new();
    let mut out = Vec::new();
    for (i, w) in raw.into_iter().enumerate() {
        let place = format!("webhooks[{i}]");
        let url = url(p, &place, w.url.as_deref());
        if let Some(u) = &url {
            if let Some((_, first)) = seen.iter().find(|(s, _)| s == u) {
                p.add(
                    format!("{place}.url"),
                    format!("\"{}\" is the url of webhooks[{first}] already: deliveries are kept by url, so list it once", for_logs(u.as_str())),
                );
            }
            seen.push((u.clone(), i));
        }
        if w.secret.as_ref().is_some_and(|s| s.is_blank()) {
            p.add(
                format!("{place}.secret"),
                "must not be empty: remove the key to send unsigned payloads",
            );
        }
        let components = components(p, &place, w.components, known);
        if let Some(url) = url {
            out.push(Webhook {
                url,
                secret: w.secret,
                components,
            });
        }
    }
    out
}

fn url(p: &mut Problems, place: &str, text: Option<&str>) -> Option<Url> {
    let place = format!("{place}.url");
    let Some(text) = text else {
        p.add(
            place,
            "missing: the address to POST payloads to, like \"https://hooks.acme.example/candor\"",
        );
        return None;
    };
    match Url::parse(text.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Some(u),
        _ => {
            p.add(
                place,
                format!(
                    "\"{}\" is not an http:// or https:// URL with a host",
                    for_logs(text)
                ),
            );
            None
        }
    }
}

/// None when absent (every component); each entry must name a known component.
fn components(
    p: &mut Problems,
    place: &str,
    list: Option<Vec<String>>,
    known: &HashSet<&ComponentId>,
) -> Option<Vec<ComponentId>> {
    let list = list?;
    if list.is_empty() {
        p.add(
            format!("{place}.components"),
            "is empty, so nothing would be sent: remove the key for every component",
        );
    }
    let mut out = Vec::new();
    for (j, text) in list.iter().enumerate() {
        match ComponentId::parse(text) {
            Ok(id) if known.contains(&id) => out.push(id),
            _ => p.add(
                format!("{place}.components[{j}]"),
                format!("unknown component \"{text}\": add a [[components]] entry with id = \"{text}\" or fix the name"),
            ),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const COMPONENTS: &str = "[[components]]\nid = \"api\"\nname = \"API\"\n\n\
                              [[components]]\nid = \"db\"\nname = \"DB\"\n";

    fn parse(webhooks: &str) -> Result<Config, Vec<String>> {
        Config::parse(&format!("{COMPONENTS}\n{webhooks}"))
            .map_err(|ps| ps.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_webhook_becomes_a_url_secret_and_component_filter() {
        let c = parse(
            "[[webhooks]]\nurl = \"https://hooks.example/a\"\nsecret = \"s3cret-value\"\n\
             components = [\"db\"]\n\n[[webhooks]]\nurl = \"http://127.0.0.1:9/b\"\n",
        )
        .unwrap();
        assert_eq!(c.webhooks.len(), 2);
        let (a, b) = (&c.webhooks[0], &c.webhooks[1]);
        assert_eq!(a.url.as_str(), "https://hooks.example/a");
        assert_eq!(
            a.secret.as_ref().map(|s| s.expose()),
            Some(&b"s3cret-value"[..])
        );
        let db = crate::model::ComponentId::parse("db").unwrap();
        let api = crate::model::ComponentId::parse("api").unwrap();
        assert!(a.wants([&db].into_iter()) && !a.wants([&api].into_iter()));
        assert!(
            !a.wants(std::iter::empty()),
            "a filtered webhook gets only its components"
        );
        assert!(b.secret.is_none() && b.components.is_none());
        assert!(b.wants(std::iter::empty()));
    }

    #[test]
    fn the_secret_never_appears_in_debug_output() {
        let c = parse("[[webhooks]]\nurl = \"https://h.example/\"\nsecret = \"hunter2-hunter2\"\n")
            .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("Secret(***)"), "{debug}");
    }

    #[test]
    fn every_webhook_problem_is_reported_with_its_place() {
        let all = parse(
            "[[webhooks]]\nurl = \"ftp://files.example/\"\n\n\
             [[webhooks]]\nurl = \"https://h.example/\"\ncomponents = [\"api\", \"nope\"]\n\
             secret = \"  \"\nsecre = \"typo\"\n\n\
             [[webhooks]]\nurl = \"https://h.example/\"\ncomponents = []\n\n\
             [[webhooks]]\nsecret = \"x\"\n\n\
             [[webhooks]]\nurl = \"not a url\"\n",
        )
        .unwrap_err();
        let has = |parts: &[&str]| {
            assert!(
                all.iter().any(|p| parts.iter().all(|x| p.contains(x))),
                "no problem contains {parts:?}:\n{}",
                all.join("\n")
            )
        };
        has(&[
            "webhooks[0].url",
            "ftp://files.example/",
            "http:// or https://",
        ]);
        has(&["webhooks[1].components[1]: unknown component \"nope\""]);
        has(&["webhooks[1].secret", "must not be empty"]);
        has(&["webhooks[1].secre", "unknown key"]);
        has(&["webhooks[2].url", "webhooks[1] already"]);
        has(&["webhooks[2].components", "is empty"]);
        has(&["webhooks[3].url", "missing"]);
        has(&["webhooks[4].url", "\"not a url\""]);
        assert_eq!(all.len(), 8, "{all:#?}");
    }

    #[test]
    fn a_password_in_a_bad_webhook_url_is_not_repeated() {
        let all = parse("[[webhooks]]\nurl = \"gopher://user:pa55word@h.example/\"\n").unwrap_err();
        assert!(all.iter().all(|p| !p.contains("pa55word")), "{all:#?}");
    }

    #[test]
    fn webhooks_must_be_an_array_of_tables() {
        let all = parse("[webhooks]\nurl = \"https://h.example/\"\n").unwrap_err();
        assert!(all.iter().any(|p| p.contains("[[webhooks]]")), "{all:#?}");
    }
}
