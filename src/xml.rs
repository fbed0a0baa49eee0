//! Just enough XML reading for the answers of the query/REST-XML services (S3, STS): the text of an element
//! by name, and the repeated child elements of a list. AWS's answers are flat and well-formed; a missing
//! element is `None`, never a panic. Entities are decoded (the five named ones and numeric references).

#[allow(unused_imports)]
use crate::prelude::*;

/// The inner XML of each `<name>…</name>` (or `<name attr="…">…</name>`) element, in document order, not
/// descending into a match. Self-closing `<name/>` gives an empty string.
pub fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some((inner, after)) = first(rest, name) {
        out.push(inner);
        rest = after;
    }
    out
}

/// The first `<name>` element's inner XML, and the document after it; `None` when there is none (or it is not
/// closed).
fn first<'a>(xml: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let after_open = xml.get(find_open(xml, name)?..)?;
    let gt = after_open.find('>')?;
    let body = after_open.get(gt + 1..)?;
    if after_open.get(..gt)?.ends_with('/') {
        return Some(("", body));
    }
    let close = crate::cat(&["</", name, ">"]);
    let end = crate::find_str(body, &close)?;
    Some((body.get(..end)?, body.get(end + close.len()..)?))
}

/// Where `<name` starts as a whole tag name (followed by `>`, `/` or whitespace).
fn find_open(xml: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let i = from + xml.get(from..)?.find('<')?;
        let after = xml.get(i + 1..)?;
        if let Some(tail) = after.strip_prefix(name) {
            if matches!(tail.chars().next(), Some('>' | '/' | ' ' | '\t' | '\n' | '\r')) {
                return Some(i);
            }
        }
        from = i + 1;
    }
}

/// The decoded text of the first `<name>` element.
pub fn text(xml: &str, name: &str) -> Option<String> {
    first(xml, name).map(|(inner, _)| unescape(inner))
}

/// Decodes `&lt; &gt; &amp; &quot; &apos;`, `&#NN;` and `&#xHH;`, and unwraps CDATA sections.
pub fn unescape(s: &str) -> String {
    if let Some(inner) = s.strip_prefix("<![CDATA[").and_then(|t| t.strip_suffix("]]>")) {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let tail = rest.get(amp..).unwrap_or("");
        let Some(semi) = tail.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = tail.get(1..).unwrap_or("");
            continue;
        };
        let entity = tail.get(1..semi).unwrap_or("");
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| crate::parse_int(h, 16))
                .or_else(|| e.strip_prefix('#').and_then(|d| crate::parse_int(d, 10)))
                .and_then(|n| u32::try_from(n).ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = tail.get(semi + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for an element body.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_and_text() {
        let xml = r#"<?xml version="1.0"?><R xmlns="x"><Contents><Key>a&amp;b</Key><Size>3</Size></Contents><Contents><Key>c&#x3C;&#62;</Key></Contents><KeyCount>2</KeyCount><Empty/><IsTruncated>false</IsTruncated></R>"#;
        let contents = elements(xml, "Contents");
        assert_eq!(contents.len(), 2);
        assert_eq!(text(contents[0], "Key").as_deref(), Some("a&b"));
        assert_eq!(text(contents[1], "Key").as_deref(), Some("c<>"));
        assert_eq!(text(xml, "KeyCount").as_deref(), Some("2"));
        assert_eq!(text(xml, "Empty").as_deref(), Some(""));
        assert_eq!(text(xml, "Missing"), None);
        // `<Key` must not match `<KeyCount`.
        assert_eq!(elements(xml, "Key").len(), 2);
        assert_eq!(text("<a><b>unterminated", "b"), None);
        assert_eq!(unescape("&bogus; & &#xZZ;"), "&bogus; & &#xZZ;");
        assert_eq!(escape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
        assert_eq!(text("<E><![CDATA[x<y]]></E>", "E").as_deref(), Some("x<y"));
    }
}
