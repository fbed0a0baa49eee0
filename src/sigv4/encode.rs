//! Byte-level encodings used by SigV4: AWS's URI encoding (RFC 3986 unreserved characters kept), percent
//! decoding, lowercase hex, and the path normalisation applied to every service but S3.

#[allow(unused_imports)]
use crate::prelude::*;

/// The hex digit of the low four bits of `n`.
fn hex_digit(n: u8, upper: bool) -> char {
    let n = n & 15;
    char::from(match (n, upper) {
        (0..=9, _) => b'0' + n,
        (_, true) => b'A' + n - 10,
        (_, false) => b'a' + n - 10,
    })
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn push_escaped(out: &mut String, b: u8) {
    out.push('%');
    out.push(hex_digit(b >> 4, true));
    out.push(hex_digit(b, true));
}

/// AWS `UriEncode`: every byte but `A-Za-z0-9-._~` becomes `%XX` (uppercase); `/` is kept when `keep_slash`.
pub fn uri_encode(input: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    for &b in input {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            push_escaped(&mut out, b);
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `%XX` sequences; a `%` not followed by two hex digits is kept as it is. `+` stays `+`.
pub fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex_val),
                bytes.get(i + 2).copied().and_then(hex_val),
            ) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Lowercase hex of bytes, as SigV4 writes hashes and signatures.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(hex_digit(b >> 4, false));
        out.push(hex_digit(b, false));
    }
    out
}

/// Sorts `(name, value)` pairs by name, then value, in byte order. An insertion sort: header and query lists
/// are short, and one small function here is far smaller in wasm than the standard library's sorts.
pub fn sort_pairs(v: &mut [(&str, &str)]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            match (v.get(j - 1), v.get(j)) {
                (Some(a), Some(b)) if a > b => v.swap(j - 1, j),
                _ => break,
            }
            j -= 1;
        }
    }
}

/// Appends `parts` to `out` with `sep` between them.
pub fn push_joined<'a>(out: &mut String, parts: impl IntoIterator<Item = &'a str>, sep: char) {
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        out.push_str(p);
    }
}

/// RFC 3986 dot-segment removal as AWS applies it to non-S3 paths: `.` and empty segments are dropped, `..`
/// removes the previous segment; a leading `/` and a trailing `/` (when anything is left) are kept.
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    push_joined(&mut out, segments.iter().copied(), '/');
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encode_keeps_only_unreserved() {
        assert_eq!(uri_encode(b"a b/\xc3\xbc+%!'()*~", true), "a%20b/%C3%BC%2B%25%21%27%28%29%2A~");
        assert_eq!(uri_encode(b"a/b", false), "a%2Fb");
    }

    #[test]
    fn percent_decode_keeps_plus_and_bad_escapes() {
        assert_eq!(percent_decode("a+b%20c%zz%4"), b"a+b c%zz%4".to_vec());
        assert_eq!(percent_decode("%C3%bc"), vec![0xc3, 0xbc]);
    }

    #[test]
    fn normalize_path_follows_rfc3986() {
        assert_eq!(normalize_path("/example1/example2/../.."), "/");
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/./example"), "/example");
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/a/../../b/"), "/b/");
    }

    #[test]
    fn sort_pairs_orders_by_name_then_value() {
        let mut v = [("b", "1"), ("a", "2"), ("a", "1"), ("B", "0"), ("a", "10")];
        sort_pairs(&mut v);
        let flat: Vec<String> = v.iter().map(|(a, b)| format!("{a}={b}")).collect();
        assert_eq!(flat, ["B=0", "a=1", "a=10", "a=2", "b=1"]);
        sort_pairs(&mut []);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
    }
}
