//! The parts of Atlas Access Manager that do not depend on Tauri: the Atlas
//! Administration API client, access-list validation, the credential store and
//! the use cases that span several calls.

pub mod access_list;
pub mod activity;
pub mod atlas;
pub mod connections;
pub mod diagnostics;
pub mod edits;
pub mod error;
pub mod export;
pub mod gate;
pub mod keychain;
pub mod lockout;
pub mod profiles;
pub mod reads;
pub mod review;
pub mod roles;
pub mod rotation;
pub mod rules;
pub mod usecases;

pub use error::CoreError;
