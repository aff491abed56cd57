//! The reply bus against a real `nats-server -js`: ordering, exact resumption, isolation of
//! conversations, retention, and what happens when NATS is missing or dies.

use std::{
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use futures::{Stream, StreamExt};
use reply_bus::{
    BusError, BusOptions, BusSettings, BusStatus, Envelope, Published, ReplyBus, ReplyEvent,
    StartAt,
    subject::{STREAM_NAME, subject_for},
};
use testkit::NatsServer;

/// Timings short enough for tests: reconnects within a fifth of a second.
fn quick_options(name: &str) -> BusOptions {
    BusOptions {
        client_name: name.to_owned(),
        connect_timeout: Duration::from_secs(1),
        retry_delay_max: Duration::from_millis(200),
        consumer_idle_timeout: Duration::from_secs(5),
        ..BusOptions::default()
    }
}

fn settings(nats: &NatsServer) -> BusSettings {
    BusSettings {
        url: nats.url(),
        ..BusSettings::default()
    }
}

async fn connect(nats: &NatsServer, name: &str) -> ReplyBus {
    ReplyBus::connect(settings(nats), quick_options(name)).await
}

fn delta(turn: &str, text: &str) -> ReplyEvent {
    ReplyEvent::Delta {
        turn: turn.to_owned(),
        reply: format!("{turn}-reply"),
        text: text.to_owned(),
        gated: false,
    }
}

/// Publishes and insists it was stored; returns the sequence.
async fn stored(bus: &ReplyBus, workflow_id: &str, event: &ReplyEvent) -> u64 {
    match bus.publish(workflow_id, event).await {
        Ok(Published::Stored { sequence }) => sequence,
        other => panic!("{event:?} on {workflow_id} was not stored: {other:?}"),
    }
}

/// The next item of a follow, failing the test if none comes within 5 s.
async fn next<S>(follow: &mut S) -> Option<Result<Envelope, BusError>>
where
    S: Stream<Item = Result<Envelope, BusError>> + Unpin,
{
    tokio::time::timeout(Duration::from_secs(5), follow.next())
        .await
        .expect("the follow produced nothing in 5 s")
}

async fn next_envelope<S>(follow: &mut S) -> Envelope
where
    S: Stream<Item = Result<Envelope, BusError>> + Unpin,
{
    next(follow)
        .await
        .expect("the follow ended")
        .expect("the follow failed")
}

/// Asserts that nothing more arrives for a moment.
async fn assert_quiet<S>(follow: &mut S)
where
    S: Stream<Item = Result<Envelope, BusError>> + Unpin,
{
    if let Ok(item) = tokio::time::timeout(Duration::from_millis(300), follow.next()).await {
        panic!("expected nothing more, got {item:?}");
    }
}

async fn wait_connected(bus: &ReplyBus) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !bus.is_connected() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bus did not reconnect in 10 s: {:?}",
            bus.status()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn deltas_are_followed_in_order_from_the_retained_start() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "worker").await;
    assert_eq!(bus.status(), BusStatus::Connected);

    let events = [
        delta("t1", "Hel"),
        delta("t1", "lo"),
        ReplyEvent::Verdict {
            turn: "t1".into(),
            accepted: true,
        },
        ReplyEvent::Done {
            reply: "t1-reply".into(),
        },
    ];
    let mut sequences = Vec::new();
    for event in &events {
        sequences.push(stored(&bus, "trip-1", event).await);
    }

    let mut follow = Box::pin(bus.follow("trip-1", StartAt::Retained));
    for (event, sequence) in events.iter().zip(&sequences) {
        let envelope = next_envelope(&mut follow).await;
        assert_eq!(&envelope.event, event);
        assert_eq!(envelope.sequence, *sequence);
    }
    assert!(sequences.is_sorted());
    assert_quiet(&mut follow).await;

    // Still following: a later event arrives live.
    let restart = ReplyEvent::Restart {
        reply: "t2-reply".into(),
    };
    let sequence = stored(&bus, "trip-1", &restart).await;
    let envelope = next_envelope(&mut follow).await;
    assert_eq!((envelope.sequence, envelope.event), (sequence, restart));
}

#[tokio::test]
async fn following_after_a_sequence_resumes_with_no_gap_and_no_repeat() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "worker").await;
    let mut sequences = Vec::new();
    for piece in ["a", "b", "c", "d", "e"] {
        sequences.push(stored(&bus, "resume", &delta("t1", piece)).await);
        // Another conversation's events interleave, so sequences have holes.
        stored(&bus, "other", &delta("t9", piece)).await;
    }

    let mut follow = Box::pin(bus.follow("resume", StartAt::After(sequences[1])));
    for (sequence, piece) in sequences[2..].iter().zip(["c", "d", "e"]) {
        let envelope = next_envelope(&mut follow).await;
        assert_eq!(envelope.sequence, *sequence);
        assert_eq!(envelope.event, delta("t1", piece));
    }
    assert_quiet(&mut follow).await;

    let mut caught_up = Box::pin(bus.follow("resume", StartAt::After(sequences[4])));
    assert_quiet(&mut caught_up).await;
    let live = stored(&bus, "resume", &delta("t1", "f")).await;
    assert_eq!(next_envelope(&mut caught_up).await.sequence, live);
}

#[tokio::test]
async fn following_new_events_skips_what_was_retained() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "api").await;
    stored(&bus, "fresh", &delta("t1", "old")).await;

    let mut follow = Box::pin(bus.follow("fresh", StartAt::New));
    // The consumer exists once the first poll has run; give it that poll.
    assert_quiet(&mut follow).await;
    stored(&bus, "fresh", &delta("t1", "new")).await;
    assert_eq!(next_envelope(&mut follow).await.event, delta("t1", "new"));
}

#[tokio::test]
async fn conversations_never_see_each_others_events() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "worker").await;
    // Pairs that a naive encoding would merge: raw dots split tokens ("trip.1" would be
    // matched by a "trip.>" filter), and '.'→'_' or '.'→'-' makes "trip.1" "trip_1" or
    // "trip-1".
    let ids = ["trip", "trip.1", "trip_1", "trip-1", "trip.1.x", "trip1"];
    for id in ids {
        stored(&bus, id, &delta(id, id)).await;
    }
    for id in ids {
        let mut follow = Box::pin(bus.follow(id, StartAt::Retained));
        assert_eq!(next_envelope(&mut follow).await.event, delta(id, id));
        assert_quiet(&mut follow).await;
    }
}

#[tokio::test]
async fn events_older_than_max_age_are_dropped() {
    let nats = NatsServer::start().await.unwrap();
    let short = BusSettings {
        max_age: Duration::from_secs(1),
        ..settings(&nats)
    };
    let bus = ReplyBus::connect(short, quick_options("worker")).await;
    stored(&bus, "brief", &delta("t1", "soon gone")).await;

    let client = async_nats::connect(nats.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let mut stream = jetstream.get_stream(STREAM_NAME).await.unwrap();
    assert_eq!(
        stream.info().await.unwrap().config.max_age,
        Duration::from_secs(1)
    );

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let kept = stored(&bus, "brief", &delta("t1", "kept")).await;
    let mut follow = Box::pin(bus.follow("brief", StartAt::Retained));
    let first = next_envelope(&mut follow).await;
    assert_eq!((first.sequence, first.event), (kept, delta("t1", "kept")));
}

#[tokio::test]
async fn unknown_event_kinds_are_skipped_by_followers() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "api").await;
    let subject = subject_for("mixed").unwrap();
    let client = async_nats::connect(nats.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);

    stored(&bus, "mixed", &delta("t1", "before")).await;
    for payload in [
        r#"{"kind": "tool_progress", "reply": "t1-reply", "percent": 40}"#,
        "not json at all",
    ] {
        jetstream
            .publish(subject.clone(), payload.into())
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let after = stored(&bus, "mixed", &delta("t1", "after")).await;

    let mut follow = Box::pin(bus.follow("mixed", StartAt::Retained));
    assert_eq!(
        next_envelope(&mut follow).await.event,
        delta("t1", "before")
    );
    let envelope = next_envelope(&mut follow).await;
    assert_eq!(
        (envelope.sequence, envelope.event),
        (after, delta("t1", "after"))
    );
}

#[tokio::test]
async fn dropping_a_follow_deletes_its_consumer() {
    let nats = NatsServer::start().await.unwrap();
    let bus = connect(&nats, "api").await;
    stored(&bus, "watched", &delta("t1", "x")).await;
    let client = async_nats::connect(nats.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let mut stream = jetstream.get_stream(STREAM_NAME).await.unwrap();

    let mut follow = Box::pin(bus.follow("watched", StartAt::Retained));
    next_envelope(&mut follow).await;
    assert_eq!(stream.info().await.unwrap().state.consumer_count, 1);

    drop(follow);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while stream.info().await.unwrap().state.consumer_count > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the consumer outlived its follow"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    // No NATS at all: these fail on their own merits, not for want of a server.
    let bus = ReplyBus::connect(
        BusSettings {
            url: format!("nats://127.0.0.1:{}", testkit::free_port()),
            ..BusSettings::default()
        },
        quick_options("worker"),
    )
    .await;
    let BusStatus::Off { reason } = bus.status() else {
        panic!("a bus without NATS says it is connected");
    };
    assert!(reason.starts_with("connecting to NATS failed"), "{reason}");
    let huge = delta("t1", &"x".repeat(70 * 1024));
    assert!(matches!(
        bus.publish("trip-1", &huge).await,
        Err(BusError::TooLarge { kind: "delta", .. })
    ));
    assert!(matches!(
        bus.publish("no spaces", &delta("t1", "x")).await,
        Err(BusError::InvalidWorkflowId { .. })
    ));
    let mut follow = Box::pin(bus.follow("trip-1", StartAt::Retained));
    assert!(matches!(
        next(&mut follow).await,
        Some(Err(BusError::Off { .. }))
    ));
    assert!(next(&mut follow).await.is_none());
}

/// The warnings the bus logs, by the NATS URL they name. One subscriber for the whole test
/// binary (a thread-local one misses events whose call site another test's thread saw
/// first); each test counts the warnings about its own server.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Warnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let metadata = event.metadata();
        if *metadata.level() == tracing::Level::WARN && metadata.target().starts_with("reply_bus") {
            let mut url = UrlField::default();
            event.record(&mut url);
            self.0.lock().unwrap().push(url.0);
        }
    }
}

/// Reads an event's `url` field.
#[derive(Default)]
struct UrlField(String);

impl tracing::field::Visit for UrlField {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "url" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Warnings {
    /// Installed once per test binary.
    fn global() -> Warnings {
        static WARNINGS: OnceLock<Warnings> = OnceLock::new();
        WARNINGS
            .get_or_init(|| {
                use tracing_subscriber::layer::SubscriberExt;
                let warnings = Warnings::default();
                tracing::subscriber::set_global_default(
                    tracing_subscriber::registry().with(warnings.clone()),
                )
                .expect("no other global subscriber in this test binary");
                warnings
            })
            .clone()
    }

    /// Warnings that name `url`.
    fn about(&self, url: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|u| *u == url).count()
    }
}

#[tokio::test]
async fn a_bus_started_without_nats_skips_publishes_and_uses_nats_once_it_answers() {
    let warnings = Warnings::global();

    let mut nats = NatsServer::start().await.unwrap();
    nats.stop().await;
    let bus = connect(&nats, "worker").await;
    assert!(!bus.is_connected());
    assert!(matches!(bus.status(), BusStatus::Off { .. }));
    for piece in ["lost", "also lost", "still lost"] {
        assert_eq!(
            bus.publish("early", &delta("t1", piece)).await.unwrap(),
            Published::Skipped
        );
    }
    assert_eq!(
        warnings.about(&nats.url()),
        1,
        "one warning for NATS being away"
    );

    nats.restart().await.unwrap();
    wait_connected(&bus).await;
    let sequence = stored(&bus, "early", &delta("t1", "arrives")).await;

    let mut follow = Box::pin(bus.follow("early", StartAt::Retained));
    let envelope = next_envelope(&mut follow).await;
    assert_eq!(
        (envelope.sequence, envelope.event),
        (sequence, delta("t1", "arrives"))
    );
    assert_eq!(warnings.about(&nats.url()), 1, "coming back is no warning");
}

#[tokio::test]
async fn a_follow_ends_with_an_error_when_nats_dies_and_a_new_follow_works_after_restart() {
    let mut nats = NatsServer::start().await.unwrap();
    let worker = connect(&nats, "worker").await;
    let api = connect(&nats, "api").await;

    let first = stored(&worker, "crash", &delta("t1", "before")).await;
    let mut follow = Box::pin(api.follow("crash", StartAt::Retained));
    assert_eq!(next_envelope(&mut follow).await.sequence, first);

    nats.kill().await;
    assert!(matches!(
        next(&mut follow).await,
        Some(Err(BusError::Disconnected))
    ));
    assert!(next(&mut follow).await.is_none());
    assert_eq!(
        worker
            .publish("crash", &delta("t1", "dropped"))
            .await
            .unwrap(),
        Published::Skipped
    );
    let mut refused = Box::pin(api.follow("crash", StartAt::After(first)));
    assert!(matches!(
        next(&mut refused).await,
        Some(Err(BusError::Off { .. }))
    ));

    nats.restart().await.unwrap();
    wait_connected(&worker).await;
    wait_connected(&api).await;
    let second = stored(&worker, "crash", &delta("t1", "after")).await;
    assert!(second > first);

    let mut resumed = Box::pin(api.follow("crash", StartAt::After(first)));
    let envelope = next_envelope(&mut resumed).await;
    assert_eq!(
        (envelope.sequence, envelope.event),
        (second, delta("t1", "after"))
    );
    assert_quiet(&mut resumed).await;

    // What was stored before the crash survived it.
    let mut replay = Box::pin(api.follow("crash", StartAt::Retained));
    assert_eq!(next_envelope(&mut replay).await.sequence, first);
    assert_eq!(next_envelope(&mut replay).await.sequence, second);
}

#[tokio::test]
async fn a_nats_that_lost_its_store_gets_the_stream_back() {
    let mut nats = NatsServer::start().await.unwrap();
    let worker = connect(&nats, "worker").await;
    let api = connect(&nats, "api").await;
    stored(&worker, "wiped", &delta("t1", "before")).await;

    nats.stop().await;
    std::fs::remove_dir_all(nats.store_dir()).unwrap();
    std::fs::create_dir_all(nats.store_dir()).unwrap();
    nats.restart().await.unwrap();
    wait_connected(&worker).await;
    wait_connected(&api).await;

    // The follow finds no stream and makes it again; so does the publish.
    let mut follow = Box::pin(api.follow("wiped", StartAt::Retained));
    assert_quiet(&mut follow).await;
    let sequence = stored(&worker, "wiped", &delta("t1", "after")).await;
    assert_eq!(next_envelope(&mut follow).await.sequence, sequence);
}
