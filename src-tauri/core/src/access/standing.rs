//! What the open connection may do in an organization, from the roles Atlas
//! answers for it (`GET /api/atlas/v2`), by Atlas's role matrix: the screens
//! offer only what Atlas would do, and say which role the rest needs. Atlas
//! stays the judge: a refusal that comes anyway (roles changed while the app
//! was open) is shown in words with the role it names.

use serde::Serialize;
use ts_rs::TS;

use crate::atlas::RoleAssignment;

const ORG_OWNER: &str = "ORG_OWNER";
const ORG_READ_ONLY: &str = "ORG_READ_ONLY";
const ORG_GROUP_CREATOR: &str = "ORG_GROUP_CREATOR";
const GROUP_OWNER: &str = "GROUP_OWNER";

/// The connection's standing in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Standing {
    pub org_id: String,
    /// The organization role that decides, in words: "Organization Owner",
    /// "Organization Read Only", "Organization Member", or "no organization
    /// role".
    pub role: String,
    /// Organization Owner: every change to the organization's keys, service
    /// accounts, access lists and settings.
    pub manages_org: bool,
    /// Organization Owner or Read Only: the service accounts, their access
    /// lists and projects.
    pub reads_service_accounts: bool,
    /// Organization Owner: another API key's access list (a key always
    /// reads its own).
    pub reads_key_access_lists: bool,
    /// Organization Owner or Project Creator.
    pub creates_projects: bool,
    /// Projects (of any organization) where it is Project Owner: their keys,
    /// project service accounts and invitations.
    pub owned_projects: Vec<String>,
    /// Projects (of any organization) where it has any role.
    pub projects: Vec<String>,
    /// It reaches the organization through projects alone (neither Owner
    /// nor Read Only, with project roles): the project screens are its home.
    pub project_scoped: bool,
}

/// The role named in a refusal or beside a control the connection lacks.
pub const OWNER_NEEDED: &str = "Organization Owner";
pub const READER_NEEDED: &str = "Organization Read Only";

impl Standing {
    /// The standing that `roles` give in `org_id`.
    pub fn in_org(roles: &[RoleAssignment], org_id: &str) -> Self {
        let has_org_role = |name: &str| {
            roles
                .iter()
                .any(|role| role.org_id.as_deref() == Some(org_id) && role.role_name == name)
        };
        let in_org = roles
            .iter()
            .any(|role| role.org_id.as_deref() == Some(org_id));
        let owner = has_org_role(ORG_OWNER);
        let reader = owner || has_org_role(ORG_READ_ONLY);
        let role = if owner {
            OWNER_NEEDED
        } else if reader {
            READER_NEEDED
        } else if in_org {
            "Organization Member"
        } else {
            "no organization role"
        };
        let projects_where = |owner_only: bool| {
            let mut ids: Vec<String> = roles
                .iter()
                .filter(|role| !owner_only || role.role_name == GROUP_OWNER)
                .filter_map(|role| role.group_id.clone())
                .collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let projects = projects_where(false);
        Self {
            org_id: org_id.to_owned(),
            role: role.to_owned(),
            manages_org: owner,
            reads_service_accounts: reader,
            reads_key_access_lists: owner,
            creates_projects: owner || has_org_role(ORG_GROUP_CREATOR),
            owned_projects: projects_where(true),
            project_scoped: !reader && !projects.is_empty(),
            projects,
        }
    }

    /// True when it may manage the project's keys and accounts: an
    /// Organization Owner anywhere in its organization, or a Project Owner.
    pub fn owns_project(&self, project_id: &str) -> bool {
        self.manages_org || self.owned_projects.iter().any(|id| id == project_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str) -> RoleAssignment {
        RoleAssignment {
            org_id: Some(id.into()),
            group_id: None,
            role_name: name.into(),
        }
    }

    fn project(id: &str, name: &str) -> RoleAssignment {
        RoleAssignment {
            org_id: None,
            group_id: Some(id.into()),
            role_name: name.into(),
        }
    }

    #[test]
    fn each_administrator_gets_what_atlas_allows_it() {
        let owner = Standing::in_org(&[org("o", ORG_OWNER)], "o");
        assert!(owner.manages_org && owner.reads_service_accounts && owner.reads_key_access_lists);
        assert!(owner.owns_project("any") && owner.creates_projects && !owner.project_scoped);
        assert_eq!(owner.role, "Organization Owner");

        let auditor = Standing::in_org(&[org("o", ORG_READ_ONLY)], "o");
        assert!(!auditor.manages_org && auditor.reads_service_accounts);
        assert!(!auditor.reads_key_access_lists && !auditor.owns_project("p"));
        assert_eq!(auditor.role, "Organization Read Only");

        let project_owner =
            Standing::in_org(&[org("o", "ORG_MEMBER"), project("p", GROUP_OWNER)], "o");
        assert!(!project_owner.manages_org && !project_owner.reads_service_accounts);
        assert!(project_owner.owns_project("p") && !project_owner.owns_project("q"));
        assert!(project_owner.project_scoped);
        assert_eq!(project_owner.role, "Organization Member");

        let reader = Standing::in_org(
            &[org("o", "ORG_MEMBER"), project("p", "GROUP_READ_ONLY")],
            "o",
        );
        assert!(!reader.owns_project("p") && reader.project_scoped);
        assert_eq!(reader.projects, ["p"]);
    }

    #[test]
    fn an_owner_elsewhere_is_nothing_here() {
        let other = Standing::in_org(&[org("elsewhere", ORG_OWNER)], "o");
        assert!(!other.manages_org && !other.reads_service_accounts);
        assert_eq!(other.role, "no organization role");
    }
}
