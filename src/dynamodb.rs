//! Amazon DynamoDB (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`), pure protocol logic: plain
//! values to AttributeValues and back (the rules of AWS's `@aws-sdk/util-dynamodb`, checked against
//! `../shared/conformance/dynamodb/marshall_vectors.json`), and which request members carry values.
//!
//! One deliberate difference: reading a number never rounds it silently. `N` values with at most 15
//! significant digits (always exact in a double) become numbers; longer integers become `BigInt`s; other
//! numbers keep their text in a `NumberValue` (`{ value }`), as the SDK does only with `wrapNumbers`.

use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

pub const TARGET_PREFIX: &str = "DynamoDB_20120810.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
pub const MARSHALL_ERROR: &str = "MarshallError";
/// 2^53 - 1: beyond it a JS number may not be the integer that was meant.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A plain (JS) value, as the boundary reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Native {
    Undefined,
    Null,
    Bool(bool),
    /// A JS number: its value and its text as JS writes it (`String(n)`).
    Number(f64, String),
    /// A `bigint` or a `NumberValue`: exact decimal text.
    Exact(String),
    String(String),
    Bytes(Vec<u8>),
    List(Vec<Native>),
    Map(Vec<(String, Native)>),
    Set(Vec<Native>),
    /// An instance of a class that is not a plain object (`Date`, …), with its own enumerable properties.
    Instance(String, Vec<(String, Native)>),
}

/// A DynamoDB AttributeValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    S(String),
    N(String),
    B(Vec<u8>),
    Bool(bool),
    Null,
    L(Vec<Attr>),
    M(Vec<(String, Attr)>),
    SS(Vec<String>),
    NS(Vec<String>),
    BS(Vec<Vec<u8>>),
}

/// `@aws-sdk/util-dynamodb`'s marshall options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub remove_undefined_values: bool,
    pub convert_empty_values: bool,
    pub convert_class_instance_to_map: bool,
    pub allow_imprecise_numbers: bool,
}

fn err(message: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(MARSHALL_ERROR, message)
}

const UNDEFINED: &str = "Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.";

fn number_text(value: f64, text: &str, options: &Options) -> Result<String> {
    if !value.is_finite() {
        return Err(err(crate::cat(&["Special numeric value ", text, " is not allowed"])));
    }
    if !options.allow_imprecise_numbers && value.abs() > MAX_SAFE_INTEGER {
        return Err(err(crate::cat(&["Number ", text, " is beyond Number.MAX_SAFE_INTEGER and may not be exact: pass a bigint or numberValue(text), or options.allowImpreciseNumbers=true"])));
    }
    Ok(text.to_owned())
}

/// A plain value to an AttributeValue. `Ok(None)`: an undefined value to leave out (removeUndefinedValues).
pub fn marshall(v: &Native, options: &Options) -> Result<Option<Attr>> {
    Ok(Some(match v {
        Native::Undefined if options.remove_undefined_values => return Ok(None),
        Native::Undefined => return Err(err(UNDEFINED)),
        Native::Null => Attr::Null,
        Native::Bool(b) => Attr::Bool(*b),
        Native::Number(value, text) => Attr::N(number_text(*value, text, options)?),
        Native::Exact(text) => Attr::N(text.clone()),
        Native::String(s) if s.is_empty() && options.convert_empty_values => Attr::Null,
        Native::String(s) => Attr::S(s.clone()),
        Native::Bytes(b) if b.is_empty() && options.convert_empty_values => Attr::Null,
        Native::Bytes(b) => Attr::B(b.clone()),
        Native::List(items) => Attr::L(marshall_all(items, options)?),
        Native::Map(members) => Attr::M(marshall_members(members, options)?),
        Native::Instance(_, members) if options.convert_class_instance_to_map => Attr::M(marshall_members(members, options)?),
        Native::Instance(name, _) => {
            return Err(err(crate::cat(&["Unsupported type passed: ", name, ". Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute."])))
        }
        Native::Set(items) => return marshall_set(items, options),
    }))
}

fn marshall_all(items: &[Native], options: &Options) -> Result<Vec<Attr>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(a) = marshall(item, options)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// A map's members (an item, a key, ExpressionAttributeValues).
pub fn marshall_members(members: &[(String, Native)], options: &Options) -> Result<Vec<(String, Attr)>> {
    let mut out = Vec::with_capacity(members.len());
    for (k, v) in members {
        if let Some(a) = marshall(v, options)? {
            out.push((k.clone(), a));
        }
    }
    Ok(out)
}

fn marshall_set(items: &[Native], options: &Options) -> Result<Option<Attr>> {
    let items: Vec<&Native> = items.iter().filter(|i| !(options.remove_undefined_values && matches!(i, Native::Undefined))).collect();
    let Some(first) = items.first() else {
        return if options.convert_empty_values { Ok(Some(Attr::Null)) } else { Err(err("Pass a non-empty set, or options.convertEmptyValues=true.")) };
    };
    let mixed = || err("Only sets of strings, numbers or binary values are supported, all of one type");
    Ok(Some(match first {
        Native::String(_) => Attr::SS(items.iter().map(|i| if let Native::String(s) = i { Ok(s.clone()) } else { Err(mixed()) }).collect::<Result<_>>()?),
        Native::Number(..) | Native::Exact(_) => Attr::NS(
            items
                .iter()
                .map(|i| match i {
                    Native::Number(v, t) => number_text(*v, t, options),
                    Native::Exact(t) => Ok(t.clone()),
                    _ => Err(mixed()),
                })
                .collect::<Result<_>>()?,
        ),
        Native::Bytes(_) => Attr::BS(items.iter().map(|i| if let Native::Bytes(b) = i { Ok(b.clone()) } else { Err(mixed()) }).collect::<Result<_>>()?),
        Native::Undefined => return Err(err(UNDEFINED)),
        _ => return Err(mixed()),
    }))
}

/// How an `N` value reads back: a JS number only when that is exact.
#[derive(Debug, PartialEq, Eq)]
pub enum NumberKind {
    /// At most 15 significant digits, within a double's range: `Number(text)` is exact.
    Double,
    /// An integer beyond that: a `BigInt`.
    BigInt,
    /// Anything else: its text, in a `NumberValue`.
    Text,
}

/// Whether `text` is a decimal number as DynamoDB writes them (`-12.5`, `1E+7`, …).
pub fn is_number_text(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i).unwrap_or(""), Some(body.get(i + 1..).unwrap_or(""))),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exponent.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        })
}

/// Classifies DynamoDB's number text (`-12.5e3`, …).
pub fn number_kind(text: &str) -> NumberKind {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i).unwrap_or(""), body.get(i + 1..).and_then(|e| e.trim_start_matches('+').parse::<i32>().ok())),
        None => (body, Some(0)),
    };
    let Some(exponent) = exponent else { return NumberKind::Text };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return NumberKind::Text;
    }
    let digits: String = int.chars().chain(frac.chars()).collect();
    let significant = digits.trim_start_matches('0');
    let leading_zeros = digits.len() - significant.len();
    let significant = significant.trim_end_matches('0');
    if significant.is_empty() {
        return NumberKind::Double; // zero
    }
    // Decimal exponent of the first significant digit.
    let magnitude = int.len() as i32 - leading_zeros as i32 + exponent;
    if significant.len() <= 15 && (-306..=308).contains(&magnitude) {
        return NumberKind::Double;
    }
    let is_integer = frac.trim_end_matches('0').is_empty() && exponent == 0;
    let safe = int.trim_start_matches('0').parse::<u64>().is_ok_and(|n| n as f64 <= MAX_SAFE_INTEGER);
    if is_integer && safe {
        NumberKind::Double
    } else if is_integer {
        NumberKind::BigInt
    } else {
        NumberKind::Text
    }
}

/// Request members holding a map of plain values, and members holding a list of such maps.
const VALUE_MAPS: [&str; 4] = ["Item", "Key", "ExpressionAttributeValues", "ExclusiveStartKey"];
const VALUE_MAP_LISTS: [&str; 1] = ["Keys"];
/// Answer members holding a map of AttributeValues, and lists of such maps.
const ANSWER_MAPS: [&str; 5] = ["Item", "Attributes", "LastEvaluatedKey", "Key", "ExclusiveStartKey"];
const ANSWER_MAP_LISTS: [&str; 2] = ["Items", "Keys"];

/// What member `key` (inside member `parent`) of a request or an answer holds: 1 a map of values, 2 a list of
/// such maps (BatchGetItem's `Responses` maps table names to lists of items), 0 neither (look inside it).
pub fn member_role(key: &str, parent: &str, in_answer: bool) -> u8 {
    let (maps, lists): (&[&str], &[&str]) = if in_answer { (&ANSWER_MAPS, &ANSWER_MAP_LISTS) } else { (&VALUE_MAPS, &VALUE_MAP_LISTS) };
    if maps.contains(&key) {
        1
    } else if lists.contains(&key) || parent == "Responses" {
        2
    } else {
        0
    }
}

/// Throttling and server errors are worth a retry; so are unprocessed batch items, with backoff.
pub const MAX_BATCH_RETRIES: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_texts() {
        for t in ["0", "-1.5", "1e-7", "1.5E+300", ".5", "5."] {
            assert!(is_number_text(t), "{t}");
        }
        for t in ["", "-", "1e", "1.2.3", "abc", "1e+", "0x10", "NaN"] {
            assert!(!is_number_text(t), "{t}");
        }
    }

    #[test]
    fn member_roles() {
        assert_eq!(member_role("Item", "", false), 1);
        assert_eq!(member_role("ExpressionAttributeValues", "", false), 1);
        assert_eq!(member_role("Keys", "Table", false), 2);
        assert_eq!(member_role("Items", "", false), 0, "a request's Items is no value member");
        assert_eq!(member_role("Items", "", true), 2);
        assert_eq!(member_role("Attributes", "", true), 1);
        assert_eq!(member_role("Music", "Responses", true), 2);
        assert_eq!(member_role("TableName", "", false), 0);
    }

    #[test]
    fn number_kinds() {
        for t in ["0", "42", "-7", "3.14", "1e-7", "1.5e+300", "9007199254740991", "0.000", "123456789012345", "-0.5E-3"] {
            assert_eq!(number_kind(t), NumberKind::Double, "{t}");
        }
        for t in ["12345678901234567890", "9007199254740993", "-1234567890123456789012"] {
            assert_eq!(number_kind(t), NumberKind::BigInt, "{t}");
        }
        for t in ["0.1234567890123456789", "1e-400", "1.5e+400", "12345678901234567.5", "abc", "", "-", "1e", "1.2.3"] {
            assert_eq!(number_kind(t), NumberKind::Text, "{t}");
        }
    }
}
