//! The Atlas Administration API: a typed client, its models and its errors.

pub mod base_url;
pub mod client;
pub mod credentials;
mod delegation;
pub mod error;
mod events;
pub mod models;
mod oauth;
mod paging;
pub mod roles_needed;
mod service_accounts;
mod transport;

pub use client::{AtlasClient, ClientOptions, DEFAULT_BASE_URL, MEDIA_TYPE};
pub use credentials::{CredentialsProvider, KeychainCredentials};
pub use delegation::DELEGATION_MEDIA_TYPE;
pub use error::AtlasError;
pub use events::{AtlasEvent, EventQuery};
pub use models::*;
pub use paging::{MAX_PAGE, MAX_PAGES};
pub use service_accounts::{AccountScope, SERVICE_ACCOUNT_MEDIA_TYPE};
