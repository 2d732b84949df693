//! The app's log: to standard error, and its last lines kept in memory for
//! the diagnostics a user can copy (never written to a file).

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{LazyLock, Mutex};

use atlas_access_core::diagnostics::{LOG_LINES, blot_secrets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The last lines the log wrote, oldest first.
pub struct RecentLines(Mutex<VecDeque<String>>);

static RECENT: LazyLock<RecentLines> =
    LazyLock::new(|| RecentLines(Mutex::new(VecDeque::with_capacity(LOG_LINES))));

impl RecentLines {
    fn push(&self, text: &str) {
        let Ok(mut lines) = self.0.lock() else {
            return;
        };
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            if lines.len() == LOG_LINES {
                lines.pop_front();
            }
            lines.push_back(line.to_owned());
        }
    }
}

/// The last lines of the log, oldest first.
pub fn recent_lines() -> Vec<String> {
    RECENT
        .0
        .lock()
        .map(|lines| lines.iter().cloned().collect())
        .unwrap_or_default()
}

/// One log event's text, handed whole to where it goes once written.
pub struct EventWriter {
    bytes: Vec<u8>,
    deliver: fn(&str),
}

impl Write for EventWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        (self.deliver)(&String::from_utf8_lossy(&self.bytes));
    }
}

/// Makes a writer per event that hands the event's text to a function.
struct EventSink(fn(&str));

impl<'a> MakeWriter<'a> for EventSink {
    type Writer = EventWriter;
    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            bytes: Vec::new(),
            deliver: self.0,
        }
    }
}

fn keep_recent(text: &str) {
    RECENT.push(text);
}

/// Standard error, with anything shaped like a secret blotted out as the
/// diagnostics are: a terminal's scrollback or a captured log is a file too.
fn to_stderr(text: &str) {
    let _ = std::io::stderr().write_all(blot_secrets(text).as_bytes());
}

/// Logs at the level `AAM_LOG` says (`info` by default).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AAM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(EventSink(to_stderr)))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(EventSink(keep_recent)),
        )
        .try_init();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_the_last_lines_are_kept() {
        let recent = RecentLines(Mutex::new(VecDeque::new()));
        for n in 0..LOG_LINES + 5 {
            recent.push(&format!("line {n}\n"));
        }
        let lines = recent.0.lock().unwrap();
        assert_eq!(lines.len(), LOG_LINES);
        assert_eq!(lines.front().unwrap(), "line 5");
    }
}
