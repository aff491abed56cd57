//! Goals as data: what each agent is for, read from one TOML file per goal.
//!
//! `GOALS_DIR` (default `goals/`) holds the files. Both binaries read them: the api to list
//! goals and start conversations with one, the worker to resolve a goal's tools when a
//! conversation starts. Every file is checked when it is read; a malformed file, a missing
//! or unknown field, or two files with the same id stop the binary with a message naming the
//! file and the field. Whether each tool exists is the worker's check (it knows its tools
//! and MCP servers): [`GoalCatalog::check_tools`].
//!
//! The agent picker, `choose-agent`, is built in: its tools list the goals the deployment
//! offers (`GOAL_CATEGORIES`) and switch the conversation to one.
//!
//! A goal file:
//!
//! ```toml
//! id = "goal_event_flight_invoice"
//! agent_name = "North America Event Flight Booking"
//! category = "travel-flights"
//! summary = "Find an event, fly there, get an invoice."   # optional: the one-line pitch
//! description = "What the agent must achieve, in steps."
//! starter_prompt = "How the agent opens the conversation."
//! example_conversation = "user: ...\nagent: ..."           # optional
//! tools = ["FindEvents", "travel/convert_currency", "notes/*"]
//! confirm = "all"                                          # optional: all | writes | none
//! ```

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
};

use models::{AgentGoal, ConfirmPolicy, ToolDefinition};
use serde::Deserialize;

/// The built-in agent picker's id.
pub const PICKER_ID: &str = "choose-agent";
/// The picker's tools: list the offered agents, switch to one.
pub const LIST_AGENTS: &str = "ListAgents";
pub const SWITCH_AGENT: &str = "SwitchAgent";
/// The goal used when none is named (`AGENT_GOAL` overrides it).
pub const DEFAULT_GOAL: &str = "goal_event_flight_invoice";
/// The goals the bundled offline demo model knows how to run.
pub const DEMO_MODEL_GOALS: &[&str] = &[DEFAULT_GOAL, PICKER_ID, "goal_travel_helper"];

/// A tool as a goal file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolRef {
    /// A tool built into the worker, e.g. `FindEvents`.
    Builtin(String),
    /// One tool of an MCP server: `<server>/<tool>`.
    Mcp { server: String, tool: String },
    /// Every tool of an MCP server: `<server>/*`.
    McpServer(String),
}

impl ToolRef {
    fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let well_formed = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        };
        match raw.split_once('/') {
            None if well_formed(raw) => Ok(ToolRef::Builtin(raw.to_owned())),
            Some((server, "*")) if well_formed(server) => Ok(ToolRef::McpServer(server.to_owned())),
            Some((server, tool)) if well_formed(server) && well_formed(tool) => Ok(ToolRef::Mcp {
                server: server.to_owned(),
                tool: tool.to_owned(),
            }),
            _ => Err(format!(
                "{raw:?} is not a tool: use a built-in tool's name, \"<server>/<tool>\" or \"<server>/*\""
            )),
        }
    }

    /// The MCP server this reference needs, if any.
    pub fn server(&self) -> Option<&str> {
        match self {
            ToolRef::Builtin(_) => None,
            ToolRef::Mcp { server, .. } | ToolRef::McpServer(server) => Some(server),
        }
    }
}

impl fmt::Display for ToolRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolRef::Builtin(name) => f.write_str(name),
            ToolRef::Mcp { server, tool } => write!(f, "{server}/{tool}"),
            ToolRef::McpServer(server) => write!(f, "{server}/*"),
        }
    }
}

/// One goal, as its file says.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSpec {
    pub id: String,
    pub agent_name: String,
    /// One line for people choosing an agent.
    pub summary: String,
    pub category: String,
    pub description: String,
    pub starter_prompt: String,
    pub example_conversation: String,
    pub tools: Vec<ToolRef>,
    pub confirm: ConfirmPolicy,
    /// The file it came from (`None` for the built-in picker).
    pub file: Option<PathBuf>,
}

impl GoalSpec {
    /// The goal as a new conversation carries it: everything but the tools, which the worker
    /// resolves when the conversation starts.
    pub fn unresolved(&self) -> AgentGoal {
        self.resolved(Vec::new())
    }

    /// The goal with its tools.
    pub fn resolved(&self, tools: Vec<ToolDefinition>) -> AgentGoal {
        AgentGoal {
            id: self.id.clone(),
            category_tag: self.category.clone(),
            agent_name: self.agent_name.clone(),
            agent_friendly_description: self.summary.clone(),
            tools,
            description: self.description.clone(),
            starter_prompt: self.starter_prompt.clone(),
            example_conversation_history: self.example_conversation.clone(),
            confirm: self.confirm,
        }
    }

    /// True when the bundled offline demo model can run this goal.
    pub fn demo_ready(&self) -> bool {
        DEMO_MODEL_GOALS.contains(&self.id.as_str())
    }
}

/// What a goal file may hold; anything else is an error (a typo must not pass silently).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalFile {
    id: String,
    agent_name: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    category: Option<String>,
    description: String,
    starter_prompt: String,
    #[serde(default)]
    example_conversation: Option<String>,
    tools: Vec<String>,
    #[serde(default)]
    confirm: Option<String>,
}

/// Why the goals cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GoalError {
    #[error("cannot read the goals folder {dir} (GOALS_DIR): {message}")]
    Folder { dir: PathBuf, message: String },
    #[error("the goals folder {dir} (GOALS_DIR) holds no goal files (*.toml)")]
    Empty { dir: PathBuf },
    #[error("{file}: {message}")]
    File { file: PathBuf, message: String },
    #[error("{file}: field `{field}`: {problem}")]
    Field {
        file: PathBuf,
        field: &'static str,
        problem: String,
    },
    #[error("{second}: field `id`: {id:?} is already the id of {first}")]
    DuplicateId {
        id: String,
        first: String,
        second: PathBuf,
    },
    #[error("AGENT_GOAL: no goal has the id {0:?}")]
    UnknownDefault(String),
}

/// Which categories the picker offers (`GOAL_CATEGORIES`, comma-separated; empty: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Categories(Vec<String>);

impl Categories {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            raw.unwrap_or_default()
                .split(',')
                .map(|c| c.trim().to_ascii_lowercase())
                .filter(|c| !c.is_empty())
                .collect(),
        )
    }

    pub fn allows(&self, category: &str) -> bool {
        self.0.is_empty() || self.0.iter().any(|c| c.eq_ignore_ascii_case(category))
    }
}

/// Every goal this deployment knows, the picker first.
#[derive(Debug, Clone)]
pub struct GoalCatalog {
    goals: Vec<GoalSpec>,
    categories: Categories,
}

impl GoalCatalog {
    /// Reads every `*.toml` file of `dir` (in name order) and adds the picker.
    pub fn load(dir: &Path, categories: Categories) -> Result<Self, GoalError> {
        let folder_error = |err: std::io::Error| GoalError::Folder {
            dir: dir.to_owned(),
            message: err.to_string(),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(folder_error)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(GoalError::Empty {
                dir: dir.to_owned(),
            });
        }
        let mut goals = vec![picker()];
        let mut seen: BTreeMap<String, String> =
            BTreeMap::from([(PICKER_ID.to_owned(), "the built-in agent picker".to_owned())]);
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|err| GoalError::File {
                file: file.clone(),
                message: err.to_string(),
            })?;
            let goal = parse_goal(&file, &text)?;
            if let Some(first) = seen.get(&goal.id) {
                return Err(GoalError::DuplicateId {
                    id: goal.id,
                    first: first.clone(),
                    second: file,
                });
            }
            seen.insert(goal.id.clone(), file.display().to_string());
            goals.push(goal);
        }
        Ok(Self { goals, categories })
    }

    pub fn get(&self, id: &str) -> Option<&GoalSpec> {
        self.goals.iter().find(|goal| goal.id == id)
    }

    /// Every goal, the picker first, then in file order.
    pub fn all(&self) -> &[GoalSpec] {
        &self.goals
    }

    /// The goals people may choose from: every goal of an allowed category, but the picker.
    pub fn offered(&self) -> impl Iterator<Item = &GoalSpec> {
        self.goals
            .iter()
            .filter(|goal| goal.id != PICKER_ID && self.categories.allows(&goal.category))
    }

    /// The goals that need MCP servers, with the servers.
    pub fn needing_servers(&self) -> impl Iterator<Item = (&GoalSpec, Vec<&str>)> {
        self.goals.iter().filter_map(|goal| {
            let mut servers: Vec<&str> = goal.tools.iter().filter_map(ToolRef::server).collect();
            servers.dedup();
            (!servers.is_empty()).then_some((goal, servers))
        })
    }

    /// Checks that `id` names a goal (for `AGENT_GOAL`).
    pub fn check_default(&self, id: &str) -> Result<(), GoalError> {
        self.get(id)
            .map(|_| ())
            .ok_or_else(|| GoalError::UnknownDefault(id.to_owned()))
    }

    /// Checks every goal's tools: a built-in tool must be one of `builtin`, an MCP tool's
    /// server one of `servers`. Without MCP servers configured (`servers` is `None`) goals
    /// that need one are kept: starting one tells the user its tools are unavailable.
    pub fn check_tools(&self, builtin: &[&str], servers: Option<&[&str]>) -> Result<(), GoalError> {
        for goal in &self.goals {
            for tool in &goal.tools {
                let problem = match tool {
                    ToolRef::Builtin(name) if !builtin.contains(&name.as_str()) => Some(format!(
                        "{name:?} is not a built-in tool (they are: {})",
                        builtin.join(", ")
                    )),
                    ToolRef::Mcp { server, .. } | ToolRef::McpServer(server)
                        if servers.is_some_and(|s| !s.contains(&server.as_str())) =>
                    {
                        Some(format!(
                            "{tool} needs the MCP server {server:?}, which MCP_CONFIG does not name (it names: {})",
                            servers.unwrap_or_default().join(", ")
                        ))
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    return Err(GoalError::Field {
                        file: goal.file.clone().unwrap_or_default(),
                        field: "tools",
                        problem,
                    });
                }
            }
        }
        Ok(())
    }
}

fn parse_goal(file: &Path, text: &str) -> Result<GoalSpec, GoalError> {
    let raw: GoalFile = toml::from_str(text).map_err(|err| GoalError::File {
        file: file.to_owned(),
        message: err.to_string().trim().replace('\n', " "),
    })?;
    let field = |field: &'static str, problem: String| GoalError::Field {
        file: file.to_owned(),
        field,
        problem,
    };
    let required = |name: &'static str, value: &str| {
        if value.trim().is_empty() {
            Err(field(name, "must not be empty".to_owned()))
        } else {
            Ok(value.trim().to_owned())
        }
    };
    let id = required("id", &raw.id)?;
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return Err(field(
            "id",
            format!("{id:?} may only use letters, digits, '_', '-' and '.'"),
        ));
    }
    if raw.tools.is_empty() {
        return Err(field("tools", "a goal needs at least one tool".to_owned()));
    }
    let tools = raw
        .tools
        .iter()
        .map(|tool| ToolRef::parse(tool).map_err(|problem| field("tools", problem)))
        .collect::<Result<Vec<_>, _>>()?;
    let confirm = match raw.confirm.as_deref().map(str::trim) {
        None | Some("all") => ConfirmPolicy::All,
        Some("writes") => ConfirmPolicy::Writes,
        Some("none") => ConfirmPolicy::None,
        Some(other) => {
            return Err(field(
                "confirm",
                format!("{other:?} is not one of \"all\", \"writes\", \"none\""),
            ));
        }
    };
    let description = required("description", &raw.description)?;
    Ok(GoalSpec {
        summary: raw
            .summary
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| first_sentence(&description)),
        agent_name: required("agent_name", &raw.agent_name)?,
        category: raw
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "general".to_owned()),
        starter_prompt: required("starter_prompt", &raw.starter_prompt)?,
        example_conversation: raw
            .example_conversation
            .unwrap_or_default()
            .trim()
            .to_owned(),
        description,
        tools,
        confirm,
        file: Some(file.to_owned()),
        id,
    })
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |at| at + 1);
    text[..end].trim().to_owned()
}

/// The built-in agent picker: offers the goals and switches to the chosen one.
fn picker() -> GoalSpec {
    GoalSpec {
        id: PICKER_ID.to_owned(),
        agent_name: "Agent picker".to_owned(),
        summary: "Tell it what you want to do, and it hands you to the agent for it.".to_owned(),
        category: "agents".to_owned(),
        description: format!(
            "Find out what the user wants to do and hand the conversation to the right agent. \
             1. {LIST_AGENTS}: learn which agents are available, then describe them to the user \
             in a short list (name and what each does) and ask which one they want. \
             2. {SWITCH_AGENT}: once the user has chosen, switch the conversation to that \
             agent, giving its id as agentId. The new agent takes over from the next message."
        ),
        starter_prompt: format!(
            "Greet the user, say in one sentence that you connect them with the agent for what \
             they want to do, and run {LIST_AGENTS} to learn which agents there are."
        ),
        example_conversation: format!(
            "agent: Hello! I can hand you to the agent for what you have in mind. Let me see which agents are available.\n\
             user_confirmed_tool_run: ({LIST_AGENTS})\n\
             tool_result: {{ 'agents': [{{'id': 'goal_event_flight_invoice', 'name': 'North America Event Flight Booking', 'description': 'Find an event, fly there and get an invoice.'}}] }}\n\
             agent: Here is what I can do for you:\\n- North America Event Flight Booking: find an event, fly there and get an invoice.\\nWhich one would you like?\n\
             user: the flights one\n\
             agent: Shall I hand you to North America Event Flight Booking?\n\
             user: yes\n\
             user_confirmed_tool_run: ({SWITCH_AGENT})\n\
             tool_result: {{ 'switched_to': 'goal_event_flight_invoice' }}"
        ),
        tools: vec![
            ToolRef::Builtin(LIST_AGENTS.to_owned()),
            ToolRef::Builtin(SWITCH_AGENT.to_owned()),
        ],
        confirm: ConfirmPolicy::Writes,
        file: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIP: &str = r#"
id = "trip"
agent_name = "Trips"
category = "travel"
description = "Plan a trip. Then book it."
starter_prompt = "Say hello."
tools = ["FindEvents", "travel/convert_currency", "notes/*"]
confirm = "writes"
"#;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn load(files: &[(&str, &str)]) -> Result<GoalCatalog, GoalError> {
        let dir = dir_with(files);
        GoalCatalog::load(dir.path(), Categories::default())
    }

    #[test]
    fn a_goal_file_reads_into_a_goal_with_its_tool_references() {
        let catalog = load(&[("trip.toml", TRIP)]).unwrap();
        let trip = catalog.get("trip").unwrap();
        assert_eq!(trip.summary, "Plan a trip.", "the first sentence stands in");
        assert_eq!(trip.confirm, ConfirmPolicy::Writes);
        assert_eq!(
            trip.tools,
            [
                ToolRef::Builtin("FindEvents".into()),
                ToolRef::Mcp {
                    server: "travel".into(),
                    tool: "convert_currency".into()
                },
                ToolRef::McpServer("notes".into()),
            ]
        );
        let goal = trip.unresolved();
        assert!(goal.tools.is_empty());
        assert_eq!(goal.category_tag, "travel");
        assert_eq!(catalog.all()[0].id, PICKER_ID, "the picker is built in");
    }

    #[test]
    fn each_malformed_file_names_the_file_and_the_field() {
        let cases = [
            ("id = \"x\"\nagent_name = 1", "agent_name"),
            (&TRIP.replace("agent_name = \"Trips\"\n", ""), "agent_name"),
            (
                &TRIP.replace("tools = [", "tools = [\"bad tool name\", "),
                "tools",
            ),
            (
                &TRIP.replace("confirm = \"writes\"", "confirm = \"sometimes\""),
                "confirm",
            ),
            (&TRIP.replace("category", "kategory"), "kategory"),
            (
                &TRIP.replace("starter_prompt = \"Say hello.\"", "starter_prompt = \" \""),
                "starter_prompt",
            ),
            (&TRIP.replace("id = \"trip\"", "id = \"trip one\""), "id"),
            ("this is = = not toml", "broken.toml"),
        ];
        for (text, field) in cases {
            let err = load(&[("broken.toml", text)]).unwrap_err().to_string();
            assert!(err.contains("broken.toml"), "{err}");
            assert!(err.contains(field), "{field}: {err}");
        }
    }

    #[test]
    fn two_files_with_one_id_are_refused() {
        let err = load(&[("a.toml", TRIP), ("b.toml", TRIP)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.toml") && err.contains("a.toml") && err.contains("`id`"),
            "{err}"
        );
        let picker = TRIP.replace("id = \"trip\"", "id = \"choose-agent\"");
        assert!(
            load(&[("a.toml", &picker)]).is_err(),
            "the picker's id is taken"
        );
    }

    #[test]
    fn unknown_tools_and_servers_are_refused_by_name() {
        let catalog = load(&[("trip.toml", TRIP)]).unwrap();
        let all = [LIST_AGENTS, SWITCH_AGENT, "FindEvents"];
        catalog
            .check_tools(&all, Some(&["travel", "notes"]))
            .unwrap();
        catalog.check_tools(&all, None).unwrap();
        let err = catalog
            .check_tools(&all, Some(&["travel"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("trip.toml") && err.contains("`tools`") && err.contains("notes"),
            "{err}"
        );
        let err = catalog
            .check_tools(&[LIST_AGENTS, SWITCH_AGENT], Some(&["travel", "notes"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("FindEvents"), "{err}");
    }

    #[test]
    fn categories_limit_what_the_picker_offers() {
        let other = TRIP
            .replace("id = \"trip\"", "id = \"money\"")
            .replace("category = \"travel\"", "category = \"finance\"");
        let dir = dir_with(&[("a.toml", TRIP), ("b.toml", &other)]);
        let all = GoalCatalog::load(dir.path(), Categories::parse(None)).unwrap();
        let ids: Vec<&str> = all.offered().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["trip", "money"]);
        let travel = GoalCatalog::load(dir.path(), Categories::parse(Some(" Travel , x"))).unwrap();
        let ids: Vec<&str> = travel.offered().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["trip"]);
        assert!(travel.get("money").is_some(), "still startable by id");
    }

    #[test]
    fn an_empty_or_missing_folder_is_an_error() {
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            GoalCatalog::load(empty.path(), Categories::default()),
            Err(GoalError::Empty { .. })
        ));
        assert!(matches!(
            GoalCatalog::load(Path::new("/nonexistent/goals"), Categories::default()),
            Err(GoalError::Folder { .. })
        ));
    }

    #[test]
    fn the_shipped_goals_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../goals");
        let catalog = GoalCatalog::load(&dir, Categories::default()).unwrap();
        catalog.check_default(DEFAULT_GOAL).unwrap();
        assert!(
            catalog.offered().count() >= 3,
            "the trip goal and at least two more"
        );
        for id in DEMO_MODEL_GOALS {
            assert!(
                catalog.get(id).is_some(),
                "the demo model's goal {id} ships"
            );
        }
    }
}
