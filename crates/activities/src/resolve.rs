//! A goal with its tools, for the workflow: `agent_resolveGoal`.
//!
//! Goals are files (the `goals` crate); the tools they name are resolved here, on the worker,
//! when a conversation starts or switches goal: built-in tools from the tool registry's
//! definitions, MCP tools from their servers' tool lists. The workflow keeps the answer in
//! its state, so a replay never asks a server again.

use std::sync::Arc;

use goals::{GoalCatalog, ToolRef};
use models::{AgentGoal, ToolDefinition};

use crate::mcp::{self, McpServers};

/// Why a goal cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("this worker has no goal {0:?}")]
    UnknownGoal(String),
    #[error("{tool} is not a tool of this worker")]
    UnknownTool { tool: String },
    #[error("{goal} needs the MCP server of {tool}, and this worker has no MCP_CONFIG")]
    NotConfigured { goal: String, tool: String },
    #[error("the tools of {goal} are unavailable: {reason}")]
    Unavailable { goal: String, reason: String },
}

impl ResolveError {
    /// A server that did not answer may answer later; a missing goal or tool never will.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ResolveError::Unavailable { .. })
    }
}

/// Resolves goals against this worker's tools.
pub struct GoalResolver {
    catalog: GoalCatalog,
    builtin: Vec<ToolDefinition>,
    /// The MCP servers of `MCP_CONFIG`, if it is set.
    mcp: Option<Arc<McpServers>>,
}

impl GoalResolver {
    pub fn new(
        catalog: GoalCatalog,
        builtin: Vec<ToolDefinition>,
        mcp: Option<Arc<McpServers>>,
    ) -> Self {
        Self {
            catalog,
            builtin,
            mcp,
        }
    }

    pub fn catalog(&self) -> &GoalCatalog {
        &self.catalog
    }

    /// The goal `id` with every tool its file names, in the file's order.
    pub async fn resolve(&self, id: &str) -> Result<AgentGoal, ResolveError> {
        let spec = self
            .catalog
            .get(id)
            .ok_or_else(|| ResolveError::UnknownGoal(id.to_owned()))?;
        let mut tools = Vec::new();
        for tool in &spec.tools {
            match tool {
                ToolRef::Builtin(name) => tools.push(
                    self.builtin
                        .iter()
                        .find(|d| &d.name == name)
                        .cloned()
                        .ok_or_else(|| ResolveError::UnknownTool { tool: name.clone() })?,
                ),
                ToolRef::Mcp { server, .. } | ToolRef::McpServer(server) => {
                    let Some(mcp) = &self.mcp else {
                        return Err(ResolveError::NotConfigured {
                            goal: spec.agent_name.clone(),
                            tool: tool.to_string(),
                        });
                    };
                    let listed =
                        mcp.list_tools(server)
                            .await
                            .map_err(|err| ResolveError::Unavailable {
                                goal: spec.agent_name.clone(),
                                reason: err.to_string(),
                            })?;
                    let offered = listed
                        .iter()
                        .filter_map(|listed| mcp::definition(server, listed));
                    match tool {
                        ToolRef::Mcp { tool: name, .. } => tools.push(
                            offered
                                .into_iter()
                                .find(|d| d.name == format!("{server}/{name}"))
                                .ok_or_else(|| ResolveError::UnknownTool {
                                    tool: tool.to_string(),
                                })?,
                        ),
                        _ => tools.extend(offered),
                    }
                }
            }
        }
        Ok(spec.resolved(tools))
    }
}
