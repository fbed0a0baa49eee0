//! Which service and region a standard AWS hostname belongs to, so callers of AWS endpoints need not say.
//! Custom endpoints (local stand-ins, proxies, VPC endpoints) need `service` and `region` given explicitly.

#[allow(unused_imports)]
use crate::prelude::*;

/// Signing names that differ from the hostname's first label.
const ALIASES: [(&str, &str); 6] =
    [("email", "ses"), ("queue", "sqs"), ("appstream2", "appstream"), ("cloudhsmv2", "cloudhsm"), ("pinpoint", "mobiletargeting"), ("git-codecommit", "codecommit")];

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5` ...: two lowercase letters,
/// one or more groups of lowercase letters, then digits, joined with `-`.
pub fn looks_like_region(label: &str) -> bool {
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let Some(dash) = label.bytes().rposition(|b| b == b'-') else { return false };
    let (head, digits) = (label.get(..dash).unwrap_or(""), label.get(dash + 1..).unwrap_or(""));
    let Some((first, middle)) = head.split_once('-') else { return false };
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && first.len() == 2 && lower(first) && middle.split('-').all(lower)
}

/// What a hostname says about signing: the service, and the region when the name has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inferred<'a> {
    pub service: &'a str,
    pub region: Option<&'a str>,
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
/// `labels` are the host's labels before the AWS suffix, `dualstack` left out.
fn infer_s3<'a>(labels: &[&'a str], global_region: &'static str) -> Option<Inferred<'a>> {
    let idx = labels.iter().rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
    let marker = *labels.get(idx)?;
    let after = labels.get(idx + 1..).unwrap_or(&[]);
    let region_after = match after {
        [] => None,
        [r] if looks_like_region(r) => Some(*r),
        _ => return None,
    };
    let base = marker.strip_suffix("-fips").unwrap_or(marker);
    let region = match base {
        "s3" | "s3-accesspoint" | "s3-control" | "s3-object-lambda" => region_after.or(if base == "s3" && after.is_empty() { Some(global_region) } else { None }),
        "s3-accelerate" => None,
        "s3-external-1" => Some("us-east-1"),
        legacy => match legacy.strip_prefix("s3-") {
            Some(r) if looks_like_region(r) && after.is_empty() => Some(r),
            _ => return None,
        },
    };
    let service = if base == "s3-object-lambda" { "s3-object-lambda" } else { "s3" };
    Some(Inferred { service, region })
}

pub fn infer(host: &str) -> Option<Inferred<'_>> {
    let (rest, global_region) = strip_aws_suffix(host)?;
    let mut labels = Vec::new();
    for label in rest.split('.') {
        if label != "dualstack" {
            labels.push(label);
        }
    }
    if let Some(s3) = infer_s3(&labels, global_region) {
        return Some(s3);
    }
    let (name, region) = match labels.as_slice() {
        [.., name, r] if looks_like_region(r) => (*name, *r),
        [r] if looks_like_region(r) => return None,
        [.., name] => (*name, global_region),
        [] => return None,
    };
    let name = name.strip_suffix("-fips").unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    let service = ALIASES.iter().find(|(a, _)| *a == name).map_or(name, |(_, s)| s);
    Some(Inferred { service, region: Some(region) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inf(host: &str) -> Option<(&str, Option<&str>)> {
        infer(host).map(|i| (i.service, i.region))
    }

    fn some<'a>(service: &'a str, region: &'a str) -> Option<(&'a str, Option<&'a str>)> {
        Some((service, Some(region)))
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
        assert_eq!(inf("b.s3-accelerate.amazonaws.com"), Some(("s3", None)));
        assert_eq!(inf("b.s3-accelerate.dualstack.amazonaws.com"), Some(("s3", None)));
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
        assert_eq!(inf("us-east-1.amazonaws.com"), None);
        assert_eq!(inf("dualstack.s3.amazonaws.com"), some("s3", "us-east-1"));
        assert_eq!(inf("b.s3.x.y.amazonaws.com"), some("y", "us-east-1"));
    }

    #[test]
    fn regions() {
        for r in ["us-east-1", "us-gov-west-1", "cn-northwest-1", "eu-central-2", "ap-southeast-5"] {
            assert!(looks_like_region(r), "{r}");
        }
        for r in ["s3", "dualstack", "us-east", "use1", "us--1", "x-east-1", "us-east-", "-east-1", "us-east-1a", "US-east-1"] {
            assert!(!looks_like_region(r), "{r}");
        }
    }
}
