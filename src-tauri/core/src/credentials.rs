//! Connections and their secrets: the OS keychain, the profiles file, and
//! the use cases that save, import, delete and switch connections, and
//! handing a new secret to the Atlas CLI.

pub mod atlas_cli;
pub mod connections;
pub mod keychain;
pub mod profiles;
pub mod switch;
