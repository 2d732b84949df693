//! Access-list entries checked before anything is sent: one entry or a
//! pasted list, each token with its result, the request in canonical form,
//! and whether a list lets an address in.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;
use ts_rs::TS;

use crate::atlas::{AccessListEntry, AccessListRequest};

/// Why a token is not an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum EntryError {
    NotAnAddress,
    PrefixOutOfRange {
        max: u8,
    },
    /// `192.0.2.1/24`: the block is `network`.
    HostBitsSet {
        network: String,
    },
    /// The same entry was pasted before, at `position`.
    Repeated {
        position: usize,
    },
    /// The paste goes on past [`MAX_PASTED_ENTRIES`]; the rest is not read.
    TooMany {
        limit: usize,
    },
}

/// The most entries one paste is checked for: far more than a key's access
/// list holds, and it keeps the overlap checks (each entry against those
/// before it) well under a frame.
pub const MAX_PASTED_ENTRIES: usize = 1_000;

/// Something to know before adding an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum EntryWarning {
    /// `0.0.0.0/0` or `::/0`.
    WholeInternet,
    /// Wider than /8 (IPv4) or /32 (IPv6).
    VeryWide {
        prefix: u8,
    },
    /// Atlas sees the public address, so this never matches.
    NeverMatches {
        range: String,
    },
    AlreadyOnList,
    /// A wider entry on the list already lets all of it in.
    CoveredBy {
        entry: String,
    },
    /// It overlaps the entry pasted at `position`.
    OverlapsPasted {
        position: usize,
        entry: String,
    },
}

impl EntryError {
    pub fn message(&self, input: &str) -> String {
        match self {
            Self::NotAnAddress => {
                format!("\"{input}\" is not an IP address or a CIDR block such as 203.0.113.0/24.")
            }
            Self::PrefixOutOfRange { max } => {
                format!("The prefix of \"{input}\" must be from 0 to {max}.")
            }
            Self::HostBitsSet { network } => {
                format!(
                    "\"{input}\" has host bits set; the block it names is {network}. Use {network}?"
                )
            }
            Self::Repeated { position } => {
                format!("\"{input}\" was already pasted (entry {position}).")
            }
            Self::TooMany { limit } => format!(
                "Only the first {limit} entries of a paste are read; \"{input}\" and what follows were not. Add the rest in another paste."
            ),
        }
    }
}

impl EntryWarning {
    pub fn message(&self) -> String {
        match self {
            Self::WholeInternet => "This opens the key to the whole internet.".to_owned(),
            Self::VeryWide { prefix } => {
                format!("A /{prefix} is a very wide range; is that intended?")
            }
            Self::NeverMatches { range } => format!(
                "This is in {range}, which never matches: Atlas sees the public address requests come from."
            ),
            Self::AlreadyOnList => "Already on the access list.".to_owned(),
            Self::CoveredBy { entry } => format!("{entry} on the list already lets this in."),
            Self::OverlapsPasted { position, entry } => {
                format!("Overlaps {entry} (entry {position}).")
            }
        }
    }
}

/// One token of what was typed or pasted, and what to do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckedEntry {
    /// 1-based position among the tokens.
    pub position: usize,
    pub input: String,
    /// What would be sent; `None` for an error.
    #[ts(optional)]
    pub request: Option<AccessListRequest>,
    #[ts(optional)]
    pub error: Option<EntryError>,
    pub warnings: Vec<EntryWarning>,
    /// The error or the warnings in words.
    pub messages: Vec<String>,
}

/// Parses one address or block.
pub fn parse_entry(text: &str) -> Result<IpNet, EntryError> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(IpNet::from(ip));
    }
    let (address, prefix) = text.split_once('/').ok_or(EntryError::NotAnAddress)?;
    let address: IpAddr = address.parse().map_err(|_| EntryError::NotAnAddress)?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = match prefix.parse::<u16>() {
        Ok(prefix) if prefix <= u16::from(max) => prefix as u8,
        Ok(_) => return Err(EntryError::PrefixOutOfRange { max }),
        Err(_) if !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(EntryError::PrefixOutOfRange { max });
        }
        Err(_) => return Err(EntryError::NotAnAddress),
    };
    let net = IpNet::new(address, prefix).map_err(|_| EntryError::PrefixOutOfRange { max })?;
    if net.trunc() != net {
        return Err(EntryError::HostBitsSet {
            network: net.trunc().to_string(),
        });
    }
    Ok(net)
}

/// The request form: one address as `ipAddress`, a range as `cidrBlock`,
/// in canonical text (IPv6 compressed and lowercase).
pub fn request_for(net: IpNet) -> AccessListRequest {
    if net.prefix_len() == net.max_prefix_len() {
        AccessListRequest::IpAddress(net.addr().to_string())
    } else {
        AccessListRequest::CidrBlock(net.to_string())
    }
}

/// The network an existing entry covers.
pub fn entry_net(entry: &AccessListEntry) -> Option<IpNet> {
    entry
        .cidr_block
        .as_deref()
        .or(entry.ip_address.as_deref())
        .and_then(|text| {
            parse_entry(text)
                .ok()
                .or_else(|| text.parse::<IpNet>().ok().map(|net| net.trunc()))
        })
}

/// Does this list let `ip` in? (An empty list lets every address in,
/// unless the organization requires a list; that is the caller's to check.)
pub fn allows(entries: &[AccessListEntry], ip: IpAddr) -> bool {
    entries.is_empty()
        || entries
            .iter()
            .filter_map(entry_net)
            .any(|net| net.contains(&ip))
}

/// Ranges that never match because Atlas sees a public address.
fn never_matching_range(net: &IpNet) -> Option<&'static str> {
    const RANGES: &[(&str, &str)] = &[
        ("10.0.0.0/8", "a private range (10.0.0.0/8)"),
        ("172.16.0.0/12", "a private range (172.16.0.0/12)"),
        ("192.168.0.0/16", "a private range (192.168.0.0/16)"),
        (
            "100.64.0.0/10",
            "the carrier-grade NAT range (100.64.0.0/10)",
        ),
        ("127.0.0.0/8", "the loopback range (127.0.0.0/8)"),
        ("169.254.0.0/16", "the link-local range (169.254.0.0/16)"),
        ("::1/128", "the loopback address (::1)"),
        ("fc00::/7", "the unique-local range (fc00::/7)"),
        ("fe80::/10", "the link-local range (fe80::/10)"),
    ];
    RANGES.iter().find_map(|(range, name)| {
        let range: IpNet = range.parse().ok()?;
        range.contains(net).then_some(*name)
    })
}

/// Splits what was typed or pasted: newlines, commas, semicolons, spaces.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|token| !token.is_empty())
}

/// Checks every token of `text` against itself and the key's `existing` list.
pub fn check(text: &str, existing: &[AccessListEntry]) -> Vec<CheckedEntry> {
    let existing: Vec<(IpNet, String)> = existing
        .iter()
        .filter_map(|entry| entry_net(entry).map(|net| (net, net.to_string())))
        .collect();
    let mut accepted: Vec<(usize, IpNet)> = Vec::new();
    let mut results = Vec::new();
    for (index, input) in tokens(text).enumerate() {
        let position = index + 1;
        if index == MAX_PASTED_ENTRIES {
            let error = EntryError::TooMany {
                limit: MAX_PASTED_ENTRIES,
            };
            results.push(CheckedEntry {
                position,
                input: input.to_owned(),
                request: None,
                messages: vec![error.message(input)],
                error: Some(error),
                warnings: Vec::new(),
            });
            break;
        }
        let parsed = parse_entry(input).and_then(|net| {
            match accepted.iter().find(|(_, seen)| *seen == net) {
                Some((earlier, _)) => Err(EntryError::Repeated { position: *earlier }),
                None => Ok(net),
            }
        });
        let result = match parsed {
            Err(error) => CheckedEntry {
                position,
                input: input.to_owned(),
                request: None,
                messages: vec![error.message(input)],
                error: Some(error),
                warnings: Vec::new(),
            },
            Ok(net) => {
                let warnings = warnings_for(net, &existing, &accepted);
                accepted.push((position, net));
                CheckedEntry {
                    position,
                    input: input.to_owned(),
                    request: Some(request_for(net)),
                    error: None,
                    messages: warnings.iter().map(EntryWarning::message).collect(),
                    warnings,
                }
            }
        };
        results.push(result);
    }
    results
}

fn warnings_for(
    net: IpNet,
    existing: &[(IpNet, String)],
    pasted: &[(usize, IpNet)],
) -> Vec<EntryWarning> {
    let mut warnings = Vec::new();
    let wide_limit = if net.addr().is_ipv4() { 8 } else { 32 };
    if net.prefix_len() == 0 {
        warnings.push(EntryWarning::WholeInternet);
    } else if net.prefix_len() < wide_limit {
        warnings.push(EntryWarning::VeryWide {
            prefix: net.prefix_len(),
        });
    }
    if let Some(range) = never_matching_range(&net) {
        warnings.push(EntryWarning::NeverMatches {
            range: range.to_owned(),
        });
    }
    if existing.iter().any(|(on_list, _)| *on_list == net) {
        warnings.push(EntryWarning::AlreadyOnList);
    } else if let Some((_, text)) = existing.iter().find(|(on_list, _)| on_list.contains(&net)) {
        warnings.push(EntryWarning::CoveredBy {
            entry: text.clone(),
        });
    }
    if let Some((position, other)) = pasted
        .iter()
        .find(|(_, other)| other.contains(&net) || net.contains(other))
    {
        warnings.push(EntryWarning::OverlapsPasted {
            position: *position,
            entry: other.to_string(),
        });
    }
    warnings
}

/// The requests worth sending: valid entries not already on the list.
pub fn requests(checked: &[CheckedEntry]) -> Vec<AccessListRequest> {
    checked
        .iter()
        .filter(|entry| !entry.warnings.contains(&EntryWarning::AlreadyOnList))
        .filter_map(|entry| entry.request.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A checked entry's input, request, error and warnings.
    type Row<'a> = (
        &'a str,
        Option<&'a AccessListRequest>,
        Option<&'a EntryError>,
        &'a [EntryWarning],
    );

    fn on_list(cidr: &str) -> AccessListEntry {
        AccessListEntry::new(Some(cidr.to_owned()), None)
    }

    #[test]
    fn a_pasted_list_gets_a_result_per_token() {
        let existing = [on_list("198.51.100.0/24"), on_list("203.0.113.5/32")];
        let pasted = "203.0.113.10\n2001:DB8:0:0::1, 192.0.2.1/24; 10.1.2.3\n0.0.0.0/0 nonsense 198.51.100.7 203.0.113.5 203.0.113.10 16.0.0.0/4 192.0.2.0/33";
        let checked = check(pasted, &existing);
        let summary: Vec<Row<'_>> = checked
            .iter()
            .map(|c| {
                (
                    c.input.as_str(),
                    c.request.as_ref(),
                    c.error.as_ref(),
                    c.warnings.as_slice(),
                )
            })
            .collect();
        assert_eq!(summary.len(), 11);
        assert_eq!(
            summary[0].1,
            Some(&AccessListRequest::IpAddress("203.0.113.10".into()))
        );
        assert_eq!(
            summary[1].1,
            Some(&AccessListRequest::IpAddress("2001:db8::1".into())),
            "canonical IPv6"
        );
        assert_eq!(
            summary[2].2,
            Some(&EntryError::HostBitsSet {
                network: "192.0.2.0/24".into()
            })
        );
        assert!(matches!(summary[3].3, [EntryWarning::NeverMatches { .. }]));
        assert_eq!(
            summary[4].1,
            Some(&AccessListRequest::CidrBlock("0.0.0.0/0".into()))
        );
        assert!(summary[4].3.contains(&EntryWarning::WholeInternet));
        assert_eq!(summary[5].2, Some(&EntryError::NotAnAddress));
        assert_eq!(
            summary[6].3[0],
            EntryWarning::CoveredBy {
                entry: "198.51.100.0/24".into()
            }
        );
        assert_eq!(summary[7].3[0], EntryWarning::AlreadyOnList);
        assert_eq!(summary[8].2, Some(&EntryError::Repeated { position: 1 }));
        assert!(summary[9].3.contains(&EntryWarning::VeryWide { prefix: 4 }));
        assert_eq!(
            summary[10].2,
            Some(&EntryError::PrefixOutOfRange { max: 32 })
        );
        // 0.0.0.0/0 (entry 5) overlaps everything pasted after it.
        assert!(summary[6].3.iter().any(|w| matches!(
            w,
            EntryWarning::OverlapsPasted { position: 1, .. }
                | EntryWarning::OverlapsPasted { position: 5, .. }
        )));
        let to_send = requests(&checked);
        assert_eq!(
            to_send.len(),
            6,
            "valid and not already listed: {to_send:?}"
        );
        assert!(
            checked
                .iter()
                .all(|c| !c.messages.is_empty() || (c.error.is_none() && c.warnings.is_empty()))
        );
    }

    #[test]
    fn a_huge_paste_is_read_up_to_the_limit_and_says_so() {
        // 50,000 distinct addresses: without the limit, each would be
        // compared with every one before it.
        let text: String = (0..50_000u32)
            .map(|n| format!("10.{}.{}.{}\n", n >> 16, (n >> 8) & 255, n & 255))
            .collect();
        let checked = check(&text, &[]);
        assert_eq!(checked.len(), MAX_PASTED_ENTRIES + 1);
        assert!(
            checked[..MAX_PASTED_ENTRIES]
                .iter()
                .all(|e| e.error.is_none())
        );
        let last = &checked[MAX_PASTED_ENTRIES];
        assert_eq!(
            last.error,
            Some(EntryError::TooMany {
                limit: MAX_PASTED_ENTRIES
            })
        );
        assert!(
            last.messages[0].contains("first 1000 entries"),
            "{:?}",
            last.messages
        );
    }

    #[test]
    fn allows_is_membership_in_any_entry() {
        let list = [on_list("203.0.113.0/24"), on_list("2001:db8::/32")];
        assert!(allows(&list, "203.0.113.77".parse().unwrap()));
        assert!(allows(&list, "2001:db8::9".parse().unwrap()));
        assert!(!allows(&list, "198.51.100.1".parse().unwrap()));
        assert!(
            allows(&[], "198.51.100.1".parse().unwrap()),
            "no list: no restriction"
        );
    }

    fn any_net() -> impl Strategy<Value = IpNet> {
        prop_oneof![
            (any::<[u8; 4]>(), 0u8..=32).prop_map(|(octets, prefix)| IpNet::new(
                IpAddr::from(octets),
                prefix
            )
            .unwrap()
            .trunc()),
            (any::<[u16; 8]>(), 0u8..=128).prop_map(|(segments, prefix)| IpNet::new(
                IpAddr::from(segments),
                prefix
            )
            .unwrap()
            .trunc()),
        ]
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\\\PC*") {
            let _ = check(&text, &[]);
        }

        #[test]
        fn never_panics_on_address_like_text(text in "[0-9a-fA-F:./, \\n]{0,60}") {
            let _ = check(&text, &[on_list("10.0.0.0/8")]);
        }

        #[test]
        fn canonical_form_round_trips(net in any_net()) {
            let request = request_for(net);
            let text = match &request {
                AccessListRequest::IpAddress(ip) => ip.clone(),
                AccessListRequest::CidrBlock(cidr) => cidr.clone(),
            };
            let reparsed = parse_entry(&text).unwrap();
            prop_assert_eq!(reparsed, net);
            prop_assert_eq!(request_for(reparsed), request);
        }

        #[test]
        fn allow_decision_agrees_with_ipnet(nets in proptest::collection::vec(any_net(), 1..5), octets in any::<[u8; 4]>(), segments in any::<[u16; 8]>()) {
            let list: Vec<AccessListEntry> = nets.iter().map(|net| on_list(&net.to_string())).collect();
            for ip in [IpAddr::from(octets), IpAddr::from(segments)] {
                prop_assert_eq!(allows(&list, ip), nets.iter().any(|net| net.contains(&ip)));
            }
        }
    }
}
