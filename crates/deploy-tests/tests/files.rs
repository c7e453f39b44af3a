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
        assert!(
            s["healthcheck"]["test"]
                .to_string()
                .contains("GET /healthz"),
            "{role}'s healthcheck does not ask /healthz"
        );
        // The worker keeps no state in PostgreSQL: it must not wait for it, nor hold its url.
        let uses_database = role != "worker";
        let env = s["environment"].as_object().unwrap();
        assert_eq!(
            s["depends_on"]["rabbitmq"]["condition"], "service_healthy",
            "{role} does not wait for a healthy rabbitmq"
        );
        assert!(
            env.contains_key("RESINGEST_AMQP_URL"),
            "{role} lacks RESINGEST_AMQP_URL"
        );
        assert_eq!(
            s["depends_on"]["postgres"]["condition"] == "service_healthy",
            uses_database,
            "{role} waits for postgres: {uses_database} expected"
        );
        assert_eq!(
            env.contains_key("RESINGEST_DATABASE_URL"),
            uses_database,
            "{role} and RESINGEST_DATABASE_URL"
        );
    }
    for (name, s) in services {
        // Pinned images: a tag with a version, never `latest` or a bare major.
        let image = s["image"].as_str().unwrap_or_default();
        let tag = image.split_once(':').map(|(_, t)| t).unwrap_or_default();
        assert!(
            tag.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == 'v' || c == '$')
                && tag.contains('.')
                || tag.starts_with("${"),
            "{name}: image `{image}` is not pinned to a version"
        );
        // Published ports: loopback only, except the read API and Grafana.
        for port in s["ports"].as_array().into_iter().flatten() {
            let port = port.as_str().unwrap();
            assert!(
                port.starts_with("127.0.0.1:") || ["sink", "grafana"].contains(&name.as_str()),
                "{name} publishes {port} on every interface"
            );
        }
        // No credential with a default a stranger could guess: `${X:?...}` makes compose
        // refuse to start until .env sets it.
        for (key, value) in s["environment"].as_object().into_iter().flatten() {
            let value = value.as_str().unwrap_or_default();
            for part in value.split("${").skip(1) {
                let var = part.split([':', '}', '-', '?']).next().unwrap();
                assert!(
                    !(var.contains("PASS") && part[var.len()..].starts_with(":-")),
                    "{name}: {key} has a default credential: {value}"
                );
            }
        }
    }
    let rabbit = services["rabbitmq"]["image"].as_str().unwrap();
    assert!(
        rabbit.starts_with("rabbitmq:4."),
        "{rabbit}: 3.x is past community support"
    );
    let grafana_db =
        repo::read(&repo::deploy().join("grafana/provisioning/datasources/datasources.yml"));
    assert!(
        !grafana_db.contains("POSTGRES_USER") && grafana_db.contains("GRAFANA_DB_USER"),
        "Grafana must read with its read-only role, not the tables' owner"
    );
    assert_eq!(
        services["grafana"]["environment"]["GRAFANA_DB_USER"],
        "grafana_reader"
    );
    let reader = repo::read(&repo::deploy().join("postgres/grafana-reader.sh"));
    assert!(reader.contains("CREATE ROLE grafana_reader") && reader.contains("read_only"));
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
        // The fetcher has a liveness probe only: between polls it has nothing to be ready for.
        let probes: &[&str] = if role == "resingest-fetcher" {
            &["livenessProbe"]
        } else {
            &["readinessProbe", "livenessProbe"]
        };
        for probe in probes {
            assert_eq!(
                container[probe]["httpGet"]["path"], "/healthz",
                "{role}: {probe} is not on /healthz"
            );
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
    let grace = args[args.iter().position(|a| *a == "--grace").unwrap() + 1];
    let grace: u64 = grace
        .strip_suffix('s')
        .unwrap_or(grace)
        .parse()
        .unwrap_or_else(|_| panic!("--grace {grace}: write it in seconds, like 30s"));
    assert!(pod["terminationGracePeriodSeconds"].as_u64().unwrap() > grace);

    let pdb = named("PodDisruptionBudget", "resingest-worker");
    assert_eq!(pdb["apiVersion"], "policy/v1");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"],
        worker["spec"]["selector"]["matchLabels"]
    );
    // `kubectl drain` must be able to evict a worker even at KEDA's minimum replica count.
    let min_replicas = named("ScaledObject", "resingest-worker")["spec"]["minReplicaCount"]
        .as_u64()
        .unwrap_or(0);
    let evictable = match (
        pdb["spec"]["minAvailable"].as_u64(),
        pdb["spec"]["maxUnavailable"].as_u64(),
    ) {
        (Some(min), None) => min < min_replicas,
        (None, Some(max)) => max >= 1,
        other => panic!("the PDB needs exactly one of minAvailable, maxUnavailable: {other:?}"),
    };
    assert!(
        evictable,
        "the worker PDB lets no pod be evicted at {min_replicas} replicas"
    );

    // The migrations run as a Job of the same image.
    let job = named("Job", "resingest-migrate");
    assert_eq!(job["apiVersion"], "batch/v1");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["args"][0], "migrate");
    assert_eq!(container["image"], "resingest");

    // The image: pinned, and built with what the manifests use.
    let dir = repo::deploy().join("k8s");
    let kustomization = yaml_as_json(&dir.join("kustomization.yaml"));
    for image in kustomization["images"].as_array().unwrap() {
        let tag = image["newTag"].as_str().unwrap_or("latest");
        assert!(
            tag != "latest" && tag.contains('.'),
            "image {image} is not pinned"
        );
    }
    // Containers log JSON lines, which the collectors parse.
    let dockerfile = repo::read(&repo::root().join("Dockerfile"));
    assert!(
        dockerfile
            .lines()
            .any(|l| l.trim() == "ENV RESINGEST_LOG_FORMAT=json"),
        "the image does not set RESINGEST_LOG_FORMAT=json"
    );
    let config = named("ConfigMap", "resingest");
    let archive = config["data"]["RESINGEST_ARCHIVE_URL"]
        .as_str()
        .unwrap_or_default();
    if archive.starts_with("s3://") {
        let dockerfile = repo::read(&repo::root().join("Dockerfile"));
        assert!(
            dockerfile.contains("ARG FEATURES=s3")
                && dockerfile.matches("--features \"${FEATURES}\"").count() == 2,
            "the manifests archive in {archive} but the image is not built with feature s3"
        );
        let secret = named("Secret", "resingest");
        for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            assert!(
                secret["stringData"].get(key).is_some(),
                "the archive is {archive} but Secret resingest has no {key}"
            );
        }
    }

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
            // `${datasource}` is the dashboard's variable, whose default names a provisioned one.
            let uid = match panel["datasource"]["uid"].as_str().unwrap_or_default() {
                "${datasource}" => d["templating"]["list"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["name"] == "datasource")
                    .and_then(|v| v["current"]["value"].as_str())
                    .unwrap_or_default(),
                uid => uid,
            };
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

/// Every dashboard opens on a summary row and lets the operator choose its data source; those
/// reading Prometheus also choose the instance and the RabbitMQ vhost, and every query honours
/// them (queue depth summed over every vhost of a shared broker is a wrong number). Dead letters
/// have their own panel, red above 0, and the read API its panel.
#[test]
fn dashboards_have_variables_a_summary_row_and_thresholds() {
    for d in queries::dashboards(&repo::deploy().join("grafana/dashboards")) {
        let title = d["title"].as_str().unwrap();
        let vars = queries::template_variables(&d);
        assert!(
            vars.contains(&"datasource"),
            "{title}: no datasource variable"
        );
        let panels = d["panels"].as_array().unwrap();
        let first = &panels[0];
        assert!(
            first["type"] == "row" && first["title"] == "Summary" && first["gridPos"]["y"] == 0,
            "{title}: the first panel is not the Summary row"
        );
        let summary: Vec<&Json> = panels[1..]
            .iter()
            .take_while(|p| p["type"] != "row")
            .collect();
        assert!(
            summary.len() >= 3 && summary.iter().all(|p| p["type"] == "stat"),
            "{title}: the summary row has fewer than three stats"
        );
        let promql = queries::dashboard_queries(&d);
        if promql.is_empty() {
            continue;
        }
        for v in ["instance", "vhost"] {
            assert!(vars.contains(&v), "{title}: no {v} variable");
        }
        for q in &promql {
            if q.expr.contains("rabbitmq_detailed_") {
                assert!(
                    q.expr.contains("$vhost"),
                    "{}: not filtered by vhost",
                    q.origin
                );
            }
            if q.expr.contains("resingest_") {
                assert!(
                    q.expr.contains("$instance"),
                    "{}: not filtered by instance",
                    q.origin
                );
            }
        }
        let titles: Vec<&str> = summary.iter().filter_map(|p| p["title"].as_str()).collect();
        for want in ["Stored today", "Dead letters waiting", "Targets up"] {
            assert!(
                titles.iter().any(|t| t.starts_with(want)),
                "{title}: no {want:?} in the summary row: {titles:?}"
            );
        }
        let red_above_zero = |p: &&Json| {
            let steps = p["fieldConfig"]["defaults"]["thresholds"]["steps"].as_array();
            steps.is_some_and(|s| s.iter().any(|s| s["color"] == "red" && s["value"] == 1))
        };
        let dead: Vec<&Json> = panels
            .iter()
            .filter(|p| {
                p["title"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("Dead-letter queue depth")
            })
            .collect();
        assert_eq!(
            dead.len(),
            1,
            "{title}: no dead-letter depth panel of its own"
        );
        assert!(
            red_above_zero(&dead[0]),
            "{title}: dead-letter depth not red above 0"
        );
        let waiting = summary
            .iter()
            .find(|p| {
                p["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Dead letters waiting")
            })
            .unwrap();
        assert!(
            red_above_zero(waiting),
            "{title}: dead letters waiting not red above 0"
        );
        let up = summary
            .iter()
            .find(|p| p["title"].as_str().unwrap().starts_with("Targets up"))
            .unwrap();
        let steps = up["fieldConfig"]["defaults"]["thresholds"]["steps"]
            .as_array()
            .unwrap();
        assert!(
            steps[0]["color"] == "red" && steps.last().unwrap()["color"] == "green",
            "{title}: targets up is not red below the expected count"
        );
        assert!(
            promql
                .iter()
                .any(|q| q.expr.contains("resingest_api_requests_total")),
            "{title}: no read-API panel"
        );
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
