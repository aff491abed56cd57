//! `bench`: runs the benchmark and prints its Markdown table. See `--help` and
//! `BENCHMARKS.md`.

use anyhow::Context;
use bench::{BenchConfig, config::HELP, run::progress};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{HELP}");
        return Ok(());
    }
    let mut config = BenchConfig::from_args(&args)?;
    // The command line as run (`make bench` runs `target/release/bench --no-build ...`).
    config.command = std::iter::once(program_name())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    raise_open_file_limit();

    // On Ctrl-C the run's future is dropped as `select!` returns, and with it every process
    // handle, which kills what the bench started; only then does the bench exit.
    let outcome = tokio::select! {
        outcome = bench::run(&config) => Some(outcome),
        _ = tokio::signal::ctrl_c() => None,
    };
    let Some(outcome) = outcome else {
        progress("interrupted: stopped every process the bench started");
        std::process::exit(130);
    };
    let (report, outputs) = outcome.context("the benchmark failed")?;
    println!("{}", report.markdown());
    progress(&format!(
        "wrote {}, {} and {} in {:.0} s",
        outputs.json.display(),
        outputs.markdown.display(),
        outputs.chart.display(),
        report.wall_seconds
    ));
    Ok(())
}

/// The program as invoked, relative to the working directory when it is below it.
fn program_name() -> String {
    let program = std::env::args().next().unwrap_or_else(|| "bench".into());
    let relative = std::env::current_dir().ok().and_then(|dir| {
        std::path::Path::new(&program)
            .strip_prefix(dir)
            .ok()
            .map(|p| p.display().to_string())
    });
    relative.unwrap_or(program)
}

/// Many event streams at once need many sockets: lift the soft limit to the hard one.
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain libc calls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
