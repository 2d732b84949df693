//! What the app answers on the command line before any window opens.

/// What to print, and the exit status, when the arguments ask for no window;
/// None when the app should start.
pub fn answer(name: &str, version: &str, args: &[String]) -> Option<(String, i32)> {
    let first = args.first()?;
    Some(match first.as_str() {
        "--version" | "-V" => (format!("{name} {version}"), 0),
        "--help" | "-h" => (usage(name, version), 0),
        other => (
            format!("unknown option {other:?}\n\n{}", usage(name, version)),
            2,
        ),
    })
}

fn usage(name: &str, version: &str) -> String {
    format!(
        "{name} {version}\n\
         Manage the API keys, service accounts and access lists of MongoDB Atlas organizations.\n\n\
         Usage: atlas-access-manager [--version | --help]\n\n\
         Started again while open, it shows the open window.\n\
         Environment: AAM_LOG sets the log level (error, warn, info, debug)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn version_help_and_unknown_options() {
        assert_eq!(answer("App", "1.2.3", &[]), None);
        assert_eq!(
            answer("App", "1.2.3", &args(&["--version"])),
            Some(("App 1.2.3".to_owned(), 0))
        );
        assert_eq!(
            answer("App", "1.2.3", &args(&["-V"])),
            Some(("App 1.2.3".to_owned(), 0))
        );
        let (help, status) = answer("App", "1.2.3", &args(&["--help"])).unwrap_or_default();
        assert!(help.contains("Usage: atlas-access-manager"), "{help}");
        assert_eq!(status, 0);
        let (error, status) = answer("App", "1.2.3", &args(&["--frobnicate"])).unwrap_or_default();
        assert!(
            error.starts_with("unknown option \"--frobnicate\""),
            "{error}"
        );
        assert_eq!(status, 2);
    }
}
