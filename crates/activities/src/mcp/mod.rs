//! Tools from MCP servers: discovery for goals, and `mcp_callTool`, the one activity that
//! runs any of them.
//!
//! A goal names `<server>/<tool>` or `<server>/*`; when a conversation starts, the goal's
//! MCP tools are listed from their servers and become [`ToolDefinition`]s the planner sees as
//! `<server>/<tool>`, with their arguments, read from the tool's JSON schema, and their
//! `readOnlyHint` and `idempotentHint` annotations. A confirmed call runs as `mcp_callTool`;
//! its answer becomes the tool result: the structured content's fields plus the text, or
//! `{"error": ...}` for an `isError` result (a tool's own failure, not retried).

mod config;
mod servers;

use std::{sync::Arc, time::Instant};

use models::{McpCallInput, ToolArgument, ToolDefinition, ToolSource};
use serde_json::{Map, Value, json};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use tracing::info;
use workflows::contracts::mcp_markers as mcp_activity;

pub use config::{ConfigError, McpConfig, ServerConfig};
pub use servers::{McpError, McpServers};

use crate::{failure::mcp_failure, heartbeat::heartbeating, metrics::AgentMetrics};

/// The planner-facing definition of one MCP tool, from MCP's tool description.
pub fn definition(server: &str, tool: &Value) -> Option<ToolDefinition> {
    let name = tool["name"].as_str()?;
    let schema = &tool["inputSchema"];
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let arguments = schema["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(arg, spec)| ToolArgument {
                    name: arg.clone(),
                    arg_type: type_of(spec),
                    description: spec["description"].as_str().unwrap_or_default().to_owned(),
                    required: required.contains(&arg.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    let annotations = &tool["annotations"];
    let read_only = annotations["readOnlyHint"] == true;
    Some(ToolDefinition {
        name: format!("{server}/{name}"),
        description: tool["description"]
            .as_str()
            .or(tool["title"].as_str())
            .unwrap_or(name)
            .to_owned(),
        arguments,
        source: ToolSource::Mcp {
            server: server.to_owned(),
            tool: name.to_owned(),
        },
        read_only,
        idempotent: read_only || annotations["idempotentHint"] == true,
    })
}

/// A JSON schema's type in one word: `string`, `number`, ... (`["string", "null"]` is a
/// string that may be left out).
fn type_of(schema: &Value) -> String {
    match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("any")
            .to_owned(),
        _ if schema["enum"].is_array() => "string".to_owned(),
        _ => "any".to_owned(),
    }
}

/// MCP's `CallToolResult` as the conversation keeps it: `{"error": text}` for a tool
/// error; otherwise the structured content's fields and the text (`"text"`); images and
/// resources summarised, never embedded.
pub fn tool_result(result: &Value) -> Value {
    let text = result["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .map(|block| match block["type"].as_str() {
                    Some("text") => block["text"].as_str().unwrap_or_default().to_owned(),
                    Some("image") | Some("audio") => format!(
                        "[{} {}, {} bytes base64]",
                        block["type"].as_str().unwrap_or_default(),
                        block["mimeType"].as_str().unwrap_or("of unknown type"),
                        block["data"].as_str().map_or(0, str::len)
                    ),
                    Some("resource") => format!(
                        "[resource {}]",
                        block["resource"]["uri"].as_str().unwrap_or("without a URI")
                    ),
                    Some("resource_link") => {
                        format!("[link {}]", block["uri"].as_str().unwrap_or_default())
                    }
                    _ => String::new(),
                })
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    if result["isError"] == true {
        let text = if text.is_empty() {
            "the tool reported an error".to_owned()
        } else {
            text
        };
        return json!({ "error": text });
    }
    let mut answer = match &result["structuredContent"] {
        Value::Object(fields) => fields.clone(),
        Value::Null => Map::new(),
        other => Map::from_iter([("result".to_owned(), other.clone())]),
    };
    if !text.is_empty() {
        answer.insert("text".to_owned(), Value::String(text));
    }
    Value::Object(answer)
}

/// The activity that runs MCP tools.
pub struct McpActivities {
    servers: Arc<McpServers>,
    metrics: AgentMetrics,
}

impl McpActivities {
    pub fn new(servers: Arc<McpServers>) -> Self {
        Self {
            servers,
            metrics: AgentMetrics::default(),
        }
    }

    /// Counts and times every call (as `agent_tool_runs_total{tool}`).
    pub fn with_metrics(mut self, metrics: AgentMetrics) -> Self {
        self.metrics = metrics;
        self
    }
}

#[activities]
impl McpActivities {
    #[activity(definition = mcp_activity::CallTool)]
    pub async fn call_tool(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: McpCallInput,
    ) -> Result<Value, ActivityError> {
        let info = ctx.info();
        info!(
            workflow_id = info.workflow_id.as_deref().unwrap_or_default(),
            server = %input.server,
            tool = %input.tool,
            attempt = info.attempt,
            "calling MCP tool"
        );
        let started = Instant::now();
        let answer = heartbeating(
            &ctx,
            self.servers
                .call(&input.server, &input.tool, input.arguments),
        )
        .await;
        let outcome = match &answer {
            Ok(Ok(_)) => "ok",
            Ok(Err(_)) => "error",
            Err(_) => "cancelled",
        };
        self.metrics
            .tool_run(&input.tool, outcome, started.elapsed());
        let answer = answer?.map_err(mcp_failure)?;
        Ok(tool_result(&answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_tools_become_planner_tools_with_their_hints() {
        let tool = json!({
            "name": "convert_currency",
            "description": "Convert an amount.",
            "inputSchema": {"type": "object", "required": ["amount", "to"], "properties": {
                "amount": {"type": "number", "description": "How much"},
                "to": {"type": "string"},
                "note": {"type": ["string", "null"], "default": null}
            }},
            "annotations": {"readOnlyHint": true}
        });
        let convert = definition("travel", &tool).unwrap();
        assert_eq!(convert.name, "travel/convert_currency");
        assert!(convert.read_only && convert.idempotent);
        let required: Vec<&str> = convert.required_arguments().collect();
        assert_eq!(required, ["amount", "to"]);
        let note = convert.arguments.iter().find(|a| a.name == "note").unwrap();
        assert_eq!((note.arg_type.as_str(), note.required), ("string", false));
        let write = definition("notes", &json!({"name": "save", "inputSchema": {}})).unwrap();
        assert!(!write.read_only && !write.idempotent);
    }

    #[test]
    fn results_keep_structure_and_text_and_errors_are_errors() {
        let ok = tool_result(&json!({
            "content": [{"type": "text", "text": "150 USD = 138 EUR"},
                        {"type": "image", "mimeType": "image/png", "data": "AAAA"}],
            "structuredContent": {"converted": 138.0}
        }));
        assert_eq!(ok["converted"], 138.0);
        assert_eq!(
            ok["text"],
            "150 USD = 138 EUR\n[image image/png, 4 bytes base64]"
        );
        let error = tool_result(&json!({
            "content": [{"type": "text", "text": "Unknown currency XYZ"}], "isError": true
        }));
        assert_eq!(error, json!({"error": "Unknown currency XYZ"}));
    }
}
