//! What the sandbox's integration tests share: a sandbox started in-process,
//! a client that signs in with Digest (diqwest, an implementation independent
//! of the sandbox) or with an OAuth token, and validation of every response
//! against its schema in the spec subset.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use atlas_sandbox::{AdminKind, Config, Sandbox};
use diqwest::{DigestAuthSession, WithDigestAuth};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
pub const SERVICE_ACCOUNT_MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json";
pub const DELEGATION_MEDIA_TYPE: &str = "application/vnd.atlas.2025-03-12+json";

/// The Atlas contract the tests read: the spec cut and the recorded answers,
/// kept in the repository (`tests/fixtures/atlas-api`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/atlas-api")
}

/// The spec subset as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(fixtures_dir().join("atlas-admin-v2.yaml"))
            .expect("tests/fixtures/atlas-api/atlas-admin-v2.yaml");
        serde_yaml::from_str(&text).expect("the spec parses")
    })
}

/// The spec's path template that matches a concrete path, e.g.
/// `/api/atlas/v2/orgs/{orgId}/apiKeys` for `/api/atlas/v2/orgs/6a…/apiKeys`.
pub fn template_for(method: &Method, path: &str) -> Option<String> {
    let paths = spec()["paths"].as_object()?;
    let segments: Vec<&str> = path.split('/').collect();
    let mut matches: Vec<&String> = paths
        .keys()
        .filter(|template| {
            paths[*template]
                .get(method.as_str().to_lowercase())
                .is_some()
        })
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .collect();
    // The most literal template wins (`groups/byName/{x}` over `groups/{a}/{b}`).
    matches.sort_by_key(|template| template.matches('{').count());
    matches.first().map(|template| (*template).clone())
}

/// Validates a response body against the schema the spec gives for this
/// operation and status. Panics with the violations.
pub fn assert_matches_spec(method: &Method, path: &str, status: u16, body: &Value) {
    let Some(template) = template_for(method, path) else {
        panic!("{method} {path} is not an operation of the spec subset");
    };
    let operation = &spec()["paths"][&template][method.as_str().to_lowercase()];
    let mut response = &operation["responses"][status.to_string()];
    // The subset leaves out some error statuses Atlas answers (a 400 on a
    // create, say); every Atlas error has the ApiError shape, so check that.
    let undocumented_error = serde_json::json!({
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    });
    if response.is_null() && status >= 400 {
        response = &undocumented_error;
    }
    assert!(
        !response.is_null(),
        "{method} {template}: status {status} is not documented"
    );
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        response = &spec()["components"]["responses"][name];
    }
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            body.is_null(),
            "{method} {template} {status} documents no body, got {body}"
        );
        return;
    };
    let schema = content
        .values()
        .next()
        .map(|media| media["schema"].clone())
        .unwrap_or(Value::Null);
    if schema.is_null() {
        assert!(
            body.is_null(),
            "{method} {template} {status} documents no body, got {body}"
        );
        return;
    }
    let root = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "allOf": [schema],
        "components": response_components(),
    });
    let validator = jsonschema::validator_for(&root).expect("the spec's schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {template} {status}: {errors:#?}\nbody: {body}"
    );
}

/// The spec's components as Atlas's recorded answers hold them: see
/// `spec-deviations.json` for each relaxation and its evidence.
fn response_components() -> &'static Value {
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    COMPONENTS.get_or_init(|| {
        let mut components = spec()["components"].clone();
        atlas_sandbox::nullable_as_json_schema(&mut components);
        let deviations: Value = serde_json::from_str(include_str!("../spec-deviations.json"))
            .expect("deviations parse");
        for relaxation in deviations["relaxations"].as_array().expect("relaxations") {
            let pointer = relaxation["pointer"].as_str().expect("pointer");
            let keyword = relaxation["keyword"].as_str().expect("keyword");
            let schema = components
                .pointer_mut(pointer)
                .and_then(Value::as_object_mut);
            let removed = schema.and_then(|schema| schema.remove(keyword));
            assert!(
                removed.is_some(),
                "spec-deviations.json: {pointer} has no {keyword}"
            );
        }
        components
    })
}

/// One answer, with its body parsed (Null for none).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|error| panic!("not JSON ({error}): {bytes:?}"))
        };
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn error_code(&self) -> &str {
        self.body["errorCode"].as_str().unwrap_or("")
    }
}

/// How a client signs its requests.
enum Auth {
    /// An API key, with Digest.
    Digest(DigestAuthSession),
    /// A service account: a token from `/api/oauth/token`, kept until the
    /// sandbox refuses it.
    Bearer {
        client_id: String,
        secret: String,
        token: tokio::sync::Mutex<Option<String>>,
    },
}

/// A client for one API key or one service account.
pub struct Client {
    pub base_url: String,
    http: reqwest::Client,
    auth: Auth,
}

impl Client {
    fn http() -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static(MEDIA_TYPE));
        headers.insert("content-type", HeaderValue::from_static(MEDIA_TYPE));
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client")
    }

    pub fn new(base_url: &str, public_key: &str, private_key: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            http: Self::http(),
            auth: Auth::Digest(DigestAuthSession::new(public_key, private_key)),
        }
    }

    /// A client that signs in as a service account.
    pub fn service_account(base_url: &str, client_id: &str, secret: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            http: Self::http(),
            auth: Auth::Bearer {
                client_id: client_id.to_owned(),
                secret: secret.to_owned(),
                token: tokio::sync::Mutex::new(None),
            },
        }
    }

    /// The seeded admin: its service account when the sandbox was started
    /// with one (`AdminKind::ServiceAccount`), else its API key.
    pub fn admin(sandbox: &Sandbox) -> Self {
        let admin = sandbox.admin();
        match (&admin.client_id, &admin.client_secret) {
            (Some(client_id), Some(secret)) => {
                Self::service_account(&admin.base_url, client_id, secret)
            }
            _ => Self::new(&admin.base_url, &admin.public_key, &admin.private_key),
        }
    }

    /// The service account's client id, for a client that is one.
    pub fn client_id(&self) -> Option<&str> {
        match &self.auth {
            Auth::Digest(_) => None,
            Auth::Bearer { client_id, .. } => Some(client_id),
        }
    }

    /// Sends, checks the answer against the spec, and returns it.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let answer = self.call_unchecked(method.clone(), path, body).await;
        let bare = path.split('?').next().unwrap_or(path);
        assert_matches_spec(&method, bare, answer.status, &answer.body);
        answer
    }

    pub async fn call_unchecked(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_raw(method, path, body.map(|body| body.to_string().into_bytes()))
            .await
    }

    /// Sends `body` as it is, byte for byte: malformed JSON, wrong types,
    /// anything a client could send.
    pub async fn call_raw(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Answer {
        self.send(method, path, body, MEDIA_TYPE).await
    }

    /// Sends to a service-account endpoint: its own version, checked
    /// against the spec.
    pub async fn versioned(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.checked_in(SERVICE_ACCOUNT_MEDIA_TYPE, method, path, body)
            .await
    }

    /// Sends in the version `media_type`, checked against the spec.
    pub async fn checked_in(
        &self,
        media_type: &'static str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let answer = self
            .send(
                method.clone(),
                path,
                body.map(|body| body.to_string().into_bytes()),
                media_type,
            )
            .await;
        let bare = path.split('?').next().unwrap_or(path);
        assert_matches_spec(&method, bare, answer.status, &answer.body);
        answer
    }

    /// Sends with the given media type, unchecked: any answer, as it came.
    pub async fn call_in(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        media_type: &'static str,
    ) -> Answer {
        self.send(
            method,
            path,
            body.map(|body| body.to_string().into_bytes()),
            media_type,
        )
        .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        media_type: &'static str,
    ) -> Answer {
        let request = || {
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base_url))
                .header("accept", media_type)
                .header("content-type", media_type);
            if let Some(body) = &body {
                request = request.body(body.clone());
            }
            request
        };
        let response = match &self.auth {
            Auth::Digest(session) => request()
                .send_digest_auth(session)
                .await
                .map_err(|error| error.to_string()),
            Auth::Bearer { token, .. } => {
                let mut held = token.lock().await;
                let bearer = match held.as_ref() {
                    Some(bearer) => bearer.clone(),
                    None => held.insert(self.token().await).clone(),
                };
                request()
                    .bearer_auth(&bearer)
                    .send()
                    .await
                    .map_err(|error| error.to_string())
            }
        }
        .expect("request sent");
        Answer::read(response).await
    }

    /// A new token for this service account, with the client credentials grant.
    async fn token(&self) -> String {
        let Auth::Bearer {
            client_id, secret, ..
        } = &self.auth
        else {
            panic!("a Digest client has no token");
        };
        let response = reqwest::Client::new()
            .post(format!("{}/api/oauth/token", self.base_url))
            .basic_auth(client_id, Some(secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .expect("token request sent");
        let status = response.status();
        let body: Value = response.json().await.expect("token answer is JSON");
        assert_eq!(status, 200, "token refused: {body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }
}

pub async fn start(config: Config) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

pub async fn demo() -> Sandbox {
    start(Config::default()).await
}

/// Starts a sandbox whose admin (and so [`Client::admin`]) is `admin`.
pub async fn start_as(admin: AdminKind, config: Config) -> Sandbox {
    start(Config { admin, ..config }).await
}

/// Runs a behaviour test twice: with the admin an API key, and with the admin
/// a service account. `$test` is an `async fn(AdminKind)`; the two runs are
/// `$test::as_api_key` and `$test::as_service_account`.
#[macro_export]
macro_rules! for_both_admins {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test]
                async fn as_api_key() {
                    super::$test(atlas_sandbox::AdminKind::ApiKey).await;
                }

                #[tokio::test]
                async fn as_service_account() {
                    super::$test(atlas_sandbox::AdminKind::ServiceAccount).await;
                }
            }
        )*
    };
}

/// The redacted form every read shows.
pub fn is_redacted(private_key: &str) -> bool {
    let Some(tail) = private_key.strip_prefix("********-****-****-") else {
        return false;
    };
    tail.len() == 12 && tail.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A UUID, as a private key is shown once at creation.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}
