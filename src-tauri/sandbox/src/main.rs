//! `atlas-sandbox`: the sandbox as a program. Prints one JSON line with the
//! address and the seeded admin key, then serves until interrupted.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use atlas_sandbox::{AdminKind, Config, FaultSpec, Sandbox, Seed};
use clap::Parser;

/// An Atlas-compatible Administration API server (API keys, access lists,
/// organizations, projects) for trying Atlas Access Manager and for tests.
#[derive(Debug, Parser)]
#[command(name = "atlas-sandbox", version)]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Starting data: demo (two organizations, five projects, a dozen keys),
    /// empty (one organization and its admin key) or scale:KEYS:PROJECTS.
    #[arg(long, default_value = "demo")]
    seed: Seed,
    /// Keep the state in this file across restarts (written atomically after
    /// every change). An existing file is loaded and --seed is ignored; the
    /// admin key then gets a new private key, printed at start.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Treat every request as coming from this address (for access lists).
    #[arg(long)]
    apparent_ip: Option<IpAddr>,
    /// Wait this long before every answer, to simulate a wide-area round trip.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Inject faults: comma-separated KIND=RATE with KIND 500, 503, 429 or
    /// reset (handle, then drop the connection unanswered), or slow=RATE:MS.
    /// Example: 503=0.1,reset=0.05,slow=0.1:2000
    #[arg(long, default_value = "")]
    faults: FaultSpec,
    /// Seed of the fault draws, so a run can be repeated exactly.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Allow each key this many requests a window (a minute unless
    /// --rate-limit-window-secs says otherwise); 429 with Retry-After past it.
    #[arg(long, value_name = "N_PER_MINUTE")]
    rate_limit: Option<u32>,
    /// The rate limit's fixed window, in seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    rate_limit_window_secs: u64,
    /// Seconds a Digest nonce stays valid before answers say stale=true.
    #[arg(long, default_value_t = 300)]
    nonce_lifetime_secs: u64,
    /// Who the seeded admin is: api-key, or service-account (then the start
    /// line gives clientId and clientSecret instead of the key pair).
    #[arg(long, default_value = "api-key")]
    admin: AdminKind,
    /// Seconds an OAuth token of a service account lasts (3600 at Atlas).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    token_lifetime_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ATLAS_SANDBOX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config {
        listen: args.listen,
        seed: args.seed,
        state_file: args.state,
        apparent_ip: args.apparent_ip,
        latency: Duration::from_millis(args.latency_ms),
        faults: args.faults,
        fault_seed: args.fault_seed,
        rate_limit: args.rate_limit,
        rate_window: Duration::from_secs(args.rate_limit_window_secs),
        nonce_lifetime: Duration::from_secs(args.nonce_lifetime_secs),
        token_lifetime: Duration::from_secs(args.token_lifetime_secs),
        admin: args.admin,
        ..Config::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("atlas-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The one line a launcher reads: where to connect and with which key.
    let mut line = match serde_json::to_value(sandbox.admin()) {
        Ok(line) => line,
        Err(error) => {
            eprintln!("atlas-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(fields), AdminKind::ServiceAccount) = (line.as_object_mut(), args.admin) {
        fields.remove("publicKey");
        fields.remove("privateKey");
    }
    match serde_json::to_string(&line) {
        Ok(line) => {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
        }
        Err(error) => {
            eprintln!("atlas-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}
