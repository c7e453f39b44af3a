//! `make chaos`: every scenario of the end-to-end and fault-injection suite at full size (or
//! the reduced CI size), one after another, printing the README's table as it goes. Exits 1
//! if any scenario lost, doubled or misplaced a document.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use resingest_e2e::{report, scenario, Scenario, Size};

#[derive(Parser)]
#[command(
    name = "chaos",
    about = "Run the end-to-end and fault-injection scenarios against RabbitMQ and PostgreSQL on \
             loopback and print lost / duplicated / dead-lettered counts per scenario. Stops and \
             starts the local PostgreSQL and RabbitMQ: run it on a machine of its own."
)]
struct Args {
    /// Only the scenarios whose name contains this (repeatable)
    #[arg(long)]
    only: Vec<String>,
    /// The small sizes CI runs instead of the full ones
    #[arg(long)]
    reduced: bool,
    /// Also write the table (markdown) here
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Run nothing: put the table of --from (a previous --out) into this README, verbatim,
    /// between its chaos.md markers
    #[arg(long, requires = "from")]
    readme: Option<std::path::PathBuf>,
    /// With --readme: the table to put in
    #[arg(long)]
    from: Option<std::path::PathBuf>,
}

/// `--readme`: README.md's table rewritten from `from`.
fn rewrite_readme(readme: &std::path::Path, from: &std::path::Path) -> Result<(), String> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()))
    };
    let spliced = report::splice_readme(&read(readme)?, &read(from)?)?;
    std::fs::write(readme, spliced).map_err(|e| format!("writing {}: {e}", readme.display()))
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let (Some(readme), Some(from)) = (&args.readme, &args.from) {
        return match rewrite_readme(readme, from) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("chaos: {e}");
                ExitCode::from(2)
            }
        };
    }
    let size = if args.reduced {
        Size::Reduced
    } else {
        Size::Full
    };
    let chosen: Vec<Scenario> = Scenario::all(size)
        .into_iter()
        .filter(|s| args.only.is_empty() || args.only.iter().any(|o| s.name.contains(o.as_str())))
        .collect();
    if chosen.is_empty() {
        eprintln!("chaos: no scenario matches {:?}", args.only);
        return ExitCode::from(2);
    }
    let mut table = report::header();
    let mut details = String::new();
    print!("{table}");
    let mut failed = 0;
    for s in &chosen {
        eprintln!("chaos: running {:?} ...", s.name);
        let o = scenario::run(s);
        let row = report::row(&o);
        print!("{row}");
        let _ = std::io::stdout().flush();
        table.push_str(&row);
        details.push_str(&report::details(&o));
        if !o.clean() {
            failed += 1;
            eprintln!(
                "chaos: {} FAILED: {:#?}\nproblems: {:#?}\nlogs: {:?}",
                o.name, o.counts, o.problems, o.kept_logs
            );
        }
    }
    println!("\n{details}");
    if let Some(path) = args.out {
        std::fs::write(&path, format!("{table}\n{details}")).expect("writing --out");
    }
    if failed > 0 {
        eprintln!("chaos: {failed} scenario(s) failed");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
