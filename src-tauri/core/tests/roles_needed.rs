//! The roles the app names in a refusal are the spec's: every operation of
//! the vendored spec that names a role is in the table with that role, and
//! the table holds nothing the spec does not say.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::collections::BTreeSet;
use std::path::Path;

use atlas_access_core::atlas::roles_needed::{ROLES_NEEDED, role_needed};

fn spec() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/atlas-api/atlas-admin-v2.yaml");
    let text = std::fs::read_to_string(&path).expect("the vendored spec");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

#[test]
fn the_roles_named_in_a_refusal_are_the_specs() {
    let mut from_spec = BTreeSet::new();
    let mut operations = 0;
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            operations += 1;
            let roles: Vec<&str> = operation["x-rolesRequirements"]
                .as_array()
                .map(|roles| roles.iter().filter_map(|role| role.as_str()).collect())
                .unwrap_or_default();
            let path = path.trim_start_matches("/api/atlas/v2").to_owned();
            // The request path as the client sends it, ids filled in.
            let request = format!("/api/atlas/v2{path}")
                .replace("{clientId}", "mdb_sa_id_1")
                .replace("{orgId}", "o1")
                .replace("{groupId}", "g1")
                .replace("{groupName}", "Staging")
                .replace("{apiUserId}", "k1")
                .replace("{ipAddress}", "203.0.113.1")
                .replace("{eventId}", "e1")
                .replace("{secretId}", "s1");
            let expected = (!roles.is_empty()).then(|| roles.join(" or "));
            assert_eq!(
                role_needed(&method, &request).map(str::to_owned),
                expected,
                "{method} {path}"
            );
            if let Some(roles) = expected {
                from_spec.insert((method.to_string(), path, roles));
            }
        }
    }
    assert_eq!(operations, 53);
    let table: BTreeSet<(String, String, String)> = ROLES_NEEDED
        .iter()
        .map(|(method, path, roles)| {
            (
                (*method).to_owned(),
                (*path).to_owned(),
                (*roles).to_owned(),
            )
        })
        .collect();
    assert_eq!(table, from_spec);
}
