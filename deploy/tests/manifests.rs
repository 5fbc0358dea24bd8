//! Every deployment template parsed and checked against the shard contract: the Kubernetes
//! manifests into the real API types (k8s-openapi, round-tripped so a misspelt field is caught),
//! the CI templates and the Slurm scripts as text and YAML.

use std::path::{Path, PathBuf};

use k8s_openapi::api::batch::v1::{CronJob, JobSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Container, PersistentVolumeClaim, PodSpec};
use serde_json::Value;

fn deploy(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(deploy(rel)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Parses a manifest into `T` and back: anything the API type does not know is an error.
fn typed<T: serde::de::DeserializeOwned + serde::Serialize>(rel: &str) -> T {
    let raw = yaml(rel);
    let value: T = serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let back = serde_json::to_value(&value).unwrap();
    assert_eq!(
        back, raw,
        "{rel}: a field the Kubernetes API does not know (or of the wrong type)"
    );
    value
}

fn job_of(c: &CronJob) -> (&JobSpec, &PodSpec, &Container) {
    let job = c.spec.as_ref().unwrap().job_template.spec.as_ref().unwrap();
    let pod = job.template.spec.as_ref().unwrap();
    let kapsel = pod
        .containers
        .iter()
        .find(|c| c.name == "kapsel")
        .expect("a container named kapsel");
    (job, pod, kapsel)
}

fn env<'a>(c: &'a Container, name: &str) -> Option<&'a str> {
    c.env
        .as_ref()?
        .iter()
        .find(|e| e.name == name)?
        .value
        .as_deref()
}

fn exit_rule(job: &JobSpec, code: i32) -> Option<String> {
    job.pod_failure_policy.as_ref()?.rules.iter().find_map(|r| {
        let on = r.on_exit_codes.as_ref()?;
        (on.operator == "In"
            && on.values.contains(&code)
            && on.container_name.as_deref() == Some("kapsel"))
        .then(|| r.action.clone())
    })
}

fn check_volumes(pod: &PodSpec, c: &Container, configmaps: &[String], claims: &[String]) {
    let volumes = pod.volumes.as_ref().unwrap();
    for m in c.volume_mounts.as_ref().unwrap() {
        let v = volumes
            .iter()
            .find(|v| v.name == m.name)
            .unwrap_or_else(|| panic!("mount {} has no volume", m.name));
        if let Some(cm) = &v.config_map {
            assert!(
                configmaps.contains(&cm.name),
                "ConfigMap {} is not among the manifests",
                cm.name
            );
        }
        if let Some(pvc) = &v.persistent_volume_claim {
            assert!(
                claims.contains(&pvc.claim_name),
                "claim {} is not among the manifests",
                pvc.claim_name
            );
        }
    }
}

#[test]
fn kubernetes_crawl_is_an_indexed_job_honouring_the_exit_contract() {
    let configmap: ConfigMap = typed("kubernetes/sites-configmap.yaml");
    let pvc: PersistentVolumeClaim = typed("kubernetes/results-pvc.yaml");
    let configmaps = vec![configmap.metadata.name.clone().unwrap()];
    let claims = vec![pvc.metadata.name.clone().unwrap()];
    assert!(configmap.data.unwrap().contains_key("sites.txt"));

    let crawl: CronJob = typed("kubernetes/crawl-cronjob.yaml");
    let spec = crawl.spec.as_ref().unwrap();
    assert_eq!(spec.time_zone.as_deref(), Some("Europe/Oslo"));
    assert_eq!(spec.concurrency_policy.as_deref(), Some("Forbid"));
    assert_eq!(
        spec.schedule.split_whitespace().count(),
        5,
        "weekly cron schedule"
    );
    let (job, pod, kapsel) = job_of(&crawl);
    assert_eq!(job.completion_mode.as_deref(), Some("Indexed"));
    assert!(job.backoff_limit_per_index.is_some_and(|n| n >= 1));
    assert_eq!(
        pod.restart_policy.as_deref(),
        Some("Never"),
        "podFailurePolicy needs restartPolicy Never"
    );
    assert_eq!(
        exit_rule(job, 2).as_deref(),
        Some("FailIndex"),
        "exit 2 (bad input) fails the index"
    );
    assert!(
        matches!(exit_rule(job, 75).as_deref(), None | Some("Count")),
        "exit 75 is retried within backoffLimitPerIndex"
    );
    let count: i32 = env(kapsel, "KAPSEL_SHARD_COUNT")
        .expect("KAPSEL_SHARD_COUNT is given")
        .parse()
        .unwrap();
    assert_eq!(Some(count), job.completions, "one index per shard");
    assert!(
        env(kapsel, "KAPSEL_SHARD_INDEX").is_none(),
        "the index comes from JOB_COMPLETION_INDEX"
    );
    let line = kapsel.args.as_ref().unwrap().join(" ");
    for word in [
        "kapsel crawl",
        "--sites /config/sites.txt",
        "--run-id",
        "--out-dir /data/runs",
    ] {
        assert!(line.contains(word), "crawl command lacks {word}: {line}");
    }
    assert!(!line.contains("--shard-index"), "the index is the engine's");
    check_volumes(pod, kapsel, &configmaps, &claims);

    let merge: CronJob = typed("kubernetes/merge-cronjob.yaml");
    assert_eq!(
        merge.spec.as_ref().unwrap().time_zone.as_deref(),
        Some("Europe/Oslo")
    );
    let (mjob, mpod, mk) = job_of(&merge);
    let mline = mk.args.as_ref().unwrap().join(" ");
    assert!(mline.contains("kapsel report merge") && mline.contains("--sites /config/sites.txt"));
    assert!(
        mline.contains("/data/runs/$run"),
        "merges the run the crawl writes"
    );
    assert_eq!(exit_rule(mjob, 2).as_deref(), Some("FailJob"));
    check_volumes(mpod, mk, &configmaps, &claims);

    let kustomization = yaml("kubernetes/kustomization.yaml");
    let listed: Vec<&str> = kustomization["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for f in std::fs::read_dir(deploy("kubernetes")).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && name != "kustomization.yaml" {
            assert!(
                listed.contains(&name.as_str()),
                "{name} missing from kustomization.yaml"
            );
        }
    }
    let docker = std::fs::read_to_string(deploy("kubernetes/Dockerfile")).unwrap();
    assert!(
        docker.contains("FROM debian:") && docker.contains("chromium") && docker.contains("kapsel")
    );
}

#[test]
fn ci_templates_run_a_matrix_and_a_merge_that_runs_after_failures() {
    let gh = yaml("ci/github-actions.yml");
    let crawl = &gh["jobs"]["crawl"];
    let shards: Vec<i64> = crawl["strategy"]["matrix"]["shard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let count: i64 = gh["env"]["KAPSEL_SHARD_COUNT"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        shards,
        (0..count).collect::<Vec<_>>(),
        "one matrix entry per shard index"
    );
    assert_eq!(crawl["strategy"]["fail-fast"], false);
    let merge = &gh["jobs"]["merge"];
    assert_eq!(merge["needs"], "crawl");
    assert_eq!(merge["if"], "always()");
    let text = serde_json::to_string(&gh).unwrap();
    assert!(text.contains("--shard-count") && text.contains("report merge"));

    let gl = yaml("ci/gitlab-ci.yml");
    assert!(
        gl["crawl"]["parallel"].as_i64().unwrap() >= 2,
        "parallel gives CI_NODE_INDEX/CI_NODE_TOTAL"
    );
    assert_eq!(gl["crawl"]["retry"]["exit_codes"], serde_json::json!([75]));
    assert_eq!(gl["merge"]["when"], "always");
    let script = serde_json::to_string(&gl["crawl"]["script"]).unwrap();
    assert!(
        !script.contains("--shard-index") && !script.contains("--shard-count"),
        "GitLab gives both"
    );
}

#[test]
fn slurm_scripts_take_the_count_from_kapsel_not_the_array() {
    let crawl = std::fs::read_to_string(deploy("slurm/crawl.sbatch")).unwrap();
    assert!(crawl.contains("KAPSEL_SHARD_COUNT:?") && !crawl.contains("SLURM_ARRAY_TASK_COUNT"));
    let submit = std::fs::read_to_string(deploy("slurm/submit.sh")).unwrap();
    assert!(submit.contains("--array=\"0-$((KAPSEL_SHARD_COUNT - 1))\""));
    assert!(
        submit.contains("--dependency=\"afterany:"),
        "merge after every task, whatever its outcome"
    );
}
