//! Kapsel's deployment templates for the national crawl: `kubernetes/` (a weekly CronJob
//! starting an Indexed Job, a merge CronJob, the image's `Dockerfile`), `ci/` (GitHub Actions
//! and GitLab CI: a matrix over shard indices and a merge that runs even when shards fail) and
//! `slurm/` (an array job and a dependent merge job). This crate holds no code: its tests parse
//! every manifest into the real Kubernetes API types (`k8s-openapi`) and check the shard
//! contract, since no cluster can run here.
