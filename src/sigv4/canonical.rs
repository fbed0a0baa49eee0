//! Stage 1: the canonical request.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>

#[allow(unused_imports)]
use crate::prelude::*;

use super::encode::{normalize_path, percent_decode, push_joined, sort_pairs, uri_encode};
use super::Settings;
use crate::cat;
use crate::error::{code, Error, Result};

/// Headers never signed: `authorization` is the signature itself; the others are changed or added on the way
/// (by the browser, proxies or tracing) and would break the signature.
const UNSIGNABLE: [&str; 5] = ["authorization", "connection", "expect", "user-agent", "x-amzn-trace-id"];

pub fn is_signable(lower_name: &str) -> bool {
    !UNSIGNABLE.contains(&lower_name)
}

/// The canonical URI of a path as it is sent. S3 (`double_encode_path: false`) signs the object key encoded
/// once: the path is decoded and encoded again, so `!`, `%21` and any other spelling of a key sign alike.
/// Every other service encodes the sent path a second time, after RFC 3986 normalisation when asked.
pub fn canonical_uri(wire_path: &str, settings: &Settings) -> String {
    let path = if settings.normalize_path { normalize_path(wire_path) } else { wire_path.to_owned() };
    if settings.double_encode_path {
        uri_encode(path.as_bytes(), true)
    } else {
        uri_encode(&percent_decode(&path), true)
    }
}

/// Splits a query into `(name, value)` pairs, each decoded and encoded again with `UriEncode` (so the pairs are
/// both what is signed and a safe wire form). A parameter with no `=` has an empty value; `+` is a literal `+`.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in query.split('&') {
        if !p.is_empty() {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            out.push((uri_encode(&percent_decode(k), false), uri_encode(&percent_decode(v), false)));
        }
    }
    out
}

/// Sorted by name, then value (byte order), joined as `name=value&...`.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        sorted.push((k, v));
    }
    sort_pairs(&mut sorted);
    let mut out = String::new();
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Trims a header value and folds every run of white space (including line breaks) into one space.
pub fn fold_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_joined(&mut out, value.split_ascii_whitespace(), ' ');
    out
}

/// Headers merged by lowercase name (values of a repeated name joined with `,`, in order), values folded, in
/// the order their names first appear. Rejects names that are not HTTP tokens, and values holding NUL, which
/// no HTTP field value can (RFC 9110 section 5.5; `fetch` refuses them too): signing one would give a request
/// that cannot be sent.
pub fn merge_headers(headers: &[(&str, &str)]) -> Result<Vec<(String, String)>> {
    let mut merged: Vec<(String, String)> = Vec::new();
    for &(name, value) in headers {
        if !is_token(name) {
            return Err(Error::new(code::INVALID_HEADER, cat(&["\"", name, "\" is not a valid header name"])));
        }
        if value.bytes().any(|b| b == 0) {
            return Err(Error::new(code::INVALID_HEADER, cat(&["the value of header \"", name, "\" holds a NUL character"])));
        }
        let lower = name.to_ascii_lowercase();
        let value = fold_value(value);
        match merged.iter_mut().find(|(n, _)| *n == lower) {
            Some((_, v)) => {
                v.push(',');
                v.push_str(&value);
            }
            None => merged.push((lower, value)),
        }
    }
    Ok(merged)
}

/// `name:value\n` lines and the `;`-joined signed header names, from sorted, merged headers.
pub fn canonical_headers(sorted: &[(&str, &str)]) -> (String, String) {
    let mut block = String::new();
    let mut names = String::new();
    for (i, (n, v)) in sorted.iter().enumerate() {
        block.push_str(n);
        block.push(':');
        block.push_str(v);
        block.push('\n');
        if i > 0 {
            names.push(';');
        }
        names.push_str(n);
    }
    (block, names)
}

pub fn canonical_request(method: &str, uri: &str, query: &str, header_block: &str, signed_headers: &str, payload_hash: &str) -> String {
    cat(&[method, "\n", uri, "\n", query, "\n", header_block, "\n", signed_headers, "\n", payload_hash])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_paths_are_encoded_once_and_not_normalised() {
        let s3 = Settings { normalize_path: false, double_encode_path: false, payload_header: true, sign_session_token: true };
        assert_eq!(canonical_uri("/a//b/./c/../d.txt", &s3), "/a//b/./c/../d.txt");
        assert_eq!(canonical_uri("/a%20b/!%21+ü", &s3), "/a%20b/%21%21%2B%C3%BC");
        let other = Settings { normalize_path: true, double_encode_path: true, payload_header: false, sign_session_token: true };
        assert_eq!(canonical_uri("/a//b/./c/../d%3A.txt", &other), "/a/b/d%253A.txt");
    }

    #[test]
    fn query_is_reencoded_and_sorted() {
        let pairs = query_pairs("b=2&a=%7e+x&a=1&flag&&c=%zz");
        assert_eq!(canonical_query(&pairs), "a=1&a=~%2Bx&b=2&c=%25zz&flag=");
    }

    #[test]
    fn headers_merge_fold_and_sort() {
        let h = |n, v| (n, v);
        let merged = merge_headers(&[h("My-Header1", " a   b "), h("x-b", "1"), h("my-header1", "c\n  d")]).map_err(|e| e.code.to_string());
        assert_eq!(merged, Ok(vec![("my-header1".to_owned(), "a b,c d".to_owned()), ("x-b".to_owned(), "1".to_owned())]));
        assert_eq!(merge_headers(&[h("bad name", "x")]).map_err(|e| e.code.to_string()), Err("InvalidHeader".to_owned()));
        assert_eq!(merge_headers(&[h("x-a", "b\0c")]).map_err(|e| e.code.to_string()), Err("InvalidHeader".to_owned()));
    }
}
