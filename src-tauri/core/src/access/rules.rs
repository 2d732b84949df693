//! What Atlas accepts, checked before anything is sent: descriptions, roles
//! and access-list text. Each refusal says what to fix.

use std::sync::LazyLock;

use regex::Regex;

use crate::access::access_list::{self, CheckedEntry};
use crate::access::roles::RoleScope;
use crate::atlas::AccessListRequest;
use crate::error::CoreError;

/// A description as Atlas accepts it: 1 to 250 characters, trimmed.
pub fn description(desc: &str) -> Result<String, CoreError> {
    let desc = desc.trim();
    let length = desc.chars().count();
    if length == 0 {
        return Err(CoreError::invalid("Enter a description for the key."));
    }
    if length > 250 {
        return Err(CoreError::invalid(format!(
            "The description is {length} characters long; Atlas accepts at most 250."
        )));
    }
    Ok(desc.to_owned())
}

/// One character Atlas accepts in a service account's name or description:
/// the spec's pattern `^[\p{L}\p{N}\-_.,' ]*$` (letters and digits of any
/// script, not their combining marks). The page checks with the same class.
pub const SERVICE_ACCOUNT_TEXT_CHARACTER: &str = r"[\p{L}\p{N} \-_.,']";
/// The longest service-account name Atlas accepts, in characters.
pub const SERVICE_ACCOUNT_NAME_MAX: usize = 64;
/// The longest service-account description Atlas accepts, in characters.
pub const SERVICE_ACCOUNT_DESCRIPTION_MAX: usize = 250;

static SERVICE_ACCOUNT_CHARACTER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!("^{SERVICE_ACCOUNT_TEXT_CHARACTER}$")).ok());

/// A service account's name (up to 64 characters) or description (up to
/// 250) as Atlas accepts it: trimmed, not empty, and only letters, digits,
/// spaces and `-_.,'`.
pub fn service_account_text(text: &str, what: &str, max: usize) -> Result<String, CoreError> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 {
        return Err(CoreError::invalid(format!(
            "Enter a {what} for the service account."
        )));
    }
    if length > max {
        return Err(CoreError::invalid(format!(
            "The {what} is {length} characters long; Atlas accepts at most {max}."
        )));
    }
    let Some(allowed) = SERVICE_ACCOUNT_CHARACTER.as_ref() else {
        return Err(CoreError::invalid(
            "The service account's text cannot be checked here.",
        ));
    };
    if let Some(bad) = text
        .chars()
        .find(|c| !allowed.is_match(c.encode_utf8(&mut [0; 4])))
    {
        return Err(CoreError::invalid(format!(
            "The {what} cannot hold \"{bad}\": use letters, digits, spaces and - _ . , '"
        )));
    }
    Ok(text.to_owned())
}

/// A secret's lifetime in hours: from 8 up to the organization's maximum.
pub fn secret_lifetime(hours: u32, max_hours: i64) -> Result<u32, CoreError> {
    if (8..=max_hours).contains(&i64::from(hours)) {
        Ok(hours)
    } else {
        Err(CoreError::invalid(format!(
            "A secret can last from 8 hours up to this organization's maximum of {max_hours} hours ({} days); {hours} hours was asked.",
            max_hours / 24
        )))
    }
}

/// At least one role, each of this scope, sorted and without repeats. A role
/// the app does not know is accepted (Atlas adds roles) if it has this
/// scope's prefix.
pub fn roles(roles: &[String], scope: RoleScope) -> Result<Vec<String>, CoreError> {
    let (prefix, what) = match scope {
        RoleScope::Organization => ("ORG_", "organization"),
        RoleScope::Project => ("GROUP_", "project"),
    };
    if roles.is_empty() {
        return Err(CoreError::invalid(format!(
            "Choose at least one {what} role."
        )));
    }
    if let Some(wrong) = roles.iter().find(|role| {
        !role.starts_with(prefix) || !role.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    }) {
        return Err(CoreError::invalid(format!(
            "{wrong} is not an {what} role."
        )));
    }
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// An id as a command receives it: checked when the command's arguments are
/// read, so no command runs with an id that could name another path. Reads
/// as `&str`, serializes as the string.
macro_rules! checked_id {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ts_rs::TS)]
        pub struct $name(String);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let id = String::deserialize(deserializer)?;
                Self::try_from(id).map_err(serde::de::Error::custom)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(id: String) -> Result<Self, Self::Error> {
                let check: fn(&str) -> Result<&str, CoreError> = $check;
                check(&id).map_err(|error| error.to_string())?;
                Ok(Self(id))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_id!(
    /// An Atlas object id (an organization, a project, an API key, a secret).
    AtlasId,
    |id| object_id(id, "an Atlas")
);

checked_id!(
    /// A service account's client id (`mdb_sa_id_` and 24 hexadecimal digits).
    ClientId,
    client_id
);

/// A service account's client id: `mdb_sa_id_` and 24 hexadecimal digits.
pub fn client_id(id: &str) -> Result<&str, CoreError> {
    let hex = id.strip_prefix("mdb_sa_id_").unwrap_or("");
    if hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(CoreError::invalid(format!(
            "\"{id}\" is not a service account's client id: it is mdb_sa_id_ and 24 hexadecimal digits."
        )))
    }
}

/// An Atlas object id (an organization, a project, an API key): 24
/// lowercase hexadecimal digits. Anything else never reaches a URL path.
pub fn object_id<'a>(id: &'a str, what: &str) -> Result<&'a str, CoreError> {
    if id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(id)
    } else {
        Err(CoreError::invalid(format!(
            "\"{id}\" is not {what} id: Atlas ids are 24 hexadecimal digits."
        )))
    }
}

/// An access-list entry in the one form it is sent in: an address alone for
/// a single address, else the network's block (`192.0.2.0/24`).
pub fn canonical_entry(entry: &str) -> Result<String, CoreError> {
    let net = access_list::parse_entry(entry)
        .map_err(|error| CoreError::Invalid(error.message(entry)))?;
    Ok(if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.trunc().to_string()
    })
}

/// The requests for typed or pasted entries, all of which must be valid: a
/// create sends all or nothing, so any invalid line refuses the whole text,
/// naming each one.
pub fn all_valid_entries(text: &str) -> Result<Vec<AccessListRequest>, CoreError> {
    let checked = access_list::check(text, &[]);
    refuse_invalid(&checked)?;
    Ok(access_list::requests(&checked))
}

fn refuse_invalid(checked: &[CheckedEntry]) -> Result<(), CoreError> {
    let errors: Vec<String> = checked
        .iter()
        .filter(|entry| entry.error.is_some())
        .map(|entry| entry.messages.join(" "))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid(format!(
            "Fix the access list first: {}",
            errors.join(" ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_account_names_are_checked_as_atlas_checks_them() {
        assert_eq!(
            service_account_text("  CI deploy-bot  ", "name", 64).unwrap(),
            "CI deploy-bot"
        );
        assert!(service_account_text("", "name", 64).is_err());
        assert!(service_account_text(&"a".repeat(65), "name", 64).is_err());
        // The spec's \p{L}\p{N}: letters of any script, not combining marks.
        assert!(service_account_text("Café 2, l'équipe", "name", 64).is_ok());
        assert!(service_account_text("сервис", "name", 64).is_ok());
        let mark = service_account_text("सेवा", "name", 64).unwrap_err();
        assert!(mark.to_string().contains('\u{947}'), "{mark}");
        let refused = service_account_text("deploy/bot", "name", 64)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("\"/\""), "{refused}");
        assert_eq!(secret_lifetime(8, 8760).unwrap(), 8);
        assert!(secret_lifetime(7, 8760).is_err());
        assert!(secret_lifetime(49, 48).is_err());
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(description("  CI key ").unwrap(), "CI key");
        assert!(description("   ").is_err());
        assert!(description(&"x".repeat(250)).is_ok());
        let error = description(&"é".repeat(251)).unwrap_err();
        assert!(error.advice().contains("251"), "{error}");
    }

    #[test]
    fn roles_must_be_of_the_scope() {
        let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            roles(
                &names(&["ORG_READ_ONLY", "ORG_MEMBER", "ORG_MEMBER"]),
                RoleScope::Organization
            )
            .unwrap(),
            names(&["ORG_MEMBER", "ORG_READ_ONLY"])
        );
        assert!(roles(&[], RoleScope::Organization).is_err());
        assert!(roles(&names(&["GROUP_OWNER"]), RoleScope::Organization).is_err());
        assert!(roles(&names(&["GROUP_FUTURE_ROLE"]), RoleScope::Project).is_ok());
        assert!(roles(&names(&["group_owner"]), RoleScope::Project).is_err());
    }

    #[test]
    fn ids_are_24_hex_digits_and_nothing_else() {
        assert!(object_id("6a790c000000000000000008", "an API key").is_ok());
        for bad in [
            "",
            ".",
            "..",
            "../..",
            "6a790c00000000000000000",
            "6A790C000000000000000008",
            "6a790c00000000000000000g",
            "6a790c000000000000000008/",
        ] {
            let error = object_id(bad, "an API key").unwrap_err();
            assert!(matches!(error, CoreError::Invalid(_)), "{bad}");
        }
    }

    #[test]
    fn entries_are_sent_in_one_canonical_form() {
        assert_eq!(canonical_entry("192.0.2.1").unwrap(), "192.0.2.1");
        assert_eq!(canonical_entry("192.0.2.1/32").unwrap(), "192.0.2.1");
        assert_eq!(canonical_entry("192.0.2.0/24").unwrap(), "192.0.2.0/24");
        assert_eq!(
            canonical_entry("2001:0db8:0:0:0:0:0:0/48").unwrap(),
            "2001:db8::/48"
        );
        assert!(canonical_entry("..").is_err());
        assert!(canonical_entry("").is_err());
    }

    #[test]
    fn one_invalid_line_refuses_a_whole_create_list() {
        assert_eq!(all_valid_entries("").unwrap(), Vec::new());
        assert_eq!(
            all_valid_entries("192.0.2.1\n198.51.100.0/24")
                .unwrap()
                .len(),
            2
        );
        let error = all_valid_entries("192.0.2.1\n300.1.1.1").unwrap_err();
        assert!(matches!(error, CoreError::Invalid(_)));
        assert!(error.advice().contains("300.1.1.1"), "{error}");
    }
}
