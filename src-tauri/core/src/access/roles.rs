//! Every role Atlas grants to API keys, with the names the Atlas UI shows.
//! Atlas adds roles over time: a name not in this table is shown as it is.

use serde::Serialize;
use ts_rs::TS;

/// Where a role applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RoleScope {
    Organization,
    Project,
}

/// A role as Atlas names it and as a person reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    pub name: &'static str,
    pub display_name: &'static str,
    pub scope: RoleScope,
}

const fn org(name: &'static str, display_name: &'static str) -> RoleInfo {
    RoleInfo {
        name,
        display_name,
        scope: RoleScope::Organization,
    }
}

const fn project(name: &'static str, display_name: &'static str) -> RoleInfo {
    RoleInfo {
        name,
        display_name,
        scope: RoleScope::Project,
    }
}

/// The one table of roles.
pub const ROLES: &[RoleInfo] = &[
    org("ORG_OWNER", "Organization Owner"),
    org("ORG_MEMBER", "Organization Member"),
    org("ORG_GROUP_CREATOR", "Organization Project Creator"),
    org("ORG_BILLING_ADMIN", "Organization Billing Admin"),
    org("ORG_BILLING_READ_ONLY", "Organization Billing Viewer"),
    org(
        "ORG_STREAM_PROCESSING_ADMIN",
        "Organization Stream Processing Admin",
    ),
    org("ORG_READ_ONLY", "Organization Read Only"),
    project("GROUP_OWNER", "Project Owner"),
    project("GROUP_CLUSTER_MANAGER", "Project Cluster Manager"),
    project("GROUP_DATA_ACCESS_ADMIN", "Project Data Access Admin"),
    project(
        "GROUP_DATA_ACCESS_READ_WRITE",
        "Project Data Access Read/Write",
    ),
    project(
        "GROUP_DATA_ACCESS_READ_ONLY",
        "Project Data Access Read Only",
    ),
    project("GROUP_READ_ONLY", "Project Read Only"),
    project("GROUP_SEARCH_INDEX_EDITOR", "Project Search Index Editor"),
    project(
        "GROUP_STREAM_PROCESSING_OWNER",
        "Project Stream Processing Owner",
    ),
    project(
        "GROUP_DATABASE_ACCESS_ADMIN",
        "Project Database Access Admin",
    ),
    project("GROUP_BACKUP_MANAGER", "Project Backup Manager"),
    project("GROUP_OBSERVABILITY_VIEWER", "Project Observability Viewer"),
];
