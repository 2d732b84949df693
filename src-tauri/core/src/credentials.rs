//! Connections and their secrets: the OS keychain, the profiles file, and
//! the use cases that save, import, delete and switch connections.

pub mod connections;
pub mod keychain;
pub mod profiles;
pub mod switch;
