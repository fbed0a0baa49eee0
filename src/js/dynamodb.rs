//! DynamoDB for the JS layer (`pkg-config/dynamodb.js`): marshalling a value's token stream (the grammar is in
//! [`crate::dynamodb`]), how `N` texts read back, and which request and answer members hold values.

use super::Fields;
use crate::dynamodb::{self as ddb, NumberKind, Options};
use crate::error::Result;
#[allow(unused_imports)]
use crate::prelude::*;

/// `ddbMarshall`: flags (removeUndefinedValues 1, convertEmptyValues 2, convertClassInstanceToMap 4,
/// allowImpreciseNumbers 8), then a map's token stream, one token a field. The JSON of its map of
/// AttributeValues.
pub fn marshall(f: &mut Fields) -> Result<String> {
    let options = Options::from_flags(f.int().unwrap_or(0));
    ddb::marshall_map(&f.rest(), options)
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
