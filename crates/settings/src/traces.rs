//! Traces over OTLP: one trace per turn, from the api's HTTP request through the signal or
//! update, the workflow, each activity and the model call.
//!
//! Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the OTLP/HTTP base URL, e.g.
//! `http://localhost:4318`; spans go to its `/v1/traces`). The Temporal SDK's tracing plugin
//! ([`temporal_plugin`]) carries the trace context in Temporal headers and opens the
//! `SignalWorkflow:…`, `HandleSignal:…`, `StartActivity:…` and `RunActivity:…` spans; the
//! tracer provider uses its replay-safe ids and drops spans a replay would open twice. Span
//! attributes never hold prompt text unless `OTEL_RECORD_PROMPTS=true`.

use opentelemetry::global;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::{
    Resource,
    trace::{BatchSpanProcessor, SdkTracerProvider},
};
use serde::Deserialize;
use temporalio_sdk::{
    SimplePlugin,
    opentelemetry::{OpenTelemetryPlugin, WorkflowIdGenerator, WorkflowSpanProcessor},
};
use url::Url;

use crate::{Env, SettingsError};

/// Where traces go, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceSettings {
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's OTLP/HTTP base URL.
    pub endpoint: Option<Url>,
    /// `OTEL_RECORD_PROMPTS`: put prompt and answer text on model call spans (default off).
    pub record_prompts: bool,
}

#[derive(Deserialize)]
struct TraceEnv {
    otel_exporter_otlp_endpoint: Option<String>,
    otel_record_prompts: Option<String>,
}

impl TraceSettings {
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: TraceEnv = env.parse()?;
        let endpoint = raw
            .otel_exporter_otlp_endpoint
            .map(|value| {
                Url::parse(&value)
                    .ok()
                    .filter(|url| matches!(url.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        SettingsError::new(
                            "OTEL_EXPORTER_OTLP_ENDPOINT",
                            "must be an http(s) URL, such as http://localhost:4318",
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            endpoint,
            record_prompts: raw
                .otel_record_prompts
                .is_some_and(|value| value.eq_ignore_ascii_case("true")),
        })
    }

    pub fn enabled(&self) -> bool {
        self.endpoint.is_some()
    }
}

/// The installed tracer provider; dropping it sends the spans still buffered.
pub struct Traces {
    provider: SdkTracerProvider,
}

impl Drop for Traces {
    fn drop(&mut self) {
        if let Err(err) = self.provider.shutdown() {
            tracing::warn!(error = %err, "sending the last spans failed");
        }
    }
}

/// Installs the global tracer provider exporting to `settings.endpoint` as `service`; `None`
/// when traces are off.
pub fn init_traces(settings: &TraceSettings, service: &str) -> Result<Option<Traces>, String> {
    let Some(endpoint) = &settings.endpoint else {
        return Ok(None);
    };
    let traces_url = endpoint
        .join("v1/traces")
        .map_err(|err| format!("OTEL_EXPORTER_OTLP_ENDPOINT: {err}"))?;
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(traces_url.as_str())
        .build()
        .map_err(|err| format!("the OTLP exporter: {err}"))?;
    let provider = SdkTracerProvider::builder()
        .with_id_generator(WorkflowIdGenerator::default())
        .with_span_processor(WorkflowSpanProcessor::new(
            BatchSpanProcessor::builder(exporter).build(),
        ))
        .with_resource(
            Resource::builder()
                .with_service_name(service.to_owned())
                .build(),
        )
        .build();
    global::set_tracer_provider(provider.clone());
    tracing::info!(endpoint = %traces_url, "exporting traces");
    Ok(Some(Traces { provider }))
}

/// The Temporal SDK's tracing plugin, for the client (workers take it from their client).
pub fn temporal_plugin() -> SimplePlugin {
    OpenTelemetryPlugin::builder().build()
}
