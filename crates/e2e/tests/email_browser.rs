//! The Email page in a real browser: Debian's Chromium, driven by `playwright-core`, from
//! `frontend/e2e/email.e2e.mjs`, against the real api (serving the built UI), the worker
//! binary, the demo model, a Temporal dev server and the keyless outbox in a temporary
//! folder. The script saves a draft and finds it again after a reload, schedules an email
//! and cancels it, then schedules another a few seconds ahead and sees it sent; this test
//! then checks the outbox holds exactly that one email.
//!
//! `email_polish.e2e.mjs` checks what a person sees on the page, on a desktop and a 390×844
//! phone: no Cancel on an empty email, a request kept over an immediate reload, the reply shown
//! once and in view, "Write a new email" in view, and no serious or critical axe-core
//! violation; the email it schedules is canceled, so the outbox stays empty.

use std::path::{Path, PathBuf};

use e2e::{browser_prerequisites, run_browser_script};
use testkit::{
    ApiProcess, Stack,
    demo_llm::{Config, LlmServer},
    workspace_root,
};

/// What one run of an Email page script left behind.
struct EmailRun {
    outbox: PathBuf,
    screenshots: PathBuf,
    log: String,
}

/// Runs `frontend/<script>` in Chromium against the api, a worker (delivering to an outbox
/// of its own) and the demo model; panics with the script's output and the servers' logs
/// when it fails.
async fn run_email_script(name: &str, script: &str) -> EmailRun {
    let root = workspace_root();
    let frontend = root.join("frontend");
    let chromium = browser_prerequisites(&frontend);

    let outbox = std::env::temp_dir().join(format!("{name}-outbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outbox);
    let llm = LlmServer::start(Config::default())
        .await
        .expect("LLM server");
    let stack = Stack::start(name, llm, &[("EMAIL_OUTBOX_DIR", outbox.to_str().unwrap())]).await;
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
    let run = tokio::task::spawn_blocking({
        let base_url = api.base_url();
        let screenshots = screenshots.clone();
        let script = script.to_owned();
        move || run_browser_script(&frontend, &script, &base_url, &screenshots, &chromium, &[])
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
    assert!(log.contains("PASS"), "{log}");
    EmailRun {
        outbox,
        screenshots,
        log,
    }
}

#[tokio::test]
async fn draft_survives_a_reload_and_emails_are_canceled_or_sent_in_chromium() {
    let run = run_email_script("email-browser", "e2e/email.e2e.mjs").await;

    // The page showed the second email sent, so its file is there; the canceled one never
    // reached the outbox.
    let sent = emails_in(&run.outbox);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let message = &sent[0];
    assert!(message.contains("bo@example.com"), "{message}");
    assert!(!message.contains("ana@example.com"), "{message}");
    let _ = std::fs::remove_dir_all(&run.outbox);
}

#[tokio::test]
async fn the_email_reply_shows_once_requests_survive_a_reload_and_axe_passes_in_chromium() {
    let run = run_email_script("email-polish", "e2e/email_polish.e2e.mjs").await;
    for shot in ["email-polish.png", "email-polish-phone.png"] {
        assert!(
            run.screenshots.join(shot).exists(),
            "no {shot}: {}",
            run.log
        );
    }
    // The only email scheduled was canceled.
    assert!(emails_in(&run.outbox).is_empty());
    let _ = std::fs::remove_dir_all(&run.outbox);
}

/// The `.eml` files in `outbox`, as text.
fn emails_in(outbox: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .map(|path| std::fs::read_to_string(path).expect("an outbox file reads"))
        .collect()
}
