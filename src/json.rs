//! A minimal JSON writer for the request bodies and the stored session record (RFC 8259 string escaping: `"`,
//! `\\` and every control character below U+0020 escaped; U+007F, U+2028 and U+2029 are valid in JSON as they are).
//! A Rust `str` holds no lone surrogate, so none can be written: the boundary turned any into U+FFFD on the way in
//! (`crate::js::Fields`). `tests/boundary.rs` reads what this writes back with serde_json.
//! Parsing is left to the browser's `JSON.parse` in the boundary: it is already there and costs nothing.

#[allow(unused_imports)]
use crate::prelude::*;

/// Builds one JSON object. Members are added through `&mut` (a chain such as `Object::new().str(..).finish()`
/// works on the temporary); nested objects are written with [`Object::object`].
pub struct Object {
    out: String,
    empty: bool,
}

/// Appends `s` as a JSON string literal.
pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                for shift in [4, 0] {
                    let d = (c as u32 >> shift) & 15;
                    out.push(char::from_digit(d, 16).unwrap_or('0'));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Object {
    pub fn new() -> Object {
        Object { out: String::from("{"), empty: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_str(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Object {
        push_str(self.key(key), value);
        self
    }

    /// Adds the member only when there is a value.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Object {
        if let Some(v) = value {
            self.str(key, v);
        }
        self
    }

    pub fn num(&mut self, key: &str, value: i64) -> &mut Object {
        let out = self.key(key);
        if value < 0 {
            out.push('-');
        }
        out.push_str(&crate::decimal(value.unsigned_abs(), 1));
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Object {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// A nested object (finished here).
    pub fn object(&mut self, key: &str, value: &mut Object) -> &mut Object {
        let v = value.finish();
        self.key(key).push_str(&v);
        self
    }

    /// A map of strings (`AuthParameters`, `ChallengeResponses`, `ClientMetadata` ...).
    pub fn map(&mut self, key: &str, pairs: &[(&str, &str)]) -> &mut Object {
        let mut m = Object::new();
        m.pairs(pairs);
        self.object(key, &mut m)
    }

    /// Each pair as a string member.
    pub fn pairs(&mut self, pairs: &[(&str, &str)]) -> &mut Object {
        for (k, v) in pairs {
            self.str(k, v);
        }
        self
    }

    /// `[{"Name": n, "Value": v}, ...]` (Cognito's attribute lists).
    pub fn attributes(&mut self, key: &str, pairs: &[(&str, &str)]) -> &mut Object {
        let out = self.key(key);
        out.push('[');
        for (i, (n, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Object::new().str("Name", n).str("Value", v).finish());
        }
        out.push(']');
        self
    }

    /// The object's text (the builder is left empty).
    /// A list of strings.
    pub fn strings(&mut self, key: &str, values: &[&str]) -> &mut Object {
        let out = self.key(key);
        out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, v);
        }
        out.push(']');
        self
    }

    pub fn finish(&mut self) -> String {
        self.out.push('}');
        core::mem::take(&mut self.out)
    }
}

impl Default for Object {
    fn default() -> Self {
        Object::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_json() {
        let pairs = [("USERNAME", "a\"b\\c\n\u{1}é")];
        let s = Object::new().str("A", "x").opt_str("B", None).num("N", -42).map("M", &pairs).attributes("L", &pairs).finish();
        assert_eq!(s, r#"{"A":"x","N":-42,"M":{"USERNAME":"a\"b\\c\n\u0001é"},"L":[{"Name":"USERNAME","Value":"a\"b\\c\n\u0001é"}]}"#);
        assert_eq!(Object::new().finish(), "{}");
        assert_eq!(Object::new().map("M", &[]).finish(), r#"{"M":{}}"#);
    }
}
