//! Which base URLs the app talks to. Digest with qop=auth protects neither
//! bodies nor their integrity: over plain HTTP an observer reads a new key's
//! private key in the create answer and can change the roles or the entries a
//! request sends. So plain HTTP is allowed only to this computer itself.

use reqwest::Url;

/// A base URL the app may use, as a person typed it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Without a trailing slash.
    pub text: String,
    /// Plain HTTP to a loopback host (a local sandbox or server).
    pub is_local_http: bool,
}

/// Checks `text`: `https://` anywhere, `http://` only to 127.0.0.0/8, ::1 or
/// `localhost`. The error says what to change.
pub fn check(text: &str) -> Result<BaseUrl, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|_| {
        format!(
            "\"{trimmed}\" is not a URL: enter the base URL, such as https://cloud.mongodb.com."
        )
    })?;
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(format!(
            "\"{trimmed}\" has no host: enter the base URL, such as https://cloud.mongodb.com."
        ));
    }
    // Credentials in the URL would be sent beside the key's; a query or a
    // fragment would be carried into, or silently dropped from, every path.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "The base URL \"{trimmed}\" has a user name or password in it: remove it (the key signs every request)."
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "The base URL \"{trimmed}\" has a ? or # part: enter the address alone, such as https://cloud.mongodb.com."
        ));
    }
    match url.scheme() {
        "https" => Ok(BaseUrl {
            text: trimmed.to_owned(),
            is_local_http: false,
        }),
        "http" if is_loopback(&url) => Ok(BaseUrl {
            text: trimmed.to_owned(),
            is_local_http: true,
        }),
        "http" => Err(format!(
            "The base URL \"{trimmed}\" uses plain http://, which would let anyone on the way read new private keys and change requests. Use https:// (plain http:// is allowed only for this computer: 127.0.0.1, ::1 or localhost)."
        )),
        _ => Err(format!(
            "The base URL \"{trimmed}\" must start with https:// (for example https://cloud.mongodb.com)."
        )),
    }
}

/// Atlas's own hosts: commercial and Atlas for Government.
const ATLAS_HOSTS: [&str; 2] = ["cloud.mongodb.com", "cloud.mongodbgov.com"];

/// The host (with its port, if the URL names one) that must be approved
/// before a secret is sent there: `None` for Atlas's own hosts and this
/// computer, and for a text that is not a URL (refused elsewhere).
pub fn needs_approval(text: &str) -> Option<String> {
    let url = Url::parse(text.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    if is_loopback(&url) || ATLAS_HOSTS.contains(&host.as_str()) {
        return None;
    }
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_atlas_and_this_computer_need_no_approval() {
        for own in [
            "https://cloud.mongodb.com",
            "https://CLOUD.mongodb.com/",
            "https://cloud.mongodbgov.com",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
            "http://localhost:1234",
        ] {
            assert_eq!(needs_approval(own), None, "{own}");
        }
        assert_eq!(
            needs_approval("https://atlas.example.com"),
            Some("atlas.example.com".to_owned())
        );
        assert_eq!(
            needs_approval("https://cloud.mongodb.com.example.net:8443"),
            Some("cloud.mongodb.com.example.net:8443".to_owned())
        );
        // Atlas's own name, whatever the port: the secret goes to Atlas.
        assert_eq!(needs_approval("https://cloud.mongodb.com:8443"), None);
    }

    #[test]
    fn https_anywhere_and_http_only_to_this_computer() {
        for good in [
            "https://cloud.mongodb.com",
            "https://cloud.mongodb.com/",
            "https://opsmanager.example.com:8443",
            "http://127.0.0.1:8080",
            "http://127.3.2.1",
            "http://[::1]:9000",
            "http://localhost:1234/",
            "http://LOCALHOST",
        ] {
            assert!(check(good).is_ok(), "{good}");
        }
        assert!(check("http://127.0.0.1:8080").unwrap().is_local_http);
        assert!(!check("https://cloud.mongodb.com/").unwrap().is_local_http);
        assert_eq!(
            check("https://cloud.mongodb.com/").unwrap().text,
            "https://cloud.mongodb.com"
        );
        for bad in [
            "http://cloud.mongodb.com",
            "http://10.0.0.5",
            "http://192.168.1.10:8080",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "http://[::ffff:10.0.0.1]",
            "ftp://cloud.mongodb.com",
            "cloud.mongodb.com",
            "https://",
            "",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check("http://10.0.0.5").unwrap_err().contains("https://"));
    }

    #[test]
    fn user_names_queries_and_fragments_are_refused_with_what_to_remove() {
        for (bad, says) in [
            (
                "https://user:pass@cloud.mongodb.com",
                "user name or password",
            ),
            ("https://user@cloud.mongodb.com", "user name or password"),
            ("http://admin@127.0.0.1:8080", "user name or password"),
            ("https://cloud.mongodb.com/?envelope=true", "? or #"),
            ("https://cloud.mongodb.com?x", "? or #"),
            ("https://cloud.mongodb.com/#top", "? or #"),
            ("http://localhost:8080/#", "? or #"),
        ] {
            let error = check(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
