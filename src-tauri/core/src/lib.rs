//! The parts of Atlas Access Manager that do not depend on Tauri, by
//! concept: the Atlas Administration API client (`atlas`), where
//! connections and their secrets are kept (`credentials`), who may reach
//! the organization and the edits that change it, all through one gate
//! (`access`), and what the organization's access looks like over time
//! (`audit`).

pub mod access;
pub mod atlas;
pub mod audit;
pub mod credentials;
pub mod diagnostics;
pub mod error;

pub use error::CoreError;
