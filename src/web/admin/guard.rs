//! Who may do what under `/admin`: [`Engineer`] is a signed-in request (else a
//! 303 to the login page), [`Posted`] is a signed-in form whose CSRF token
//! matches its session (else 403) and whose body parses (else 400).

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::layout;
use super::state::{self, AdminState, Session};
use crate::web::Shared;
use crate::web::form_data::FormData;

/// The session cookie's name.
pub const COOKIE: &str = "candor_session";

/// A request from a signed-in engineer.
pub struct Engineer {
    pub session: Session,
    pub state: Arc<AdminState>,
    pub shared: web::Data<Shared>,
}

/// A signed-in engineer's form, CSRF token checked.
pub struct Posted {
    pub engineer: Engineer,
    pub form: FormData,
}

/// Why a request was turned away.
#[derive(Debug)]
pub enum Reject {
    /// Not signed in: go to the login page, and come back here afterwards
    /// (GETs only). A form's body is left unread, so that connection is closed
    /// rather than reused with the body still in it.
    Login {
        next: Option<String>,
        body_unread: bool,
    },
    /// The body is not a form.
    BadForm,
    /// The CSRF token is missing or wrong.
    Csrf,
}

impl FromRequest for Engineer {
    type Error = Reject;
    type Future = Ready<Result<Self, Reject>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(engineer(req))
    }
}

impl FromRequest for Posted {
    type Error = Reject;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Reject>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let engineer = engineer(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            // Signed in first: a stranger learns nothing from how a body is judged.
            let engineer = engineer?;
            let body = body.await.map_err(|_| Reject::BadForm)?;
            let form = FormData::parse(&body).ok_or(Reject::BadForm)?;
            if !engineer.session.csrf_matches(form.value("csrf")) {
                return Err(Reject::Csrf);
            }
            Ok(Self { engineer, form })
        })
    }
}

fn engineer(req: &HttpRequest) -> Result<Engineer, Reject> {
    let get = req.method() == Method::GET || req.method() == Method::HEAD;
    let login = || Reject::Login {
        next: get.then(|| req.path().to_owned()),
        body_unread: !get,
    };
    let shared = req
        .app_data::<web::Data<Shared>>()
        .cloned()
        .ok_or_else(login)?;
    if shared.admin_token.is_none() {
        return Err(login());
    }
    let state = state::of(&shared);
    let cookie = req.cookie(COOKIE).ok_or_else(login)?;
    let session = state.session(cookie.value()).ok_or_else(login)?;
    Ok(Engineer {
        session,
        state,
        shared,
    })
}

/// Where to go after signing in: only admin pages, only paths on this site.
pub fn safe_next(next: &str) -> Option<&str> {
    let admin = next == "/admin" || next.starts_with("/admin/");
    let plain = next
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
    (admin && plain && !next.contains("//") && !next.contains("..")).then_some(next)
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Login { .. } => "sign in first",
            Self::BadForm => "the form could not be read",
            Self::Csrf => "the form's CSRF token does not match",
        })
    }
}

impl ResponseError for Reject {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Login { .. } => StatusCode::SEE_OTHER,
            Self::BadForm => StatusCode::BAD_REQUEST,
            Self::Csrf => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Login { next, body_unread } => {
                let location = match next.as_deref().and_then(safe_next) {
                    Some(next) if next != "/admin" => format!("/admin/login?next={next}"),
                    _ => "/admin/login".to_owned(),
                };
                let mut res = HttpResponse::SeeOther();
                res.insert_header((header::LOCATION, location))
                    .insert_header((header::CACHE_CONTROL, "no-store"));
                if *body_unread {
                    res.force_close();
                }
                res.finish()
            }
            Self::BadForm => layout::message(
                StatusCode::BAD_REQUEST,
                "Form not readable",
                None,
                "The form could not be read, so nothing was changed. Go back, reload the page and try again.",
            ),
            Self::Csrf => layout::message(
                StatusCode::FORBIDDEN,
                "Form expired",
                None,
                "This form is from an older sign-in or another site, so nothing was changed. Go back, reload the page and submit it again.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_admin_paths_on_this_site_are_followed_after_login() {
        assert_eq!(safe_next("/admin"), Some("/admin"));
        assert_eq!(
            safe_next("/admin/incidents/abc"),
            Some("/admin/incidents/abc")
        );
        for bad in [
            "https://evil.example/admin",
            "//evil.example/admin",
            "/admin//evil",
            "/adminx",
            "/admin/../x",
            "/admin/a?b",
            "/",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}
