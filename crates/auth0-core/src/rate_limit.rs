//! Auth0's rate-limit headers, read from any response.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

/// Header with the request quota of the current window.
pub const LIMIT_HEADER: &str = "x-ratelimit-limit";
/// Header with the requests left in the current window.
pub const REMAINING_HEADER: &str = "x-ratelimit-remaining";
/// Header with the UNIX time (seconds) at which the window resets.
pub const RESET_HEADER: &str = "x-ratelimit-reset";

/// The `x-ratelimit-*` headers of a response, each absent when the server did not send it
/// or sent something that is not a non-negative integer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// `x-ratelimit-limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`: UNIX time in seconds at which the window resets.
    pub reset_at: Option<u64>,
}

impl RateLimit {
    /// Reads the three headers (the first value of each, as `HeaderMap::get` gives it).
    ///
    /// One pass over the headers rather than three hashed lookups: this runs for every
    /// response.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut out = Self::default();
        let mut seen = [false; 3];
        for (name, value) in headers {
            let Some(suffix) = name.as_str().strip_prefix("x-ratelimit-") else {
                continue;
            };
            let slot = match suffix {
                "limit" => 0,
                "remaining" => 1,
                "reset" => 2,
                _ => continue,
            };
            if std::mem::replace(&mut seen[slot], true) {
                continue;
            }
            let parsed = parse_u64(value.as_bytes().trim_ascii());
            match slot {
                0 => out.limit = parsed,
                1 => out.remaining = parsed,
                _ => out.reset_at = parsed,
            }
        }
        out
    }

    /// Whether none of the headers was present.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset_at.is_none()
    }

    /// The reset time as a [`SystemTime`].
    pub fn reset_time(&self) -> Option<SystemTime> {
        self.reset_at
            .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
    }

    /// How long from `now` until the window resets (zero if it already has).
    pub fn reset_after(&self, now: SystemTime) -> Option<Duration> {
        let reset = self.reset_time()?;
        Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

// Parsed once at compile time: a lookup by `&str` parses the name on every call.
/// Decimal digits (with an optional leading `+`, as `str::parse` takes) as a `u64`; `None`
/// when empty, not all digits, or too large. Reads the header bytes without a UTF-8 pass.
fn parse_u64(digits: &[u8]) -> Option<u64> {
    let digits = digits.strip_prefix(b"+").unwrap_or(digits);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0_u64, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Reads `Retry-After` as a wait from `now`: either delay seconds or an HTTP date.
///
/// A date in the past gives zero; an unreadable value gives `None`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait a rate-limited (429) response asks for: `Retry-After` when present and readable
/// (delay seconds or an HTTP date), else the time until `x-ratelimit-reset`; `None` when the
/// response says neither. Both clients' retry policies start from this one reading and then
/// apply their own floor, cap and fallback backoff.
pub fn requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| RateLimit::from_headers(headers).reset_after(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn numbers_read_as_str_parse_reads_them() {
        for text in [
            "0",
            "50",
            " 7 ",
            "+5",
            "18446744073709551615",
            "18446744073709551616",
            "",
            "+",
            "-1",
            "1.5",
            "1e3",
            "12a",
            "٣",
            "\t42\t",
        ] {
            assert_eq!(
                parse_u64(text.as_bytes().trim_ascii()),
                text.trim().parse::<u64>().ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_first_value_of_a_repeated_header_counts_as_get_reads_it() {
        let mut map = HeaderMap::new();
        map.append("x-ratelimit-remaining", HeaderValue::from_static("7"));
        map.append("x-ratelimit-remaining", HeaderValue::from_static("3"));
        map.append("x-ratelimit-limit", HeaderValue::from_static("soon"));
        map.append("x-ratelimit-limit", HeaderValue::from_static("50"));
        map.append("x-ratelimit-resets", HeaderValue::from_static("9"));
        let rl = RateLimit::from_headers(&map);
        assert_eq!(rl.remaining, Some(7));
        assert_eq!(
            rl.limit, None,
            "the first value is unreadable; later ones do not count"
        );
        assert_eq!(rl.reset_at, None);
    }

    #[test]
    fn reads_all_three() {
        let rl = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "50"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000000"),
        ]));
        assert_eq!(
            rl,
            RateLimit {
                limit: Some(50),
                remaining: Some(0),
                reset_at: Some(1_700_000_000)
            }
        );
        assert_eq!(
            rl.reset_after(UNIX_EPOCH + Duration::from_secs(1_699_999_990)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            rl.reset_after(UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn absent_or_garbage_is_none_not_minus_one() {
        let rl = RateLimit::from_headers(&HeaderMap::new());
        assert!(rl.is_empty());
        assert_eq!(rl.reset_at, None);
        let rl = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-reset", "-1"),
            ("x-ratelimit-limit", "lots"),
            ("x-ratelimit-remaining", "1.5"),
        ]));
        assert!(rl.is_empty());
        assert_eq!(rl.reset_time(), None);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        // Wed, 21 Oct 2015 07:28:00 GMT == 1445412480
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT")]),
                now
            ),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT")]),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn requested_wait_prefers_retry_after_then_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let both = headers(&[("retry-after", "7"), ("x-ratelimit-reset", "1004")]);
        assert_eq!(requested_wait(&both, now), Some(Duration::from_secs(7)));
        let unreadable = headers(&[("retry-after", "soon"), ("x-ratelimit-reset", "1004")]);
        assert_eq!(
            requested_wait(&unreadable, now),
            Some(Duration::from_secs(4))
        );
        let past = headers(&[("x-ratelimit-reset", "900")]);
        assert_eq!(requested_wait(&past, now), Some(Duration::ZERO));
        assert_eq!(requested_wait(&HeaderMap::new(), now), None);
    }
}
