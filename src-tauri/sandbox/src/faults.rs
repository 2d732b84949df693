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

#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    rules: Vec<(f64, Fault)>,
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
        Ok(Self { rules })
    }
}

pub struct FaultInjector {
    spec: FaultSpec,
    rng: Mutex<StdRng>,
}

impl FaultInjector {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        Self {
            spec,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// The fault for the next request, if any.
    pub fn draw(&self) -> Option<Fault> {
        if self.spec.rules.is_empty() {
            return None;
        }
        let roll: f64 = self.rng.lock().map(|mut rng| rng.random()).unwrap_or(1.0);
        let mut edge = 0.0;
        for (rate, fault) in &self.spec.rules {
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
            (0..200).map(|_| injector.draw()).collect::<Vec<_>>()
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
        assert_eq!(
            "".parse::<FaultSpec>().unwrap(),
            FaultSpec { rules: vec![] }
        );
    }
}
