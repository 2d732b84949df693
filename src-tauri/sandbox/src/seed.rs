//! The data a sandbox starts with: `demo` (two organizations to explore,
//! with about 90 days of events), `empty` (one organization and its admin),
//! `scale:KEYS:PROJECTS[:ACCOUNTS[:EVENTS]]` (for benchmarks). Every seed has an admin key: Organization Owner of every
//! seeded organization, allowed from 127.0.0.1, ::1 and the apparent IP.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use ipnet::IpNet;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::digest;
use crate::events::Happening;
use crate::model::{
    AccessEntry, Actor, ApiKey, Data, DelegationSettings, Event, Grantee, Org, OrgSettings,
    PROJECT_ROLES, Project, Role, Scope, Secret, ServiceAccount, Target,
};
use crate::store::new_public_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    Demo,
    Empty,
    /// `scale:KEYS:PROJECTS[:ACCOUNTS[:EVENTS]]`, service accounts after
    /// the keys, and events spread over the last 90 days.
    Scale {
        keys: usize,
        projects: usize,
        accounts: usize,
        events: usize,
    },
    /// `orgs:ORGS:KEYS`: ORGS organizations of KEYS keys each, the admin an
    /// Owner in every one (for those who administer many).
    Orgs {
        orgs: usize,
        keys: usize,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "invalid --seed \"{0}\": use demo, empty, scale:KEYS:PROJECTS[:ACCOUNTS[:EVENTS]] (KEYS up to 100000, PROJECTS up to 10000, ACCOUNTS up to 10000, EVENTS up to 1000000) or orgs:ORGS:KEYS (ORGS up to 100, KEYS up to 10000)"
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
                match parts.next() {
                    Some("scale") => {}
                    Some("orgs") => {
                        let mut number = || parts.next().and_then(|n| n.parse::<usize>().ok());
                        let (orgs, keys) =
                            (number().ok_or_else(error)?, number().ok_or_else(error)?);
                        if parts.next().is_some() || !(1..=100).contains(&orgs) || keys > 10_000 {
                            return Err(error());
                        }
                        return Ok(Self::Orgs { orgs, keys });
                    }
                    _ => return Err(error()),
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
                let events: usize = match parts.next() {
                    Some(n) => n.parse().map_err(|_| error())?,
                    None => 0,
                };
                if parts.next().is_some()
                    || keys > 100_000
                    || projects > 10_000
                    || accounts > 10_000
                    || events > 1_000_000
                {
                    return Err(error());
                }
                Ok(Self::Scale {
                    keys,
                    projects,
                    accounts,
                    events,
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
                delegation: DelegationSettings::default(),
            },
        );
        id
    }

    fn delegate_mcp(&mut self, org_id: &str, policy: &str) {
        if let Some(org) = self.data.orgs.get_mut(org_id) {
            org.delegation.delegated_mcp_access = Some(policy.to_owned());
        }
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
        // Keys made over the last 90 days, their entries in the weeks after.
        let made_days_ago = 90 - (self.data.keys.len() as i64 % 12) * 4;
        for (index, text) in entries.iter().enumerate() {
            let created = Utc::now() - Duration::days(made_days_ago - index as i64 * 5);
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
            system_managed: false,
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
            system_managed: false,
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
            events,
        } => scale(keys, projects, accounts, events, apparent_ip),
        Seed::Orgs { orgs, keys } => many_orgs(orgs, keys, apparent_ip),
    }
}

/// `orgs` organizations of `keys` keys each, as the scale seed makes them.
fn many_orgs(orgs: usize, keys: usize, apparent_ip: Option<IpAddr>) -> Seeded {
    let mut b = Builder::new(43);
    let mut org_ids = Vec::new();
    for o in 1..=orgs {
        let org = b.org(&format!("Organization {o:03}"));
        let project_ids: Vec<String> = (1..=3)
            .map(|n| b.project(&org, &format!("project-{o:03}-{n}"), 30))
            .collect();
        scale_keys(&mut b, &org, &project_ids, keys);
        org_ids.push(org);
    }
    b.admin(&org_ids, apparent_ip)
}

fn demo(apparent_ip: Option<IpAddr>) -> Seeded {
    let mut b = Builder::new(2026);
    let corp = b.org("Acme Corp");
    let research = b.org("Acme Research");
    // MCP clients may act, read and write, for anyone in Acme Corp: the
    // delegated access the access lists do not cover.
    b.delegate_mcp(&corp, "READ_WRITE");
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
    // Made by Atlas for MCP integrations: listed only when asked for.
    for (name, used) in [
        ("MCP ingress (Atlas)", Some(1)),
        ("MCP egress (Atlas)", None),
    ] {
        let client_id = b.account(name, vec![org("ORG_MEMBER")], &[(45, 320 * 24)], &[], used);
        if let Some(account) = b.data.service_accounts.get_mut(&client_id) {
            account.system_managed = true;
        }
    }
    let mut seeded = b.admin(&[corp, research], apparent_ip);
    demo_history(&mut seeded.data, &seeded.admin_key_id);
    seeded
}

/// Where the seeded history says the admin worked from.
const HISTORY_ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));

fn admin_actor(data: &Data, admin_key_id: &str) -> Option<Actor> {
    data.keys.get(admin_key_id).map(|admin| Actor::Key {
        id: admin.id.clone(),
        public_key: admin.public_key.clone(),
    })
}

/// What the admin did to build the demo organizations, as events: each key
/// and account made, put in its projects and given its entries, then a few
/// later edits and a key made and deleted again.
fn demo_history(data: &mut Data, admin_key_id: &str) {
    let Some(actor) = admin_actor(data, admin_key_id) else {
        return;
    };
    let now = Utc::now();
    let mut events: Vec<Event> = Vec::new();
    let mut happened = |happening: Happening, at| {
        events.push(happening.by(actor.clone(), HISTORY_ADDRESS, at));
    };
    for key in data.keys.values().filter(|key| key.id != admin_key_id) {
        let Some(org_id) = key.org_ids().first().map(|id| (*id).to_owned()) else {
            continue;
        };
        let made = key
            .access_list
            .iter()
            .map(|entry| entry.created)
            .min()
            .unwrap_or(now - Duration::days(45))
            - Duration::hours(1);
        let target = Target::key(key);
        happened(
            Happening::new("API_KEY_CREATED", &org_id).on(target.clone()),
            made,
        );
        for project_id in projects_of(&key.roles) {
            happened(
                Happening::new("API_KEY_ADDED_TO_GROUP", &org_id)
                    .in_project(&project_id)
                    .on(target.clone()),
                made + Duration::minutes(10),
            );
        }
        for entry in &key.access_list {
            happened(
                Happening::new("API_KEY_ACCESS_LIST_ENTRY_ADDED", &org_id)
                    .on(target.clone())
                    .entry(entry),
                entry.created,
            );
        }
        if key.desc.starts_with("Terraform") {
            happened(
                Happening::new("API_KEY_DESCRIPTION_CHANGED", &org_id).on(target.clone()),
                now - Duration::days(30),
            );
        }
        if key.desc.starts_with("Grafana") {
            happened(
                Happening::new("API_KEY_ROLES_CHANGED", &org_id).on(target.clone()),
                now - Duration::days(12),
            );
        }
    }
    // Atlas makes the system-managed accounts; the admin's history has none.
    for account in data.service_accounts.values().filter(|a| !a.system_managed) {
        let Some(org_id) = account.org_ids().first().map(|id| (*id).to_owned()) else {
            continue;
        };
        let target = Target::account(account);
        happened(
            Happening::new("SERVICE_ACCOUNT_CREATED", &org_id).on(target.clone()),
            account.created,
        );
        for project_id in projects_of(&account.roles) {
            happened(
                Happening::new("SERVICE_ACCOUNT_ADDED_TO_GROUP", &org_id)
                    .in_project(&project_id)
                    .on(target.clone()),
                account.created + Duration::minutes(10),
            );
        }
        for secret in account.secrets.iter().skip(1) {
            happened(
                Happening::new("SERVICE_ACCOUNT_SECRET_ADDED", &org_id).on(target.clone()),
                secret.created,
            );
        }
        for entry in &account.access_list {
            happened(
                Happening::new("SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED", &org_id)
                    .on(target.clone())
                    .entry(entry),
                entry.created,
            );
        }
    }
    // A key made for a migration and deleted once it was done.
    if let Some(org_id) = data.orgs.values().find(|org| org.name == "Acme Corp") {
        let retired = Target::Key {
            public_key: "rtrdmgrt".to_owned(),
        };
        let org_id = org_id.id.clone();
        happened(
            Happening::new("API_KEY_CREATED", &org_id).on(retired.clone()),
            now - Duration::days(80),
        );
        happened(
            Happening::new("API_KEY_DELETED", &org_id).on(retired),
            now - Duration::days(20),
        );
    }
    events.sort_by_key(|event| event.created);
    data.events = events;
}

/// The projects a credential has a role in, each once.
fn projects_of(roles: &[Role]) -> Vec<String> {
    let mut projects: Vec<String> = Vec::new();
    for role in roles {
        if let Scope::Project(id) = &role.scope
            && !projects.contains(id)
        {
            projects.push(id.clone());
        }
    }
    projects
}

/// `count` edits by the admin to the organization's keys, spread evenly over
/// the last 90 days: entries added and deleted, roles and descriptions
/// changed.
fn scale_history(data: &mut Data, admin_key_id: &str, count: usize) {
    let Some(actor) = admin_actor(data, admin_key_id) else {
        return;
    };
    let targets: Vec<(String, Target)> = data
        .keys
        .values()
        .filter(|key| key.id != admin_key_id)
        .filter_map(|key| {
            let org_id = key.org_ids().first().map(|id| (*id).to_owned())?;
            Some((org_id, Target::key(key)))
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    const KINDS: [&str; 4] = [
        "API_KEY_ACCESS_LIST_ENTRY_ADDED",
        "API_KEY_ACCESS_LIST_ENTRY_DELETED",
        "API_KEY_ROLES_CHANGED",
        "API_KEY_DESCRIPTION_CHANGED",
    ];
    let now = Utc::now();
    let span = Duration::days(90).num_seconds();
    let step = span / count.max(1) as i64;
    data.events = (0..count)
        .map(|n| {
            let (org_id, target) = &targets[n % targets.len()];
            let kind = KINDS[n % KINDS.len()];
            let at = now - Duration::seconds(span - n as i64 * step);
            let mut happening = Happening::new(kind, org_id).on(target.clone());
            if kind.contains("ENTRY") {
                let ip =
                    std::net::Ipv4Addr::new(198, 18, (n / 250 % 256) as u8, (n % 250 + 1) as u8);
                let net = IpNet::from(IpAddr::V4(ip));
                happening = happening.entry(&AccessEntry::new(net, Some(IpAddr::V4(ip)), at));
            }
            happening.by(actor.clone(), HISTORY_ADDRESS, at)
        })
        .collect();
}

/// `keys` keys of `org`: Organization Member, up to three project roles, up
/// to five entries from 198.18.0.0/15, the range set aside for benchmarks.
fn scale_keys(b: &mut Builder, org: &str, project_ids: &[String], keys: usize) {
    for n in 1..=keys {
        let mut roles = vec![Role::org(org, "ORG_MEMBER")];
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
}

fn scale(
    keys: usize,
    projects: usize,
    accounts: usize,
    events: usize,
    apparent_ip: Option<IpAddr>,
) -> Seeded {
    let mut b = Builder::new(42);
    let org = b.org("Scale Test Organization");
    let project_ids: Vec<String> = (1..=projects)
        .map(|n| b.project(&org, &format!("project-{n:04}"), 30))
        .collect();
    scale_keys(&mut b, &org, &project_ids, keys);
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
    let mut seeded = b.admin(&[org], apparent_ip);
    scale_history(&mut seeded.data, &seeded.admin_key_id, events);
    seeded
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
                events: 0,
            })
        );
        assert_eq!(
            "scale:10:3:500".parse(),
            Ok(Seed::Scale {
                keys: 10,
                projects: 3,
                accounts: 500,
                events: 0,
            })
        );
        assert_eq!(
            "scale:10:3:0:20000".parse(),
            Ok(Seed::Scale {
                keys: 10,
                projects: 3,
                accounts: 0,
                events: 20_000,
            })
        );
        assert_eq!("orgs:5:400".parse(), Ok(Seed::Orgs { orgs: 5, keys: 400 }));
        for bad in [
            "orgs:0:1",
            "orgs:101:1",
            "orgs:5",
            "orgs:5:400:1",
            "orgs:5:10001",
            "",
            "scale",
            "scale:1",
            "scale:a:b",
            "scale:1:2:x",
            "scale:1:2:3:4:5",
            "scale:1:2:3:x",
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
    fn demo_has_about_90_days_of_history_by_the_admin() {
        let seeded = build(Seed::Demo, None);
        let events = &seeded.data.events;
        let now = Utc::now();
        assert!(events.len() > 50, "{} events", events.len());
        assert!(
            events
                .windows(2)
                .all(|pair| pair[0].created <= pair[1].created)
        );
        let past = |event: &Event| (now - event.created).num_days();
        let key_events: Vec<&Event> = events
            .iter()
            .filter(|event| event.kind.starts_with("API_KEY"))
            .collect();
        assert!(
            key_events
                .iter()
                .all(|event| (0..=91).contains(&past(event)))
        );
        assert!(key_events.iter().any(|event| past(event) >= 80));
        let admin = &seeded.data.keys[&seeded.admin_key_id];
        assert!(events.iter().all(|event| matches!(
            &event.actor,
            Actor::Key { public_key, .. } if *public_key == admin.public_key
        )));
        for kind in [
            "API_KEY_CREATED",
            "API_KEY_DELETED",
            "API_KEY_ADDED_TO_GROUP",
            "API_KEY_ACCESS_LIST_ENTRY_ADDED",
            "SERVICE_ACCOUNT_CREATED",
            "SERVICE_ACCOUNT_SECRET_ADDED",
        ] {
            assert!(events.iter().any(|event| event.kind == kind), "{kind}");
        }
    }

    #[test]
    fn scale_makes_the_asked_sizes_with_at_most_five_entries() {
        let seeded = build(
            Seed::Scale {
                keys: 300,
                projects: 40,
                accounts: 50,
                events: 1_000,
            },
            None,
        );
        assert_eq!(seeded.data.keys.len(), 301);
        assert_eq!(seeded.data.projects.len(), 40);
        assert_eq!(seeded.data.service_accounts.len(), 50);
        assert_eq!(seeded.data.events.len(), 1_000);
        assert!(
            seeded
                .data
                .events
                .windows(2)
                .all(|pair| pair[0].created <= pair[1].created)
        );
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
