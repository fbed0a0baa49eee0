//! Property tests and fuzzing of the wasm/JS boundary's steps, shared by the native tests (`tests/boundary.rs`,
//! `cargo test`) and the wasm tests (`tests/web.rs`, headless Chromium): the same seeded inputs, so a failure
//! found in one is reproduced by the other.
//!
//! - [`every_step`]: every step named in `src/js/mod.rs` (read from the source, so a step added later is fuzzed
//!   too) and the signing step, with random fields (text with NUL, U+0001, `:`, digits, non-BMP characters;
//!   numbers, flags, hex, plausible values) and random service answers (XML, JSON, text): no panic or trap, and
//!   every answer is marked and well formed: `=` and text, or `!` and exactly three framed fields with a code.
//! - [`framing_round_trips`]: any list of texts crosses `join` and `Fields` exactly.
//! - [`hostile_answers`]: answers that carry the framing's and the old framing's delimiters come back exact.
//! - [`random_listings`]: random ListObjectsV2 pages (keys of any characters, XML-escaped as a server may)
//!   read back exactly.
#![allow(dead_code)]

use cognito_fetch::js::{join, sigv4, step, Fields};

#[path = "../rng/mod.rs"]
mod rng;
pub use rng::Rng;

/// A character, delimiters and edge cases often.
pub fn any_char(r: &mut Rng) -> char {
    match r.below(10) {
        0 => *r.pick(&['\0', '\u{1}', ':', '=', '!', '&', '<', '>', '"', '\\', '\n', '\u{7f}', '\u{2028}', '\u{fffd}', '\u{feff}']),
        1 => *r.pick(&['é', '€', 'ß', '中', '😀', '𝄞', '\u{10ffff}', '\u{e000}']),
        2 => char::from_digit(r.below(10) as u32, 10).unwrap_or('0'),
        3 => loop {
            if let Some(c) = char::from_u32((r.next() % 0x11_0000) as u32) {
                break c;
            }
        },
        4 => char::from_u32(r.below(0x20) as u32).unwrap_or('\0'),
        _ => char::from(b' ' + r.below(95) as u8),
    }
}

pub fn any_text(r: &mut Rng, max: usize) -> String {
    let n = r.below(max + 1);
    (0..n).map(|_| any_char(r)).collect()
}

fn hex(r: &mut Rng, len: usize) -> String {
    (0..len).map(|_| char::from_digit(r.below(16) as u32, 16).unwrap_or('0')).collect()
}

/// A field: text of any kind, or a value of the kinds steps read (numbers, flags, hex, names).
pub fn any_field(r: &mut Rng) -> String {
    const PLAUSIBLE: &[&str] = &[
        "us-east-1", "eu-west-2", "eu-west-2_abc", "us-east-1:5f0c1c5e-0000-4000-8000-000000000000", "client", "https:", "http:",
        "ftp:", "GET", "PUT", "POST", "s3", "dynamodb", "execute-api", "127.0.0.1:4566", "/", "/a b/%2F", "?x=1&y", "20150830T123600Z",
        "Tue, 01 Feb 2000 03:04:05 GMT", "Tue Feb 1 03:04:05 UTC 2000", "USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_AUTH",
        "REFRESH_TOKEN_AUTH", "RespondToAuthChallenge", "SignUp", "GetUser", "ChangePassword", "SetUserMFAPreference", "ENABLED",
        "SMS_MFA", "NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "PASSWORD_VERIFIER", "GetId", "GetCredentialsForIdentity",
        "GetOpenIdToken", "arn:aws:iam::123456789012:role/r", "AKIDEXAMPLE", "content-type", "x-amz-meta-a", "host", "{", "}", "[",
        "]", "<", "kname", "sx", "n1", "N9007199254740993", "x12", "u", "z", "t", "(Date", "b", "bAAE=", "Item", "Items",
        "NotAuthorizedException", "ResourceNotFoundException", "c2VjcmV0", "a.b.c",
    ];
    match r.below(12) {
        0 => String::new(),
        1 | 2 => any_text(r, 24),
        3 => r.pick(&["0", "1", "-1", "1.5", "NaN", "Infinity", "-", "007", "999999999999999999", "9999999999999999999", "-9223372036854775808", "4294967296", "1e3"]).to_string(),
        4 => (r.next() % 100_000).to_string(),
        5 => r.pick(&["1", "0", ""]).to_string(),
        6 => {
            // Hex, now and then exactly 32 bytes (srpStart's input) or a group element's length.
            let other = 1 + r.below(100);
            let len = *r.pick(&[0, 1, 2, 63, 64, 64, 768, other]);
            hex(r, len)
        }
        _ => r.pick(PLAUSIBLE).to_string(),
    }
}

/// XML text as a service might write it: the character escaped by name, by number, or not at all.
fn xml_escape(r: &mut Rng, s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match (c, r.below(3)) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', 0) => out.push_str("&gt;"),
            (c, 0) if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("&#{};", c as u32)),
            (c, 1) if (c as u32) < 0x20 || c as u32 > 0x7e => out.push_str(&format!("&#x{:X};", c as u32)),
            (c, _) => out.push(c),
        }
    }
    out
}

/// A service's answer: XML with the elements steps read, JSON, or text.
pub fn any_answer(r: &mut Rng) -> String {
    const ELEMENTS: &[&str] = &[
        "ListBucketResult", "Contents", "Key", "Size", "ETag", "LastModified", "StorageClass", "CommonPrefixes", "Prefix", "IsTruncated",
        "NextContinuationToken", "KeyCount", "Error", "Code", "Message", "InitiateMultipartUploadResult", "UploadId",
        "CompleteMultipartUploadResult", "AssumeRoleWithWebIdentityResponse", "Credentials", "AccessKeyId", "SecretAccessKey",
        "SessionToken", "Expiration",
    ];
    fn element(r: &mut Rng, depth: u32, out: &mut String) {
        let name = *r.pick(ELEMENTS);
        out.push('<');
        out.push_str(name);
        out.push('>');
        let n = if depth > 3 { 0 } else { r.below(4) };
        for _ in 0..n {
            element(r, depth + 1, out);
        }
        if n == 0 || r.below(2) == 0 {
            let t = match r.below(4) {
                0 => r.pick(&["true", "false", "12", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z", "STANDARD", "\"e3\""]).to_string(),
                1 => (r.next() % 10_000_000).to_string(),
                _ => any_text(r, 16),
            };
            let t = xml_escape(r, &t);
            out.push_str(&t);
        }
        if r.below(20) != 0 {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
    match r.below(6) {
        0 => any_text(r, 64),
        1 => format!("{{\"__type\":\"{}\",\"message\":\"{}\"}}", any_text(r, 12).replace(['"', '\\'], ""), any_text(r, 12).replace(['"', '\\'], "")),
        _ => {
            let mut out = String::from(if r.below(2) == 0 { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" } else { "" });
            element(r, 0, &mut out);
            if r.below(10) == 0 {
                let cut = r.below(out.len() + 1);
                out = out.char_indices().take_while(|(i, _)| *i < cut).map(|(_, c)| c).collect();
            }
            out
        }
    }
}

/// The steps `src/js/mod.rs` dispatches, read from its source: each `"name" =>` arm of `step`.
pub fn steps() -> Vec<&'static str> {
    const SOURCE: &str = include_str!("../../src/js/mod.rs");
    let body = SOURCE.split("pub fn step(").nth(1).expect("src/js/mod.rs has `pub fn step(`");
    let body = body.split("\n}\n").next().unwrap_or("");
    let names: Vec<&str> = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.split_once("\" =>").map(|(name, _)| name))
        .collect();
    assert!(names.len() >= 40, "the step names were read from src/js/mod.rs: {names:?}");
    names
}

/// Checks one answer's shape: `=` and text, or `!` and three framed fields (a code that is not empty, a message, `"1"` or `""`). Returns the code of a failure.
pub fn check_answer(what: &dyn Fn() -> String, answer: &str) -> Option<String> {
    if let Some(rest) = answer.strip_prefix('!') {
        let mut f = Fields::new(rest);
        let parts = f.rest();
        assert!(!f.broken() && parts.len() == 3, "{}: a failure that is not three framed fields: {answer:?}", what());
        // A service's own code may be any text; the library's own codes are words.
        assert!(!parts[0].is_empty(), "{}: an empty code", what());
        assert!(parts[2].is_empty() || parts[2] == "1", "{}: retryable {:?}", what(), parts[2]);
        Some(parts[0].to_owned())
    } else {
        assert!(answer.starts_with('='), "{}: an answer without its mark: {answer:?}", what());
        None
    }
}

/// Fuzzes every step `n` times (and the signing step `n` times): see the module's documentation. Returns how
/// many calls were checked.
pub fn every_step(n: usize, seed: u64) -> usize {
    let names = steps();
    let mut r = Rng::new(seed);
    let mut ran = 0;
    let mut failures = 0;
    for name in names.iter().copied().chain(["(sign)"]) {
        for i in 0..n {
            let count = r.below(14);
            let fields: Vec<String> = (0..count).map(|_| any_field(&mut r)).collect();
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let input = join(&refs);
            let text = if r.below(3) == 0 { any_field(&mut r) } else { any_answer(&mut r) };
            let call = || if name == "(sign)" { sigv4::sign(&input, text.as_bytes()) } else { step(name, &input, &text) };
            let answer = call();
            let what = || format!("step {name} case {i} (seed {seed:#x}) fields {refs:?} text {text:?}");
            if check_answer(&what, &answer).is_some() {
                failures += 1;
            }
            // The same input gives the same answer (no state leaks from one call to the next).
            if i % 16 == 0 {
                assert_eq!(call(), answer, "{}", what());
            }
            ran += 1;
        }
    }
    // Both kinds of answer were seen: the inputs reach past the first checks.
    assert!(failures > 0 && failures < ran, "{failures} failures in {ran} calls");
    ran
}

/// Random lists of texts cross `join` and `Fields` exactly; each length is JS's (UTF-16 code units); text that
/// is not framing is refused, never read shifted. Returns how many lists were checked.
pub fn framing_round_trips(n: usize, seed: u64) -> usize {
    let mut r = Rng::new(seed);
    for _ in 0..n {
        let parts: Vec<String> = (0..r.below(8)).map(|_| any_text(&mut r, 12)).collect();
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let joined = join(&refs);
        let mut f = Fields::new(&joined);
        assert_eq!(f.rest(), refs, "{joined:?}");
        assert!(!f.broken());
        if let Some(first) = parts.first() {
            let prefix = joined.split(':').next().unwrap();
            assert_eq!(prefix, first.encode_utf16().count().to_string(), "lengths in UTF-16 code units");
        }
        // A cut or a changed length is noticed, or reads as fewer whole fields: never as other text.
        if !joined.is_empty() {
            let cut = r.below(joined.len());
            if let Some(head) = joined.get(..cut) {
                let mut f = Fields::new(head);
                let got = f.rest();
                if !f.broken() {
                    assert!(got.len() < refs.len() || got.last().is_some_and(|l| l.is_empty()) || cut == 0, "{head:?}");
                    assert_eq!(&got[..got.len().saturating_sub(1)], &refs[..got.len().saturating_sub(1)]);
                }
            }
        }
        let concat = parts.concat();
        let mut garbage = Fields::new(&concat);
        let _ = garbage.rest(); // not framing (or framing by chance): no panic either way
        // Two joins one after the other are the join of all the fields.
        let mut twice = join(&refs);
        twice.push_str(&join(&refs));
        assert_eq!(Fields::new(&twice).rest(), [refs.clone(), refs.clone()].concat());
    }
    n
}

fn ok(answer: &str) -> &str {
    answer.strip_prefix('=').unwrap_or_else(|| panic!("not an answer: {answer:?}"))
}

fn fields(answer: &str) -> Vec<String> {
    let mut f = Fields::new(ok(answer));
    let out = f.rest().into_iter().map(str::to_owned).collect();
    assert!(!f.broken(), "{answer:?}");
    out
}

fn failure(answer: &str) -> Vec<String> {
    let rest = answer.strip_prefix('!').unwrap_or_else(|| panic!("not a failure: {answer:?}"));
    Fields::new(rest).rest().into_iter().map(str::to_owned).collect()
}

/// A ListObjectsV2 answer with these objects (key, size).
fn listing(objects: &[(&str, u64)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>");
    xml.push_str(&format!("<KeyCount>{}</KeyCount>", objects.len()));
    for (key, size) in objects {
        xml.push_str(&format!("<Contents><Key>{key}</Key><Size>{size}</Size><ETag>&quot;e{size}&quot;</ETag><LastModified>2026-01-02T03:04:05.000Z</LastModified><StorageClass>STANDARD</StorageClass></Contents>"));
    }
    xml.push_str("</ListBucketResult>");
    xml
}

/// The objects (key, size, etag, storage class) of an `s3List` answer.
fn objects(answer: &str) -> Vec<(String, String, String, String)> {
    let f = fields(answer);
    let prefixes: usize = f[3].parse().unwrap();
    f[4 + prefixes..].chunks(5).map(|o| (o[0].clone(), o[1].clone(), o[2].clone(), o[4].clone())).collect()
}

/// Answers carrying NUL, U+0001, `:`, digits, the answer marks and non-BMP characters read back exactly.
pub fn hostile_answers() {
    // The issue's case: a key `a&#0;b` shifted every field after it.
    let got = objects(&step("s3List", "", &listing(&[("a&#0;b", 3), ("next", 42)])));
    assert_eq!(got, [("a\0b".into(), "3".into(), "\"e3\"".into(), "STANDARD".into()), ("next".into(), "42".into(), "\"e42\"".into(), "STANDARD".into())]);
    // Every delimiter, old and new, in keys.
    for (escaped, key) in [("&#1;x", "\u{1}x"), ("3:abc", "3:abc"), ("!1:x", "!1:x"), ("=", "="), ("&#x1F600;&#10;", "😀\n"), ("😀:0:", "😀:0:"), ("", "")] {
        let got = objects(&step("s3List", "", &listing(&[(escaped, 1), ("after", 2)])));
        assert_eq!(got[0].0, key, "{escaped}");
        assert_eq!((got[1].0.as_str(), got[1].1.as_str()), ("after", "2"), "{escaped}: the next object is not shifted");
    }
    // Error messages and codes.
    let e = failure(&step("s3Error", &join(&["403"]), "<Error><Code>Access&#0;Denied</Code><Message>no&#1;pe:1:x</Message></Error>"));
    assert_eq!(e, ["Access\0Denied", "no\u{1}pe:1:x", ""]);
    let e = fields(&step("errorCode", &join(&["400"]), "<Error><Code>A&#1;</Code><Message>&#0;3:</Message></Error>"));
    assert_eq!(e, ["A\u{1}", "\u{0}3:"]);
    let e = failure(&step("jsonError", &join(&["400", "x#Bad\0Code", "m\0e\u{1}ss:age"]), ""));
    assert_eq!(e, ["Bad\0Code", "m\0e\u{1}ss:age", ""]);
    // STS credentials.
    let sts = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>AK&#0;ID</AccessKeyId><SecretAccessKey>s&#1;:2:</SecretAccessKey><SessionToken>t😀</SessionToken><Expiration>2026-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    assert_eq!(fields(&step("stsAnswer", &join(&["200"]), sts)), ["AK\0ID", "s\u{1}:2:", "t😀", "1767323045"]);
    // An upload id that looks like a failure is still an answer.
    assert_eq!(ok(&step("s3UploadId", "", "<InitiateMultipartUploadResult><UploadId>!5:Error</UploadId></InitiateMultipartUploadResult>")), "!5:Error");
    // DynamoDB strings and map keys.
    let json = ok(&step("ddbMarshall", &join(&["0", "{", "k\0:1", "s\u{1}😀\0", "}"]), "")).to_owned();
    assert_eq!(json, "{\"\\u0000:1\":{\"S\":\"\\u0001😀\\u0000\"}}");
    // Header values and names go through signing exactly.
    let signed = fields(&sigv4::sign(
        &join(&[
            "h", "", "https:", "", "b.s3.us-east-1.amazonaws.com", "b.s3.us-east-1.amazonaws.com", "/k", "", "", "", "20150830T123600Z", "", "", "",
            "", "", "AKID", "secret", "", "PUT", "", "x-amz-meta-a", "v:1:\u{1}😀", "x-amz-meta-b", "2:ok",
        ]),
        b"",
    ));
    assert!(signed.windows(2).any(|p| p[0] == "x-amz-meta-a" && p[1] == "v:1:\u{1}😀"), "{signed:?}");
    assert!(signed.windows(2).any(|p| p[0] == "x-amz-meta-b" && p[1] == "2:ok"), "{signed:?}");
    // Challenge answers.
    assert_eq!(fields(&step("upResponses", &join(&["CUSTOM_CHALLENGE"]), "a\0b\u{1}:c")), ["ANSWER", "a\0b\u{1}:c"]);
    // A size that is not a number is an error, not a 0.
    let bad = listing(&[("k", 1)]).replace("<Size>1</Size>", "<Size>1x</Size>");
    assert_eq!(failure(&step("s3List", "", &bad))[0], "InvalidResponse");
}

/// Random listings (keys of any characters, escaped in any of XML's ways) read back exactly. Returns how many.
pub fn random_listings(n: usize, seed: u64) -> usize {
    let mut r = Rng::new(seed);
    for _ in 0..n {
        let keys: Vec<String> = (0..r.below(6)).map(|_| any_text(&mut r, 10).replace(['\r'], "")).collect();
        let escaped: Vec<String> = keys.iter().map(|k| xml_escape(&mut r, k)).collect();
        let objs: Vec<(&str, u64)> = escaped.iter().enumerate().map(|(i, k)| (k.as_str(), i as u64 * 1000)).collect();
        let got = objects(&step("s3List", "", &listing(&objs)));
        let want: Vec<(String, String, String, String)> =
            keys.iter().enumerate().map(|(i, k)| (k.clone(), (i * 1000).to_string(), format!("\"e{}\"", i * 1000), "STANDARD".into())).collect();
        assert_eq!(got, want, "{escaped:?}");
    }
    n
}
