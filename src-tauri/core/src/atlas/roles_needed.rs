//! The role each operation needs, as the spec's `x-rolesRequirements`
//! names it, so that a refusal for want of a role (`USER_UNAUTHORIZED`) can
//! say which role to ask for. Atlas's own answer does not name it. A test
//! holds this table to the vendored spec.

use reqwest::Method;

/// Method, path under `/api/atlas/v2` (`{…}` stands for one segment), and
/// the roles the spec names, any of which suffices. Operations for which the
/// spec names none are not listed.
pub const ROLES_NEEDED: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/eventTypes",
        "Organization Member or Project Read Only",
    ),
    ("GET", "/groups/{groupId}", "Project Read Only"),
    ("GET", "/groups/{groupId}/apiKeys", "Project Read Only"),
    (
        "POST",
        "/groups/{groupId}/apiKeys",
        "Project Access Manager",
    ),
    (
        "DELETE",
        "/groups/{groupId}/apiKeys/{apiUserId}",
        "Project Access Manager",
    ),
    (
        "PATCH",
        "/groups/{groupId}/apiKeys/{apiUserId}",
        "Project Access Manager",
    ),
    (
        "POST",
        "/groups/{groupId}/apiKeys/{apiUserId}",
        "Project Owner",
    ),
    ("GET", "/groups/{groupId}/events", "Project Read Only"),
    (
        "GET",
        "/groups/{groupId}/events/{eventId}",
        "Project Read Only",
    ),
    (
        "GET",
        "/groups/{groupId}/serviceAccounts",
        "Project Read Only",
    ),
    ("POST", "/groups/{groupId}/serviceAccounts", "Project Owner"),
    (
        "DELETE",
        "/groups/{groupId}/serviceAccounts/{clientId}",
        "Project Owner",
    ),
    (
        "GET",
        "/groups/{groupId}/serviceAccounts/{clientId}",
        "Project Read Only",
    ),
    (
        "PATCH",
        "/groups/{groupId}/serviceAccounts/{clientId}",
        "Project Owner",
    ),
    (
        "GET",
        "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
        "Project Read Only",
    ),
    (
        "POST",
        "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
        "Project Access Manager",
    ),
    (
        "DELETE",
        "/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
        "Project Access Manager",
    ),
    (
        "POST",
        "/groups/{groupId}/serviceAccounts/{clientId}/secrets",
        "Project Owner",
    ),
    (
        "DELETE",
        "/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
        "Project Owner",
    ),
    (
        "POST",
        "/groups/{groupId}/serviceAccounts/{clientId}:invite",
        "Organization Owner",
    ),
    ("GET", "/orgs/{orgId}", "Organization Member"),
    ("GET", "/orgs/{orgId}/apiKeys", "Organization Member"),
    ("POST", "/orgs/{orgId}/apiKeys", "Organization Owner"),
    (
        "DELETE",
        "/orgs/{orgId}/apiKeys/{apiUserId}",
        "Organization Owner",
    ),
    (
        "GET",
        "/orgs/{orgId}/apiKeys/{apiUserId}",
        "Organization Member",
    ),
    (
        "PATCH",
        "/orgs/{orgId}/apiKeys/{apiUserId}",
        "Organization Owner",
    ),
    (
        "GET",
        "/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        "Organization Member",
    ),
    (
        "GET",
        "/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}",
        "Organization Member",
    ),
    ("GET", "/orgs/{orgId}/events", "Organization Member"),
    (
        "GET",
        "/orgs/{orgId}/events/{eventId}",
        "Organization Member",
    ),
    ("GET", "/orgs/{orgId}/groups", "Organization Member"),
    (
        "GET",
        "/orgs/{orgId}/serviceAccounts",
        "Organization Read Only",
    ),
    (
        "POST",
        "/orgs/{orgId}/serviceAccounts",
        "Organization Owner",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/serviceAccounts/{clientId}",
        "Organization Owner",
    ),
    (
        "GET",
        "/orgs/{orgId}/serviceAccounts/{clientId}",
        "Organization Read Only",
    ),
    (
        "PATCH",
        "/orgs/{orgId}/serviceAccounts/{clientId}",
        "Organization Owner",
    ),
    (
        "GET",
        "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
        "Organization Read Only",
    ),
    (
        "POST",
        "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
        "Organization Owner",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
        "Organization Owner",
    ),
    (
        "GET",
        "/orgs/{orgId}/serviceAccounts/{clientId}/groups",
        "Organization Read Only",
    ),
    (
        "POST",
        "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
        "Organization Owner",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
        "Organization Owner",
    ),
    ("GET", "/orgs/{orgId}/settings", "Organization Member"),
    ("PATCH", "/orgs/{orgId}/settings", "Organization Owner"),
    (
        "GET",
        "/orgs/{orgId}/delegationSettings",
        "Organization Member",
    ),
    (
        "PATCH",
        "/orgs/{orgId}/delegationSettings",
        "Organization Owner",
    ),
];

/// The role (in the spec's words) the request `method path` needs, if the
/// spec names one. `path` is the request's path, with or without the query.
pub fn role_needed(method: &Method, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let path = path.strip_prefix("/api/atlas/v2").unwrap_or(path);
    ROLES_NEEDED
        .iter()
        .find(|(needed_method, template, _)| {
            *needed_method == method.as_str() && matches_template(template, path)
        })
        .map(|(_, _, roles)| *roles)
}

/// The role to ask for: "Project Access Manager" is not a role a key or
/// account can be given, and Project Owner includes it.
pub fn role_to_ask_for(role: &str) -> String {
    role.replace("Project Access Manager", "Project Owner")
}

/// Whether a path fits a template, segment by segment; `{name}` stands for
/// any one segment, and `{name}:invite` for one ending `:invite`.
fn matches_template(template: &str, path: &str) -> bool {
    let mut parts = path.split('/');
    let fits = template.split('/').all(|expected| {
        let Some(part) = parts.next() else {
            return false;
        };
        match expected
            .strip_prefix('{')
            .and_then(|rest| rest.split_once('}'))
        {
            Some((_, "")) => !part.is_empty() && !part.ends_with(":invite"),
            Some((_, suffix)) => part.len() > suffix.len() && part.ends_with(suffix),
            None => part == expected,
        }
    });
    fits && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_path_finds_its_operation() {
        let needs = |method: Method, path: &str| role_needed(&method, path);
        assert_eq!(
            needs(Method::POST, "/api/atlas/v2/orgs/abc/apiKeys"),
            Some("Organization Owner")
        );
        assert_eq!(
            needs(
                Method::GET,
                "/api/atlas/v2/orgs/abc/serviceAccounts/mdb_sa_1/accessList?itemsPerPage=500"
            ),
            Some("Organization Read Only")
        );
        assert_eq!(
            needs(
                Method::POST,
                "/api/atlas/v2/groups/g1/serviceAccounts/mdb_sa_1:invite"
            ),
            Some("Organization Owner")
        );
        assert_eq!(
            needs(
                Method::PATCH,
                "/api/atlas/v2/groups/g1/serviceAccounts/mdb_sa_1"
            ),
            Some("Project Owner")
        );
        assert_eq!(
            needs(Method::GET, "/api/atlas/v2/eventTypes"),
            Some("Organization Member or Project Read Only")
        );
        // The spec names no role for these.
        assert_eq!(needs(Method::POST, "/api/atlas/v2/groups"), None);
        assert_eq!(
            needs(Method::POST, "/api/atlas/v2/orgs/abc/apiKeys/k1/accessList"),
            None
        );
        // A path with one segment more or less is another operation.
        assert_eq!(
            needs(Method::GET, "/api/atlas/v2/orgs/abc/apiKeys/k1/extra"),
            None
        );
        assert_eq!(
            needs(Method::DELETE, "/api/atlas/v2/orgs/abc/apiKeys/"),
            None
        );
    }
}
