//! ReplicationControllers and Jobs (issue 9, section 1), expanded into the Pods their
//! controllers run, and the object limits over them and over bare Pods. Each test names the
//! Kubernetes rule it checks and its source; rule numbers refer to docs/coredns-rules.md.

mod pod_support;
mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::NXDomain;
use k8s_dns_sim::hickory_proto::rr::RecordType::{A, SRV};
use k8s_dns_sim::model::{Pod, PodPhase};
use k8s_dns_sim::{Change, Cluster, ClusterDns, Config, Kind, ObjectLimits};
use pod_support::{a_line, apply, bare_pods, is_generated_name, leak_lines, load};
use support::{SOA, check, fixture, negative, positive};

#[test]
fn indexed_job_pods_get_hostnames_under_their_subdomain() {
    // job_controller.go manageJob: an Indexed Job's Pod of index i gets the annotation and
    // label batch.kubernetes.io/job-completion-index, hostname <job>-<i>, generateName
    // <job>-<i>- (podGenerateNameWithIndex); firstPendingIndexes runs the lowest indexes,
    // min(parallelism, completions) at once. The template's subdomain makes them
    // <job>-<i>.<subdomain>.<ns>.svc names (the docs' "Job with Pod-to-Pod Communication").
    let cluster = load(&fixture("jobs.yaml"));
    let workers: Vec<&Pod> = cluster
        .pods()
        .filter(|p| p.meta.labels.get("job-name").map(String::as_str) == Some("workers"))
        .collect();
    assert_eq!(workers.len(), 2, "parallelism 2 of 3 completions");
    for (index, pod) in workers.iter().enumerate() {
        let index = index.to_string();
        let labels = &pod.meta.labels;
        assert!(
            is_generated_name(&pod.meta.name, &format!("workers-{index}-")),
            "{}",
            pod.meta.name
        );
        assert_eq!(labels["batch.kubernetes.io/job-completion-index"], index);
        assert_eq!(
            pod.meta.annotations["batch.kubernetes.io/job-completion-index"],
            index
        );
        assert_eq!(labels["batch.kubernetes.io/job-name"], "workers");
        assert_eq!(
            labels["controller-uid"],
            labels["batch.kubernetes.io/controller-uid"]
        );
        assert_eq!(
            pod.hostname.as_deref(),
            Some(format!("workers-{index}").as_str())
        );
        assert_eq!(pod.subdomain.as_deref(), Some("workers"));
    }
    let ip0 = workers[0].pod_ips[0];
    let ip1 = workers[1].pod_ips[0];
    let dns = ClusterDns::new(cluster.clone(), Config::default());
    let w0 = "workers-0.workers.default.svc.cluster.local.";
    let w1 = "workers-1.workers.default.svc.cluster.local.";
    check(
        &dns,
        &[
            positive(
                "14 the Pod of index 0 by its hostname",
                w0,
                A,
                leak_lines(&[a_line(w0, ip0)]),
                &[],
            ),
            positive(
                "14 the Pod of index 1",
                w1,
                A,
                leak_lines(&[a_line(w1, ip1)]),
                &[],
            ),
            negative(
                "14 index 2 waits: not running, no name",
                "workers-2.workers.default.svc.cluster.local.",
                A,
                NXDomain,
                SOA,
            ),
        ],
    );
}

#[test]
fn non_indexed_jobs_and_replication_controllers_name_pods_from_generate_name() {
    // manageJob: min(parallelism, completions) Pods, generateName <job>-; the ReplicaSet
    // controller over a ReplicationController: replicas Pods, generateName <rc>-.
    let mut dns = ClusterDns::new(load(&fixture("jobs.yaml")), Config::default());
    let names = |dns: &ClusterDns, prefix: &str| -> Vec<String> {
        dns.cluster()
            .pods()
            .filter(|p| is_generated_name(&p.meta.name, prefix))
            .map(|p| p.meta.name.clone())
            .collect()
    };
    assert_eq!(
        names(&dns, "batch-").len(),
        2,
        "completions 2 < parallelism 5"
    );
    assert_eq!(names(&dns, "legacy-").len(), 3);
    let srv = dns
        .lookup("_http._tcp.legacy.default.svc.cluster.local.", SRV)
        .unwrap();
    assert_eq!(
        srv.answers.len(),
        3,
        "the named targetPort resolves on each Pod"
    );
    let skipped: Vec<(&str, Option<&str>)> = dns
        .cluster()
        .skipped()
        .iter()
        .map(|s| (s.kind.as_str(), s.name.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [("CronJob", Some("nightly"))],
        "CronJob is listed, not run"
    );
    apply(
        &mut dns,
        Change::scale(Kind::ReplicationController, "default", "legacy", 1),
    );
    assert_eq!(names(&dns, "legacy-").len(), 1, "kubectl scale rc");
    let refused = dns
        .apply([Change::scale(Kind::Job, "default", "batch", 3)])
        .unwrap_err();
    assert!(
        refused.to_string().contains("found one to a Job"),
        "{refused}"
    );
}

/// A Job `j` with `spec` (flow YAML inside `spec: {…}`) and an optional `status`.
fn job(spec: &str, status: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j}}\n\
         spec: {{{spec}, template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: i}}]}}}}}}\n{status}"
    )
}

fn job_pods(manifests: &str) -> Vec<String> {
    load(manifests)
        .pods()
        .filter(|p| p.meta.labels.get("job-name").map(String::as_str) == Some("j"))
        .filter(|p| p.phase == Some(PodPhase::Running))
        .map(|p| {
            p.meta
                .annotations
                .get("batch.kubernetes.io/job-completion-index")
                .cloned()
                .unwrap_or_else(|| "-".to_owned())
        })
        .collect()
}

#[test]
fn a_job_runs_the_pods_its_progress_leaves() {
    // SetDefaults_Job (both unset: 1 and 1; parallelism alone: 1), manageJob (wantActive:
    // completions − succeeded, at most parallelism; parallelism for a work queue; none when
    // suspended), syncJob (a finished Job runs nothing), firstPendingIndexes.
    // A Pod of the Job (selected through the generated controller-uid label, the Job's uid).
    let done = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: j-0-done\n  \
        labels: {job-name: j, batch.kubernetes.io/controller-uid: 0b5c1f2e-uid}\n  \
        annotations: {batch.kubernetes.io/job-completion-index: \"0\"}\nstatus: {phase: Succeeded}\n---\n";
    let with_uid = |manifests: String| {
        manifests.replace(
            "metadata: {name: j}",
            "metadata: {name: j, uid: 0b5c1f2e-uid}",
        )
    };
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("defaults: one Pod", job("suspend: false", ""), vec!["-"]),
        (
            "a work queue runs parallelism Pods",
            job("parallelism: 3", ""),
            vec!["-", "-", "-"],
        ),
        (
            "completions below parallelism",
            job("parallelism: 3, completions: 2", ""),
            vec!["-", "-"],
        ),
        (
            "status.succeeded counts",
            job("parallelism: 3, completions: 4", "status: {succeeded: 3}\n"),
            vec!["-"],
        ),
        (
            "suspended: none",
            job("suspend: true, completions: 2", ""),
            vec![],
        ),
        (
            "finished: none",
            job(
                "completions: 2",
                "status: {conditions: [{type: Complete, status: \"True\"}]}\n",
            ),
            vec![],
        ),
        (
            "parallelism 0: none",
            job("parallelism: 0, completions: 2", ""),
            vec![],
        ),
        (
            "Indexed: the lowest pending indexes",
            job(
                "completionMode: Indexed, completions: 4, parallelism: 2",
                "status: {completedIndexes: \"0,2\"}\n",
            ),
            vec!["1", "3"],
        ),
        (
            "Indexed: a Succeeded Pod of the input completes its index",
            format!(
                "{done}{}",
                with_uid(job(
                    "completionMode: Indexed, completions: 3, parallelism: 3",
                    ""
                ))
            ),
            vec!["1", "2"],
        ),
    ];
    for (case, manifests, want) in cases {
        assert_eq!(job_pods(&manifests), want, "{case}");
    }
}

#[test]
fn object_limits_bound_the_new_kinds_and_bare_pods() {
    // ObjectLimits: a Job's Pods at once count against pods_per_workload (field
    // spec.parallelism), a ReplicationController's replicas too, and bare Pods against pods.
    let mut limits = ObjectLimits::default();
    limits.pods_per_workload = 10;
    limits.pods = 25;
    let load_with = |manifests: &str| {
        let mut builder = Cluster::builder();
        builder.object_limits(limits);
        builder.add_yaml("in.yaml", manifests).unwrap();
        builder
            .build()
            .map(|_| ())
            .map_err(|errors| errors.to_string())
    };
    let rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\n\
        spec: {replicas: 11, template: {metadata: {labels: {app: rc}}}}\n";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a Job",
            job("parallelism: 11", ""),
            "Job default/j: spec.parallelism: expected at most 10 Pods (ObjectLimits::pods_per_workload), found 11",
        ),
        (
            "a ReplicationController",
            rc.to_owned(),
            "ReplicationController default/rc: spec.replicas: expected at most 10 Pods (ObjectLimits::pods_per_workload), found 11",
        ),
        (
            "bare Pods",
            bare_pods("default", 26, false),
            "expected at most 25 Pods in the cluster (ObjectLimits::pods), found 26 Pods",
        ),
    ];
    for (case, manifests, want) in cases {
        let error = load_with(&manifests).unwrap_err();
        assert!(error.contains(want), "{case}: {error}");
    }
    assert!(load_with(&bare_pods("default", 25, false)).is_ok());
}
