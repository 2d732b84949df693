//! The one error type of core's use cases: what went wrong, in words a person
//! can act on, sorted by what the person can do about it.

use crate::atlas::AtlasError;
use crate::credentials::keychain::KeychainError;
use crate::credentials::profiles::ProfileError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The input was refused before anything was sent; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// The change would lock the connection out of Atlas, so it was not made.
    #[error("{0}")]
    Lockout(String),
    /// Atlas (or the network on the way) refused or failed the request.
    #[error(transparent)]
    Atlas(#[from] AtlasError),
    /// The OS keychain could not be used.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// Anything else: a file that cannot be written, a task that died.
    #[error("{0}")]
    Internal(String),
}

impl CoreError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// The message for the person at the screen.
    pub fn advice(&self) -> String {
        match self {
            Self::Invalid(message) | Self::Lockout(message) | Self::Internal(message) => {
                message.clone()
            }
            Self::Atlas(error) => error.advice(),
            Self::Keychain(error) => error.advice(),
        }
    }

    /// Atlas's own error code, where Atlas answered with one.
    pub fn atlas_error_code(&self) -> Option<&str> {
        match self {
            Self::Atlas(error) => error.atlas_error_code(),
            _ => None,
        }
    }
}

impl From<ProfileError> for CoreError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Invalid(message) => Self::Invalid(message),
            ProfileError::NotFound(id) => {
                Self::Invalid(format!("There is no connection with the id {id}."))
            }
            other => Self::Internal(format!(
                "The connections could not be saved or read: {other}"
            )),
        }
    }
}
