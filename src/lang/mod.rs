//! The languages Candor speaks to customers, and its words in each: one
//! Project Fluent file per language in `locales/` (`en.ftl`, `es.ftl`),
//! compiled in (`build.rs` lists them). Adding a language is adding one file
//! and naming it in `[site] languages`.
//!
//! A [`Lang`] is an index into those files. Messages are looked up by id
//! ([`Lang::say`], or [`say!`](crate::say) with arguments); a message missing
//! from a language falls back to English, so a new file may start partial.
//! Dates use chrono's patterns from the same file, with day and month names
//! in the file's `chrono-locale`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// One of the languages in `locales/`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

struct Language {
    tag: &'static str,
    id: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    locale: chrono::Locale,
    /// Problems in its file (none, unless a file was edited badly; the tests
    /// read every file).
    problems: Vec<String>,
}

fn languages() -> &'static [Language] {
    static ALL: OnceLock<Vec<Language>> = OnceLock::new();
    ALL.get_or_init(|| FILES.iter().map(|(tag, text)| load(tag, text)).collect())
}

fn load(tag: &'static str, text: &str) -> Language {
    let mut problems = Vec::new();
    let id: LanguageIdentifier = tag.parse().unwrap_or_else(|e| {
        problems.push(format!("{tag}.ftl: {tag:?} is not a language tag: {e}"));
        LanguageIdentifier::default()
    });
    let resource = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(partial, errors)| {
        problems.extend(errors.iter().map(|e| format!("{tag}.ftl: {e}")));
        partial
    });
    let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
    // No Unicode isolation marks around arguments: they would end up, unseen,
    // in pages, mail subjects and copied text.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        problems.extend(errors.iter().map(|e| format!("{tag}.ftl: {e:?}")));
    }
    let locale = message(&bundle, "chrono-locale", None)
        .and_then(|name| chrono::Locale::try_from(name.as_str()).ok())
        .unwrap_or(chrono::Locale::POSIX);
    Language {
        tag,
        id,
        bundle,
        locale,
        problems,
    }
}

fn message(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, args, &mut errors);
    debug_assert!(errors.is_empty(), "message {id}: {errors:?}");
    Some(out.into_owned())
}

impl Lang {
    /// English: the language every other falls back to.
    pub fn english() -> Lang {
        Lang::parse("en").unwrap_or(Lang(0))
    }

    /// The language with this tag (`es`, `pt-BR`), case aside.
    pub fn parse(tag: &str) -> Option<Lang> {
        let at = languages()
            .iter()
            .position(|l| l.tag.eq_ignore_ascii_case(tag))?;
        u8::try_from(at).ok().map(Lang)
    }

    /// Every language there is a file for.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..languages().len()).filter_map(|i| u8::try_from(i).ok().map(Lang))
    }

    fn language(self) -> &'static Language {
        let all = languages();
        &all[usize::from(self.0).min(all.len().saturating_sub(1))]
    }

    /// Its tag, for `lang` and `Content-Language`: `es`.
    pub fn tag(self) -> &'static str {
        self.language().tag
    }

    /// Its own name for itself: "Español".
    pub fn name(self) -> String {
        self.say("language-name")
    }

    /// Message `id` in this language (in English if this one lacks it).
    pub fn say(self, id: &str) -> String {
        self.say_with(id, None)
    }

    /// Message `id` with its arguments.
    pub fn say_with(self, id: &str, args: Option<&FluentArgs>) -> String {
        message(&self.language().bundle, id, args)
            .or_else(|| message(&Lang::english().language().bundle, id, args))
            .unwrap_or_else(|| id.to_owned())
    }

    /// `at` by the date pattern `id` of this language: "jue 3 dic, 14:02 CET".
    pub fn date<Tz: TimeZone>(self, at: &DateTime<Tz>, id: &str) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        let pattern = self.say(id);
        let mut out = String::new();
        match write!(
            out,
            "{}",
            at.format_localized(&pattern, self.language().locale)
        ) {
            Ok(()) => out,
            // A bad pattern in a file: still a date.
            Err(_) => at.to_rfc3339(),
        }
    }

    /// Its day and month names, for chrono.
    pub fn chrono_locale(self) -> chrono::Locale {
        self.language().locale
    }

    /// A calendar day by the date pattern `id`: "3 dic".
    pub fn day(self, date: chrono::NaiveDate, id: &str) -> String {
        let pattern = self.say(id);
        let mut out = String::new();
        match write!(
            out,
            "{}",
            date.format_localized(&pattern, self.language().locale)
        ) {
            Ok(()) => out,
            Err(_) => date.to_string(),
        }
    }

    /// `n` with this language's decimal mark and `places` decimals: "99,95".
    pub fn decimal(self, n: f64, places: usize) -> String {
        let plain = format!("{n:.places$}");
        match self.say("decimal-mark").as_str() {
            "." | "decimal-mark" => plain,
            mark => plain.replace('.', mark),
        }
    }

    /// Problems found in this language's file.
    pub fn problems(self) -> &'static [String] {
        &self.language().problems
    }
}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// The reader's language: the first of their `Accept-Language` preferences
/// that is `offered`, else `default`.
pub fn negotiate(accept_language: &str, offered: &[Lang], default: Lang) -> Lang {
    let requested = fluent_langneg::accepted_languages::parse(accept_language);
    let available: Vec<&LanguageIdentifier> = offered.iter().map(|l| &l.language().id).collect();
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Filtering,
    );
    chosen
        .first()
        .and_then(|id| offered.iter().find(|l| &&l.language().id == *id))
        .copied()
        .unwrap_or(default)
}

/// A message with named arguments: `say!(lang, "uptime-days", days = 4)`.
#[macro_export]
macro_rules! say {
    ($lang:expr, $id:expr) => {
        $lang.say($id)
    };
    ($lang:expr, $id:expr, $($key:ident = $value:expr),+ $(,)?) => {{
        let mut args = fluent_bundle::FluentArgs::new();
        $(args.set(stringify!($key), $value);)+
        $lang.say_with($id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
