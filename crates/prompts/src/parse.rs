//! Reading the model's answers.
//!
//! Models wrap JSON in code fences, add a sentence before or after it, leave keys out or
//! send `null`. We accept all of that, and reject only what we cannot act on safely: no
//! JSON object at all, an unknown `next` step, or a proposal naming a tool the goal does not
//! have. Callers treat a [`ParseError`] as a bad answer worth asking again for.

use models::{AgentGoal, NextStep, PlannerDecision, ValidationFailure, ValidationResult};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the answer was empty")]
    Empty,
    #[error("the answer holds no JSON object")]
    NoJson,
    #[error("the answer's JSON does not have the expected shape: {0}")]
    Shape(String),
    #[error("the answer proposes tool {0:?}, which this goal does not have")]
    UnknownTool(String),
}

/// Finds the JSON object in a model's answer: the whole text, the inside of a code fence,
/// or the first balanced `{...}` that parses.
pub fn extract_json(raw: &str) -> Result<Value, ParseError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    if let Some(inner) = fenced_block(text)
        && let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(inner.trim())
    {
        return Ok(value);
    }
    let mut search_from = 0;
    while let Some(offset) = text[search_from..].find('{') {
        let start = search_from + offset;
        if let Some(end) = balanced_object_end(&text[start..])
            && let Ok(value @ Value::Object(_)) =
                serde_json::from_str::<Value>(&text[start..start + end])
        {
            return Ok(value);
        }
        search_from = start + 1;
    }
    Err(ParseError::NoJson)
}

/// The content of the first ``` fence, without its language tag.
fn fenced_block(text: &str) -> Option<&str> {
    let open = text.find("```")?;
    let after_open = &text[open + 3..];
    let body_start = after_open.find('\n').map_or(0, |i| i + 1);
    let body = &after_open[body_start..];
    let close = body.find("```").unwrap_or(body.len());
    Some(&body[..close])
}

/// Length of the balanced `{...}` at the start of `text`, skipping braces inside strings.
fn balanced_object_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, ch) in text.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Parses the planner's answer and checks it against the goal.
///
/// A proposal (`confirm`) must name one of the goal's tools. For other steps an unknown
/// tool name is dropped rather than rejected: it is only informational there. `done`
/// always ends with no tool and no arguments.
pub fn parse_tool_data(raw: &str, goal: &AgentGoal) -> Result<PlannerDecision, ParseError> {
    let value = extract_json(raw)?;
    let mut data: PlannerDecision =
        serde_json::from_value(value).map_err(|err| ParseError::Shape(err.to_string()))?;
    data.normalize();
    let known = |name: &str| goal.tools.iter().any(|tool| tool.name == name);
    let tool = data.tool_name().map(str::to_owned);
    if data.next != NextStep::Confirm {
        // Only a proposal runs several tools.
        data.tool_calls.clear();
    }
    if let Some(unknown) = data.tool_calls.iter().find(|call| !known(&call.tool)) {
        return Err(ParseError::UnknownTool(unknown.tool.clone()));
    }
    match data.next {
        NextStep::Confirm => match tool {
            Some(name) if known(&name) => data.tool = Some(name),
            Some(name) => return Err(ParseError::UnknownTool(name)),
            None => {
                return Err(ParseError::Shape(
                    "next is \"confirm\" but no tool is named".into(),
                ));
            }
        },
        NextStep::Done => {
            data.tool = None;
            data.args = Map::new();
        }
        NextStep::UserConfirmedToolRun => {
            return Err(ParseError::Shape(
                "next = \"user_confirmed_tool_run\" is not the planner's to choose".into(),
            ));
        }
        NextStep::Question | NextStep::PickNewGoal => {
            data.tool = tool.filter(|name| known(name));
        }
    }
    Ok(data)
}

/// Parses the validator's verdict, accepting `"true"`/`"false"` strings for the flag.
pub fn parse_validation(raw: &str) -> Result<ValidationResult, ParseError> {
    let value = extract_json(raw)?;
    let valid = match value.get("validationResult") {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => true,
        Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => false,
        other => {
            return Err(ParseError::Shape(format!(
                "validationResult must be true or false, got {other:?}"
            )));
        }
    };
    if valid {
        let intent = serde_json::from_value::<ValidationResult>(serde_json::json!({
            "validationResult": true,
            "userIntent": value.get("userIntent").cloned().unwrap_or(Value::Null),
        }))
        .map_err(|err| ParseError::Shape(err.to_string()))?
        .intent;
        return Ok(ValidationResult {
            intent,
            ..ValidationResult::valid()
        });
    }
    let reason: ValidationResult = serde_json::from_value(serde_json::json!({
        "validationResult": false,
        "validationFailedReason": value.get("validationFailedReason").cloned().unwrap_or(Value::Null),
    }))
    .map_err(|err| ParseError::Shape(err.to_string()))?;
    let failure = reason
        .failed_reason
        .filter(|f| !f.response.trim().is_empty())
        .unwrap_or_else(|| ValidationFailure {
            next: NextStep::Question,
            response: "That doesn't seem to fit what I can help with here. Could you rephrase it?"
                .into(),
        });
    Ok(ValidationResult {
        valid: false,
        failed_reason: Some(ValidationFailure {
            next: NextStep::Question,
            ..failure
        }),
        intent: None,
        usage: None,
    })
}

/// Reads a summary: plain text, or JSON with a `summary`/`response` field, fences removed.
pub fn parse_summary(raw: &str) -> Result<String, ParseError> {
    let text = raw.trim();
    let text = fenced_block(text).map(str::trim).unwrap_or(text);
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        return ["summary", "response"]
            .iter()
            .find_map(|key| map.get(*key).and_then(Value::as_str))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or(ParseError::Shape(
                "no summary text in the JSON answer".into(),
            ));
    }
    let text = text.trim_matches('"').trim();
    if text.is_empty() {
        Err(ParseError::Empty)
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{ToolArgument, ToolDefinition};
    use serde_json::json;

    fn goal() -> AgentGoal {
        AgentGoal {
            id: "g".into(),
            category_tag: "c".into(),
            agent_name: "a".into(),
            agent_friendly_description: "d".into(),
            tools: vec![ToolDefinition::builtin(
                "FindEvents",
                "find",
                vec![ToolArgument::new("city", "string", "city")],
            )],
            description: "d".into(),
            starter_prompt: "s".into(),
            example_conversation_history: "e".into(),
            confirm: Default::default(),
        }
    }

    #[test]
    fn plain_json_parses() {
        let data = parse_tool_data(
            r#"{"next": "confirm", "tool": "FindEvents", "args": {"city": "Austin"}, "response": "Looking"}"#,
            &goal(),
        )
        .unwrap();
        assert_eq!(data.next, NextStep::Confirm);
        assert_eq!(data.tool.as_deref(), Some("FindEvents"));
        assert_eq!(data.args["city"], "Austin");
    }

    #[test]
    fn code_fences_are_stripped() {
        let raw = "```json\n{\"next\": \"question\", \"tool\": null, \"args\": {}, \"response\": \"Which city?\"}\n```";
        let data = parse_tool_data(raw, &goal()).unwrap();
        assert_eq!(data.response, "Which city?");
    }

    #[test]
    fn prose_around_the_json_is_ignored_and_braces_in_strings_are_fine() {
        let raw = "Sure! Here is my answer:\n{\"next\": \"question\", \"response\": \"Use {city} or }\"}\nHope that helps {really}.";
        let data = parse_tool_data(raw, &goal()).unwrap();
        assert_eq!(data.response, "Use {city} or }");
    }

    #[test]
    fn missing_keys_take_defaults() {
        let data = parse_tool_data(r#"{"next": "question"}"#, &goal()).unwrap();
        assert_eq!(data.tool, None);
        assert!(data.args.is_empty());
        assert_eq!(data.response, "");
    }

    #[test]
    fn prose_without_json_is_an_error() {
        assert_eq!(
            parse_tool_data("I think you should go to Austin.", &goal()),
            Err(ParseError::NoJson)
        );
        assert_eq!(parse_tool_data("   ", &goal()), Err(ParseError::Empty));
    }

    #[test]
    fn missing_next_is_a_shape_error() {
        assert!(matches!(
            parse_tool_data(r#"{"response": "hi"}"#, &goal()),
            Err(ParseError::Shape(_))
        ));
    }

    #[test]
    fn proposing_an_unknown_tool_is_rejected() {
        assert_eq!(
            parse_tool_data(
                r#"{"next": "confirm", "tool": "BookHotel", "args": {}}"#,
                &goal()
            ),
            Err(ParseError::UnknownTool("BookHotel".into()))
        );
        assert!(matches!(
            parse_tool_data(r#"{"next": "confirm", "tool": null}"#, &goal()),
            Err(ParseError::Shape(_))
        ));
    }

    #[test]
    fn unknown_tool_on_a_question_is_dropped() {
        let data =
            parse_tool_data(r#"{"next": "question", "tool": "BookHotel"}"#, &goal()).unwrap();
        assert_eq!(data.tool, None);
    }

    #[test]
    fn done_clears_tool_and_args() {
        let data = parse_tool_data(
            r#"{"next": "done", "tool": "FindEvents", "args": {"city": "x"}, "response": "Bye"}"#,
            &goal(),
        )
        .unwrap();
        assert_eq!(data.tool, None);
        assert!(data.args.is_empty());
    }

    #[test]
    fn validation_parses_both_verdicts_and_string_flags() {
        assert!(
            parse_validation(r#"{"validationResult": true, "validationFailedReason": {}}"#)
                .unwrap()
                .valid
        );
        assert!(
            parse_validation(r#"{"validationResult": "true"}"#)
                .unwrap()
                .valid
        );
        let rejected = parse_validation(
            "```json\n{\"validationResult\": false, \"validationFailedReason\": {\"next\": \"question\", \"response\": \"Travel only, please.\"}}\n```",
        )
        .unwrap();
        assert!(!rejected.valid);
        assert_eq!(
            rejected.failed_reason.unwrap().response,
            "Travel only, please."
        );
    }

    #[test]
    fn a_rejection_without_a_reason_still_tells_the_user_something() {
        let rejected = parse_validation(r#"{"validationResult": false}"#).unwrap();
        let reason = rejected.failed_reason.unwrap();
        assert_eq!(reason.next, NextStep::Question);
        assert!(!reason.response.is_empty());
    }

    #[test]
    fn validation_reads_the_users_intent_only_when_accepted() {
        let accept =
            parse_validation(r#"{"validationResult": true, "userIntent": "accept"}"#).unwrap();
        assert_eq!(accept.intent, Some(models::UserIntent::Accept));
        let plain =
            parse_validation(r#"{"validationResult": true, "userIntent": "none"}"#).unwrap();
        assert_eq!(plain.intent, None);
        let rejected = parse_validation(
            r#"{"validationResult": false, "userIntent": "accept", "validationFailedReason": {"response": "No."}}"#,
        )
        .unwrap();
        assert_eq!(rejected.intent, None);
    }

    #[test]
    fn several_proposed_tools_must_all_be_known() {
        let both = parse_tool_data(
            r#"{"next": "confirm", "response": "Both?", "tool_calls": [
                {"tool": "FindEvents", "args": {"city": "Austin"}},
                {"tool": "FindEvents", "args": {"city": "Denver"}}]}"#,
            &goal(),
        )
        .unwrap();
        assert_eq!(both.tool.as_deref(), Some("FindEvents"));
        assert_eq!(both.calls().len(), 2);
        let unknown = parse_tool_data(
            r#"{"next": "confirm", "tool_calls": [
                {"tool": "FindEvents", "args": {}}, {"tool": "BookHotel", "args": {}}]}"#,
            &goal(),
        );
        assert!(matches!(unknown, Err(ParseError::UnknownTool(name)) if name == "BookHotel"));
        let question = parse_tool_data(
            r#"{"next": "question", "response": "Which?", "tool_calls": [
                {"tool": "FindEvents", "args": {}}, {"tool": "FindEvents", "args": {}}]}"#,
            &goal(),
        )
        .unwrap();
        assert!(question.tool_calls.is_empty());
    }

    #[test]
    fn validation_without_a_flag_is_an_error() {
        assert!(parse_validation(r#"{"valid": true}"#).is_err());
        assert!(parse_validation("yes").is_err());
    }

    #[test]
    fn summaries_accept_text_json_and_fences() {
        assert_eq!(
            parse_summary(" The user wants Austin. \n").unwrap(),
            "The user wants Austin."
        );
        assert_eq!(
            parse_summary(r#"{"summary": "Two sentences."}"#).unwrap(),
            "Two sentences."
        );
        assert_eq!(
            parse_summary("```\nFenced summary.\n```").unwrap(),
            "Fenced summary."
        );
        assert_eq!(parse_summary("\"quoted\"").unwrap(), "quoted");
        assert_eq!(parse_summary(""), Err(ParseError::Empty));
    }

    #[test]
    fn extract_json_rejects_arrays_and_takes_the_first_object() {
        assert_eq!(extract_json("[1, 2]"), Err(ParseError::NoJson));
        assert_eq!(
            extract_json("a {\"x\": 1} b {\"y\": 2}").unwrap(),
            json!({"x": 1})
        );
    }
}
