//! The role each operation needs, as the spec's `x-rolesRequirements` names
//! it, checked for every request once its route is known and before its
//! handler reads the body. The rules the spec cannot express (another key's
//! access list, a project owner and the accounts it may manage, who may
//! create a project or change an access list) stay in the handlers.

use axum::extract::{MatchedPath, RawPathParams, Request};
use axum::middleware::Next;

use super::*;

/// A role an operation needs. Organization roles: Owner includes Read Only,
/// which includes Member. Project roles: Project Owner includes every other
/// project role (Project Access Manager among them), and an organization
/// Owner or Read Only counts as owner or reader in every project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The spec names no role: any caller Atlas let in.
    Caller,
    OrgMember,
    OrgReadOnly,
    OrgOwner,
    ProjectReadOnly,
    /// Not a role name in the spec's enums; Project Owner suffices (see
    /// spec-deviations.json).
    ProjectAccessManager,
    ProjectOwner,
    /// `listEventTypes` names both: either, anywhere.
    OrgMemberOrProjectReadOnly,
}

impl Need {
    /// The role's name as the spec writes it, for the refusal's detail.
    pub fn name(self) -> &'static str {
        match self {
            Self::Caller => "a valid API key or service account",
            Self::OrgMember => "Organization Member",
            Self::OrgReadOnly => "Organization Read Only",
            Self::OrgOwner => "Organization Owner",
            Self::ProjectReadOnly => "Project Read Only",
            Self::ProjectAccessManager => "Project Access Manager (or Project Owner)",
            Self::ProjectOwner => "Project Owner",
            Self::OrgMemberOrProjectReadOnly => "Organization Member or Project Read Only",
        }
    }
}

/// One operation the sandbox serves: its method, the route's path template
/// as the spec writes it, its `operationId`, and the role it needs.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub operation_id: &'static str,
    pub need: Need,
}

const fn op(
    method: &'static str,
    path: &'static str,
    operation_id: &'static str,
    need: Need,
) -> Operation {
    Operation {
        method,
        path,
        operation_id,
        need,
    }
}

const ORG_KEY: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";
const ORG_KEY_ENTRY: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}";
const ORG_ACCOUNT: &str = "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}";
const GROUP_KEY: &str = "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}";
const GROUP_ACCOUNT: &str = "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}";

/// Every operation of the spec subset, with the role its
/// `x-rolesRequirements` names (a test holds this table to the spec).
/// `inviteGroupServiceAccount` (`…/{clientId}:invite`) shares its route with
/// the account's other operations; see [`operation_for`].
pub const OPERATIONS: &[Operation] = &[
    op("GET", "/api/atlas/v2", "getSystemStatus", Need::Caller),
    op(
        "GET",
        "/api/atlas/v2/eventTypes",
        "listEventTypes",
        Need::OrgMemberOrProjectReadOnly,
    ),
    op("GET", "/api/atlas/v2/groups", "listGroups", Need::Caller),
    op("POST", "/api/atlas/v2/groups", "createGroup", Need::Caller),
    op(
        "GET",
        "/api/atlas/v2/groups/byName/{groupName}",
        "getGroupByName",
        Need::Caller,
    ),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}",
        "getGroup",
        Need::ProjectReadOnly,
    ),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}/apiKeys",
        "listGroupApiKeys",
        Need::ProjectReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/groups/{groupId}/apiKeys",
        "createGroupApiKey",
        Need::ProjectAccessManager,
    ),
    op(
        "DELETE",
        GROUP_KEY,
        "removeGroupApiKey",
        Need::ProjectAccessManager,
    ),
    op(
        "PATCH",
        GROUP_KEY,
        "updateApiKeyRoles",
        Need::ProjectAccessManager,
    ),
    op("POST", GROUP_KEY, "addGroupApiKey", Need::ProjectOwner),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}/events",
        "listGroupEvents",
        Need::ProjectReadOnly,
    ),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}/events/{eventId}",
        "getGroupEvent",
        Need::ProjectReadOnly,
    ),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts",
        "listGroupServiceAccounts",
        Need::ProjectReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts",
        "createGroupServiceAccount",
        Need::ProjectOwner,
    ),
    op(
        "DELETE",
        GROUP_ACCOUNT,
        "deleteGroupServiceAccount",
        Need::ProjectOwner,
    ),
    op(
        "GET",
        GROUP_ACCOUNT,
        "getGroupServiceAccount",
        Need::ProjectReadOnly,
    ),
    op(
        "PATCH",
        GROUP_ACCOUNT,
        "updateGroupServiceAccount",
        Need::ProjectOwner,
    ),
    op(
        "POST",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite",
        "inviteGroupServiceAccount",
        Need::OrgOwner,
    ),
    op(
        "GET",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList",
        "listAccessList",
        Need::ProjectReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList",
        "createAccessList",
        Need::ProjectAccessManager,
    ),
    op(
        "DELETE",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
        "deleteGroupAccessEntry",
        Need::ProjectAccessManager,
    ),
    op(
        "POST",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets",
        "createGroupSecret",
        Need::ProjectOwner,
    ),
    op(
        "DELETE",
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
        "deleteGroupSecret",
        Need::ProjectOwner,
    ),
    op("GET", "/api/atlas/v2/orgs", "listOrgs", Need::Caller),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}",
        "getOrg",
        Need::OrgMember,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/apiKeys",
        "listOrgApiKeys",
        Need::OrgMember,
    ),
    op(
        "POST",
        "/api/atlas/v2/orgs/{orgId}/apiKeys",
        "createOrgApiKey",
        Need::OrgOwner,
    ),
    op("DELETE", ORG_KEY, "deleteOrgApiKey", Need::OrgOwner),
    op("GET", ORG_KEY, "getOrgApiKey", Need::OrgMember),
    op("PATCH", ORG_KEY, "updateOrgApiKey", Need::OrgOwner),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        "listOrgAccessEntries",
        Need::OrgMember,
    ),
    op(
        "POST",
        "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        "createOrgAccessEntry",
        Need::Caller,
    ),
    op("DELETE", ORG_KEY_ENTRY, "deleteAccessEntry", Need::Caller),
    op("GET", ORG_KEY_ENTRY, "getOrgAccessEntry", Need::OrgMember),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/events",
        "listOrgEvents",
        Need::OrgMember,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/events/{eventId}",
        "getOrgEvent",
        Need::OrgMember,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/groups",
        "getOrgGroups",
        Need::OrgMember,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts",
        "listOrgServiceAccounts",
        Need::OrgReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts",
        "createOrgServiceAccount",
        Need::OrgOwner,
    ),
    op(
        "DELETE",
        ORG_ACCOUNT,
        "deleteOrgServiceAccount",
        Need::OrgOwner,
    ),
    op(
        "GET",
        ORG_ACCOUNT,
        "getOrgServiceAccount",
        Need::OrgReadOnly,
    ),
    op(
        "PATCH",
        ORG_ACCOUNT,
        "updateOrgServiceAccount",
        Need::OrgOwner,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
        "listOrgAccessList",
        Need::OrgReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
        "createOrgAccessList",
        Need::OrgOwner,
    ),
    op(
        "DELETE",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
        "deleteOrgAccessEntry",
        Need::OrgOwner,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups",
        "getServiceAccountGroups",
        Need::OrgReadOnly,
    ),
    op(
        "POST",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
        "createOrgSecret",
        Need::OrgOwner,
    ),
    op(
        "DELETE",
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
        "deleteOrgSecret",
        Need::OrgOwner,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/settings",
        "getOrgSettings",
        Need::OrgMember,
    ),
    op(
        "PATCH",
        "/api/atlas/v2/orgs/{orgId}/settings",
        "updateOrgSettings",
        Need::OrgOwner,
    ),
    op(
        "GET",
        "/api/atlas/v2/orgs/{orgId}/delegationSettings",
        "getOrgDelegationSettings",
        Need::OrgMember,
    ),
    op(
        "PATCH",
        "/api/atlas/v2/orgs/{orgId}/delegationSettings",
        "updateOrgDelegationSettings",
        Need::OrgOwner,
    ),
];

/// The operation a request on a matched route is. `POST
/// …/serviceAccounts/{clientId}` is the invite when the id ends `:invite`
/// (axum cannot route on a suffix inside a segment).
pub fn operation_for(method: &str, route: &str, params: &[(&str, &str)]) -> Option<Operation> {
    let invite = method == "POST"
        && route == GROUP_ACCOUNT
        && params
            .iter()
            .any(|(name, value)| *name == "clientId" && value.ends_with(":invite"));
    let route = if invite {
        "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite"
    } else {
        route
    };
    OPERATIONS
        .iter()
        .find(|operation| operation.method == method && operation.path == route)
        .copied()
}

/// Refuses a request whose caller lacks the role its operation needs, with
/// Atlas's 401 `USER_UNAUTHORIZED`; an organization or project that does not
/// exist is 404. A malformed id is left to the handler's 400.
pub async fn authorize(
    State(shared): Ctx,
    route: Option<MatchedPath>,
    params: std::result::Result<RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let Some(route) = route else {
        return next.run(request).await;
    };
    let params: Vec<(&str, &str)> = params.iter().flat_map(|params| params.iter()).collect();
    let operation = operation_for(request.method().as_str(), route.as_str(), &params);
    let who = request.extensions().get::<Caller>().cloned();
    if let (Some(operation), Some(who)) = (operation, who) {
        let param = |name: &str| {
            params
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
        };
        let verdict = shared
            .store
            .read(|data| check(data, &who, operation.need, param("orgId"), param("groupId")));
        if let Err(refusal) = verdict {
            return refusal.into_response();
        }
    }
    next.run(request).await
}

fn check(
    data: &Data,
    who: &Caller,
    need: Need,
    org_id: Option<&str>,
    project_id: Option<&str>,
) -> Result<()> {
    let key = caller(data, who)?;
    let org = org_id.filter(|id| is_object_id(id));
    let project = project_id.filter(|id| is_object_id(id));
    match need {
        Need::Caller => Ok(()),
        Need::OrgMember => org.map_or(Ok(()), |org| org_member(data, key, org)),
        Need::OrgReadOnly => org.map_or(Ok(()), |org| org_reader(data, key, org)),
        Need::OrgOwner => match (org, project) {
            (Some(org), _) => org_owner(data, key, org),
            // The invite: Organization Owner of the project's organization.
            (None, Some(project_id)) => {
                let org_id = &self::project(data, project_id)?.org_id;
                org_owner(data, key, org_id)
            }
            (None, None) => Ok(()),
        },
        Need::ProjectReadOnly => project.map_or(Ok(()), |id| project_reader(data, key, id)),
        Need::ProjectAccessManager | Need::ProjectOwner => {
            project.map_or(Ok(()), |id| project_owner(data, key, id, need.name()))
        }
        Need::OrgMemberOrProjectReadOnly => {
            if key.roles().is_empty() {
                Err(ApiError::unauthorized_role(need.name()))
            } else {
                Ok(())
            }
        }
    }
}
