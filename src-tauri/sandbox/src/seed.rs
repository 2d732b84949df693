//! The data a sandbox starts with: `demo` (two organizations to explore),
//! `empty` (one organization and its admin), `scale:KEYS:PROJECTS` (for
//! benchmarks). Every seed has an admin key: Organization Owner of every
//! seeded organization, allowed from 127.0.0.1, ::1 and the apparent IP.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use ipnet::IpNet;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::digest;
use crate::model::{
    AccessEntry, ApiKey, Data, Org, OrgSettings, PROJECT_ROLES, Project, Role, Secret,
    ServiceAccount,
};
use crate::store::new_public_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    Demo,
    Empty,
    /// `scale:KEYS:PROJECTS[:ACCOUNTS]`, service accounts after the keys.
    Scale {
        keys: usize,
        projects: usize,
        accounts: usize,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "invalid --seed \"{0}\": use demo, empty or scale:KEYS:PROJECTS[:ACCOUNTS] (KEYS up to 100000, PROJECTS up to 10000, ACCOUNTS up to 10000)"
)]
pub struct SeedError(String);

impl std::str::FromStr for Seed {
    type Err = SeedError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "demo" => Ok(Self::Demo),
            "empty" => Ok(Self::Empty),
            _ => {
                let error = || SeedError(text.to_owned());
                let mut parts = text.split(':');
                if parts.next() != Some("scale") {
                    return Err(error());
                }
                let keys: usize = parts
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(error)?;
                let projects: usize = parts
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(error)?;
                let accounts: usize = match parts.next() {
                    Some(n) => n.parse().map_err(|_| error())?,
                    None => 0,
                };
                if parts.next().is_some()
                    || keys > 100_000
                    || projects > 10_000
                    || accounts > 10_000
                {
                    return Err(error());
                }
                Ok(Self::Scale {
                    keys,
                    projects,
                    accounts,
                })
            }
        }
    }
}

/// The seeded data and the admin key's credentials (shown once, at start).
pub struct Seeded {
    pub data: Data,
    pub admin_key_id: String,
    pub admin_private_key: String,
}

struct Builder {
    data: Data,
    rng: StdRng,
    /// Ids are made from a fixed base so a seed always looks the same.
    next_id: u64,
}

impl Builder {
    fn new(seed: u64) -> Self {
        Self {
            data: Data::default(),
            rng: StdRng::seed_from_u64(seed),
            next_id: 0,
        }
    }

    fn id(&mut self, kind: u8) -> String {
        self.next_id += 1;
        format!("6a79{kind:02x}00{:016x}", self.next_id)
    }

    fn org(&mut self, name: &str) -> String {
        let id = self.id(0x0a);
        let settings = OrgSettings {
            gen_ai_features_enabled: true,
            ..OrgSettings::default()
        };
        self.data.orgs.insert(
            id.clone(),
            Org {
                id: id.clone(),
                name: name.to_owned(),
                settings,
            },
        );
        id
    }

    fn project(&mut self, org_id: &str, name: &str, days_ago: i64) -> String {
        let id = self.id(0x0b);
        self.data.projects.insert(
            id.clone(),
            Project {
                id: id.clone(),
                org_id: org_id.to_owned(),
                name: name.to_owned(),
                created: Utc::now() - Duration::days(days_ago),
            },
        );
        id
    }

    /// A key whose private key is random and then forgotten (only HA1 stays).
    fn key(&mut self, desc: &str, roles: Vec<Role>, entries: &[&str]) -> String {
        let (id, _) = self.key_with_secret(desc, roles, entries);
        id
    }

    fn key_with_secret(
        &mut self,
        desc: &str,
        roles: Vec<Role>,
        entries: &[&str],
    ) -> (String, String) {
        let id = self.id(0x0c);
        let public_key = loop {
            let candidate = new_public_key(&mut self.rng);
            if self.data.key_by_public(&candidate).is_none() {
                break candidate;
            }
        };
        // Private keys come from the OS's randomness, never from the seed.
        let private_key = uuid::Uuid::new_v4().to_string();
        let mut access_list = Vec::new();
        for (index, text) in entries.iter().enumerate() {
            let created = Utc::now() - Duration::days(90 - index as i64 * 7);
            let entry = if let Ok(ip) = text.parse::<IpAddr>() {
                AccessEntry::new(IpNet::from(ip), Some(ip), created)
            } else if let Ok(net) = text.parse::<IpNet>() {
                AccessEntry::new(net.trunc(), None, created)
            } else {
                continue;
            };
            access_list.push(entry);
        }
        self.data.keys.insert(
            id.clone(),
            ApiKey {
                id: id.clone(),
                ha1: digest::ha1(&public_key, &private_key),
                private_key_tail: private_key[private_key.len() - 12..].to_owned(),
                public_key,
                desc: desc.to_owned(),
                roles,
                access_list,
            },
        );
        (id, private_key)
    }

    /// Marks some use on a key's first entry, so the demo shows "last used".
    fn used(&mut self, key_id: &str, hours_ago: i64, count: u64) {
        if let Some(entry) = self
            .data
            .keys
            .get_mut(key_id)
            .and_then(|key| key.access_list.first_mut())
        {
            entry.count = count;
            entry.last_used = Some(Utc::now() - Duration::hours(hours_ago));
            entry.last_used_address = Some(entry.cidr.network());
        }
    }

    /// A service account. Each secret is (days since it was made, hours it
    /// has left; negative when it has expired); its value comes from the
    /// OS's randomness and only its SHA-256 is kept. `used_hours_ago` marks
    /// the first secret's and the first entry's last use.
    fn account(
        &mut self,
        name: &str,
        roles: Vec<Role>,
        secrets: &[(i64, i64)],
        entries: &[&str],
        used_hours_ago: Option<i64>,
    ) -> String {
        let client_id = format!("mdb_sa_id_{}", self.id(0x0d));
        let now = Utc::now();
        let secrets = secrets
            .iter()
            .map(|(days_ago, hours_left)| {
                let created = now - Duration::days(*days_ago);
                Secret::generate(self.id(0x0e), created, now + Duration::hours(*hours_left)).0
            })
            .collect();
        let mut account = ServiceAccount {
            client_id: client_id.clone(),
            name: name.to_owned(),
            description: format!("{name}, seeded"),
            created: now - Duration::days(400),
            roles,
            secrets,
            access_list: entries
                .iter()
                .enumerate()
                .filter_map(|(index, text)| {
                    let created = now - Duration::days(60 - index as i64 * 5);
                    if let Ok(ip) = text.parse::<IpAddr>() {
                        Some(AccessEntry::new(IpNet::from(ip), Some(ip), created))
                    } else {
                        text.parse::<IpNet>()
                            .ok()
                            .map(|net| AccessEntry::new(net.trunc(), None, created))
                    }
                })
                .collect(),
        };
        if let Some(hours) = used_hours_ago {
            let at = now - Duration::hours(hours);
            if let Some(secret) = account.secrets.first_mut() {
                secret.last_used = Some(at);
            }
            if let Some(entry) = account.access_list.first_mut() {
                entry.count = 40 + hours.unsigned_abs();
                entry.last_used = Some(at);
                entry.last_used_address = Some(entry.cidr.network());
            }
        }
        self.data
            .service_accounts
            .insert(client_id.clone(), account);
        client_id
    }

    fn admin(mut self, orgs: &[String], apparent_ip: Option<IpAddr>) -> Seeded {
        let mut entries = vec!["127.0.0.1".to_owned(), "::1".to_owned()];
        if let Some(ip) = apparent_ip.filter(|ip| !ip.is_loopback()) {
            entries.push(ip.to_string());
        }
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        let roles = orgs.iter().map(|org| Role::org(org, "ORG_OWNER")).collect();
        let (admin_key_id, admin_private_key) =
            self.key_with_secret("Sandbox administrator", roles, &entries);
        Seeded {
            data: self.data,
            admin_key_id,
            admin_private_key,
        }
    }
}

/// The name of the admin service account (`--admin service-account`).
pub const ADMIN_ACCOUNT_NAME: &str = "Sandbox administrator";

/// Makes (or, in a loaded state, finds) the admin service account: the
/// admin key's roles and access list, and a new secret whose value is
/// answered, as the admin key gets a new private key at every start.
pub fn admin_service_account(data: &mut Data, admin_key_id: &str) -> Option<(String, String)> {
    let key = data.keys.get(admin_key_id)?;
    let (roles, access_list) = (key.roles.clone(), key.access_list.clone());
    let now = Utc::now();
    let (secret, value) = Secret::generate(
        crate::store::new_object_id(),
        now,
        now + Duration::days(365),
    );
    let existing = data
        .service_accounts
        .values()
        .find(|account| account.name == ADMIN_ACCOUNT_NAME)
        .map(|account| account.client_id.clone());
    let client_id =
        existing.unwrap_or_else(|| format!("mdb_sa_id_{}", crate::store::new_object_id()));
    let account = data
        .service_accounts
        .entry(client_id.clone())
        .or_insert_with(|| ServiceAccount {
            client_id: client_id.clone(),
            name: ADMIN_ACCOUNT_NAME.to_owned(),
            description: "The sandbox's administrator, as a service account".to_owned(),
            created: now,
            roles: Vec::new(),
            secrets: Vec::new(),
            access_list: Vec::new(),
        });
    account.roles = roles;
    account.access_list = access_list;
    account.secrets = vec![secret];
    Some((client_id, value))
}

pub fn build(seed: Seed, apparent_ip: Option<IpAddr>) -> Seeded {
    match seed {
        Seed::Demo => demo(apparent_ip),
        Seed::Empty => {
            let mut builder = Builder::new(1);
            let org = builder.org("Sandbox Organization");
            builder.admin(&[org], apparent_ip)
        }
        Seed::Scale {
            keys,
            projects,
            accounts,
        } => scale(keys, projects, accounts, apparent_ip),
    }
}

fn demo(apparent_ip: Option<IpAddr>) -> Seeded {
    let mut b = Builder::new(2026);
    let corp = b.org("Acme Corp");
    let research = b.org("Acme Research");
    let production = b.project(&corp, "Production", 700);
    let staging = b.project(&corp, "Staging", 540);
    let analytics = b.project(&corp, "Analytics", 300);
    let ml = b.project(&research, "ML-Experiments", 200);
    let genomics = b.project(&research, "Genomics", 120);

    let org = |name: &str| Role::org(&corp, name);
    let terraform = b.key(
        "Terraform CI (production)",
        vec![org("ORG_MEMBER"), Role::project(&production, "GROUP_OWNER")],
        &["203.0.113.10", "198.51.100.0/24"],
    );
    b.used(&terraform, 3, 1_482);
    let actions = b.key(
        "GitHub Actions deploy",
        vec![
            org("ORG_MEMBER"),
            Role::project(&staging, "GROUP_CLUSTER_MANAGER"),
            Role::project(&production, "GROUP_CLUSTER_MANAGER"),
        ],
        &["192.0.2.44", "2001:db8:85a3::/48"],
    );
    b.used(&actions, 26, 311);
    b.key(
        "Billing export (finance)",
        vec![org("ORG_BILLING_READ_ONLY")],
        &["198.51.100.23"],
    );
    b.key(
        "Backup automation",
        vec![
            org("ORG_MEMBER"),
            Role::project(&production, "GROUP_BACKUP_MANAGER"),
        ],
        &["203.0.113.0/28"],
    );
    let grafana = b.key(
        "Grafana metrics reader",
        vec![org("ORG_READ_ONLY")],
        &["2001:db8::17", "192.0.2.128/25"],
    );
    b.used(&grafana, 1, 52_310);
    b.key(
        "Data platform ETL",
        vec![
            org("ORG_MEMBER"),
            Role::project(&analytics, "GROUP_DATA_ACCESS_READ_WRITE"),
        ],
        &["198.51.100.77"],
    );
    b.key(
        "Legacy migration script (to retire)",
        vec![org("ORG_OWNER")],
        &[],
    );
    b.key(
        "Partner integration (open to the internet)",
        vec![
            org("ORG_MEMBER"),
            Role::project(&analytics, "GROUP_READ_ONLY"),
        ],
        &["0.0.0.0/0"],
    );
    b.key(
        "Search index builder",
        vec![
            org("ORG_MEMBER"),
            Role::project(&production, "GROUP_SEARCH_INDEX_EDITOR"),
        ],
        &["203.0.113.50"],
    );
    b.key(
        "Project creator bot",
        vec![org("ORG_GROUP_CREATOR")],
        &["192.0.2.10"],
    );
    b.key(
        "ML pipeline trainer",
        vec![
            Role::org(&research, "ORG_MEMBER"),
            Role::project(&ml, "GROUP_DATA_ACCESS_ADMIN"),
        ],
        &["198.51.100.200", "2001:db8:1::/64"],
    );
    b.key(
        "Genomics notebook",
        vec![
            Role::org(&research, "ORG_MEMBER"),
            Role::project(&genomics, "GROUP_READ_ONLY"),
            Role::project(&genomics, "GROUP_OBSERVABILITY_VIEWER"),
        ],
        &["203.0.113.99"],
    );
    b.key(
        "Research break-glass owner",
        vec![Role::org(&research, "ORG_OWNER")],
        &["192.0.2.200"],
    );

    // Service accounts: a rotation under way (the old secret ends in five
    // days), an expired secret left behind, one open to the internet, one
    // made in a project, one never used.
    b.account(
        "GitHub Actions deployer",
        vec![
            org("ORG_MEMBER"),
            Role::project(&production, "GROUP_CLUSTER_MANAGER"),
        ],
        &[(358, 5 * 24), (2, 363 * 24)],
        &["192.0.2.60"],
        Some(2),
    );
    b.account(
        "Nightly report exporter",
        vec![org("ORG_READ_ONLY")],
        &[(190, -10 * 24)],
        &["198.51.100.90"],
        Some(12 * 24),
    );
    b.account(
        "Vendor webhook, open to the internet",
        vec![
            org("ORG_MEMBER"),
            Role::project(&analytics, "GROUP_READ_ONLY"),
        ],
        &[(160, 200 * 24)],
        &["0.0.0.0/0"],
        Some(5),
    );
    b.account(
        "Staging smoke tests",
        vec![
            org("ORG_MEMBER"),
            Role::project(&staging, "GROUP_READ_ONLY"),
        ],
        &[(30, 60 * 24)],
        &["203.0.113.70"],
        Some(20),
    );
    b.account(
        "Capacity planner",
        vec![org("ORG_READ_ONLY")],
        &[(20, 300 * 24)],
        &[],
        None,
    );
    b.account(
        "Genomics batch runner",
        vec![
            Role::org(&research, "ORG_MEMBER"),
            Role::project(&genomics, "GROUP_DATA_ACCESS_READ_WRITE"),
        ],
        &[(90, 90 * 24)],
        &["2001:db8:42::/48"],
        Some(30),
    );
    b.admin(&[corp, research], apparent_ip)
}

fn scale(keys: usize, projects: usize, accounts: usize, apparent_ip: Option<IpAddr>) -> Seeded {
    let mut b = Builder::new(42);
    let org = b.org("Scale Test Organization");
    let project_ids: Vec<String> = (1..=projects)
        .map(|n| b.project(&org, &format!("project-{n:04}"), 30))
        .collect();
    for n in 1..=keys {
        let mut roles = vec![Role::org(&org, "ORG_MEMBER")];
        if !project_ids.is_empty() {
            for _ in 0..b.rng.random_range(0..=3) {
                let project = &project_ids[b.rng.random_range(0..project_ids.len())];
                let role = PROJECT_ROLES[b.rng.random_range(0..PROJECT_ROLES.len())];
                if !roles
                    .iter()
                    .any(|r| r.scope == Role::project(project, role).scope)
                {
                    roles.push(Role::project(project, role));
                }
            }
        }
        // Addresses from 198.18.0.0/15, the range set aside for benchmarks.
        let entries: Vec<String> = (0..b.rng.random_range(0..=5))
            .map(|_| {
                let (c, d) = (b.rng.random_range(0..=255u8), b.rng.random_range(1..=254u8));
                let high = b.rng.random_range(18..=19u8);
                if b.rng.random_bool(0.3) {
                    format!("198.{high}.{c}.0/24")
                } else {
                    format!("198.{high}.{c}.{d}")
                }
            })
            .collect();
        let mut unique: Vec<&str> = Vec::new();
        for entry in &entries {
            if !unique.contains(&entry.as_str()) {
                unique.push(entry);
            }
        }
        b.key(&format!("Service key {n:05}"), roles, &unique);
    }
    // Service accounts with two secrets (a rotation under way) and up to
    // five entries, some of them in a project.
    for n in 1..=accounts {
        let mut roles = vec![Role::org(&org, "ORG_MEMBER")];
        if !project_ids.is_empty() && b.rng.random_bool(0.5) {
            let project = &project_ids[b.rng.random_range(0..project_ids.len())];
            roles.push(Role::project(project, "GROUP_READ_ONLY"));
        }
        let entries: Vec<String> = (0..b.rng.random_range(0..=5u8))
            .map(|index| format!("198.19.{}.{index}", n % 250))
            .collect();
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        b.account(
            &format!("Scale account {n:05}"),
            roles,
            &[(30, 300 * 24), (1, 360 * 24)],
            &entries,
            None,
        );
    }
    b.admin(&[org], apparent_ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grantee;

    #[test]
    fn parses_seeds() {
        assert_eq!("demo".parse(), Ok(Seed::Demo));
        assert_eq!(
            "scale:2000:300".parse(),
            Ok(Seed::Scale {
                keys: 2000,
                projects: 300,
                accounts: 0,
            })
        );
        assert_eq!(
            "scale:10:3:500".parse(),
            Ok(Seed::Scale {
                keys: 10,
                projects: 3,
                accounts: 500,
            })
        );
        for bad in [
            "",
            "scale",
            "scale:1",
            "scale:a:b",
            "scale:1:2:x",
            "scale:1:2:3:4",
            "scale:1:2:10001",
            "scale:1000000:1",
            "full",
        ] {
            assert!(bad.parse::<Seed>().is_err(), "{bad}");
        }
    }

    #[test]
    fn demo_has_what_the_issue_promises() {
        let seeded = build(Seed::Demo, None);
        let data = &seeded.data;
        let names: Vec<&str> = data.orgs.values().map(|org| org.name.as_str()).collect();
        assert_eq!(names, ["Acme Corp", "Acme Research"]);
        assert_eq!(data.projects.len(), 5);
        assert!(data.keys.len() >= 12);
        assert!(data.keys.values().any(|key| key.access_list.is_empty()));
        assert!(
            data.keys
                .values()
                .any(|key| key.access_list.iter().any(|e| e.cidr.prefix_len() == 0))
        );
        let all: Vec<_> = data
            .keys
            .values()
            .flat_map(|key| &key.access_list)
            .collect();
        assert!(all.iter().any(|e| e.cidr.addr().is_ipv6()));
        assert!(
            all.iter()
                .any(|e| e.ip_address.is_none() && e.cidr.prefix_len() > 0)
        );
        let admin = &data.keys[&seeded.admin_key_id];
        assert!(
            data.orgs
                .keys()
                .all(|org| admin.has_org_role(org, "ORG_OWNER"))
        );
    }

    #[test]
    fn scale_makes_the_asked_sizes_with_at_most_five_entries() {
        let seeded = build(
            Seed::Scale {
                keys: 300,
                projects: 40,
                accounts: 50,
            },
            None,
        );
        assert_eq!(seeded.data.keys.len(), 301);
        assert_eq!(seeded.data.projects.len(), 40);
        assert_eq!(seeded.data.service_accounts.len(), 50);
        assert!(
            seeded
                .data
                .service_accounts
                .values()
                .all(|account| { account.secrets.len() == 2 && account.access_list.len() <= 5 })
        );
        assert!(
            seeded
                .data
                .keys
                .values()
                .all(|key| key.access_list.len() <= 5)
        );
    }
}
