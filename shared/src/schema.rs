//! Reading JSON objects strictly: known keys only, no duplicates, the right types, and an error
//! that says where. Shared by the knowledge base and declaration readers.

use crate::category::{Category, Lang, Localized};
use crate::distance::closest;
use crate::json::{Kind, Member, Pos, Value};

/// A problem at a place in a JSON file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Where.
    pub pos: Pos,
    /// What, in words a person who edits the file understands.
    pub message: String,
}

impl SchemaError {
    /// A new error at a place.
    pub fn new(pos: Pos, message: impl Into<String>) -> SchemaError {
        SchemaError {
            pos,
            message: message.into(),
        }
    }
}

/// An object being read: remembers which keys were taken, to reject the others.
pub struct Fields<'a> {
    what: &'a str,
    pos: Pos,
    members: &'a [Member],
    allowed: &'a [&'a str],
}

impl<'a> Fields<'a> {
    /// Starts reading `value` as an object (`what` names it in messages: "a cookie") whose keys
    /// must all be among `allowed`; duplicate and unknown keys are errors.
    pub fn new(
        value: &'a Value,
        what: &'a str,
        allowed: &'a [&'a str],
    ) -> Result<Fields<'a>, SchemaError> {
        let Kind::Object(members) = &value.kind else {
            return Err(SchemaError::new(
                value.pos,
                format!("{what} must be an object, found {}", value.kind_name()),
            ));
        };
        for (i, m) in members.iter().enumerate() {
            if !allowed.contains(&m.key.as_str()) {
                let hint = closest(&m.key, allowed)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                return Err(SchemaError::new(
                    m.key_pos,
                    format!(
                        "unknown field `{}` in {what}{hint}; known fields: {}",
                        m.key,
                        allowed.join(", ")
                    ),
                ));
            }
            if let Some(first) = members[..i].iter().find(|o| o.key == m.key) {
                return Err(SchemaError::new(
                    m.key_pos,
                    format!(
                        "duplicate field `{}` in {what} (first at line {})",
                        m.key, first.key_pos.line
                    ),
                ));
            }
        }
        Ok(Fields {
            what,
            pos: value.pos,
            members,
            allowed,
        })
    }

    /// Where the object starts.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        debug_assert!(self.allowed.contains(&key), "{key} not allowed");
        self.members.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    /// The value of a key that must be present.
    pub fn required(&self, key: &str) -> Result<&'a Value, SchemaError> {
        self.get(key).ok_or_else(|| {
            SchemaError::new(
                self.pos,
                format!("{} lacks the required field `{key}`", self.what),
            )
        })
    }

    /// A required non-empty string.
    pub fn string(&self, key: &str) -> Result<String, SchemaError> {
        as_string(self.required(key)?, key)
    }

    /// An optional string (absent or null → None).
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, SchemaError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.kind == Kind::Null => Ok(None),
            Some(v) => as_string(v, key).map(Some),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, SchemaError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value {
                kind: Kind::Bool(b),
                ..
            }) => Ok(Some(*b)),
            Some(v) => Err(SchemaError::new(
                v.pos,
                format!("`{key}` must be true or false, found {}", v.kind_name()),
            )),
        }
    }

    /// An optional whole number.
    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, SchemaError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value {
                kind: Kind::Number(n),
                ..
            }) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => Ok(Some(*n as u64)),
            Some(v) => Err(SchemaError::new(
                v.pos,
                format!(
                    "`{key}` must be a whole number of 0 or more, found {}",
                    describe(v)
                ),
            )),
        }
    }

    /// An optional list of strings (absent → empty).
    pub fn strings(&self, key: &str) -> Result<Vec<String>, SchemaError> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let Some(items) = v.as_array() else {
            return Err(SchemaError::new(
                v.pos,
                format!("`{key}` must be a list of strings, found {}", v.kind_name()),
            ));
        };
        items.iter().map(|item| as_string(item, key)).collect()
    }

    /// A required category id.
    pub fn category(&self, key: &str) -> Result<Category, SchemaError> {
        let v = self.required(key)?;
        parse_category(v)
    }

    /// An optional category id.
    pub fn opt_category(&self, key: &str) -> Result<Option<Category>, SchemaError> {
        self.get(key).map(parse_category).transpose()
    }

    /// An optional `{ "nb": …, "nn": …, "en": … }` text (absent → empty).
    pub fn localized(&self, key: &str) -> Result<Localized, SchemaError> {
        let Some(v) = self.get(key) else {
            return Ok(Localized::default());
        };
        if let Some(s) = v.as_str() {
            // One text for all languages is allowed where the writer has only one.
            return Ok(Localized {
                nb: Some(s.to_string()),
                nn: None,
                en: None,
            });
        }
        let f = Fields::new(v, "a text in several languages", &["nb", "nn", "en"])?;
        let mut text = Localized::default();
        for lang in Lang::ALL {
            if let Some(s) = f.opt_string(lang.code())? {
                text.set(lang, s);
            }
        }
        Ok(text)
    }
}

/// Reads a value as a non-empty string.
pub fn as_string(v: &Value, key: &str) -> Result<String, SchemaError> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
        Some(_) => Err(SchemaError::new(
            v.pos,
            format!("`{key}` must not be empty"),
        )),
        None => Err(SchemaError::new(
            v.pos,
            format!("`{key}` must be a string, found {}", v.kind_name()),
        )),
    }
}

fn parse_category(v: &Value) -> Result<Category, SchemaError> {
    let text = v.as_str().ok_or_else(|| {
        SchemaError::new(
            v.pos,
            format!("a category must be a string, found {}", v.kind_name()),
        )
    })?;
    Category::from_id(text).ok_or_else(|| {
        let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        let hint = closest(&text.to_lowercase(), &ids)
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        SchemaError::new(
            v.pos,
            format!(
                "unknown category `{text}`{hint}; the categories are {}",
                ids.join(", ")
            ),
        )
    })
}

fn describe(v: &Value) -> String {
    match &v.kind {
        Kind::Number(n) => format!("{n}"),
        _ => v.kind_name().to_string(),
    }
}
