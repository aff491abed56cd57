//! The OpenAPI document served at `/openapi.json`, generated from the handlers'
//! `#[utoipa::path]` annotations so it cannot drift from the routes.
//!
//! The wire shapes are `models`' own types, whose schemas are derived there (its `openapi`
//! feature), so the document, the workflows and the UI's generated types
//! (`frontend/src/generated/api.ts`, from the committed `frontend/openapi.json`) share one
//! definition.

use models::{
    Actor, ConversationHistory, CurrentGoal, DeliveryChannel, EmailReceipt, EmailSetup,
    EmailStatus, EmailView, Message, NextStep, PlannerDecision,
};
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
        conversations::{ConfirmBody, ProposalResponse},
        email::{DraftSaved, EmailTextBody, StartEmailBody},
        goals::{GoalInfo, GoalsResponse},
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
        crate::metrics::metrics,
        crate::routes::conversations::start_workflow,
        crate::routes::conversations::send_prompt,
        crate::routes::conversations::confirm,
        crate::routes::conversations::decline,
        crate::routes::conversations::list_conversations,
        crate::routes::conversations::end_chat,
        crate::routes::conversations::get_conversation_history,
        crate::routes::conversations::get_latest_tool_data,
        crate::routes::goals::list,
        crate::routes::conversations::get_conversation_usage,
        crate::events::events,
        crate::events::ticket,
        crate::routes::email::start,
        crate::routes::email::describe,
        crate::routes::email::request,
        crate::routes::email::save_draft,
        crate::routes::email::cancel,
        crate::routes::email::events,
    ),
    components(schemas(
        ErrorBody,
        GoalsResponse,
        GoalInfo,
        crate::prices::UsageReport,
        crate::prices::StepUsage,
        models::UsageTotals,
        MessageResponse,
        ConfirmBody,
        ProposalResponse,
        models::ToolRun,
        models::ToolCall,
        crate::temporal::ConversationsPage,
        crate::temporal::ConversationSummary,
        crate::temporal::ConversationStatus,
        RootResponse,
        HealthResponse,
        UiConfig,
        crate::routes::meta::AuthInfo,
        crate::auth::AuthModeName,
        crate::auth::OidcSettings,
        crate::events::StreamTicket,
        Status,
        crate::temporal::ActivityRetry,
        ConversationState,
        HistoryReply,
        ConversationHistory,
        CurrentGoal,
        Message,
        Actor,
        PlannerDecision,
        NextStep,
        StartEmailBody,
        EmailTextBody,
        DraftSaved,
        EmailStreamStatus,
        EmailStreamState,
        EmailView,
        EmailStatus,
        EmailSetup,
        DeliveryChannel,
        EmailReceipt,
    )),
    modifiers(&Authenticated),
    tags(
        (name = "conversations", description = "Start, signal, query and follow conversations"),
        (name = "email", description = "Write, schedule, revise and cancel emails with the assistant"),
        (name = "meta", description = "The api itself"),
    )
)]
pub struct ApiDoc;

/// The endpoints anyone may call, whatever `API_AUTH` says.
pub const PUBLIC_PATHS: [&str; 5] = ["/", "/health", "/ui-config", "/openapi.json", "/metrics"];

/// Marks every endpoint but the public ones as needing a bearer token (with `API_AUTH`
/// `tokens` or `jwt`), answering 401 without one and 429 over the caller's limits.
struct Authenticated;

impl utoipa::Modify for Authenticated {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            RefOr, ResponseBuilder,
            content::ContentBuilder,
            security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "With API_AUTH=tokens, a token of API_TOKENS_FILE; with API_AUTH=jwt, a \
                         JWT of the configured issuer. Event streams also take a `ticket` \
                         (POST /events/ticket).",
                    ))
                    .build(),
            ),
        );
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                                "ErrorBody",
                            ))))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if PUBLIC_PATHS.contains(&path.as_str()) {
                continue;
            }
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                operation.security = Some(vec![SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )]);
                let responses = &mut operation.responses.responses;
                responses.entry("401".into()).or_insert_with(|| {
                    error("No token, or not one this api accepts (`WWW-Authenticate: Bearer`)")
                });
                responses.entry("429".into()).or_insert_with(|| {
                    error("Over the caller's request rate or conversation limits (`Retry-After`); nothing was done")
                });
            }
        }
    }
}

/// What `/get-conversation-history` answers.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum HistoryReply {
    /// The conversation so far.
    History(ConversationHistory),
    /// `[]`: the run was terminated, cancelled, failed or timed out, or the conversation
    /// was only just started.
    Empty(Vec<Value>),
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut decision = PlannerDecision::question("hi");
        decision.reply_id = Some("run/1".into());
        decision.proposal_id = Some("run/1".into());
        decision.tool_calls = vec![models::ToolCall {
            tool: "FindEvents".into(),
            args: serde_json::Map::new(),
        }];
        let tool_data = serde_json::to_value(decision).unwrap();
        assert_eq!(
            property_names(&schemas["PlannerDecision"]),
            field_names(&tool_data)
        );

        let mut history = ConversationHistory {
            goal: Some(CurrentGoal {
                id: "goal_trip".into(),
                name: "Trip agent".into(),
            }),
            ..Default::default()
        };
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
            Actor::UserDeclinedToolRun,
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

    /// The UI's types are generated from `frontend/openapi.json` (`npm run gen:types`); this
    /// keeps that file equal to the document the api serves. `UPDATE_OPENAPI=1` rewrites it.
    #[test]
    fn the_uis_copy_of_the_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/openapi.json");
        let current = serde_json::to_string_pretty(&ApiDoc::openapi()).unwrap() + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == current,
            "frontend/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p api --lib openapi`, then `npm run gen:types` in frontend/"
        );
    }

    #[test]
    fn operation_ids_are_unique() {
        let doc = document();
        let mut seen = std::collections::BTreeSet::new();
        for (path, methods) in doc["paths"].as_object().unwrap() {
            for operation in methods.as_object().unwrap().values() {
                let id = operation["operationId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                assert!(
                    seen.insert(id.clone()),
                    "{path}: operationId {id} is used twice"
                );
            }
        }
    }

    #[test]
    fn root_documents_both_the_json_greeting_and_the_html_ui() {
        let doc = document();
        let content = &doc["paths"]["/"]["get"]["responses"]["200"]["content"];
        assert!(content["application/json"].is_object(), "{content}");
        assert!(content["text/html"].is_object(), "{content}");
    }
}
