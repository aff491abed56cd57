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
    events::{
        ConversationState, Status,
        email::{EmailStreamState, EmailStreamStatus},
    },
    routes::{
        MessageResponse,
        conversations::{ConfirmResponse, ConfirmedResponse},
        email::{DraftSaved, EmailTextBody, StartEmailBody},
        meta::{HealthResponse, RootResponse, UiConfig},
    },
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Temporal AI Agent API",
        description = "Start, drive and follow conversations with a durable AI agent, and \
            emails with the scheduling email assistant (`/email/...`). Each conversation and \
            each email is one Temporal workflow; every endpoint takes `workflow_id` (for \
            conversations default `agent-workflow`). Errors are `{\"detail\": \"...\"}`."
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
        crate::routes::email::start,
        crate::routes::email::describe,
        crate::routes::email::request,
        crate::routes::email::save_draft,
        crate::routes::email::cancel,
        crate::routes::email::events,
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
        StartEmailBody,
        EmailTextBody,
        DraftSaved,
        EmailStreamStatus,
        EmailStreamState,
        EmailViewSchema,
        EmailStatusSchema,
        EmailSetupSchema,
        DeliveryChannelSchema,
        EmailReceiptSchema,
    )),
    tags(
        (name = "conversations", description = "Start, signal, query and follow conversations"),
        (name = "email", description = "Write, schedule, revise and cancel emails with the assistant"),
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

/// An email as the user sees it (the `describe` query's answer).
#[derive(Serialize, ToSchema)]
#[schema(as = EmailView)]
#[allow(dead_code)]
pub struct EmailViewSchema {
    workflow_id: String,
    status: EmailStatusSchema,
    /// The request being processed, or the latest one processed.
    request: Option<String>,
    /// What the user is typing in the request box, as last saved.
    draft: String,
    recipient: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    /// The send time, Unix seconds; set while one is known.
    scheduled_at: Option<i64>,
    /// The send time in the user's zone, for display.
    scheduled_at_text: Option<String>,
    /// The user's IANA time zone.
    time_zone: String,
    /// The assistant's latest reply.
    reply: Option<String>,
    /// Requests (`user`, a string) and replies (`agent`, a string), oldest first.
    messages: ConversationHistorySchema,
    /// How this worker delivers email; null until checked.
    setup: Option<EmailSetupSchema>,
    /// Set once the email was delivered.
    receipt: Option<EmailReceiptSchema>,
    /// Why the email failed, when it did.
    failure: Option<String>,
}

/// Where an email is: `initialized` → `waiting` → `processing` → `scheduled` → `sending` →
/// `sent`; or `canceled`, or `failed`. Only `waiting` and `scheduled` take a request.
#[derive(Serialize, ToSchema)]
#[schema(as = EmailStatus)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum EmailStatusSchema {
    Initialized,
    Waiting,
    Processing,
    Scheduled,
    Sending,
    Sent,
    Canceled,
    Failed,
}

/// How the worker delivers email.
#[derive(Serialize, ToSchema)]
#[schema(as = EmailSetup)]
#[allow(dead_code)]
pub struct EmailSetupSchema {
    channel: DeliveryChannelSchema,
    /// The SMTP server or the outbox folder, for people; never a secret.
    detail: String,
    /// How long a failing send is retried before the email is `failed`.
    send_window_secs: u64,
    /// Draft saves one workflow run takes before it continues as new.
    draft_saves_per_run: u32,
}

/// `smtp` (an SMTP server) or `outbox` (one `.eml` file per email in a folder).
#[derive(Serialize, ToSchema)]
#[schema(as = DeliveryChannel)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DeliveryChannelSchema {
    Smtp,
    Outbox,
}

/// What the send reported once the email was delivered.
#[derive(Serialize, ToSchema)]
#[schema(as = EmailReceipt)]
#[allow(dead_code)]
pub struct EmailReceiptSchema {
    channel: DeliveryChannelSchema,
    message_id: String,
    /// The outbox file, or the SMTP server that accepted the message.
    location: String,
    /// Unix seconds.
    delivered_at: i64,
    /// An earlier attempt had already delivered it.
    already_delivered: bool,
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
    fn email_schemas_match_the_models_on_the_wire() {
        use models::{DeliveryChannel, EmailReceipt, EmailSetup, EmailStatus, EmailView};
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let setup = EmailSetup {
            channel: DeliveryChannel::Outbox,
            detail: ".data/outbox".into(),
            send_window_secs: 60,
            draft_saves_per_run: 500,
        };
        let receipt = EmailReceipt {
            channel: DeliveryChannel::Smtp,
            message_id: "<x@example.com>".into(),
            location: "127.0.0.1:25".into(),
            delivered_at: 1,
            already_delivered: false,
        };
        let view = EmailView {
            workflow_id: "email-1".into(),
            status: EmailStatus::Sent,
            request: None,
            draft: String::new(),
            recipient: None,
            subject: None,
            body: None,
            scheduled_at: None,
            scheduled_at_text: None,
            time_zone: "UTC".into(),
            reply: None,
            messages: ConversationHistory::default(),
            setup: Some(setup.clone()),
            receipt: Some(receipt.clone()),
            failure: None,
        };
        for (name, value) in [
            ("EmailView", serde_json::to_value(&view).unwrap()),
            ("EmailSetup", serde_json::to_value(&setup).unwrap()),
            ("EmailReceipt", serde_json::to_value(&receipt).unwrap()),
        ] {
            assert_eq!(
                property_names(&schemas[name]),
                field_names(&value),
                "{name}"
            );
        }
        for status in [
            EmailStatus::Initialized,
            EmailStatus::Waiting,
            EmailStatus::Processing,
            EmailStatus::Scheduled,
            EmailStatus::Sending,
            EmailStatus::Sent,
            EmailStatus::Canceled,
            EmailStatus::Failed,
        ] {
            let wire = json!(status.as_str()).to_string();
            assert!(schemas["EmailStatus"].to_string().contains(&wire), "{wire}");
        }
        for path in [
            "/email/start",
            "/email/describe",
            "/email/request",
            "/email/save-draft",
            "/email/cancel",
            "/email/events",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
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
