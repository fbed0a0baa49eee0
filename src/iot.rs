//! AWS IoT Core's MQTT over WebSocket: the `wss://<endpoint>/mqtt?...` URL presigned with SigV4, as the AWS IoT
//! Developer Guide describes it ("MQTT over WebSocket protocol", Signature Version 4 authentication): a `GET` of
//! `/mqtt` for the service `iotdevicegateway`, `host` the only signed header, the hash of the empty payload, and,
//! with temporary credentials, `X-Amz-Security-Token` appended after the signature is computed (IoT is one of the
//! services that do not sign the token, "Add the session token to the request" in the IAM User Guide's
//! "Create a signed AWS API request").
//!
//! Readable top to bottom: [`endpoint`] checks the endpoint and infers the region, [`mqtt_url`] signs.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::cat;
use crate::error::{code, Error, Result};
use crate::sigv4::signing_key::SigningKeyCache;
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, endpoint::looks_like_region, Credentials, Payload, Request, Scope, Settings, Signed};
use crate::url::Url;

/// The signing name of IoT's data plane (the message broker).
pub const SERVICE: &str = "iotdevicegateway";
/// The path of the MQTT WebSocket.
pub const PATH: &str = "/mqtt";

/// Where to connect, checked: `wss` anywhere, `ws` only on this machine (a local stand-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub secure: bool,
    /// Host and port as the `Host` header carries them (the port only when not the scheme's default).
    pub authority: &'a str,
    pub host: &'a str,
    /// The region an AWS IoT hostname names (`None` for a custom domain or a local endpoint).
    pub region: Option<&'a str>,
}

fn bad(why: &str) -> Error {
    Error::new(code::INVALID_URL, cat(&["endpoint must be AWS IoT's data endpoint or a custom domain: ", why]))
}

/// `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`: where plain `ws:` is allowed.
pub fn is_loopback(host: &str) -> bool {
    if crate::url::is_localhost(host) || host == "[::1]" {
        return true;
    }
    let mut parts = 0;
    for (i, part) in host.split('.').enumerate() {
        let byte = crate::parse_int(part, 10).filter(|n| *n <= 255 && part.len() <= 3);
        if byte.is_none() || (i == 0 && byte != Some(127)) {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// The region of an AWS IoT data hostname: `<prefix>.iot.<region>.amazonaws.com` (`-ats`, legacy and FIPS
/// `iot-fips` names; `.amazonaws.com.cn` in China). `Err` for any other AWS hostname (the IoT control plane
/// `iot.<region>.amazonaws.com`, another service), `Ok(None)` for a custom domain.
pub fn region_of(host: &str) -> Result<Option<&str>> {
    let Some(rest) = host.strip_suffix(".amazonaws.com").or_else(|| host.strip_suffix(".amazonaws.com.cn")) else {
        return Ok(None);
    };
    let mut labels = rest.split('.');
    match (labels.next(), labels.next(), labels.next(), labels.next()) {
        (Some(prefix), Some("iot" | "iot-fips"), Some(region), None) if !prefix.is_empty() && looks_like_region(region) => Ok(Some(region)),
        _ => Err(bad("this is another AWS service's hostname (`aws iot describe-endpoint` names IoT's)")),
    }
}

/// The endpoint from the browser's URL parser (`new URL()`; a bare hostname is read as `wss://hostname`):
/// `protocol`, whether it has a user name or password, `host` (with a non-default port), `hostname`, `pathname`,
/// `search`. The path may be `/` or `/mqtt`; nothing else is accepted in the URL.
pub fn endpoint<'a>(protocol: &str, userinfo: bool, authority: &'a str, host: &'a str, path: &str, search: &str) -> Result<Endpoint<'a>> {
    let secure = match protocol {
        "wss:" => true,
        "ws:" => false,
        _ => return Err(bad("the scheme must be wss")),
    };
    if userinfo {
        return Err(bad("no user name or password"));
    }
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if !secure && !is_loopback(host) {
        return Err(bad("ws: only on loopback (localhost, 127.0.0.1)"));
    }
    if !(path.is_empty() || path == "/" || path == PATH) || !search.is_empty() {
        return Err(bad("no path but /mqtt, no query"));
    }
    Ok(Endpoint { secure, authority, host, region: region_of(host)? })
}

/// The region to sign for: the one given, else the endpoint's.
pub fn region<'a>(ep: &Endpoint<'a>, given: Option<&'a str>) -> Result<&'a str> {
    given.or(ep.region).ok_or_else(|| Error::new(code::UNKNOWN_REGION, "cannot tell the AWS region from a custom endpoint: pass `region`"))
}

/// The settings IoT's URL is signed with: no `x-amz-content-sha256` header (the empty payload's hash is in the
/// canonical request only), the session token appended after signing, the path rules of every service but S3.
pub fn settings() -> Settings {
    Settings { payload_header: false, sign_session_token: false, ..Settings::for_service(SERVICE) }
}

/// The presigned URL ([`Signed::url`]), for `region` (inferred from the endpoint when `None`), valid for
/// `expires_in` seconds (1 to 604800, SigV4's limit for presigned requests).
pub fn mqtt_url(
    ep: &Endpoint,
    region: Option<&str>,
    creds: &Credentials,
    datetime: &AmzDate,
    expires_in: u64,
    cache: &mut SigningKeyCache,
) -> Result<Signed> {
    let region = self::region(ep, region)?;
    let url = Url { scheme: if ep.secure { "wss" } else { "ws" }, authority: ep.authority, host: ep.host, path: PATH, query: None };
    let req = Request { method: "GET", url: &url, headers: &[], payload: Payload::Bytes(&[]) };
    let scope = Scope { region, service: SERVICE, datetime };
    sigv4::presign(&req, creds, &scope, &settings(), expires_in, cache)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "128.0.0.1", "127.0.0", "127.0.0.1.example.com", "127.0.0.256", "localhost.example.com", "[::2]", "0127.0.0.1"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn regions_of_iot_hostnames() {
        assert_eq!(region_of("a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com"), Ok(Some("eu-west-1")));
        assert_eq!(region_of("a1b2c3d4e5f6g7.iot.us-east-1.amazonaws.com"), Ok(Some("us-east-1")));
        assert_eq!(region_of("data.iot-fips.us-gov-west-1.amazonaws.com"), Ok(Some("us-gov-west-1")));
        assert_eq!(region_of("x-ats.iot.cn-north-1.amazonaws.com.cn"), Ok(Some("cn-north-1")));
        assert_eq!(region_of("mqtt.example.com"), Ok(None));
        for other in ["iot.us-east-1.amazonaws.com", "s3.amazonaws.com", "dynamodb.us-east-1.amazonaws.com", "x.iot.amazonaws.com", "a.b.iot.us-east-1.amazonaws.com", "x.iot.useast1.amazonaws.com"] {
            assert_eq!(region_of(other).map_err(|e| e.code.clone()), Err(code::INVALID_URL.into()), "{other}");
        }
    }

    #[test]
    fn endpoints() {
        let ep = endpoint("wss:", false, "x-ats.iot.eu-west-1.amazonaws.com", "x-ats.iot.eu-west-1.amazonaws.com", "/", "").unwrap();
        assert_eq!((ep.secure, ep.region), (true, Some("eu-west-1")));
        let local = endpoint("ws:", false, "127.0.0.1:4567", "127.0.0.1", "/mqtt", "").unwrap();
        assert_eq!((local.secure, local.region, local.authority), (false, None, "127.0.0.1:4567"));
        let refused = [
            ("ws:", false, "mqtt.example.com", "/"),
            ("ftp:", false, "mqtt.example.com", "/"),
            ("wss:", true, "mqtt.example.com", "/"),
            ("wss:", false, "mqtt.example.com", "/other"),
            ("wss:", false, "", "/"),
        ];
        for (scheme, user, host, path) in refused {
            assert_eq!(endpoint(scheme, user, host, host, path, "").map_err(|e| e.code.clone()), Err(code::INVALID_URL.into()), "{scheme}{host}{path}");
        }
        assert!(endpoint("wss:", false, "h.example.com", "h.example.com", "/", "?a=1").is_err());
    }

    #[test]
    fn custom_endpoint_needs_a_region() {
        let ep = endpoint("wss:", false, "mqtt.example.com", "mqtt.example.com", "", "").unwrap();
        let creds = Credentials { access_key_id: "AKID", secret_access_key: "secret", session_token: None };
        let at = AmzDate::parse("20260101T000000Z").unwrap();
        let e = mqtt_url(&ep, None, &creds, &at, 60, &mut SigningKeyCache::new()).unwrap_err();
        assert_eq!(e.code, code::UNKNOWN_REGION);
        let e = mqtt_url(&ep, Some("us-east-1"), &creds, &at, 604_801, &mut SigningKeyCache::new()).unwrap_err();
        assert_eq!(e.code, code::INVALID_EXPIRES);
    }
}
