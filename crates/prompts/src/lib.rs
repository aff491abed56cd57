//! What the LLM reads and how we read its answers.
//!
//! The workflow hands activities structured input (goal, history window, the kind of
//! prompt); this crate turns it into chat messages with minijinja templates kept in
//! `templates/`, and turns the model's free-form answer back into typed data. Keeping both
//! directions here means a wording change never touches the workflow, and parsing rules live
//! next to the instructions that ask for the format.

mod email;
mod parse;
mod render;
mod stream;

pub use email::{EmailReply, SendTimeAnswer, email_prompt, parse_email_reply};
pub use parse::{ParseError, extract_json, parse_summary, parse_tool_data, parse_validation};
pub use render::{
    ChatPrompt, EVENT_TURN, PromptError, planner_prompt, summary_prompt, validator_prompt,
};
pub use stream::ResponseText;
