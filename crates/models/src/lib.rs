//! The data that crosses every boundary of the agent.
//!
//! Everything here travels as JSON: in Temporal payloads between the workflow and its
//! activities, in query results read by the api, and in the LLM's answers. The field names
//! are interface facts shared with existing clients (the Python original's curl scripts, UIs
//! and Temporal tooling), so they are spelled exactly as on the wire.
//!
//! Parsing is lenient where the data comes from an LLM (missing keys take defaults, `null`
//! means empty) and strict where it matters (an unknown `next` step is an error, never a
//! silent guess).

mod activity_io;
mod conversation;
mod decision;
mod email;
mod goal;
mod prompt;
mod serde_helpers;
mod usage;
mod workflow_io;

pub use activity_io::{
    ConfirmOutcome, ConfirmRequest, DeclineRequest, LiveReply, McpCallInput, PlannerAnswer,
    PlannerInput, ProposalOutcome, ResolveGoalInput, SummaryAnswer, SummaryInput, ToolRun,
    UserIntent, ValidationFailure, ValidationInput, ValidationResult,
};
pub use conversation::{
    Actor, CONVERSATION_MEMO, ConversationHistory, ConversationMemo, CurrentGoal, Message,
};
pub use decision::{NextStep, PlannerDecision, ToolCall};
pub use email::{
    DEFAULT_DRAFT_SAVES_PER_RUN, DEFAULT_TIME_ZONE, DeliveryChannel, EmailCarry, EmailDecision,
    EmailFields, EmailReceipt, EmailRequestInput, EmailSendInput, EmailSetup, EmailStatus,
    EmailView, EmailWorkflowInput, SendTime,
};
pub use goal::{AgentGoal, ConfirmPolicy, ToolArgument, ToolDefinition, ToolSource};
pub use prompt::{INTERNAL_PREFIX, InternalPrompt, PendingPrompt, QueueEntry, ToolResult};
pub use usage::{ConversationUsage, LlmUsage, UsageTotals};
pub use workflow_io::{AgentWorkflowInput, CarryOver, LlmRetrySettings, WorkflowSettings};
