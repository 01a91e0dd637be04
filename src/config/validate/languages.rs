//! `[site] languages` and `default_language`: which of the languages in
//! `locales/` the public pages and emails are offered in.

use crate::lang::Lang;

use super::Problems;

/// Every language named must have messages; the default must be one of them.
/// Unset: every language there is, English first by default.
pub(super) fn languages(
    p: &mut Problems,
    raw: Option<Vec<String>>,
    default: Option<String>,
) -> (Vec<Lang>, Lang) {
    let known = || Lang::all().map(Lang::tag).collect::<Vec<_>>().join(", ");
    let mut out: Vec<Lang> = Vec::new();
    match raw {
        None => out.extend(Lang::all()),
        Some(list) if list.is_empty() => p.add(
            "site.languages",
            format!("must name at least one language (there are: {})", known()),
        ),
        Some(list) => {
            for (i, tag) in list.iter().enumerate() {
                let place = format!("site.languages[{i}]");
                match Lang::parse(tag.trim()) {
                    Some(l) if out.contains(&l) => {
                        p.add(place, format!("\"{tag}\" is listed twice"))
                    }
                    Some(l) => out.push(l),
                    None => p.add(
                        place,
                        format!(
                            "no messages for \"{tag}\" (locales/ has: {}; a language is \
                             added as one file, see the README)",
                            known()
                        ),
                    ),
                }
            }
        }
    }
    let fallback = match out.contains(&Lang::english()) {
        true => Lang::english(),
        false => out.first().copied().unwrap_or_else(Lang::english),
    };
    let chosen = match default {
        None => fallback,
        Some(tag) => match Lang::parse(tag.trim()) {
            Some(l) if out.contains(&l) => l,
            _ => {
                let offered: Vec<&str> = out.iter().map(|l| l.tag()).collect();
                p.add(
                    "site.default_language",
                    format!(
                        "\"{tag}\" is not one of site.languages ({})",
                        offered.join(", ")
                    ),
                );
                fallback
            }
        },
    };
    if out.is_empty() {
        out.push(chosen);
    }
    (out, chosen)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lang::Lang;

    fn site(toml: &str) -> Result<Config, String> {
        Config::parse(&format!("[site]\n{toml}\n")).map_err(|e| {
            e.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[test]
    fn every_language_is_offered_unless_set_and_english_is_the_default() {
        let c = site("").expect("valid");
        assert_eq!(c.site.languages, Lang::all().collect::<Vec<_>>());
        assert_eq!(c.site.default_language, Lang::english());
        let c = site("languages = [\"es\", \"en\"]\ndefault_language = \"es\"").expect("valid");
        assert_eq!(c.site.default_language.tag(), "es");
        let c = site("languages = [\"es\"]").expect("valid");
        assert_eq!(c.site.default_language.tag(), "es");
    }

    #[test]
    fn unknown_duplicate_and_unoffered_languages_are_named() {
        let e =
            site("languages = [\"en\", \"xx\", \"en\"]\ndefault_language = \"es\"").unwrap_err();
        assert!(
            e.contains("site.languages[1]: no messages for \"xx\" (locales/ has: en, es"),
            "{e}"
        );
        assert!(
            e.contains("site.languages[2]: \"en\" is listed twice"),
            "{e}"
        );
        assert!(
            e.contains("site.default_language: \"es\" is not one of site.languages (en)"),
            "{e}"
        );
        let e = site("languages = []").unwrap_err();
        assert!(
            e.contains("site.languages: must name at least one language"),
            "{e}"
        );
    }
}
