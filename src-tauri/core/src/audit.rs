//! What the organization's access looks like and how it changed: the
//! activity feed, the access review and the exports.

pub mod activity;
pub mod every_org;
pub mod export;
pub mod review;
