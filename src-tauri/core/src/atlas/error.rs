//! What can go wrong talking to Atlas, told apart the way a person needs it:
//! no network, TLS, a timeout, a wrong key, an address not on the key's
//! access list, an organization that requires one, any other Atlas error
//! with its code, and an answer that does not parse.

/// An Atlas API error.
#[derive(Debug, thiserror::Error)]
pub enum AtlasError {
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the TLS connection to {url} failed: {reason}")]
    Tls { url: String, reason: String },
    #[error("{url} did not answer in time")]
    Timeout { url: String },
    #[error("the public or private key is wrong")]
    BadCredentials,
    /// The token endpoint refused the service account's client id or secret.
    #[error("the service account {client_id} was refused: its secret is wrong, expired or deleted")]
    ServiceAccountRefused { client_id: String },
    #[error("this address is not on the API key's access list")]
    IpNotOnAccessList { detail: String },
    #[error("the organization requires an access list and the API key has none")]
    OrgRequiresAccessList,
    #[error("Atlas answered {status} {code}: {detail}")]
    Api {
        status: u16,
        code: String,
        detail: String,
        parameters: Vec<serde_json::Value>,
        /// The role the refused operation needs, as the spec names it
        /// (Atlas's answer does not say).
        role_needed: Option<&'static str>,
    },
    #[error("Atlas's answer to {what} could not be read: {reason}")]
    Decode { what: String, reason: String },
    /// A create whose answer was lost or was a server error: it may or may
    /// not have happened.
    #[error("no clear answer came to {what}; it may or may not have happened")]
    OutcomeUnknown { what: String },
    /// A key was created but its answer, and so its private key, was lost.
    #[error("the API key {public_key} was created, but its private key was lost")]
    CreatedButPrivateKeyLost { key_id: String, public_key: String },
    /// A list longer than the client reads ([`super::paging::MAX_PAGES`] pages).
    #[error("{what} has {total} items, more than this app reads")]
    TooManyItems { what: String, total: u64 },
    /// A service account or a secret was created, but the answer with the
    /// secret's value was lost.
    #[error("a secret of the service account {client_id} was created, but its value was lost")]
    ServiceAccountSecretLost {
        client_id: String,
        secret_id: Option<String>,
    },
    #[error("{0}")]
    InvalidInput(String),
    /// The connection was closed: its client sends nothing more, and asks
    /// for no new token.
    #[error("the connection was closed")]
    Closed,
    /// The private key could not be read from the keychain.
    #[error("the private key could not be read: {0}")]
    Credentials(std::sync::Arc<crate::credentials::keychain::KeychainError>),
}

impl AtlasError {
    /// The Atlas error code, where Atlas gave one.
    pub fn atlas_error_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            Self::IpNotOnAccessList { .. } => Some("IP_ADDRESS_NOT_ON_ACCESS_LIST"),
            Self::OrgRequiresAccessList => Some("ORG_REQUIRES_ACCESS_LIST"),
            _ => None,
        }
    }

    /// A sentence for a person: what happened and what to do about it.
    pub fn advice(&self) -> String {
        match self {
            Self::Unreachable { url, .. } => {
                format!("Cannot reach {url}. Check the network connection and the connection's base URL.")
            }
            Self::Tls { url, reason } => format!(
                "The secure connection to {url} failed ({reason}). Check the base URL, and any proxy that intercepts TLS."
            ),
            Self::Timeout { url } => format!("{url} did not answer in time. Try again; if it persists, check the network."),
            Self::BadCredentials => {
                "The public key or the private key is wrong. Check the connection's keys, or create a new API key in Atlas."
                    .to_owned()
            }
            Self::ServiceAccountRefused { client_id } => format!(
                "Atlas refused the secret of the service account {client_id}: it has expired, was deleted, or is mistyped. Generate a new secret in Atlas (Organization Access Manager → Applications → Service Accounts) or in this app, then save it in this connection."
            ),
            Self::IpNotOnAccessList { detail } => format!(
                "Atlas refused this computer's address: {detail} Add the address to the API key's access list in Atlas (Use Current IP Address)."
            ),
            Self::OrgRequiresAccessList => "The organization requires every API key to have an access list, and this key has none. Add an access-list entry to the key in Atlas.".to_owned(),
            Self::Api {
                code,
                detail,
                role_needed: Some(role),
                ..
            } if code == "USER_UNAUTHORIZED" => format!(
                "This needs {}, which the connection's key or service account does not have (its roles may have changed since it was opened). Ask an Organization Owner for that role, or use a connection that has it. ({detail})",
                super::roles_needed::role_to_ask_for(role)
            ),
            Self::Api { code, detail, .. } => match advice_for_code(code) {
                Some(advice) => format!("{advice} ({detail})"),
                None => format!("Atlas refused the request: {detail}"),
            },
            Self::Decode { what, .. } => format!(
                "Atlas's answer to {what} was not what this app expects. The request may have worked; refresh to see."
            ),
            Self::OutcomeUnknown { what } => format!(
                "No clear answer came to {what}, so it may or may not have happened. Refresh and look for it before trying again."
            ),
            Self::CreatedButPrivateKeyLost { public_key, .. } => format!(
                "The API key {public_key} was created, but its answer, and with it the private key, was lost, and a private key cannot be shown again. Delete this key and create a new one."
            ),
            Self::TooManyItems { total, .. } => format!(
                "Atlas reports {total} items in this list, more than the {} this app reads. Nothing was changed.",
                super::paging::MAX_PAGES * super::paging::MAX_PAGE
            ),
            Self::ServiceAccountSecretLost { client_id, .. } => format!(
                "A secret of the service account {client_id} was created, but the answer with its value was lost, and a secret cannot be shown again. Delete that secret and generate a new one."
            ),
            Self::InvalidInput(message) => message.clone(),
            Self::Closed => {
                "The connection was closed while this was under way: open it again and retry."
                    .to_owned()
            }
            Self::Credentials(error) => error.advice(),
        }
    }
}

/// What to do about each error code Atlas is known to send here.
fn advice_for_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "USER_UNAUTHORIZED" => {
            "The API key in use lacks the role this needs (often Organization Owner or Project Owner)."
        }
        "API_KEY_ACCESS_LIST_ACCESS_DENIED" => {
            "This access list cannot be read with this connection's role (Organization Owner needed): only the key itself and an Organization Owner may read it."
        }
        "RESOURCE_REQUIRES_ACCESS_LIST" => {
            "Changing access lists needs an API key that itself has an access list. Add one to the key in use first."
        }
        "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST" => {
            "This entry lets in the address the app is calling from; removing it would lock this key out."
        }
        "INVALID_IP_ADDRESS_OR_CIDR_NOTATION" => {
            "An address is not a valid IP address or CIDR block."
        }
        "DUPLICATE_ADDRESSES_IN_INPUT" => {
            "The same address appears more than once. Remove the repeats."
        }
        "ORG_NOT_FOUND" => "The organization does not exist, or this key cannot see it.",
        "GROUP_NOT_FOUND" => "The project does not exist, or this key cannot see it.",
        "API_KEY_NOT_FOUND" => "The API key no longer exists. Refresh the list.",
        "RESOURCE_NOT_FOUND" => "It no longer exists. Refresh the list.",
        "PATH_PARAM_PARSE_ERROR" => "An id in the request is malformed.",
        "RATE_LIMITED" => "Atlas is limiting the request rate. Wait a minute and try again.",
        "INVALID_VERSION_DATE" => {
            "The server does not speak the API version this app uses (2023-01-01)."
        }
        "INVALID_ATTRIBUTE" | "MISSING_ATTRIBUTE" | "INVALID_ENUM_VALUE" | "MALFORMED_JSON" => {
            "Atlas refused the input."
        }
        _ => return None,
    })
}
