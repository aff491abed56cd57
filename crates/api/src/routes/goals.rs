//! `GET /goals`: the agents a conversation can be started with.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;

/// `GET /goals`'s answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GoalsResponse {
    /// The goal of a conversation started without `goal=`.
    pub default_goal: String,
    /// The goals offered (those of `GOAL_CATEGORIES`): the agent picker, the default goal,
    /// then the others.
    pub goals: Vec<GoalInfo>,
}

/// One goal, as people choose it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GoalInfo {
    pub id: String,
    /// The agent's name.
    pub name: String,
    /// What it does, in a sentence.
    pub description: String,
    pub category: String,
    /// False when this deployment cannot run it as configured (e.g. the offline demo model
    /// does not know it); `note` says why.
    pub available: bool,
    pub note: Option<String>,
}

#[utoipa::path(
    get,
    path = "/goals",
    tag = "conversations",
    summary = "The goals a conversation can pursue",
    description = "Every goal of `GOALS_DIR` this deployment offers (`GOAL_CATEGORIES`), with the \
        built-in agent picker (`choose-agent`) first and the default goal next. Start a conversation with one through \
        `POST /start-workflow?goal=<id>`.",
    responses((status = 200, description = "The goals", body = GoalsResponse))
)]
pub async fn list(State(state): State<AppState>) -> Json<GoalsResponse> {
    let goals = state.temporal.goals();
    let demo = state.settings.demo_model;
    let catalog = goals.catalog();
    // The picker, then the default goal, then the others in file order.
    let default_id = goals.default_id();
    let picker = catalog.get(goals::PICKER_ID).into_iter();
    let (default, others): (Vec<_>, Vec<_>) =
        catalog.offered().partition(|goal| goal.id == default_id);
    let goals_list = picker
        .chain(default)
        .chain(others)
        .map(|goal| {
            let offline_only = demo && !goal.demo_ready();
            GoalInfo {
                id: goal.id.clone(),
                name: goal.agent_name.clone(),
                description: goal.summary.clone(),
                category: goal.category.clone(),
                available: !offline_only,
                note: offline_only.then(|| {
                    "The offline demo model cannot run this agent; set LLM_KEY to use a real model."
                        .to_owned()
                }),
            }
        })
        .collect();
    Json(GoalsResponse {
        default_goal: goals.default_id().to_owned(),
        goals: goals_list,
    })
}
