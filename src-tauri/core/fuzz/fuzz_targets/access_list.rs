//! `cargo +nightly fuzz run access_list`: the access-list parser on any input.
#![no_main]

use atlas_access_core::access::access_list::{check, parse_entry, request_for, requests};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let checked = check(text, &[]);
        let _ = requests(&checked);
        // Whatever parses must come back the same from its canonical form.
        if let Ok(net) = parse_entry(text) {
            let canonical = match request_for(net) {
                atlas_access_core::atlas::AccessListRequest::IpAddress(ip) => ip,
                atlas_access_core::atlas::AccessListRequest::CidrBlock(cidr) => cidr,
            };
            assert_eq!(parse_entry(&canonical).ok(), Some(net));
        }
    }
});
