//! Opening a connection's credential and moving the open connection onto a
//! credential just made for it (a rotated key, a new client secret): the
//! new one is tried first, and the keychain entry is replaced only when it
//! answers as the credential the connection uses.

use secrecy::SecretString;

use crate::access::gate::Caller;
use crate::atlas::{AtlasClient, ClientOptions, Organization, RoleAssignment};
use crate::credentials::connections;
use crate::credentials::profiles::{ConnectionKind, Profile, ProfileStore, SANDBOX_PROFILE_ID};
use crate::error::CoreError;

/// What the two calls that tell a working connection from a broken one
/// answer: who the credential is, its roles, and the organizations it sees.
#[derive(Debug, Clone)]
pub struct Probed {
    pub caller: Caller,
    pub orgs: Vec<Organization>,
    /// Its organization and project roles, as Atlas answers them.
    pub roles: Vec<RoleAssignment>,
}

/// Who a credential is, its roles, and which organizations it sees.
pub async fn probe(client: &AtlasClient) -> Result<Probed, CoreError> {
    let status = client.system_status().await?;
    let orgs = client
        .list_orgs()
        .await?
        .into_iter()
        .filter(|org| !org.is_deleted)
        .collect();
    // A service account is known by its client id whatever the status
    // says of it.
    let caller = match client.service_account() {
        Some(client_id) => Caller {
            key_id: client_id.to_owned(),
            public_key: client_id.to_owned(),
        },
        None => Caller {
            key_id: status.api_key.id,
            public_key: status.api_key.public_key,
        },
    };
    Ok(Probed {
        caller,
        orgs,
        roles: status.api_key.roles,
    })
}

/// The open connection: its profile and the credential it signs in with.
#[derive(Debug, Clone, Copy)]
pub struct OpenConnection<'a> {
    pub profile: &'a Profile,
    pub caller: &'a Caller,
}

/// A connection moved onto its new credential, saved, and ready to use.
#[derive(Debug)]
pub struct Switched {
    pub profile: Profile,
    pub client: AtlasClient,
    pub caller: Caller,
    pub orgs: Vec<Organization>,
    pub roles: Vec<RoleAssignment>,
}

/// A rotation's new key, for the connection that used the old one.
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    pub profile_id: &'a str,
    pub old_key_id: &'a str,
    pub key_id: &'a str,
    pub public_key: &'a str,
}

/// Moves the open API-key connection onto a rotation's new key. Refused
/// unless the connection is the one named and signs in with the rotated
/// key: the keychain entry replaced is the open connection's, and only a
/// successor of the key it uses may take its place. Nothing is saved if the
/// new key does not answer as itself.
pub async fn to_new_key(
    store: &ProfileStore,
    open: OpenConnection<'_>,
    new: NewKey<'_>,
    private_key: &SecretString,
) -> Result<Switched, CoreError> {
    if open.profile.id == SANDBOX_PROFILE_ID {
        return Err(CoreError::invalid(
            "The built-in sandbox connection always uses its own admin key: it cannot be switched.",
        ));
    }
    if open.profile.id != new.profile_id || open.caller.key_id != new.old_key_id {
        return Err(CoreError::invalid(
            "The open connection is no longer the one this rotation was started from: it was not switched. Switch it by editing the connection.",
        ));
    }
    if open.profile.kind != ConnectionKind::ApiKey {
        return Err(CoreError::invalid(
            "This connection signs in with a service account, not an API key.",
        ));
    }
    let client = AtlasClient::with_options(
        &open.profile.base_url,
        new.public_key.trim(),
        private_key,
        ClientOptions::default(),
    )?;
    let Probed {
        caller,
        orgs,
        roles,
    } = probe(&client).await?;
    if caller.key_id != new.key_id {
        return Err(CoreError::invalid(
            "Atlas answered for another key than the new one: the connection was not switched.",
        ));
    }
    let profile = Profile {
        public_key: caller.public_key.clone(),
        ..open.profile.clone()
    };
    let profile = connections::save(store, profile, Some(private_key)).await?;
    tracing::info!(profile = %profile.id, key = %caller.public_key, "connection switched to a new key");
    Ok(Switched {
        profile,
        client,
        caller,
        orgs,
        roles,
    })
}

/// Moves the open service-account connection onto a new secret of the
/// account it signs in with. Refused unless the connection is the one named
/// and signs in with that account; nothing is saved if the secret does not
/// get a token and read the organizations. The caller closes the old
/// client, which revokes its token.
pub async fn to_new_secret(
    store: &ProfileStore,
    open: OpenConnection<'_>,
    profile_id: &str,
    client_id: &str,
    secret: &SecretString,
) -> Result<Switched, CoreError> {
    if open.profile.id != profile_id
        || open.profile.kind != ConnectionKind::ServiceAccount
        || open.caller.key_id != client_id
    {
        return Err(CoreError::invalid(
            "The open connection does not sign in with this service account: it was not switched. Give the new secret to the connection that uses the account by editing it.",
        ));
    }
    let client = AtlasClient::for_service_account(
        &open.profile.base_url,
        client_id,
        secret,
        ClientOptions::default(),
    )?;
    let saved = async {
        let probed = probe(&client).await?;
        let profile = connections::save(store, open.profile.clone(), Some(secret)).await?;
        Ok::<_, CoreError>((profile, probed))
    }
    .await;
    match saved {
        Ok((profile, probed)) => {
            tracing::info!(profile = %profile.id, client_id = %probed.caller.key_id, "connection switched to a new secret");
            Ok(Switched {
                profile,
                client,
                caller: probed.caller,
                orgs: probed.orgs,
                roles: probed.roles,
            })
        }
        Err(error) => {
            // The secret's token is revoked: nothing holds it.
            client.close().await;
            Err(error)
        }
    }
}
