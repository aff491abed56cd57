//! One email as it goes out: an RFC 5322 message whose Message-ID and outbox file name are
//! derived from the email's send key, so every attempt to send it produces the same identity.

use std::time::SystemTime;

use lettre::{
    Message,
    message::{Mailbox, header::ContentType},
};
use models::EmailFields;

/// Why an email cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the email has no recipient")]
    NoRecipient,
    #[error("the email has no body")]
    NoBody,
    #[error("{0:?} is not a valid email address")]
    BadRecipient(String),
    #[error("the message could not be built: {0}")]
    Build(String),
}

/// The send key made safe for a file name and a Message-ID: `[A-Za-z0-9._-]`, at most 160
/// characters; any other character becomes `_`.
pub fn safe_key(send_key: &str) -> String {
    let mut safe: String = send_key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(160)
        .collect();
    if safe.starts_with('.') {
        safe.replace_range(..1, "_");
    }
    safe
}

/// `<send-key@sender-domain>`: the same for every attempt, so a receiver that sees the email
/// twice can tell it is one message.
pub fn message_id(send_key: &str, from: &Mailbox) -> String {
    format!("<{}@{}>", safe_key(send_key), from.email.domain())
}

/// True when `text` is an address a message can be sent to.
pub fn is_valid_address(text: &str) -> bool {
    text.trim().parse::<Mailbox>().is_ok() && text.contains('@')
}

/// The message for `email`, from `from`, dated `date`.
pub fn build(
    send_key: &str,
    from: &Mailbox,
    email: &EmailFields,
    date: SystemTime,
) -> Result<Message, MessageError> {
    let recipient = email
        .recipient
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or(MessageError::NoRecipient)?;
    let to: Mailbox = recipient
        .parse()
        .map_err(|_| MessageError::BadRecipient(recipient.to_owned()))?;
    let body = email
        .body
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .ok_or(MessageError::NoBody)?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone().unwrap_or_default())
        .message_id(Some(message_id(send_key, from)))
        .date(date)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|err| MessageError::Build(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "Assistant <assistant@example.com>".parse().unwrap()
    }

    fn email() -> EmailFields {
        EmailFields {
            recipient: Some("ana@example.org".into()),
            subject: Some("Lunch on Friday".into()),
            body: Some("Hi Ana,\n\nlunch on Friday?\n\nBo".into()),
        }
    }

    #[test]
    fn the_message_carries_every_field_and_a_stable_id() {
        let message = build("email-1.run-a", &from(), &email(), SystemTime::UNIX_EPOCH).unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("To: ana@example.org"), "{text}");
        assert!(text.contains("Subject: Lunch on Friday"), "{text}");
        assert!(
            text.contains("Message-ID: <email-1.run-a@example.com>"),
            "{text}"
        );
        assert!(text.contains("lunch on Friday?"), "{text}");
        let again = build("email-1.run-a", &from(), &email(), SystemTime::now()).unwrap();
        assert!(
            String::from_utf8(again.formatted())
                .unwrap()
                .contains("<email-1.run-a@example.com>")
        );
    }

    #[test]
    fn incomplete_or_bad_emails_are_refused() {
        let mut no_body = email();
        no_body.body = None;
        assert_eq!(
            build("k", &from(), &no_body, SystemTime::now()).unwrap_err(),
            MessageError::NoBody
        );
        let mut bad = email();
        bad.recipient = Some("ana at example".into());
        assert!(matches!(
            build("k", &from(), &bad, SystemTime::now()),
            Err(MessageError::BadRecipient(_))
        ));
        assert!(is_valid_address("ana@example.org"));
        assert!(!is_valid_address("ana"));
        assert!(!is_valid_address("ana@"));
    }

    #[test]
    fn keys_become_safe_names() {
        assert_eq!(safe_key("email-1.abc"), "email-1.abc");
        assert_eq!(safe_key("../etc/passwd"), "_._etc_passwd");
        assert_eq!(safe_key("a b/c@d"), "a_b_c_d");
        assert_eq!(safe_key(&"x".repeat(500)).len(), 160);
    }
}
