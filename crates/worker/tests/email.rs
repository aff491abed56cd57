//! The email assistant end to end: a real dev server, the real worker binary, our LLM
//! server (scripted, or its keyless demo), and a loopback SMTP sink or the outbox folder.
//! Each test drives one `EmailAgentWorkflow` through its updates and query, and checks what
//! actually left the worker: the messages the sink received, or the `.eml` files written.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use fakes::{FakeSmtp, SmtpMessage};
use models::{EmailStatus, EmailView, EmailWorkflowInput};
use serde_json::{Value, json};
use temporalio_client::{
    Client, WorkflowExecuteUpdateOptions, WorkflowFetchHistoryOptions, WorkflowGetResultOptions,
    WorkflowHandle, WorkflowQueryOptions, WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::history::v1::{
    HistoryEvent, history_event::Attributes,
};
use testkit::{
    Stack,
    demo_llm::{Config, LlmServer, Rule, Step},
    wait_until,
};
use workflows::EmailAgentWorkflow;

const SENDER: &str = "Assistant <assistant@example.com>";

/// A fresh empty folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "email-test-{}-{name}-{}",
            std::process::id(),
            unix_now()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir");
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What the scripted assistant answers to a request containing `request_contains`.
fn answer(request_contains: &str, reply: Value) -> Rule {
    Rule::reply(reply)
        .step(Step::Email)
        .prompt_contains(request_contains)
        .times(1)
}

/// A complete email to Ana, sent at `send_time` (a Unix time or the user's words).
fn lunch_email(send_time: Value) -> Value {
    json!({
        "recipient": "ana@example.com",
        "subject": "Lunch on Friday",
        "body": "Hi Ana,\n\nShall we have lunch on Friday?\n\nBest,\nBo",
        "send_time": send_time,
        "cancel": false,
        "response": "Here is your email to Ana."
    })
}

/// Worker settings that deliver through `sink`, keeping receipts in `receipts`.
fn smtp_env(sink: &FakeSmtp, receipts: &Path) -> Vec<(String, String)> {
    vec![
        ("SMTP_HOST".into(), sink.host().to_owned()),
        ("SMTP_PORT".into(), sink.port().to_string()),
        ("SMTP_TLS".into(), "none".into()),
        ("SMTP_FROM".into(), SENDER.into()),
        ("EMAIL_OUTBOX_DIR".into(), receipts.display().to_string()),
    ]
}

/// Worker settings for the keyless outbox in `dir` (and no SMTP, whatever the environment).
fn outbox_env(dir: &Path) -> Vec<(String, String)> {
    vec![
        ("SMTP_HOST".into(), String::new()),
        ("EMAIL_OUTBOX_DIR".into(), dir.display().to_string()),
    ]
}

/// A worker with `env`; each test scripts the assistant with `stack.llm.set_rules` right
/// before the request, so send times a few seconds ahead are computed when they are used.
async fn scripted(name: &str, env: &[(String, String)]) -> Stack {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Stack::scripted(name, Vec::new(), &env).await
}

/// One email workflow and the client that drives it.
struct Email {
    client: Client,
    id: String,
}

impl Email {
    async fn start(stack: &Stack, name: &str) -> Self {
        let id = format!("{}-{name}", stack.name);
        let input = EmailWorkflowInput {
            time_zone: Some("Europe/Berlin".into()),
            carried: None,
        };
        stack
            .client
            .start_workflow(
                EmailAgentWorkflow::run,
                input,
                WorkflowStartOptions::new(stack.task_queue.as_str(), id.as_str()).build(),
            )
            .await
            .expect("the email starts");
        Self {
            client: stack.client.clone(),
            id,
        }
    }

    fn handle(&self) -> WorkflowHandle<Client, EmailAgentWorkflow> {
        self.client
            .get_workflow_handle::<EmailAgentWorkflow>(&self.id)
    }

    /// The events of the email's (latest) run, as the Web UI shows them.
    async fn events(&self) -> Vec<HistoryEvent> {
        self.handle()
            .fetch_history(WorkflowFetchHistoryOptions::default())
            .into_events()
            .await
            .expect("the email's history")
    }

    async fn describe(&self) -> anyhow::Result<EmailView> {
        Ok(self
            .handle()
            .query(
                EmailAgentWorkflow::describe,
                (),
                WorkflowQueryOptions::default(),
            )
            .await?)
    }

    async fn wait_for(&self, what: &str, done: impl Fn(&EmailView) -> bool) -> EmailView {
        wait_until(what, Duration::from_secs(60), || async {
            match self.describe().await {
                Ok(view) if done(&view) => (Some(view), String::new()),
                Ok(view) => (None, format!("{view:#?}")),
                Err(err) => (None, format!("query failed: {err:#}")),
            }
        })
        .await
    }

    async fn wait_for_status(&self, status: EmailStatus) -> EmailView {
        self.wait_for(&format!("status {status}"), |v| v.status == status)
            .await
    }

    /// Sends a request once the email takes one, and waits for the assistant's answer.
    async fn request(&self, text: &str) -> EmailView {
        let before = self
            .wait_for("the email to take requests", |v| {
                v.status.accepts_requests()
            })
            .await;
        self.handle()
            .execute_update(
                EmailAgentWorkflow::send_request,
                text.to_owned(),
                WorkflowExecuteUpdateOptions::default(),
            )
            .await
            .expect("the request is taken");
        let replies = before.messages.messages.len() + 2;
        self.wait_for("the assistant's answer", |v| {
            v.messages.messages.len() >= replies && v.status != EmailStatus::Processing
        })
        .await
    }

    async fn cancel(&self) -> EmailStatus {
        self.handle()
            .execute_update(
                EmailAgentWorkflow::cancel,
                (),
                WorkflowExecuteUpdateOptions::default(),
            )
            .await
            .expect("the cancel is taken")
    }

    /// The workflow's final view, or its failure as text.
    async fn result(&self) -> Result<EmailView, String> {
        self.handle()
            .get_result(WorkflowGetResultOptions::default())
            .await
            .map_err(|err| format!("{err:?}"))
    }
}

fn received_at_unix(message: &SmtpMessage) -> f64 {
    message
        .received_at
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn eml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Nothing more arrives at `sink` for `quiet`.
async fn assert_no_more(sink: &FakeSmtp, count: usize, quiet: Duration) {
    tokio::time::sleep(quiet).await;
    assert_eq!(
        sink.messages().len(),
        count,
        "no further message: {:#?}",
        sink.messages()
    );
}

#[tokio::test]
async fn an_email_scheduled_three_seconds_ahead_arrives_once_at_its_time() {
    let sink = FakeSmtp::start().await.expect("SMTP sink");
    let receipts = TempDir::new("on-time");
    let stack = scripted("email-on-time", &smtp_env(&sink, receipts.path())).await;
    let email = Email::start(&stack, "one").await;
    email.wait_for_status(EmailStatus::Waiting).await;

    let send_at = unix_now() + 3;
    stack
        .llm
        .set_rules(vec![answer("lunch", lunch_email(json!(send_at)))]);
    let scheduled = email
        .request("Write to ana@example.com about lunch on Friday, send it in 3 seconds")
        .await;
    assert_eq!(scheduled.status, EmailStatus::Scheduled, "{scheduled:#?}");
    assert_eq!(scheduled.scheduled_at, Some(send_at));
    assert_eq!(scheduled.recipient.as_deref(), Some("ana@example.com"));
    assert!(sink.messages().is_empty(), "nothing before the time");

    let messages = sink
        .wait_for(1, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("the email arrives; worker log:\n{}", stack.worker_log()));
    let message = &messages[0];
    assert!(
        received_at_unix(message) >= send_at as f64,
        "sent at or after the time: {} < {send_at}",
        received_at_unix(message)
    );
    assert_eq!(message.from, "assistant@example.com");
    assert_eq!(message.to, ["ana@example.com"]);
    assert_eq!(message.header("To").as_deref(), Some("ana@example.com"));
    assert_eq!(
        message.header("Subject").as_deref(),
        Some("Lunch on Friday")
    );
    assert!(
        message
            .header("From")
            .unwrap()
            .contains("assistant@example.com"),
        "{:?}",
        message.header("From")
    );
    assert!(message.header("Message-ID").is_some());
    assert!(
        message.body().contains("Shall we have lunch on Friday?"),
        "{}",
        message.data
    );

    let sent = email.result().await.expect("the workflow completes");
    assert_eq!(sent.status, EmailStatus::Sent);
    let receipt = sent.receipt.expect("a receipt");
    assert_eq!(
        receipt.message_id.trim_matches(['<', '>']),
        message
            .header("Message-ID")
            .unwrap()
            .trim_matches(['<', '>'])
    );
    assert_no_more(&sink, 1, Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_revision_before_the_timer_fires_sends_only_the_revised_email_at_the_new_time() {
    let sink = FakeSmtp::start().await.expect("SMTP sink");
    let receipts = TempDir::new("revise");
    let stack = scripted("email-revise", &smtp_env(&sink, receipts.path())).await;
    let email = Email::start(&stack, "one").await;
    email.wait_for_status(EmailStatus::Waiting).await;

    let first_at = unix_now() + 5;
    let revised_at = unix_now() + 8;
    let revised = json!({
        "recipient": null,
        "subject": "Dinner on Friday",
        "body": "Hi Ana,\n\nShall we have dinner on Friday instead?\n\nBest,\nBo",
        "send_time": revised_at,
        "cancel": false,
        "response": "Changed it to dinner."
    });
    stack.llm.set_rules(vec![
        answer("lunch", lunch_email(json!(first_at))),
        answer("dinner", revised),
    ]);

    email
        .request("Write to ana@example.com about lunch, send it in 5 seconds")
        .await;
    let view = email
        .request("Make it dinner instead, and send it a bit later")
        .await;
    assert_eq!(view.status, EmailStatus::Scheduled, "{view:#?}");
    assert_eq!(view.scheduled_at, Some(revised_at));
    assert_eq!(view.subject.as_deref(), Some("Dinner on Friday"));
    assert_eq!(view.recipient.as_deref(), Some("ana@example.com"), "kept");

    let messages = sink
        .wait_for(1, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("the email arrives; worker log:\n{}", stack.worker_log()));
    let message = &messages[0];
    assert!(
        received_at_unix(message) >= revised_at as f64,
        "sent at the new time, not the first: {} < {revised_at}",
        received_at_unix(message)
    );
    assert_eq!(
        message.header("Subject").as_deref(),
        Some("Dinner on Friday")
    );
    assert!(message.body().contains("dinner"), "{}", message.data);
    assert_eq!(email.result().await.unwrap().status, EmailStatus::Sent);
    assert_no_more(&sink, 1, Duration::from_secs(2)).await;

    // The Web UI shows the wait as a named timer, and the revision as an update that
    // interrupted it: two timers, the first canceled, both saying until when.
    let events = email.events().await;
    let timers: Vec<String> = events
        .iter()
        .filter(|e| {
            matches!(
                e.attributes,
                Some(Attributes::TimerStartedEventAttributes(_))
            )
        })
        .map(summary)
        .collect();
    assert_eq!(timers.len(), 2, "{timers:?}");
    assert!(
        timers
            .iter()
            .all(|t| t.starts_with("Wait until ") && t.contains("(Europe/Berlin)")),
        "{timers:?}"
    );
    let canceled = events
        .iter()
        .filter(|e| {
            matches!(
                e.attributes,
                Some(Attributes::TimerCanceledEventAttributes(_))
            )
        })
        .count();
    assert_eq!(canceled, 1, "the revision interrupted the first timer");
    let updates: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(a)) => a
                .accepted_request
                .as_ref()
                .and_then(|r| r.input.as_ref())
                .map(|i| i.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(updates, ["send_request", "send_request"]);
}

/// An event's summary (its user metadata), as the Web UI prints it.
fn summary(event: &HistoryEvent) -> String {
    let payload = event
        .user_metadata
        .as_ref()
        .and_then(|m| m.summary.as_ref())
        .unwrap_or_else(|| panic!("event {} has no summary", event.event_id));
    serde_json::from_slice(&payload.data).expect("a JSON string summary")
}

#[tokio::test]
async fn canceling_a_scheduled_email_sends_nothing() {
    let sink = FakeSmtp::start().await.expect("SMTP sink");
    let receipts = TempDir::new("cancel");
    let stack = scripted("email-cancel", &smtp_env(&sink, receipts.path())).await;
    let email = Email::start(&stack, "one").await;
    email.wait_for_status(EmailStatus::Waiting).await;
    let send_at = unix_now() + 3;
    stack
        .llm
        .set_rules(vec![answer("lunch", lunch_email(json!(send_at)))]);
    let scheduled = email
        .request("Write to ana@example.com about lunch, send it in 3 seconds")
        .await;
    assert_eq!(scheduled.status, EmailStatus::Scheduled);

    assert_eq!(email.cancel().await, EmailStatus::Canceled);
    let canceled = email.result().await.expect("the workflow completes");
    assert_eq!(canceled.status, EmailStatus::Canceled);
    assert!(canceled.receipt.is_none());
    // Well past the send time: still nothing.
    let wait = (send_at - unix_now() + 2).max(1) as u64;
    assert_no_more(&sink, 0, Duration::from_secs(wait)).await;
    assert_eq!(sink.connections(), 0, "the worker never even connected");
}

#[tokio::test]
async fn a_worker_killed_while_the_timer_runs_sends_once_after_it_comes_back() {
    let sink = FakeSmtp::start().await.expect("SMTP sink");
    let receipts = TempDir::new("killed");
    let mut stack = scripted("email-killed", &smtp_env(&sink, receipts.path())).await;
    let email = Email::start(&stack, "one").await;
    email.wait_for_status(EmailStatus::Waiting).await;
    let send_at = unix_now() + 5;
    stack
        .llm
        .set_rules(vec![answer("lunch", lunch_email(json!(send_at)))]);
    let scheduled = email
        .request("Write to ana@example.com about lunch, send it in 5 seconds")
        .await;
    assert_eq!(scheduled.status, EmailStatus::Scheduled);

    // SIGKILL while the durable timer runs; stay down until after the send time.
    stack.worker.kill().await;
    let down_until = send_at + 2;
    tokio::time::sleep(Duration::from_secs((down_until - unix_now()).max(0) as u64)).await;
    assert!(
        sink.messages().is_empty(),
        "nobody sends while no worker runs"
    );

    stack.restart_worker(&[]).await;
    let messages = sink
        .wait_for(1, Duration::from_secs(90))
        .await
        .unwrap_or_else(|| panic!("the email arrives; worker log:\n{}", stack.worker_log()));
    assert!(received_at_unix(&messages[0]) >= down_until as f64);
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Lunch on Friday")
    );
    assert_eq!(email.result().await.unwrap().status, EmailStatus::Sent);
    assert_no_more(&sink, 1, Duration::from_secs(3)).await;
}

#[tokio::test]
async fn without_smtp_the_email_is_written_to_the_outbox_as_one_eml_file() {
    let outbox = TempDir::new("outbox");
    let stack = scripted("email-outbox", &outbox_env(outbox.path())).await;
    let email = Email::start(&stack, "one").await;
    let waiting = email.wait_for_status(EmailStatus::Waiting).await;
    let setup = waiting.setup.expect("delivery was checked");
    assert_eq!(serde_json::to_value(setup.channel).unwrap(), "outbox");
    let send_at = unix_now() + 2;
    stack
        .llm
        .set_rules(vec![answer("lunch", lunch_email(json!(send_at)))]);

    email
        .request("Write to ana@example.com about lunch, send it in 2 seconds")
        .await;
    let sent = email.result().await.expect("the workflow completes");
    assert_eq!(sent.status, EmailStatus::Sent, "{sent:#?}");
    let files = eml_files(outbox.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("To: ana@example.com"), "{text}");
    assert!(text.contains("Subject: Lunch on Friday"), "{text}");
    assert!(text.contains("Shall we have lunch on Friday?"), "{text}");
    let receipt = sent.receipt.expect("a receipt");
    assert_eq!(Path::new(&receipt.location), files[0].as_path());
    assert!(receipt.delivered_at >= send_at);
}

#[tokio::test]
async fn without_any_way_to_send_the_email_fails_at_once_with_the_reason() {
    // SMTP asked for, but no sender address: the worker cannot deliver.
    let stack = scripted(
        "email-no-way",
        &[
            ("SMTP_HOST".into(), "127.0.0.1".into()),
            ("SMTP_FROM".into(), String::new()),
        ],
    )
    .await;
    let email = Email::start(&stack, "one").await;
    let failure = email.result().await.expect_err("the workflow fails");
    assert!(failure.contains("SMTP_FROM"), "{failure}");
    let view = email
        .describe()
        .await
        .expect("a failed email still answers");
    assert_eq!(view.status, EmailStatus::Failed);
    let reason = view.failure.expect("the reason");
    assert!(reason.starts_with("No way to send email"), "{reason}");
    assert!(reason.contains("SMTP_FROM is not set"), "{reason}");
    assert!(stack.llm.requests().is_empty(), "it never asked the model");
}

#[tokio::test]
async fn past_or_unreadable_times_get_a_question_and_nothing_is_scheduled() {
    let outbox = TempDir::new("bad-times");
    let stack = scripted("email-bad-times", &outbox_env(outbox.path())).await;
    stack.llm.set_rules(vec![
        answer("2020", lunch_email(json!("2020-01-06T09:00"))),
        answer("purple", lunch_email(json!("when the moon is purple"))),
        answer("tomorrow", lunch_email(json!("tomorrow 9am"))),
    ]);
    let email = Email::start(&stack, "one").await;

    let past = email
        .request("Write to ana@example.com about lunch, send it on 2020-01-06 at 9")
        .await;
    assert_eq!(past.status, EmailStatus::Waiting, "{past:#?}");
    assert_eq!(past.scheduled_at, None);
    let reply = past.reply.unwrap();
    assert!(reply.contains("already passed"), "{reply}");
    assert!(reply.contains("When should it go out?"), "{reply}");
    assert_eq!(past.recipient.as_deref(), Some("ana@example.com"));

    let nonsense = email.request("Send it when the moon is purple").await;
    assert_eq!(nonsense.status, EmailStatus::Waiting);
    assert_eq!(nonsense.scheduled_at, None);
    let reply = nonsense.reply.unwrap();
    assert!(reply.contains("couldn't work out"), "{reply}");

    // A readable time schedules it.
    let tomorrow = email.request("Send it tomorrow at 9").await;
    assert_eq!(tomorrow.status, EmailStatus::Scheduled, "{tomorrow:#?}");
    let at = tomorrow.scheduled_at.unwrap();
    assert!(at > unix_now() && at < unix_now() + 2 * 86_400, "{at}");
    assert!(
        tomorrow.scheduled_at_text.unwrap().contains("09:00"),
        "9am in the user's zone"
    );
    email.cancel().await;
    assert_eq!(email.result().await.unwrap().status, EmailStatus::Canceled);
    assert!(eml_files(outbox.path()).is_empty());
}

#[tokio::test]
async fn the_keyless_demo_assistant_writes_and_schedules_a_typical_request() {
    let outbox = TempDir::new("demo");
    let llm = LlmServer::start(Config::default()).await.expect("demo LLM");
    let env = outbox_env(outbox.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let stack = Stack::start("email-demo", llm, &env).await;
    let email = Email::start(&stack, "one").await;

    let view = email
        .request(
            "Write an email to ana@example.com about lunch on Friday at noon, send it tomorrow 9am",
        )
        .await;
    assert_eq!(view.status, EmailStatus::Scheduled, "{view:#?}");
    assert_eq!(view.recipient.as_deref(), Some("ana@example.com"));
    let body = view.body.clone().unwrap_or_default();
    assert!(body.to_lowercase().contains("lunch"), "{body}");
    assert!(view.subject.is_some(), "{view:#?}");
    assert!(view.scheduled_at_text.unwrap().contains("09:00"));

    let translated = email.request("Translate it into German").await;
    assert_eq!(translated.status, EmailStatus::Scheduled, "{translated:#?}");
    assert_ne!(translated.body, view.body, "the text changed");

    let canceled = email.request("Cancel it, please").await;
    assert_eq!(canceled.status, EmailStatus::Canceled, "{canceled:#?}");
    assert_eq!(email.result().await.unwrap().status, EmailStatus::Canceled);
    assert!(eml_files(outbox.path()).is_empty());
}
