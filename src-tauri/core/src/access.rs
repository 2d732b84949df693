//! Who may reach the organization, and from where: the rules every input is
//! checked by, the gate every edit passes, the checks the pages show first,
//! and the use cases (edits, reads, rotations, multi-step creations).

pub mod access_list;
pub mod delegation;
pub mod edits;
pub mod gate;
pub mod lockout;
pub mod reads;
pub mod roles;
pub mod rotation;
pub mod rules;
pub mod standing;
pub mod usecases;
