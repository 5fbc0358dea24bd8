//! The shard contract: which shard this process is, and which shard each site belongs to.
//!
//! The index comes from `--shard-index`, else `KAPSEL_SHARD_INDEX`, else the engine's own
//! array index (`JOB_COMPLETION_INDEX` of a Kubernetes Indexed Job, `SLURM_ARRAY_TASK_ID`,
//! `AWS_BATCH_JOB_ARRAY_INDEX`, GitLab's 1-based `CI_NODE_INDEX` − 1). The count comes from
//! `--shard-count`, else `KAPSEL_SHARD_COUNT`, else `CI_NODE_TOTAL` (GitLab's parallel count,
//! which names the partition, not the tasks being run) — never from an array's task count.

use crate::sites::Site;

/// Where the shard index and count were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable (its name).
    Env(&'static str),
    /// Neither: one shard of one.
    Default,
}

/// This process's shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
    /// Where the index came from.
    pub index_source: Source,
}

/// A shard that cannot be worked out: a usage error (exit 2, never retried).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardError {
    /// An index without a count.
    #[error("the shard index is {index} (from {from}) but no shard count is given: pass --shard-count N or set KAPSEL_SHARD_COUNT (the count is never taken from the engine)")]
    MissingCount {
        /// The index.
        index: u32,
        /// Where it came from.
        from: String,
    },
    /// An index at or past the count.
    #[error("shard index {index} (from {from}) is out of range for {count} shards (0..={})", count - 1)]
    OutOfRange {
        /// The index.
        index: u32,
        /// The count.
        count: u32,
        /// Where the index came from.
        from: String,
    },
    /// A value that is not a number.
    #[error("{name}={value}: not a whole number")]
    NotANumber {
        /// The flag or variable.
        name: String,
        /// Its value.
        value: String,
    },
    /// A count above one but no index anywhere.
    #[error("{count} shards but no shard index: pass --shard-index I or set KAPSEL_SHARD_INDEX (or run under an engine that sets its array index)")]
    MissingIndex {
        /// The count.
        count: u32,
    },
    /// A count of zero.
    #[error("the shard count must be at least 1")]
    ZeroCount,
}

/// Index variables of the engines, in the order they are consulted after `KAPSEL_SHARD_INDEX`.
pub const ENGINE_INDEX_VARS: [&str; 4] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "CI_NODE_INDEX",
];

fn number(name: &str, value: &str) -> Result<u32, ShardError> {
    value.trim().parse().map_err(|_| ShardError::NotANumber {
        name: name.to_string(),
        value: value.to_string(),
    })
}

fn source_name(s: Source) -> String {
    match s {
        Source::Flag => "--shard-index".into(),
        Source::Env(v) => v.into(),
        Source::Default => "default".into(),
    }
}

/// Works out the shard from flags and an environment lookup (`std::env::var` in real use).
pub fn resolve(
    index_flag: Option<u32>,
    count_flag: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Shard, ShardError> {
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let (index, index_source) = if let Some(i) = index_flag {
        (Some(i), Source::Flag)
    } else if let Some(v) = env("KAPSEL_SHARD_INDEX") {
        (
            Some(number("KAPSEL_SHARD_INDEX", &v)?),
            Source::Env("KAPSEL_SHARD_INDEX"),
        )
    } else {
        let mut found = (None, Source::Default);
        for var in ENGINE_INDEX_VARS {
            if let Some(v) = env(var) {
                let n = number(var, &v)?;
                let n = if var == "CI_NODE_INDEX" {
                    n.checked_sub(1).ok_or(ShardError::NotANumber {
                        name: var.into(),
                        value: v.clone(),
                    })?
                } else {
                    n
                };
                found = (Some(n), Source::Env(var));
                break;
            }
        }
        found
    };
    let count = match count_flag {
        Some(c) => Some(c),
        None => match env("KAPSEL_SHARD_COUNT") {
            Some(v) => Some(number("KAPSEL_SHARD_COUNT", &v)?),
            None if index_source == Source::Env("CI_NODE_INDEX") => env("CI_NODE_TOTAL")
                .map(|v| number("CI_NODE_TOTAL", &v))
                .transpose()?,
            None => None,
        },
    };
    match (index, count) {
        (None, None) => Ok(Shard {
            index: 0,
            count: 1,
            index_source: Source::Default,
        }),
        (Some(index), None) => Err(ShardError::MissingCount {
            index,
            from: source_name(index_source),
        }),
        (_, Some(0)) => Err(ShardError::ZeroCount),
        (None, Some(count)) if count == 1 => Ok(Shard {
            index: 0,
            count,
            index_source: Source::Default,
        }),
        (None, Some(count)) => Err(ShardError::MissingIndex { count }),
        (Some(index), Some(count)) if index >= count => Err(ShardError::OutOfRange {
            index,
            count,
            from: source_name(index_source),
        }),
        (Some(index), Some(count)) => Ok(Shard {
            index,
            count,
            index_source,
        }),
    }
}

/// The shard a canonical host belongs to: SHA-256 of its bytes, read as one big-endian
/// integer, modulo `count`.
pub fn assign(host: &str, count: u32) -> u32 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(host.as_bytes());
    let count = u64::from(count.max(1));
    let rem = digest
        .iter()
        .fold(0u64, |r, b| (r * 256 + u64::from(*b)) % count);
    rem as u32
}

/// The sites of one shard, in file order.
pub fn sites_of(sites: &[Site], shard: &Shard) -> Vec<Site> {
    sites
        .iter()
        .filter(|s| assign(&s.host, shard.count) == shard.index)
        .cloned()
        .collect()
}

/// `(shard, host)` for every site, for `kapsel crawl --plan`, sorted by shard then file order.
pub fn plan(sites: &[Site], count: u32) -> Vec<(u32, &Site)> {
    let mut rows: Vec<(u32, &Site)> = sites.iter().map(|s| (assign(&s.host, count), s)).collect();
    rows.sort_by_key(|(shard, s)| (*shard, s.line));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn flags_win_over_everything() {
        let s = resolve(
            Some(1),
            Some(4),
            env(&[("KAPSEL_SHARD_INDEX", "3"), ("SLURM_ARRAY_TASK_ID", "2")]),
        )
        .unwrap();
        assert_eq!((s.index, s.count, s.index_source), (1, 4, Source::Flag));
    }

    #[test]
    fn each_engine_index_variable() {
        for (var, value, want) in [
            ("KAPSEL_SHARD_INDEX", "2", 2),
            ("JOB_COMPLETION_INDEX", "2", 2),
            ("SLURM_ARRAY_TASK_ID", "1", 1),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "0", 0),
            ("CI_NODE_INDEX", "3", 2),
        ] {
            let s = resolve(None, Some(3), env(&[(var, value)])).unwrap();
            assert_eq!(s.index, want, "{var}");
            assert_eq!(s.index_source, Source::Env(var));
        }
    }

    #[test]
    fn kapsel_variable_wins_over_engines() {
        let s = resolve(
            None,
            None,
            env(&[
                ("KAPSEL_SHARD_INDEX", "0"),
                ("KAPSEL_SHARD_COUNT", "2"),
                ("SLURM_ARRAY_TASK_ID", "1"),
            ]),
        )
        .unwrap();
        assert_eq!((s.index, s.count), (0, 2));
    }

    #[test]
    fn count_never_comes_from_the_engine() {
        let e = resolve(
            None,
            None,
            env(&[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "1"),
            ]),
        )
        .unwrap_err();
        assert!(
            matches!(e, ShardError::MissingCount { index: 1, .. }),
            "{e}"
        );
        let e = resolve(None, None, env(&[("JOB_COMPLETION_INDEX", "0")])).unwrap_err();
        assert!(matches!(e, ShardError::MissingCount { .. }));
    }

    #[test]
    fn gitlab_total_names_the_count() {
        let s = resolve(
            None,
            None,
            env(&[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "2")]),
        )
        .unwrap();
        assert_eq!((s.index, s.count), (0, 2));
    }

    #[test]
    fn out_of_range_and_junk() {
        assert!(matches!(
            resolve(Some(3), Some(3), env(&[])),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            resolve(None, Some(3), env(&[("SLURM_ARRAY_TASK_ID", "7")])),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            resolve(None, Some(2), env(&[])),
            Err(ShardError::MissingIndex { count: 2 })
        ));
        assert!(matches!(
            resolve(None, Some(2), env(&[("KAPSEL_SHARD_INDEX", "x")])),
            Err(ShardError::NotANumber { .. })
        ));
        assert!(matches!(
            resolve(None, Some(0), env(&[])),
            Err(ShardError::ZeroCount)
        ));
        assert_eq!(resolve(None, None, env(&[])).unwrap().count, 1);
    }

    /// Expected shards computed outside this code: `int(sha256(host).hexdigest(), 16) % n` in
    /// Python's hashlib.
    #[test]
    fn assignment_matches_sha256_mod_n() {
        let want: [(&str, [u32; 5]); 5] = [
            ("www.bergen.kommune.no", [0, 0, 2, 5, 2]),
            ("www.oslo.kommune.no", [0, 1, 0, 3, 7]),
            ("www.xn--brum-voa.kommune.no", [0, 0, 0, 3, 2]),
            ("a.no", [0, 0, 0, 0, 0]),
            ("site-07.test", [0, 0, 1, 0, 2]),
        ];
        for (host, shards) in want {
            for (n, expected) in [1, 2, 3, 7, 10].into_iter().zip(shards) {
                assert_eq!(assign(host, n), expected, "{host} mod {n}");
            }
        }
    }
}
