//! When a signed AWS request is tried again, and how long to wait first (pure; the browser layer sleeps and
//! sends). Follows AWS's standard retry mode: transient errors (5xx, 429, throttling codes) are retried for
//! idempotent requests with full-jitter exponential backoff; a clock-skew error is retried once after the
//! clock offset is corrected; an expired-credentials error once after the credentials are refreshed.

/// Attempts in all (the first one included) for transient errors, as AWS SDKs' standard mode.
pub const MAX_ATTEMPTS: u32 = 3;
const BASE_MS: u32 = 100;
const CAP_MS: u32 = 20_000;

/// What to do after an answer (or no answer) to a signed request.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Decision {
    /// Hand the answer to the caller.
    Done,
    /// Wait, then send again (a transient error).
    Backoff,
    /// Sign again with the server's clock (taken from its `Date`), once.
    FixClock,
    /// Refresh the credentials and sign again, once.
    RefreshCredentials,
}

/// Error codes AWS documents as throttling or transient.
pub fn is_transient_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "TransactionInProgressException"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "RequestThrottled"
            | "SlowDown"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException"
            | "InternalError"
            | "InternalServerError"
            | "InternalFailure"
            | "ServiceUnavailable"
            | "RequestTimeout"
            | "RequestTimeoutException"
    )
}

/// Clock-skew errors: the signature was made with a clock too far from the server's.
pub fn is_skew_error(code: &str, message: &str) -> bool {
    matches!(code, "RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture")
        || (matches!(code, "InvalidSignatureException" | "SignatureDoesNotMatch" | "AuthFailure" | "AccessDenied")
            && (crate::find_str(message, "Signature expired").is_some() || crate::find_str(message, "Signature not yet current").is_some()))
}

/// Credentials that are no longer valid (temporary credentials past their expiry).
pub fn is_expired_credentials(code: &str) -> bool {
    matches!(code, "ExpiredToken" | "ExpiredTokenException" | "TokenRefreshRequired" | "RequestExpiredToken")
}

/// Methods that may be sent twice with the same effect.
pub fn is_idempotent(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
}

/// Where a request is in its tries.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// Attempts allowed for transient errors (the first one included).
    pub max: u32,
    /// The request may be repeated: GET/HEAD/PUT/DELETE, or AWS JSON APIs like DynamoDB (a throttled or 5xx
    /// request was not applied, per AWS's retry guidance).
    pub idempotent: bool,
    /// The one re-sign after a clock-skew error was used.
    pub skew_fixed: bool,
    /// The one retry with refreshed credentials was used.
    pub refreshed: bool,
}

impl Attempt {
    pub fn first(max: u32, idempotent: bool) -> Attempt {
        Attempt { number: 1, max, idempotent, skew_fixed: false, refreshed: false }
    }
}

/// The decision for an answer with `status` and error `code`/`message` (empty when there is no error body).
pub fn decide(status: u16, code: &str, message: &str, a: &Attempt) -> Decision {
    if (200..400).contains(&status) {
        return Decision::Done;
    }
    if is_skew_error(code, message) {
        return if a.skew_fixed { Decision::Done } else { Decision::FixClock };
    }
    if is_expired_credentials(code) {
        return if a.refreshed { Decision::Done } else { Decision::RefreshCredentials };
    }
    let transient = status >= 500 || status == 429 || is_transient_code(code);
    if transient && a.idempotent && a.number < a.max {
        Decision::Backoff
    } else {
        Decision::Done
    }
}

/// Full-jitter backoff before attempt `attempt + 1`: a random wait in `[0, min(cap, base · 2^attempt))`
/// milliseconds, `random` being a uniformly random `u32`.
pub fn backoff_ms(attempt: u32, random: u32) -> u32 {
    let ceiling = BASE_MS.saturating_mul(1u32 << attempt.min(16)).min(CAP_MS);
    ((u64::from(random) * u64::from(ceiling)) >> 32) as u32
}

/// A network failure (no answer at all) is retried like a 5xx for idempotent requests.
pub fn retry_network_failure(a: &Attempt) -> bool {
    a.idempotent && a.number < a.max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(number: u32, idempotent: bool, skew_fixed: bool, refreshed: bool) -> Attempt {
        Attempt { number, max: MAX_ATTEMPTS, idempotent, skew_fixed, refreshed }
    }

    #[test]
    fn decisions() {
        assert_eq!(decide(200, "", "", &at(1, true, false, false)), Decision::Done);
        assert_eq!(decide(503, "SlowDown", "", &at(1, true, false, false)), Decision::Backoff);
        assert_eq!(decide(500, "", "", &at(2, true, false, false)), Decision::Backoff);
        assert_eq!(decide(500, "", "", &at(3, true, false, false)), Decision::Done);
        assert_eq!(decide(429, "", "", &at(1, false, false, false)), Decision::Done, "not idempotent");
        assert_eq!(decide(400, "ThrottlingException", "", &at(1, true, false, false)), Decision::Backoff);
        assert_eq!(decide(400, "ProvisionedThroughputExceededException", "", &at(1, true, false, false)), Decision::Backoff);
        assert_eq!(decide(400, "ValidationException", "", &at(1, true, false, false)), Decision::Done);
        assert_eq!(decide(403, "RequestTimeTooSkewed", "", &at(1, true, false, false)), Decision::FixClock);
        assert_eq!(decide(403, "RequestTimeTooSkewed", "", &at(1, true, true, false)), Decision::Done);
        let expired = "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z";
        assert_eq!(decide(400, "InvalidSignatureException", expired, &at(1, false, false, false)), Decision::FixClock);
        assert_eq!(decide(400, "InvalidSignatureException", "The request signature we calculated does not match", &at(1, true, false, false)), Decision::Done);
        assert_eq!(decide(400, "ExpiredTokenException", "", &at(1, true, false, false)), Decision::RefreshCredentials);
        assert_eq!(decide(400, "ExpiredToken", "", &at(1, true, false, true)), Decision::Done);
        assert!(is_idempotent("get") && is_idempotent("PUT") && !is_idempotent("POST"));
        assert!(retry_network_failure(&at(1, true, false, false)) && !retry_network_failure(&at(3, true, false, false)) && !retry_network_failure(&at(1, false, false, false)));
    }

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        assert_eq!(backoff_ms(1, 0), 0);
        assert_eq!(backoff_ms(1, u32::MAX), 199);
        assert_eq!(backoff_ms(2, u32::MAX / 2), 199);
        assert_eq!(backoff_ms(30, u32::MAX), CAP_MS - 1);
    }
}
