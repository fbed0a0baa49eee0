//! The signed-in session: tokens, when they expire, and how far the local clock is off. Expiry is judged on
//! the server's clock (local time + the offset learned from Cognito's `Date` header), so a device clock that
//! is an hour off either way neither signs anyone out nor keeps an expired token in use.
//! The session is stored as one JSON record per app client, written in one `setItem` (never key by key);
//! it holds tokens and what the library needs, no user attributes.

use super::steps::Tokens;
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;

/// The record's format; any other version reads as "signed out".
pub const RECORD_VERSION: i64 = 1;
/// Refresh this many seconds before the access/ID tokens expire.
pub const REFRESH_MARGIN: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session<'a> {
    pub username: &'a str,
    pub id_token: &'a str,
    pub access_token: &'a str,
    pub refresh_token: &'a str,
    /// Unix seconds, on the server's clock.
    pub expires_at: i64,
    /// Server clock minus local clock, seconds.
    pub clock_offset: i64,
    /// How the user signed in when not with `signIn`: `signInWithRedirect` or `signInWithPopup` (hosted UI).
    pub sign_in_method: Option<&'a str>,
}

/// The clock offset from a response's `Date` (server, seconds) seen at local time `local_now`.
pub fn clock_offset(server_date: Option<i64>, local_now: i64, previous: i64) -> i64 {
    server_date.map_or(previous, |d| d - local_now)
}

/// True when tokens expiring at `expires_at` (server clock) expire within the refresh margin at `local_now`.
pub fn needs_refresh(expires_at: i64, clock_offset: i64, local_now: i64) -> bool {
    expires_at - (local_now + clock_offset) <= REFRESH_MARGIN
}

impl<'a> Session<'a> {
    /// A session from fresh tokens. `token_exp` is the access token's `exp` claim when readable.
    pub fn from_tokens(username: &'a str, tokens: &Tokens<'a>, refresh_token: &'a str, token_exp: Option<i64>, local_now: i64, clock_offset: i64) -> Session<'a> {
        let server_now = local_now + clock_offset;
        Session {
            username,
            id_token: tokens.id_token,
            access_token: tokens.access_token,
            refresh_token,
            expires_at: token_exp.unwrap_or(server_now + tokens.expires_in),
            clock_offset,
            sign_in_method: None,
        }
    }

    /// True when the tokens expire within the refresh margin, judged on the server's clock.
    pub fn needs_refresh(&self, local_now: i64) -> bool {
        needs_refresh(self.expires_at, self.clock_offset, local_now)
    }

    /// The storage record for app client `client_id`.
    pub fn record(&self, client_id: &str) -> String {
        Object::new()
            .num("v", RECORD_VERSION)
            .str("clientId", client_id)
            .str("username", self.username)
            .str("idToken", self.id_token)
            .str("accessToken", self.access_token)
            .str("refreshToken", self.refresh_token)
            .num("expiresAt", self.expires_at)
            .num("clockOffset", self.clock_offset)
            .opt_str("signInMethod", self.sign_in_method)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens<'static> {
        Tokens { id_token: "i", access_token: "a", refresh_token: Some("r"), expires_in: 3600 }
    }

    #[test]
    fn expiry_is_judged_on_the_server_clock() {
        let server_now = 1_700_000_000;
        for skew in [-3600, 0, 3600] {
            // The local clock is `skew` seconds ahead of the server's.
            let local = server_now + skew;
            let offset = clock_offset(Some(server_now), local, 0);
            assert_eq!(offset, -skew);
            let s = Session::from_tokens("u", &tokens(), "r", Some(server_now + 3600), local, offset);
            assert!(!s.needs_refresh(local), "fresh tokens with skew {skew}");
            assert!(!s.needs_refresh(local + 3600 - REFRESH_MARGIN - 1), "still fresh just before the margin");
            assert!(s.needs_refresh(local + 3600 - REFRESH_MARGIN), "refresh within the margin");
            assert!(s.needs_refresh(local + 7200), "expired");
        }
        // No Date header: keep the previous offset; no exp claim: ExpiresIn from now.
        assert_eq!(clock_offset(None, 5, 42), 42);
        assert_eq!(Session::from_tokens("u", &tokens(), "r", None, 100, 10).expires_at, 3710);
    }

    #[test]
    fn record_is_one_json_object() {
        let s = Session::from_tokens("ann", &tokens(), "r", Some(99), 0, -5);
        assert_eq!(
            s.record("c1"),
            r#"{"v":1,"clientId":"c1","username":"ann","idToken":"i","accessToken":"a","refreshToken":"r","expiresAt":99,"clockOffset":-5}"#
        );
        let s = Session { sign_in_method: Some("signInWithRedirect"), ..s };
        assert_eq!(
            s.record("c1"),
            r#"{"v":1,"clientId":"c1","username":"ann","idToken":"i","accessToken":"a","refreshToken":"r","expiresAt":99,"clockOffset":-5,"signInMethod":"signInWithRedirect"}"#
        );
    }
}
