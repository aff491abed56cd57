//! The chat UI in a real browser: Debian's Chromium, driven by `playwright-core`, from
//! `frontend/e2e/trip.e2e.mjs`, against the real api (serving the built UI), the worker
//! binary, the demo model and a Temporal dev server. It books the whole trip by typing and
//! clicking Confirm three times, checks the invoice link, takes the screenshot the README
//! shows, and checks that markup in an agent message renders as text.

use e2e::{browser_prerequisites, run_browser_script};
use testkit::{ApiProcess, Stack, workspace_root};

#[tokio::test]
async fn whole_trip_in_chromium_with_the_demo_model() {
    let root = workspace_root();
    let frontend = root.join("frontend");
    let chromium = browser_prerequisites(&frontend);

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
    let run = tokio::task::spawn_blocking({
        let base_url = api.base_url();
        let screenshots = screenshots.clone();
        move || {
            run_browser_script(
                &frontend,
                "e2e/trip.e2e.mjs",
                &base_url,
                &screenshots,
                &chromium,
            )
        }
    })
    .await
    .unwrap();

    let log = run.log;
    assert!(
        run.success,
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
