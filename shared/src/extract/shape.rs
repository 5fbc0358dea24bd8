//! Stage 4a, word classes: what a word's own letters say — whether it can be a cookie name at
//! all, and how technical it looks.
//!
//! # Approach
//! *Never* a name: words with non-ASCII letters (cookie names are ASCII, so every Norwegian
//! word with æ/ø/å drops out), numbers, host names (also `.google.com`, `AboutCookies.org`),
//! IP addresses, abbreviations (`bl.a`), long letter-digit strings that are values rather than
//! names (`l05aucudkhggfv45dd2l3g55`), compounds ending in an ordinary word (`ID-porten`,
//! `EPiServer-brukar`) or a prose identifier (`session-ID`), the cookie nouns themselves, the
//! words of table headers (`Purpose`, `Varighet`) and function words of nb, nn, en, da and sv.
//! *Strong*: an underscore (`_ga`, `ASP.NET_SessionId`), a leading dot (`.ASPXANONYMOUS`), a
//! wildcard or placeholder, or a cookie word inside a technical-looking word (`PHPSESSID`,
//! `FormCookie`, `B100Serverpoolcookie`). *Weak*: capitals inside a word, all capitals, digits,
//! inner dots or hyphens (`ArticleViewPort`, `IDE`, `NOARK5`). *Plain*: an ordinary word
//! (`datr`, `lang`): such a word is a name only where the structure or the text says so.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Shape {
    Never,
    Plain,
    Weak,
    Strong,
}

/// Function words of Bokmål, Nynorsk and English (ASCII only: the rest drop out anyway).
pub(super) const STOPWORDS: &[&str] = &[
    "og",
    "er",
    "en",
    "ein",
    "ei",
    "et",
    "eit",
    "som",
    "for",
    "til",
    "av",
    "med",
    "den",
    "det",
    "de",
    "dei",
    "du",
    "vi",
    "eg",
    "jeg",
    "ikke",
    "ikkje",
    "blir",
    "vert",
    "bli",
    "brukes",
    "brukast",
    "brukt",
    "brukte",
    "bruker",
    "brukar",
    "bruk",
    "har",
    "kan",
    "skal",
    "vil",
    "om",
    "denne",
    "dette",
    "desse",
    "disse",
    "etter",
    "fra",
    "eller",
    "men",
    "samt",
    "sin",
    "sitt",
    "sine",
    "seg",
    "oss",
    "deg",
    "dere",
    "dykk",
    "var",
    "hvor",
    "kor",
    "kva",
    "hva",
    "hvis",
    "viss",
    "dersom",
    "ved",
    "under",
    "over",
    "mellom",
    "inn",
    "ut",
    "opp",
    "ned",
    "alle",
    "andre",
    "annen",
    "anna",
    "noen",
    "nokre",
    "mer",
    "meir",
    "mest",
    "bare",
    "berre",
    "hver",
    "kvar",
    "slik",
    "der",
    "her",
    "da",
    "no",
    "nye",
    "ny",
    "mm",
    "osv",
    "dvs",
    "bl",
    "jf",
    "jfr",
    "ca",
    "evt",
    "etc",
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "is",
    "are",
    "be",
    "by",
    "on",
    "with",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "as",
    "at",
    "from",
    "we",
    "you",
    "our",
    "your",
    "they",
    "their",
    "not",
    "can",
    "will",
    "may",
    "used",
    "use",
    "uses",
    "set",
    "sets",
    "which",
    "when",
    "how",
    "what",
    "if",
    "eg",
    "ie",
    "per",
    "also",
    "all",
    "any",
    "some",
    "more",
    "was",
    "were",
    "has",
    "have",
    "than",
    "then",
    "there",
    "merk",
    "viktig",
    "obs",
    "nb",
    "ps",
    "note",
    "important",
    "warning",
    "tips",
    "info",
];

/// Words that introduce a name right after them.
pub(super) const NAMING: &[&str] = &[
    "informasjonskapselen",
    "informasjonskapsel",
    "kapselen",
    "kapsel",
    "cookien",
    "cookie",
    "heter",
    "heiter",
    "kalt",
    "kalla",
    "kalles",
    "kallast",
    "called",
    "named",
    "navn",
    "namn",
    "name",
    "navnet",
    "namnet",
];

/// Verbs that start a definition ("X er ein informasjonskapsel", "X is a cookie").
pub(super) const DEFINING: &[&str] = &["er", "is", "are", "blir", "vert", "was"];

pub(super) const CONJUNCTIONS: &[&str] = &["og", "and", "eller", "or", "samt"];

/// Parts of technical words that make them cookie names.
pub(super) const NAME_PARTS: &[&str] = &[
    "sessid",
    "sessionid",
    "session",
    "cookie",
    "token",
    "xsrf",
    "csrf",
    "consent",
    "key",
];

pub(super) fn is_conjunction(word: &str) -> bool {
    CONJUNCTIONS.contains(&word.to_ascii_lowercase().as_str())
}

pub(super) fn is_stopword(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    STOPWORDS.contains(&lower.as_str())
}

/// A cookie noun: informasjonskapsel…, kapsel…, cookie… (also in compounds), written as a word.
pub(super) fn is_cookie_word(word: &str) -> bool {
    if !word.chars().all(|c| c.is_alphabetic() || c == '-')
        || word.chars().skip(1).any(char::is_uppercase)
    {
        return false;
    }
    let lower = word.to_lowercase();
    const KAPSEL: &[&str] = &[
        "kapsel", "kapselen", "kapsler", "kapslar", "kapslene", "kapslane", "kapslen",
    ];
    lower.contains("informasjonskaps")
        || lower.contains("cookie")
        || lower.starts_with("kapsel")
        || lower.starts_with("kapsl")
        || KAPSEL.iter().any(|k| lower.ends_with(k))
}

pub(super) fn is_host(t: &str) -> bool {
    if t.starts_with('.') || !t.contains('.') || t.contains('_') {
        return false;
    }
    let labels: Vec<&str> = t.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels
        .iter()
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=13).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && !t.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

pub(super) fn is_ip_like(t: &str) -> bool {
    t.split('.')
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
        .count()
        >= 2
}

pub(super) fn is_abbreviation(t: &str) -> bool {
    t.contains('.')
        && !t.starts_with('.')
        && t.split('.')
            .all(|l| l.len() <= 4 && l.chars().all(|c| c.is_ascii_lowercase()))
}

/// A value rather than a name: a long run of letters and digits mixed without structure.
pub(super) fn is_value_like(t: &str) -> bool {
    if !t.chars().all(|c| c.is_ascii_alphanumeric()) || t.len() < 12 {
        return false;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || digits == t.len() {
        return false;
    }
    let bytes = t.as_bytes();
    let digit_runs = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .count();
    digit_runs >= 3 || (t.len() >= 16 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A compound whose last part is an ordinary lower-case word (`ID-porten`, `PC-en`).
pub(super) fn is_word_compound(t: &str) -> bool {
    if t.contains('_') {
        return false;
    }
    match t.rsplit_once('-') {
        Some((head, tail)) => {
            !head.is_empty() && tail.len() >= 2 && tail.chars().all(|c| c.is_ascii_lowercase())
        }
        None => false,
    }
}

pub(super) fn shape(t: &str) -> Shape {
    if !t.is_ascii()
        || t.len() < 2
        || !t.chars().any(|c| c.is_ascii_alphabetic())
        || is_host(t)
        || is_ip_like(t)
        || is_abbreviation(t)
        || is_value_like(t)
        || is_cookie_word(t)
        || is_word_compound(t)
    {
        return Shape::Never;
    }
    let inner_upper = t.chars().skip(1).any(|c| c.is_ascii_uppercase());
    let digit = t.chars().any(|c| c.is_ascii_digit());
    let lower = t.to_ascii_lowercase();
    let wild = t.contains('*')
        || t.contains('<') && t.contains('>')
        || t.contains('[') && t.contains(']')
        || t.contains('{') && t.contains('}');
    let leading_dot = t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_alphabetic());
    let name_part = (inner_upper || digit)
        && NAME_PARTS
            .iter()
            .any(|p| lower.contains(p) && lower.as_str() != *p);
    if t.contains('_') || leading_dot || wild || name_part {
        return Shape::Strong;
    }
    if inner_upper || digit || t.contains('.') || t.contains('-') || t.contains('$') {
        return Shape::Weak;
    }
    if is_stopword(t) {
        return Shape::Never;
    }
    Shape::Plain
}

/// The comparison key for names: lower case, dots and spaces trimmed at the ends.
pub(super) fn name_key(name: &str) -> String {
    name.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_lowercase()
}

/// Letters and digits only, lower case (`ID-porten` → `idporten`).
pub(super) fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
