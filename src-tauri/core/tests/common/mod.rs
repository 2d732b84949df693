//! What more than one of core's test binaries needs.

#![allow(dead_code, clippy::unwrap_used)] // each binary uses a part; test code

use std::io::Write;
use std::sync::{Arc, Mutex};

use atlas_access_core::access::gate::Caller;
use atlas_access_core::atlas::{AccessListRequest, AtlasClient, ClientOptions, CreatedApiKey};
use tracing_subscriber::fmt::MakeWriter;

/// Short pauses between retries: the tests' faults need not wait.
pub fn fast_retries() -> ClientOptions {
    ClientOptions {
        backoff_base: std::time::Duration::from_millis(5),
        ..ClientOptions::default()
    }
}

/// A client signed in as the sandbox's admin key.
pub fn admin_client(sandbox: &atlas_sandbox::Sandbox) -> AtlasClient {
    let admin = sandbox.admin();
    AtlasClient::with_options(
        &admin.base_url,
        &admin.public_key,
        &secrecy::SecretString::from(admin.private_key.clone()),
        fast_retries(),
    )
    .expect("client")
}

/// A client signed in as a key `admin` just made, whose access list first
/// gets this computer's address (127.0.0.1), with short retry pauses.
pub async fn from_here_as(
    admin: &AtlasClient,
    base_url: &str,
    org: &str,
    created: &CreatedApiKey,
) -> AtlasClient {
    admin
        .add_access_entries(
            org,
            &created.key.id,
            &[AccessListRequest::IpAddress("127.0.0.1".into())],
        )
        .await
        .unwrap();
    AtlasClient::with_options(
        base_url,
        &created.key.public_key,
        &created.private_key,
        fast_retries(),
    )
    .unwrap()
}

/// What `client` signs in with, as the gate knows it: a service account by
/// its client id, a key by what Atlas says of it (asked again while a
/// faulty sandbox fails the request, a bounded number of times).
pub async fn caller_of(client: &AtlasClient) -> Caller {
    if let Some(client_id) = client.service_account() {
        return Caller {
            key_id: client_id.to_owned(),
            public_key: client_id.to_owned(),
        };
    }
    let mut last_error = None;
    for _ in 0..20 {
        match client.system_status().await {
            Ok(status) => {
                return Caller {
                    key_id: status.api_key.id,
                    public_key: status.api_key.public_key,
                };
            }
            Err(error) => last_error = Some(error),
        }
    }
    panic!("no answer to who the key is: {last_error:?}");
}

/// Every log line of the process, in memory.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLog {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl CapturedLog {
    /// Captures every record of the process at `level` and above; the one
    /// subscriber of the test binary.
    pub fn install(level: tracing::Level) -> Self {
        let log = Self::default();
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(log.clone())
            .with_ansi(false)
            .try_init()
            .expect("the only subscriber of this test binary");
        log
    }

    /// The log so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The log so far, emptied.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
