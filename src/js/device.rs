//! Remembered devices ([`crate::user_pool::device`]) for the JS layer's UserPool (`pkg-config/device.js`).

use super::{join, Fields};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::user_pool::device::{self, Device};
use crate::user_pool::TARGET_PREFIX;
use crate::{cat, srp};

fn hex_bytes(f: &mut Fields, what: &'static str) -> Result<Vec<u8>> {
    srp::from_hex(f.str()).ok_or_else(|| super::invalid(what))
}

/// `dvConfirm`: accessToken, deviceKey, deviceGroupKey, deviceName (or ""), 40 random bytes (hex, the device
/// password), 16 random bytes (hex, the salt). `X-Amz-Target\0JSON body\0device password` of ConfirmDevice.
pub fn confirm(f: &mut Fields) -> Result<String> {
    let (token, key, group_key, name) = (f.str(), f.str(), f.str(), f.opt());
    let password = device::device_password(&hex_bytes(f, "dvConfirm takes 40 random bytes as hex")?)?;
    let salt = hex_bytes(f, "dvConfirm takes a 16-byte salt as hex")?;
    let call = device::confirm_device(token, &Device { key, group_key, password: &password }, &salt, name)?;
    Ok(join(&[&cat(&[TARGET_PREFIX, call.operation]), &call.body, &password]))
}

/// `dvCall`: operation (`remember`, `notRemember`, `ForgetDevice`, `ListDevices`), accessToken, deviceKey or
/// pagination token (or ""). `X-Amz-Target\0JSON body`.
pub fn call(f: &mut Fields) -> Result<String> {
    let (operation, token, arg) = (f.str(), f.str(), f.opt());
    let key = || arg.ok_or_else(|| super::invalid("deviceKey is required"));
    let call = match operation {
        "remember" => device::update_device_status(token, key()?, true),
        "notRemember" => device::update_device_status(token, key()?, false),
        "ForgetDevice" => device::forget_device(token, key()?),
        "ListDevices" => device::list_devices(token, arg),
        _ => return Err(super::invalid("unknown device operation")),
    };
    Ok(join(&[&cat(&[TARGET_PREFIX, call.operation]), &call.body]))
}

/// `dvRecord`: session storage key, clientId, username, deviceKey, deviceGroupKey, device password, remembered
/// (flag). `storage key\0record` of the user's device.
pub fn record(f: &mut Fields) -> Result<String> {
    let (session_key, client_id, username) = (f.str(), f.str(), f.str());
    let (key, group_key, password) = (f.str(), f.str(), f.str());
    let remembered = f.flag() == Some(true);
    if username.is_empty() {
        return Err(super::invalid("a device record needs a username"));
    }
    let r = device::record(client_id, username, &Device { key, group_key, password }, remembered);
    Ok(join(&[&device::storage_key(session_key, username), &r]))
}

/// `dvKey`: session storage key, username. The storage key of the user's device record.
pub fn key(f: &mut Fields) -> Result<String> {
    Ok(device::storage_key(f.str(), f.str()))
}

/// `srpDeviceClaim`: `a`, `SRP_A` (from `srpStart`), deviceGroupKey, deviceKey, device password, SRP_B, SALT,
/// SECRET_BLOCK, TIMESTAMP. PASSWORD_CLAIM_SIGNATURE for DEVICE_PASSWORD_VERIFIER: the user's SRP with the group
/// key as the pool name and the device key as the user id.
pub fn srp_claim(f: &mut Fields) -> Result<String> {
    let bad = || Error::new(srp::INVALID_SRP, "the SRP session is not one this library started");
    let a = srp::from_hex(f.str()).ok_or_else(bad)?;
    let big_a = srp::from_hex(f.str()).ok_or_else(bad)?;
    let session = srp::Session::resume(&a, &big_a)?;
    let (pool_name, user_id, password) = (f.str(), f.str(), f.str());
    if pool_name.is_empty() || user_id.is_empty() {
        return Err(super::invalid("device SRP needs the device key and group key"));
    }
    let (srp_b, salt, secret_block, timestamp) = (f.str(), f.str(), f.str(), f.str());
    session.password_claim(&srp::Challenge { pool_name, user_id, password, srp_b, salt, secret_block, timestamp })
}
