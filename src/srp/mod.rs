//! Cognito's SRP (Secure Remote Password, SRP-6a), one function per protocol step, explicit state:
//! [`Session::start`] makes `SRP_A` for InitiateAuth (USER_SRP_AUTH); [`Session::password_claim`] answers
//! the PASSWORD_VERIFIER challenge with PASSWORD_CLAIM_SIGNATURE. Also [`timestamp`] (Cognito's TIMESTAMP
//! format), [`secret_hash`] (SECRET_HASH for app clients with a secret) and [`device_verifier`]
//! (ConfirmDevice). The group is RFC 3526's 3072-bit prime with g = 2, hashed as Cognito does: every number
//! goes through [`pad_hex`] (Java `BigInteger.toByteArray`: big-endian, a leading 0x00 when the top bit is set).
//! The random private value `a` is an input, so the caller decides where randomness comes from.
//!
//! Secret values are wiped (`zeroize`, whose writes the compiler may not drop) as soon as they are used: `a`
//! when its [`Session`] is dropped; the password's bytes, `x`, `g^x`, the exponent `a + u*x`, `S`, the HKDF
//! key material and the derived key in [`Session::derive`] (the [`Derived`] values kept for tests when it is
//! dropped). Copies the compiler makes of them on the stack, and the JS strings the page passes in (JS cannot
//! wipe a string), are beyond reach.

pub mod bigint;

use crate::base64;
use crate::digest::{hmac_sha256, sha256};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::{cat, decimal};
use bigint::{mul_add, Modulus, Num};
use zeroize::Zeroize;

pub const INVALID_SRP: &str = "InvalidSrpParameter";

/// RFC 3526, 3072-bit MODP group prime.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// Hex digits to bytes (an odd count gets a leading zero nibble); `None` on a non-hex character.
pub fn from_hex(hex: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let bytes = hex.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2 + 1);
    let mut rest = bytes;
    if bytes.len() % 2 == 1 {
        out.push(digit(*bytes.first()?)?);
        rest = bytes.get(1..)?;
    }
    for pair in rest.chunks(2) {
        out.push(digit(*pair.first()?)? << 4 | digit(*pair.get(1)?)?);
    }
    Some(out)
}

/// Cognito's `padHex` of a non-negative number, as bytes: minimal big-endian, with a leading 0x00 when the
/// top bit is set; zero is `[0]`.
pub fn pad_hex(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let digits = bytes.get(start..).unwrap_or(&[]);
    let mut out = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(digits);
    out
}

/// Lowercase hex without leading zeros (`BigInteger.toString(16)`), as Cognito expects SRP_A.
pub fn to_hex(bytes: &[u8]) -> String {
    let h = crate::sigv4::encode::hex(bytes);
    let t = crate::trim_start_byte(&h, b'0');
    if t.is_empty() { "0".into() } else { t.into() }
}

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut all = Vec::new();
    for p in parts {
        all.extend_from_slice(p);
    }
    sha256(&all)
}

fn num(bytes: &[u8]) -> Result<Num> {
    Num::from_be_bytes(bytes).ok_or_else(|| Error::new(INVALID_SRP, "an SRP value is larger than the group"))
}

/// The group: modulus, generator and the multiplier `k = H(pad(N) | pad(g))`.
pub struct Group {
    pub modulus: Modulus,
    n: Num,
    pub g: Num,
    pub k: Num,
}

impl Group {
    pub fn new() -> Result<Group> {
        let n_bytes = from_hex(N_HEX).ok_or_else(|| Error::new(INVALID_SRP, "bad group constant"))?;
        let n = num(&n_bytes)?;
        let k_hash = hash(&[&pad_hex(&n_bytes), &pad_hex(&[2])]);
        let modulus = Modulus::new(n);
        let k = modulus.reduce(&num(&k_hash)?);
        Ok(Group { modulus, n, g: Num::small(2), k })
    }
}

/// What the server sends in the PASSWORD_VERIFIER challenge, and who signs in.
pub struct Challenge<'a> {
    /// The user pool id's part after `_` (user sign-in) or the device group key (device sign-in).
    pub pool_name: &'a str,
    /// `USER_ID_FOR_SRP` (or the device key).
    pub user_id: &'a str,
    pub password: &'a str,
    /// `SRP_B`, hex.
    pub srp_b: &'a str,
    /// `SALT`, hex.
    pub salt: &'a str,
    /// `SECRET_BLOCK`, base64.
    pub secret_block: &'a str,
    /// `TIMESTAMP` as [`timestamp`] makes it; it is sent back with the claim.
    pub timestamp: &'a str,
}

/// The values derived while answering, kept for tests (they are secret: never leave Rust; wiped when dropped).
pub struct Derived {
    pub u: [u8; 32],
    pub x: [u8; 32],
    pub s: Vec<u8>,
    pub key: [u8; 16],
    pub signature: String,
}

impl Drop for Derived {
    fn drop(&mut self) {
        wipe(&mut self.x);
        wipe(&mut self.s);
        wipe(&mut self.key);
    }
}

/// Wipes secret bytes (`zeroize`: writes the compiler keeps). One function for every byte secret, so the
/// wasm carries one copy of the wiping loop.
#[inline(never)]
pub fn wipe(bytes: &mut [u8]) {
    bytes.zeroize();
}

/// Wipes a number's limbs.
#[inline(never)]
fn wipe_num(n: &mut Num) {
    n.0.as_mut_slice().zeroize();
}

/// One SRP sign-in attempt: the private value `a` and the public `A = g^a mod N` (`a` wiped on drop).
pub struct Session {
    group: Group,
    a: Vec<u8>,
    big_a: Num,
}

impl Drop for Session {
    fn drop(&mut self) {
        wipe(&mut self.a);
    }
}

impl Session {
    /// Starts with a private value (32 random bytes in practice; the test vectors use small ones).
    pub fn start(a: &[u8]) -> Result<Session> {
        let group = Group::new()?;
        let big_a = group.modulus.pow2(a);
        if big_a.is_zero() || a.iter().all(|&b| b == 0) {
            return Err(Error::new(INVALID_SRP, "the private SRP value must not be zero"));
        }
        Ok(Session { group, a: a.to_vec(), big_a })
    }

    /// A session [`Session::start`]ed earlier, from its private value and `A` (as the JS layer keeps them),
    /// without computing `A` again.
    pub fn resume(a: &[u8], big_a: &[u8]) -> Result<Session> {
        let group = Group::new()?;
        let big_a = num(big_a)?;
        if big_a.is_zero() || a.iter().all(|&b| b == 0) {
            return Err(Error::new(INVALID_SRP, "the private SRP value must not be zero"));
        }
        Ok(Session { group, a: a.to_vec(), big_a })
    }

    /// `SRP_A` for InitiateAuth.
    pub fn srp_a(&self) -> String {
        to_hex(&self.big_a.to_be_bytes())
    }

    /// Everything the PASSWORD_VERIFIER answer needs. Refuses `B mod N == 0` and `u == 0`.
    pub fn derive(&self, c: &Challenge) -> Result<Derived> {
        let bad_hex = |what: &str| Error::new(INVALID_SRP, cat(&["the server's ", what, " is not hex"]));
        let g = &self.group;
        let b_bytes = from_hex(c.srp_b).ok_or_else(|| bad_hex("SRP_B"))?;
        let big_b = g.modulus.reduce(&num(&b_bytes)?);
        if big_b.is_zero() {
            return Err(Error::new(INVALID_SRP, "the server's SRP_B is 0 mod N"));
        }
        let salt = from_hex(c.salt).ok_or_else(|| bad_hex("SALT"))?;
        let secret_block = base64::decode(c.secret_block).map_err(|_| Error::new(INVALID_SRP, "the server's SECRET_BLOCK is not base64"))?;

        let a_pad = pad_hex(&self.big_a.to_be_bytes());
        let b_pad = pad_hex(&big_b.to_be_bytes());
        let u = hash(&[&a_pad, &b_pad]);
        if u.iter().all(|&b| b == 0) {
            return Err(Error::new(INVALID_SRP, "u = H(A|B) is 0"));
        }
        // x = H(pad(salt) | H(pool name | user id | ":" | password))
        let mut x = password_x(c.pool_name, c.user_id, c.password, &salt);

        // S = (B - k * g^x) ^ (a + u * x) mod N
        let mut gx = g.modulus.pow2(&x);
        let mut kgx = g.modulus.mul_mod(&g.k, &gx);
        let mut base = g.modulus.sub_mod(&big_b, &kgx);
        let mut exponent = mul_add(&u, &x, &self.a);
        let mut s_num = g.modulus.pow(&base, &exponent);
        let mut s = s_num.to_be_bytes();
        let s_pad = pad_hex(&s);
        for n in [&mut gx, &mut kgx, &mut base, &mut s_num] {
            wipe_num(n);
        }
        wipe(&mut exponent);
        wipe(&mut s);

        // HKDF-SHA256(salt = pad(u), ikm = pad(S), info = "Caldera Derived Key"), first 16 bytes.
        let mut prk = hmac_sha256(&pad_hex(&u), &s_pad);
        let mut okm = hmac_sha256(&prk, b"Caldera Derived Key\x01");
        let key: [u8; 16] = core::array::from_fn(|i| okm.get(i).copied().unwrap_or(0));
        wipe(&mut prk);
        wipe(&mut okm);

        let mut message = Vec::new();
        for part in [c.pool_name.as_bytes(), c.user_id.as_bytes(), &secret_block, c.timestamp.as_bytes()] {
            message.extend_from_slice(part);
        }
        let signature = base64::encode(&hmac_sha256(&key, &message));
        let derived = Derived { u, x, s: s_pad, key, signature };
        wipe(&mut x); // the copy in `derived` is wiped when it is dropped
        Ok(derived)
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for the PASSWORD_VERIFIER challenge.
    pub fn password_claim(&self, c: &Challenge) -> Result<String> {
        self.derive(c).map(|mut d| core::mem::take(&mut d.signature))
    }

    /// The group's modulus (for the device verifier and tests).
    pub fn n(&self) -> &Num {
        &self.group.n
    }
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Cognito's TIMESTAMP, e.g. `Tue Feb 1 03:04:05 UTC 2000`: English names, day of month not zero-padded.
pub fn timestamp(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let tod = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = crate::sigv4::time::civil_from_days(days);
    let day = DAYS.get(days.rem_euclid(7) as usize).copied().unwrap_or("");
    let month = MONTHS.get((m - 1).clamp(0, 11) as usize).copied().unwrap_or("");
    let two = |v: i64| decimal(v as u64, 2);
    cat(&[day, " ", month, " ", &decimal(d as u64, 1), " ", &two(tod / 3600), ":", &two(tod / 60 % 60), ":", &two(tod % 60), " UTC ", &decimal(y as u64, 4)])
}

/// Cognito's TIMESTAMP from the same moment as an IMF-fixdate (`Tue, 01 Feb 2000 03:04:05 GMT`, RFC 9110
/// §5.6.7), which is what a browser's `Date.prototype.toUTCString` writes: its fields reordered, the day of month
/// without its leading zero. `None` for text of another shape. The wasm takes this path: the page's `Date` has
/// the calendar, so the wasm does not carry one.
pub fn timestamp_of_imf_date(date: &str) -> Option<String> {
    let mut p = date.split(' ');
    let (weekday, day, month, year, time, zone) = (p.next()?, p.next()?, p.next()?, p.next()?, p.next()?, p.next()?);
    let weekday = weekday.strip_suffix(',')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let fields_ok = weekday.len() == 3 && month.len() == 3 && digits(day, 2) && digits(year, 4) && time.len() == 8 && zone == "GMT";
    if !fields_ok || p.next().is_some() {
        return None;
    }
    Some(cat(&[weekday, " ", month, " ", day.strip_prefix('0').unwrap_or(day), " ", time, " UTC ", year]))
}

/// `SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id))`.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    base64::encode(&hmac_sha256(client_secret.as_bytes(), cat(&[username, client_id]).as_bytes()))
}

/// ConfirmDevice's `DeviceSecretVerifierConfig`: `(Salt, PasswordVerifier)`, both base64 of padded bytes,
/// where the verifier is `g^x mod N` with `x = H(pad(salt) | H(group key | device key | ":" | password))`.
pub fn device_verifier(group_key: &str, device_key: &str, password: &str, salt: &[u8]) -> Result<(String, String)> {
    let group = Group::new()?;
    let mut x = password_x(group_key, device_key, password, salt);
    let v = group.modulus.pow2(&x);
    wipe(&mut x);
    Ok((base64::encode(&pad_hex(salt)), base64::encode(&pad_hex(&v.to_be_bytes()))))
}

/// `x = H(pad(salt) | H(pool name | user id | ":" | password))`, the password's bytes and their hash wiped.
fn password_x(pool_name: &str, user_id: &str, password: &str, salt: &[u8]) -> [u8; 32] {
    let mut identity_input = cat(&[pool_name, user_id, ":", password]).into_bytes();
    let mut identity = sha256(&identity_input);
    wipe(&mut identity_input);
    let x = hash(&[&pad_hex(salt), &identity]);
    wipe(&mut identity);
    x
}
