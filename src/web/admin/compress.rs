//! Admin pages compressed for the browser that asks: with 1,000 components
//! the dashboard and the incident forms are hundreds of kilobytes of very
//! repetitive HTML (a few tens as brotli). They are made per request (each
//! carries its session's CSRF token), so each is compressed per request, in
//! the one coding the client weighs highest, with the public pages' codings
//! and negotiation (`web::encoding`).

use actix_web::body::{self, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};

use crate::web::encoding::{self, Coding};

/// The coding to answer `req` in, chosen before it is handled (the
/// request is moved into the handler).
pub fn coding(req: &ServiceRequest) -> Coding {
    encoding::choose(req.headers(), [Coding::Brotli, Coding::Gzip])
}

/// `res` in `coding`, when it is text not already encoded and compressing
/// shrinks it (bodies under a packet are left alone, as on the public pages).
pub async fn compress(res: ServiceResponse, coding: Coding) -> ServiceResponse {
    let text = (res.headers().get(header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/"));
    if !text || res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    // The answer depends on Accept-Encoding from here on.
    head.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let bytes = match body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // In-memory bodies do not fail; if one ever does, say so plainly.
            tracing::error!(error = %e, "could not read an admin page's body");
            let failed = actix_web::HttpResponse::InternalServerError().finish();
            return ServiceResponse::new(req, failed);
        }
    };
    let compressed = match coding {
        Coding::Brotli => encoding::brotli(&bytes),
        Coding::Gzip => encoding::gzip(&bytes),
        Coding::Identity => None,
    };
    let body = match compressed {
        Some(c) => {
            head.headers_mut().insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(coding.token()),
            );
            c
        }
        None => bytes,
    };
    ServiceResponse::new(req, head.set_body(body.boxed()))
}
