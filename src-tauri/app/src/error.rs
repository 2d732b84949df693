//! The one error shape every command returns to the UI.

use atlas_access_core::CoreError;
use atlas_access_core::atlas::AtlasError;
use atlas_access_core::credentials::keychain::KeychainError;
use atlas_access_core::credentials::profiles::ProfileError;
use serde::Serialize;
use ts_rs::TS;

/// What kind of failure, so the UI can choose its words and its remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The input was refused before anything was sent.
    InvalidInput,
    /// The OS keychain could not be used.
    Keychain,
    /// Atlas (or the network on the way) refused or failed the request.
    Atlas,
    /// The change would lock the key in use out of Atlas, so it was not made.
    Lockout,
    /// No connection is open, or the one asked for is not the open one.
    NotConnected,
    /// Anything else inside the app.
    Internal,
}

/// `{ kind, message, atlasErrorCode? }`: serialisable, and free of secrets by
/// construction, since it is built only from messages written for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub atlas_error_code: Option<String>,
}

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            atlas_error_code: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        let kind = match &error {
            CoreError::Invalid(_) => ErrorKind::InvalidInput,
            CoreError::Lockout(_) => ErrorKind::Lockout,
            CoreError::Atlas(AtlasError::InvalidInput(_)) => ErrorKind::InvalidInput,
            CoreError::Atlas(AtlasError::Closed) => ErrorKind::NotConnected,
            CoreError::Atlas(AtlasError::Credentials(_)) | CoreError::Keychain(_) => {
                ErrorKind::Keychain
            }
            CoreError::Atlas(_) => ErrorKind::Atlas,
            CoreError::Internal(_) => ErrorKind::Internal,
        };
        match kind {
            ErrorKind::InvalidInput | ErrorKind::Lockout => {
                tracing::info!(error = %error, "refused")
            }
            _ => tracing::warn!(error = %error, "failed"),
        }
        Self {
            kind,
            message: error.advice(),
            atlas_error_code: error.atlas_error_code().map(str::to_owned),
        }
    }
}

impl From<AtlasError> for CommandError {
    fn from(error: AtlasError) -> Self {
        CoreError::from(error).into()
    }
}

impl From<KeychainError> for CommandError {
    fn from(error: KeychainError) -> Self {
        CoreError::from(error).into()
    }
}

impl From<ProfileError> for CommandError {
    fn from(error: ProfileError) -> Self {
        CoreError::from(error).into()
    }
}
