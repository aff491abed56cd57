//! Scripted mode: canned answers chosen by simple rules, for tests that need exact replies.
//!
//! A rule matches on the request's step and on substrings (case-insensitive) of the prompt,
//! the embedded history (as compact JSON) and the system message. The first matching rule
//! with uses left answers; `times` limits how often (none = forever). When rules are set and
//! none matches, the server answers HTTP 500 so a test notices, unless the demo agent is
//! configured as the fallback.
//!
//! JSON format of one rule (every field optional except one of `reply` / `status`):
//!
//! ```json
//! {"name": "events", "step": "planner", "prompt_contains": "Austin",
//!  "history_contains": "\"tool\":\"FindEvents\"", "system_contains": "Trip Agent",
//!  "times": 1, "reply": {"next": "question", "response": "Which month?"},
//!  "status": 429, "retry_after": "2"}
//! ```
//!
//! A rule file (and `PUT /admin/rules`) holds either a bare array of rules or
//! `{"rules": [...], "fallback": "demo" | "none"}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::conversation::{Step, Turn};

/// One scripted answer and when it applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// A label that shows up in the request log, to tell which rule answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Only requests of this step; `null` for any.
    #[serde(default)]
    pub step: Option<Step>,
    #[serde(default)]
    pub prompt_contains: Option<String>,
    #[serde(default)]
    pub history_contains: Option<String>,
    #[serde(default)]
    pub system_contains: Option<String>,
    /// How many requests this rule answers; `null` for every one.
    #[serde(default)]
    pub times: Option<u32>,
    /// A JSON value is sent as its JSON text; a string is sent verbatim. With `status`, the
    /// error body instead (JSON as JSON, a string as plain text).
    #[serde(default)]
    pub reply: Option<Value>,
    /// Fail with this HTTP status (400-599) instead of answering.
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` header value sent with a failure.
    #[serde(default)]
    pub retry_after: Option<String>,
}

impl Rule {
    /// A rule answering every request with `reply` (a JSON value, or a string sent verbatim).
    pub fn reply(reply: impl Into<Value>) -> Self {
        Rule {
            reply: Some(reply.into()),
            ..Rule::default()
        }
    }

    /// A rule failing every request with `status`.
    pub fn fail(status: u16) -> Self {
        Rule {
            status: Some(status),
            ..Rule::default()
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn step(mut self, step: Step) -> Self {
        self.step = Some(step);
        self
    }

    pub fn prompt_contains(mut self, text: impl Into<String>) -> Self {
        self.prompt_contains = Some(text.into());
        self
    }

    pub fn history_contains(mut self, text: impl Into<String>) -> Self {
        self.history_contains = Some(text.into());
        self
    }

    pub fn system_contains(mut self, text: impl Into<String>) -> Self {
        self.system_contains = Some(text.into());
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    /// Whether this rule is well formed: it answers or fails, with a real error status.
    pub fn check(&self) -> Result<(), String> {
        match self.status {
            Some(status) if !(400..=599).contains(&status) => {
                Err(format!("status must be between 400 and 599, not {status}"))
            }
            None if self.reply.is_none() => Err("a rule needs a reply or a status".to_owned()),
            _ => Ok(()),
        }
    }

    fn matches(&self, turn: &Turn, history_json: &str) -> bool {
        let contains = |needle: &Option<String>, haystack: &str| {
            needle
                .as_deref()
                .is_none_or(|n| haystack.to_lowercase().contains(&n.to_lowercase()))
        };
        self.step.is_none_or(|step| step == turn.step)
            && contains(&self.prompt_contains, &turn.prompt)
            && contains(&self.history_contains, history_json)
            && contains(&self.system_contains, &turn.system)
    }

    /// The assistant message content this rule sends.
    pub fn content(&self) -> String {
        match &self.reply {
            Some(Value::String(text)) => text.clone(),
            Some(value) => value.to_string(),
            None => String::new(),
        }
    }
}

/// What answers when scripted rules are set and none matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    /// HTTP 500 saying no rule matched.
    #[default]
    None,
    /// The demo agent.
    Demo,
}

impl std::str::FromStr for Fallback {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "demo" => Ok(Fallback::Demo),
            "none" => Ok(Fallback::None),
            other => Err(format!("fallback must be demo or none, not {other:?}")),
        }
    }
}

/// Rules plus an optional fallback, as read from a rule file or `PUT /admin/rules`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// `None` keeps whatever fallback is configured.
    pub fallback: Option<Fallback>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RuleFile {
    List(Vec<Rule>),
    Set {
        #[serde(default)]
        rules: Vec<Rule>,
        #[serde(default)]
        fallback: Option<Fallback>,
    },
}

impl RuleSet {
    /// Parses and checks a rule file's JSON.
    pub fn from_json(json: &[u8]) -> Result<Self, String> {
        let file: RuleFile = serde_json::from_slice(json).map_err(|err| {
            format!("rules must be a JSON array of rules or {{\"rules\": [...], \"fallback\": ...}}: {err}")
        })?;
        let set = match file {
            RuleFile::List(rules) => RuleSet {
                rules,
                fallback: None,
            },
            RuleFile::Set { rules, fallback } => RuleSet { rules, fallback },
        };
        for (index, rule) in set.rules.iter().enumerate() {
            rule.check().map_err(|err| format!("rule {index}: {err}"))?;
        }
        Ok(set)
    }
}

/// A rule with its use counter.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Slot {
    #[serde(flatten)]
    rule: Rule,
    /// Uses left; `null` for unlimited.
    remaining: Option<u32>,
    used: u32,
}

/// The rule that answered a request.
#[derive(Debug, Clone)]
pub(crate) struct Matched {
    pub index: usize,
    pub rule: Rule,
}

/// The live rule list. Scripted mode is on while rules have been set (even once all are used
/// up: running out is then a test failure worth seeing, not a silent switch to the demo).
#[derive(Debug, Default)]
pub(crate) struct Script {
    slots: Vec<Slot>,
    pub fallback: Fallback,
}

impl Script {
    pub fn is_scripted(&self) -> bool {
        !self.slots.is_empty()
    }

    /// Replaces all rules; an empty list returns to demo mode.
    pub fn set(&mut self, rules: Vec<Rule>) {
        self.slots = rules.into_iter().map(Slot::new).collect();
    }

    pub fn push(&mut self, rule: Rule) {
        self.slots.push(Slot::new(rule));
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Finds the first matching rule with uses left and consumes one use, under the caller's
    /// lock, so concurrent requests never share a single use.
    pub fn take(&mut self, turn: &Turn) -> Option<Matched> {
        let history_json = turn.history_json();
        let (index, slot) = self.slots.iter_mut().enumerate().find(|(_, slot)| {
            slot.remaining != Some(0) && slot.rule.matches(turn, &history_json)
        })?;
        if let Some(remaining) = &mut slot.remaining {
            *remaining -= 1;
        }
        slot.used += 1;
        Some(Matched {
            index,
            rule: slot.rule.clone(),
        })
    }
}

impl Slot {
    fn new(rule: Rule) -> Self {
        Slot {
            remaining: rule.times,
            used: 0,
            rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openai::ChatMessage;
    use serde_json::json;

    fn turn(step: Step, prompt: &str, history: &str) -> Turn {
        Turn::parse(
            step,
            &[
                ChatMessage::new(
                    "system",
                    format!(
                        "Trip Agent\n<conversation_history>\n{history}\n</conversation_history>"
                    ),
                ),
                ChatMessage::new("user", prompt),
            ],
        )
    }

    #[test]
    fn first_matching_rule_with_uses_left_answers() {
        let mut script = Script::default();
        script.set(vec![
            Rule::reply("first").step(Step::Validator),
            Rule::reply("once").prompt_contains("austin").times(1),
            Rule::reply("always"),
        ]);
        let planner = turn(Step::Planner, "Austin please", r#"{"messages": []}"#);
        assert_eq!(script.take(&planner).unwrap().rule.content(), "once");
        assert_eq!(script.take(&planner).unwrap().rule.content(), "always");
        let validator = turn(Step::Validator, "hi", r#"{"messages": []}"#);
        assert_eq!(script.take(&validator).unwrap().index, 0);
    }

    #[test]
    fn history_and_system_filters_use_compact_json_and_ignore_case() {
        let mut script = Script::default();
        script.set(vec![
            Rule::reply(json!({"next": "done"}))
                .history_contains(r#""tool":"findevents""#)
                .system_contains("trip agent"),
        ]);
        let without = turn(Step::Planner, "x", r#"{"messages": []}"#);
        assert!(script.take(&without).is_none());
        let with = turn(
            Step::Planner,
            "x",
            r#"{"messages": [{"actor": "tool_result", "response": {"tool": "FindEvents"}}]}"#,
        );
        assert_eq!(
            script.take(&with).unwrap().rule.content(),
            r#"{"next":"done"}"#
        );
    }

    #[test]
    fn rule_files_come_as_a_list_or_a_set_and_are_checked() {
        let list = RuleSet::from_json(br#"[{"reply": "hi"}]"#).unwrap();
        assert_eq!(list.rules.len(), 1);
        assert_eq!(list.fallback, None);
        let set =
            RuleSet::from_json(br#"{"rules": [{"status": 503}], "fallback": "demo"}"#).unwrap();
        assert_eq!(set.fallback, Some(Fallback::Demo));
        assert!(RuleSet::from_json(br#"[{"step": "planner"}]"#).is_err());
        assert!(RuleSet::from_json(br#"[{"status": 200}]"#).is_err());
        assert!(RuleSet::from_json(br#"[{"step": "planer", "reply": 1}]"#).is_err());
    }
}
