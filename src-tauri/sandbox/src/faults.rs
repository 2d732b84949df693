//! Reproducible fault injection (`--faults SPEC --fault-seed N`), so clients
//! can prove their retry behaviour.
//!
//! SPEC is a comma-separated list of `KIND=RATE`, RATE a probability from 0 to 1:
//! - `500`, `503`, `429`: answer with that status instead of handling the request;
//! - `reset`: handle the request, then drop the connection with a TCP reset
//!   instead of answering (the outcome is unknown to the client);
//! - `slow=RATE:MS`: wait MS milliseconds more, then answer normally.
//!
//! Each request draws once; kinds are tried in the order given.
//!
//! A fault can also be aimed: `STATUS@METHOD:PATH-END=COUNT` answers the
//! first COUNT requests of that method whose path ends so with STATUS,
//! unhandled (`500@POST:/accessList=1`: the first access-list POST fails).
//! Aimed faults are looked at before the random ones.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Status(u16),
    Reset,
    Slow(Duration),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultSpec {
    rules: Vec<(f64, Fault)>,
    aimed: Vec<Aimed>,
}

/// A fault for the first `count` requests of a method and path end.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Aimed {
    status: u16,
    method: String,
    path_end: String,
    count: u32,
}

fn aimed(entry: &str) -> Option<Aimed> {
    let (kind, count) = entry.split_once('=')?;
    let (status, target) = kind.split_once('@')?;
    let (method, path_end) = target.split_once(':')?;
    let status: u16 = status.parse().ok()?;
    let valid = matches!(status, 429 | 500 | 503)
        && ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&method)
        && path_end.starts_with('/');
    valid
        .then(|| Aimed {
            status,
            method: method.to_owned(),
            path_end: path_end.to_owned(),
            count: count.parse().unwrap_or(0),
        })
        .filter(|aimed| aimed.count > 0)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid --faults entry \"{entry}\": {why}")]
pub struct FaultSpecError {
    entry: String,
    why: &'static str,
}

impl std::str::FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut rules = Vec::new();
        let mut aimed_faults = Vec::new();
        let mut total = 0.0;
        for entry in text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let error = |why| FaultSpecError {
                entry: entry.to_owned(),
                why,
            };
            if entry.contains('@') {
                aimed_faults.push(aimed(entry).ok_or_else(|| {
                    error("expected STATUS@METHOD:/PATH-END=COUNT, STATUS one of 429, 500, 503")
                })?);
                continue;
            }
            let (kind, value) = entry
                .split_once('=')
                .ok_or_else(|| error("expected KIND=RATE"))?;
            let (rate, fault) = match kind {
                "500" | "503" | "429" => (
                    value,
                    Fault::Status(kind.parse().map_err(|_| error("bad status"))?),
                ),
                "reset" => (value, Fault::Reset),
                "slow" => {
                    let (rate, ms) = value
                        .split_once(':')
                        .ok_or_else(|| error("expected slow=RATE:MS"))?;
                    let ms: u64 = ms.parse().map_err(|_| error("MS must be a whole number"))?;
                    (rate, Fault::Slow(Duration::from_millis(ms)))
                }
                _ => return Err(error("KIND is one of 500, 503, 429, reset, slow")),
            };
            let rate: f64 = rate.parse().map_err(|_| error("RATE must be a number"))?;
            if !(0.0..=1.0).contains(&rate) {
                return Err(error("RATE must be from 0 to 1"));
            }
            total += rate;
            if total > 1.0 + f64::EPSILON {
                return Err(error("the rates add up to more than 1"));
            }
            rules.push((rate, fault));
        }
        Ok(Self {
            rules,
            aimed: aimed_faults,
        })
    }
}

pub struct FaultInjector {
    rules: Vec<(f64, Fault)>,
    rng: Mutex<StdRng>,
    /// The aimed faults, each with how many more requests it hits.
    aimed: Mutex<Vec<Aimed>>,
}

impl FaultInjector {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        Self {
            rules: spec.rules,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            aimed: Mutex::new(spec.aimed),
        }
    }

    /// Adds aimed faults while the sandbox runs (a test aiming at the next
    /// request of a kind); random ones are set at start only.
    pub fn aim(&self, spec: FaultSpec) -> Result<(), FaultSpecError> {
        if !spec.rules.is_empty() {
            return Err(FaultSpecError {
                entry: String::new(),
                why: "only aimed faults (STATUS@METHOD:/PATH-END=COUNT) can be added while the sandbox runs",
            });
        }
        if let Ok(mut aimed) = self.aimed.lock() {
            aimed.extend(spec.aimed);
        }
        Ok(())
    }

    /// The fault for the next request (this method and path), if any.
    pub fn draw(&self, method: &str, path: &str) -> Option<Fault> {
        if let Ok(mut aimed) = self.aimed.lock() {
            aimed.retain(|aimed| aimed.count > 0);
            if let Some(hit) = aimed
                .iter_mut()
                .find(|aimed| aimed.method == method && path.ends_with(&aimed.path_end))
            {
                hit.count -= 1;
                return Some(Fault::Status(hit.status));
            }
        }
        if self.rules.is_empty() {
            return None;
        }
        let roll: f64 = self.rng.lock().map(|mut rng| rng.random()).unwrap_or(1.0);
        let mut edge = 0.0;
        for (rate, fault) in &self.rules {
            edge += rate;
            if roll < edge {
                return Some(*fault);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_draws_reproducibly() {
        let spec: FaultSpec = "500=0.1, reset=0.2,slow=0.1:250".parse().unwrap();
        let draws = |seed| {
            let injector = FaultInjector::new(spec.clone(), seed);
            (0..200)
                .map(|_| injector.draw("GET", "/api/atlas/v2"))
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        let sample = draws(7);
        let resets = sample.iter().filter(|f| **f == Some(Fault::Reset)).count();
        assert!(
            (20..=60).contains(&resets),
            "{resets} resets in 200 draws at 0.2"
        );
        assert!(sample.contains(&Some(Fault::Slow(Duration::from_millis(250)))));
        assert!(sample.contains(&None));
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in [
            "500",
            "404=0.1",
            "500=2",
            "500=0.6,503=0.6",
            "slow=0.1",
            "slow=0.1:x",
            "reset=abc",
        ] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad}");
        }
        assert_eq!("".parse::<FaultSpec>().unwrap(), FaultSpec::default());
        for bad in [
            "404@POST:/x=1",
            "500@FETCH:/x=1",
            "500@POST:x=1",
            "500@POST:/x=0",
        ] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_aimed_fault_hits_its_first_requests_only() {
        let spec: FaultSpec = "500@POST:/accessList=1".parse().unwrap();
        let injector = FaultInjector::new(spec, 0);
        let list = "/api/atlas/v2/orgs/o/apiKeys/k/accessList";
        assert_eq!(injector.draw("GET", list), None);
        assert_eq!(injector.draw("POST", "/api/atlas/v2/orgs/o/apiKeys"), None);
        assert_eq!(injector.draw("POST", list), Some(Fault::Status(500)));
        assert_eq!(injector.draw("POST", list), None);
        // Aimed again while running: the next two.
        injector
            .aim("503@POST:/accessList=2".parse().unwrap())
            .unwrap();
        assert_eq!(injector.draw("POST", list), Some(Fault::Status(503)));
        assert_eq!(injector.draw("POST", list), Some(Fault::Status(503)));
        assert_eq!(injector.draw("POST", list), None);
        assert!(injector.aim("500=0.5".parse().unwrap()).is_err());
    }
}
