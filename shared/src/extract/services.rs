//! Stage 4b, services: the known services a statement names.
//!
//! # Approach
//! Services are found by their names, the parts of their names (`Optimizely CMS (EPiServer)`
//! gives `EPiServer`) and their ids, across one to three words, ignoring case and punctuation
//! (`ID-porten` is `idporten`) and allowing one wrong letter in long names (`Cloudfare`); an
//! all-lower-case word counts only inside a host name, so that ordinary words that happen to
//! name a product do not. A word that names a service (or is a word of a service's name, such as
//! `Analytics` of "Google Analytics") is a product, not a cookie, unless the base knows it as
//! a cookie.

use std::collections::{HashMap, HashSet};

use super::shape::{is_cookie_word, normalise};
use crate::distance::edit_distance;
use crate::knowledge::{KnowledgeBase, KnownService};

/// A mention of a service in the text.
#[derive(Debug, Clone)]
pub(super) struct Mention<'a> {
    pub(super) service: &'a KnownService,
    pub(super) written: String,
    pub(super) line: usize,
}

pub(super) struct ServiceIndex<'a> {
    /// Normalised name (or name part, or id) → service.
    pub(super) keys: HashMap<String, &'a KnownService>,
    /// Keys of seven characters or more by first character, for one-letter-off matches.
    pub(super) long: HashMap<char, Vec<(String, &'a KnownService)>>,
    /// The single words of services' names and vendors (`analytics` of "Google Analytics").
    pub(super) name_words: HashSet<String>,
}

impl<'a> ServiceIndex<'a> {
    pub(super) fn new(base: &'a KnowledgeBase) -> ServiceIndex<'a> {
        let mut keys = HashMap::new();
        for s in base.services() {
            let mut forms = vec![s.name.clone(), s.id.clone()];
            forms.extend(s.name.split(['(', ')', '/', ',', '|']).map(str::to_string));
            for form in forms {
                let key = normalise(&form);
                if key.len() >= 3 && !is_cookie_word(&key) {
                    keys.entry(key).or_insert(s);
                }
            }
        }
        let mut long: HashMap<char, Vec<(String, &'a KnownService)>> = HashMap::new();
        for (k, s) in &keys {
            if let Some(first) = k.chars().next().filter(|_| k.chars().count() >= 7) {
                long.entry(first).or_default().push((k.clone(), *s));
            }
        }
        let name_words = base
            .services()
            .iter()
            .flat_map(|s| [s.name.as_str(), s.vendor.as_str()])
            .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.len() >= 4 && !is_cookie_word(w))
            .map(str::to_lowercase)
            .collect();
        ServiceIndex {
            keys,
            long,
            name_words,
        }
    }

    /// Whether a word is one of the words of a service's name or vendor.
    pub(super) fn is_name_word(&self, word: &str) -> bool {
        self.name_words.contains(&word.to_lowercase())
    }

    /// The service a word (or a few words run together) names, exactly or one letter off.
    pub(super) fn find(&self, words: &str) -> Option<&'a KnownService> {
        let key = normalise(words);
        if key.len() < 3 {
            return None;
        }
        if let Some(s) = self.keys.get(&key) {
            return Some(s);
        }
        let n = key.chars().count();
        if n < 7 {
            return None;
        }
        self.long
            .get(&key.chars().next()?)?
            .iter()
            .filter(|(k, _)| k.chars().count().abs_diff(n) <= 1)
            .find(|(k, _)| edit_distance(k, &key) <= 1)
            .map(|(_, s)| *s)
    }

    /// Every mention of a known service, in text order. Product names are written with
    /// capitals; an all-lower-case word counts only inside a host name (`player.vimeo.com`), so
    /// that ordinary words that happen to name a product (`drift`) do not.
    pub(super) fn mentions(&self, text: &str) -> Vec<Mention<'a>> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let words = words_at(line);
            let mut i = 0;
            while i < words.len() {
                let mut step = 1;
                for len in (1..=3).rev() {
                    if i + len > words.len() {
                        continue;
                    }
                    let (start, end) = (words[i].0, words[i + len - 1].1);
                    let window = &line[start..end];
                    if len == 1 && is_cookie_word(window) {
                        continue;
                    }
                    let lower = !window.chars().any(char::is_uppercase);
                    let in_host = line[..start].ends_with(['.', '/'])
                        || line[end..].starts_with('.')
                            && line[end + 1..].starts_with(|c: char| c.is_ascii_alphanumeric());
                    if lower && !in_host {
                        continue;
                    }
                    if let Some(s) = self.find(window) {
                        out.push(Mention {
                            service: s,
                            written: window.to_string(),
                            line: n,
                        });
                        step = len;
                        break;
                    }
                }
                i += step;
            }
        }
        out
    }
}

/// The words of a line (runs of letters and digits) with their byte ranges.
pub(super) fn words_at(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}
