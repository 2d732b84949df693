//! Answers the sandbox does not give, played by a small HTTP server written
//! for them: a create carried out but answered with a dropped connection or
//! a server error, a server clock an hour off, a DELETE whose first answer
//! is lost, a list that claims a billion items.
//!
//! A lost create is never sent twice: the client looks for the key by the
//! server's clock, and says "unknown" rather than "failed" whenever it
//! cannot tell.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atlas_access_core::atlas::{AtlasClient, AtlasError, ClientOptions};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ORG_ID: &str = "5f1a2b3c4d5e6f7a8b9c0d1e";
const DESC: &str = "nightly backup";

/// How the server answers the create.
#[derive(Clone, Copy)]
enum CreateAnswer {
    /// Not a create test: DELETEs and lists only.
    None,
    /// Carries it out, then closes the connection without a word.
    Dropped,
    /// Carries it out, then answers 500.
    ServerError,
}

/// How the server answers the listing that looks for the key.
#[derive(Clone, Copy)]
enum ListAnswer {
    /// The key, made at the server's time, which is `skew_secs` off ours.
    Listed { skew_secs: i64 },
    /// One item, and a `totalCount` of a billion.
    Endless,
    /// One key a page and no `totalCount`: a `next` link up to page `pages`,
    /// or on every page when `pages` is `None`.
    Uncounted { pages: Option<usize> },
    /// A 500 every time.
    Failing,
    /// A redirect to another path of this server, which counts the visits.
    Redirect,
}

struct Script {
    create: CreateAnswer,
    list: ListAnswer,
    posts: AtomicUsize,
    deletes: AtomicUsize,
    /// Requests that followed a redirect.
    followed: AtomicUsize,
    /// Pages of a list answered.
    listed: AtomicUsize,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Starts the server; it lives as long as the test's runtime.
async fn serve(script: Arc<Script>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, script.clone()));
        }
    });
    format!("http://{address}")
}

async fn answer(mut stream: TcpStream, script: Arc<Script>) {
    let Some(head) = read_request(&mut stream).await else {
        return;
    };
    if head.starts_with("GET /elsewhere") {
        script.followed.fetch_add(1, Ordering::SeqCst);
        respond(
            &mut stream,
            "200 OK",
            unix_now(),
            r#"{"results":[],"totalCount":0}"#,
        )
        .await;
        return;
    }
    if head.starts_with("DELETE ") {
        // The first is carried out but its answer lost; the retry finds
        // nothing left to delete.
        if script.deletes.fetch_add(1, Ordering::SeqCst) == 0 {
            return;
        }
        let body = r#"{"error":404,"errorCode":"API_KEY_NOT_FOUND","detail":"No API key with ID exists."}"#;
        respond(&mut stream, "404 Not Found", unix_now(), body).await;
        return;
    }
    if head.starts_with("POST ") {
        script.posts.fetch_add(1, Ordering::SeqCst);
        match script.create {
            CreateAnswer::None | CreateAnswer::Dropped => return,
            CreateAnswer::ServerError => {
                respond(&mut stream, "500 Internal Server Error", unix_now(), "{}").await;
                return;
            }
        }
    }
    match script.list {
        ListAnswer::Redirect => {
            let address = stream
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let response = format!(
                "HTTP/1.1 302 Found\r\nLocation: http://{address}/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        ListAnswer::Endless => {
            let body = r#"{"results":[],"totalCount":1000000000}"#;
            respond(&mut stream, "200 OK", unix_now(), body).await;
        }
        ListAnswer::Uncounted { pages } => {
            let page: usize = head
                .split(['?', '&', ' '])
                .find_map(|part| part.strip_prefix("pageNum="))
                .and_then(|number| number.parse().ok())
                .unwrap_or(1);
            script.listed.fetch_add(1, Ordering::SeqCst);
            let links = if pages.is_none_or(|last| page < last) {
                serde_json::json!([{ "href": "https://elsewhere.example.com/next", "rel": "next" }])
            } else {
                serde_json::json!([])
            };
            let body = serde_json::json!({
                "links": links,
                "results": [{
                    "id": format!("{page:024x}"),
                    "desc": format!("key {page}"),
                    "publicKey": "qwertyui",
                    "privateKey": "********-****-****-c4e09a5bd3f1",
                    "roles": [{ "orgId": ORG_ID, "roleName": "ORG_MEMBER" }],
                }],
            });
            respond(&mut stream, "200 OK", unix_now(), &body.to_string()).await;
        }
        ListAnswer::Failing => {
            let body =
                r#"{"error":500,"errorCode":"UNEXPECTED_ERROR","detail":"Unexpected error."}"#;
            respond(&mut stream, "500 Internal Server Error", unix_now(), body).await;
        }
        ListAnswer::Listed { skew_secs } => {
            let server_now = unix_now() + skew_secs;
            // An ObjectId starts with its creation time in seconds.
            let id = format!("{:08x}0000000000000001", server_now);
            let body = serde_json::json!({
                "results": [{
                    "id": id,
                    "desc": DESC,
                    "publicKey": "qwertyui",
                    "privateKey": "********-****-****-c4e09a5bd3f1",
                    "roles": [{ "orgId": ORG_ID, "roleName": "ORG_MEMBER" }],
                }],
                "totalCount": 1,
            });
            respond(&mut stream, "200 OK", server_now, &body.to_string()).await;
        }
    }
}

/// Reads one request's head and body; returns the head.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return Some(text[..end].to_owned());
            }
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, date_unix: i64, body: &str) {
    let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(date_unix as u64));
    let response = format!(
        "HTTP/1.1 {status}\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn client_for(create: CreateAnswer, list: ListAnswer) -> (AtlasClient, Arc<Script>) {
    let script = Arc::new(Script {
        create,
        list,
        posts: AtomicUsize::new(0),
        deletes: AtomicUsize::new(0),
        followed: AtomicUsize::new(0),
        listed: AtomicUsize::new(0),
    });
    let base_url = serve(script.clone()).await;
    let options = ClientOptions {
        backoff_base: Duration::from_millis(1),
        ..ClientOptions::default()
    };
    let client = AtlasClient::with_options(
        &base_url,
        "abcdefgh",
        &SecretString::from("00000000-0000-0000-0000-000000000000"),
        options,
    )
    .unwrap();
    (client, script)
}

async fn create_against(create: CreateAnswer, list: ListAnswer) -> (AtlasError, usize) {
    let (client, script) = client_for(create, list).await;
    let error = client
        .create_org_key(ORG_ID, DESC, &["ORG_MEMBER".to_owned()])
        .await
        .unwrap_err();
    (error, script.posts.load(Ordering::SeqCst))
}

#[tokio::test]
async fn the_orphan_is_found_by_the_servers_clock_not_this_computers() {
    // The server's clock is an hour behind ours: by our clock the key was
    // made long before the request, by the server's just now.
    let (error, posts) = create_against(
        CreateAnswer::Dropped,
        ListAnswer::Listed { skew_secs: -3600 },
    )
    .await;
    assert!(
        matches!(&error, AtlasError::CreatedButPrivateKeyLost { public_key, .. } if public_key == "qwertyui"),
        "{error:?}"
    );
    assert_eq!(posts, 1, "a create is never sent twice");
}

#[tokio::test]
async fn a_server_error_to_a_create_is_a_lost_answer() {
    let (error, posts) = create_against(
        CreateAnswer::ServerError,
        ListAnswer::Listed { skew_secs: 0 },
    )
    .await;
    assert!(
        matches!(&error, AtlasError::CreatedButPrivateKeyLost { .. }),
        "{error:?}"
    );
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn when_the_search_fails_too_the_outcome_stays_unknown() {
    for create in [CreateAnswer::Dropped, CreateAnswer::ServerError] {
        let (error, posts) = create_against(create, ListAnswer::Failing).await;
        assert!(
            matches!(&error, AtlasError::OutcomeUnknown { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().to_lowercase().contains("may"),
            "the words say it may have happened: {error}"
        );
        assert_eq!(posts, 1);
    }
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_and_then_finds_nothing_is_done() {
    let (client, script) = client_for(CreateAnswer::None, ListAnswer::Failing).await;
    client
        .delete_org_key(ORG_ID, "5f1a2b3c4d5e6f7a8b9c0d1f")
        .await
        .expect("already gone is done");
    assert_eq!(script.deletes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_list_that_claims_a_billion_items_is_refused_not_followed() {
    let (client, _) = client_for(CreateAnswer::None, ListAnswer::Endless).await;
    let refused = client.list_org_keys(ORG_ID).await.unwrap_err();
    assert!(
        matches!(
            refused,
            AtlasError::TooManyItems {
                total: 1_000_000_000,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(
        refused.advice().contains("more than the 1000000"),
        "{}",
        refused.advice()
    );
}

#[tokio::test]
async fn a_list_without_a_count_is_read_page_by_page_while_there_is_a_next() {
    let (client, script) =
        client_for(CreateAnswer::None, ListAnswer::Uncounted { pages: Some(3) }).await;
    let keys = client.list_org_keys(ORG_ID).await.unwrap();
    let descriptions: Vec<&str> = keys.iter().map(|key| key.desc.as_str()).collect();
    assert_eq!(descriptions, ["key 1", "key 2", "key 3"]);
    assert_eq!(script.listed.load(Ordering::SeqCst), 3);

    // A next link on every page is followed only as far as the limit.
    let (client, script) =
        client_for(CreateAnswer::None, ListAnswer::Uncounted { pages: None }).await;
    let refused = client.list_org_keys(ORG_ID).await.unwrap_err();
    assert!(
        matches!(refused, AtlasError::TooManyItems { .. }),
        "{refused:?}"
    );
    assert_eq!(
        script.listed.load(Ordering::SeqCst),
        atlas_access_core::atlas::MAX_PAGES
    );
}

#[tokio::test]
async fn a_redirect_is_never_followed() {
    // Followed, a redirect would carry the request, and the next Digest
    // answer, wherever the Location points.
    let (client, script) = client_for(CreateAnswer::None, ListAnswer::Redirect).await;
    let refused = client.list_org_keys(ORG_ID).await.unwrap_err();
    assert!(
        matches!(refused, AtlasError::Api { status: 302, .. }),
        "{refused:?}"
    );
    assert_eq!(script.followed.load(Ordering::SeqCst), 0);
}
