//! The sign-in step machine: what Cognito answered ([`Reply`]) decides the next step ([`Next`]); what the
//! user answers to a challenge becomes `ChallengeResponses` ([`responses`]). Step names follow Amplify's
//! `signInStep` so that moving from Amplify is mechanical.

use crate::cat;
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

pub const UNSUPPORTED_CHALLENGE: &str = "UnsupportedChallenge";

/// Tokens from an AuthenticationResult.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    pub id_token: String,
    pub access_token: String,
    /// Absent when a refresh does not rotate it.
    pub refresh_token: Option<String>,
    pub expires_in: i64,
}

/// InitiateAuth's or RespondToAuthChallenge's answer, as the boundary reads it from the JSON.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub challenge: Option<String>,
    pub session: Option<String>,
    pub params: Vec<(String, String)>,
    pub tokens: Option<Tokens>,
    /// USER_AUTH's `AvailableChallenges` (first factors the user may choose).
    pub available: Vec<String>,
}

impl Reply {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A challenge the user must answer, with Amplify's step name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub challenge: String,
    pub step: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Signed in.
    Done(Tokens),
    /// SRP's PASSWORD_VERIFIER: the library answers it itself.
    PasswordVerifier,
    /// The user has to answer (a code, a new password, a choice ...).
    Ask(Prompt),
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

pub fn next(reply: &Reply) -> Result<Next> {
    match (&reply.tokens, reply.challenge.as_deref()) {
        (Some(t), None) => Ok(Next::Done(t.clone())),
        (_, Some("PASSWORD_VERIFIER")) => Ok(Next::PasswordVerifier),
        (_, Some(c)) => match step_name(c) {
            Some(step) => Ok(Next::Ask(Prompt { challenge: c.into(), step })),
            None => Err(Error::new(UNSUPPORTED_CHALLENGE, cat(&["this library cannot answer Cognito's ", c, " challenge yet"]))),
        },
        (None, None) => Err(Error::new(crate::error::code::INVALID_ARGUMENT, "Cognito answered with neither tokens nor a challenge")),
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

    fn reply(challenge: Option<&str>, tokens: bool) -> Reply {
        Reply {
            challenge: challenge.map(str::to_owned),
            session: Some("s".into()),
            params: vec![],
            tokens: tokens.then(|| Tokens { id_token: "i".into(), access_token: "a".into(), refresh_token: Some("r".into()), expires_in: 3600 }),
            available: vec![],
        }
    }

    #[test]
    fn next_steps() {
        assert!(matches!(next(&reply(None, true)), Ok(Next::Done(_))));
        assert_eq!(next(&reply(Some("PASSWORD_VERIFIER"), false)).ok(), Some(Next::PasswordVerifier));
        for (c, step) in [
            ("NEW_PASSWORD_REQUIRED", "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"),
            ("SMS_MFA", "CONFIRM_SIGN_IN_WITH_SMS_CODE"),
            ("SOFTWARE_TOKEN_MFA", "CONFIRM_SIGN_IN_WITH_TOTP_CODE"),
            ("EMAIL_OTP", "CONFIRM_SIGN_IN_WITH_EMAIL_CODE"),
            ("SELECT_MFA_TYPE", "CONTINUE_SIGN_IN_WITH_MFA_SELECTION"),
            ("CUSTOM_CHALLENGE", "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"),
            ("MFA_SETUP", "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"),
        ] {
            assert_eq!(next(&reply(Some(c), false)).ok(), Some(Next::Ask(Prompt { challenge: c.into(), step })), "{c}");
        }
        assert_eq!(next(&reply(Some("DEVICE_SRP_AUTH"), false)).err().map(|e| e.code.to_string()), Some(UNSUPPORTED_CHALLENGE.into()));
        assert!(next(&reply(None, false)).is_err());
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
