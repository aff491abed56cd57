//! The email assistant's prompt and the reading of its answers.
//!
//! The model sees the email as it stands, its send time, the earlier requests and replies,
//! and the current time in the user's zone; the request itself is the user message. It
//! answers with the fields the request changes. The send time comes back as the user's own
//! words ("tomorrow 9am") or a local date-time: turning that into an instant is arithmetic,
//! done in Rust by the activity, never by the model.

use minijinja::context;
use models::EmailRequestInput;
use serde_json::{Map, Value};

use crate::{
    ChatPrompt, ParseError, PromptError, extract_json,
    render::{pretty, render},
};

/// The email assistant's request. `now` is the current time in the user's zone, written out
/// (e.g. `Monday, 23 November 2026, 14:05`).
pub fn email_prompt(input: &EmailRequestInput, now: &str) -> Result<ChatPrompt, PromptError> {
    let system = render(
        "email",
        context! {
            now => now,
            time_zone => &input.time_zone,
            email_json => pretty(&input.email)?,
            send_time => input.send_time.as_ref().map(|t| t.text.clone()),
            history_json => pretty(&input.history)?,
        },
    )?;
    Ok(ChatPrompt {
        system,
        event: None,
        user: input.request.clone(),
    })
}

/// When the model says the email should go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendTimeAnswer {
    /// Words to resolve against now and the user's zone: "in 2 hours", "2026-11-24T09:00".
    Phrase(String),
    /// A Unix time in seconds.
    Unix(i64),
}

/// The model's answer: the fields the request changes (`None` = unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailReply {
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub send_time: Option<SendTimeAnswer>,
    pub cancel: bool,
    /// What to tell the user; may be empty, in which case the activity writes its own.
    pub response: String,
}

/// Reads the email assistant's answer. Accepts fences, prose around the JSON, `null`s,
/// missing keys, a few common aliases (`to`, `send_at`, `when`, `message`), a number for the
/// send time and `"true"` for the flag. Only an answer without any JSON object is an error.
pub fn parse_email_reply(raw: &str) -> Result<EmailReply, ParseError> {
    let Value::Object(map) = extract_json(raw)? else {
        return Err(ParseError::NoJson);
    };
    let reply = EmailReply {
        recipient: text(&map, &["recipient", "to", "email"]),
        subject: text(&map, &["subject"]),
        body: text(&map, &["body"]),
        send_time: send_time(&map),
        cancel: flag(&map, "cancel"),
        response: text(&map, &["response", "message", "reply"]).unwrap_or_default(),
    };
    Ok(reply)
}

/// The first of `keys` holding a non-blank string (numbers are accepted as text).
fn text(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match map.get(*key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn send_time(map: &Map<String, Value>) -> Option<SendTimeAnswer> {
    ["send_time", "send_at", "when", "time"]
        .iter()
        .find_map(|key| match map.get(*key)? {
            Value::Number(n) => n.as_i64().map(SendTimeAnswer::Unix),
            Value::String(s) if !s.trim().is_empty() && !is_null_word(s) => {
                Some(SendTimeAnswer::Phrase(s.trim().to_owned()))
            }
            _ => None,
        })
}

/// Models sometimes write the word instead of the JSON null.
fn is_null_word(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "null" | "none" | "n/a" | "unchanged"
    )
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    match map.get(key) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => {
            matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "yes")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{Actor, ConversationHistory, EmailFields, SendTime};

    fn input() -> EmailRequestInput {
        let mut history = ConversationHistory::default();
        history.push(Actor::User, "Write to ana@example.com about lunch");
        history.push(Actor::Agent, "Done. When should it go out?");
        EmailRequestInput {
            request: "tomorrow 9am please".into(),
            email: EmailFields {
                recipient: Some("ana@example.com".into()),
                subject: Some("Lunch".into()),
                body: Some("Hi Ana, lunch on Friday? <Bo>".into()),
            },
            send_time: None,
            time_zone: "Europe/Berlin".into(),
            history,
        }
    }

    #[test]
    fn the_prompt_carries_email_time_zone_history_and_the_request() {
        let prompt = email_prompt(&input(), "Monday, 23 November 2026, 14:05").unwrap();
        let system = &prompt.system;
        assert!(system.contains(
            "It is now Monday, 23 November 2026, 14:05 in the user's time zone (Europe/Berlin)."
        ));
        assert!(system.contains("<current_email>"));
        assert!(system.contains("\"recipient\": \"ana@example.com\""));
        assert!(
            system.contains("lunch on Friday? <Bo>"),
            "nothing is HTML-escaped"
        );
        assert!(system.contains("No send time is set yet."));
        assert!(system.contains("\"response\": \"Done. When should it go out?\""));
        assert!(system.contains("Do not work out relative times yourself"));
        assert_eq!(prompt.user, "tomorrow 9am please");

        let mut scheduled = input();
        scheduled.send_time = Some(SendTime {
            at: 0,
            text: "Tue 24 Nov 2026, 09:00 (Europe/Berlin)".into(),
        });
        let system = email_prompt(&scheduled, "now").unwrap().system;
        assert!(
            system.contains("It is scheduled to go out Tue 24 Nov 2026, 09:00 (Europe/Berlin).")
        );
    }

    #[test]
    fn a_full_answer_parses() {
        let reply = parse_email_reply(
            r#"{"recipient": "ana@example.com", "subject": "Lunch", "body": "Hi Ana", "send_time": "tomorrow 9am", "cancel": false, "response": "Scheduled."}"#,
        )
        .unwrap();
        assert_eq!(reply.recipient.as_deref(), Some("ana@example.com"));
        assert_eq!(
            reply.send_time,
            Some(SendTimeAnswer::Phrase("tomorrow 9am".into()))
        );
        assert!(!reply.cancel);
        assert_eq!(reply.response, "Scheduled.");
    }

    #[test]
    fn nulls_blanks_and_missing_keys_mean_unchanged() {
        let reply =
            parse_email_reply(r#"{"recipient": null, "subject": "  ", "send_time": "null"}"#)
                .unwrap();
        assert_eq!(reply, EmailReply::default());
    }

    #[test]
    fn aliases_numbers_and_string_flags_are_accepted() {
        let reply = parse_email_reply(
            "```json\n{\"to\": \"bo@example.com\", \"send_at\": 1795000000, \"cancel\": \"true\", \"message\": \"Okay\"}\n```",
        )
        .unwrap();
        assert_eq!(reply.recipient.as_deref(), Some("bo@example.com"));
        assert_eq!(reply.send_time, Some(SendTimeAnswer::Unix(1_795_000_000)));
        assert!(reply.cancel);
        assert_eq!(reply.response, "Okay");
    }

    #[test]
    fn prose_without_json_is_an_error() {
        assert_eq!(
            parse_email_reply("Sure, I'll send it tomorrow."),
            Err(ParseError::NoJson)
        );
        assert_eq!(parse_email_reply(""), Err(ParseError::Empty));
    }
}
