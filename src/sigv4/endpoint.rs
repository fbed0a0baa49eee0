//! Which service and region a standard AWS hostname belongs to, so callers of AWS endpoints need not say.
//! Custom endpoints (local stand-ins, proxies, VPC endpoints) need `service` and `region` given explicitly.

#[allow(unused_imports)]
use crate::prelude::*;

/// Signing names that differ from the hostname's first label.
const ALIASES: [(&str, &str); 6] =
    [("email", "ses"), ("queue", "sqs"), ("appstream2", "appstream"), ("cloudhsmv2", "cloudhsm"), ("pinpoint", "mobiletargeting"), ("git-codecommit", "codecommit")];

/// The parts of `s` between `sep`s (a plain loop: `collect()` is one more generic instance in the wasm).
fn parts(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    for p in s.split(sep) {
        out.push(p);
    }
    out
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5` ...
pub fn looks_like_region(label: &str) -> bool {
    let parts = parts(label, '-');
    match parts.as_slice() {
        [first, middle @ .., last] => {
            first.len() == 2
                && first.bytes().all(|b| b.is_ascii_lowercase())
                && !middle.is_empty()
                && middle.iter().all(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_lowercase()))
                && !last.is_empty()
                && last.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// What a hostname says about signing: the service, and the region when the name has one.
#[derive(Debug, PartialEq, Eq)]
pub struct Inferred {
    pub service: String,
    pub region: Option<String>,
}

fn strip_aws_suffix(host: &str) -> Option<(&str, &'static str)> {
    for (suffix, global_region) in [(".amazonaws.com.cn", "cn-north-1"), (".amazonaws.com", "us-east-1"), (".api.aws", "us-east-1")] {
        if let Some(rest) = host.strip_suffix(suffix) {
            return Some((rest, global_region));
        }
    }
    None
}

/// S3's many hostname shapes: `bucket.s3.amazonaws.com`, `s3.eu-west-1.amazonaws.com/bucket`,
/// `bucket.s3.dualstack.eu-west-1...`, `bucket.s3-eu-west-1...` (legacy), `s3-fips.us-east-1...`,
/// `bucket.s3-accelerate(.dualstack).amazonaws.com` (region must be given), access points, `s3-control`.
fn infer_s3(labels: &[&str], global_region: &str) -> Option<Inferred> {
    let idx = labels.iter().rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
    let marker = labels.get(idx)?;
    let mut after = labels.get(idx + 1..).unwrap_or(&[]).to_vec();
    after.retain(|l| *l != "dualstack");
    let region_after = match after.as_slice() {
        [] => None,
        [r] if looks_like_region(r) => Some((*r).to_owned()),
        _ => return None,
    };
    let base = marker.strip_suffix("-fips").unwrap_or(marker);
    let region = match base {
        "s3" | "s3-accesspoint" | "s3-control" | "s3-object-lambda" => {
            region_after.or_else(|| (base == "s3" && after.is_empty()).then(|| global_region.to_owned()))
        }
        "s3-accelerate" => None,
        "s3-external-1" => Some("us-east-1".to_owned()),
        legacy => match legacy.strip_prefix("s3-") {
            Some(r) if looks_like_region(r) && after.is_empty() => Some(r.to_owned()),
            _ => return None,
        },
    };
    let service = if base == "s3-object-lambda" { "s3-object-lambda" } else { "s3" };
    Some(Inferred { service: service.to_owned(), region })
}

pub fn infer(host: &str) -> Option<Inferred> {
    let (rest, global_region) = strip_aws_suffix(host)?;
    let mut labels = parts(rest, '.');
    if let Some(s3) = infer_s3(&labels, global_region) {
        return Some(s3);
    }
    labels.retain(|l| *l != "dualstack");
    let region = match labels.last() {
        Some(last) if looks_like_region(last) => {
            let r = (*last).to_owned();
            labels.pop();
            r
        }
        _ => global_region.to_owned(),
    };
    let name = labels.last()?;
    let name = name.strip_suffix("-fips").unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    let service = ALIASES.iter().find(|(a, _)| *a == name).map_or(name, |(_, s)| s);
    Some(Inferred { service: service.to_owned(), region: Some(region) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inf(host: &str) -> Option<(String, Option<String>)> {
        infer(host).map(|i| (i.service, i.region))
    }

    fn some(service: &str, region: &str) -> Option<(String, Option<String>)> {
        Some((service.to_owned(), Some(region.to_owned())))
    }

    #[test]
    fn s3_hostnames() {
        assert_eq!(inf("examplebucket.s3.amazonaws.com"), some("s3", "us-east-1"));
        assert_eq!(inf("s3.amazonaws.com"), some("s3", "us-east-1"));
        assert_eq!(inf("my.dotted.bucket.s3.eu-west-1.amazonaws.com"), some("s3", "eu-west-1"));
        assert_eq!(inf("s3.eu-west-1.amazonaws.com"), some("s3", "eu-west-1"));
        assert_eq!(inf("b.s3.dualstack.ap-south-1.amazonaws.com"), some("s3", "ap-south-1"));
        assert_eq!(inf("b.s3-eu-west-1.amazonaws.com"), some("s3", "eu-west-1"));
        assert_eq!(inf("b.s3-external-1.amazonaws.com"), some("s3", "us-east-1"));
        assert_eq!(inf("s3-fips.us-gov-west-1.amazonaws.com"), some("s3", "us-gov-west-1"));
        assert_eq!(inf("s3-fips.dualstack.us-east-1.amazonaws.com"), some("s3", "us-east-1"));
        assert_eq!(inf("b.s3.cn-north-1.amazonaws.com.cn"), some("s3", "cn-north-1"));
        assert_eq!(inf("b.s3.amazonaws.com.cn"), some("s3", "cn-north-1"));
        assert_eq!(inf("b.s3-accelerate.amazonaws.com"), Some(("s3".to_owned(), None)));
        assert_eq!(inf("b.s3-accelerate.dualstack.amazonaws.com"), Some(("s3".to_owned(), None)));
        assert_eq!(inf("ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"), some("s3", "us-west-2"));
        assert_eq!(inf("s3bucket.s3.us-east-2.amazonaws.com"), some("s3", "us-east-2"));
    }

    #[test]
    fn other_hostnames() {
        assert_eq!(inf("dynamodb.eu-west-1.amazonaws.com"), some("dynamodb", "eu-west-1"));
        assert_eq!(inf("dynamodb-fips.us-east-1.amazonaws.com"), some("dynamodb", "us-east-1"));
        assert_eq!(inf("dynamodb.us-east-1.api.aws"), some("dynamodb", "us-east-1"));
        assert_eq!(inf("cognito-idp.eu-central-1.amazonaws.com"), some("cognito-idp", "eu-central-1"));
        assert_eq!(inf("abc123.execute-api.us-east-1.amazonaws.com"), some("execute-api", "us-east-1"));
        assert_eq!(inf("sts.amazonaws.com"), some("sts", "us-east-1"));
        assert_eq!(inf("iam.amazonaws.com.cn"), some("iam", "cn-north-1"));
        assert_eq!(inf("email.us-west-2.amazonaws.com"), some("ses", "us-west-2"));
        assert_eq!(inf("lambda.us-east-2.amazonaws.com"), some("lambda", "us-east-2"));
        assert_eq!(inf("example.com"), None);
        assert_eq!(inf("127.0.0.1"), None);
        assert_eq!(inf("amazonaws.com"), None);
    }

    #[test]
    fn regions() {
        for r in ["us-east-1", "us-gov-west-1", "cn-northwest-1", "eu-central-2", "ap-southeast-5"] {
            assert!(looks_like_region(r), "{r}");
        }
        for r in ["s3", "dualstack", "us-east", "use1", "us--1", "x-east-1"] {
            assert!(!looks_like_region(r), "{r}");
        }
    }
}
