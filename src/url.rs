//! A small, strict splitter for the absolute `http(s)` URLs that AWS requests use. It keeps the path and query
//! exactly as written (a browser URL parser would re-encode them, hiding what the caller meant), which is what
//! SigV4 canonicalisation needs.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::cat;
use crate::error::{code, Error, Result};

/// `localhost` or a name under it (any case): where browsers and Cognito allow plain `http`/`ws` (the hosted UI's
/// callbacks, a local IoT endpoint).
pub fn is_localhost(host: &str) -> bool {
    let tail = host.len().checked_sub(9).and_then(|i| host.get(i..)).unwrap_or("");
    let dot = host.len().checked_sub(10).and_then(|i| host.as_bytes().get(i)).copied();
    tail.eq_ignore_ascii_case("localhost") && (host.len() == 9 || dot == Some(b'.'))
}

/// An absolute URL as signing reads it, borrowed: from the browser's parser (the JS boundary) or [`Parsed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Url<'a> {
    /// `http` or `https`
    pub scheme: &'a str,
    /// Lowercase host, with `:port` only when it is not the scheme's default (the `Host` header browsers send).
    pub authority: &'a str,
    /// The host alone, lowercase, without port (IPv6 keeps its brackets).
    pub host: &'a str,
    /// The path as written (never empty: `/` at least).
    pub path: &'a str,
    /// The query as written, without `?`; `None` when the URL has no `?`.
    pub query: Option<&'a str>,
}

impl Url<'_> {
    /// `scheme://authority`
    pub fn origin(&self) -> String {
        cat(&[self.scheme, "://", self.authority])
    }
}

/// A URL split by [`Parsed::parse`], owning its parts (the host is lowercased); [`Parsed::url`] borrows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub scheme: String,
    pub authority: String,
    pub host: String,
    pub path: String,
    pub query: Option<String>,
}

fn invalid(why: &str) -> Error {
    Error::new(code::INVALID_URL, cat(&["url must be an absolute http(s) URL: ", why]))
}

impl Parsed {
    pub fn url(&self) -> Url<'_> {
        Url { scheme: &self.scheme, authority: &self.authority, host: &self.host, path: &self.path, query: self.query.as_deref() }
    }

    pub fn parse(input: &str) -> Result<Parsed> {
        let s = input.trim_matches(|c: char| c <= ' ');
        if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Err(invalid("it contains control characters"));
        }
        let (scheme, rest) = s.split_once(':').ok_or_else(|| invalid("no scheme"))?;
        let rest = rest.strip_prefix("//").ok_or_else(|| invalid("no scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => "443",
            "http" => "80",
            _ => return Err(invalid("the scheme is not http or https")),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = (rest.get(..end).unwrap_or(rest), rest.get(end..).unwrap_or(""));
        if authority.contains('@') {
            return Err(invalid("user names and passwords in URLs are not supported"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (inner, after) = v6.split_once(']').ok_or_else(|| invalid("unclosed IPv6 bracket"))?;
            if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
                return Err(invalid("bad IPv6 address"));
            }
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(invalid("bad characters after the IPv6 address")),
            };
            (cat(&["[", &inner.to_ascii_lowercase(), "]"]), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
                None => (authority.to_ascii_lowercase(), None),
            }
        };
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        if !host.starts_with('[') && !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')) {
            return Err(invalid("the host has characters that are not allowed (internationalised names must be given in punycode)"));
        }
        let port = match port {
            None | Some("") => None,
            Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= 65535) => {
                let trimmed = p.trim_start_matches('0');
                let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
                (trimmed != default_port).then(|| trimmed.to_owned())
            }
            Some(_) => return Err(invalid("bad port")),
        };
        let authority = match &port {
            Some(p) => cat(&[&host, ":", p]),
            None => host.clone(),
        };
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (rest, None),
        };
        let path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
        Ok(Parsed { scheme, authority, host, path, query })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let u = Parsed::parse(" HTTPS://Bucket.S3.amazonaws.com:443/a b/?x=1&y#frag").map_err(|e| e.code.to_string());
        let u = match u {
            Ok(u) => u,
            Err(e) => unreachable!("{e}"),
        };
        assert_eq!((u.scheme.as_str(), u.authority.as_str(), u.host.as_str()), ("https", "bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"));
        assert_eq!((u.path.as_str(), u.query.as_deref()), ("/a b/", Some("x=1&y")));
        let u = Parsed::parse("http://127.0.0.1:4566").map(|u| (u.authority, u.path, u.query));
        assert_eq!(u, Ok(("127.0.0.1:4566".to_owned(), "/".to_owned(), None)));
        let u = Parsed::parse("http://[::1]:8080/x?").map(|u| (u.host, u.authority, u.query));
        assert_eq!(u, Ok(("[::1]".to_owned(), "[::1]:8080".to_owned(), Some(String::new()))));
    }

    #[test]
    fn rejects_what_fetch_cannot_send() {
        for bad in ["", "/relative", "ftp://x/", "https://", "https://u:p@host/", "https://ho st/", "https://host:99999/", "https://host:x/", "https://[::1/", "https://hôst/", "https://h/a\nb"] {
            assert_eq!(Parsed::parse(bad).map_err(|e| e.code.to_string()), Err("InvalidUrl".to_owned()), "{bad:?}");
        }
    }
}
