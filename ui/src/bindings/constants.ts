// Generated from the Rust constants by `make bindings`: do not edit.
export const PROGRESS_EVENT = "progress";
export const SESSION_CLOSED_EVENT = "session-closed";
export const CLIPBOARD_CLEARED_EVENT = "clipboard-cleared";
export const SANDBOX_PROFILE_ID = "sandbox";
