//! The chat UI in a real browser: Debian's Chromium, driven by `playwright-core` from
//! `frontend/e2e/trip.e2e.mjs`, against the real api (serving the built UI), the worker
//! binary, the demo model and a Temporal dev server. It books the whole trip by typing and
//! clicking Confirm three times, checks the invoice link, takes the screenshot the README
//! shows, and checks that markup in an agent message renders as text.

use std::{path::Path, process::Command};

use testkit::{ApiProcess, Stack, workspace_root};

#[tokio::test]
async fn whole_trip_in_chromium_with_the_demo_model() {
    let root = workspace_root();
    let frontend = root.join("frontend");
    require(
        &frontend.join("dist/index.html"),
        "the UI is not built: (cd frontend && npm install && npm run build)",
    );
    require(
        &frontend.join("node_modules/playwright-core"),
        "frontend packages are missing: (cd frontend && npm install)",
    );
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    require(
        Path::new(&chromium),
        "Chromium is missing: scripts/install-browser.sh installs Debian's chromium",
    );

    let stack = Stack::demo("browser").await;
    let dist = frontend.join("dist");
    let api = ApiProcess::start(
        &stack.address,
        &stack.task_queue,
        &[("FRONTEND_DIST", dist.to_str().unwrap())],
    )
    .await
    .expect("the api starts");

    let screenshots = root.join("test-output/e2e");
    std::fs::create_dir_all(&screenshots).unwrap();
    let _ = std::fs::remove_file(screenshots.join("trip.png"));
    let output = tokio::task::spawn_blocking({
        let frontend = frontend.clone();
        let base_url = api.base_url();
        let screenshots = screenshots.clone();
        move || {
            Command::new("node")
                .arg("e2e/trip.e2e.mjs")
                .current_dir(frontend)
                .env("BASE_URL", base_url)
                .env("SCREENSHOT_DIR", screenshots)
                .env("CHROMIUM_PATH", chromium)
                .output()
                .expect("node runs")
        }
    })
    .await
    .unwrap();

    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the browser run failed:\n{log}\n{}\n{}",
        api.process.log_tail(30),
        stack.worker_log()
    );
    assert!(log.contains("CreateInvoice"), "{log}");
    assert!(
        screenshots.join("trip.png").exists(),
        "no screenshot in {}",
        screenshots.display()
    );
}

fn require(path: &Path, hint: &str) {
    assert!(path.exists(), "{} not found: {hint}", path.display());
}
