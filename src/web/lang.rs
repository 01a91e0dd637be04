//! Which language a visitor reads: `?lang=` (the language switch, which then
//! sticks in a cookie), else that cookie, else their `Accept-Language`, else
//! the site's default; and the headers that say so to caches and browsers.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use crate::config::Site;
use crate::lang::{self, Lang};

/// The cookie the language switch sets.
pub const COOKIE: &str = "lang";

/// The language asked for by `?lang=` or the cookie, if the site offers it.
pub fn explicit(req: &HttpRequest, site: &Site) -> Option<Lang> {
    let offered = |tag: &str| Lang::parse(tag).filter(|l| site.languages.contains(l));
    query(req)
        .and_then(|tag| offered(&tag))
        .or_else(|| req.cookie(COOKIE).and_then(|c| offered(c.value())))
}

/// The language to answer `req` in.
pub fn of(req: &HttpRequest, site: &Site) -> Lang {
    explicit(req, site).unwrap_or_else(|| negotiated(req, site))
}

/// From `Accept-Language` alone.
pub fn negotiated(req: &HttpRequest, site: &Site) -> Lang {
    let accept = (req.headers().get(header::ACCEPT_LANGUAGE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    lang::negotiate(accept, &site.languages, site.default_language)
}

fn query(req: &HttpRequest) -> Option<String> {
    let q = req.query_string();
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v)
}

/// Marks `res` as in `lang`: `Content-Language`, and, where the site offers
/// more than one language, `Vary` on what chose it; a `?lang=` choice is
/// remembered in the cookie for a year.
pub fn mark(mut res: HttpResponse, req: &HttpRequest, site: &Site, lang: Lang) -> HttpResponse {
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(lang.tag()) {
        headers.insert(header::CONTENT_LANGUAGE, v);
    }
    if site.languages.len() > 1 {
        let vary = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
            Some(before) => format!("{before}, Accept-Language, Cookie"),
            None => "Accept-Language, Cookie".to_owned(),
        };
        if let Ok(v) = HeaderValue::from_str(&vary) {
            headers.insert(header::VARY, v);
        }
        let asked = query(req).and_then(|t| Lang::parse(&t));
        if let Some(chosen) = asked.filter(|l| site.languages.contains(l)) {
            let cookie = Cookie::build(COOKIE, chosen.tag())
                .path("/")
                .max_age(actix_web::cookie::time::Duration::days(365))
                .same_site(SameSite::Lax)
                .http_only(true)
                .finish();
            let _ = res.add_cookie(&cookie);
        }
    }
    res
}
