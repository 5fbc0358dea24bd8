//! `kapsel-crawl`: the national compliance crawl — many sites, split into shards that any
//! distributed engine can schedule, one file per site, and a merge into one overview.
//!
//! # Design
//!
//! **No scheduler of its own.** Kapsel supplies shards; Kubernetes Indexed Jobs, Slurm arrays,
//! CI matrices or AWS Batch arrays schedule them. A shard is a pure function of the sites file,
//! the shard count and the shard index ([`shard`]): each site goes to shard
//! `SHA-256(lower-case punycoded host) mod N`, read as one big-endian integer, so every machine
//! and every release computes the same partition. The index may come from the engine's
//! environment; the count never does (a re-run of one failed index would silently
//! re-partition).
//!
//! **One file per site** ([`record`]): `DIR/<run-id>/sites/<host>.json`, written as a temporary
//! file in the same directory and renamed, so a killed shard never leaves a partial file. Its
//! header names the run id, the SHA-256 of the sites file, the SHA-256 of the per-site options,
//! the Kapsel version and the outcome (`ok`, `unreachable`, `timeout`, `error` with the reason).
//! A dead site is a result. A file with the same run id and hashes is final: a retried shard
//! skips it ([`runner`]), so an engine's retry does only what is missing.
//!
//! **Scanning one site** is behind the [`runner::SiteScanner`] trait; [`child`] implements it by
//! running `kapsel scan` as a child in its own process group, so a per-site time limit or a
//! SIGTERM ends the scan and its whole browser tree at once, and a hostile site cannot take the
//! shard down with it.
//!
//! **Merge** ([`merge`]) reads a run directory, refuses files of another run, and builds the
//! [`merge::National`] overview (deterministic: sorted, no clock); [`overview`] renders it as
//! one self-contained HTML page in nb, nn or en; [`compare`] says which sites got better or
//! worse between two national runs.

pub mod child;
pub mod compare;
pub mod merge;
pub mod overview;
pub mod record;
pub mod runner;
pub mod shard;
pub mod sites;

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
