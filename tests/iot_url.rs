//! AWS IoT's MQTT WebSocket URL (`cognito_fetch::iot`) against a value derived independently of this crate.
//!
//! The expected signature was computed with botocore 1.44.5 (local-aws's venv), which signs a presigned URL the
//! way the AWS IoT Developer Guide's "MQTT over WebSocket" section describes (GET /mqtt, service
//! iotdevicegateway, `host` signed, the empty payload's hash) when given credentials without a session token —
//! IoT wants the token appended after signing:
//!
//! ```python
//! import datetime; from unittest import mock; import botocore.auth
//! from botocore.auth import SigV4QueryAuth; from botocore.awsrequest import AWSRequest
//! from botocore.credentials import Credentials
//! req = AWSRequest(method="GET", url="https://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt")
//! auth = SigV4QueryAuth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!                       "iotdevicegateway", "eu-west-1", expires=300)
//! with mock.patch.object(botocore.auth, "get_current_datetime", return_value=datetime.datetime(2026, 3, 15, 12)):
//!     auth.add_auth(req)
//! print(req.url)   # ...&X-Amz-Signature=c549de864b6db35a7516a86bd5dca3839c4960450c011e398d5ed1bfc61686e4
//! ```
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::iot::{endpoint, mqtt_url};
use cognito_fetch::sigv4::signing_key::SigningKeyCache;
use cognito_fetch::sigv4::time::AmzDate;
use cognito_fetch::sigv4::Credentials;

const HOST: &str = "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const BOTOCORE_SIGNATURE: &str = "c549de864b6db35a7516a86bd5dca3839c4960450c011e398d5ed1bfc61686e4";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars";

fn sign(token: Option<&str>, region: Option<&str>) -> cognito_fetch::sigv4::Signed {
    let ep = endpoint("wss:", false, HOST, HOST, "/", "").unwrap();
    let creds = Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: SECRET, session_token: token };
    mqtt_url(&ep, region, &creds, &AmzDate::parse("20260315T120000Z").unwrap(), 300, &mut SigningKeyCache::new()).unwrap()
}

#[test]
fn canonical_request_and_signature_match_botocore() {
    let signed = sign(None, None); // region inferred from the hostname
    assert_eq!(
        signed.canonical_request,
        [
            "GET",
            "/mqtt",
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260315%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20260315T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host",
            "host:a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
            "",
            "host",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ]
        .join("\n")
    );
    assert_eq!(signed.signature, BOTOCORE_SIGNATURE);
    assert_eq!(
        signed.url,
        format!(
            "wss://{HOST}/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260315%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20260315T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature={BOTOCORE_SIGNATURE}"
        )
    );
}

#[test]
fn the_session_token_is_appended_outside_the_signature() {
    let with = sign(Some(TOKEN), Some("eu-west-1"));
    let without = sign(None, None);
    // Same canonical request and signature with or without a token: the token is not signed...
    assert_eq!(with.canonical_request, without.canonical_request);
    assert_eq!(with.signature, BOTOCORE_SIGNATURE);
    // ...but travels in the query, encoded, after the signature.
    let tail = format!("&X-Amz-Signature={BOTOCORE_SIGNATURE}");
    assert!(with.url.starts_with(without.url.strip_suffix(&tail).unwrap()));
    assert!(with.url.ends_with("&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2Ftoken%2Bwith%3Dchars&X-Amz-Signature=c549de864b6db35a7516a86bd5dca3839c4960450c011e398d5ed1bfc61686e4"));
}

#[test]
fn region_and_local_endpoints() {
    // A given region wins over the hostname's (the scope, hence the signature, changes).
    assert_ne!(sign(None, Some("us-east-1")).signature, BOTOCORE_SIGNATURE);
    assert!(sign(None, Some("us-east-1")).url.contains("%2Fus-east-1%2Fiotdevicegateway%2F"));
    // ws: on loopback, with its port signed in `host`.
    let ep = endpoint("ws:", false, "127.0.0.1:45678", "127.0.0.1", "", "").unwrap();
    let creds = Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: SECRET, session_token: None };
    let s = mqtt_url(&ep, Some("us-east-1"), &creds, &AmzDate::parse("20260315T120000Z").unwrap(), 60, &mut SigningKeyCache::new()).unwrap();
    assert!(s.url.starts_with("ws://127.0.0.1:45678/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    assert!(s.canonical_request.contains("\nhost:127.0.0.1:45678\n"));
}
