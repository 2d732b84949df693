//! An Atlas-compatible Administration API server.
