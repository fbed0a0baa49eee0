//! DynamoDB values: plain JS values as AttributeValues and back, by the rules of [`crate::dynamodb`]; whole
//! requests and answers for the JS layer's `DynamoDB` class ([`super::wire`]), and `marshall`, `unmarshall`
//! and `numberValue` on their own.

use super::{get, is_absent, opt_bool, set, str_field, to_js};
use crate::dynamodb::{self as ddb, Attr, Native, NumberKind, Options};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::base64;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const DYNAMODB_TYPES: &str = r#"
/** A number kept as its exact decimal text (DynamoDB numbers have up to 38 digits). */
export interface NumberValue {
  readonly value: string;
}
/** What a DynamoDB attribute can be, as plain JS. */
export type NativeValue =
  | string | number | bigint | boolean | null | undefined | NumberValue
  | Uint8Array | ArrayBuffer | ArrayBufferView
  | NativeValue[] | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array>
  | Map<string, NativeValue> | { [key: string]: NativeValue };
export type AttributeValue =
  | { S: string } | { N: string } | { B: string } | { BOOL: boolean } | { NULL: true }
  | { L: AttributeValue[] } | { M: Record<string, AttributeValue> }
  | { SS: string[] } | { NS: string[] } | { BS: string[] };
export interface MarshallOptions {
  /** Leave out undefined values in maps, lists and sets instead of failing. */
  removeUndefinedValues?: boolean;
  /** Write empty strings, binaries and sets as NULL. */
  convertEmptyValues?: boolean;
  /** Write class instances (Date ...) as maps of their own properties instead of failing. */
  convertClassInstanceToMap?: boolean;
  /** Accept numbers beyond Number.MAX_SAFE_INTEGER (they may not be what was meant). */
  allowImpreciseNumbers?: boolean;
}
export interface UnmarshallOptions {
  /** Every number as a NumberValue. Default: numbers when exact, bigint for long integers, NumberValue otherwise. */
  wrapNumbers?: boolean;
}
export interface DynamoDBOptions {
  region: string;
  credentials: CredentialsSource;
  /** Overrides `https://dynamodb.<region>.amazonaws.com/`. */
  endpoint?: string;
  maxAttempts?: number;
  marshallOptions?: MarshallOptions;
  unmarshallOptions?: UnmarshallOptions;
  /** Take and return AttributeValues as they are on the wire. */
  raw?: boolean;
}
/** DynamoDB's own input and output shapes, with plain values where it has AttributeValues. */
export type DynamoDBInput = Record<string, any>;
export type DynamoDBOutput = Record<string, any>;
"#;

fn brand() -> JsValue {
    js_sys::Symbol::for_("cognito-fetch.NumberValue").into()
}

fn number_value(text: &str) -> JsValue {
    let o = Object::new();
    set(&o, "value", &JsValue::from_str(text));
    let _ = Reflect::set(&o, &brand(), &JsValue::TRUE);
    o.into()
}

fn entries(v: &JsValue) -> Result<Vec<(String, Native)>> {
    Object::entries(v.unchecked_ref()).iter().map(|e| {
        let pair: Array = e.unchecked_into();
        Ok((pair.get(0).as_string().unwrap_or_default(), native(&pair.get(1))?))
    }).collect()
}

/// A JS value as [`Native`].
fn native(v: &JsValue) -> Result<Native> {
    if v.is_undefined() {
        return Ok(Native::Undefined);
    }
    if v.is_null() {
        return Ok(Native::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Native::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        let text = js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default();
        return Ok(Native::Number(n, text));
    }
    if v.is_bigint() {
        let text: String = v.unchecked_ref::<js_sys::BigInt>().to_string(10).map(String::from).unwrap_or_default();
        return Ok(Native::Exact(text));
    }
    if let Some(s) = v.as_string() {
        return Ok(Native::String(s));
    }
    if let Some(b) = super::buffer_bytes(v) {
        return Ok(Native::Bytes(b));
    }
    if Array::is_array(v) {
        return Ok(Native::List(Array::from(v).iter().map(|i| native(&i)).collect::<Result<_>>()?));
    }
    if let Some(set) = v.dyn_ref::<js_sys::Set>() {
        return Ok(Native::Set(Array::from(set).iter().map(|i| native(&i)).collect::<Result<_>>()?));
    }
    if let Some(map) = v.dyn_ref::<js_sys::Map>() {
        return Ok(Native::Map(Array::from(map).iter().map(|e| {
            let pair: Array = e.unchecked_into();
            let key = pair.get(0).as_string().ok_or_else(|| Error::new(ddb::MARSHALL_ERROR, "Map keys must be strings"))?;
            Ok((key, native(&pair.get(1))?))
        }).collect::<Result<_>>()?));
    }
    if !v.is_object() {
        return Err(Error::new(ddb::MARSHALL_ERROR, "functions and symbols cannot be stored in DynamoDB"));
    }
    // A NumberValue: ours (branded) or @aws-sdk/lib-dynamodb's class.
    let proto = Object::get_prototype_of(v);
    let class_name = str_field(&get(v, "constructor").unwrap_or(JsValue::UNDEFINED), "name");
    if Reflect::get(v, &brand()).map(|b| b.is_truthy()).unwrap_or(false) || class_name.as_deref() == Some("NumberValue") {
        if let Some(text) = str_field(v, "value") {
            return Ok(Native::Exact(text));
        }
    }
    let plain = proto.is_null() || Object::get_prototype_of(&proto).is_null();
    let members = entries(v)?;
    if plain {
        Ok(Native::Map(members))
    } else {
        let name = String::from(v.unchecked_ref::<Object>().to_string());
        Ok(Native::Instance(name, members))
    }
}

/// An AttributeValue as the wire's JSON object.
fn attr_js(a: &Attr) -> JsValue {
    let o = Object::new();
    let strings = |v: &[String]| v.iter().map(|s| JsValue::from_str(s)).collect::<Array>();
    match a {
        Attr::S(s) => set(&o, "S", &JsValue::from_str(s)),
        Attr::N(n) => set(&o, "N", &JsValue::from_str(n)),
        Attr::B(b) => set(&o, "B", &JsValue::from_str(&base64::encode(b))),
        Attr::Bool(b) => set(&o, "BOOL", &JsValue::from_bool(*b)),
        Attr::Null => set(&o, "NULL", &JsValue::TRUE),
        Attr::L(items) => set(&o, "L", &items.iter().map(attr_js).collect::<Array>()),
        Attr::M(m) => set(&o, "M", &members_js(m)),
        Attr::SS(v) => set(&o, "SS", &strings(v)),
        Attr::NS(v) => set(&o, "NS", &strings(v)),
        Attr::BS(v) => set(&o, "BS", &v.iter().map(|b| JsValue::from_str(&base64::encode(b))).collect::<Array>()),
    }
    o.into()
}

fn members_js(m: &[(String, Attr)]) -> JsValue {
    let o = Object::new();
    for (k, v) in m {
        set(&o, k, &attr_js(v));
    }
    o.into()
}

/// A map of plain values (an item, a key) as a map of AttributeValues.
fn marshall_map(v: &JsValue, options: &Options) -> Result<JsValue> {
    match native(v)? {
        Native::Map(members) => Ok(members_js(&ddb::marshall_members(&members, options)?)),
        _ => Err(Error::new(ddb::MARSHALL_ERROR, "items, keys and ExpressionAttributeValues must be objects")),
    }
}

fn number_js(text: &str, wrap: bool) -> JsValue {
    match (wrap, ddb::number_kind(text)) {
        (false, NumberKind::Double) => JsValue::from_f64(js_sys::Number::parse_float(text)),
        (false, NumberKind::BigInt) => js_sys::BigInt::new(&JsValue::from_str(text)).map(JsValue::from).unwrap_or_else(|_| number_value(text)),
        _ => number_value(text),
    }
}

fn bytes_js(b64: &JsValue) -> Result<JsValue> {
    let bytes = base64::decode(&b64.as_string().unwrap_or_default()).map_err(|_| Error::new("InvalidResponse", "a binary attribute is not base64"))?;
    Ok(Uint8Array::from(bytes.as_slice()).into())
}

/// An AttributeValue from the wire as a plain JS value.
fn unmarshall_value(a: &JsValue, wrap: bool) -> Result<JsValue> {
    let bad = || Error::new("InvalidResponse", "an attribute value has an unknown shape");
    let keys = Object::keys(a.dyn_ref::<Object>().ok_or_else(bad)?);
    let tag = keys.get(0).as_string().ok_or_else(bad)?;
    let v = get(a, &tag)?;
    let list = |f: &dyn Fn(&JsValue) -> Result<JsValue>| -> Result<Array> { Array::from(&v).iter().map(|i| f(&i)).collect() };
    Ok(match tag.as_str() {
        "S" | "BOOL" => v,
        "NULL" => JsValue::NULL,
        "N" => number_js(&v.as_string().unwrap_or_default(), wrap),
        "B" => bytes_js(&v)?,
        "L" => list(&|i| unmarshall_value(i, wrap))?.into(),
        "M" => unmarshall_map(&v, wrap)?,
        "SS" => js_sys::Set::new(&v).into(),
        "NS" => js_sys::Set::new(&list(&|i| Ok(number_js(&i.as_string().unwrap_or_default(), wrap)))?.into()).into(),
        "BS" => js_sys::Set::new(&list(&bytes_js)?.into()).into(),
        _ => return Err(bad()),
    })
}

fn unmarshall_map(m: &JsValue, wrap: bool) -> Result<JsValue> {
    let o = Object::new();
    for e in Object::entries(m.dyn_ref::<Object>().ok_or_else(|| Error::new("InvalidResponse", "an item is not an object"))?).iter() {
        let pair: Array = e.unchecked_into();
        set(&o, &pair.get(0).as_string().unwrap_or_default(), &unmarshall_value(&pair.get(1), wrap)?);
    }
    Ok(o.into())
}

/// A copy of `v` (a request or an answer, at any depth) with `convert` applied to each member named in `maps`
/// (a map of values) and to each map of a member named in `lists`. `parent` is the member `v` sits in:
/// BatchGetItem's `Responses` maps table names to lists of items.
fn convert_tree(v: &JsValue, maps: &[&str], lists: &[&str], parent: &str, convert: &dyn Fn(&JsValue) -> Result<JsValue>) -> Result<JsValue> {
    if Array::is_array(v) {
        return Ok(Array::from(v).iter().map(|i| convert_tree(&i, maps, lists, "", convert)).collect::<Result<Array>>()?.into());
    }
    if !v.is_object() || v.is_function() {
        return Ok(v.clone());
    }
    let out = Object::new();
    for e in Object::entries(v.unchecked_ref()).iter() {
        let pair: Array = e.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let converted = if maps.contains(&key.as_str()) && value.is_object() {
            convert(&value)?
        } else if (lists.contains(&key.as_str()) || parent == "Responses") && Array::is_array(&value) {
            Array::from(&value).iter().map(|i| convert(&i)).collect::<Result<Array>>()?.into()
        } else {
            convert_tree(&value, maps, lists, &key, convert)?
        };
        set(&out, &key, &converted);
    }
    Ok(out.into())
}

/// Request members holding a map of plain values, and members holding a list of such maps.
const VALUE_MAPS: [&str; 4] = ["Item", "Key", "ExpressionAttributeValues", "ExclusiveStartKey"];
const VALUE_MAP_LISTS: [&str; 1] = ["Keys"];
/// Answer members holding a map of AttributeValues, and lists of such maps.
const ANSWER_MAPS: [&str; 5] = ["Item", "Attributes", "LastEvaluatedKey", "Key", "ExclusiveStartKey"];
const ANSWER_MAP_LISTS: [&str; 2] = ["Items", "Keys"];

pub(crate) fn marshall_request(v: &JsValue, options: &Options) -> Result<JsValue> {
    convert_tree(v, &VALUE_MAPS, &VALUE_MAP_LISTS, "", &|m| marshall_map(m, options))
}

pub(crate) fn unmarshall_answer(v: &JsValue, wrap: bool) -> Result<JsValue> {
    convert_tree(v, &ANSWER_MAPS, &ANSWER_MAP_LISTS, "", &|m| unmarshall_map(m, wrap))
}

pub(crate) fn read_options(v: &JsValue) -> Result<Options> {
    if is_absent(v) {
        return Ok(Options::default());
    }
    let flag = |k: &str| opt_bool(v, k).map(|b| b.unwrap_or(false));
    Ok(Options {
        remove_undefined_values: flag("removeUndefinedValues")?,
        convert_empty_values: flag("convertEmptyValues")?,
        convert_class_instance_to_map: flag("convertClassInstanceToMap")?,
        allow_imprecise_numbers: flag("allowImpreciseNumbers")?,
    })
}

fn wrap_numbers(v: &JsValue) -> Result<bool> {
    if is_absent(v) {
        return Ok(false);
    }
    Ok(opt_bool(v, "wrapNumbers")?.unwrap_or(false))
}

/// A plain object (an item) as a map of AttributeValues.
#[wasm_bindgen(unchecked_return_type = "Record<string, AttributeValue>")]
pub fn marshall(
    #[wasm_bindgen(unchecked_param_type = "Record<string, NativeValue>")] item: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MarshallOptions")] options: JsValue,
) -> core::result::Result<JsValue, JsValue> {
    (|| marshall_map(&item, &read_options(&options)?))().map_err(to_js)
}

/// A map of AttributeValues (an item) as a plain object.
#[wasm_bindgen(unchecked_return_type = "Record<string, NativeValue>")]
pub fn unmarshall(
    #[wasm_bindgen(unchecked_param_type = "Record<string, AttributeValue>")] item: JsValue,
    #[wasm_bindgen(unchecked_param_type = "UnmarshallOptions")] options: JsValue,
) -> core::result::Result<JsValue, JsValue> {
    (|| unmarshall_map(&item, wrap_numbers(&options)?))().map_err(to_js)
}

/// An exact number from its decimal text, for numbers a JS number cannot hold.
#[wasm_bindgen(js_name = numberValue, unchecked_return_type = "NumberValue")]
pub fn number_value_js(text: String) -> core::result::Result<JsValue, JsValue> {
    if !ddb::is_number_text(&text) {
        return Err(to_js(Error::new(ddb::MARSHALL_ERROR, "numberValue takes a decimal number's text")));
    }
    Ok(number_value(&text))
}
