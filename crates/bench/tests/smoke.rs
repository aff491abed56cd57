//! The smoke run end to end (two users, one trip each, at one agent-vs-floor level and
//! one live-reply level with a quick latency profile, 20 idle conversations, debug
//! binaries), so the harness keeps working: every figure must be there and make sense.

use bench::{BenchConfig, Report, report::Phase};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_run_reports_every_figure() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let config = BenchConfig {
        out: out.path().to_path_buf(),
        command: "smoke test".into(),
        ..BenchConfig::smoke()
    };
    let (report, outputs) = bench::run(&config).await.expect("the smoke run completes");

    assert_phases_are_complete(&report);
    assert_live_replies_are_measured(&report);
    assert_eq!(
        report.prompt_check.history_events_with_prompt_text, 0,
        "a rendered prompt reached a workflow history"
    );
    assert!(report.prompt_check.history_events_searched > 0);
    assert!(
        report.prompt_check.model_requests_with_prompt_text > 0,
        "the prompt check must see the prompt text where it belongs (the model's requests)"
    );
    let idle = report.idle.expect("idle figures");
    assert_eq!(
        (idle.started, idle.greeted, idle.streams_open),
        (20, 20, 20)
    );
    assert!(
        idle.worker_rss_mib > 0.0 && idle.api_rss_mib > 0.0 && idle.api_rss_with_streams_mib > 0.0
    );

    let json: Value =
        serde_json::from_slice(&std::fs::read(&outputs.json).expect("results.json")).unwrap();
    for pointer in [
        "/machine/cpu_model",
        "/levels/0/agent/turn_ms/p99",
        "/levels/0/agent/history/sse_delay_ms/p50",
        "/levels/0/agent/history/server_turn_ms/p50",
        "/levels/0/baseline/worker/cpu_ms_per_turn",
        "/levels/0/ratios/turn_p50",
        "/idle/worker_rss_mib",
        "/targets/3/met",
        "/levels/0/agent/nats/cpu_ms_per_turn",
        "/live/profile/first_token_ms",
        "/live/planner/6/answer_ms",
        "/live/levels/0/speculative/first_delta_ms/p50",
        "/live/levels/0/sequential/first_delta_lag_ms/p50",
        "/targets/6/met",
    ] {
        assert!(
            json.pointer(pointer).is_some(),
            "results.json lacks {pointer}"
        );
    }
    let markdown = std::fs::read_to_string(&outputs.markdown).expect("results.md");
    assert!(markdown.contains("agent ÷ floor"));
    assert!(markdown.contains("speculative ÷ sequential"));
    let png = std::fs::read(&outputs.chart).expect("chart.png");
    assert!(png.starts_with(b"\x89PNG"), "chart.png is a PNG");
}

fn assert_phases_are_complete(report: &Report) {
    assert_eq!(report.levels.len(), 1);
    let level = &report.levels[0];
    assert_eq!(level.concurrency, 2);
    let floor = level.baseline.as_ref().expect("the floor was measured");
    for phase in [&level.agent, floor] {
        let what = phase.mode;
        assert_trips_completed(phase);
        assert!(
            phase.turn_ms.p50 > 0.0 && phase.turn_ms.p99 >= phase.turn_ms.p50,
            "{what}"
        );
        assert!(phase.turns_per_second > 0.0, "{what}");
        assert!(phase.worker.cpu_ms_per_turn > 0.0, "{what}: worker CPU");
        assert!(
            phase.worker.peak_rss_mib > 0.0 && phase.api.peak_rss_mib > 0.0,
            "{what}"
        );
        assert!(phase.history.bytes_per_turn > 0.0, "{what}: history bytes");
        assert_eq!(phase.history.trips_measured, 2, "{what}");
        assert_eq!(
            phase.history.sse_delay_ms.count, 14,
            "{what}: one delay per turn"
        );
        assert_eq!(phase.history.server_turn_ms.count, 14, "{what}");
        assert!(phase.history.sse_delay_ms.p50 > 0.0, "{what}");
        assert!(
            phase.history_endpoint_ms.count > 0,
            "{what}: history endpoint probed"
        );
    }
    let ratios = level.ratios.expect("ratios");
    for (name, value) in [
        ("turn p50", ratios.turn_p50),
        ("turn p95", ratios.turn_p95),
        ("worker CPU per turn", ratios.worker_cpu_per_turn),
        ("throughput", ratios.turns_per_second),
    ] {
        assert!(value.is_some_and(|r| r > 0.0), "ratio of {name}: {value:?}");
    }
    // Both runs store the same conversation: their histories are about the same size.
    let sizes = ratios.history_bytes_per_turn.expect("history ratio");
    assert!(
        (0.8..1.25).contains(&sizes),
        "history bytes agent/floor = {sizes}"
    );
}

fn assert_trips_completed(phase: &Phase) {
    let what = phase.mode;
    assert_eq!(phase.errors, 0, "{what}: {:?}", phase.error_samples);
    assert_eq!(
        phase.turns, 14,
        "{what}: two users, one trip of seven turns each"
    );
    assert_eq!(phase.trips_completed, 2, "{what}");
}

/// The live-reply level: both ways of planning ran their trips with the slow model, the
/// replies' text streamed in before the replies, and what streamed was the reply.
fn assert_live_replies_are_measured(report: &Report) {
    assert!(report.settings.nats);
    assert!(
        report.levels[0].agent.nats.is_some(),
        "the NATS server's CPU is read"
    );
    let live = report.live.as_ref().expect("live-reply figures");
    assert_eq!(live.planner.len(), 7, "the model's timing of every turn");
    assert_eq!(live.levels.len(), 1);
    let level = &live.levels[0];
    assert_eq!(level.concurrency, 2);
    for phase in [&level.speculative, &level.sequential] {
        let what = phase.mode;
        assert_trips_completed(phase);
        assert!(
            phase.live.shown_before_reply > 0 && phase.first_delta_ms.count > 0,
            "{what}: no reply showed text before it was complete"
        );
        assert_eq!(
            phase.live.text_differs, 0,
            "{what}: text shown live that is not the reply"
        );
        assert!(phase.live.text_whole > 0, "{what}");
        assert!(
            phase.first_delta_ms.p50 > 0.0 && phase.first_delta_ms.p50 < phase.turn_ms.p99,
            "{what}: the first text comes before the whole reply"
        );
        assert_eq!(
            phase.first_delta_lag_ms.count, phase.first_delta_ms.count,
            "{what}: a lag behind the model for every first delta"
        );
        assert!(phase.turn_ms_by_kind.contains_key("prompt"), "{what}");
    }
    assert_eq!(
        report.levels[0].agent.live.text_differs, 0,
        "instant model: text shown live that is not the reply"
    );
}
