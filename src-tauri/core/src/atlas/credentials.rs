//! Where a client gets its key pair: the public key is plain configuration,
//! the private key is read from the keychain when the client is built.

use std::sync::Arc;

use secrecy::SecretString;

use super::{AtlasClient, AtlasError, ClientOptions};
use crate::credentials::keychain::{self, KeychainError};

/// A source of one API key pair.
pub trait CredentialsProvider: Send + Sync {
    fn public_key(&self) -> &str;
    /// Reads the private key (from the keychain, for the app).
    fn private_key(&self) -> impl Future<Output = Result<SecretString, KeychainError>> + Send;
}

/// A key pair whose private key lives in the OS keychain under `account`.
#[derive(Debug, Clone)]
pub struct KeychainCredentials {
    pub account: String,
    pub public_key: String,
}

impl CredentialsProvider for KeychainCredentials {
    fn public_key(&self) -> &str {
        &self.public_key
    }

    async fn private_key(&self) -> Result<SecretString, KeychainError> {
        keychain::read_secret(&self.account).await
    }
}

impl AtlasClient {
    /// A client whose private key is read from `credentials` now, and held
    /// only in memory for as long as the client lives.
    pub async fn connect(
        base_url: &str,
        credentials: &impl CredentialsProvider,
        options: ClientOptions,
    ) -> Result<Self, AtlasError> {
        let private_key = credentials
            .private_key()
            .await
            .map_err(|error| AtlasError::Credentials(Arc::new(error)))?;
        Self::with_options(base_url, credentials.public_key(), &private_key, options)
    }
}
