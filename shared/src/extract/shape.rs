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
    // Swedish and Danish
    "och",
    "att",
    "inte",
    "ett",
    "ni",
    "vara",
    "vid",
    "sig",
    "dig",
    "din",
    "ditt",
    "dina",
    "sina",
    "vores",
    "jer",
    "af",
    "hvor",
    "nogle",
    "bliver",
    "blev",
    "bruger",
    "bruges",
    "anvender",
    "anvendes",
    "genom",
    "sedan",
    "mer",
    "alla",
    "andra",
    "dessa",
    "denna",
    "detta",
    "hur",
    "vad",
    "eller",
    "nar",
];

/// Words of a name column's header.
pub(super) const NAME_HEADERS: &[&str] = &[
    "navn",
    "namn",
    "name",
    "names",
    "navnet",
    "namnet",
    "cookienavn",
    "cookienamn",
    "kakans",
    "nøkkel",
];

/// Words of the other columns' headers (purpose, lifetime, provider, domain, type).
pub(super) const OTHER_HEADERS: &[&str] = &[
    "formål",
    "føremål",
    "purpose",
    "purposes",
    "beskrivelse",
    "beskriving",
    "description",
    "syfte",
    "ändamål",
    "beskrivning",
    "funksjon",
    "function",
    "varighet",
    "varigheit",
    "levetid",
    "lagringstid",
    "lagringstiden",
    "utløper",
    "utløp",
    "expiry",
    "expires",
    "expiration",
    "duration",
    "lifetime",
    "retention",
    "lasts",
    "udløb",
    "varighed",
    "giltighetstid",
    "leverandør",
    "leverandor",
    "provider",
    "udbyder",
    "leverantör",
    "tredjepart",
    "vendor",
    "domene",
    "domain",
    "domæne",
    "domän",
    "type",
    "typ",
    "kategori",
    "category",
    "set",
    "by",
    "what",
    "it",
    "does",
    "kven",
    "kva",
    "han",
    "gjer",
    "kor",
    "lenge",
    "hva",
    "den",
    "gjør",
    "hvem",
    "setter",
    "how",
    "long",
    "who",
    "sets",
];

/// Words that say a column holds types, not names (`Cookie type`, `Type informasjonskapsel`).
pub(super) const TYPE_WORDS: &[&str] = &["type", "typ", "kategori", "category", "art", "slags"];

/// Whether a word belongs to a table header (any column).
pub(super) fn is_header_word(word: &str) -> bool {
    let w = word.to_lowercase();
    NAME_HEADERS.contains(&w.as_str()) || OTHER_HEADERS.contains(&w.as_str())
}

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
    "kakan",
    "kaka",
    "kallas",
    "kaldet",
    "hedder",
];

/// Verbs that start a definition ("X er ein informasjonskapsel", "X is a cookie").
pub(super) const DEFINING: &[&str] = &["er", "is", "are", "blir", "vert", "was", "är"];

pub(super) const CONJUNCTIONS: &[&str] = &["og", "and", "eller", "or", "samt", "och"];

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

/// A cookie noun: informasjonskapsel…, kapsel…, cookie…, kaka/kakor… (also in compounds),
/// written as a word.
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
        || matches!(lower.as_str(), "kaka" | "kakan" | "kakor" | "kakorna")
        || ["kakor", "kakban", "kakfil", "kakpolic", "kakinst"]
            .iter()
            .any(|k| lower.starts_with(k))
}

/// Top-level domains common enough that a name written in capitals before them (a link text
/// such as `AboutCookies.org`) is still a host.
const COMMON_TLDS: &[&str] = &[
    "com", "org", "net", "no", "se", "dk", "fi", "is", "uk", "eu", "io", "de", "nu", "info",
];

/// A host name: `www.example.no`, `.google.com` (a cookie's domain), `AboutCookies.org`.
pub(super) fn is_host(t: &str) -> bool {
    // A domain written with its leading dot (`.google.com`), not a name such as `.ASPXAUTH`.
    let t = match t.strip_prefix('.') {
        Some(rest) if rest.matches('.').count() >= 1 => rest,
        Some(_) => return false,
        None => t,
    };
    if !t.contains('.') || t.contains('_') {
        return false;
    }
    let labels: Vec<&str> = t.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    let lower_case = !t.chars().skip(1).any(|c| c.is_ascii_uppercase());
    labels
        .iter()
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=13).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && (lower_case || labels.len() == 2 && COMMON_TLDS.contains(tld))
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

/// A compound of prose: a capitalised head and an ordinary lower-case last part (`ID-porten`,
/// `PC-en`, `EPiServer-brukar`), or an ordinary word and `ID` (`session-ID`, `bruker-ID`).
/// All-lower-case hyphenated words (`govuk-accessibility`, `idporten-sso`) are left to the
/// other evidence: many cookie names are written so.
pub(super) fn is_word_compound(t: &str) -> bool {
    if t.contains('_') {
        return false;
    }
    match t.rsplit_once('-') {
        Some((head, tail)) => {
            let ordinary_tail = tail.len() >= 2 && tail.chars().all(|c| c.is_ascii_lowercase());
            let capital_head = head.chars().any(|c| c.is_uppercase());
            let id_of_word =
                tail == "ID" && head.len() >= 3 && head.chars().all(|c| c.is_ascii_lowercase());
            !head.is_empty() && (ordinary_tail && capital_head || id_of_word)
        }
        None => false,
    }
}

/// The shape of a word in a cookie table's name column (or a heading, term or label a
/// statement gives a cookie): as [`shape`], but a single letter (`S`) is a plain word there,
/// and a hyphenated word with a cookie noun in it (`cookieyes-consent`) a weak one.
pub(super) fn shape_in_name_cell(t: &str) -> Shape {
    let s = shape(t);
    if s != Shape::Never {
        return s;
    }
    if t.len() == 1 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Shape::Plain;
    }
    if t.contains('-') && t.is_ascii() && is_cookie_word(t) {
        return Shape::Weak;
    }
    Shape::Never
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
    if is_stopword(t) || is_header_word(t) {
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
