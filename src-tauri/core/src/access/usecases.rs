//! The operations a person starts with one click and that take several
//! calls: each reports per step, so nothing is lost or left half-told.

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atlas::{
    AccessListEntry, AccessListRequest, AccountScope, ApiKey, AtlasClient, AtlasError,
    CreatedApiKey, Project, ServiceAccount, ServiceAccountEntry, ServiceAccountProject,
};

/// Access lists read at once while loading an organization: enough to hide
/// the round trip, few enough to stay clear of Atlas's rate limits.
pub const INVENTORY_CONCURRENCY: usize = 8;
/// Invitations sent at once when inviting a key to many projects.
pub const INVITE_CONCURRENCY: usize = 8;

/// How far a long operation is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// The outcome of one step, in words for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum StepOutcome {
    Done,
    /// Nothing to do: it was already so.
    Skipped,
    Failed {
        message: String,
        #[serde(rename = "atlasErrorCode")]
        #[ts(optional)]
        atlas_error_code: Option<String>,
    },
}

impl StepOutcome {
    pub(crate) fn from_result<T>(result: Result<T, AtlasError>) -> Self {
        match result {
            Ok(_) => Self::Done,
            Err(error) => Self::failed(&error),
        }
    }

    fn failed(error: &AtlasError) -> Self {
        Self::Failed {
            message: error.advice(),
            atlas_error_code: error.atlas_error_code().map(str::to_owned),
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done | Self::Skipped)
    }
}

/// A project and the roles to give a key in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRoles {
    pub project_id: String,
    pub roles: Vec<String>,
}

/// Everything the Create API Key dialog asks for.
#[derive(Debug, Clone, Default)]
pub struct NewOrgKey {
    pub desc: String,
    pub roles: Vec<String>,
    pub access_list: Vec<AccessListRequest>,
    pub projects: Vec<ProjectRoles>,
}

/// The key, and how each later step went. The key (and its private key)
/// is here whatever happened to the later steps.
#[derive(Debug)]
pub struct NewOrgKeyOutcome {
    pub created: CreatedApiKey,
    /// The key as it is after its invitations, with every role it has.
    pub key_after: ApiKey,
    /// `Skipped` when no entries were asked for.
    pub access_list: StepOutcome,
    pub invitations: Vec<(String, StepOutcome)>,
}

impl NewOrgKeyOutcome {
    /// Every step after the key succeeded (or had nothing to do): only then
    /// may a connection move onto the key.
    pub fn is_complete(&self) -> bool {
        self.access_list.is_done() && self.invitations.iter().all(|(_, step)| step.is_done())
    }
}

/// Creates an organization key, then its access list, then its project
/// invitations. Fails only if the key itself could not be created.
pub async fn create_org_key_with_setup(
    client: &AtlasClient,
    org_id: &str,
    plan: &NewOrgKey,
) -> Result<NewOrgKeyOutcome, AtlasError> {
    let created = client
        .create_org_key(org_id, &plan.desc, &plan.roles)
        .await?;
    let key_id = created.key.id.clone();
    let access_list = if plan.access_list.is_empty() {
        StepOutcome::Skipped
    } else {
        StepOutcome::from_result(
            client
                .add_access_entries(org_id, &key_id, &plan.access_list)
                .await,
        )
    };
    let mut invitations = Vec::with_capacity(plan.projects.len());
    for project in &plan.projects {
        let outcome = client
            .invite_key_to_project(&project.project_id, &key_id, &project.roles)
            .await;
        invitations.push((
            project.project_id.clone(),
            StepOutcome::from_result(outcome),
        ));
    }
    // The create answer knows only the organization roles: read the key
    // again if it was given project roles, or keep what is known.
    let key_after = if invitations.iter().any(|(_, outcome)| outcome.is_done()) {
        client
            .get_org_key(org_id, &key_id)
            .await
            .unwrap_or_else(|_| created.key.clone())
    } else {
        created.key.clone()
    };
    Ok(NewOrgKeyOutcome {
        created,
        key_after,
        access_list,
        invitations,
    })
}

/// Who a bulk invitation is for: an organization API key or an
/// organization service account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitee<'a> {
    Key(&'a str),
    ServiceAccount(&'a str),
}

impl Invitee<'_> {
    /// The invitee's roles, project by project, as Atlas has them now.
    async fn project_roles(
        self,
        client: &AtlasClient,
        org_id: &str,
    ) -> Result<HashMap<String, Vec<String>>, AtlasError> {
        Ok(match self {
            Self::Key(key_id) => {
                let key = client.get_org_key(org_id, key_id).await?;
                key.project_ids()
                    .into_iter()
                    .map(|project| {
                        let roles = key.project_roles(project).map(str::to_owned).collect();
                        (project.to_owned(), roles)
                    })
                    .collect()
            }
            Self::ServiceAccount(client_id) => client
                .list_service_account_projects(org_id, client_id)
                .await?
                .into_iter()
                .map(|project| (project.group_id, project.roles))
                .collect(),
        })
    }

    async fn invite(
        self,
        client: &AtlasClient,
        project_id: &str,
        roles: &[String],
    ) -> Result<(), AtlasError> {
        match self {
            Self::Key(key_id) => {
                client
                    .invite_key_to_project(project_id, key_id, roles)
                    .await
            }
            Self::ServiceAccount(client_id) => client
                .invite_service_account_to_project(project_id, client_id, roles)
                .await
                .map(|_| ()),
        }
    }
}

/// Invites one key or service account to many projects with the same
/// roles, a few at a time. Projects where it already has exactly these
/// roles are skipped, so running it again after a partial failure finishes
/// the job.
pub async fn invite_to_projects(
    client: &AtlasClient,
    org_id: &str,
    invitee: Invitee<'_>,
    project_ids: &[String],
    roles: &[String],
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Vec<(String, StepOutcome)>, AtlasError> {
    let current_roles = invitee.project_roles(client, org_id).await?;
    let mut wanted: Vec<&str> = roles.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    let total = project_ids.len();
    let mut done = 0;
    on_progress(Progress { done, total });
    let mut results: Vec<(usize, String, StepOutcome)> = Vec::with_capacity(total);
    let mut pending = Vec::new();
    for (index, project_id) in project_ids.iter().enumerate() {
        let mut current: Vec<&str> = current_roles
            .get(project_id)
            .map(|roles| roles.iter().map(String::as_str).collect())
            .unwrap_or_default();
        current.sort_unstable();
        if current == wanted {
            results.push((index, project_id.clone(), StepOutcome::Skipped));
            done += 1;
            on_progress(Progress { done, total });
        } else {
            pending.push((index, project_id.clone()));
        }
    }
    let mut invitations = stream::iter(pending)
        .map(|(index, project_id)| async move {
            let outcome = invitee.invite(client, &project_id, roles).await;
            (index, project_id, StepOutcome::from_result(outcome))
        })
        .buffer_unordered(concurrency.max(1));
    while let Some(result) = invitations.next().await {
        results.push(result);
        done += 1;
        on_progress(Progress { done, total });
    }
    results.sort_by_key(|(index, _, _)| *index);
    Ok(results
        .into_iter()
        .map(|(_, project, outcome)| (project, outcome))
        .collect())
}

/// One key of an organization with all the app shows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct KeyInventory {
    pub key: ApiKey,
    /// The key's roles, project by project.
    pub project_roles: Vec<ProjectRoles>,
    pub access_list: Vec<AccessListEntry>,
    /// Why the access list could not be read, if it could not.
    #[ts(optional)]
    pub access_list_error: Option<String>,
}

/// An organization's keys, projects and access lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub keys: Vec<KeyInventory>,
    pub projects: Vec<Project>,
}

/// An organization's keys and projects, without the access lists: what the
/// keys table needs to appear, in a handful of requests.
pub async fn load_key_list(client: &AtlasClient, org_id: &str) -> Result<Inventory, AtlasError> {
    let (keys, projects) = futures::try_join!(
        client.list_org_keys(org_id),
        client.list_org_projects(org_id)
    )?;
    let keys = keys
        .into_iter()
        .map(|key| key_inventory(key, Ok(Vec::new())))
        .collect();
    Ok(Inventory { keys, projects })
}

fn key_inventory(key: ApiKey, list: Result<Vec<AccessListEntry>, String>) -> KeyInventory {
    let (access_list, access_list_error) = match list {
        Ok(entries) => (entries, None),
        Err(error) => (Vec::new(), Some(error)),
    };
    let project_roles = key
        .project_ids()
        .into_iter()
        .map(|project_id| ProjectRoles {
            project_id: project_id.to_owned(),
            roles: key.project_roles(project_id).map(str::to_owned).collect(),
        })
        .collect();
    KeyInventory {
        key,
        project_roles,
        access_list,
        access_list_error,
    }
}

/// One key's access list, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyAccessList {
    pub key_id: String,
    pub access_list: Vec<AccessListEntry>,
    #[ts(optional)]
    pub error: Option<String>,
}

/// Reads the access lists of `key_ids`, `concurrency` at a time, started in
/// the order given (so the keys on screen can come first). Progress counts
/// the lists read. A list that cannot be read carries its error.
pub async fn load_access_lists(
    client: &AtlasClient,
    org_id: &str,
    key_ids: &[String],
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Vec<KeyAccessList> {
    let total = key_ids.len();
    on_progress(Progress { done: 0, total });
    let mut lists: Vec<Option<KeyAccessList>> = key_ids.iter().map(|_| None).collect();
    // Built eagerly: a lazily mapped stream of borrowed ids makes the
    // future's `Send` proof higher-ranked, which rustc cannot show.
    let reads: Vec<_> = key_ids
        .iter()
        .enumerate()
        .map(|(index, key_id)| async move {
            (index, key_id, client.list_access_list(org_id, key_id).await)
        })
        .collect();
    let mut answers = stream::iter(reads).buffer_unordered(concurrency.max(1));
    let mut done = 0;
    while let Some((index, key_id, list)) = answers.next().await {
        let (access_list, error) = match list {
            Ok(entries) => (entries, None),
            Err(error) => (Vec::new(), Some(error.advice())),
        };
        lists[index] = Some(KeyAccessList {
            key_id: key_id.clone(),
            access_list,
            error,
        });
        done += 1;
        on_progress(Progress { done, total });
    }
    lists.into_iter().flatten().collect()
}

/// Loads an organization's inventory: the key list and the project list at
/// once, then every key's access list, a few at a time.
pub async fn load_inventory(
    client: &AtlasClient,
    org_id: &str,
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Inventory, AtlasError> {
    let (keys, projects) = futures::try_join!(
        client.list_org_keys(org_id),
        client.list_org_projects(org_id)
    )?;
    let key_ids: Vec<String> = keys.iter().map(|key| key.id.clone()).collect();
    let lists = load_access_lists(client, org_id, &key_ids, concurrency, on_progress).await;
    let keys = keys
        .into_iter()
        .zip(lists)
        .map(|(key, list)| {
            let list = match list.error {
                None => Ok(list.access_list),
                Some(error) => Err(error),
            };
            key_inventory(key, list)
        })
        .collect();
    Ok(Inventory { keys, projects })
}

/// One service account with its access list and projects, or why they
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountInventory {
    pub account: ServiceAccount,
    pub access_list: Vec<ServiceAccountEntry>,
    pub projects: Vec<ServiceAccountProject>,
    #[ts(optional)]
    pub error: Option<String>,
}

/// One account's access list and projects, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountParts {
    pub client_id: String,
    pub access_list: Vec<ServiceAccountEntry>,
    pub projects: Vec<ServiceAccountProject>,
    #[ts(optional)]
    pub error: Option<String>,
}

/// Loads an organization's service accounts (their secrets come with them),
/// then each one's access list and projects, `concurrency` requests at a
/// time. Progress counts the accounts done.
pub async fn load_service_accounts(
    client: &AtlasClient,
    org_id: &str,
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Vec<ServiceAccountInventory>, AtlasError> {
    let accounts = client.list_all_org_service_accounts(org_id).await?;
    let client_ids: Vec<String> = accounts
        .iter()
        .map(|account| account.client_id.clone())
        .collect();
    let parts =
        load_service_account_parts(client, org_id, &client_ids, concurrency, on_progress).await;
    Ok(accounts
        .into_iter()
        .zip(parts)
        .map(|(account, parts)| ServiceAccountInventory {
            account,
            access_list: parts.access_list,
            projects: parts.projects,
            error: parts.error,
        })
        .collect())
}

/// Reads the access list and projects of each of these accounts, in the
/// order given, `concurrency` requests at a time: the table shows the
/// accounts from their list first, and this fills in the rest. Progress
/// counts the accounts done.
pub async fn load_service_account_parts(
    client: &AtlasClient,
    org_id: &str,
    client_ids: &[String],
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Vec<ServiceAccountParts> {
    let total = client_ids.len();
    on_progress(Progress { done: 0, total });
    // Two reads per account, all in one queue, so `concurrency` bounds the
    // requests in flight rather than the accounts.
    let reads: Vec<_> = client_ids
        .iter()
        .enumerate()
        .flat_map(|(index, client_id)| {
            [
                Read::List(index, client_id.as_str()),
                Read::Projects(index, client_id.as_str()),
            ]
        })
        .map(|read| async move {
            match read {
                Read::List(index, id) => (
                    index,
                    Answer::List(
                        client
                            .list_service_account_access_list(AccountScope::Org(org_id), id)
                            .await,
                    ),
                ),
                Read::Projects(index, id) => (
                    index,
                    Answer::Projects(client.list_service_account_projects(org_id, id).await),
                ),
            }
        })
        .collect();
    let mut parts: Vec<ServiceAccountParts> = client_ids
        .iter()
        .map(|client_id| ServiceAccountParts {
            client_id: client_id.clone(),
            access_list: Vec::new(),
            projects: Vec::new(),
            error: None,
        })
        .collect();
    let mut answered = vec![0u8; total];
    let mut done = 0;
    let mut answers = stream::iter(reads).buffer_unordered(concurrency.max(1));
    while let Some((index, answer)) = answers.next().await {
        let Some(item) = parts.get_mut(index) else {
            continue;
        };
        match answer {
            Answer::List(Ok(list)) => item.access_list = list,
            Answer::Projects(Ok(projects)) => item.projects = projects,
            Answer::List(Err(error)) | Answer::Projects(Err(error)) => {
                item.error.get_or_insert_with(|| error.advice());
            }
        }
        if let Some(count) = answered.get_mut(index) {
            *count += 1;
            if *count == 2 {
                done += 1;
                on_progress(Progress { done, total });
            }
        }
    }
    parts
}

/// One service account with its access list and projects: what its row and
/// details page show, read again after an edit that changes more than one
/// part (three requests at once).
pub async fn load_service_account(
    client: &AtlasClient,
    org_id: &str,
    client_id: &str,
) -> Result<ServiceAccountInventory, AtlasError> {
    let (account, access_list, projects) = futures::try_join!(
        client.get_org_service_account(org_id, client_id),
        client.list_service_account_access_list(AccountScope::Org(org_id), client_id),
        client.list_service_account_projects(org_id, client_id),
    )?;
    Ok(ServiceAccountInventory {
        account,
        access_list,
        projects,
        error: None,
    })
}

enum Read<'a> {
    List(usize, &'a str),
    Projects(usize, &'a str),
}

enum Answer {
    List(Result<Vec<ServiceAccountEntry>, AtlasError>),
    Projects(Result<Vec<ServiceAccountProject>, AtlasError>),
}

/// Everything the Create Service Account dialog asks for.
#[derive(Debug, Clone, Default)]
pub struct NewServiceAccountPlan {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub secret_expires_after_hours: u32,
    pub access_list: Vec<AccessListRequest>,
    pub projects: Vec<ProjectRoles>,
}

/// The account (and its first secret), and how each later step went.
#[derive(Debug)]
pub struct NewServiceAccountOutcome {
    pub created: crate::atlas::CreatedServiceAccount,
    /// `Skipped` when no entries were asked for.
    pub access_list: StepOutcome,
    pub invitations: Vec<(String, StepOutcome)>,
}

/// Creates an organization service account, then its access list, then its
/// project invitations, one result per step. Fails only if the account
/// itself could not be created: the secret is never lost to a later step.
pub async fn create_service_account_with_setup(
    client: &AtlasClient,
    org_id: &str,
    plan: &NewServiceAccountPlan,
) -> Result<NewServiceAccountOutcome, AtlasError> {
    let created = client
        .create_org_service_account(
            org_id,
            &crate::atlas::NewServiceAccount {
                name: plan.name.clone(),
                description: plan.description.clone(),
                roles: plan.roles.clone(),
                secret_expires_after_hours: plan.secret_expires_after_hours,
            },
        )
        .await?;
    let client_id = created.account.client_id.clone();
    let access_list = if plan.access_list.is_empty() {
        StepOutcome::Skipped
    } else {
        StepOutcome::from_result(
            client
                .add_service_account_entries(
                    AccountScope::Org(org_id),
                    &client_id,
                    &plan.access_list,
                )
                .await,
        )
    };
    let mut invitations = Vec::with_capacity(plan.projects.len());
    for project in &plan.projects {
        let outcome = client
            .invite_service_account_to_project(&project.project_id, &client_id, &project.roles)
            .await;
        invitations.push((
            project.project_id.clone(),
            StepOutcome::from_result(outcome),
        ));
    }
    Ok(NewServiceAccountOutcome {
        created,
        access_list,
        invitations,
    })
}
