//! The reads a screen makes in one request. Each is a use case of its own,
//! as the edits are, so every command goes through core and each id is
//! checked before it reaches a path.

use crate::access::{lockout, rules};
use crate::atlas::{AccessListEntry, ApiKey, AtlasClient, OrgSettings, ServiceAccount};
use crate::error::CoreError;

pub async fn org_settings(client: &AtlasClient, org_id: &str) -> Result<OrgSettings, CoreError> {
    rules::object_id(org_id, "an organization")?;
    Ok(client.org_settings(org_id).await?)
}

/// An API key's access list, each entry with its last use.
pub async fn access_list(
    client: &AtlasClient,
    org_id: &str,
    key_id: &str,
) -> Result<Vec<AccessListEntry>, CoreError> {
    rules::object_id(org_id, "an organization")?;
    rules::object_id(key_id, "an API key")?;
    Ok(client.list_access_list(org_id, key_id).await?)
}

/// The address (or addresses) Atlas sees this computer as.
pub async fn current_ip(client: &AtlasClient) -> Result<String, CoreError> {
    let addresses = client.current_addresses().await?;
    Ok(lockout::addresses_text(&addresses))
}

/// The keys with a role in a project.
pub async fn project_keys(
    client: &AtlasClient,
    project_id: &str,
) -> Result<Vec<ApiKey>, CoreError> {
    rules::object_id(project_id, "a project")?;
    Ok(client.list_project_keys(project_id).await?)
}

/// The organization's service accounts, each with its secrets, the
/// system-managed ones among them and marked.
pub async fn service_accounts(
    client: &AtlasClient,
    org_id: &str,
) -> Result<Vec<ServiceAccount>, CoreError> {
    rules::object_id(org_id, "an organization")?;
    Ok(client.list_all_org_service_accounts(org_id).await?)
}

/// The service accounts with a role in a project.
pub async fn project_service_accounts(
    client: &AtlasClient,
    project_id: &str,
) -> Result<Vec<ServiceAccount>, CoreError> {
    rules::object_id(project_id, "a project")?;
    Ok(client.list_project_service_accounts(project_id).await?)
}
