//! The JSON Schema (draft 2020-12) of a site's declaration, for editors: a web team that writes
//! `"$schema": "./kapsel-declaration.schema.json"` at the top of its declaration (the file
//! `kapsel catalogue schema` writes) gets completion and checks while typing.
//!
//! The schema is built from the same field lists the reader in [`crate::declaration`] accepts,
//! so that the two cannot drift apart: a field the reader knows is in the schema, and a field the
//! schema allows is one the reader knows. It says what a schema can say (fields, types,
//! categories, languages); the reader still checks what it cannot (service ids in the knowledge
//! base, duplicate names, retention text), with file, line and column.

use crate::category::{Category, Lang};
use crate::declaration::{COOKIE_FIELDS, SERVICE_FIELDS, TOP_FIELDS};
use crate::json::write_string;

/// What each field holds, as a JSON Schema fragment, and a line for the editor to show.
fn field(name: &str) -> (&'static str, &'static str) {
    match name {
        "$schema" => (r#"{"type": "string"}"#, "The schema this file follows."),
        "site" => (
            r#"{"type": "string", "minLength": 1}"#,
            "The site's name, as the banner shows it.",
        ),
        "provider" => (
            r#"{"type": "string", "minLength": 1}"#,
            "Who provides it (the site's owner, or a service's or cookie's vendor).",
        ),
        "revision" => (
            r#"{"type": ["string", "number"]}"#,
            "The declaration's revision: change it and every visitor is asked again.",
        ),
        "consent_lifetime_days" => (
            r#"{"type": "integer", "minimum": 1}"#,
            "Days before consent is asked again (default 180).",
        ),
        "privacy_statement" => (r#"{"type": "string"}"#, "The URL of the privacy statement."),
        "languages" => (
            r##"{"type": "array", "items": {"$ref": "#/$defs/language"}, "uniqueItems": true}"##,
            "The languages the site is written in.",
        ),
        "google_consent_mode" => (
            r#"{"type": "boolean"}"#,
            "Send Google Consent Mode signals.",
        ),
        "meta_pixel" => (r#"{"type": "boolean"}"#, "Send Meta Pixel consent signals."),
        "receipts" => (
            r#"{"type": "string", "minLength": 1}"#,
            "Where the banner sends a consent receipt for every choice (https, a path on the site, or http on loopback).",
        ),
        "services" => (
            r##"{"type": "array", "items": {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/service"}]}}"##,
            "Services: a knowledge-base id, or an object.",
        ),
        "id" => (
            r#"{"type": "string", "minLength": 1}"#,
            "A knowledge-base service id, or the site's own.",
        ),
        "name" => (
            r#"{"type": "string", "minLength": 1}"#,
            "The name (for a cookie: a name or a pattern such as `_ga_<container-id>`).",
        ),
        "category" => (
            r##"{"$ref": "#/$defs/category"}"##,
            "necessary, preferences, statistics or marketing.",
        ),
        "purpose" => (
            r##"{"$ref": "#/$defs/text"}"##,
            "Why, in each language the site uses.",
        ),
        "hosts" => (
            r#"{"type": "array", "items": {"type": "string"}}"#,
            "Hosts the service loads from.",
        ),
        "service" => (
            r#"{"type": "string", "minLength": 1}"#,
            "The id of the service the cookie belongs to.",
        ),
        "retention" => (
            r#"{"type": "string"}"#,
            "How long it lives: `session`, `30 minutes`, `13 months`, `2 years`.",
        ),
        "retention_shown" => (
            r##"{"$ref": "#/$defs/text"}"##,
            "Written by `kapsel catalogue resolve`; ignored when read.",
        ),
        "domain" => (r#"{"type": "string"}"#, "The cookie's domain."),
        "cookies" => (
            r#"{"type": "array"}"#,
            "The site's cookies; in a service, which of the base's cookies the site has.",
        ),
        _ => (r#"{}"#, ""),
    }
}

/// An object of the given fields, closed to others.
fn object(fields: &[&str], required: &[&str], overrides: &[(&str, &str)]) -> String {
    let mut out =
        String::from(r#"{"type": "object", "additionalProperties": false, "properties": {"#);
    for (i, name) in fields.iter().enumerate() {
        let (mut schema, description) = field(name);
        if let Some((_, s)) = overrides.iter().find(|(n, _)| n == name) {
            schema = s;
        }
        if i > 0 {
            out.push_str(", ");
        }
        write_string(&mut out, name);
        // The fragment with its description added: `{"description": "…", "type": …}`.
        out.push_str(": {\"description\": ");
        write_string(&mut out, description);
        let rest = schema.trim_start_matches('{').trim_start();
        if !rest.starts_with('}') {
            out.push_str(", ");
        }
        out.push_str(rest);
    }
    out.push_str("}, \"required\": [");
    for (i, name) in required.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_string(&mut out, name);
    }
    out.push_str("]}");
    out
}

fn list<I: IntoIterator<Item = &'static str>>(items: I) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_string(&mut out, item);
    }
    out
}

/// The JSON Schema (2020-12) of a declaration, as JSON text.
pub fn declaration_schema() -> String {
    let langs = list(Lang::ALL.iter().map(|l| l.code()));
    let text = format!(
        r#"{{"anyOf": [{{"type": "string"}}, {{"type": "object", "additionalProperties": false, "properties": {{{}}}}}]}}"#,
        Lang::ALL
            .iter()
            .map(|l| format!("\"{}\": {{\"type\": \"string\"}}", l.code()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    format!(
        concat!(
            "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n",
            " \"title\": \"Kapsel site declaration\",\n",
            " \"description\": \"The services and cookies a site uses, in which category, why and for how long (kapsel catalogue check validates it in full).\",\n",
            " \"$defs\": {{\n",
            "  \"category\": {{\"enum\": [{categories}]}},\n",
            "  \"language\": {{\"enum\": [{langs}]}},\n",
            "  \"text\": {text},\n",
            "  \"service\": {service},\n",
            "  \"cookie\": {cookie}\n",
            " }},\n",
            " {top}\n"
        ),
        categories = list(Category::ALL.iter().map(|c| c.id())),
        langs = langs,
        text = text,
        service = object(SERVICE_FIELDS, &["id"], &[(
            "cookies",
            r#"{"type": "array", "items": {"type": "string", "minLength": 1}}"#
        )]),
        cookie = object(COOKIE_FIELDS, &["name"], &[("provider", r#"{"type": "string"}"#)]),
        // The declaration itself: its fields follow the header above in the same object.
        top = &object(TOP_FIELDS, &["site", "revision"], &[(
            "cookies",
            r##"{"type": "array", "items": {"$ref": "#/$defs/cookie"}}"##
        )])[1..],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{self, Value};

    fn keys(v: &Value) -> Vec<&str> {
        v.get("properties")
            .and_then(Value::as_object)
            .unwrap()
            .iter()
            .map(|m| m.key.as_str())
            .collect()
    }

    #[test]
    fn the_schema_is_json_with_the_readers_fields() {
        let text = declaration_schema();
        let schema = json::parse(&text).expect("the schema is JSON");
        assert_eq!(
            schema.get("$schema").and_then(Value::as_str),
            Some("https://json-schema.org/draft/2020-12/schema")
        );
        let top = &schema;
        assert_eq!(keys(top), TOP_FIELDS);
        let defs = schema.get("$defs").unwrap();
        assert_eq!(keys(defs.get("service").unwrap()), SERVICE_FIELDS);
        assert_eq!(keys(defs.get("cookie").unwrap()), COOKIE_FIELDS);
        // Every field has a description, so none fell through to the empty default.
        for obj in [
            top,
            defs.get("service").unwrap(),
            defs.get("cookie").unwrap(),
        ] {
            for m in obj.get("properties").and_then(Value::as_object).unwrap() {
                let d = m.value.get("description").and_then(Value::as_str);
                assert!(
                    d.is_some_and(|d| !d.is_empty()),
                    "{} has no description",
                    m.key
                );
            }
        }
        let cats = defs.get("category").and_then(|c| c.get("enum")).unwrap();
        assert_eq!(cats.as_array().unwrap().len(), Category::ALL.len());
    }
}
