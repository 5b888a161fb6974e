//! The retry layer: 429 always, 5xx/408/transport failures only for idempotent methods.
//!
//! The decision is a pure function ([`RetryPolicy::decide`]) of the attempt number, the
//! method, the outcome, the time already spent waiting, "now" and a jitter sample, so it
//! is unit-tested without I/O. The [`Retry`] service runs the loop and waits with
//! `tokio::time::sleep`: dropping the call's future cancels the wait, and tokio's paused
//! clock drives it in tests.
//!
//! Delay precedence for a 429:
//! 1. `Retry-After` (delay-seconds or HTTP-date);
//! 2. `x-ratelimit-reset` − now;
//! 3. exponential backoff with jitter.
//!
//! A server hint longer than [`RetryPolicy::max_delay`], or one that would push the total
//! wait past [`RetryPolicy::max_total_wait`], is not slept through: the 429 is returned
//! (and becomes [`auth0_core::Error::RateLimited`] with its `reset_at`), so a caller is
//! never parked for minutes inside a call.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use auth0_core::Error;
use auth0_core::rate_limit::requested_wait;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use tower::ServiceExt as _;
use tower_layer::Layer;
use tower_service::Service;

use crate::request::RequestOptions;

/// Default attempts in total (one try and three retries, as `auth0-python`).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;

/// When and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, first try included (`1` = no retries). A request's own
    /// [`RequestOptions::max_attempts`] overrides it.
    pub max_attempts: u32,
    /// Backoff of the first retry, doubled for each further retry; also the shortest wait
    /// taken after a 429 whose headers say "now".
    pub base_delay: Duration,
    /// Longest single wait. A server asking for longer ends the retries.
    pub max_delay: Duration,
    /// Longest total time spent waiting across all retries of one call.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(30),
        }
    }
}

/// What an attempt ended with, as the policy sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A response arrived.
    Response(StatusCode, &'a HeaderMap),
    /// The attempt timed out.
    Timeout,
    /// The request could not be sent or the response not read.
    Transport,
    /// Any other error (configuration, decoding): never retried.
    Other,
}

impl<'a> Outcome<'a> {
    /// Classifies the result of one attempt.
    pub fn of(result: &'a Result<Response<Bytes>, Error>) -> Self {
        match result {
            Ok(r) => Self::Response(r.status(), r.headers()),
            Err(Error::Timeout(_)) => Self::Timeout,
            Err(Error::Transport(_)) => Self::Transport,
            Err(_) => Self::Other,
        }
    }
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send again.
    Retry(Duration),
    /// Return this outcome to the caller.
    Stop,
}

/// Whether a method may be replayed after a failure whose effect is unknown (RFC 9110
/// §9.2.2): GET, HEAD, OPTIONS, TRACE, PUT, DELETE.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

impl RetryPolicy {
    /// The policy with another attempt count.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Decides after attempt number `attempt` (1-based) of at most `max_attempts`.
    ///
    /// `waited` is the time already spent waiting in this call, `jitter` a sample in
    /// `[0, 1)`, `replay_unsafe` whether the caller allowed replaying a non-idempotent
    /// method.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        attempt: u32,
        max_attempts: u32,
        method: &Method,
        replay_unsafe: bool,
        outcome: Outcome<'_>,
        waited: Duration,
        now: SystemTime,
        jitter: f64,
    ) -> Decision {
        if attempt >= max_attempts {
            return Decision::Stop;
        }
        let replayable = replay_unsafe || is_idempotent(method);
        let delay = match outcome {
            Outcome::Response(StatusCode::TOO_MANY_REQUESTS, headers) => {
                match Self::server_hint(headers, now) {
                    Some(hint) if hint > self.max_delay => return Decision::Stop,
                    Some(hint) => hint.max(self.base_delay),
                    None => self.backoff(attempt, jitter),
                }
            }
            Outcome::Response(status, _)
                if replayable
                    && (status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT)
                    // 501 Not Implemented will not change by asking again.
                    && status != StatusCode::NOT_IMPLEMENTED =>
            {
                self.backoff(attempt, jitter)
            }
            Outcome::Timeout | Outcome::Transport if replayable => self.backoff(attempt, jitter),
            _ => return Decision::Stop,
        };
        if waited + delay > self.max_total_wait {
            return Decision::Stop;
        }
        Decision::Retry(delay)
    }

    /// The wait a 429 asks for: `Retry-After`, else `x-ratelimit-reset` − now
    /// ([`auth0_core::rate_limit::requested_wait`]).
    pub fn server_hint(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
        requested_wait(headers, now)
    }

    /// Exponential backoff for retry number `attempt` (1-based): `base · 2^(attempt−1)`
    /// capped at `max_delay`, with "equal jitter" (between half and all of it).
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// Adds [`Retry`] around a service.
#[derive(Debug, Clone, Copy, Default)]
pub struct RetryLayer {
    policy: RetryPolicy,
}

impl RetryLayer {
    /// A layer with this policy.
    pub fn new(policy: RetryPolicy) -> Self {
        Self { policy }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;
    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: self.policy,
        }
    }
}

/// Sends a request again while [`RetryPolicy::decide`] says so. See the module docs.
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    policy: RetryPolicy,
}

/// Copies a buffered request, extensions included.
pub(crate) fn clone_request(req: &Request<Bytes>) -> Request<Bytes> {
    let mut out = Request::new(req.body().clone());
    *out.method_mut() = req.method().clone();
    *out.uri_mut() = req.uri().clone();
    *out.version_mut() = req.version();
    *out.headers_mut() = req.headers().clone();
    *out.extensions_mut() = req.extensions().clone();
    out
}

impl<S> Service<Request<Bytes>> for Retry<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        // Readiness of the inner service is awaited per attempt (`ready`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        Box::pin(run(self.inner.clone(), self.policy, req))
    }
}

/// One call with its retries: what [`Retry`] runs for each request. The client calls it
/// directly, with its own clone of the layers below, which spares it a second clone of
/// them and the boxing of this future.
///
/// The request is kept as a template; each attempt but the last sends a copy, the last
/// sends the template itself. Nothing larger than the template, the service and the
/// future of the current step lives across an `await`, which keeps this future small.
pub(crate) async fn run<S>(
    mut inner: S,
    policy: RetryPolicy,
    req: Request<Bytes>,
) -> Result<Response<Bytes>, Error>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>,
{
    let options = req
        .extensions()
        .get::<RequestOptions>()
        .copied()
        .unwrap_or_default();
    let max_attempts = options.max_attempts.unwrap_or(policy.max_attempts).max(1);
    let mut template = Some(req);
    let mut waited = Duration::ZERO;
    let mut attempt = 1;
    loop {
        let last = attempt >= max_attempts;
        let result = match inner.ready().await {
            Ok(svc) => {
                let request = if last {
                    template.take()
                } else {
                    template.as_ref().map(clone_request)
                };
                match request {
                    Some(request) => svc.call(request).await,
                    None => Err(Error::Config("retry lost its request".to_owned())),
                }
            }
            Err(e) => Err(e),
        };
        if let Ok(r) = &result
            && r.status().as_u16() < 400
        {
            return result;
        }
        let decision = match &template {
            Some(template) if !last => policy.decide(
                attempt,
                max_attempts,
                template.method(),
                options.retry_non_idempotent,
                Outcome::of(&result),
                waited,
                SystemTime::now(),
                crate::random::unit(),
            ),
            _ => Decision::Stop,
        };
        let Decision::Retry(delay) = decision else {
            return result;
        };
        drop(result);
        tokio::time::sleep(delay).await;
        waited += delay;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use std::time::UNIX_EPOCH;

    const NOW: u64 = 1_445_412_480; // Wed, 21 Oct 2015 07:28:00 GMT

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    fn decide(method: &Method, outcome: Outcome<'_>, attempt: u32) -> Decision {
        RetryPolicy::default().decide(
            attempt,
            4,
            method,
            false,
            outcome,
            Duration::ZERO,
            now(),
            0.5,
        )
    }

    #[test]
    fn retry_after_seconds_wins_over_reset() {
        let h = headers(&[
            ("retry-after", "3"),
            ("x-ratelimit-reset", &(NOW + 7).to_string()),
        ]);
        assert_eq!(
            decide(
                &Method::POST,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            Decision::Retry(Duration::from_secs(3))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:05 GMT")]);
        assert_eq!(
            decide(
                &Method::GET,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            Decision::Retry(Duration::from_secs(5))
        );
    }

    #[test]
    fn reset_header_when_no_retry_after() {
        let h = headers(&[
            ("x-ratelimit-limit", "10"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &(NOW + 2).to_string()),
        ]);
        assert_eq!(
            decide(
                &Method::PATCH,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                2
            ),
            Decision::Retry(Duration::from_secs(2))
        );
        // A reset in the past still waits the base delay rather than hammering.
        let h = headers(&[("x-ratelimit-reset", &(NOW - 5).to_string())]);
        assert_eq!(
            decide(
                &Method::GET,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            Decision::Retry(Duration::from_millis(250))
        );
    }

    #[test]
    fn unreadable_hints_fall_back_to_backoff() {
        let h = headers(&[("retry-after", "soon"), ("x-ratelimit-reset", "-1")]);
        assert_eq!(
            decide(
                &Method::GET,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            // jitter 0.5 of 250 ms: 125 + 62.5
            Decision::Retry(Duration::from_micros(187_500))
        );
    }

    #[test]
    fn long_hints_stop_instead_of_sleeping() {
        let h = headers(&[("x-ratelimit-reset", &(NOW + 60).to_string())]);
        assert_eq!(
            decide(
                &Method::GET,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            Decision::Stop
        );
        let h = headers(&[("retry-after", "11")]);
        assert_eq!(
            decide(
                &Method::GET,
                Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h),
                1
            ),
            Decision::Stop
        );
    }

    #[test]
    fn total_wait_is_capped() {
        let h = headers(&[("retry-after", "8")]);
        let p = RetryPolicy::default();
        let outcome = Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h);
        assert_eq!(
            p.decide(
                2,
                10,
                &Method::GET,
                false,
                outcome,
                Duration::from_secs(22),
                now(),
                0.0
            ),
            Decision::Retry(Duration::from_secs(8))
        );
        assert_eq!(
            p.decide(
                3,
                10,
                &Method::GET,
                false,
                outcome,
                Duration::from_secs(23),
                now(),
                0.0
            ),
            Decision::Stop
        );
    }

    #[test]
    fn attempts_are_capped() {
        let h = HeaderMap::new();
        let outcome = Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &h);
        assert!(matches!(
            decide(&Method::GET, outcome, 3),
            Decision::Retry(_)
        ));
        assert_eq!(decide(&Method::GET, outcome, 4), Decision::Stop);
    }

    #[test]
    fn server_errors_only_for_idempotent_methods() {
        let h = HeaderMap::new();
        for status in [500, 502, 503, 504, 408] {
            let s = StatusCode::from_u16(status).unwrap();
            for m in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
                assert!(
                    matches!(decide(&m, Outcome::Response(s, &h), 1), Decision::Retry(_)),
                    "{m} {s}"
                );
            }
            for m in [Method::POST, Method::PATCH] {
                assert_eq!(
                    decide(&m, Outcome::Response(s, &h), 1),
                    Decision::Stop,
                    "{m} {s}"
                );
                // ...unless the caller opted in.
                assert!(matches!(
                    RetryPolicy::default().decide(
                        1,
                        4,
                        &m,
                        true,
                        Outcome::Response(s, &h),
                        Duration::ZERO,
                        now(),
                        0.5
                    ),
                    Decision::Retry(_)
                ));
            }
        }
        for status in [400, 401, 403, 404, 409, 501] {
            let s = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                decide(&Method::GET, Outcome::Response(s, &h), 1),
                Decision::Stop,
                "{s}"
            );
        }
        assert_eq!(
            decide(&Method::GET, Outcome::Response(StatusCode::OK, &h), 1),
            Decision::Stop
        );
    }

    #[test]
    fn transport_and_timeouts_only_for_idempotent_methods() {
        for outcome in [Outcome::Timeout, Outcome::Transport] {
            assert!(matches!(
                decide(&Method::GET, outcome, 1),
                Decision::Retry(_)
            ));
            assert_eq!(decide(&Method::POST, outcome, 1), Decision::Stop);
        }
        assert_eq!(decide(&Method::GET, Outcome::Other, 1), Decision::Stop);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(125));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(250));
        assert_eq!(p.backoff(2, 0.0), Duration::from_millis(250));
        assert_eq!(p.backoff(3, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(10, 1.0), Duration::from_secs(10));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(10));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(5));
        let mut prev = Duration::ZERO;
        for attempt in 1..8 {
            let d = p.backoff(attempt, 0.99);
            assert!(d >= prev && d <= p.max_delay);
            prev = d;
        }
    }

    #[test]
    fn idempotency_table() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
