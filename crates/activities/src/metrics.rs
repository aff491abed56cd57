//! The agent's own metrics: model calls and tool runs, recorded into the worker's Temporal
//! metrics meter so that one Prometheus endpoint serves them next to the SDK's.
//!
//! | Family | Labels | What |
//! |---|---|---|
//! | `agent_llm_requests_total` | `step`, `model`, `outcome` | model calls, by how they ended |
//! | `agent_llm_request_seconds` | `step`, `model`, `outcome` | how long each call took |
//! | `agent_llm_tokens_total` | `step`, `model`, `kind` | tokens the provider reported (`prompt`, `completion`) |
//! | `agent_llm_cost_microusd_total` | `step`, `model` | what those tokens cost, in millionths of a US dollar (priced models only) |
//! | `agent_tool_runs_total` | `tool`, `outcome` | tool runs (built-in and MCP), by how they ended |
//! | `agent_tool_run_seconds` | `tool`, `outcome` | how long each run took |
//!
//! Each attempt counts: a call Temporal retries three times is four requests. Without a
//! meter (`WORKER_METRICS_ADDR` unset) recording does nothing.

use std::{sync::Arc, time::Duration};

use settings::PriceTable;
use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, HistogramDuration, MetricKeyValue, MetricParameters, NewAttributes,
};

/// Where the agent's measurements go; cheap to clone.
#[derive(Clone, Default)]
pub struct AgentMetrics {
    instruments: Option<Arc<Instruments>>,
}

struct Instruments {
    meter: Arc<dyn CoreMeter>,
    llm_requests: Counter,
    llm_seconds: HistogramDuration,
    llm_tokens: Counter,
    llm_cost: Counter,
    prices: PriceTable,
    tool_runs: Counter,
    tool_seconds: HistogramDuration,
}

/// How a call or a run ended: `ok`, or the kind of failure.
pub type Outcome<'a> = &'a str;

impl AgentMetrics {
    /// Records into `meter` (counters get their `_total` suffix from the exporter), pricing
    /// tokens with `prices`.
    pub fn new(meter: Arc<dyn CoreMeter>, prices: PriceTable) -> Self {
        let counter = |name: &'static str, description: &'static str| {
            meter.counter(
                MetricParameters::builder()
                    .name(name)
                    .description(description)
                    .build(),
            )
        };
        let seconds = |name: &'static str, description: &'static str| {
            meter.histogram_duration(
                MetricParameters::builder()
                    .name(name)
                    .description(description)
                    .unit("s")
                    .build(),
            )
        };
        let instruments = Instruments {
            llm_requests: counter(
                "agent_llm_requests",
                "Model calls, by step, model and outcome",
            ),
            llm_seconds: seconds(
                "agent_llm_request_seconds",
                "How long model calls took, by step, model and outcome",
            ),
            llm_tokens: counter(
                "agent_llm_tokens",
                "Tokens the model provider reported, by step, model and kind",
            ),
            // Counters count whole numbers: a millionth of a dollar is precision enough.
            llm_cost: counter(
                "agent_llm_cost_microusd",
                "What model calls cost in millionths of a US dollar, by step and model",
            ),
            prices,
            tool_runs: counter("agent_tool_runs", "Tool runs, by tool and outcome"),
            tool_seconds: seconds(
                "agent_tool_run_seconds",
                "How long tool runs took, by tool and outcome",
            ),
            meter,
        };
        Self {
            instruments: Some(Arc::new(instruments)),
        }
    }

    /// One model call: how it ended, how long it took, and the tokens reported.
    pub fn llm_call(
        &self,
        step: &str,
        model: &str,
        outcome: Outcome,
        elapsed: Duration,
        tokens: Option<(u64, u64)>,
    ) {
        let Some(instruments) = &self.instruments else {
            return;
        };
        let labels = instruments.labels([("step", step), ("model", model), ("outcome", outcome)]);
        instruments.llm_requests.add(1, &labels);
        instruments.llm_seconds.record(elapsed, &labels);
        if let Some((prompt, completion)) = tokens {
            for (kind, count) in [("prompt", prompt), ("completion", completion)] {
                let labels = instruments.labels([("step", step), ("model", model), ("kind", kind)]);
                instruments.llm_tokens.add(count, &labels);
            }
            if let Some(cost) = instruments.prices.cost(model, prompt, completion) {
                let labels = instruments.labels([("step", step), ("model", model)]);
                instruments
                    .llm_cost
                    .add((cost * 1_000_000.0).round() as u64, &labels);
            }
        }
    }

    /// One tool run (an attempt of a tool's activity).
    pub fn tool_run(&self, tool: &str, outcome: Outcome, elapsed: Duration) {
        let Some(instruments) = &self.instruments else {
            return;
        };
        let labels = instruments.labels([("tool", tool), ("outcome", outcome)]);
        instruments.tool_runs.add(1, &labels);
        instruments.tool_seconds.record(elapsed, &labels);
    }
}

impl Instruments {
    fn labels<const N: usize>(
        &self,
        pairs: [(&str, &str); N],
    ) -> temporalio_common::telemetry::metrics::MetricAttributes {
        self.meter.new_attributes(NewAttributes::new(
            pairs
                .into_iter()
                .map(|(key, value)| MetricKeyValue::new(key, value.to_owned()))
                .collect(),
        ))
    }
}

impl std::fmt::Debug for AgentMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentMetrics")
            .field("enabled", &self.instruments.is_some())
            .finish()
    }
}
