//! Per-user limits (`RATE_LIMIT_*`): requests per second, conversations started per hour and
//! conversations running at once. Over a limit the answer is 429 with `Retry-After`, and
//! nothing is started.
//!
//! Rates are GCRA buckets (`governor`) keyed by user, kept in this process: each replica of
//! the api counts its own requests. The running cap counts the user's open workflows in
//! Temporal's visibility store, so it holds across replicas.

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use serde::Deserialize;
use settings::{Env, SettingsError};

use super::Caller;
use crate::error::ApiError;

/// With auth on and nothing set: requests per second, the burst, starts per hour, running.
const DEFAULTS: LimitSettings = LimitSettings {
    requests_per_second: 10,
    burst: 60,
    starts_per_hour: 60,
    running: 20,
};
/// What a refusal over the running cap suggests waiting.
const RUNNING_RETRY: Duration = Duration::from_secs(30);
/// Every this many requests, users idle long enough to be back at a full bucket are dropped.
const PRUNE_EVERY: u64 = 4096;

/// The limits, each `0` for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// `RATE_LIMIT_REQUESTS_PER_SECOND`.
    pub requests_per_second: u32,
    /// `RATE_LIMIT_BURST`: requests allowed at once above the steady rate.
    pub burst: u32,
    /// `RATE_LIMIT_STARTS_PER_HOUR`: new conversations and emails.
    pub starts_per_hour: u32,
    /// `RATE_LIMIT_RUNNING`: conversations and emails running at once.
    pub running: u32,
}

#[derive(Deserialize)]
struct LimitEnv {
    rate_limit_requests_per_second: Option<u32>,
    rate_limit_burst: Option<u32>,
    rate_limit_starts_per_hour: Option<u32>,
    rate_limit_running: Option<u32>,
}

impl LimitSettings {
    /// With auth on, unset (or empty) limits take [`DEFAULTS`]; with auth off there are
    /// none unless set.
    pub fn from_env(env: &Env, auth_on: bool) -> Result<Self, SettingsError> {
        let raw: LimitEnv = env.parse()?;
        let default = |value: u32| if auth_on { value } else { 0 };
        Ok(Self {
            requests_per_second: raw
                .rate_limit_requests_per_second
                .unwrap_or(default(DEFAULTS.requests_per_second)),
            burst: raw.rate_limit_burst.unwrap_or(DEFAULTS.burst),
            starts_per_hour: raw
                .rate_limit_starts_per_hour
                .unwrap_or(default(DEFAULTS.starts_per_hour)),
            running: raw.rate_limit_running.unwrap_or(default(DEFAULTS.running)),
        })
    }
}

/// The limits in force.
pub struct Limits {
    requests: Option<DefaultKeyedRateLimiter<String>>,
    starts: Option<DefaultKeyedRateLimiter<String>>,
    running: u32,
    seen: AtomicU64,
}

impl Limits {
    pub fn new(settings: &LimitSettings) -> Self {
        let requests = NonZeroU32::new(settings.requests_per_second).map(|rate| {
            let burst = NonZeroU32::new(settings.burst).unwrap_or(rate).max(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        let starts = NonZeroU32::new(settings.starts_per_hour)
            .map(|per_hour| RateLimiter::keyed(Quota::per_hour(per_hour)));
        Self {
            requests,
            starts,
            running: settings.running,
            seen: AtomicU64::new(0),
        }
    }

    /// Counts a request of `caller`; 429 once over the rate.
    pub fn check_request(&self, caller: &Caller) -> Result<(), ApiError> {
        let Some(limiter) = &self.requests else {
            return Ok(());
        };
        if self.seen.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
        }
        check(limiter, caller, "requests")
    }

    /// Whether starting workflows is limited at all (then the handler finds out whether a
    /// request starts one).
    pub fn limits_starts(&self) -> bool {
        self.starts.is_some() || self.running > 0
    }

    /// The running cap, if any.
    pub fn running_cap(&self) -> Option<u32> {
        (self.running > 0).then_some(self.running)
    }

    /// Counts a start of `caller`, who has `running` workflows open; 429 over either limit.
    pub fn check_start(&self, caller: &Caller, running: Option<u64>) -> Result<(), ApiError> {
        if let (Some(cap), Some(running)) = (self.running_cap(), running)
            && running >= u64::from(cap)
        {
            return Err(ApiError::RateLimited {
                retry_after: RUNNING_RETRY,
                detail: format!(
                    "you have {running} conversations running, the most allowed at once; end one \
                     (or wait for one to finish) before starting another"
                ),
            });
        }
        match &self.starts {
            Some(limiter) => check(limiter, caller, "new conversations"),
            None => Ok(()),
        }
    }
}

fn check(
    limiter: &DefaultKeyedRateLimiter<String>,
    caller: &Caller,
    what: &str,
) -> Result<(), ApiError> {
    limiter
        .check_key(&caller.limit_key().to_owned())
        .map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after: wait,
                detail: format!("too many {what}; try again in {} s", retry_seconds(wait)),
            }
        })
}

/// Whole seconds for `Retry-After`, at least 1.
pub fn retry_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::UserId;

    fn user(name: &str) -> Caller {
        Caller::User(UserId::parse(name).unwrap())
    }

    #[test]
    fn a_burst_over_the_rate_is_refused_per_user_with_a_wait() {
        let limits = Limits::new(&LimitSettings {
            requests_per_second: 2,
            burst: 3,
            starts_per_hour: 0,
            running: 0,
        });
        for _ in 0..3 {
            limits.check_request(&user("alice")).unwrap();
        }
        match limits.check_request(&user("alice")) {
            Err(ApiError::RateLimited { retry_after, .. }) => {
                assert!(retry_after <= Duration::from_millis(500), "{retry_after:?}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        limits
            .check_request(&user("bob"))
            .expect("bob has his own bucket");
    }

    #[test]
    fn starts_are_refused_over_the_hourly_rate_and_the_running_cap() {
        let limits = Limits::new(&LimitSettings {
            requests_per_second: 0,
            burst: 0,
            starts_per_hour: 2,
            running: 3,
        });
        limits.check_start(&user("alice"), Some(0)).unwrap();
        limits.check_start(&user("alice"), Some(1)).unwrap();
        match limits.check_start(&user("alice"), Some(2)) {
            Err(ApiError::RateLimited { retry_after, .. }) => {
                assert!(retry_after > Duration::from_secs(1000), "{retry_after:?}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let err = limits.check_start(&user("bob"), Some(3)).unwrap_err();
        assert!(err.to_string().contains("3 conversations running"), "{err}");
    }

    #[test]
    fn limits_apply_by_default_only_with_auth_on() {
        let env = Env::from_pairs([("RATE_LIMIT_BURST", "5"), ("RATE_LIMIT_RUNNING", "")]);
        let off = LimitSettings::from_env(&env, false).unwrap();
        assert_eq!(
            (off.requests_per_second, off.starts_per_hour, off.running),
            (0, 0, 0)
        );
        let on = LimitSettings::from_env(&env, true).unwrap();
        assert_eq!(on.burst, 5);
        assert_eq!(on.requests_per_second, DEFAULTS.requests_per_second);
        let err = LimitSettings::from_env(&Env::from_pairs([("RATE_LIMIT_BURST", "lots")]), true)
            .unwrap_err();
        assert_eq!(err.variable, "RATE_LIMIT_BURST");
        assert_eq!(retry_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_seconds(Duration::ZERO), 1);
        assert_eq!(retry_seconds(Duration::from_secs(3)), 3);
        assert_eq!(retry_seconds(Duration::from_millis(3001)), 4);
    }
}
