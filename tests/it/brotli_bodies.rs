//! Brotli copies of the public bodies: sent to clients that accept `br`, with
//! their own ETag, and decoding to the identity body.

use std::io::Read;

use crate::helpers::{TestApp, spawn_app};

/// Enough components for `/api/v2/summary.json` to pass the 1 KiB below which
/// nothing is compressed.
fn components() -> String {
    (1..=8)
        .map(|i| {
            format!("[[components]]\nid = \"c{i}\"\nname = \"Component {i}\"\ndescription = \"Service {i}\"\n")
        })
        .collect()
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.base));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_the_summary_come_in_brotli_for_clients_that_accept_it() {
    // No checks: no result re-renders the bodies between the requests.
    let app = spawn_app(&components()).await;
    for path in ["/", "/api/v2/summary.json"] {
        let plain = get(&app, path, &[]).await;
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let plain_etag = header(&plain, "etag").to_owned();
        let identity = plain.bytes().await.unwrap();
        assert!(identity.len() >= 1024, "{path} is too small to compress");

        let br = get(&app, path, &[("Accept-Encoding", "br")]).await;
        assert_eq!(br.status(), 200, "{path}");
        assert_eq!(header(&br, "content-encoding"), "br", "{path}");
        // Encoding first; with more than one language the body also depends on
        // the visitor's (tests/it/languages.rs).
        let vary = header(&br, "vary").to_ascii_lowercase();
        assert!(vary.starts_with("accept-encoding"), "{path}: {vary}");
        let br_etag = header(&br, "etag").to_owned();
        assert!(br_etag.ends_with("-br\""), "{path}: {br_etag}");
        assert_ne!(br_etag, plain_etag);
        let compressed = br.bytes().await.unwrap();
        assert!(compressed.len() < identity.len());
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&compressed[..], 4096)
            .read_to_end(&mut decoded)
            .expect("a brotli body");
        assert_eq!(decoded, identity, "{path}");

        let browser = [
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
            ("If-None-Match", br_etag.as_str()),
        ];
        let revalidated = get(&app, path, &browser).await;
        assert_eq!(revalidated.status(), 304, "{path}");
        assert_eq!(header(&revalidated, "etag"), br_etag);
        let gzip_only = [("Accept-Encoding", "gzip"), ("If-None-Match", &br_etag)];
        let other = get(&app, path, &gzip_only).await;
        assert_eq!(
            other.status(),
            200,
            "{path}: the br ETag is not the gzip copy's"
        );
        assert_eq!(header(&other, "content-encoding"), "gzip");
    }
    app.stop.cancel();
}
