//! The per-client rate limit: a token bucket per client address, held in memory only (never
//! written, never logged) and forgotten once full again.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Token buckets by client.
pub struct Limiter {
    per_minute: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Buckets kept before full ones are forgotten.
const PRUNE_AT: usize = 10_000;

impl Limiter {
    /// `per_minute` posts a minute per client after a burst of `burst`; 0 turns the limit off.
    pub fn new(per_minute: u32, burst: u32) -> Limiter {
        Limiter {
            per_minute: f64::from(per_minute),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`; false when it has none left.
    pub fn allow(&self, client: IpAddr) -> bool {
        if self.per_minute == 0.0 {
            return true;
        }
        let now = Instant::now();
        let rate = self.per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT {
            let burst = self.burst;
            buckets.retain(|_, (t, at)| *t + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusal_per_client() {
        let l = Limiter::new(1, 3);
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        assert!((0..3).all(|_| l.allow(a)));
        assert!(!l.allow(a));
        assert!(l.allow(b));
        assert!((0..100).all(|_| Limiter::new(0, 1).allow(a)));
    }
}
