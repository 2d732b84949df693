//! The Atlas Administration API: a typed client, its models and its errors.

pub mod base_url;
pub mod client;
pub mod credentials;
pub mod error;
pub mod models;

pub use client::{AtlasClient, ClientOptions, DEFAULT_BASE_URL, MAX_PAGE, MEDIA_TYPE};
pub use credentials::{CredentialsProvider, KeychainCredentials};
pub use error::AtlasError;
pub use models::*;
