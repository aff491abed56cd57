//! Finding the programs tests run: the Temporal CLI and this workspace's binaries.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
    sync::{Mutex, OnceLock},
};

/// The workspace root (where the top `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("testkit lives at <root>/crates/testkit")
        .to_path_buf()
}

/// The Temporal CLI: `$TEMPORAL_CLI`, or the copy `scripts/install-temporal.sh` installs.
/// Panics when neither is there (tests run after the test script installed it).
pub fn temporal_cli() -> PathBuf {
    find_temporal_cli().expect(
        "the Temporal CLI is not installed: run scripts/install-temporal.sh (or set TEMPORAL_CLI)",
    )
}

/// [`temporal_cli`], or `None` when it is not installed yet.
pub fn find_temporal_cli() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TEMPORAL_CLI") {
        return Some(PathBuf::from(path));
    }
    let installed = workspace_root().join(".tools/venv/bin/temporal");
    installed.exists().then_some(installed)
}

/// A binary of this workspace, built on first use so tests in any crate can run the real
/// `worker` or `api`.
///
/// The build runs exactly like the test script's `cargo build --workspace --bins`, in a clean
/// environment: the variables `cargo test` sets for test processes would otherwise change
/// the build's fingerprints and force a full rebuild. After the script's build it is a no-op.
pub fn cargo_binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap();
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let root = workspace_root();
    // The test script builds every binary first and sets TESTKIT_SKIP_BUILD.
    if std::env::var_os("TESTKIT_SKIP_BUILD").is_none() {
        build_workspace_binaries(&root);
    }
    let path = target_dir().join("debug").join(name);
    assert!(path.exists(), "{} was not built", path.display());
    built.insert(name.to_owned(), path.clone());
    path
}

/// Where cargo puts this workspace's builds: `$CARGO_TARGET_DIR`, or `<root>/target`.
/// A release build of a binary is `target_dir().join("release").join(name)`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn build_workspace_binaries(root: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--workspace", "--bins"])
        .current_dir(root)
        .env_clear();
    for variable in [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_TARGET_DIR",
        "TMPDIR",
    ] {
        if let Some(value) = std::env::var_os(variable) {
            command.env(variable, value);
        }
    }
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "cargo build --workspace --bins failed");
}
