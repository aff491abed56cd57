//! Prints the input that starts a trip conversation, for the Temporal CLI:
//! `temporal workflow start --type AgentGoalWorkflow --input-file <this output> ...`.
//!
//! The starter prompt is queued as an internal instruction (the `###` prefix), exactly as
//! the api starts a conversation.

use models::{AgentWorkflowInput, CarryOver, QueueEntry};

fn main() -> anyhow::Result<()> {
    let goal = tools::goals::event_flight_invoice();
    let input = AgentWorkflowInput {
        carry_over: CarryOver {
            conversation_summary: None,
            prompt_queue: Some(vec![QueueEntry::Text(format!(
                "### {}",
                goal.starter_prompt
            ))]),
        },
        agent_goal: goal,
    };
    println!("{}", serde_json::to_string_pretty(&input)?);
    Ok(())
}
