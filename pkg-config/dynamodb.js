// DynamoDB values: plain JS values as AttributeValues (`marshall`: the rules are the wasm's step `ddbMarshall`,
// src/js/dynamodb.rs over the Rust core's dynamodb module) and back (`unmarshall`: each `N` read as step
// `ddbNumber` says), and whole requests and answers for the DynamoDB class (members by step `ddbRole`).
import { fail, isObject, optBool, step, bytesOf } from './io.js';

const BRAND = Symbol.for('cognito-fetch.NumberValue');
/** 0 a JS number, 1 a bigint, 2 a NumberValue, 3 not a number's text. */
const kindOf = (text) => Number(step('ddbNumber', [text]));
const MAX_DEPTH = 64;
const marshallError = (message) => fail('MarshallError', message);

/** An exact number from its decimal text, for numbers a JS number cannot hold. */
export function numberValue(text) {
  if (typeof text !== 'string' || kindOf(text) > 2) throw marshallError("numberValue takes a decimal number's text");
  return { value: text, [BRAND]: true };
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Appends the tokens of `v` (the grammar is in src/dynamodb.rs). */
function tokens(v, out, depth) {
  if (depth > MAX_DEPTH) throw marshallError('the value nests too deeply');
  const members = (entries, end = '}') => {
    for (const [k, x] of entries) {
      if (typeof k !== 'string') throw marshallError('Map keys must be strings');
      out.push('k' + k);
      tokens(x, out, depth + 1);
    }
    out.push(end);
  };
  const list = (items, start) => {
    out.push(start);
    for (const i of items) tokens(i, out, depth + 1);
    out.push(']');
  };
  if (v === undefined) out.push('u');
  else if (v === null) out.push('z');
  else if (typeof v === 'boolean') out.push(v ? 't' : 'f');
  else if (typeof v === 'number') out.push((!Number.isFinite(v) ? 'X' : Math.abs(v) > Number.MAX_SAFE_INTEGER ? 'N' : 'n') + String(v));
  else if (typeof v === 'bigint') out.push('x' + v);
  else if (typeof v === 'string') out.push('s' + v);
  else if (typeof v !== 'object') throw marshallError('functions and symbols cannot be stored in DynamoDB');
  else if (bytesOf(v)) out.push('b' + base64(bytesOf(v)));
  else if (Array.isArray(v)) list(v, '[');
  else if (v instanceof Set) list(v, '<');
  else if (v instanceof Map) {
    out.push('{');
    members(v);
  } else if ((v[BRAND] || v.constructor?.name === 'NumberValue') && typeof v.value === 'string') {
    out.push('x' + v.value);
  }
  else {
    // A NumberValue (ours, branded, or @aws-sdk/lib-dynamodb's class) was handled above; a plain object is a map.
    const proto = Object.getPrototypeOf(v);
    out.push(proto === null || Object.getPrototypeOf(proto) === null ? '{' : '(' + String(v));
    members(Object.entries(v));
  }
}

/** Marshall options as the wasm's flags (removeUndefinedValues 1, convertEmptyValues 2, ... 8). */
export function marshallFlags(options) {
  let flags = 0;
  ['removeUndefinedValues', 'convertEmptyValues', 'convertClassInstanceToMap', 'allowImpreciseNumbers'].forEach((k, i) => {
    if (optBool(options, k)) flags |= 1 << i;
  });
  return flags;
}

const marshallWith = (item, flags) => {
  const out = [];
  tokens(item, out, 0);
  // One token a field: the framing carries any text, so strings go as they are.
  return JSON.parse(step('ddbMarshall', [flags, out]));
};

/** A plain object (an item) as a map of AttributeValues. */
export const marshall = (item, options) => marshallWith(item, marshallFlags(options));

const invalidResponse = (message) => fail('InvalidResponse', message);

function numberOf(text, wrap) {
  const kind = wrap ? 2 : kindOf(text);
  if (kind === 0) return Number(text);
  if (kind === 1) {
    try {
      return BigInt(text); // not for an integer written with a fraction ("1...0.0"): that keeps its text
    } catch {}
  }
  return { value: text, [BRAND]: true };
}

function bytesFrom(b64) {
  try {
    return Uint8Array.from(atob(typeof b64 === 'string' ? b64 : ''), (c) => c.charCodeAt(0));
  } catch {
    throw invalidResponse('a binary attribute is not base64');
  }
}

function fromAttr(a, wrap) {
  const tag = isObject(a) ? Object.keys(a)[0] : undefined;
  const v = tag === undefined ? undefined : a[tag];
  const number = (n) => numberOf(typeof n === 'string' ? n : '', wrap);
  switch (tag) {
    case 'S':
    case 'BOOL':
      return v;
    case 'NULL':
      return null;
    case 'N':
      return number(v);
    case 'B':
      return bytesFrom(v);
    case 'L':
      return Array.from(v, (i) => fromAttr(i, wrap));
    case 'M':
      return fromMap(v, wrap);
    case 'SS':
      return new Set(v);
    case 'NS':
      return new Set(Array.from(v, number));
    case 'BS':
      return new Set(Array.from(v, bytesFrom));
  }
  throw invalidResponse('an attribute value has an unknown shape');
}

function fromMap(m, wrap) {
  if (!isObject(m)) throw invalidResponse('an item is not an object');
  const out = {};
  for (const [k, v] of Object.entries(m)) out[k] = fromAttr(v, wrap);
  return out;
}

const wrapOf = (options) => optBool(options, 'wrapNumbers') ?? false;

/** A map of AttributeValues (an item) as a plain object. */
export const unmarshall = (item, options) => fromMap(item, wrapOf(options));

/** A copy of a request or an answer with `convert` applied to each member holding a map of values, and to each
 *  map of a member holding a list of them (step `ddbRole`). */
function convertTree(v, convert, inAnswer, parent) {
  if (Array.isArray(v)) return v.map((i) => convertTree(i, convert, inAnswer, ''));
  if (!isObject(v)) return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    const role = Number(step('ddbRole', [k, parent, inAnswer]));
    out[k] = role === 1 && isObject(x) ? convert(x) : role === 2 && Array.isArray(x) ? x.map(convert) : convertTree(x, convert, inAnswer, k);
  }
  return out;
}

/** A DynamoDB request with its plain values (Item, Key, ExpressionAttributeValues ...) as AttributeValues. */
export const marshallRequest = (input, flags) => convertTree(input, (m) => marshallWith(m, flags), false, '');

/** A DynamoDB answer with its AttributeValues as plain values. */
export const unmarshallAnswer = (answer, wrap) => convertTree(answer, (m) => fromMap(m, wrap), true, '');
