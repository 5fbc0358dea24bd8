//! A small JSON reader that remembers where every value and key stands (line and column), so
//! that a declaration's errors can point at the exact place, and a writer for strings.
//!
//! Objects keep their members in order, duplicates included: the caller decides what a duplicate
//! key means. Std only, so the crate stays light enough for the banner's WebAssembly.
//!
//! # Why not a kept crate
//! Tried on a declaration-shaped struct (serde 1.0.229, serde_json 1.0.154,
//! serde_path_to_error 0.1.20, `deny_unknown_fields`):
//! - an unknown field is caught, but at the column *after* the key (`3:11` for a key at `3:3`);
//! - a duplicate field of a struct is caught at the second key's end with the path `.`, and a
//!   duplicate key inside a map (a `purpose` with `nb` twice) is not caught at all — the last
//!   one silently wins;
//! - a service written either as an id or as an object (an untagged enum) reports only "data
//!   did not match any variant", losing the real cause (a misspelt field inside it);
//! - and values keep no positions after parsing, yet most of a declaration's errors are found
//!   after it (a service id the knowledge base lacks, a cookie declared twice, a retention that
//!   reads as no lifetime), and must still point at file, line and column; serde_json has no
//!   spanned values for that (`serde_spanned` is toml's).
//!
//! `jsonc-parser` keeps ranges for every node and would answer the last two points, but it is a
//! second parser to keep in step with strict JSON (it accepts comments and trailing commas) for
//! a reader of some 300 lines, and it is not in the offline crate cache this workspace builds from.
//! So this reader stays: it gives every key and value its line and column, and keeps duplicates
//! for the schema layer ([`crate::schema`]) to report at the duplicate key itself.

use std::fmt;

/// A place in a text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, counted in characters.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A JSON value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: Kind,
    /// Where its first character stands.
    pub pos: Pos,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in document order, duplicates kept.
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key's opening quote stands.
    pub key_pos: Pos,
    /// The value.
    pub value: Value,
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The first member with this key, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// A word for the kind, for error messages ("a string", "an object").
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem was seen.
    pub pos: Pos,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole JSON text (one value, surrounded by white space only).
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        column: 1,
        depth: 0,
    };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.at < p.chars.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

/// Writes `s` as a JSON string literal, quotes included.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `<` escaped so the text is safe inside an HTML <script> block too.
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const MAX_DEPTH: u32 = 128;

struct Parser {
    chars: Vec<char>,
    at: usize,
    line: u32,
    column: u32,
    depth: u32,
}

impl Parser {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            pos: self.pos(),
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r' | '\u{feff}')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: char) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`{}", self.found())))
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!(", found `{c}`"),
            None => ", found the end of the file".to_string(),
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        let pos = self.pos();
        let kind = match self.peek() {
            Some('{') => self.object()?,
            Some('[') => self.array()?,
            Some('"') => Kind::String(self.string()?),
            Some('t') => self.word("true", Kind::Bool(true))?,
            Some('f') => self.word("false", Kind::Bool(false))?,
            Some('n') => self.word("null", Kind::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            _ => return Err(self.error(&format!("expected a JSON value{}", self.found()))),
        };
        Ok(Value { kind, pos })
    }

    fn word(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.error(&format!("expected `{word}`")));
            }
            self.bump();
        }
        Ok(kind)
    }

    fn number(&mut self) -> Result<Kind, SyntaxError> {
        let start = self.at;
        let pos = self.pos();
        while matches!(self.peek(), Some(c) if c.is_ascii_digit() || "+-.eE".contains(c)) {
            self.bump();
        }
        let text: String = self.chars[start..self.at].iter().collect();
        text.parse::<f64>()
            .map(Kind::Number)
            .map_err(|_| SyntaxError {
                pos,
                message: format!("`{text}` is not a number"),
            })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(self.error("unterminated string"));
            };
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(esc) = self.bump() else {
                        return Err(self.error("unterminated string"));
                    };
                    match esc {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.bump() != Some('\\') || self.bump() != Some('u') {
                                    return Err(self.error("unpaired surrogate in \\u escape"));
                                }
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => return Err(self.error(&format!("unknown escape `\\{other}`"))),
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(
                        self.error("control character inside a string (write it as \\n, \\t …)")
                    )
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0;
        for _ in 0..4 {
            let d = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("bad \\u escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn nest(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Kind, SyntaxError> {
        self.nest()?;
        self.expect('[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            self.depth -= 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                    self.skip_ws();
                    if self.peek() == Some(']') {
                        return Err(self.error("trailing comma before `]`"));
                    }
                }
                Some(']') => {
                    self.bump();
                    self.depth -= 1;
                    return Ok(Kind::Array(items));
                }
                _ => return Err(self.error(&format!("expected `,` or `]`{}", self.found()))),
            }
        }
    }

    fn object(&mut self) -> Result<Kind, SyntaxError> {
        self.nest()?;
        self.expect('{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            self.depth -= 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            if self.peek() != Some('"') {
                return Err(self.error(&format!("expected a quoted key{}", self.found())));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect(':')?;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                    self.skip_ws();
                    if self.peek() == Some('}') {
                        return Err(self.error("trailing comma before `}`"));
                    }
                }
                Some('}') => {
                    self.bump();
                    self.depth -= 1;
                    return Ok(Kind::Object(members));
                }
                _ => return Err(self.error(&format!("expected `,` or `}}`{}", self.found()))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_positions() {
        let v = parse("{\n  \"a\": [1, true, null],\n  \"b\": \"x\\u00e6\"\n}").unwrap();
        let members = v.as_object().unwrap();
        assert_eq!(members[0].key, "a");
        assert_eq!(members[0].key_pos, Pos { line: 2, column: 3 });
        assert_eq!(members[1].value.as_str(), Some("xæ"));
        assert_eq!(members[1].value.pos, Pos { line: 3, column: 8 });
    }

    #[test]
    fn keeps_duplicate_keys() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 2);
    }

    #[test]
    fn errors_say_where() {
        let e = parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert!(e.message.contains("trailing comma"), "{e}");
        let e = parse("[1 2]").unwrap_err();
        assert_eq!(e.pos, Pos { line: 1, column: 4 });
        assert!(parse("\"open").is_err());
        assert!(parse(&"[".repeat(500)).is_err());
    }

    #[test]
    fn writes_escaped_strings() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\n</script>");
        assert_eq!(out, r#""a\"b\n\u003c/script>""#);
        let back = parse(&out).unwrap();
        assert_eq!(back.as_str(), Some("a\"b\n</script>"));
    }
}
