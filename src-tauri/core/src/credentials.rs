//! Connections and their secrets: the OS keychain, the profiles file, and
//! the use cases that save, import and delete connections.

pub mod connections;
pub mod keychain;
pub mod profiles;
