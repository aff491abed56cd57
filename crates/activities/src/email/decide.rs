//! Applying the model's answer to the email: what changes, whether the send time is usable,
//! and what the user is told. Pure code, so every rule is tested without a model.
//!
//! The model proposes; Rust checks. A recipient that is not an email address is ignored, a
//! send time is resolved by [`when`](super::when) and refused when it is past, unreadable or
//! too far away. When the time is refused, the email keeps the send time it had (if any), and
//! the reply says so and asks again, whatever the model wrote.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use models::{EmailDecision, EmailFields, EmailRequestInput, SendTime};
use prompts::EmailReply;

use super::{
    message::is_valid_address,
    when::{self, WhenError},
};

/// The email after `reply`, and what to say to the user.
pub fn decide(
    input: &EmailRequestInput,
    reply: EmailReply,
    now: DateTime<Utc>,
    zone: Tz,
) -> EmailDecision {
    let mut email = input.email.clone();
    let mut notes: Vec<String> = Vec::new();

    if let Some(recipient) = reply.recipient {
        if is_valid_address(&recipient) {
            email.recipient = Some(recipient);
        } else {
            notes.push(format!(
                "“{recipient}” doesn't look like an email address, so I didn't use it. Who should receive the email?"
            ));
        }
    }
    if reply.subject.is_some() {
        email.subject = reply.subject;
    }
    if reply.body.is_some() {
        email.body = reply.body;
    }

    if reply.cancel {
        let response = non_empty(reply.response)
            .unwrap_or_else(|| "Okay, I've canceled the email. Nothing will be sent.".to_owned());
        return EmailDecision {
            email,
            send_time: input.send_time.clone(),
            cancel: true,
            reply: response,
        };
    }

    let mut send_time = input.send_time.clone();
    let mut time_problem = None;
    if let Some(answer) = &reply.send_time {
        match when::resolve(answer, now, zone) {
            Ok(at) => {
                send_time = Some(SendTime {
                    at: at.timestamp(),
                    text: when::describe(&at),
                })
            }
            Err(err) => time_problem = Some(time_question(&err, input.send_time.as_ref())),
        }
    }

    let response = match time_problem {
        // The model may have said "scheduled for ..." about a time we refused: our words win.
        Some(question) => {
            notes.push(question);
            notes.join(" ")
        }
        None => {
            let mut parts: Vec<String> = non_empty(reply.response).into_iter().collect();
            parts.append(&mut notes);
            if let Some(time) = &send_time
                && input.send_time.as_ref() != Some(time)
                && email.is_complete()
            {
                parts.push(format!("It will go out {}.", time.text));
            }
            if parts.is_empty() {
                parts.push(missing_question(&email, send_time.as_ref()));
            }
            parts.join(" ")
        }
    };
    EmailDecision {
        email,
        send_time,
        cancel: false,
        reply: response,
    }
}

fn non_empty(text: String) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The question asked when the user's time cannot be used.
fn time_question(err: &WhenError, kept: Option<&SendTime>) -> String {
    let problem = match err {
        WhenError::Past(text) => format!("{text} has already passed, so I can't send it then."),
        WhenError::TooFar(text) => {
            format!("{text} is more than a year away; I can only schedule within a year.")
        }
        WhenError::Unreadable(phrase) => {
            format!("I couldn't work out when “{phrase}” is.")
        }
    };
    let still = match kept {
        Some(time) => format!(" It is still set to go out {}.", time.text),
        None => String::new(),
    };
    format!(
        "{problem} When should it go out? For example “tomorrow 9am”, “in 2 hours” or “2026-11-24 09:00”.{still}"
    )
}

/// What to ask when the model said nothing: the first thing the email still lacks.
fn missing_question(email: &EmailFields, send_time: Option<&SendTime>) -> String {
    if email.recipient.is_none() {
        "Who should receive the email?".to_owned()
    } else if email.body.is_none() {
        "What should the email say?".to_owned()
    } else if send_time.is_none() {
        "When should it go out?".to_owned()
    } else {
        "Done. Anything else to change?".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;
    use models::ConversationHistory;
    use prompts::SendTimeAnswer;

    /// Monday 23 November 2026, 14:05 in Berlin.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 13, 5, 0).unwrap()
    }

    fn input(send_time: Option<SendTime>) -> EmailRequestInput {
        EmailRequestInput {
            request: "…".into(),
            email: EmailFields {
                recipient: Some("ana@example.com".into()),
                subject: Some("Lunch".into()),
                body: Some("Hi Ana".into()),
            },
            send_time,
            time_zone: "Europe/Berlin".into(),
            history: ConversationHistory::default(),
        }
    }

    fn at(text: &str) -> SendTimeAnswer {
        SendTimeAnswer::Phrase(text.into())
    }

    #[test]
    fn a_usable_time_schedules_the_email_and_is_confirmed_in_words() {
        let reply = EmailReply {
            send_time: Some(at("tomorrow 9am")),
            response: "Sure.".into(),
            ..EmailReply::default()
        };
        let decision = decide(&input(None), reply, now(), Berlin);
        let time = decision.send_time.unwrap();
        assert_eq!(
            time.at,
            Berlin
                .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
                .unwrap()
                .timestamp()
        );
        assert_eq!(time.text, "Tue 24 Nov 2026, 09:00 (Europe/Berlin)");
        assert_eq!(
            decision.reply,
            "Sure. It will go out Tue 24 Nov 2026, 09:00 (Europe/Berlin)."
        );
        assert_eq!(
            decision.email,
            input(None).email,
            "untouched fields are kept"
        );
    }

    #[test]
    fn a_past_time_asks_again_and_keeps_the_old_schedule() {
        let kept = SendTime {
            at: 1,
            text: "Wed 25 Nov 2026, 10:00 (Europe/Berlin)".into(),
        };
        let reply = EmailReply {
            send_time: Some(at("yesterday 9am")),
            response: "Scheduled for yesterday!".into(),
            ..EmailReply::default()
        };
        let decision = decide(&input(Some(kept.clone())), reply, now(), Berlin);
        assert_eq!(decision.send_time, Some(kept));
        assert!(
            decision
                .reply
                .starts_with("Sun 22 Nov 2026, 09:00 (Europe/Berlin) has already passed"),
            "{}",
            decision.reply
        );
        assert!(decision.reply.contains("When should it go out?"));
        assert!(decision.reply.contains("still set to go out Wed 25 Nov"));
        assert!(!decision.reply.contains("Scheduled for yesterday"));
    }

    #[test]
    fn nonsense_asks_again_without_a_schedule() {
        let reply = EmailReply {
            send_time: Some(at("when pigs fly")),
            ..EmailReply::default()
        };
        let decision = decide(&input(None), reply, now(), Berlin);
        assert_eq!(decision.send_time, None);
        assert!(
            decision
                .reply
                .starts_with("I couldn't work out when “when pigs fly” is.")
        );
    }

    #[test]
    fn a_bad_recipient_is_not_used() {
        let reply = EmailReply {
            recipient: Some("ana at home".into()),
            body: Some("New text".into()),
            response: "Updated.".into(),
            ..EmailReply::default()
        };
        let decision = decide(&input(None), reply, now(), Berlin);
        assert_eq!(decision.email.recipient.as_deref(), Some("ana@example.com"));
        assert_eq!(decision.email.body.as_deref(), Some("New text"));
        assert!(
            decision
                .reply
                .contains("doesn't look like an email address")
        );
    }

    #[test]
    fn cancel_is_passed_on() {
        let reply = EmailReply {
            cancel: true,
            ..EmailReply::default()
        };
        let decision = decide(&input(None), reply, now(), Berlin);
        assert!(decision.cancel);
        assert!(decision.reply.contains("canceled"));
    }

    #[test]
    fn a_silent_model_still_gets_a_question_asked() {
        let mut empty = input(None);
        empty.email = EmailFields::default();
        let decision = decide(&empty, EmailReply::default(), now(), Berlin);
        assert_eq!(decision.reply, "Who should receive the email?");
        let decision = decide(&input(None), EmailReply::default(), now(), Berlin);
        assert_eq!(decision.reply, "When should it go out?");
    }
}
