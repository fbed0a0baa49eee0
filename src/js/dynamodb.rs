//! DynamoDB values for the JS layer (`pkg-config/dynamodb.js`): `marshall` by the rules of [`crate::dynamodb`]
//! from a token stream of the plain value, how `N` texts read back, and which request and answer members hold
//! values.
//!
//! The JS layer walks the plain value and writes one field per token (joined with `"\0"`; inside strings `"\0"`
//! is written `"\u{1}0"` and `"\u{1}"` is written `"\u{1}1"`):
//! `u` undefined, `z` null, `t` / `f` booleans, `n<text>` a number within ±(2^53 - 1), `N<text>` a finite number
//! beyond, `X<text>` NaN or an infinity, `x<text>` a bigint or NumberValue, `s<text>` a string, `b<base64>`
//! bytes, `[` a list and `<` a set (values up to `]`), `{` a map and `(<name>` a class instance (`k<key>` and a
//! value per member, up to `}`).

use super::Fields;
use crate::base64;
use crate::dynamodb::{self as ddb, Attr, Native, NumberKind, Options};
use crate::error::{Error, Result};
use crate::json::push_str;
#[allow(unused_imports)]
use crate::prelude::*;

/// DynamoDB nests at most 32 levels; deeper input is refused before it can exhaust the stack.
const MAX_DEPTH: u32 = 64;

fn bad_tokens() -> Error {
    Error::new(ddb::MARSHALL_ERROR, "the value could not be read (unexpected token)")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1}' {
            out.push(if chars.next() == Some('0') { '\0' } else { '\u{1}' });
        } else {
            out.push(c);
        }
    }
    out
}

fn value(token: &str, f: &mut Fields, depth: u32) -> Result<Native> {
    if depth > MAX_DEPTH {
        return Err(Error::new(ddb::MARSHALL_ERROR, "the value nests too deeply"));
    }
    let mut chars = token.chars();
    let tag = chars.next().ok_or_else(bad_tokens)?;
    let rest = chars.as_str();
    Ok(match tag {
        'u' => Native::Undefined,
        'z' => Native::Null,
        't' => Native::Bool(true),
        'f' => Native::Bool(false),
        // The JS layer classified the number; the value stands for its class (what the rules check).
        'n' => Native::Number(0.0, rest.to_owned()),
        'N' => Native::Number(f64::MAX, rest.to_owned()),
        'X' => Native::Number(f64::NAN, rest.to_owned()),
        'x' => Native::Exact(rest.to_owned()),
        's' => Native::String(unescape(rest)),
        'b' => Native::Bytes(base64::decode(rest).map_err(|_| bad_tokens())?),
        '[' => Native::List(items(f, depth)?),
        '<' => Native::Set(items(f, depth)?),
        '{' => Native::Map(members(f, depth)?),
        '(' => Native::Instance(unescape(rest), members(f, depth)?),
        _ => return Err(bad_tokens()),
    })
}

fn items(f: &mut Fields, depth: u32) -> Result<Vec<Native>> {
    let mut out = Vec::new();
    loop {
        match f.str() {
            "]" => return Ok(out),
            t => out.push(value(t, f, depth + 1)?),
        }
    }
}

fn members(f: &mut Fields, depth: u32) -> Result<Vec<(String, Native)>> {
    let mut out = Vec::new();
    loop {
        match f.str() {
            "}" => return Ok(out),
            t => {
                let key = t.strip_prefix('k').ok_or_else(bad_tokens)?;
                let v = value(f.str(), f, depth + 1)?;
                out.push((unescape(key), v));
            }
        }
    }
}

/// An AttributeValue as the wire's JSON.
fn write_attr(out: &mut String, a: &Attr) {
    let (tag, text): (&str, String) = match a {
        Attr::S(s) => ("S", json_str(s)),
        Attr::N(n) => ("N", json_str(n)),
        Attr::B(b) => ("B", json_str(&base64::encode(b))),
        Attr::Bool(b) => ("BOOL", String::from(if *b { "true" } else { "false" })),
        Attr::Null => ("NULL", String::from("true")),
        Attr::L(items) => {
            let mut s = String::from("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_attr(&mut s, item);
            }
            s.push(']');
            ("L", s)
        }
        Attr::M(m) => {
            let mut s = String::new();
            write_members(&mut s, m);
            ("M", s)
        }
        Attr::SS(v) => ("SS", json_list(v.iter().map(String::as_str))),
        Attr::NS(v) => ("NS", json_list(v.iter().map(String::as_str))),
        Attr::BS(v) => ("BS", json_list(v.iter().map(|b| base64::encode(b)).collect::<Vec<_>>().iter().map(String::as_str))),
    };
    out.push_str("{\"");
    out.push_str(tag);
    out.push_str("\":");
    out.push_str(&text);
    out.push('}');
}

fn json_str(s: &str) -> String {
    let mut out = String::new();
    push_str(&mut out, s);
    out
}

fn json_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let mut out = String::from("[");
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(&mut out, s);
    }
    out.push(']');
    out
}

fn write_members(out: &mut String, m: &[(String, Attr)]) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, k);
        out.push(':');
        write_attr(out, v);
    }
    out.push('}');
}

/// `ddbMarshall`: flags (removeUndefinedValues 1, convertEmptyValues 2, convertClassInstanceToMap 4,
/// allowImpreciseNumbers 8), then a map's token stream (above). The JSON of its map of AttributeValues.
pub fn marshall(f: &mut Fields) -> Result<String> {
    let flags = f.int().unwrap_or(0);
    let options = Options {
        remove_undefined_values: flags & 1 != 0,
        convert_empty_values: flags & 2 != 0,
        convert_class_instance_to_map: flags & 4 != 0,
        allow_imprecise_numbers: flags & 8 != 0,
    };
    let first = f.str();
    match value(first, f, 0)? {
        Native::Map(members) => {
            let mut out = String::new();
            write_members(&mut out, &ddb::marshall_members(&members, &options)?);
            Ok(out)
        }
        _ => Err(Error::new(ddb::MARSHALL_ERROR, "items, keys and ExpressionAttributeValues must be objects")),
    }
}

/// `ddbNumber`: an `N` text. How it reads back ([`ddb::number_kind`]): `"0"` a JS number, `"1"` a bigint, `"2"`
/// a NumberValue; `"3"` when it is not a decimal number's text at all.
pub fn number(f: &mut Fields) -> Result<String> {
    let text = f.str();
    Ok(String::from(if !ddb::is_number_text(text) {
        "3"
    } else {
        match ddb::number_kind(text) {
            NumberKind::Double => "0",
            NumberKind::BigInt => "1",
            NumberKind::Text => "2",
        }
    }))
}

/// `ddbRole`: member name, the member it sits in, `"1"` in an answer (a request otherwise). What the member
/// holds: `"1"` a map of values, `"2"` a list of such maps, `"0"` neither ([`ddb::member_role`]).
pub fn role(f: &mut Fields) -> Result<String> {
    let (key, parent) = (f.str(), f.str());
    Ok(crate::decimal(u64::from(ddb::member_role(key, parent, f.flag() == Some(true))), 1))
}
