//! Remembered devices (Cognito device tracking), pure protocol logic, one function per request:
//! after a sign-in whose tokens carry `NewDeviceMetadata`, [`confirm_device`] sends ConfirmDevice with a
//! `DeviceSecretVerifierConfig` made from a random device password ([`crate::srp::device_verifier`]);
//! [`update_device_status`] (remember or not), [`forget_device`] and [`list_devices`] manage them. A later
//! sign-in sends `DEVICE_KEY` and answers DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER with the same SRP code
//! as the user's password ([`crate::srp::Session`]), the device group key in the place of the pool name and
//! the device key in the place of the user id. What the device keeps is one storage record ([`record`]).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html>

use super::Call;
use crate::error::{code, Error, Result};
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::{base64, cat, srp};

/// The format of the device record; any other reads as "no device".
pub const DEVICE_RECORD_VERSION: i64 = 1;

/// What a device keeps to sign in as itself: its key, its user's group key and its random password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device<'a> {
    pub key: &'a str,
    pub group_key: &'a str,
    pub password: &'a str,
}

/// The device password: 40 random bytes as base64 (as AWS's own clients make it).
pub fn device_password(random: &[u8]) -> Result<String> {
    if random.len() != 40 {
        return Err(Error::new(code::INVALID_ARGUMENT, "a device password takes 40 random bytes"));
    }
    Ok(base64::encode(random))
}

/// ConfirmDevice for `device` (from the sign-in's NewDeviceMetadata and a fresh [`device_password`]), with the
/// verifier of a random 16-byte `salt`, authorised by the new access token.
pub fn confirm_device(access_token: &str, device: &Device, salt: &[u8], name: Option<&str>) -> Result<Call> {
    if device.key.is_empty() || device.group_key.is_empty() || salt.len() != 16 {
        return Err(Error::new(code::INVALID_ARGUMENT, "ConfirmDevice needs the device key, the group key and a 16-byte salt"));
    }
    let (salt_b64, verifier) = srp::device_verifier(device.group_key, device.key, device.password, salt)?;
    let mut config = Object::new();
    config.str("PasswordVerifier", &verifier).str("Salt", &salt_b64);
    let mut body = Object::new();
    body.str("AccessToken", access_token).str("DeviceKey", device.key).object("DeviceSecretVerifierConfig", &mut config).opt_str("DeviceName", name);
    Ok(Call { operation: "ConfirmDevice", body: body.finish() })
}

/// UpdateDeviceStatus: `remembered` or `not_remembered`.
pub fn update_device_status(access_token: &str, device_key: &str, remembered: bool) -> Call {
    let status = if remembered { "remembered" } else { "not_remembered" };
    Call { operation: "UpdateDeviceStatus", body: Object::new().str("AccessToken", access_token).str("DeviceKey", device_key).str("DeviceRememberedStatus", status).finish() }
}

/// ForgetDevice: the device is no longer tracked (its next sign-in is a new device's).
pub fn forget_device(access_token: &str, device_key: &str) -> Call {
    Call { operation: "ForgetDevice", body: Object::new().str("AccessToken", access_token).str("DeviceKey", device_key).finish() }
}

/// ListDevices, one page (up to 60, Cognito's limit), from `pagination_token` when given.
pub fn list_devices(access_token: &str, pagination_token: Option<&str>) -> Call {
    let mut body = Object::new();
    body.str("AccessToken", access_token).num("Limit", 60).opt_str("PaginationToken", pagination_token);
    Call { operation: "ListDevices", body: body.finish() }
}

/// The stored device record of app client `client_id`'s user `username`, written in one `setItem`.
/// `remembered`: whether Cognito remembers it (false while ConfirmDevice's `UserConfirmationNecessary` waits
/// for `rememberDevice`).
pub fn record(client_id: &str, username: &str, device: &Device, remembered: bool) -> String {
    Object::new()
        .num("v", DEVICE_RECORD_VERSION)
        .str("clientId", client_id)
        .str("username", username)
        .str("deviceKey", device.key)
        .str("deviceGroupKey", device.group_key)
        .str("devicePassword", device.password)
        .bool("remembered", remembered)
        .finish()
}

/// The storage key of a user's device record for the app client whose session key is `session_key`.
pub fn storage_key(session_key: &str, username: &str) -> String {
    cat(&[session_key, ".device.", username])
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE: Device = Device { key: "us-east-1_0f2c", group_key: "-abcDEF123", password: "pw" };

    #[test]
    fn bodies() {
        assert_eq!(update_device_status("at", "k", true).body, r#"{"AccessToken":"at","DeviceKey":"k","DeviceRememberedStatus":"remembered"}"#);
        assert_eq!(update_device_status("at", "k", false).body, r#"{"AccessToken":"at","DeviceKey":"k","DeviceRememberedStatus":"not_remembered"}"#);
        assert_eq!(forget_device("at", "k").body, r#"{"AccessToken":"at","DeviceKey":"k"}"#);
        assert_eq!(list_devices("at", None).body, r#"{"AccessToken":"at","Limit":60}"#);
        assert_eq!(list_devices("at", Some("n")).body, r#"{"AccessToken":"at","Limit":60,"PaginationToken":"n"}"#);
        let salt = [0x80u8; 16];
        let call = confirm_device("at", &DEVICE, &salt, Some("Chromium")).map_err(|e| e.code.to_string());
        let (salt_b64, verifier) = srp::device_verifier(DEVICE.group_key, DEVICE.key, "pw", &salt).unwrap_or_default();
        assert_eq!(
            call.map(|c| c.body),
            Ok(cat(&[r#"{"AccessToken":"at","DeviceKey":"us-east-1_0f2c","DeviceSecretVerifierConfig":{"PasswordVerifier":""#, &verifier, r#"","Salt":""#, &salt_b64, r#""},"DeviceName":"Chromium"}"#]))
        );
        // pad(salt): the top bit is set, so a 0x00 comes first (17 bytes).
        assert_eq!(base64::decode(&salt_b64).map(|b| b.len()).ok(), Some(17));
        assert!(confirm_device("at", &DEVICE, &[1; 15], None).is_err());
        assert!(confirm_device("at", &Device { key: "", ..DEVICE }, &salt, None).is_err());
    }

    #[test]
    fn password_and_record() {
        assert_eq!(device_password(&[0; 40]).ok().map(|p| p.len()), Some(56));
        assert!(device_password(&[0; 39]).is_err());
        assert_eq!(
            record("c1", "ann", &DEVICE, false),
            r#"{"v":1,"clientId":"c1","username":"ann","deviceKey":"us-east-1_0f2c","deviceGroupKey":"-abcDEF123","devicePassword":"pw","remembered":false}"#
        );
        assert_eq!(storage_key("cognito-fetch.c1", "ann"), "cognito-fetch.c1.device.ann");
    }
}
