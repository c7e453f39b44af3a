//! The CI entry points: `.ci/preflight` stops `make test` when a tool or the corpus is missing
//! (a skipped test passes green, so a skip must never be silent), unless `ALLOW_SKIP=1`.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The workspace root, from this file's own crate (not a library built elsewhere).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `.ci/preflight` with nothing on PATH and an empty shared folder: every tool and every piece
/// of shared material is missing.
fn preflight(allow_skip: bool, args: &[&str]) -> Output {
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("/bin/bash");
    cmd.arg(root().join(".ci/preflight"))
        .args(args)
        .env("PATH", empty.path())
        .env("RESINGEST_SHARED", empty.path())
        .env_remove("RESINGEST_CORPUS")
        .env_remove("ALLOW_SKIP");
    if allow_skip {
        cmd.env("ALLOW_SKIP", "1");
    }
    cmd.output().expect("running .ci/preflight with bash")
}

#[test]
fn preflight_fails_on_a_missing_tool_or_corpus_unless_allow_skip() {
    let out = preflight(false, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for tool in [
        "pdftotext",
        "xmllint",
        "promtool",
        "prometheus",
        "psql",
        "rabbitmqctl",
    ] {
        assert!(
            stderr.contains(&format!("MISSING: {tool} (")),
            "{tool}: {stderr}"
        );
    }
    assert!(stderr.contains("corpus/MANIFEST.tsv"), "{stderr}");
    assert!(stderr.contains("ALLOW_SKIP=1 make test"), "{stderr}");

    let allowed = preflight(true, &[]);
    let stderr = String::from_utf8_lossy(&allowed.stderr);
    assert_eq!(allowed.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("MISSING: pdftotext") && stderr.contains("PASS WITHOUT TESTING ANYTHING"),
        "the summary must stay loud when skips are allowed: {stderr}"
    );
    // After the tests, the summary again, whatever the verdict.
    let after = preflight(false, &["--after"]);
    assert_eq!(after.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&after.stderr).contains("MISSING: xmllint"));
}

#[test]
fn make_test_runs_the_preflight_and_the_tests_as_ci_does() {
    let makefile = std::fs::read_to_string(root().join("Makefile")).expect("the Makefile");
    let recipe: String = makefile
        .split("\ntest:\n")
        .nth(1)
        .expect("a test target")
        .lines()
        .take_while(|l| l.starts_with('\t'))
        .collect::<Vec<_>>()
        .join("\n");
    let preflight = recipe.find("bash .ci/preflight\n").expect(&recipe);
    let tests = recipe.find("CI=true cargo nextest run").expect(&recipe);
    assert!(preflight < tests, "{recipe}");
    assert!(recipe.contains("ALLOW_SKIP"), "{recipe}");
}

#[test]
fn make_honours_cargo_target_dir_and_does_not_echo_the_corpus() {
    let out = Command::new("make")
        .args([
            "-n",
            "run",
            "pipeline",
            "CARGO_TARGET_DIR=/elsewhere/target",
        ])
        .current_dir(root())
        .output()
        .expect("make");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("/elsewhere/target/release/resingest extract"),
        "{text}"
    );
    assert!(
        text.contains("RESINGEST_BIN=\"/elsewhere/target/release/resingest\""),
        "{text}"
    );
    assert!(!text.contains("./target/release"), "{text}");
    // The recipe that names every corpus PDF is not echoed (`@`); a short line says what runs.
    let makefile = std::fs::read_to_string(root().join("Makefile")).unwrap();
    for line in makefile.lines().filter(|l| l.contains("$(wildcard")) {
        assert!(line.starts_with("\t@"), "echoed: {line}");
    }
}

#[test]
fn a_stopped_pipeline_exits_0_and_says_so() {
    // Roles that only wait: SIGTERM ends them with 143, as it ends a real role's shell.
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("resingest");
    std::fs::write(&bin, "#!/bin/sh\nexec sleep 600\n").unwrap();
    std::fs::set_permissions(&bin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let child = Command::new("bash")
        .arg(root().join("deploy/pipeline.sh"))
        .env("RESINGEST_BIN", &bin)
        .env("WORKERS", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("pipeline: stopped"), "{stderr}");
}

/// The features a release build gets: the Dockerfile's `ARG FEATURES` default, checked to be
/// what every cargo line of it passes, and the Makefile's `build` recipe (none).
fn release_features() -> String {
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).expect("the Dockerfile");
    let features = dockerfile
        .lines()
        .find_map(|l| l.trim().strip_prefix("ARG FEATURES="))
        .expect("an ARG FEATURES= default in the Dockerfile")
        .trim_matches('"')
        .to_owned();
    let cargo_lines: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.contains("cargo build") || l.contains("cargo chef cook"))
        .collect();
    assert!(cargo_lines.len() >= 2, "{cargo_lines:?}");
    for line in cargo_lines {
        assert!(
            line.contains("--features \"${FEATURES}\"") && !line.contains("--all-features"),
            "a Dockerfile build line with features of its own: {line}"
        );
    }
    let makefile = std::fs::read_to_string(root().join("Makefile")).expect("the Makefile");
    let build: Vec<&str> = makefile
        .split("\nbuild:\n")
        .nth(1)
        .expect("a build target")
        .lines()
        .take_while(|l| l.starts_with('\t'))
        .collect();
    assert_eq!(
        build,
        ["\tcargo build --release -p resingest-cli"],
        "make build must build the binary with its default features only"
    );
    features
}

/// `cargo tree`, inverted on `krate`: which of the binary's normal (not dev) dependency edges
/// turn on which of its features.
fn feature_tree(krate: &str, features: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "-p",
            "resingest-cli",
            "-e",
            "features,normal",
            "-i",
            krate,
            "--features",
            features,
        ])
        .current_dir(root())
        .output()
        .expect("running cargo tree");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `RESINGEST_CHILD_FAILPOINT` and `RESINGEST_WORKER_FAILPOINT` are compiled in only with the
/// sandbox's and the worker's `failpoints` features (`#[cfg(feature = "failpoints")]`): a
/// release or Docker build must leave them out, however the workspace's tests (which turn them
/// on) are built.
#[test]
fn release_and_docker_builds_leave_out_the_failpoints_feature() {
    let features = release_features();
    assert!(!features.contains("failpoints"), "ARG FEATURES={features}");
    for krate in ["resingest-sandbox", "resingest-worker"] {
        let release = feature_tree(krate, &features);
        assert!(
            release.contains(&format!("{krate} feature \"default\"")),
            "{release}"
        );
        let on: Vec<&str> = release
            .lines()
            .filter(|l| l.contains("failpoints"))
            .collect();
        assert!(
            on.is_empty(),
            "the release build (features {features}) enables {krate}'s failpoints: {on:?}"
        );
        // The check sees the feature when it is on.
        let with = feature_tree(krate, &format!("{features},failpoints"));
        assert!(
            with.contains(&format!("{krate} feature \"failpoints\"")),
            "{with}"
        );
    }
}
