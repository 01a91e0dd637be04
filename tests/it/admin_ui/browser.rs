//! Just enough browser for the admin UI: keeps the session cookie, does not
//! follow redirects (tests assert them), and reads a form off a page the way a
//! browser would submit it, so tests go through the real forms.

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub cookie: Option<String>,
}

/// What came back, read in full.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        candor::checks::probe::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        Self {
            base: base.to_owned(),
            http,
            cookie: None,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        read(req.send().await.unwrap()).await
    }

    /// Posts `fields` as a browser posts a form; keeps any session cookie set.
    pub async fn post(&mut self, path: &str, fields: &Fields) -> Page {
        let body = serde_urlencoded::to_string(&fields.0).unwrap();
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        let page = read(req.send().await.unwrap()).await;
        for set in &page.set_cookie {
            let pair = set.split(';').next().unwrap_or("").trim();
            if let Some(("candor_session", value)) = pair.split_once('=') {
                self.cookie = (!value.is_empty()).then(|| pair.to_owned());
            }
        }
        page
    }

    /// Fetches `page` and returns the fields of its form that posts to `action`.
    pub async fn form(&self, page: &str, action: &str) -> Fields {
        let got = self.get(page).await;
        assert_eq!(got.status, 200, "GET {page}: {}", got.body);
        form(&got.body, action)
    }
}

async fn read(res: reqwest::Response) -> Page {
    let status = res.status().as_u16();
    let header = |name| {
        res.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let location = header(LOCATION).pop();
    let set_cookie = header(SET_COOKIE);
    let body = res.text().await.unwrap();
    Page {
        status,
        location,
        set_cookie,
        body,
    }
}

/// A form's name/value pairs, in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Types `value` into `name` (replacing what the form showed).
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The fields the form posting to `action` sends: inputs with their values,
/// checked boxes only, each select's selected (or first) option, textareas.
pub fn form(html: &str, action: &str) -> Fields {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action} in:\n{html}"));
    let end = start + html[start..].find("</form>").unwrap();
    let mut rest = &html[start..end];
    let mut out = Vec::new();
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..=close];
        let name = attr(tag, "name");
        match (tag.split_whitespace().next().unwrap_or(""), name) {
            ("<input", Some(name)) => match attr(tag, "type").as_deref() {
                Some("checkbox") if !tag.contains(" checked") => {}
                Some("checkbox") => out.push((name, attr(tag, "value").unwrap_or("on".into()))),
                _ => out.push((name, attr(tag, "value").unwrap_or_default())),
            },
            ("<select", Some(name)) => {
                let options = &rest[..rest.find("</select>").unwrap()];
                out.push((name, selected(options)));
            }
            ("<textarea", Some(name)) => {
                let text = &rest[close + 1..rest.find("</textarea>").unwrap()];
                out.push((name, unescape(text)));
            }
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    Fields(out)
}

fn selected(options: &str) -> String {
    let tags: Vec<&str> = options
        .split("<option")
        .skip(1)
        .map(|o| &o[..o.find('>').unwrap()])
        .collect();
    let chosen = tags
        .iter()
        .find(|t| t.contains(" selected"))
        .or(tags.first())
        .unwrap();
    attr(chosen, "value").unwrap_or_default()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(unescape(&tag[from..from + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
