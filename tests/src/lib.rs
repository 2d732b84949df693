//! The end-to-end harness: starts `tauri-driver` on a free port, opens a
//! WebDriver session on the built app, finds things by `data-testid`, saves
//! screenshots under `target/e2e-screenshots/`, and always shuts the driver
//! and the app down, even when a test fails.
//!
//! The app must be built the way users get it first (`make app`, which runs
//! `tauri build --debug --no-bundle`); a plain `cargo build` binary would load
//! the dev server URL and show a blank window.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// How long a screen may take to show what a test waits for.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the app may take to open a WebDriver session.
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
/// The bound on one test's whole conversation with the app.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(240);
/// How long the app keeps a copied private key on the clipboard in tests.
pub const CLIPBOARD_CLEAR_SECS: u64 = 3;
/// The file (in the run's data home) that collects the app's output.
const APP_LOG: &str = "app.log";

#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("the app binary {0} does not exist: run `make app` first")]
    AppNotBuilt(PathBuf),
    #[error("tauri-driver was not found on PATH or in ~/.cargo/bin: run `make deps`")]
    DriverNotInstalled,
    #[error("could not start tauri-driver: {0}")]
    DriverSpawn(std::io::Error),
    #[error("tauri-driver did not listen on port {0} within {DRIVER_START_TIMEOUT:?}")]
    DriverNotReady(u16),
    #[error("could not find a free local port: {0}")]
    NoFreePort(std::io::Error),
    #[error("the step {0:?} did not finish within its time limit")]
    TimedOut(String),
    #[error("WebDriver session could not start: {0}")]
    NewSession(#[from] fantoccini::error::NewSessionError),
    #[error("WebDriver command failed: {0}")]
    WebDriver(#[from] fantoccini::error::CmdError),
    #[error("could not write a screenshot: {0}")]
    Screenshot(std::io::Error),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("a private key created in this run was found in {0}")]
    SecretLeaked(PathBuf),
    #[error("the app's log holds something shaped like an OAuth token: {0}…")]
    TokenLogged(String),
    #[error("{0}")]
    Check(String),
}

pub type Result<T> = std::result::Result<T, HarnessError>;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The binary `tauri build --debug --no-bundle` produces, unless
/// `AAM_APP_BINARY` names another (the benchmarks use the release build).
pub fn app_binary() -> PathBuf {
    std::env::var_os("AAM_APP_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("atlas-access-manager"))
}

/// Where screenshots are kept for people to look at after a run.
pub fn screenshots_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

fn tauri_driver() -> Result<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tauri-driver"))
            .find(|candidate| candidate.is_file())
    });
    // Where `cargo install` put it (make deps), when that is not on PATH.
    let from_cargo = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|cargo_home| cargo_home.join("bin/tauri-driver"))
        .filter(|candidate| candidate.is_file());
    from_path
        .or(from_cargo)
        .ok_or(HarnessError::DriverNotInstalled)
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .map_err(HarnessError::NoFreePort)?;
    let port = listener
        .local_addr()
        .map_err(HarnessError::NoFreePort)?
        .port();
    Ok(port)
}

/// The processes of process group `group`, but for those named in `except`.
pub fn processes_in_group(group: u32, except: &[&str]) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // comm may hold spaces: the fields after its closing parenthesis.
            let Some((comm, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let in_group = fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(group);
            let excepted = except
                .iter()
                .any(|name| comm.ends_with(&format!("({name}")));
            in_group && !excepted
        })
        .collect()
}

/// What the app runs with besides the session's own environment: its own
/// config, data and cache homes under `data_home`, and the test's `extra`.
fn app_environment(data_home: &Path, extra: &[(&str, &str)]) -> Vec<(String, std::ffi::OsString)> {
    let mut environment: Vec<(String, std::ffi::OsString)> = vec![
        // Xvfb has no accessibility bus for WebKitGTK to talk to.
        ("NO_AT_BRIDGE".into(), "1".into()),
        // The app's config and data go to a directory of this run only.
        ("XDG_CONFIG_HOME".into(), data_home.join("config").into()),
        ("XDG_DATA_HOME".into(), data_home.join("data").into()),
        ("XDG_CACHE_HOME".into(), data_home.join("cache").into()),
        // Every log line the app can write, for the secrets check.
        ("AAM_LOG".into(), "debug".into()),
        // The one-time dialog clears the clipboard after 3 s, not 60.
        (
            "AAM_CLIPBOARD_CLEAR_SECS".into(),
            CLIPBOARD_CLEAR_SECS.to_string().into(),
        ),
    ];
    environment.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).into())),
    );
    environment
}

/// `tauri-driver` and everything it starts (WebKitWebDriver, the app) live in
/// one process group, so dropping this ends them all.
struct DriverProcess {
    child: Child,
}

impl DriverProcess {
    fn start(port: u16, native_port: u16, data_home: &Path, env: &[(&str, &str)]) -> Result<Self> {
        // Everything the driver and the app print goes to one log, which the
        // secrets check reads after the run.
        // Appended to: a run started again in the same home keeps the first's lines.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_home.join(APP_LOG))
            .map_err(HarnessError::DriverSpawn)?;
        let log_err = log.try_clone().map_err(HarnessError::DriverSpawn)?;
        let child = Command::new(tauri_driver()?)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .envs(app_environment(data_home, env))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(HarnessError::DriverSpawn)?;
        let driver = Self { child };
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        let address = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
        while TcpStream::connect_timeout(&address.into(), Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(HarnessError::DriverNotReady(port));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        end_process_group(&mut self.child);
    }
}

/// Ends `leader` and every process of its group (it was spawned as a group
/// leader): TERM, up to 5 s to go, then KILL.
pub fn end_process_group(leader: &mut Child) {
    let group = Pid::from_raw(leader.id() as i32);
    let _ = killpg(group, Signal::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = leader.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = killpg(group, Signal::SIGKILL);
    let _ = leader.wait();
}

/// One app on the display at a time: screenshots show the whole display, and
/// two WebKit processes at once are too much for a 2-core machine anyway.
static DISPLAY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The running app, driven through WebDriver.
pub struct App {
    client: Client,
    _display: tokio::sync::MutexGuard<'static, ()>,
    // Dropped after `client`: the driver outlives the session.
    _driver: DriverProcess,
    data_home: tempfile::TempDir,
    /// Private keys the run created, looked for in every file afterwards.
    secrets: std::sync::Mutex<Vec<String>>,
    started: Instant,
    /// The app quit by itself (its window was closed), so the WebDriver
    /// session has nothing left to close.
    quit: std::sync::atomic::AtomicBool,
}

impl App {
    /// Starts the built app in a fresh WebDriver session, once the display is free.
    pub async fn launch() -> Result<Self> {
        Self::launch_with_env(&[]).await
    }

    /// Like [`App::launch`], with extra environment for the app (such as
    /// `AAM_SANDBOX_SEED`).
    pub async fn launch_with_env(env: &[(&str, &str)]) -> Result<Self> {
        let data_home = tempfile::tempdir().map_err(HarnessError::DriverSpawn)?;
        Self::launch_in(data_home, env).await
    }

    /// Like [`App::launch_with_env`], with the config, data and cache homes
    /// of an earlier run (see [`App::run_keeping_home`]): the app starts
    /// again as a user starts it the next day.
    pub async fn launch_in(data_home: tempfile::TempDir, env: &[(&str, &str)]) -> Result<Self> {
        let display = DISPLAY.lock().await;
        let binary = app_binary();
        if !binary.is_file() {
            return Err(HarnessError::AppNotBuilt(binary));
        }
        let env: Vec<(&str, &str)> = env.to_vec();
        let env = env.as_slice();
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = DriverProcess::start(port, native_port, data_home.path(), env)?;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".to_owned(),
            serde_json::json!({ "application": binary }),
        );
        let driver_url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::rustls()
            .map_err(|error| HarnessError::DriverSpawn(std::io::Error::other(error)))?;
        builder.capabilities(capabilities);
        // The app starts when the session is asked for.
        let started = Instant::now();
        let connect = builder.connect(&driver_url);
        let client = tokio::time::timeout(SESSION_TIMEOUT, connect)
            .await
            .map_err(|_| HarnessError::TimedOut("open a WebDriver session".to_owned()))??;
        Ok(Self {
            client,
            _display: display,
            _driver: driver,
            data_home,
            secrets: std::sync::Mutex::new(Vec::new()),
            started,
            quit: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Ends the WebDriver session (the app quits), then the driver.
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }

    /// Fails if the page's text shows a private key this test saw.
    async fn check_no_secret_on_page(&self) -> Result<()> {
        let secrets = self.secrets.lock().map(|s| s.clone()).unwrap_or_default();
        if secrets.is_empty() {
            return Ok(());
        }
        let text = tokio::time::timeout(
            UI_TIMEOUT,
            self.client.execute(
                "return document.body.innerText + document.body.innerHTML;",
                vec![],
            ),
        )
        .await
        .map_err(|_| HarnessError::TimedOut("read the page".to_owned()))??;
        let text = text.as_str().unwrap_or_default();
        match secrets.iter().find(|secret| text.contains(secret.as_str())) {
            Some(_) => Err(HarnessError::Check(
                "a private key is still on the page after its dialog closed".to_owned(),
            )),
            None => Ok(()),
        }
    }

    /// Quits the app as the desktop does when the session ends: SIGTERM to
    /// the app's own process, which it takes as a request to quit. Waits
    /// until its processes are gone.
    pub async fn quit_as_the_session_ends(&self) -> Result<()> {
        let app = self
            .app_processes()
            .into_iter()
            .find(|pid| {
                std::fs::read_link(format!("/proc/{pid}/exe"))
                    .is_ok_and(|exe| exe.file_name() == app_binary().file_name())
            })
            .ok_or_else(|| HarnessError::Check("the app's process is not running".to_owned()))?;
        self.quit.store(true, std::sync::atomic::Ordering::SeqCst);
        nix::sys::signal::kill(Pid::from_raw(app as i32), Signal::SIGTERM)
            .map_err(|error| HarnessError::Check(format!("SIGTERM: {error}")))?;
        wait_until("the app to quit", || async {
            Ok(self.app_processes().is_empty())
        })
        .await
    }

    /// Selects the element's text with the mouse as a person would: a
    /// triple click, which selects a whole line.
    pub async fn triple_click(&self, test_id: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let element = self.find(test_id).await?;
        let mut mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        for _ in 0..3 {
            mouse = mouse
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
        }
        self.client.perform_actions(mouse).await?;
        Ok(())
    }

    /// When the app was asked to start (the WebDriver session request).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The app's own processes (the app and the WebKit processes it starts),
    /// without the driver's: those sharing the driver's process group.
    pub fn app_processes(&self) -> Vec<u32> {
        processes_in_group(
            self._driver.child.id(),
            &["tauri-driver", "WebKitWebDriver"],
        )
    }

    /// The directory that stands in for the user's config, data and cache homes.
    pub fn data_home(&self) -> &Path {
        self.data_home.path()
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Waits for the element with this `data-testid` and returns it.
    pub async fn find(&self, test_id: &str) -> Result<Element> {
        self.find_css(&format!("[data-testid='{test_id}']")).await
    }

    /// Clicks the element with this `data-testid` once it stays where it is
    /// (a person aims at a button that has stopped moving; a click at where
    /// it was a moment ago lands on whatever took its place). If something
    /// lies over it (a toast) or it is out of its scrolled box, it is
    /// scrolled to the middle first, as a person would; if React replaced
    /// it meanwhile, it is found again.
    pub async fn click(&self, test_id: &str) -> Result<()> {
        retry_stale(|| async {
            let element = self.find(test_id).await?;
            let arg =
                serde_json::to_value(&element).map_err(|e| HarnessError::Check(e.to_string()))?;
            self.wait_still(arg.clone()).await?;
            self.wait_enabled(arg.clone(), test_id).await?;
            match element.click().await {
                Err(fantoccini::error::CmdError::Standard(error))
                    if matches!(
                        error.error,
                        fantoccini::error::ErrorStatus::ElementClickIntercepted
                            | fantoccini::error::ErrorStatus::ElementNotInteractable
                    ) =>
                {
                    self.client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center'});",
                            vec![arg.clone()],
                        )
                        .await?;
                    self.wait_still(arg).await?;
                    element.click().await?;
                    Ok(())
                }
                other => Ok(other?),
            }
        })
        .await
    }

    /// Waits until the element's box has been the same for 100 ms (at most
    /// 3 s: an element that never stops moving is clicked all the same).
    async fn wait_still(&self, element: serde_json::Value) -> Result<()> {
        const SCRIPT: &str = "
            const [element, done] = [arguments[0], arguments[arguments.length - 1]];
            let last = '';
            let since = Date.now();
            const started = since;
            const look = () => {
                const box = element.getBoundingClientRect();
                const now = [box.x, box.y, box.width, box.height].join(',');
                if (now !== last) { last = now; since = Date.now(); }
                if (Date.now() - since >= 100 || Date.now() - started > 3000) done(true);
                else setTimeout(look, 20);
            };
            look();";
        tokio::time::timeout(UI_TIMEOUT, self.client.execute_async(SCRIPT, vec![element]))
            .await
            .map_err(|_| HarnessError::TimedOut("the element to stop moving".to_owned()))??;
        Ok(())
    }

    /// Waits until the element may be clicked: a click on a disabled button
    /// does nothing and says nothing, so a flow would wait later for what
    /// never comes, far from the cause.
    async fn wait_enabled(&self, element: serde_json::Value, test_id: &str) -> Result<()> {
        const SCRIPT: &str = "
            const [element, limit, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            const started = Date.now();
            const look = () => {
                const enabled = !element.disabled && element.getAttribute('aria-disabled') !== 'true';
                if (enabled || Date.now() - started > limit) done(enabled);
                else setTimeout(look, 50);
            };
            look();";
        let limit = serde_json::Value::from(UI_TIMEOUT.as_millis() as u64);
        let enabled = tokio::time::timeout(
            UI_TIMEOUT + Duration::from_secs(5),
            self.client.execute_async(SCRIPT, vec![element, limit]),
        )
        .await
        .map_err(|_| HarnessError::TimedOut(format!("{test_id} to be enabled")))??;
        match enabled.as_bool() {
            Some(true) => Ok(()),
            _ => Err(HarnessError::TimedOut(format!("{test_id} to be enabled"))),
        }
    }

    /// Opens the select with this `data-testid`, chooses the option whose
    /// whole text is `option`, and waits until the select shows it. A click
    /// that lands while the menu is still opening can miss: it is tried again.
    pub async fn choose(&self, select: &str, option: &str) -> Result<()> {
        let shown = |text: &str| text.contains(option);
        let last = std::sync::Mutex::new(String::new());
        for _ in 0..3 {
            if !self.option_shown(option).await? {
                self.click(select).await?;
            }
            self.click_option_in_dom(option).await?;
            let showing = wait_for("the select to show it", Duration::from_secs(3), || async {
                let text = self.select_text(select).await?;
                let showing = shown(&text);
                *last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
                Ok(showing.then_some(()))
            })
            .await;
            match showing {
                Ok(()) => return Ok(()),
                Err(HarnessError::TimedOut(_)) => {}
                Err(other) => return Err(other),
            }
        }
        let last = last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Err(HarnessError::Check(format!(
            "{select} never showed {option:?} after choosing it three times; it shows {last:?}"
        )))
    }

    /// What the select with this `data-testid` shows, read from the DOM:
    /// WebKitWebDriver reads a LeafyGreen select's button text as "".
    async fn select_text(&self, select: &str) -> Result<String> {
        Ok(self
            .client
            .execute(
                "const e = document.querySelector(`[data-testid='${arguments[0]}']`);\n\
                 return e ? e.textContent.replace(/\\s+/g, ' ').trim() : '';",
                vec![select.into()],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Waits until the select with this `data-testid` shows a choice that
    /// satisfies `test`, and answers what it shows.
    pub async fn wait_select(&self, select: &str, test: impl Fn(&str) -> bool) -> Result<String> {
        wait_shown(select, "choice", test, || self.select_text(select)).await
    }

    /// Whether an option with this whole text is on screen (its menu open).
    async fn option_shown(&self, text: &str) -> Result<bool> {
        for element in self
            .client
            .find_all(Locator::XPath(&option_xpath(text)))
            .await?
        {
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Clicks through the DOM: for inputs styled out of sight (LeafyGreen
    /// checkboxes draw their own box over a hidden native one).
    pub async fn toggle(&self, test_id: &str) -> Result<()> {
        retry_stale(|| async {
            let element = self.find(test_id).await?;
            let arg =
                serde_json::to_value(&element).map_err(|e| HarnessError::Check(e.to_string()))?;
            self.client
                .execute("arguments[0].click();", vec![arg])
                .await?;
            Ok(())
        })
        .await
    }

    /// Types into the field with this `data-testid`, after what it holds.
    pub async fn type_into(&self, test_id: &str, text: &str) -> Result<()> {
        retry_stale(|| async {
            self.find(test_id).await?.send_keys(text).await?;
            Ok(())
        })
        .await
    }

    /// Empties the field with this `data-testid` as a person would (select
    /// all, delete), so React sees the change, then types `text`.
    pub async fn fill(&self, test_id: &str, text: &str) -> Result<()> {
        // WebDriver key codes: Control, "a", release all, Backspace.
        const SELECT_ALL_AND_DELETE: &str = "\u{E009}a\u{E000}\u{E003}";
        retry_stale(|| async {
            self.find(test_id)
                .await?
                .send_keys(SELECT_ALL_AND_DELETE)
                .await?;
            Ok(())
        })
        .await?;
        if !text.is_empty() {
            self.type_into(test_id, text).await?;
        }
        Ok(())
    }

    /// The `value` of the input with this `data-testid`.
    pub async fn value(&self, test_id: &str) -> Result<String> {
        retry_stale(|| async {
            Ok(self
                .find(test_id)
                .await?
                .prop("value")
                .await?
                .unwrap_or_default())
        })
        .await
    }

    /// Waits until the page has read everything it shows: nothing is
    /// `aria-busy` (the page's region while a read is under way, LeafyGreen's
    /// skeletons while drawn), twice in a row 100 ms apart (a read that ends
    /// may start the next).
    pub async fn settled(&self) -> Result<()> {
        use std::sync::atomic::{AtomicBool, Ordering};
        let quiet_before = AtomicBool::new(false);
        wait_until("the page to finish reading", || async {
            let quiet = self
                .client
                .execute(
                    "return document.querySelector('[aria-busy=\"true\"]') === null;",
                    vec![],
                )
                .await?
                .as_bool()
                .unwrap_or(false);
            Ok(quiet_before.swap(quiet, Ordering::SeqCst) && quiet)
        })
        .await
    }

    /// Waits until the element with this `data-testid` is gone.
    pub async fn wait_gone(&self, test_id: &str) -> Result<()> {
        let css = format!("[data-testid='{test_id}']");
        wait_until(format!("{test_id} to go away"), || async {
            Ok(self.find_all_css(&css).await?.is_empty())
        })
        .await
    }

    /// Waits until the text of the element with this `data-testid` satisfies `test`.
    pub async fn wait_text(&self, test_id: &str, test: impl Fn(&str) -> bool) -> Result<String> {
        wait_shown(test_id, "text", test, || async {
            Ok(self.text(test_id).await.unwrap_or_default())
        })
        .await
    }

    /// Clicks the element whose whole visible text is `text` (an option of a
    /// LeafyGreen select, which lives in a popover outside the component).
    pub async fn click_text(&self, text: &str) -> Result<()> {
        retry_stale(|| async {
            let (element, _) = self.still_option(text).await?;
            element.click().await?;
            Ok(())
        })
        .await
    }

    /// The option whose whole text is `text`, once it is there and has
    /// stopped moving (the menu opens with a transition), with its WebDriver
    /// argument form.
    async fn still_option(&self, text: &str) -> Result<(Element, serde_json::Value)> {
        let xpath = option_xpath(text);
        let element = self
            .client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|error| named_timeout(error, &xpath))?;
        let arg = serde_json::to_value(&element).map_err(|e| HarnessError::Check(e.to_string()))?;
        self.wait_still(arg.clone()).await?;
        Ok((element, arg))
    }

    /// Clicks the option whose whole text is `text` through the DOM, once it
    /// has stopped moving. A pointer click lands where WebKitWebDriver
    /// computes the option to be, and a menu that opened while its dialog was
    /// still moving in is drawn elsewhere: the click then chose another
    /// option, the same one each time.
    async fn click_option_in_dom(&self, text: &str) -> Result<()> {
        retry_stale(|| async {
            let (_, arg) = self.still_option(text).await?;
            self.client
                .execute("arguments[0].click();", vec![arg])
                .await?;
            Ok(())
        })
        .await
    }

    /// Clicks the first element matching a CSS selector, once it is there.
    pub async fn click_css(&self, css: &str) -> Result<()> {
        retry_stale(|| async {
            self.find_css(css).await?.click().await?;
            Ok(())
        })
        .await
    }

    /// The first element matching a CSS selector, once it is there.
    /// WebKitWebDriver answers "stale element" when the element it found is
    /// replaced while it answers: then it is looked for again.
    pub async fn find_css(&self, css: &str) -> Result<Element> {
        retry_stale(|| async {
            self.client
                .wait()
                .at_most(UI_TIMEOUT)
                .for_element(Locator::Css(css))
                .await
                .map_err(|error| named_timeout(error, css))
        })
        .await
    }

    /// An attribute of the element with this `data-testid` ("" when absent).
    pub async fn attr(&self, test_id: &str, name: &str) -> Result<String> {
        self.attr_css(&format!("[data-testid='{test_id}']"), name)
            .await
    }

    /// An attribute of the first element matching a CSS selector, found
    /// again if React replaced the element meanwhile.
    pub async fn attr_css(&self, css: &str, name: &str) -> Result<String> {
        retry_stale(|| async {
            let element = self.find_css(css).await?;
            Ok(element.attr(name).await?.unwrap_or_default())
        })
        .await
    }

    /// The text of the first element matching a CSS selector, found again
    /// if React replaced the element meanwhile.
    pub async fn text_css(&self, css: &str) -> Result<String> {
        retry_stale(|| async { Ok(self.find_css(css).await?.text().await?) }).await
    }

    /// Every element matching a CSS selector now.
    pub async fn find_all_css(&self, css: &str) -> Result<Vec<Element>> {
        retry_stale(|| async { Ok(self.client.find_all(Locator::Css(css)).await?) }).await
    }

    /// Adds a connection through the Connections screen, as a person types
    /// it in; answers its id. The app then shows Connections.
    pub async fn add_connection(
        &self,
        name: &str,
        base_url: &str,
        public_key: &str,
        private_key: &str,
    ) -> Result<String> {
        self.click("nav-connections").await?;
        self.click("add-connection").await?;
        self.type_into("connection-form-name", name).await?;
        self.fill("connection-form-url", base_url).await?;
        self.type_into("connection-form-public-key", public_key)
            .await?;
        self.type_into("connection-form-private-key", private_key)
            .await?;
        self.click("connection-form-save").await?;
        self.wait_gone("connection-form").await?;
        // The built-in sandbox has no Edit: the one edit button is the new one's.
        Ok(self
            .attr_css("[data-testid^='connection-edit-']", "data-testid")
            .await?
            .trim_start_matches("connection-edit-")
            .to_owned())
    }

    /// Remembers a private key this run created: after the run, no file of
    /// the app's and no log line may contain it.
    pub fn remember_secret(&self, secret: &str) {
        // An empty string is in every file: it would prove nothing.
        if secret.is_empty() {
            return;
        }
        if let Ok(mut secrets) = self.secrets.lock() {
            secrets.push(secret.to_owned());
        }
    }

    /// The text of the element with this `data-testid`. React may replace
    /// the element between finding and reading it: then it is found again.
    pub async fn text(&self, test_id: &str) -> Result<String> {
        self.text_css(&format!("[data-testid='{test_id}']")).await
    }

    /// Saves a PNG of the display as `target/e2e-screenshots/<name>.png`.
    ///
    /// WebKitWebDriver's own screenshot command never answers under Xvfb, so
    /// the picture is taken from the X server (ImageMagick's `import`). Only
    /// one app is on the display at a time (see [`App::launch`]), so the
    /// display shows exactly this window.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).map_err(HarnessError::Screenshot)?;
        let path = dir.join(format!("{name}.png"));
        // Let the last click's rendering settle before the picture.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let capture = tokio::process::Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(UI_TIMEOUT, capture)
            .await
            .map_err(|_| HarnessError::TimedOut(format!("screenshot {name}")))?
            .map_err(HarnessError::Screenshot)?;
        if !output.status.success() {
            return Err(HarnessError::Screenshot(std::io::Error::other(
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )));
        }
        Ok(path)
    }

    /// Starts the app's binary a second time, as a user does from the
    /// launcher while it is open, in the same homes and session; answers how
    /// it ended, within [`UI_TIMEOUT`].
    pub async fn start_again(&self, args: &[&str]) -> Result<std::process::Output> {
        let mut second = tokio::process::Command::new(app_binary());
        second
            .args(args)
            .envs(app_environment(self.data_home(), &[]))
            .stdin(Stdio::null())
            .kill_on_drop(true);
        tokio::time::timeout(UI_TIMEOUT, second.output())
            .await
            .map_err(|_| HarnessError::TimedOut("the second start to end".to_owned()))?
            .map_err(HarnessError::DriverSpawn)
    }

    /// What the app has written to its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_home().join(APP_LOG)).unwrap_or_default()
    }

    /// Runs axe-core (the version in `ui/node_modules`) on the page as it is
    /// now, and fails on any serious or critical violation, naming each rule
    /// and the elements that break it.
    pub async fn check_accessibility(&self, screen: &str) -> Result<()> {
        // Read once per run; put in the page once (the page is never reloaded).
        static AXE: std::sync::OnceLock<std::result::Result<String, String>> =
            std::sync::OnceLock::new();
        let axe = AXE.get_or_init(|| {
            let path = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&path)
                .map_err(|error| format!("{}: {error} (run `make deps`)", path.display()))
        });
        let axe = axe
            .as_ref()
            .map_err(|error| HarnessError::Check(error.clone()))?;
        let present = self
            .client
            .execute("return typeof axe !== 'undefined';", vec![])
            .await?;
        if present.as_bool() != Some(true) {
            self.client.execute(axe, vec![]).await?;
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] }).then(
              (results) => done(JSON.stringify(results.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                               targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
                               html: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 400)) })))),
              (error) => done(JSON.stringify([{ id: "axe-failed", help: String(error) }])),
            );
        "#;
        let found = tokio::time::timeout(UI_TIMEOUT, self.client.execute_async(script, vec![]))
            .await
            .map_err(|_| HarnessError::TimedOut(format!("axe on {screen}")))??;
        let found = found.as_str().unwrap_or("[]");
        let violations: Vec<serde_json::Value> = serde_json::from_str(found).unwrap_or_default();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(HarnessError::Check(format!(
                "{screen}: {} serious or critical accessibility violation(s): {}",
                violations.len(),
                serde_json::to_string_pretty(&violations).unwrap_or_default()
            )))
        }
    }

    /// Fails unless Tab, pressed from the top of the page, reaches every
    /// control on it that takes the focus: every enabled button, link,
    /// field, widget (an element with a role such as `button`, focusable or
    /// not) and selected tab that is shown. Elements taken out of the Tab
    /// order on purpose (`tabindex="-1"`, such as the tabs not selected,
    /// reached with the arrow keys) are left out.
    pub async fn check_keyboard_reach(&self, screen: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let count = self
            .client
            .execute(
                "const widget = '[role=button], [role=link], [role=checkbox], [role=switch], [role=radio], [role=tab][aria-selected=true]';
                 const controls = [...document.querySelectorAll(
                   'a[href], button, input, select, textarea, [tabindex], ' + widget)]
                   .filter((el) => (el.tabIndex >= 0 || el.matches(widget))
                     && !el.disabled && el.getAttribute('aria-disabled') !== 'true'
                     && el.getClientRects().length > 0
                     && getComputedStyle(el).visibility !== 'hidden');
                 document.querySelectorAll('[data-aam-reach]').forEach((el) => delete el.dataset.aamReach);
                 controls.forEach((el, i) => { el.dataset.aamReach = String(i); });
                 window.aamReached = new Set();
                 if (!window.aamReachListener) {
                   window.aamReachListener = (event) => {
                     const id = event.target.dataset && event.target.dataset.aamReach;
                     if (id !== undefined) window.aamReached.add(id);
                   };
                   document.addEventListener('focusin', window.aamReachListener);
                 }
                 if (document.activeElement) document.activeElement.blur();
                 return controls.length;",
                vec![],
            )
            .await?
            .as_u64()
            .unwrap_or(0);
        let mut tabs = KeyActions::new("keyboard".to_owned());
        for _ in 0..count + 5 {
            tabs = tabs
                .then(KeyAction::Down { value: '\u{E004}' })
                .then(KeyAction::Up { value: '\u{E004}' });
        }
        self.client.perform_actions(tabs).await?;
        let missed = self
            .client
            .execute(
                "return [...document.querySelectorAll('[data-aam-reach]')]
                   .filter((el) => !window.aamReached.has(el.dataset.aamReach))
                   .map((el) => el.outerHTML.slice(0, 160));",
                vec![],
            )
            .await?;
        let missed: Vec<String> = serde_json::from_value(missed).unwrap_or_default();
        if missed.is_empty() {
            Ok(())
        } else {
            Err(HarnessError::Check(format!(
                "{screen}: Tab did not reach {} of its {count} controls: {}",
                missed.len(),
                missed
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            )))
        }
    }

    /// Sends keys to whatever has the keyboard focus, as a person types them
    /// (WebDriver key codes: `\u{E004}` Tab, `\u{E007}` Enter, `\u{E00C}`
    /// Escape, `\u{E00D}` Space).
    pub async fn press(&self, keys: &str) -> Result<()> {
        let focused = self.client.active_element().await?;
        focused.send_keys(keys).await?;
        Ok(())
    }

    /// The `data-testid` of the element with the keyboard focus, or of the
    /// nearest element around it that has one ("" if none).
    pub async fn focused(&self) -> Result<String> {
        let id = self
            .client
            .execute(
                "const el = document.activeElement;
                 const marked = el && el.closest('[data-testid]');
                 return marked ? marked.getAttribute('data-testid') : '';",
                vec![],
            )
            .await?;
        Ok(id.as_str().unwrap_or_default().to_owned())
    }

    /// Presses Tab (or Shift+Tab, `backwards`) until the focus is on
    /// `test_id`, at most `limit` times; fails if it never gets there.
    pub async fn tab_to(&self, test_id: &str, backwards: bool, limit: usize) -> Result<()> {
        let key = if backwards {
            "\u{E008}\u{E004}\u{E008}"
        } else {
            "\u{E004}"
        };
        for _ in 0..limit {
            if self.focused().await? == test_id {
                return Ok(());
            }
            self.press(key).await?;
        }
        if self.focused().await? == test_id {
            return Ok(());
        }
        Err(HarnessError::Check(format!(
            "{test_id} was not reached with {limit} presses of Tab (focus on {:?})",
            self.focused().await?
        )))
    }

    /// How the element with this `data-testid` and those around it (its
    /// parent and its parent's children, where LeafyGreen draws focus rings
    /// of hidden inputs) look: outlines, shadows and borders.
    async fn look(&self, test_id: &str) -> Result<String> {
        let element = self.find(test_id).await?;
        let arg = serde_json::to_value(&element).map_err(|e| HarnessError::Check(e.to_string()))?;
        let look = self
            .client
            .execute(
                "const el = arguments[0];
                 const nodes = [el, ...(el.parentElement ? [el.parentElement, ...el.parentElement.children] : [])];
                 return nodes.flatMap((node) => [null, '::before', '::after'].map((part) => {
                   const s = getComputedStyle(node, part);
                   return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor].join(' ');
                 })).join('|');",
                vec![arg],
            )
            .await?;
        Ok(look.as_str().unwrap_or_default().to_owned())
    }

    /// Presses Tab until the focus is on `test_id` (see [`App::tab_to`]),
    /// and fails unless it then looks focused: an outline, shadow or border
    /// it did not have before.
    pub async fn tab_to_visibly(&self, test_id: &str, limit: usize) -> Result<()> {
        let before = self.look(test_id).await?;
        self.tab_to(test_id, false, limit).await?;
        // LeafyGreen's focus rings fade in.
        wait_for(
            format!("{test_id} has the focus, and nothing shows it"),
            Duration::from_secs(2),
            || async { Ok((self.look(test_id).await? != before).then_some(())) },
        )
        .await
    }

    /// Runs a test's steps against the app within [`TEST_TIMEOUT`], saves a
    /// screenshot of the last screen whatever happened, and closes the app.
    pub async fn run<F>(self, name: &str, steps: F) -> Result<()>
    where
        F: AsyncFnOnce(&App) -> Result<()>,
    {
        self.run_keeping_home(name, steps).await.map(drop)
    }

    /// Like [`App::run`], and answers the run's config, data and cache
    /// homes for [`App::launch_in`].
    pub async fn run_keeping_home<F>(self, name: &str, steps: F) -> Result<tempfile::TempDir>
    where
        F: AsyncFnOnce(&App) -> Result<()>,
    {
        let outcome = tokio::time::timeout(TEST_TIMEOUT, steps(&self))
            .await
            .unwrap_or_else(|_| Err(HarnessError::TimedOut(name.to_owned())));
        // The page, error banners included, shows no private key once its
        // one-time dialog is closed.
        let on_page = if self.quit.load(std::sync::atomic::Ordering::SeqCst) {
            Ok(())
        } else {
            self.check_no_secret_on_page().await
        };
        let _ = tokio::time::timeout(UI_TIMEOUT, self.screenshot(&format!("{name}-last"))).await;
        let closed = if self.quit.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = tokio::time::timeout(UI_TIMEOUT, self.client.clone().close()).await;
            Ok(Ok(()))
        } else {
            tokio::time::timeout(UI_TIMEOUT, self.client.clone().close()).await
        };
        let App {
            client,
            _display,
            _driver,
            data_home,
            secrets,
            ..
        } = self;
        drop(client);
        // The driver and the app are gone: every file and log line is written.
        drop(_driver);
        let secrets = secrets.into_inner().unwrap_or_default();
        let leaked = check_no_secret_in_files(data_home.path(), &secrets)
            .and_then(|()| check_no_token_in_log(&data_home.path().join(APP_LOG)));
        outcome?;
        on_page?;
        closed.map_err(|_| HarnessError::TimedOut("close the app".to_owned()))??;
        leaked.map(|()| data_home)
    }
}

/// Runs `attempt` again (up to three more times) while it fails because
/// React replaced the element between finding and using it.
async fn retry_stale<T, F, Fut>(attempt: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(HarnessError::WebDriver(error)) if is_stale(&error) && tries < 3 => tries += 1,
            other => return other,
        }
    }
}

/// An option of a select (LeafyGreen draws it in a popover) by its whole text.
fn option_xpath(text: &str) -> String {
    format!("//*[@role='option'][normalize-space(.)='{text}']")
}

/// A wait that ran out names what it waited for, so a failure says which
/// step of a flow it was.
fn named_timeout(error: fantoccini::error::CmdError, locator: &str) -> HarnessError {
    match error {
        fantoccini::error::CmdError::WaitTimeout => {
            HarnessError::TimedOut(format!("{locator} to appear"))
        }
        other => HarnessError::WebDriver(other),
    }
}

/// The element was replaced (React re-rendered) between finding and using it.
fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    matches!(error, fantoccini::error::CmdError::Standard(e)
        if e.error == fantoccini::error::ErrorStatus::StaleElementReference)
}

/// Fails if any of `secrets` is in any file under `root` (the app's config,
/// data and cache homes, and its log).
fn check_no_secret_in_files(root: &Path, secrets: &[String]) -> Result<()> {
    if secrets.is_empty() {
        return Ok(());
    }
    let mut pending = vec![root.to_path_buf()];
    let mut files = 0;
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files += 1;
                for secret in secrets {
                    let needle = secret.as_bytes();
                    if bytes.windows(needle.len()).any(|window| window == needle) {
                        return Err(HarnessError::SecretLeaked(path));
                    }
                }
            }
        }
    }
    if files == 0 {
        return Err(HarnessError::Check(
            "the app wrote no file at all, so the secrets check saw nothing".into(),
        ));
    }
    Ok(())
}

/// Fails if the app's log holds a run of 40 or more letters and digits:
/// what the sandbox's OAuth tokens (48) look like, longer than any id, hash
/// or UUID the log may name. Tokens are never known to the test, so their
/// shape is what is looked for.
fn check_no_token_in_log(log: &Path) -> Result<()> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    match text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| word.len() >= 40)
    {
        // Only the start of it, so the report itself leaks nothing usable.
        Some(word) => Err(HarnessError::TokenLogged(word.chars().take(6).collect())),
        None => Ok(()),
    }
}

/// Asks `probe` every 100 ms until it answers a value, and answers it;
/// fails with `what` once `within` has passed. Every wait of the tests goes
/// through here.
pub async fn wait_for<T, F, Fut>(
    what: impl Into<String>,
    within: Duration,
    mut probe: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe().await? {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(HarnessError::TimedOut(what.into()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `condition` answers true, within [`UI_TIMEOUT`]; fails
/// with `what`.
/// Waits until what `read` reads of `what` satisfies `test`; fails naming
/// what it last showed.
async fn wait_shown<F, Fut>(
    what: &str,
    kind: &str,
    test: impl Fn(&str) -> bool,
    read: F,
) -> Result<String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<String>>,
{
    let last = std::sync::Mutex::new(String::new());
    let waited = wait_for(what, UI_TIMEOUT, || async {
        let text = read().await?;
        let answer = test(&text).then(|| text.clone());
        *last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
        Ok(answer)
    })
    .await;
    waited.map_err(|_| {
        let last = last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        HarnessError::Check(format!(
            "{what} never showed the expected {kind}; last: {last:?}"
        ))
    })
}

pub async fn wait_until<F, Fut>(what: impl Into<String>, mut condition: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    wait_for(what, UI_TIMEOUT, || {
        let asked = condition();
        async move { Ok(asked.await?.then_some(())) }
    })
    .await
}

/// An I/O error of a test's own step, named by what it was doing.
pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> HarnessError {
    let what = what.into();
    move |source| HarnessError::Io { what, source }
}

/// Fails with `what` unless `condition` holds.
pub fn check(condition: bool, what: impl Into<String>) -> Result<()> {
    if condition {
        Ok(())
    } else {
        Err(HarnessError::Check(what.into()))
    }
}

/// What the X clipboard holds now (empty when nothing owns it).
pub async fn clipboard() -> String {
    xclip_out(&["-selection", "clipboard", "-o"]).await
}

/// What `xclip` prints with these arguments, within 5 s ("" if it fails).
pub async fn xclip_out(args: &[&str]) -> String {
    let read = tokio::process::Command::new("xclip")
        .args(args)
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(5), read).await {
        Ok(Ok(output)) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_check_finds_a_token_shaped_word_in_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("app.log");
        std::fs::write(
            &log,
            "INFO connected client_id=mdb_sa_id_6a790d000000000000000001 key=c8150efd-c7a0-4afd-8c4f-01bdd56c8977\n",
        )
        .unwrap();
        assert!(check_no_token_in_log(&log).is_ok());
        std::fs::write(
            &log,
            "DEBUG authorization: Bearer G9CXXcISc5Wz5K1KersiuU422EU4V7dFnuoaGjYJekJ6M4jy\n",
        )
        .unwrap();
        assert!(matches!(
            check_no_token_in_log(&log),
            Err(HarnessError::TokenLogged(start)) if start == "G9CXXc"
        ));
    }

    #[test]
    fn the_secrets_check_finds_a_key_in_a_nested_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/webkit")).unwrap();
        std::fs::write(dir.path().join("app.log"), "nothing here").unwrap();
        std::fs::write(
            dir.path().join("data/webkit/store"),
            b"\x00c8150efd-c7a0-4afd-8c4f-01bdd56c8977\x00",
        )
        .unwrap();
        let secret = "c8150efd-c7a0-4afd-8c4f-01bdd56c8977".to_owned();
        assert!(matches!(
            check_no_secret_in_files(dir.path(), std::slice::from_ref(&secret)),
            Err(HarnessError::SecretLeaked(path)) if path.ends_with("store")
        ));
        std::fs::remove_file(dir.path().join("data/webkit/store")).unwrap();
        assert!(check_no_secret_in_files(dir.path(), &[secret]).is_ok());
    }
}
