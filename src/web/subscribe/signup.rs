//! `GET /subscribe` (the form on a page of its own, which unlike the status
//! page never reloads while someone types) and `POST /subscribe`.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use lettre::Message;
use lettre::message::Mailbox;

use super::form::Entered;
use super::{chosen, config, pages, write};
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::subscribers::{Subscribed, normalise};
use crate::web::form_data::FormData;
use crate::web::{Shared, client};

/// The longest address SMTP can carry (RFC 5321's 256-octet path, less `<>`).
const MAX_EMAIL: usize = 254;

pub async fn show(shared: web::Data<Shared>) -> HttpResponse {
    let config = config(&shared);
    pages::signup(
        StatusCode::OK,
        &config.site,
        &config.components,
        &Entered::default(),
    )
}

#[tracing::instrument(skip_all)]
pub async fn submit(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let config = config(&shared);
    let site = &config.site;
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
    let email = address(&entered.email).map_err(|p| entered.email_problem = Some(p));
    let components = chosen(&config.components, &entered.components)
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
fn address(given: &str) -> Result<String, String> {
    if given.is_empty() {
        return Err("Enter your email address.".into());
    }
    let email = normalise(given);
    if email.len() > MAX_EMAIL {
        return Err(format!(
            "That email address is too long (at most {MAX_EMAIL} characters)."
        ));
    }
    let refused = |why: String| {
        format!(
            "\"{given}\" is not an email address we can send to ({why}); it should look like name@example.com."
        )
    };
    let parsed =
        lettre::Address::from_str(&email).map_err(|e| refused(e.to_string().to_lowercase()))?;
    match mailable(parsed) {
        true => Ok(email),
        false => Err(refused(
            "addresses in quotes or with an [IP address] as the domain cannot be mailed".into(),
        )),
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
            address("  Ann.Lee+status@Example.COM ").unwrap(),
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
            assert!(address(bad).is_err(), "{bad:?} accepted");
        }
        for unmailable in ["a@[127.0.0.1]", "\"quoted spaces\"@b.com"] {
            let e = address(unmailable).unwrap_err();
            assert!(e.contains("cannot be mailed"), "{unmailable}: {e}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(address(&long).unwrap_err().contains("too long"));
    }
}
