//! Stage 5, decision: which weighed words are names, and the extraction they make.
//!
//! # Approach
//! A word is taken when its evidence reaches a threshold and it has some context, or when the
//! evidence is overwhelming on its own (a strong shape the knowledge base knows). In a second
//! pass, members of an enumeration ("A, B og C") in which another member was taken gain points.
//! The result keeps names as written, in order, without case-insensitive duplicates, each with
//! the base entry it matches and a near-miss suggestion where it is a likely typo. A name the
//! base knows as a family (`_pk_id` for `_pk_id.*`, `_pk_id*`) is reported with that family.
//! The services of the extracted names are added (`IDE` brings DoubleClick).

use std::collections::HashSet;

use super::evidence::{Candidate, Kb, Scorer};
use super::services::Mention;
use super::shape::{is_conjunction, name_key, Shape};
use super::tokens::Doc;
use super::{Extraction, FoundName, FoundService};
use crate::knowledge::{KnowledgeBase, KnownService};
use crate::nearmiss;

/// Evidence a word needs to be taken (with some context).
const THRESHOLD: i32 = 4;
/// Evidence a word needs to be taken without context.
const ALONE: i32 = 6;

/// The weighed words that are taken, in text order.
pub(super) fn decide<'a>(scorer: &mut Scorer<'_, 'a>) -> Vec<Candidate<'a>> {
    let mut cands: Vec<Candidate<'a>> = (0..scorer.doc.toks.len())
        .filter_map(|i| scorer.weigh(i))
        .collect();
    let taken = |c: &Candidate| c.score >= THRESHOLD && (c.ctx || c.score >= ALONE);
    // Second pass: members of an enumeration where another member was taken.
    let first_pass: HashSet<usize> = cands
        .iter()
        .filter(|c| taken(c) && (c.shape >= Shape::Weak || !matches!(c.kb, Kb::None)))
        .map(|c| c.tok)
        .collect();
    for c in &mut cands {
        if c.ctx && !first_pass.contains(&c.tok) {
            let run = enumeration(scorer.doc, c.tok);
            if run.iter().any(|i| *i != c.tok && first_pass.contains(i)) {
                c.score += 2;
            }
        }
    }
    cands.retain(taken);
    cands
}

/// The tokens of the list ("A, B og C") that token `i` belongs to.
fn enumeration(doc: &Doc, i: usize) -> Vec<usize> {
    let toks = &doc.toks;
    let conj = |j: usize| is_conjunction(&toks[j].text);
    let same = |a: usize, b: usize| {
        toks[a].para == toks[b].para && toks[a].cell == toks[b].cell && !toks[a].sentence_end
    };
    // The item after `j` in a list, if `j` is followed by a separator.
    let next = |j: usize| -> Option<usize> {
        if toks[j].comma_after && j + 1 < toks.len() && same(j, j + 1) {
            let k = j + 1;
            // "A, B, og C"
            if conj(k) && k + 1 < toks.len() && same(k, k + 1) {
                return Some(k + 1);
            }
            return Some(k);
        }
        if j + 2 < toks.len() && same(j, j + 1) && conj(j + 1) && same(j + 1, j + 2) {
            return Some(j + 2);
        }
        None
    };
    // Lists longer than this are no cookie enumerations; the bound keeps hostile input linear.
    const LONGEST: usize = 64;
    let mut start = i;
    for _ in 0..LONGEST {
        match (start.saturating_sub(2)..start)
            .rev()
            .find(|&p| next(p) == Some(start))
        {
            Some(prev) => start = prev,
            None => break,
        }
    }
    let mut run = vec![start];
    let mut at = start;
    while let Some(n) = next(at).filter(|_| run.len() < 2 * LONGEST) {
        run.push(n);
        at = n;
    }
    run
}

pub(super) fn collect<'a>(
    doc: &Doc,
    cands: Vec<Candidate<'a>>,
    mentions: Vec<Mention<'a>>,
    base: &'a KnowledgeBase,
) -> Extraction<'a> {
    let mut seen = HashSet::new();
    let mut names: Vec<FoundName<'a>> = Vec::new();
    let mut services: Vec<(usize, FoundService<'a>)> = Vec::new();
    pub(super) fn slot<'a>(
        services: &mut Vec<(usize, FoundService<'a>)>,
        s: &'a KnownService,
        line: usize,
    ) -> usize {
        match services.iter().position(|(_, f)| f.service.id == s.id) {
            Some(p) => {
                services[p].0 = services[p].0.min(line);
                p
            }
            None => {
                services.push((
                    line,
                    FoundService {
                        service: s,
                        mentioned_as: Vec::new(),
                        cookies: Vec::new(),
                    },
                ));
                services.len() - 1
            }
        }
    }
    for m in &mentions {
        let p = slot(&mut services, m.service, m.line);
        let list = &mut services[p].1.mentioned_as;
        if !list.iter().any(|w| w.eq_ignore_ascii_case(&m.written)) {
            list.push(m.written.clone());
        }
    }
    for c in cands {
        let tok = &doc.toks[c.tok];
        if !seen.insert(name_key(&tok.text)) {
            continue;
        }
        let entry = match c.kb {
            Kb::Exact(e) => Some(e),
            _ => None,
        };
        // A family as its stem (`_pk_id`) or as written (`_pk_id.*`).
        let family = match c.kb {
            Kb::Family(e) => Some(e),
            Kb::Exact(_) => base.family(&tok.text),
            _ => None,
        };
        let near_miss = match c.kb {
            Kb::Exact(_) | Kb::Family(_) => None,
            // The strict search used for ordinary words stops where the full one would.
            Kb::Miss(m) => Some(m),
            _ => nearmiss::suggest(base, &tok.text),
        };
        let found = FoundName {
            name: tok.text.clone(),
            line: tok.src_line + 1,
            entry,
            family,
            near_miss,
        };
        if let Some(s) = found.known().and_then(|k| base.service(&k.service)) {
            let p = slot(&mut services, s, tok.src_line);
            services[p].1.cookies.push(found.name.clone());
        }
        names.push(found);
    }
    services.sort_by_key(|(line, _)| *line);
    Extraction {
        names,
        services: services.into_iter().map(|(_, s)| s).collect(),
    }
}
