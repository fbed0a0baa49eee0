//! The sign-in step machine: what Cognito answered (its ChallengeName, and whether tokens came) decides the next
//! step ([`next`], [`Next`]); what the user answers to a challenge becomes `ChallengeResponses` ([`responses`]).
//! Step names follow Amplify's `signInStep` so that moving from Amplify is mechanical.

use crate::cat;
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

pub const UNSUPPORTED_CHALLENGE: &str = "UnsupportedChallenge";

/// Tokens from an AuthenticationResult.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tokens<'a> {
    pub id_token: &'a str,
    pub access_token: &'a str,
    /// Absent when a refresh does not rotate it.
    pub refresh_token: Option<&'a str>,
    pub expires_in: i64,
}

/// What an InitiateAuth or RespondToAuthChallenge answer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Signed in.
    Done,
    /// SRP's PASSWORD_VERIFIER: the library answers it itself.
    PasswordVerifier,
    /// A challenge the library answers itself: a remembered device's SRP (DEVICE_SRP_AUTH,
    /// DEVICE_PASSWORD_VERIFIER) with the device's password ([`super::device`]), or WEB_AUTHN with the browser's
    /// passkey ceremony ([`super::passkey`]).
    Auto(&'static str),
    /// The user has to answer (a code, a new password, a choice ...): Amplify's `signInStep` for it.
    Ask(&'static str),
}

/// Amplify's `signInStep` for a Cognito challenge the user answers.
pub fn step_name(challenge: &str) -> Option<&'static str> {
    Some(match challenge {
        "NEW_PASSWORD_REQUIRED" => "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
        "SMS_MFA" | "SMS_OTP" => "CONFIRM_SIGN_IN_WITH_SMS_CODE",
        "SOFTWARE_TOKEN_MFA" => "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
        "EMAIL_OTP" => "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
        "SELECT_MFA_TYPE" => "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
        "CUSTOM_CHALLENGE" => "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
        "SELECT_CHALLENGE" => "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        "MFA_SETUP" => "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        _ => return None,
    })
}

/// The next step after an answer with `challenge` (its ChallengeName) and, when `has_tokens`, an
/// AuthenticationResult.
pub fn next(challenge: Option<&str>, has_tokens: bool) -> Result<Next> {
    match (has_tokens, challenge) {
        (true, None) => Ok(Next::Done),
        (_, Some("PASSWORD_VERIFIER")) => Ok(Next::PasswordVerifier),
        (_, Some("DEVICE_SRP_AUTH")) => Ok(Next::Auto("DEVICE_SRP_AUTH")),
        (_, Some("DEVICE_PASSWORD_VERIFIER")) => Ok(Next::Auto("DEVICE_PASSWORD_VERIFIER")),
        (_, Some("WEB_AUTHN")) => Ok(Next::Auto("WEB_AUTHN")),
        (_, Some(c)) => match step_name(c) {
            Some(step) => Ok(Next::Ask(step)),
            None => Err(Error::new(UNSUPPORTED_CHALLENGE, cat(&["this library cannot answer Cognito's ", c, " challenge yet"]))),
        },
        (false, None) => Err(Error::new(crate::error::code::INVALID_ARGUMENT, "Cognito answered with neither tokens nor a challenge")),
    }
}

/// `ChallengeResponses` (without USERNAME and SECRET_HASH) for the user's `answer` to `challenge`;
/// `attributes` are required attributes sent with a new password.
pub fn responses(challenge: &str, answer: &str, attributes: &[(&str, &str)]) -> Result<Vec<(String, String)>> {
    let key = match challenge {
        "NEW_PASSWORD_REQUIRED" => "NEW_PASSWORD",
        "SMS_MFA" => "SMS_MFA_CODE",
        "SMS_OTP" => "SMS_OTP_CODE",
        "SOFTWARE_TOKEN_MFA" => "SOFTWARE_TOKEN_MFA_CODE",
        "EMAIL_OTP" => "EMAIL_OTP_CODE",
        "SELECT_MFA_TYPE" | "CUSTOM_CHALLENGE" | "SELECT_CHALLENGE" => "ANSWER",
        other => return Err(Error::new(UNSUPPORTED_CHALLENGE, cat(&["this library cannot answer Cognito's ", other, " challenge yet"]))),
    };
    if answer.is_empty() {
        return Err(Error::new(crate::error::code::INVALID_ARGUMENT, "challengeResponse is required"));
    }
    let mut out = vec![(key.to_owned(), answer.to_owned())];
    if challenge == "NEW_PASSWORD_REQUIRED" {
        for (k, v) in attributes {
            out.push((cat(&["userAttributes.", k]), (*v).to_owned()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps() {
        assert_eq!(next(None, true).ok(), Some(Next::Done));
        assert_eq!(next(Some("PASSWORD_VERIFIER"), false).ok(), Some(Next::PasswordVerifier));
        for (c, step) in [
            ("NEW_PASSWORD_REQUIRED", "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"),
            ("SMS_MFA", "CONFIRM_SIGN_IN_WITH_SMS_CODE"),
            ("SOFTWARE_TOKEN_MFA", "CONFIRM_SIGN_IN_WITH_TOTP_CODE"),
            ("EMAIL_OTP", "CONFIRM_SIGN_IN_WITH_EMAIL_CODE"),
            ("SELECT_MFA_TYPE", "CONTINUE_SIGN_IN_WITH_MFA_SELECTION"),
            ("CUSTOM_CHALLENGE", "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"),
            ("MFA_SETUP", "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"),
        ] {
            assert_eq!(next(Some(c), false).ok(), Some(Next::Ask(step)), "{c}");
            // A challenge wins over tokens that came with it.
            assert_eq!(next(Some(c), true).ok(), Some(Next::Ask(step)), "{c}");
        }
        assert_eq!(next(Some("DEVICE_SRP_AUTH"), false).ok(), Some(Next::Auto("DEVICE_SRP_AUTH")));
        assert_eq!(next(Some("DEVICE_PASSWORD_VERIFIER"), false).ok(), Some(Next::Auto("DEVICE_PASSWORD_VERIFIER")));
        assert_eq!(next(Some("WEB_AUTHN"), false).ok(), Some(Next::Auto("WEB_AUTHN")));
        assert_eq!(next(Some("WEB_AUTHN_X"), false).err().map(|e| e.code.to_string()), Some(UNSUPPORTED_CHALLENGE.into()));
        assert!(next(None, false).is_err());
    }

    #[test]
    fn challenge_responses() {
        let attrs = [("name", "Ann")];
        assert_eq!(
            responses("NEW_PASSWORD_REQUIRED", "N3w!", &attrs).ok(),
            Some(vec![("NEW_PASSWORD".into(), "N3w!".into()), ("userAttributes.name".into(), "Ann".into())])
        );
        assert_eq!(responses("SOFTWARE_TOKEN_MFA", "123456", &attrs).ok(), Some(vec![("SOFTWARE_TOKEN_MFA_CODE".into(), "123456".into())]));
        assert_eq!(responses("SELECT_MFA_TYPE", "SMS_MFA", &[]).ok(), Some(vec![("ANSWER".into(), "SMS_MFA".into())]));
        assert!(responses("SMS_MFA", "", &[]).is_err());
        assert!(responses("MFA_SETUP", "x", &[]).is_err());
    }
}
