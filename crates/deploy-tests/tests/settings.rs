//! Every setting the deployment gives a role, checked against the binary itself: each flag in a
//! container's command and each `RESINGEST_*` variable of its environment must be one that
//! `resingest <role> --help` lists, and each value one the binary's parser accepts. A renamed
//! flag, a typo or a value in an old unit fails here instead of in a crash-looping pod (or,
//! worse, is ignored). Compose files and the Kubernetes manifests alike.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use resingest_deploy_tests::repo;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

/// The `resingest` binary `cargo nextest run --workspace` built beside this test (as the
/// Prometheus test finds it), built here when the test runs alone.
fn resingest() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("RESINGEST_BIN") {
            return bin.into();
        }
        let exe = std::env::current_exe().unwrap();
        let bin = exe.parent().unwrap().parent().unwrap().join("resingest");
        if !bin.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "-p", "resingest-cli", "--bin", "resingest"])
                .current_dir(repo::root())
                .status()
                .unwrap();
            assert!(status.success(), "building resingest failed");
        }
        bin
    })
}

/// What `resingest <role> --help` says the role takes: its flags, and the flag of each
/// environment variable.
#[derive(Debug, Default)]
struct Help {
    flags: BTreeSet<String>,
    env: BTreeMap<String, String>,
}

fn help(role: &str) -> Help {
    let out = Command::new(resingest())
        .args([role, "--help"])
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "resingest {role} --help failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut help = Help::default();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let t = line.trim_start();
        // An option starts its paragraph: `-c, --concurrency <N>` or `--once`.
        let option = t
            .strip_prefix('-')
            .and_then(|_| t.split_whitespace().find(|w| w.starts_with("--")));
        if let Some(flag) = option.filter(|_| line.starts_with("  ")) {
            let flag = flag
                .trim_end_matches(',')
                .split('=')
                .next()
                .unwrap()
                .to_owned();
            help.flags.insert(flag.clone());
            current = Some(flag);
        }
        if let (Some(at), Some(flag)) = (t.find("[env: "), current.as_ref()) {
            let name = t[at + 6..].split(['=', ']']).next().unwrap();
            help.env.insert(name.to_owned(), flag.clone());
        }
    }
    assert!(
        help.flags.contains("--help"),
        "{role}: no options parsed from:\n{text}"
    );
    help
}

/// `${NAME:-default}` as compose interpolates it with NAME unset; `${NAME:?msg}` (required)
/// stands for a value the operator sets, here a placeholder.
fn interpolate(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').expect("closed ${") + at;
        let inner = &rest[at + 2..end];
        if let Some((_, default)) = inner.split_once(":-") {
            out.push_str(default);
        } else if inner.contains(":?") {
            out.push_str("placeholder");
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("$$", "$")
}

/// One container running one role: its arguments, and its environment with where each
/// variable came from (`None`: set on the container itself; `Some(source)`: shared through
/// envFrom or a compose anchor, so it may be meant for another role using the same source).
#[derive(Debug)]
struct Container {
    origin: String,
    args: Vec<String>,
    env: Vec<(String, Option<String>, Option<String>)>,
}

fn yaml_docs(path: &Path) -> Vec<Json> {
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&repo::read(path)) {
        let mut value = <Yaml as serde::Deserialize>::deserialize(doc)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        value.apply_merge().unwrap();
        if !value.is_null() {
            out.push(serde_json::to_value(value).unwrap());
        }
    }
    out
}

fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

fn compose_containers() -> Vec<Container> {
    let base = yaml_docs(&repo::root().join("docker-compose.yml")).remove(0);
    let offline = yaml_docs(&repo::root().join("docker-compose.offline.yml")).remove(0);
    let mut out = Vec::new();
    for (file, doc) in [
        ("docker-compose.yml", &base),
        ("docker-compose.offline.yml", &offline),
    ] {
        for (name, service) in doc["services"].as_object().unwrap() {
            let base_service = &base["services"][name];
            let is_ours = base_service["image"]
                .as_str()
                .is_some_and(|i| i.starts_with("resingest:"));
            if !is_ours || service["command"].is_null() {
                continue;
            }
            let env = base_service["environment"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().map(interpolate).unwrap_or_else(|| v.to_string());
                    (k.clone(), Some(v), None)
                })
                .collect();
            out.push(Container {
                origin: format!("{file}: {name}"),
                args: strings(&service["command"])
                    .iter()
                    .map(|a| interpolate(a))
                    .collect(),
                env,
            });
        }
    }
    out
}

fn k8s_containers() -> Vec<Container> {
    let dir = repo::deploy().join("k8s");
    let kustomization = yaml_docs(&dir.join("kustomization.yaml")).remove(0);
    let objects: Vec<Json> = strings(&kustomization["resources"])
        .iter()
        .flat_map(|r| yaml_docs(&dir.join(r)))
        .collect();
    let source = |kind: &str, name: &str| -> BTreeMap<String, String> {
        let o = objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("envFrom names a missing {kind} {name}"));
        let data = if kind == "Secret" {
            &o["stringData"]
        } else {
            &o["data"]
        };
        data.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect()
    };
    let mut out = Vec::new();
    for o in &objects {
        let pod = match o["kind"].as_str().unwrap() {
            "Deployment" | "Job" => &o["spec"]["template"]["spec"],
            _ => continue,
        };
        for c in pod["containers"].as_array().unwrap() {
            let mut env = Vec::new();
            for from in c["envFrom"].as_array().into_iter().flatten() {
                for (kind, key) in [("ConfigMap", "configMapRef"), ("Secret", "secretRef")] {
                    if let Some(name) = from[key]["name"].as_str() {
                        for (k, v) in source(kind, name) {
                            env.push((k, Some(v), Some(format!("{kind} {name}"))));
                        }
                    }
                }
            }
            for e in c["env"].as_array().into_iter().flatten() {
                let name = e["name"].as_str().unwrap().to_owned();
                env.push((name, e["value"].as_str().map(str::to_owned), None));
            }
            out.push(Container {
                origin: format!("k8s {} {}", o["kind"], o["metadata"]["name"]),
                args: strings(&c["args"]),
                env,
            });
        }
    }
    out
}

/// The flags and values of `c` as one command line, and what the role's help lacks.
fn check(
    c: &Container,
    helps: &mut BTreeMap<String, Help>,
    known_anywhere: &BTreeSet<String>,
) -> Vec<String> {
    let role = c.args[0].clone();
    let help = helps.entry(role.clone()).or_insert_with(|| help(&role));
    let mut problems = Vec::new();
    for a in &c.args[1..] {
        if a.starts_with("--") && !help.flags.contains(a.split('=').next().unwrap()) {
            problems.push(format!("flag {a} is not one `resingest {role}` takes"));
        }
    }
    // The values, as flags: `resingest <role> ... --help` parses (and so validates) every
    // value given before it, then prints help instead of running.
    let mut argv = c.args.clone();
    for (name, value, shared) in &c.env {
        if !name.starts_with("RESINGEST_") {
            continue;
        }
        match (help.env.get(name), shared) {
            (Some(flag), _) => {
                if let Some(v) = value.as_ref().filter(|_| !c.args.contains(flag)) {
                    argv.push(flag.clone());
                    argv.push(v.clone());
                }
            }
            (None, None) => {
                problems.push(format!("{name} is not a variable `resingest {role}` reads"))
            }
            (None, Some(source)) if !known_anywhere.contains(name) => {
                problems.push(format!("{name} (from {source}) is read by no role"))
            }
            (None, Some(_)) => {}
        }
    }
    argv.push("--help".into());
    let out = Command::new(resingest())
        .args(&argv)
        .env_clear()
        .output()
        .unwrap();
    if !out.status.success() {
        problems.push(format!(
            "`resingest {}` refuses a value: {}",
            argv.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    problems
}

#[test]
fn every_flag_and_variable_the_deployment_sets_is_one_the_binary_accepts() {
    let containers: Vec<Container> = compose_containers()
        .into_iter()
        .chain(k8s_containers())
        .collect();
    let roles: BTreeSet<&str> = containers.iter().map(|c| c.args[0].as_str()).collect();
    assert!(
        ["fetch", "worker", "sink", "migrate"]
            .iter()
            .all(|r| roles.contains(r)),
        "the deployment runs {roles:?}"
    );
    let mut helps = BTreeMap::new();
    let known_anywhere: BTreeSet<String> =
        roles.iter().flat_map(|r| help(r).env.into_keys()).collect();
    let problems: Vec<String> = containers
        .iter()
        .flat_map(|c| {
            check(c, &mut helps, &known_anywhere)
                .into_iter()
                .map(move |p| format!("{}: {p}", c.origin))
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_check_refuses_what_the_binary_refuses() {
    // The check itself: an old unit, an unknown flag and an unknown variable are each caught.
    let mut helps = BTreeMap::new();
    let known = BTreeSet::new();
    let bad = |args: &[&str], env: &[(&str, &str)]| Container {
        origin: "test".into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string()), None))
            .collect(),
    };
    let cases = [
        bad(&["worker", "--grace", "soon"], &[]),
        bad(&["worker", "--no-such-flag"], &[]),
        bad(&["worker"], &[("RESINGEST_GRACE", "half a minute")]),
        bad(&["worker"], &[("RESINGEST_NO_SUCH_SETTING", "1")]),
        bad(&["sink"], &[("RESINGEST_HTTP_ADDR", "nowhere")]),
    ];
    for c in &cases {
        assert!(!check(c, &mut helps, &known).is_empty(), "{c:?} passed");
    }
    let good = bad(
        &["worker", "--grace", "30s"],
        &[("RESINGEST_MEMORY_LIMIT", "2GiB")],
    );
    assert_eq!(check(&good, &mut helps, &known), Vec::<String>::new());
}
