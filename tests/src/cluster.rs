//! A RabbitMQ cluster of its own on loopback ports, for the scenario that kills a node: each
//! node has its own name, ports, data folder and config (none of the machine's broker's), and
//! the nodes are joined into one cluster, so quorum queues get a member on each.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Node {
    pub name: String,
    pub amqp_port: u16,
    dir: PathBuf,
}

/// Started by [`Cluster::start`]; every node still running is stopped when it goes.
pub struct Cluster {
    pub nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

/// Runs `rabbitmqctl -n <node> args`; the output, or what went wrong.
pub fn ctl(node: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new("rabbitmqctl")
        .arg("-n")
        .arg(node)
        .args(args)
        .output()
        .map_err(|e| format!("running rabbitmqctl: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "rabbitmqctl -n {node} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// `rabbitmqctl -n <node> list_queues` of `vhost`: one tab-separated line per queue.
fn list_queues(node: &str, vhost: &str, columns: &[&str]) -> Result<String, String> {
    let mut args = vec!["-q", "--no-table-headers", "list_queues", "-p", vhost];
    args.extend_from_slice(columns);
    ctl(node, &args)
}

fn must(node: &str, args: &[&str]) -> String {
    ctl(node, args).unwrap_or_else(|e| panic!("{e}"))
}

impl Node {
    fn env(&self, cmd: &mut Command) {
        let d = &self.dir;
        cmd.env("RABBITMQ_NODENAME", &self.name)
            .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .env("RABBITMQ_NODE_PORT", self.amqp_port.to_string())
            .env("RABBITMQ_DIST_PORT", (self.amqp_port + 10_000).to_string())
            .env("RABBITMQ_CONFIG_FILE", d.join("rabbitmq.conf"))
            .env("RABBITMQ_CONF_ENV_FILE", d.join("rabbitmq-env.conf"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", d.join("enabled_plugins"))
            .env("RABBITMQ_MNESIA_BASE", d.join("mnesia"))
            .env("RABBITMQ_LOG_BASE", d.join("log"))
            .env("RABBITMQ_PID_FILE", d.join("pid"))
            .env("ERL_EPMD_ADDRESS", "127.0.0.1");
    }

    fn start(&self) {
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::write(
            self.dir.join("rabbitmq.conf"),
            format!(
                "listeners.tcp.local = 127.0.0.1:{}\nloopback_users.guest = true\n",
                self.amqp_port
            ),
        )
        .unwrap();
        std::fs::write(self.dir.join("rabbitmq-env.conf"), "").unwrap();
        std::fs::write(self.dir.join("enabled_plugins"), "[].\n").unwrap();
        std::fs::create_dir_all(self.dir.join("mnesia")).unwrap();
        std::fs::create_dir_all(self.dir.join("log")).unwrap();
        // Debian's rabbitmq-server, started as root, runs the node as the rabbitmq user: the
        // node's folders must be that user's.
        let _ = Command::new("chown")
            .args(["-R", "rabbitmq:rabbitmq"])
            .arg(&self.dir)
            .status();
        let mut cmd = Command::new("rabbitmq-server");
        cmd.arg("-detached");
        self.env(&mut cmd);
        let status = cmd.status().expect("running rabbitmq-server");
        assert!(
            status.success(),
            "rabbitmq-server -detached for {}",
            self.name
        );
    }

    fn await_startup(&self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            match ctl(&self.name, &["-q", "await_startup", "--timeout", "30"]) {
                Ok(_) => return,
                Err(e) => assert!(
                    Instant::now() < deadline,
                    "node {} did not start within {within:?}: {e}\n{}",
                    self.name,
                    self.log_tail()
                ),
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn log_tail(&self) -> String {
        let log = self.dir.join("log").join(format!("{}.log", self.name));
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// SIGKILLs the node's VM and waits until it is gone.
    pub fn kill(&self) {
        let pid = crate::faults::vm_pid(Some(&self.name)).unwrap_or_else(|e| panic!("{e}"));
        crate::faults::kill_vm(&pid, &self.name);
    }
}

impl Cluster {
    /// Starts `n` nodes on AMQP ports `base_port..base_port + n` and joins them to the first.
    pub fn start(n: usize, base_port: u16) -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("resingest-cluster-")
            .tempdir()
            .unwrap();
        // Readable by the rabbitmq user the nodes run as (tempdir makes it 0700).
        let _ = Command::new("chmod").arg("755").arg(dir.path()).status();
        let nodes: Vec<Node> = (0..n)
            .map(|i| Node {
                name: format!("resingest-c{}-{}@localhost", i + 1, base_port),
                amqp_port: base_port + i as u16,
                dir: dir.path().join(format!("n{}", i + 1)),
            })
            .collect();
        let cluster = Cluster { nodes, _dir: dir };
        for node in &cluster.nodes {
            node.start();
        }
        for node in &cluster.nodes {
            node.await_startup(Duration::from_secs(120));
        }
        let first = cluster.nodes[0].name.clone();
        for node in &cluster.nodes[1..] {
            must(&node.name, &["-q", "stop_app"]);
            must(&node.name, &["-q", "join_cluster", &first]);
            must(&node.name, &["-q", "start_app"]);
            node.await_startup(Duration::from_secs(60));
        }
        // Every node running as the first sees it: a quorum queue declared before that gets no
        // member on a node still joining, and could lose its majority with one node.
        let want = n.to_string();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let running = ctl(
                &first,
                &["-q", "eval", "length(rabbit_nodes:all_running())."],
            )
            .unwrap_or_default();
            if running.trim() == want {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{first} sees {running:?} running nodes, not {want}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        cluster
    }

    /// Waits until `vhost` has `want` replicated queues (quorum queues and streams) and each has
    /// a member on every node, growing them onto a node they lack (as an operator would after a
    /// node joined late); the queues' members.
    pub fn replicate_everywhere(&self, vhost: &str, want: usize, within: Duration) -> Vec<String> {
        let asker = &self.nodes[1].name;
        let deadline = Instant::now() + within;
        loop {
            let rows = list_queues(asker, vhost, &["name", "type", "members"])
                .unwrap_or_else(|e| panic!("{e}"));
            let replicated: Vec<&str> = rows
                .lines()
                .filter(|l| l.contains("\tquorum\t") || l.contains("\tstream\t"))
                .collect();
            let short: Vec<&&str> = replicated
                .iter()
                .filter(|l| !self.nodes.iter().all(|n| l.contains(&n.name)))
                .collect();
            if replicated.len() >= want && short.is_empty() {
                return replicated.iter().map(|l| l.to_string()).collect();
            }
            assert!(
                Instant::now() < deadline,
                "{want} replicated queues of {vhost} not on every node within {within:?}: \
                 {replicated:?}"
            );
            for node in &self.nodes {
                let _ = Command::new("rabbitmq-queues")
                    .args(["-n", &node.name, "-q", "grow", &node.name, "all"])
                    .output();
            }
            // A stream is not grown by `grow`: a replica per missing node.
            for line in short.iter().filter(|l| l.contains("\tstream\t")) {
                let name = line.split('\t').next().unwrap_or_default();
                for node in self.nodes.iter().filter(|n| !line.contains(&n.name)) {
                    let _ = Command::new("rabbitmq-streams")
                        .args([
                            "-n",
                            asker,
                            "-q",
                            "add_replica",
                            "-p",
                            vhost,
                            name,
                            &node.name,
                        ])
                        .output();
                }
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// What the surviving nodes say of `vhost`'s quorum queues (members, leader, Raft state)
    /// and the tail of their logs: printed when the scenario stalls, which is where a failover
    /// that did not happen shows.
    pub fn diagnose(&self, vhost: &str) -> String {
        let mut out = String::new();
        let alive: Vec<&Node> = self
            .nodes
            .iter()
            .filter(|n| crate::faults::vm_pid(Some(&n.name)).is_ok())
            .collect();
        let Some(asker) = alive.first() else {
            return "no node of the cluster is running".into();
        };
        let columns = ["name", "type", "leader", "members", "online", "messages"];
        let queues = list_queues(&asker.name, vhost, &columns).unwrap_or_else(|e| e);
        out.push_str(&format!("queues as {} sees them:\n{queues}\n", asker.name));
        for line in queues.lines().filter(|l| l.contains("\tquorum\t")) {
            let name = line.split('\t').next().unwrap_or_default();
            let status = Command::new("rabbitmq-queues")
                .args(["-n", &asker.name, "-q", "quorum_status", "-p", vhost, name])
                .output()
                .map(|o| {
                    format!(
                        "{}{}",
                        String::from_utf8_lossy(&o.stdout),
                        String::from_utf8_lossy(&o.stderr)
                    )
                })
                .unwrap_or_else(|e| e.to_string());
            out.push_str(&format!("quorum_status {name}:\n{status}\n"));
        }
        for node in alive {
            out.push_str(&format!("log of {}:\n{}\n", node.name, node.log_tail()));
        }
        out
    }

    /// The comma-separated AMQP bases of every node (`amqp://guest:guest@127.0.0.1:<port>`).
    pub fn amqp_bases(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("amqp://guest:guest@127.0.0.1:{}", n.amqp_port))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &self.nodes {
            if let Ok(pid) = crate::faults::vm_pid(Some(&node.name)) {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
        }
    }
}
