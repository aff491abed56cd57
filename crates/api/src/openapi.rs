//! The OpenAPI document served at `/openapi.json`, generated from the handlers'
//! `#[utoipa::path]` annotations so it cannot drift from the routes.
//!
//! The conversation shapes live in `models`, which stays free of HTTP concerns; the schema
//! types below describe them for the document only. A test serializes real `models` values
//! and checks their fields against these schemas.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::{
    error::ErrorBody,
    events::{ConversationState, Status},
    routes::{
        MessageResponse,
        conversations::{ConfirmResponse, ConfirmedResponse},
        meta::{HealthResponse, RootResponse, UiConfig},
    },
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Temporal AI Agent API",
        description = "Start, drive and follow conversations with a durable AI agent. Each \
            conversation is one Temporal workflow; every endpoint takes `workflow_id` \
            (default `agent-workflow`). Errors are `{\"detail\": \"...\"}`."
    ),
    paths(
        crate::routes::meta::root,
        crate::routes::meta::health,
        crate::routes::meta::ui_config,
        crate::routes::meta::openapi_json,
        crate::routes::conversations::start_workflow,
        crate::routes::conversations::send_prompt,
        crate::routes::conversations::confirm,
        crate::routes::conversations::end_chat,
        crate::routes::conversations::get_conversation_history,
        crate::routes::conversations::get_latest_tool_data,
        crate::events::events,
    ),
    components(schemas(
        ErrorBody,
        MessageResponse,
        ConfirmResponse,
        ConfirmedResponse,
        RootResponse,
        HealthResponse,
        UiConfig,
        Status,
        ConversationState,
        HistoryReply,
        ConversationHistorySchema,
        MessageSchema,
        ActorSchema,
        ToolDataSchema,
        NextStepSchema,
    )),
    tags(
        (name = "conversations", description = "Start, signal, query and follow conversations"),
        (name = "meta", description = "The api itself"),
    )
)]
pub struct ApiDoc;

/// What `/get-conversation-history` answers.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum HistoryReply {
    /// The conversation so far.
    History(ConversationHistorySchema),
    /// `[]`: the run was terminated, cancelled, failed or timed out, or the conversation
    /// was only just started.
    Empty(Vec<Value>),
}

/// The whole conversation, oldest message first.
#[derive(Serialize, ToSchema)]
#[schema(as = ConversationHistory)]
#[allow(dead_code)]
pub struct ConversationHistorySchema {
    messages: Vec<MessageSchema>,
}

/// One entry of the conversation.
#[derive(Serialize, ToSchema)]
#[schema(as = Message)]
#[allow(dead_code)]
pub struct MessageSchema {
    actor: ActorSchema,
    /// A string (user text, summary) or an object (ToolData, a validation failure, a tool
    /// result with `"tool"` added).
    response: Value,
}

/// Who a message came from.
#[derive(Serialize, ToSchema)]
#[schema(as = Actor)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ActorSchema {
    User,
    Agent,
    UserConfirmedToolRun,
    ToolResult,
    ConversationSummary,
}

/// The agent's decision for a turn.
#[derive(Serialize, ToSchema)]
#[schema(as = ToolData)]
#[allow(dead_code)]
pub struct ToolDataSchema {
    next: NextStepSchema,
    /// The proposed tool, if any.
    tool: Option<String>,
    /// The tool's arguments; null means not known yet.
    args: BTreeMap<String, Value>,
    /// What the agent says to the user.
    response: String,
    /// Whether the user must confirm the tool before it runs.
    force_confirm: bool,
}

/// What happens next.
#[derive(Serialize, ToSchema)]
#[schema(as = NextStep)]
#[allow(dead_code)]
pub enum NextStepSchema {
    #[serde(rename = "question")]
    Question,
    #[serde(rename = "confirm")]
    Confirm,
    #[serde(rename = "pick-new-goal")]
    PickNewGoal,
    #[serde(rename = "done")]
    Done,
    #[serde(rename = "user_confirmed_tool_run")]
    UserConfirmedToolRun,
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{Actor, ConversationHistory, NextStep, ToolData};
    use serde_json::json;

    fn document() -> Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    fn property_names(schema: &Value) -> Vec<String> {
        let mut names: Vec<String> = schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    fn field_names(value: &Value) -> Vec<String> {
        let mut names: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn schemas_match_the_models_on_the_wire() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let tool_data = serde_json::to_value(ToolData::question("hi")).unwrap();
        assert_eq!(
            property_names(&schemas["ToolData"]),
            field_names(&tool_data)
        );

        let mut history = ConversationHistory::default();
        history.push(Actor::User, "hi");
        let history = serde_json::to_value(&history).unwrap();
        assert_eq!(
            property_names(&schemas["ConversationHistory"]),
            field_names(&history)
        );
        assert_eq!(
            property_names(&schemas["Message"]),
            field_names(&history["messages"][0])
        );
    }

    #[test]
    fn enum_schemas_list_every_wire_name() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let listed = |name: &str| schemas[name].to_string();
        for actor in [
            Actor::User,
            Actor::Agent,
            Actor::UserConfirmedToolRun,
            Actor::ToolResult,
            Actor::ConversationSummary,
        ] {
            let wire = serde_json::to_value(actor).unwrap();
            assert!(listed("Actor").contains(&wire.to_string()), "{wire}");
        }
        for next in [
            NextStep::Question,
            NextStep::Confirm,
            NextStep::PickNewGoal,
            NextStep::Done,
            NextStep::UserConfirmedToolRun,
        ] {
            assert!(listed("NextStep").contains(&json!(next.as_str()).to_string()));
        }
    }

    #[test]
    fn history_reply_is_the_history_or_an_empty_array() {
        let doc = document();
        let reply = doc["components"]["schemas"]["HistoryReply"]["oneOf"].to_string();
        assert!(
            reply.contains("#/components/schemas/ConversationHistory"),
            "{reply}"
        );
        assert!(reply.contains(r#""type":"array""#), "{reply}");
    }

    #[test]
    fn root_documents_both_the_json_greeting_and_the_html_ui() {
        let doc = document();
        let content = &doc["paths"]["/"]["get"]["responses"]["200"]["content"];
        assert!(content["application/json"].is_object(), "{content}");
        assert!(content["text/html"].is_object(), "{content}");
    }
}
