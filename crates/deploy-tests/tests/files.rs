//! The deployment files checked without a Docker engine or a cluster: compose against the
//! compose specification, the Kubernetes manifests structurally (the ScaledObject scales the
//! worker on the real documents queue), the dashboards' data sources, and `promtool check`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use resingest_deploy_tests::{queries, repo};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

/// A YAML file as JSON, with `<<:` merge keys applied as compose applies them.
fn yaml_as_json(path: &Path) -> Json {
    let mut value: Yaml = serde_yaml::from_str(&repo::read(path))
        .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
    value
        .apply_merge()
        .unwrap_or_else(|e| panic!("{}: merge keys: {e}", path.display()));
    serde_json::to_value(value).expect("YAML with string keys converts to JSON")
}

#[test]
fn compose_files_validate_against_the_compose_spec() {
    let schema_path = repo::shared().join("reference/schemas/compose-spec.json");
    if !schema_path.exists() {
        assert!(!repo::in_ci(), "{} is missing", schema_path.display());
        eprintln!("skipped: no {}", schema_path.display());
        return;
    }
    let mut schema: Json = serde_json::from_str(&repo::read(&schema_path)).unwrap();
    // It names draft 07 by a URL without the trailing `#` the validator knows it by.
    assert!(schema["$schema"].as_str().unwrap().contains("draft-07"));
    schema.as_object_mut().unwrap().remove("$schema");
    let validator = jsonschema::draft7::new(&schema).expect("the compose spec is a valid schema");
    for file in ["docker-compose.yml", "docker-compose.offline.yml"] {
        let compose = yaml_as_json(&repo::root().join(file));
        let errors: Vec<String> = validator
            .iter_errors(&compose)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
}

#[test]
fn compose_runs_every_role_healthy_and_scalable() {
    let compose = yaml_as_json(&repo::root().join("docker-compose.yml"));
    let services = compose["services"].as_object().unwrap();
    for name in [
        "rabbitmq",
        "postgres",
        "prometheus",
        "grafana",
        "fetcher",
        "worker",
        "sink",
    ] {
        assert!(services.contains_key(name), "no service {name}");
    }
    for role in ["fetcher", "worker", "sink"] {
        let s = &services[role];
        assert!(
            s["healthcheck"]["test"].is_array(),
            "{role} has no healthcheck"
        );
        for dep in ["rabbitmq", "postgres"] {
            assert_eq!(
                s["depends_on"][dep]["condition"], "service_healthy",
                "{role} does not wait for a healthy {dep}"
            );
        }
        let env = s["environment"].as_object().unwrap();
        for var in ["RESINGEST_AMQP_URL", "RESINGEST_DATABASE_URL"] {
            assert!(env.contains_key(var), "{role} lacks {var}");
        }
    }
    // `--scale worker=4` fails on a fixed container name or a published host port.
    let worker = &services["worker"];
    assert!(worker.get("container_name").is_none());
    assert!(worker.get("ports").is_none());
    assert_eq!(
        services["worker"]["environment"]["RESINGEST_METRICS_ADDR"],
        "0.0.0.0:9101"
    );
    let plugins = repo::read(&repo::deploy().join("rabbitmq/enabled_plugins"));
    assert!(plugins.contains("rabbitmq_prometheus") && plugins.contains("rabbitmq_management"));
    let offline = yaml_as_json(&repo::root().join("docker-compose.offline.yml"));
    let command = offline["services"]["fetcher"]["command"]
        .as_array()
        .unwrap();
    assert!(command.iter().any(|a| a.as_str() == Some("dir:/corpus")));
}

/// Every document of the kustomization's resources, in order.
fn k8s_objects() -> Vec<Json> {
    let dir = repo::deploy().join("k8s");
    let kustomization = yaml_as_json(&dir.join("kustomization.yaml"));
    assert_eq!(kustomization["kind"], "Kustomization");
    let mut out = Vec::new();
    for resource in kustomization["resources"].as_array().unwrap() {
        let path = dir.join(resource.as_str().unwrap());
        for doc in serde_yaml::Deserializer::from_str(&repo::read(&path)) {
            let value = <Yaml as serde::Deserialize>::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if !value.is_null() {
                out.push(serde_json::to_value(value).unwrap());
            }
        }
    }
    out
}

#[test]
fn kubernetes_manifests_are_complete_and_keda_scales_the_worker_on_its_queue() {
    let objects = k8s_objects();
    let mut by_kind: BTreeMap<String, Vec<&Json>> = BTreeMap::new();
    for o in &objects {
        for field in ["apiVersion", "kind"] {
            assert!(o[field].is_string(), "an object without {field}: {o}");
        }
        assert!(
            o["metadata"]["name"].is_string(),
            "an object without a name: {o}"
        );
        by_kind
            .entry(o["kind"].as_str().unwrap().to_owned())
            .or_default()
            .push(o);
    }
    let named = |kind: &str, name: &str| -> &Json {
        by_kind
            .get(kind)
            .and_then(|v| v.iter().find(|o| o["metadata"]["name"] == name))
            .unwrap_or_else(|| panic!("no {kind} {name}"))
    };

    for (role, subcommand) in [
        ("resingest-fetcher", "fetch"),
        ("resingest-worker", "worker"),
        ("resingest-sink", "sink"),
    ] {
        let d = named("Deployment", role);
        assert_eq!(d["apiVersion"], "apps/v1");
        let selector = d["spec"]["selector"]["matchLabels"].as_object().unwrap();
        let labels = d["spec"]["template"]["metadata"]["labels"]
            .as_object()
            .unwrap();
        for (k, v) in selector {
            assert_eq!(
                labels.get(k),
                Some(v),
                "{role}: the selector misses its pods"
            );
        }
        let pod = &d["spec"]["template"]["spec"];
        assert_eq!(
            pod["securityContext"]["runAsNonRoot"], true,
            "{role} runs as root"
        );
        let container = &pod["containers"][0];
        assert!(container["image"].is_string() && container["name"].is_string());
        assert_eq!(container["args"][0], subcommand, "{role} runs another role");
        assert!(pod["terminationGracePeriodSeconds"].as_u64().unwrap() >= 30);
        if role != "resingest-fetcher" {
            for probe in ["readinessProbe", "livenessProbe"] {
                assert_eq!(
                    container[probe]["httpGet"]["path"], "/healthz",
                    "{role}: {probe} is not on /healthz"
                );
            }
        }
        let service = named("Service", role);
        for (k, v) in service["spec"]["selector"].as_object().unwrap() {
            assert_eq!(
                labels.get(k),
                Some(v),
                "{role}: the service misses its pods"
            );
        }
    }

    // The worker drains within --grace before Kubernetes kills it.
    let worker = named("Deployment", "resingest-worker");
    let pod = &worker["spec"]["template"]["spec"];
    let args: Vec<&str> = pod["containers"][0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let grace: u64 = args[args.iter().position(|a| *a == "--grace").unwrap() + 1]
        .parse()
        .unwrap();
    assert!(pod["terminationGracePeriodSeconds"].as_u64().unwrap() > grace);

    let pdb = named("PodDisruptionBudget", "resingest-worker");
    assert_eq!(pdb["apiVersion"], "policy/v1");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"],
        worker["spec"]["selector"]["matchLabels"]
    );
    assert!(pdb["spec"]["minAvailable"].is_number() || pdb["spec"]["maxUnavailable"].is_number());

    let scaled = named("ScaledObject", "resingest-worker");
    assert_eq!(scaled["apiVersion"], "keda.sh/v1alpha1");
    let target = &scaled["spec"]["scaleTargetRef"];
    assert_eq!(target["name"], "resingest-worker");
    assert!(target.get("kind").is_none_or(|k| k == "Deployment"));
    let triggers = scaled["spec"]["triggers"].as_array().unwrap();
    let rabbit = triggers
        .iter()
        .find(|t| t["type"] == "rabbitmq")
        .expect("a rabbitmq trigger");
    assert_eq!(
        rabbit["metadata"]["queueName"],
        resingest_model::topology::DOCUMENTS
    );
    assert_eq!(rabbit["metadata"]["mode"], "QueueLength");
    assert!(
        rabbit["metadata"]["value"]
            .as_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    let auth = named(
        "TriggerAuthentication",
        rabbit["authenticationRef"]["name"].as_str().unwrap(),
    );
    for r in auth["spec"]["secretTargetRef"].as_array().unwrap() {
        let secret = named("Secret", r["name"].as_str().unwrap());
        let key = r["key"].as_str().unwrap();
        assert!(
            secret["stringData"].get(key).is_some() || secret["data"].get(key).is_some(),
            "secret {} has no key {key}",
            r["name"]
        );
    }
}

#[test]
fn dashboards_name_provisioned_data_sources_and_hide_no_emptiness() {
    let provisioned =
        yaml_as_json(&repo::deploy().join("grafana/provisioning/datasources/datasources.yml"));
    let uids: BTreeSet<&str> = provisioned["datasources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["uid"].as_str().unwrap())
        .collect();
    let dashboards = queries::dashboards(&repo::deploy().join("grafana/dashboards"));
    let titles: BTreeSet<&str> = dashboards
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        BTreeSet::from(["resingest pipeline", "resolutions"])
    );
    for d in &dashboards {
        for panel in d["panels"].as_array().unwrap() {
            if panel["type"] == "row" {
                continue;
            }
            let uid = panel["datasource"]["uid"].as_str().unwrap_or_default();
            assert!(
                uids.contains(uid),
                "panel {} uses data source {uid:?}",
                panel["title"]
            );
            assert!(!panel["targets"].as_array().unwrap().is_empty());
        }
        for q in queries::dashboard_queries(d) {
            assert_eq!(queries::hides_emptiness(&q.expr), None, "{}", q.origin);
        }
    }
}

/// `promtool check`, failing in CI when promtool is missing (`.ci/run` installs it).
fn promtool(args: &[&str]) {
    let Ok(out) = Command::new("promtool").args(args).output() else {
        assert!(
            !repo::in_ci(),
            "promtool is missing: apt-get install prometheus"
        );
        eprintln!("skipped: no promtool");
        return;
    };
    assert!(
        out.status.success(),
        "promtool {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn promtool_accepts_the_config_and_the_rules() {
    let dir = repo::deploy().join("prometheus");
    promtool(&[
        "check",
        "config",
        dir.join("prometheus.yml").to_str().unwrap(),
    ]);
    promtool(&["check", "rules", dir.join("alerts.yml").to_str().unwrap()]);
}
