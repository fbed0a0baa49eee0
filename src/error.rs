//! The one error type of the crate. Pure code returns it; the JS boundary turns it into a thrown JS `Error`
//! whose `name` and `code` are `code` (the AWS error code where there is one) and whose `message` is `message`.
//! Messages never contain secrets, tokens or signatures.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use core::fmt;

/// The error's contents. `Cow`: the codes and most messages are static text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
    /// Whether trying again later can help (throttling, server errors, network failures).
    pub retryable: bool,
}

/// Boxed, so that a `Result` stays the size of its value and each `?` moves one pointer: errors are rare,
/// results are everywhere (this keeps several KiB of copying out of the wasm). Fields read through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Details>);

impl core::ops::Deref for Error {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Error(Box::new(Details { code: Cow::Borrowed(code), message: message.into(), retryable: false }))
    }

    /// The same error, marked as worth trying again later or not.
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// An error a service answered with (`__type` / `Code`), HTTP status `status`.
    pub fn service(code: String, message: String, status: u16) -> Self {
        let retryable = status >= 500
            || matches!(
                code.as_str(),
                "TooManyRequestsException" | "ThrottlingException" | "Throttling" | "ProvisionedThroughputExceededException" | "RequestLimitExceeded" | "InternalErrorException" | "ServiceUnavailable" | "SlowDown"
            );
        Error(Box::new(Details { code: Cow::Owned(code), message: Cow::Owned(message), retryable }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub type Result<T> = core::result::Result<T, Error>;

/// Codes of errors raised by this library itself (AWS's own codes are passed through unchanged).
pub mod code {
    pub const INVALID_URL: &str = "InvalidUrl";
    pub const MISSING_CREDENTIALS: &str = "MissingCredentials";
    pub const INVALID_DATETIME: &str = "InvalidDatetime";
    pub const INVALID_EXPIRES: &str = "InvalidExpires";
    pub const UNKNOWN_SERVICE: &str = "UnknownService";
    pub const UNKNOWN_REGION: &str = "UnknownRegion";
    pub const INVALID_HEADER: &str = "InvalidHeader";
    pub const INVALID_BODY: &str = "InvalidBody";
    pub const INVALID_ARGUMENT: &str = "InvalidArgument";
    /// The request never got an answer (offline, DNS, CORS, connection reset): distinct from service errors.
    pub const NETWORK_ERROR: &str = "NetworkError";
}
