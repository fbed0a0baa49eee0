//! Amazon S3 (REST-XML), pure protocol logic: object and bucket URLs (virtual-hosted or path-style, custom
//! endpoints), ListObjectsV2 queries and answers, S3's XML errors, and multipart upload planning
//! (part sizes, CompleteMultipartUpload's body and answer). Sending and signing live in the boundary.

use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::sigv4::encode::uri_encode;
use crate::{cat, decimal, xml};

/// S3's smallest part (except the last) and most parts per upload.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
pub const MAX_PARTS: u64 = 10_000;
pub const DEFAULT_PART_SIZE: u64 = 8 * 1024 * 1024;

#[derive(Clone, Copy, Debug)]
pub struct Config<'a> {
    pub region: &'a str,
    pub bucket: &'a str,
    /// e.g. `http://127.0.0.1:4566` (no trailing path); default AWS's regional endpoint.
    pub endpoint: Option<&'a str>,
    pub path_style: bool,
}

/// A bucket name that can be a DNS label under TLS (no dots, lowercase, digits, hyphens).
fn virtual_host_ok(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

impl<'a> Config<'a> {
    /// `force_path_style`: `None` chooses path-style for custom endpoints and for bucket names that cannot be
    /// a host name, virtual-hosted otherwise.
    pub fn new(region: &'a str, bucket: &'a str, endpoint: Option<&'a str>, force_path_style: Option<bool>) -> Result<Config<'a>> {
        if bucket.is_empty() || bucket.contains('/') {
            return Err(Error::new(code::INVALID_ARGUMENT, "bucket must be a bucket name"));
        }
        if region.is_empty() {
            return Err(Error::new(code::INVALID_ARGUMENT, "region is required"));
        }
        let endpoint = endpoint.map(|e| crate::trim_end_byte(e, b'/'));
        let path_style = force_path_style.unwrap_or(endpoint.is_some() || !virtual_host_ok(bucket));
        Ok(Config { region, bucket, endpoint, path_style })
    }

    /// The bucket's base URL, ending in `/`.
    pub fn bucket_url(&self) -> String {
        let aws_host;
        let (scheme, host) = match self.endpoint {
            Some(e) => match crate::find_str(e, "://").and_then(|i| Some((e.get(..i)?, e.get(i + 3..)?))) {
                Some(split) => split,
                None => ("https", e),
            },
            None => {
                aws_host = cat(&["s3.", self.region, ".amazonaws.com"]);
                ("https", aws_host.as_str())
            }
        };
        if self.path_style {
            cat(&[scheme, "://", host, "/", &uri_encode(self.bucket.as_bytes(), false), "/"])
        } else {
            cat(&[scheme, "://", self.bucket, ".", host, "/"])
        }
    }

    /// The URL of object `key`. Keys with `.` or `..` path segments are refused: browsers' `fetch`
    /// normalises them away, so the request would name another object.
    pub fn object_url(&self, key: &str) -> Result<String> {
        if key.is_empty() {
            return Err(Error::new(code::INVALID_ARGUMENT, "key must not be empty"));
        }
        if key.split('/').any(|seg| seg == "." || seg == "..") {
            return Err(Error::new(code::INVALID_ARGUMENT, "keys with '.' or '..' segments cannot be sent from a browser (fetch rewrites them)"));
        }
        Ok(cat(&[&self.bucket_url(), &uri_encode(key.as_bytes(), true)]))
    }
}

/// Appends `name=value` (encoded) to a query string.
pub fn push_param(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.push_str(&uri_encode(value.as_bytes(), false));
}

/// ListObjectsV2's query.
#[derive(Default, Debug, Clone, Copy)]
pub struct ListInput<'a> {
    pub prefix: Option<&'a str>,
    pub delimiter: Option<&'a str>,
    pub continuation_token: Option<&'a str>,
    pub start_after: Option<&'a str>,
    pub max_keys: Option<u32>,
}

pub fn list_query(input: &ListInput) -> String {
    let mut q = String::from("list-type=2");
    let params = [
        ("continuation-token", input.continuation_token),
        ("delimiter", input.delimiter),
        ("prefix", input.prefix),
        ("start-after", input.start_after),
    ];
    for (name, value) in params {
        if let Some(v) = value {
            push_param(&mut q, name, v);
        }
    }
    if let Some(n) = input.max_keys {
        push_param(&mut q, "max-keys", &decimal(u64::from(n), 1));
    }
    q
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub etag: String,
    pub last_modified: String,
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPage {
    pub contents: Vec<ObjectInfo>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    pub next_continuation_token: Option<String>,
    pub key_count: u64,
}

/// ListObjectsV2's answer (`ListBucketResult`).
pub fn read_list(xml_text: &str) -> Result<ListPage> {
    if xml::elements(xml_text, "ListBucketResult").is_empty() {
        return Err(Error::new("InvalidResponse", "S3 answered a listing with something that is not a ListBucketResult"));
    }
    let num = |s: Option<String>| s.and_then(|v| crate::parse_int(v.trim_ascii(), 10)).unwrap_or(0);
    let mut contents = Vec::new();
    for c in xml::elements(xml_text, "Contents") {
        // A size that is not a number is refused rather than read as 0 (a wrong answer given silently).
        let size = xml::text(c, "Size").and_then(|v| crate::parse_int(v.trim_ascii(), 10));
        contents.push(ObjectInfo {
            key: xml::text(c, "Key").unwrap_or_default(),
            size: size.ok_or_else(|| Error::new("InvalidResponse", "S3 answered a listing with an object whose Size is not a number"))?,
            etag: xml::text(c, "ETag").unwrap_or_default(),
            last_modified: xml::text(c, "LastModified").unwrap_or_default(),
            storage_class: xml::text(c, "StorageClass"),
        });
    }
    let mut common_prefixes = Vec::new();
    for p in xml::elements(xml_text, "CommonPrefixes") {
        if let Some(prefix) = xml::text(p, "Prefix") {
            common_prefixes.push(prefix);
        }
    }
    Ok(ListPage {
        contents,
        common_prefixes,
        is_truncated: xml::text(xml_text, "IsTruncated").as_deref() == Some("true"),
        next_continuation_token: xml::text(xml_text, "NextContinuationToken").filter(|t| !t.is_empty()),
        key_count: num(xml::text(xml_text, "KeyCount")),
    })
}

/// S3's error for an answer with `status` and body `xml_text` (`<Error><Code>…`). A HEAD answer has no
/// body: its code comes from the status, as AWS SDKs do (`NotFound`, `Forbidden`, …).
pub fn read_error(status: u16, xml_text: &str) -> Error {
    let code = xml::text(xml_text, "Code").filter(|c| !c.is_empty()).unwrap_or_else(|| {
        String::from(match status {
            301 => "PermanentRedirect",
            304 => "NotModified",
            400 => "BadRequest",
            403 => "Forbidden",
            404 => "NotFound",
            412 => "PreconditionFailed",
            s if s >= 500 => "ServiceError",
            _ => "UnknownError",
        })
    });
    let message = xml::text(xml_text, "Message").unwrap_or_else(|| cat(&["HTTP ", &decimal(u64::from(status), 1)]));
    Error::service(code, message, status)
}

/// The byte ranges `[start, end)` of a multipart upload of `total` bytes: parts of `part_size` (raised to
/// S3's 5 MiB minimum, and so that there are at most 10,000 parts), the last one smaller.
pub fn plan_parts(total: u64, part_size: u64) -> Vec<(u64, u64)> {
    let size = part_size.max(MIN_PART_SIZE).max(total.div_ceil(MAX_PARTS));
    let mut parts = Vec::new();
    let mut start = 0;
    while start < total {
        let end = (start + size).min(total);
        parts.push((start, end));
        start = end;
    }
    parts
}

/// CreateMultipartUpload's answer: the upload id.
pub fn read_upload_id(xml_text: &str) -> Result<String> {
    xml::text(xml_text, "UploadId").filter(|u| !u.is_empty()).ok_or_else(|| Error::new("InvalidResponse", "S3 answered CreateMultipartUpload without an UploadId"))
}

/// CompleteMultipartUpload's body for `(part number, ETag)` pairs in order.
pub fn complete_body(parts: &[(u32, String)]) -> String {
    let mut out = String::from(r#"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
    for (n, etag) in parts {
        out.push_str("<Part><PartNumber>");
        out.push_str(&decimal(u64::from(*n), 1));
        out.push_str("</PartNumber><ETag>");
        out.push_str(&xml::escape(etag));
        out.push_str("</ETag></Part>");
    }
    out.push_str("</CompleteMultipartUpload>");
    out
}

/// CompleteMultipartUpload's answer. S3 can answer 200 and still fail: the error is then in the body.
pub fn read_complete(xml_text: &str) -> Result<String> {
    if !xml::elements(xml_text, "Error").is_empty() {
        return Err(read_error(500, xml_text));
    }
    xml::text(xml_text, "ETag").ok_or_else(|| Error::new("InvalidResponse", "S3 answered CompleteMultipartUpload without an ETag"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let aws = Config::new("eu-west-1", "my-bucket", None, None).unwrap();
        assert!(!aws.path_style);
        assert_eq!(aws.object_url("a b/ü+c.txt").unwrap(), "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/%C3%BC%2Bc.txt");
        let dotted = Config::new("eu-west-1", "my.bucket", None, None).unwrap();
        assert_eq!(dotted.object_url("k").unwrap(), "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
        let local = Config::new("us-east-1", "b1", Some("http://127.0.0.1:4566/".into()), None).unwrap();
        assert_eq!(local.object_url("private/x/y").unwrap(), "http://127.0.0.1:4566/b1/private/x/y");
        assert_eq!(local.bucket_url(), "http://127.0.0.1:4566/b1/");
        let vhost = Config::new("us-east-1", "b1", Some("https://s3.example.com".into()), Some(false)).unwrap();
        assert_eq!(vhost.object_url("k").unwrap(), "https://b1.s3.example.com/k");
        assert!(aws.object_url("").is_err());
        assert!(aws.object_url("a/../b").is_err());
        assert!(aws.object_url("./b").is_err());
        assert!(aws.object_url("a/.../b").is_ok());
        assert!(Config::new("us-east-1", "", None, None).is_err());
    }

    #[test]
    fn list_queries_and_answers() {
        let q = list_query(&ListInput { prefix: Some("private/us-east-1:a b/".into()), max_keys: Some(2), continuation_token: Some("t+/=".into()), ..Default::default() });
        assert_eq!(q, "list-type=2&continuation-token=t%2B%2F%3D&prefix=private%2Fus-east-1%3Aa%20b%2F&max-keys=2");
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><Contents><Key>p/a&amp;b</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>p/c</Key><Size>0</Size></Contents><CommonPrefixes><Prefix>p/d/</Prefix></CommonPrefixes></ListBucketResult>"#;
        let page = read_list(xml).unwrap();
        assert_eq!(page.contents.len(), 2);
        assert_eq!(page.contents[0].key, "p/a&b");
        assert_eq!(page.contents[0].etag, "\"abc\"");
        assert_eq!(page.contents[0].size, 12);
        assert_eq!(page.common_prefixes, vec!["p/d/".to_owned()]);
        assert!(page.is_truncated);
        assert_eq!(page.next_continuation_token.as_deref(), Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="));
        assert_eq!(page.key_count, 2);
        assert!(read_list("<Error/>").is_err());
    }

    #[test]
    fn errors() {
        let e = read_error(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key></Error>");
        assert_eq!((e.code.as_ref(), e.message.as_ref(), e.retryable), ("NoSuchKey", "The specified key does not exist.", false));
        assert_eq!(read_error(404, "").code, "NotFound");
        assert_eq!(read_error(403, "").code, "Forbidden");
        let slow = read_error(503, "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>");
        assert!(slow.retryable);
    }

    #[test]
    fn multipart() {
        const MIB: u64 = 1024 * 1024;
        assert_eq!(plan_parts(0, DEFAULT_PART_SIZE), vec![]);
        assert_eq!(plan_parts(12 * MIB, MIB), vec![(0, 5 * MIB), (5 * MIB, 10 * MIB), (10 * MIB, 12 * MIB)]);
        let huge = plan_parts(100_000 * MIB, 5 * MIB);
        assert!(huge.len() as u64 <= MAX_PARTS);
        assert_eq!(huge.last().unwrap().1, 100_000 * MIB);
        assert_eq!(
            complete_body(&[(1, "\"a\"".into()), (2, "\"b\"".into())]),
            r#"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part></CompleteMultipartUpload>"#
        );
        assert_eq!(read_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>").unwrap(), "u-1");
        assert_eq!(read_complete("<CompleteMultipartUploadResult><ETag>&quot;x-2&quot;</ETag></CompleteMultipartUploadResult>").unwrap(), "\"x-2\"");
        let failed = read_complete("<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>").unwrap_err();
        assert!(failed.retryable && failed.code == "InternalError");
    }
}
