//! The repository stands alone and stays clean: the UI's lockfile is complete and in step
//! with `package.json` (so `npm ci` installs from it and nothing rewrites it), and every
//! document the code and docs cite is in the repository.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde_json::Value;
use testkit::workspace_root;

/// Folders that hold no sources of ours.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "target",
    "node_modules",
    ".tools",
    ".data",
    "dist",
    "bench-results",
    "e2e-artifacts",
];

/// Extensions of the files we write by hand.
const TEXT_FILES: &[&str] = &[
    "rs", "md", "ts", "tsx", "mjs", "js", "sh", "toml", "yml", "yaml", "json", "css", "html",
];

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Where npm would find `name` for the package installed at `from` (`node_modules/a/...`):
/// its own `node_modules`, then each enclosing one, up to the top.
fn resolves(packages: &serde_json::Map<String, Value>, from: &str, name: &str) -> bool {
    let mut base = from.to_owned();
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{base}/node_modules/{name}")
        };
        if packages.contains_key(&candidate) {
            return true;
        }
        if base.is_empty() {
            return false;
        }
        base = match base.rfind("/node_modules/") {
            Some(at) => base[..at].to_owned(),
            None => String::new(),
        };
    }
}

#[test]
fn ui_lockfile_is_complete_and_matches_package_json() {
    let frontend = workspace_root().join("frontend");
    let manifest = read_json(&frontend.join("package.json"));
    let lock = read_json(&frontend.join("package-lock.json"));
    assert_eq!(lock["lockfileVersion"], 3, "npm's current lockfile format");
    let packages = lock["packages"].as_object().expect("lockfile packages");

    // In step: what package.json asks for is what the lockfile pins (versions are exact).
    for section in ["dependencies", "devDependencies"] {
        let wanted = manifest[section].as_object().cloned().unwrap_or_default();
        let locked_root = packages[""][section]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            wanted, locked_root,
            "package.json's {section} differ from the lockfile's: run `npm install` and commit both"
        );
        for (name, version) in &wanted {
            let entry = &packages[&format!("node_modules/{name}")];
            assert_eq!(
                &entry["version"], version,
                "{name}: package.json wants {version}, the lockfile has {}",
                entry["version"]
            );
        }
    }

    // Complete: every optional (platform) package any package names is locked, for every
    // platform, which `npm ci` requires; otherwise an install rewrites the file.
    let mut missing = Vec::new();
    for (path, entry) in packages {
        for section in ["dependencies", "optionalDependencies"] {
            let Some(dependencies) = entry[section].as_object() else {
                continue;
            };
            for name in dependencies.keys() {
                if !resolves(packages, path, name) {
                    missing.push(format!("{path} -> {name}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the lockfile lacks packages npm ci needs (run `npm install` on a full registry and commit): {missing:#?}"
    );
}

#[test]
fn project_scripts_install_ui_packages_without_rewriting_the_lockfile() {
    let root = workspace_root();
    for file in [
        "scripts/run.sh",
        "scripts/install-browser.sh",
        "scripts/test.sh",
        "Makefile",
        "Dockerfile",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            !text.contains("npm install") && !text.contains("npm i "),
            "{file} runs `npm install`, which rewrites package-lock.json; use scripts/install-ui-packages.sh (npm ci)"
        );
    }
    let installer = std::fs::read_to_string(root.join("scripts/install-ui-packages.sh")).unwrap();
    assert!(installer.contains("npm ci"));
}

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                source_files(&path, found);
            }
        } else if name == "package-lock.json" {
            continue;
        } else if name == "Makefile"
            || name == "Dockerfile"
            || name == ".env.example"
            || path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| TEXT_FILES.contains(&e))
        {
            found.push(path);
        }
    }
}

/// Relative paths a Markdown link points at: `[text](path)`, without URLs and anchors.
fn markdown_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or_default().trim();
        if !target.is_empty()
            && !target.contains("://")
            && !target.starts_with("mailto:")
            && !target.contains(' ')
        {
            links.push(target.to_owned());
        }
        rest = &rest[end..];
    }
    links
}

/// `docs/ARCHITECTURE.md`-style mentions of the repository's own documents.
fn cited_documents(text: &str) -> Vec<String> {
    let mut cited = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("docs/") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-".contains(c)))
            .unwrap_or(tail.len());
        let path = tail[..end].trim_end_matches('.');
        if path.ends_with(".md") {
            cited.push(path.to_owned());
        }
        rest = &tail[end.max(1)..];
    }
    cited
}

#[test]
fn the_repository_cites_only_documents_it_contains() {
    let root = workspace_root();
    let mut files = Vec::new();
    source_files(&root, &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let this_file = root.join("crates/e2e/tests/repository.rs");
    let mut problems = BTreeMap::new();
    for file in files.iter().filter(|f| **f != this_file) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let mut complain = |problem: String| {
            problems
                .entry(shown.clone())
                .or_insert_with(Vec::new)
                .push(problem)
        };
        for outside in ["SPEC §", "SPEC.md", "../shared/"] {
            if text.contains(outside) {
                complain(format!("cites {outside:?}, which is not in the repository"));
            }
        }
        for document in cited_documents(&text) {
            if !root.join(&document).exists() {
                complain(format!("cites {document}, which does not exist"));
            }
        }
        if file.extension().is_some_and(|e| e == "md") {
            let dir = file.parent().unwrap();
            for link in markdown_links(&text) {
                if !dir.join(&link).exists() {
                    complain(format!("links to {link}, which does not exist"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
