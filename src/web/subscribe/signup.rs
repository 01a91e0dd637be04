//! `GET /subscribe` (the form on a page of its own, which unlike the status
//! page never reloads while someone types) and `POST /subscribe`.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use lettre::Message;
use lettre::message::Mailbox;

use super::form::Entered;
use super::{Here, chosen, config, pages, write};
use crate::lang::Lang;
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::say;
use crate::subscribers::{Subscribed, normalise};
use crate::web::form_data::FormData;
use crate::web::{Shared, client};

/// The longest address SMTP can carry (RFC 5321's 256-octet path, less `<>`).
const MAX_EMAIL: usize = 254;

pub async fn show(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let config = config(&shared);
    pages::signup(
        StatusCode::OK,
        Here::of(&req, &config.site),
        &config.components,
        &Entered::default(),
    )
}

#[tracing::instrument(skip_all)]
pub async fn submit(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let config = config(&shared);
    let site = Here::of(&req, &config.site);
    if let Err(wait) = shared.limits.admit(client::of(&req, &shared)) {
        return pages::too_many(site, wait);
    }
    let Some(form) = FormData::parse(&body) else {
        return pages::bad_form(site);
    };
    let mut entered = Entered {
        email: form.value("email").trim().to_owned(),
        components: form.all("components").map(str::to_owned).collect(),
        ..Entered::default()
    };
    // The language of the page the form was on (hidden field), else this
    // request's: every email to them will be in it.
    let language = Lang::parse(form.value("lang"))
        .filter(|l| site.site.languages.contains(l))
        .unwrap_or(site.lang);
    let site = Here {
        lang: language,
        ..site
    };
    let email = address(site.lang, &entered.email).map_err(|p| entered.email_problem = Some(p));
    let components = chosen(site.lang, &config.components, &entered.components)
        .map_err(|p| entered.components_problem = Some(p));
    let (Ok(email), Ok(components)) = (email, components) else {
        return pages::signup(
            StatusCode::UNPROCESSABLE_ENTITY,
            site,
            &config.components,
            &entered,
        );
    };
    let command = SubscriptionCommand::Subscribe {
        email: email.clone(),
        components,
        language: Some(language.tag().to_owned()),
    };
    match write(&shared, "subscribe", command).await {
        Ok(Done::Subscribed(Subscribed::Capped { retry_at })) => {
            let wait = (retry_at - shared.clock.now()).to_std().unwrap_or_default();
            pages::capped(site, wait)
        }
        Ok(_) => pages::check_inbox(site, &email),
        Err(_) => pages::unavailable(site),
    }
}

/// The address as stored (domain lowercased), if lettre can send to it: it
/// must parse as an address *and* make a message, the way every email to it
/// will be made. lettre parses `a@[127.0.0.1]` and `"quoted spaces"@b.com`
/// as addresses but cannot put them in a message's envelope, so they used to
/// be accepted here and fail at the first email.
pub(super) fn address(lang: Lang, given: &str) -> Result<String, String> {
    if given.is_empty() {
        return Err(lang.say("form-email-missing"));
    }
    let email = normalise(given);
    if email.len() > MAX_EMAIL {
        return Err(say!(lang, "form-email-long", max = MAX_EMAIL));
    }
    let refused = |why: String| say!(lang, "form-email-refused", given = given, why = why);
    let parsed =
        lettre::Address::from_str(&email).map_err(|e| refused(e.to_string().to_lowercase()))?;
    match mailable(parsed) {
        true => Ok(email),
        false => Err(refused(lang.say("form-email-unmailable"))),
    }
}

/// Whether lettre can build a message to `to` (the sender does not matter).
fn mailable(to: lettre::Address) -> bool {
    let from = lettre::Address::new("status", "example.com");
    let Ok(from) = from else {
        return false;
    };
    Message::builder()
        .from(Mailbox::new(None, from))
        .to(Mailbox::new(None, to))
        .body(String::new())
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::address;

    #[test]
    fn addresses_are_parsed_by_lettre_and_stored_with_the_domain_lowercased() {
        assert_eq!(
            address(
                crate::lang::Lang::english(),
                "  Ann.Lee+status@Example.COM "
            )
            .unwrap(),
            "Ann.Lee+status@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@exa mple.com",
            "a b@example.com",
        ] {
            assert!(
                address(crate::lang::Lang::english(), bad).is_err(),
                "{bad:?} accepted"
            );
        }
        for unmailable in ["a@[127.0.0.1]", "\"quoted spaces\"@b.com"] {
            let e = address(crate::lang::Lang::english(), unmailable).unwrap_err();
            assert!(e.contains("cannot be mailed"), "{unmailable}: {e}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(
            address(crate::lang::Lang::english(), &long)
                .unwrap_err()
                .contains("too long")
        );
    }
}
