//! Amazon DynamoDB (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`), pure protocol logic: plain
//! values to AttributeValues (the rules of AWS's `@aws-sdk/util-dynamodb`, checked against
//! `../shared/conformance/dynamodb/marshall_vectors.json`), how numbers read back, and which request members
//! carry values.
//!
//! A plain value arrives as a token stream, a list of texts (one field each across the wasm/JS boundary, which
//! carries any text, so strings are taken as they are; the JS layer's walk, `pkg-config/dynamodb.js`): `u` undefined, `z`
//! null, `t` / `f` booleans, `n<text>` a number within ±(2^53 - 1), `N<text>` a finite number beyond, `X<text>`
//! NaN or an infinity, `x<text>` a bigint or NumberValue, `s<text>` a string, `b<base64>` bytes, `[` a list and
//! `<` a set (values up to `]`), `{` a map and `(<name>` a class instance (`k<key>` and a value per member, up
//! to `}`). It is marshalled as it is read, straight into the wire's JSON.
//!
//! One deliberate difference: reading a number never rounds it silently. `N` values with at most 15
//! significant digits (always exact in a double) become numbers; longer integers become `BigInt`s; other
//! numbers keep their text in a `NumberValue` (`{ value }`), as the SDK does only with `wrapNumbers`.

use crate::cat;
use crate::error::{Error, Result};
use crate::json::push_str;
#[allow(unused_imports)]
use crate::prelude::*;

pub const TARGET_PREFIX: &str = "DynamoDB_20120810.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
pub const MARSHALL_ERROR: &str = "MarshallError";
/// 2^53 - 1: beyond it a JS number may not be the integer that was meant.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `@aws-sdk/util-dynamodb`'s marshall options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub remove_undefined_values: bool,
    pub convert_empty_values: bool,
    pub convert_class_instance_to_map: bool,
    pub allow_imprecise_numbers: bool,
}

impl Options {
    /// The options as the JS layer passes them: removeUndefinedValues 1, convertEmptyValues 2,
    /// convertClassInstanceToMap 4, allowImpreciseNumbers 8.
    pub fn from_flags(flags: i64) -> Options {
        Options {
            remove_undefined_values: flags & 1 != 0,
            convert_empty_values: flags & 2 != 0,
            convert_class_instance_to_map: flags & 4 != 0,
            allow_imprecise_numbers: flags & 8 != 0,
        }
    }
}

/// DynamoDB nests at most 32 levels; deeper input is refused before it can exhaust the stack.
const MAX_DEPTH: u32 = 64;

fn err(message: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(MARSHALL_ERROR, message)
}

fn bad_tokens() -> Error {
    err("the value could not be read (unexpected token)")
}

const UNDEFINED: &str = "Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.";
const NULL: &str = "{\"NULL\":true}";

/// The token stream being read.
struct Tokens<'a> {
    rest: core::slice::Iter<'a, &'a str>,
    options: Options,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Result<&'a str> {
        self.rest.next().copied().ok_or_else(bad_tokens)
    }
}

/// A token's tag and its text.
fn split_tag(token: &str) -> Result<(char, &str)> {
    let mut chars = token.chars();
    let tag = chars.next().ok_or_else(bad_tokens)?;
    Ok((tag, chars.as_str()))
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    out
}

/// A number token's text, after the number rules.
fn number(tag: char, text: &str, options: &Options) -> Result<String> {
    match tag {
        'X' => Err(err(cat(&["Special numeric value ", text, " is not allowed"]))),
        'N' if !options.allow_imprecise_numbers => Err(err(cat(&[
            "Number ",
            text,
            " is beyond Number.MAX_SAFE_INTEGER and may not be exact: pass a bigint or numberValue(text), or options.allowImpreciseNumbers=true",
        ]))),
        _ => Ok(text.to_owned()),
    }
}

/// The AttributeValue JSON of the value starting with `token`; `None`: an undefined value to leave out.
fn value(t: &mut Tokens, token: &str, depth: u32) -> Result<Option<String>> {
    if depth > MAX_DEPTH {
        return Err(err("the value nests too deeply"));
    }
    let o = t.options;
    let (tag, text) = split_tag(token)?;
    let (name, body) = match tag {
        'u' if o.remove_undefined_values => return Ok(None),
        'u' => return Err(err(UNDEFINED)),
        'z' => return Ok(Some(NULL.to_owned())),
        't' | 'f' => ("BOOL", String::from(if tag == 't' { "true" } else { "false" })),
        'n' | 'N' | 'X' | 'x' => ("N", json_str(&number(tag, text, &o)?)),
        's' | 'b' if text.is_empty() && o.convert_empty_values => return Ok(Some(NULL.to_owned())),
        's' => ("S", json_str(text)),
        'b' => ("B", json_str(text)),
        '[' => ("L", list(t, depth)?),
        '{' => ("M", map(t, depth)?),
        '(' if o.convert_class_instance_to_map => ("M", map(t, depth)?),
        '(' => {
            return Err(err(cat(&[
                "Unsupported type passed: ",
                text,
                ". Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.",
            ])))
        }
        '<' => return set(t),
        _ => return Err(bad_tokens()),
    };
    Ok(Some(cat(&["{\"", name, "\":", &body, "}"])))
}

fn list(t: &mut Tokens, depth: u32) -> Result<String> {
    let mut out = String::from("[");
    loop {
        let token = t.next()?;
        if token == "]" {
            out.push(']');
            return Ok(out);
        }
        if let Some(v) = value(t, token, depth + 1)? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&v);
        }
    }
}

fn map(t: &mut Tokens, depth: u32) -> Result<String> {
    let mut out = String::from("{");
    loop {
        let token = t.next()?;
        if token == "}" {
            out.push('}');
            return Ok(out);
        }
        let key = token.strip_prefix('k').ok_or_else(bad_tokens)?;
        let first = t.next()?;
        if let Some(v) = value(t, first, depth + 1)? {
            if out.len() > 1 {
                out.push(',');
            }
            push_str(&mut out, key);
            out.push(':');
            out.push_str(&v);
        }
    }
}

/// A set: strings, numbers or binaries, all of one kind, not empty (or NULL with convertEmptyValues).
fn set(t: &mut Tokens) -> Result<Option<String>> {
    let o = t.options;
    let mixed = || err("Only sets of strings, numbers or binary values are supported, all of one type");
    let mut kind = None;
    let mut items = String::new();
    loop {
        let token = t.next()?;
        if token == "]" {
            break;
        }
        let (tag, text) = split_tag(token)?;
        let (k, item) = match tag {
            'u' if o.remove_undefined_values => continue,
            'u' if kind.is_none() => return Err(err(UNDEFINED)),
            's' => ("SS", text.to_owned()),
            'n' | 'N' | 'X' | 'x' => ("NS", number(tag, text, &o)?),
            'b' => ("BS", text.to_owned()),
            _ => return Err(mixed()),
        };
        if kind.is_some_and(|seen| seen != k) {
            return Err(mixed());
        }
        kind = Some(k);
        items.push(if items.is_empty() { '[' } else { ',' });
        push_str(&mut items, &item);
    }
    match kind {
        Some(k) => Ok(Some(cat(&["{\"", k, "\":", &items, "]}"]))),
        None if o.convert_empty_values => Ok(Some(NULL.to_owned())),
        None => Err(err("Pass a non-empty set, or options.convertEmptyValues=true.")),
    }
}

/// One plain value, from its token stream: its AttributeValue's JSON; `None` for an undefined value left out
/// (removeUndefinedValues).
pub fn marshall(tokens: &[&str], options: Options) -> Result<Option<String>> {
    let mut t = Tokens { rest: tokens.iter(), options };
    let first = t.next()?;
    value(&mut t, first, 0)
}

/// A map of plain values (an item, a key, ExpressionAttributeValues), from its token stream: the JSON of its
/// map of AttributeValues.
pub fn marshall_map(tokens: &[&str], options: Options) -> Result<String> {
    let mut t = Tokens { rest: tokens.iter(), options };
    match t.next()? {
        "{" => map(&mut t, 0),
        _ => Err(err("items, keys and ExpressionAttributeValues must be objects")),
    }
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

/// Where the exponent's `e` / `E` is (byte-wise: a char-set searcher is several hundred bytes of wasm).
fn exponent_at(body: &str) -> Option<usize> {
    body.bytes().position(|b| b == b'e' || b == b'E')
}

/// Whether `text` is a decimal number as DynamoDB writes them (`-12.5`, `1E+7`, …).
pub fn is_number_text(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match exponent_at(body) {
        Some(i) => (body.get(..i).unwrap_or(""), Some(body.get(i + 1..).unwrap_or(""))),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exponent.is_none_or(|e| {
            let e = e.strip_prefix('+').or_else(|| e.strip_prefix('-')).unwrap_or(e);
            !e.is_empty() && digits(e)
        })
}

/// An exponent's value (`+7`, `-12`, `3`), `None` when it is not one or is beyond an i32.
fn exponent(e: &str) -> Option<i32> {
    let (negative, digits) = match e.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, crate::trim_start_byte(e, b'+')),
    };
    let n = i32::try_from(crate::parse_int(digits, 10)?).ok()?;
    Some(if negative { -n } else { n })
}

/// Classifies DynamoDB's number text (`-12.5e3`, …).
pub fn number_kind(text: &str) -> NumberKind {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match exponent_at(body) {
        Some(i) => (body.get(..i).unwrap_or(""), body.get(i + 1..).and_then(exponent)),
        None => (body, Some(0)),
    };
    let Some(exponent) = exponent else { return NumberKind::Text };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = cat(&[int, frac]);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return NumberKind::Text;
    }
    let significant = crate::trim_start_byte(&digits, b'0');
    let leading_zeros = digits.len() - significant.len();
    let significant = crate::trim_end_byte(significant, b'0');
    if significant.is_empty() {
        return NumberKind::Double; // zero
    }
    // Decimal exponent of the first significant digit.
    let magnitude = int.len() as i32 - leading_zeros as i32 + exponent;
    if significant.len() <= 15 && (-306..=308).contains(&magnitude) {
        return NumberKind::Double;
    }
    let is_integer = crate::trim_end_byte(frac, b'0').is_empty() && exponent == 0;
    let safe = crate::parse_int(crate::trim_start_byte(int, b'0'), 10).is_some_and(|n| n as f64 <= MAX_SAFE_INTEGER);
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
    fn token_streams() {
        let m = |tokens: &[&str], flags| marshall_map(tokens, Options::from_flags(flags));
        assert_eq!(m(&["{", "ka\0", "sx\u{1}y", "kl", "[", "u", "n1", "]", "}"], 1).unwrap(), r#"{"a\u0000":{"S":"x\u0001y"},"l":{"L":[{"N":"1"}]}}"#);
        assert_eq!(m(&["{", "ks", "<", "u", "sb", "sa", "]", "ke", "<", "]", "}"], 3).unwrap(), r#"{"s":{"SS":["b","a"]},"e":{"NULL":true}}"#);
        assert_eq!(m(&["{", "kd", "(Date", "kx", "t", "}", "}"], 4).unwrap(), r#"{"d":{"M":{"x":{"BOOL":true}}}}"#);
        assert_eq!(m(&["{", "kb", "b", "ks", "s", "}"], 2).unwrap(), r#"{"b":{"NULL":true},"s":{"NULL":true}}"#);
        for (tokens, flags, why) in [
            (&["{", "kd", "(Date", "}", "}"][..], 0, "class instance"),
            (&["{", "ku", "u", "}"], 0, "undefined"),
            (&["{", "kn", "XNaN", "}"], 8, "NaN"),
            (&["{", "kn", "N1e+21", "}"], 0, "imprecise"),
            (&["{", "ks", "<", "sa", "n1", "]", "}"], 0, "mixed set"),
            (&["{", "ks", "<", "[", "]", "]", "}"], 0, "set of lists"),
            (&["{", "ks", "<", "]", "}"], 0, "empty set"),
            (&["sx"], 0, "not a map"),
            (&["{", "x"], 0, "not a key"),
            (&["{", "kx", "?", "}"], 0, "unknown tag"),
            (&["{", "kx", "[", "n1"], 0, "cut off"),
            (&[""], 0, "nothing"),
        ] {
            assert_eq!(m(tokens, flags).map_err(|e| e.code.to_string()), Err("MarshallError".into()), "{why}");
        }
        let deep = ["{", "kx"].into_iter().chain(core::iter::repeat_n("[", 1000)).collect::<Vec<_>>();
        assert!(m(&deep, 0).is_err(), "nesting is bounded");
        assert_eq!(marshall(&["u"], Options::from_flags(1)).ok(), Some(None), "a removed undefined");
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
