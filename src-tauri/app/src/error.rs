//! The one error shape every command returns to the UI.

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
