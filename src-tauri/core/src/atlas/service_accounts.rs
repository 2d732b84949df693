//! The service-account operations, organization and project level, in
//! their own API version. Creates are sent once: a lost answer is looked for
//! by name (or, for a secret, by account) and creation time, as for keys.

use std::time::Instant;

use reqwest::Method;
use serde_json::{Value, json};

use super::client::{AtlasClient, segment};
use super::error::AtlasError;
use super::models::{
    AccessListRequest, CreatedSecret, CreatedServiceAccount, CreatedServiceAccountWire,
    NewServiceAccount, Page, SecretWire, ServiceAccount, ServiceAccountEntry,
    ServiceAccountProject,
};
use super::transport::Repeat;

/// The version the service-account endpoints speak.
pub const SERVICE_ACCOUNT_MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json";

fn org_accounts(org_id: &str) -> Result<String, AtlasError> {
    Ok(format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts",
        segment(org_id)?
    ))
}

fn org_account(org_id: &str, client_id: &str) -> Result<String, AtlasError> {
    Ok(format!("{}/{}", org_accounts(org_id)?, segment(client_id)?))
}

fn project_accounts(project_id: &str) -> Result<String, AtlasError> {
    Ok(format!(
        "/api/atlas/v2/groups/{}/serviceAccounts",
        segment(project_id)?
    ))
}

/// Through which path a service account's access list is read and changed:
/// its organization's (Organization Owner changes it), or a project's it is
/// in (Project Owner suffices there, for an account whose access is that
/// project alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountScope<'a> {
    Org(&'a str),
    Project(&'a str),
}

impl<'a> AccountScope<'a> {
    /// Through `project_id` when one is given, else through `org_id`.
    pub fn new(org_id: &'a str, project_id: Option<&'a str>) -> Self {
        project_id.map_or(Self::Org(org_id), Self::Project)
    }

    fn access_list(self, client_id: &str) -> Result<String, AtlasError> {
        let account = match self {
            Self::Org(org_id) => org_account(org_id, client_id)?,
            Self::Project(project_id) => {
                format!("{}/{}", project_accounts(project_id)?, segment(client_id)?)
            }
        };
        Ok(format!("{account}/accessList"))
    }
}

/// Seconds since 1970 of an RFC 3339 time (as Atlas writes them).
fn unix_seconds(text: &str) -> Option<u64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .and_then(|at| u64::try_from(at.timestamp()).ok())
}

impl AtlasClient {
    async fn sa_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<T, AtlasError> {
        self.json_as(SERVICE_ACCOUNT_MEDIA_TYPE, method, path, body, repeat)
            .await
    }

    async fn sa_delete(&self, path: &str) -> Result<(), AtlasError> {
        self.send_as(
            SERVICE_ACCOUNT_MEDIA_TYPE,
            Method::DELETE,
            path,
            None,
            Repeat::Idempotent,
        )
        .await
        .map(drop)
    }

    /// The organization's user-managed service accounts (Atlas leaves out
    /// the system-managed ones by default).
    pub async fn list_org_service_accounts(
        &self,
        org_id: &str,
    ) -> Result<Vec<ServiceAccount>, AtlasError> {
        self.list_all_as(SERVICE_ACCOUNT_MEDIA_TYPE, &org_accounts(org_id)?)
            .await
    }

    /// Every service account of the organization, the system-managed ones
    /// (Atlas's own, for MCP integrations) marked: the list with them and
    /// the list without, read at once.
    pub async fn list_all_org_service_accounts(
        &self,
        org_id: &str,
    ) -> Result<Vec<ServiceAccount>, AtlasError> {
        let with_system = format!("{}?includeSystemManaged=true", org_accounts(org_id)?);
        let (mut all, user_managed) = futures::try_join!(
            self.list_all_as::<ServiceAccount>(SERVICE_ACCOUNT_MEDIA_TYPE, &with_system),
            self.list_org_service_accounts(org_id),
        )?;
        let user_managed: std::collections::HashSet<&str> = user_managed
            .iter()
            .map(|account| account.client_id.as_str())
            .collect();
        for account in &mut all {
            account.system_managed = !user_managed.contains(account.client_id.as_str());
        }
        Ok(all)
    }

    pub async fn get_org_service_account(
        &self,
        org_id: &str,
        client_id: &str,
    ) -> Result<ServiceAccount, AtlasError> {
        self.sa_json(
            Method::GET,
            &org_account(org_id, client_id)?,
            None,
            Repeat::Idempotent,
        )
        .await
    }

    /// Creates an organization service account with its first secret. Never
    /// sent twice: if the answer is lost, the account just made is looked
    /// for and reported as [`AtlasError::ServiceAccountSecretLost`].
    pub async fn create_org_service_account(
        &self,
        org_id: &str,
        new: &NewServiceAccount,
    ) -> Result<CreatedServiceAccount, AtlasError> {
        self.create_account(org_id, &org_accounts(org_id)?, new)
            .await
    }

    /// Creates a service account in a project (Atlas also makes it an
    /// Organization Member). Like [`Self::create_org_service_account`].
    pub async fn create_project_service_account(
        &self,
        org_id: &str,
        project_id: &str,
        new: &NewServiceAccount,
    ) -> Result<CreatedServiceAccount, AtlasError> {
        self.create_account(org_id, &project_accounts(project_id)?, new)
            .await
    }

    async fn create_account(
        &self,
        org_id: &str,
        path: &str,
        new: &NewServiceAccount,
    ) -> Result<CreatedServiceAccount, AtlasError> {
        let started = Instant::now();
        let body = json!({
            "name": new.name,
            "description": new.description,
            "roles": new.roles,
            "secretExpiresAfterHours": new.secret_expires_after_hours,
        });
        let answer = self
            .sa_json::<CreatedServiceAccountWire>(
                Method::POST,
                path,
                Some(&body),
                Repeat::OnlyIfNotSent,
            )
            .await;
        match answer {
            Ok(wire) => {
                let mut secrets = Vec::new();
                let mut value = None;
                for secret in wire.secrets {
                    let (secret, shown) = secret.split();
                    value = value.or(shown);
                    secrets.push(secret);
                }
                let secret = value.ok_or_else(|| AtlasError::Decode {
                    what: format!("POST {path}"),
                    reason: "the answer holds no secret".to_owned(),
                })?;
                Ok(CreatedServiceAccount {
                    account: ServiceAccount {
                        client_id: wire.client_id,
                        created_at: wire.created_at,
                        description: wire.description,
                        name: wire.name,
                        roles: wire.roles,
                        secrets,
                        system_managed: false,
                    },
                    secret,
                })
            }
            Err(AtlasError::OutcomeUnknown { what }) => {
                tracing::warn!(%what, "service account creation outcome unknown; looking for it");
                let Ok(accounts) = self.list_org_service_accounts(org_id).await else {
                    return Err(AtlasError::OutcomeUnknown { what });
                };
                let since = self.created_no_earlier_than(started);
                let orphan = accounts.into_iter().find(|account| {
                    account.name == new.name
                        && account
                            .created_at
                            .as_deref()
                            .and_then(unix_seconds)
                            .is_some_and(|at| at >= since)
                });
                match orphan {
                    Some(account) => Err(AtlasError::ServiceAccountSecretLost {
                        client_id: account.client_id,
                        secret_id: account.secrets.first().map(|secret| secret.id.clone()),
                    }),
                    None => Err(AtlasError::OutcomeUnknown { what }),
                }
            }
            Err(other) => Err(other),
        }
    }

    pub async fn update_org_service_account(
        &self,
        org_id: &str,
        client_id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<ServiceAccount, AtlasError> {
        let mut body = serde_json::Map::new();
        if let Some(name) = name {
            body.insert("name".to_owned(), json!(name));
        }
        if let Some(description) = description {
            body.insert("description".to_owned(), json!(description));
        }
        if let Some(roles) = roles {
            body.insert("roles".to_owned(), json!(roles));
        }
        self.sa_json(
            Method::PATCH,
            &org_account(org_id, client_id)?,
            Some(&Value::Object(body)),
            Repeat::Idempotent,
        )
        .await
    }

    /// Deletes the account: its secrets, tokens and project roles go too.
    pub async fn delete_org_service_account(
        &self,
        org_id: &str,
        client_id: &str,
    ) -> Result<(), AtlasError> {
        self.sa_delete(&org_account(org_id, client_id)?).await
    }

    /// Adds a secret. Atlas then cuts every other secret to at most seven
    /// days. Never sent twice; a lost answer is looked for among the
    /// account's secrets.
    pub async fn create_service_account_secret(
        &self,
        org_id: &str,
        client_id: &str,
        expires_after_hours: u32,
    ) -> Result<CreatedSecret, AtlasError> {
        let started = Instant::now();
        let path = format!("{}/secrets", org_account(org_id, client_id)?);
        let body = json!({ "secretExpiresAfterHours": expires_after_hours });
        match self
            .sa_json::<SecretWire>(Method::POST, &path, Some(&body), Repeat::OnlyIfNotSent)
            .await
        {
            Ok(wire) => {
                let (secret, value) = wire.split();
                let value = value.ok_or_else(|| AtlasError::Decode {
                    what: format!("POST {path}"),
                    reason: "the answer holds no secret".to_owned(),
                })?;
                Ok(CreatedSecret { secret, value })
            }
            Err(AtlasError::OutcomeUnknown { what }) => {
                let Ok(account) = self.get_org_service_account(org_id, client_id).await else {
                    return Err(AtlasError::OutcomeUnknown { what });
                };
                let since = self.created_no_earlier_than(started);
                match account
                    .secrets
                    .into_iter()
                    .find(|secret| unix_seconds(&secret.created_at).is_some_and(|at| at >= since))
                {
                    Some(secret) => Err(AtlasError::ServiceAccountSecretLost {
                        client_id: client_id.to_owned(),
                        secret_id: Some(secret.id),
                    }),
                    None => Err(AtlasError::OutcomeUnknown { what }),
                }
            }
            Err(other) => Err(other),
        }
    }

    pub async fn delete_service_account_secret(
        &self,
        org_id: &str,
        client_id: &str,
        secret_id: &str,
    ) -> Result<(), AtlasError> {
        self.sa_delete(&format!(
            "{}/secrets/{}",
            org_account(org_id, client_id)?,
            segment(secret_id)?
        ))
        .await
    }

    pub async fn list_service_account_access_list(
        &self,
        scope: AccountScope<'_>,
        client_id: &str,
    ) -> Result<Vec<ServiceAccountEntry>, AtlasError> {
        self.list_all_as(SERVICE_ACCOUNT_MEDIA_TYPE, &scope.access_list(client_id)?)
            .await
    }

    /// Adds entries (at most 200 a request, as Atlas takes them); answers
    /// the whole list. Adding what is there changes nothing, so it may be
    /// repeated.
    pub async fn add_service_account_entries(
        &self,
        scope: AccountScope<'_>,
        client_id: &str,
        entries: &[AccessListRequest],
    ) -> Result<Vec<ServiceAccountEntry>, AtlasError> {
        let path = format!("{}?itemsPerPage=500", scope.access_list(client_id)?);
        for chunk in entries.chunks(200) {
            let body = Value::Array(chunk.iter().map(AccessListRequest::to_json).collect());
            self.sa_json::<Page<ServiceAccountEntry>>(
                Method::POST,
                &path,
                Some(&body),
                Repeat::Idempotent,
            )
            .await?;
        }
        self.list_service_account_access_list(scope, client_id)
            .await
    }

    pub async fn delete_service_account_entry(
        &self,
        scope: AccountScope<'_>,
        client_id: &str,
        entry: &str,
    ) -> Result<(), AtlasError> {
        self.sa_delete(&format!(
            "{}/{}",
            scope.access_list(client_id)?,
            segment(entry)?
        ))
        .await
    }

    /// The projects the account is in, with its roles in each.
    pub async fn list_service_account_projects(
        &self,
        org_id: &str,
        client_id: &str,
    ) -> Result<Vec<ServiceAccountProject>, AtlasError> {
        self.list_all_as(
            SERVICE_ACCOUNT_MEDIA_TYPE,
            &format!("{}/groups", org_account(org_id, client_id)?),
        )
        .await
    }

    pub async fn list_project_service_accounts(
        &self,
        project_id: &str,
    ) -> Result<Vec<ServiceAccount>, AtlasError> {
        self.list_all_as(SERVICE_ACCOUNT_MEDIA_TYPE, &project_accounts(project_id)?)
            .await
    }

    /// Gives an organization service account these roles in a project.
    /// Repeating it sets the same roles again, so it is safe to retry.
    pub async fn invite_service_account_to_project(
        &self,
        project_id: &str,
        client_id: &str,
        roles: &[String],
    ) -> Result<ServiceAccount, AtlasError> {
        let path = format!(
            "{}/{}:invite",
            project_accounts(project_id)?,
            segment(client_id)?
        );
        self.sa_json(
            Method::POST,
            &path,
            Some(&json!({ "roles": roles })),
            Repeat::Idempotent,
        )
        .await
    }

    /// Sets the roles of an account already in the project
    /// (`updateGroupServiceAccount`: Project Owner suffices, where the
    /// invitation needs Organization Owner).
    pub async fn update_project_service_account_roles(
        &self,
        project_id: &str,
        client_id: &str,
        roles: &[String],
    ) -> Result<ServiceAccount, AtlasError> {
        let path = format!("{}/{}", project_accounts(project_id)?, segment(client_id)?);
        self.sa_json(
            Method::PATCH,
            &path,
            Some(&json!({ "roles": roles })),
            Repeat::Idempotent,
        )
        .await
    }

    /// Takes the account out of the project; it stays in the organization.
    pub async fn remove_service_account_from_project(
        &self,
        project_id: &str,
        client_id: &str,
    ) -> Result<(), AtlasError> {
        self.sa_delete(&format!(
            "{}/{}",
            project_accounts(project_id)?,
            segment(client_id)?
        ))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atlas_times_read_as_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-12-01T19:15:17Z"), Some(1_796_152_517));
        assert_eq!(unix_seconds("2000-02-29T12:00:00.123Z"), Some(951_825_600));
        assert_eq!(unix_seconds("yesterday"), None);
    }
}
