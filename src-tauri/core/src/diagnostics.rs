//! The report a user hands in with a problem: what runs where, the open
//! connection, and the last lines of the log, as text they can read before
//! sending it. The log holds no secret by design; whatever is shaped like
//! one is still blotted out here, so a mistake elsewhere cannot leak through
//! a report.

use std::sync::LazyLock;

use regex::Regex;

use crate::credentials::profiles::ConnectionKind;

/// How many of the log's last lines a report carries.
pub const LOG_LINES: usize = 200;

/// What stands in for anything shaped like a secret.
pub const BLOTTED: &str = "[secret removed]";

/// The open connection, as far as a report tells of it.
#[derive(Debug, Clone)]
pub struct ConnectionFacts {
    pub kind: ConnectionKind,
    pub base_url: String,
    /// The built-in sandbox, not Atlas.
    pub built_in: bool,
}

/// Everything a report tells.
#[derive(Debug, Clone)]
pub struct Facts {
    pub app_name: String,
    pub version: String,
    pub os: String,
    pub web_engine: String,
    pub connection: Option<ConnectionFacts>,
    /// The log's lines, oldest first; the report keeps the last [`LOG_LINES`].
    pub log: Vec<String>,
}

/// The report as text, secrets blotted out.
pub fn report(facts: &Facts) -> String {
    let connection = match &facts.connection {
        None => "none open".to_owned(),
        Some(open) => {
            let kind = match open.kind {
                ConnectionKind::ApiKey => "API key",
                ConnectionKind::ServiceAccount => "service account",
            };
            let place = if open.built_in {
                " (the built-in sandbox)"
            } else {
                ""
            };
            format!("{kind} at {}{place}", open.base_url)
        }
    };
    let skip = facts.log.len().saturating_sub(LOG_LINES);
    let log = &facts.log[skip..];
    let mut text = format!(
        "{} {}\nOS: {}\nWeb engine: {}\nConnection: {connection}\n\nLast {} log lines:\n",
        facts.app_name,
        facts.version,
        facts.os,
        facts.web_engine,
        log.len()
    );
    for line in log {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    blot_secrets(&text)
}

/// Private API keys (UUIDs, even glued to other letters), service-account
/// client secrets, OAuth access tokens (JWTs), whatever follows `Bearer` or
/// `Basic`, and the value of anything named a token, secret, password or
/// private key (an opaque token has no shape of its own).
static SECRET_SHAPES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        r"|mdb_sa_sk_[0-9a-z_]+",
        r"|\beyJ[0-9a-z_-]+\.[0-9a-z_-]+\.[0-9a-z_-]*",
        r"|\b(?:Bearer|Basic)\s+\S+",
        r#"|\b(?:access_token|refresh_token|token|client_secret|secret|password|private_?key)["']?\s*[:=]\s*["']?[^\s"'&,;}]+"#,
    ))
    .ok()
});

/// `text` with everything shaped like a secret replaced by [`BLOTTED`].
pub fn blot_secrets(text: &str) -> String {
    match SECRET_SHAPES.as_ref() {
        Some(shapes) => shapes.replace_all(text, BLOTTED).into_owned(),
        // Cannot happen (the pattern is fixed); if it did, give nothing away.
        None => BLOTTED.to_owned(),
    }
}

/// The operating system in words: its name and version, the kernel, the
/// processor.
pub fn os_description() -> String {
    let arch = std::env::consts::ARCH;
    #[cfg(target_os = "linux")]
    {
        let name = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|release| pretty_name(&release))
            .unwrap_or_else(|| "Linux".to_owned());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|kernel| format!(", kernel {}", kernel.trim()))
            .unwrap_or_default();
        format!("{name}{kernel}, {arch}")
    }
    // Windows's edition and build, macOS's version: what the system says of
    // itself, through the calls each provides (os_info).
    #[cfg(not(target_os = "linux"))]
    {
        let info = os_info::get();
        format!("{} {}, {arch}", info.os_type(), info.version())
    }
}

/// `PRETTY_NAME` of an os-release file.
#[cfg(target_os = "linux")]
fn pretty_name(release: &str) -> Option<String> {
    release.lines().find_map(|line| {
        let value = line.strip_prefix("PRETTY_NAME=")?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn facts(log: Vec<String>) -> Facts {
        Facts {
            app_name: "Atlas Access Manager".into(),
            version: "1.2.3".into(),
            os: "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64".into(),
            web_engine: "WebKitGTK 2.48.1".into(),
            connection: Some(ConnectionFacts {
                kind: ConnectionKind::ServiceAccount,
                base_url: "https://cloud.mongodb.com".into(),
                built_in: false,
            }),
            log,
        }
    }

    #[test]
    fn a_report_tells_what_runs_where_and_the_last_200_lines() {
        let log = (1..=250).map(|n| format!("line {n}\n")).collect();
        let text = report(&facts(log));
        assert!(text.starts_with("Atlas Access Manager 1.2.3\n"), "{text}");
        assert!(text.contains("OS: Debian GNU/Linux 12 (bookworm)"));
        assert!(text.contains("Web engine: WebKitGTK 2.48.1"));
        assert!(text.contains("Connection: service account at https://cloud.mongodb.com\n"));
        assert!(text.contains("Last 200 log lines:\nline 51\n"));
        assert!(!text.contains("line 50\n"));
        assert!(text.ends_with("line 250\n"));

        let mut none = facts(vec![]);
        none.connection = None;
        assert!(report(&none).contains("Connection: none open\n"));
    }

    #[test]
    fn anything_shaped_like_a_secret_is_blotted_out() {
        let secrets = [
            "f5d7a2c1-3b4e-4f60-9a8b-0c1d2e3f4a5b",
            "F5D7A2C1-3B4E-4F60-9A8B-0C1D2E3F4A5B",
            "mdb_sa_sk_0123456789abcdef0123456789abcdef",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZGJfc2FfaWQifQ.c2lnbmF0dXJl",
        ];
        let log = secrets
            .iter()
            .map(|secret| format!("INFO something said {secret} by mistake"))
            .chain([
                "DEBUG authorization: Bearer abc.def".to_owned(),
                "DEBUG authorization: Basic bWRiX3NhX2lkOnNlY3JldA==".to_owned(),
                "DEBUG body: token=opaque0123456789&token_type_hint=access_token".to_owned(),
                r#"DEBUG answer: {"access_token":"opaqueABCDEF","expires_in":3600}"#.to_owned(),
                "WARN keyf5d7a2c1-3b4e-4f60-9a8b-0c1d2e3f4a5bx glued".to_owned(),
            ])
            .collect();
        let text = report(&facts(log));
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for opaque in [
            "abc.def",
            "bWRiX3NhX2lkOnNlY3JldA==",
            "opaque0123456789",
            "opaqueABCDEF",
        ] {
            assert!(!text.contains(opaque), "{opaque} in {text}");
        }
        assert!(text.contains("token_type_hint=access_token"), "{text}");
        assert!(text.contains("expires_in"), "{text}");
        assert_eq!(text.matches(BLOTTED).count(), 9, "{text}");
        // What is not a secret stays: ids, public keys, addresses, times.
        let plain =
            "key 6a0a1e7e0f2912c554080adc (jqqzfxhr) from 203.0.113.7 at 2026-12-02T03:04:05Z";
        assert_eq!(blot_secrets(plain), plain);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_os_is_named_from_os_release() {
        let release = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(
            pretty_name(release).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert!(os_description().contains(std::env::consts::ARCH));
    }

    #[test]
    #[cfg(windows)]
    fn windows_is_named_with_its_version() {
        let description = os_description();
        assert!(description.starts_with("Windows "), "{description}");
        assert!(
            description.ends_with(std::env::consts::ARCH),
            "{description}"
        );
    }
}
