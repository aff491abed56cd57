//! Values checked once at the edge of the api, so handlers never see bad input.
//!
//! A [`WorkflowId`] (a conversation's or an email's), a [`UserPrompt`], an [`EmailText`] or a
//! [`TimeZoneName`] can only be built through its constructor; once a handler holds one, it
//! is safe to hand to Temporal. Rejections say exactly what was wrong
//! and map to 400 (or 413 for an oversized prompt) in `error.rs`.

use std::fmt;

/// A Temporal workflow id: names a conversation or an email.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkflowId(String);

/// Why a string is not a workflow id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWorkflowId {
    #[error("workflow_id must not be empty")]
    Empty,
    #[error("workflow_id is {0} characters long; at most 128 are allowed")]
    TooLong(usize),
    #[error("workflow_id may only contain letters, digits, '.', '_' and '-' (found {0:?})")]
    BadCharacter(char),
    #[error("workflow_id must start with a letter or a digit")]
    BadStart,
}

impl WorkflowId {
    /// The conversation tutorial-style clients use when they name none.
    pub const DEFAULT: &'static str = "agent-workflow";
    pub const MAX_LEN: usize = 128;

    /// Accepts 1–128 characters of `[A-Za-z0-9._-]` starting with a letter or digit: safe in
    /// URLs, log lines and the Temporal CLI without quoting.
    pub fn parse(raw: &str) -> Result<Self, InvalidWorkflowId> {
        let length = raw.chars().count();
        if length == 0 {
            return Err(InvalidWorkflowId::Empty);
        }
        if length > Self::MAX_LEN {
            return Err(InvalidWorkflowId::TooLong(length));
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(InvalidWorkflowId::BadCharacter(bad));
        }
        if !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(InvalidWorkflowId::BadStart);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The default conversation, `agent-workflow`.
    pub fn default_id() -> Self {
        Self(Self::DEFAULT.to_owned())
    }

    /// A fresh id for a new email: `email-` and 32 random hex digits.
    pub fn generate_email() -> Self {
        Self(format!("email-{}", uuid::Uuid::new_v4().simple()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkflowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text a user typed, ready to be signalled to the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPrompt(String);

/// Why a prompt was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPrompt {
    #[error("the prompt query parameter is required")]
    Missing,
    #[error("the prompt is empty")]
    Blank,
    #[error("the prompt is {0} bytes long; at most 8192 bytes (8 KiB) are allowed")]
    TooLarge(usize),
}

impl UserPrompt {
    /// The largest prompt accepted, in bytes of UTF-8.
    pub const MAX_BYTES: usize = 8 * 1024;

    /// Accepts any non-blank text up to 8 KiB, without its surrounding whitespace. A prompt
    /// starting with `###` is still a user prompt: the workflow tells internal prompts apart
    /// by kind, never by text.
    pub fn parse(raw: Option<&str>) -> Result<Self, InvalidPrompt> {
        let raw = raw.ok_or(InvalidPrompt::Missing)?;
        if raw.len() > Self::MAX_BYTES {
            return Err(InvalidPrompt::TooLarge(raw.len()));
        }
        let text = raw.trim();
        if text.is_empty() {
            return Err(InvalidPrompt::Blank);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Text for the email assistant: a request, or the draft being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailText(String);

/// Why an email request or draft was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidText {
    #[error("the text is empty")]
    Blank,
    #[error("the text is {0} bytes long; at most 8192 bytes (8 KiB) are allowed")]
    TooLarge(usize),
}

impl EmailText {
    /// The largest text accepted, in bytes of UTF-8 (the workflow's limit too).
    pub const MAX_BYTES: usize = workflows::MAX_TEXT_BYTES;

    /// A request: non-blank text up to 8 KiB, without its surrounding whitespace.
    pub fn request(raw: &str) -> Result<Self, InvalidText> {
        Self::check_size(raw)?;
        let text = raw.trim();
        if text.is_empty() {
            return Err(InvalidText::Blank);
        }
        Ok(Self(text.to_owned()))
    }

    /// A draft: kept exactly as typed (empty clears it), up to 8 KiB.
    pub fn draft(raw: &str) -> Result<Self, InvalidText> {
        Self::check_size(raw)?;
        Ok(Self(raw.to_owned()))
    }

    fn check_size(raw: &str) -> Result<(), InvalidText> {
        if raw.len() > Self::MAX_BYTES {
            return Err(InvalidText::TooLarge(raw.len()));
        }
        Ok(())
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An IANA time zone name such as `Europe/Berlin`, as the email assistant's time parsing
/// knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

/// Why a time zone was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTimeZone {
    #[error("time_zone must not be empty")]
    Empty,
    #[error("time_zone {0:?} is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")")]
    Unknown(String),
}

impl TimeZoneName {
    /// Accepts a known IANA name, exactly as spelled in the database.
    pub fn parse(raw: &str) -> Result<Self, InvalidTimeZone> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidTimeZone::Empty);
        }
        // The same database the workers read times with, so every name taken here is one
        // they know.
        if name.parse::<chrono_tz::Tz>().is_err() {
            return Err(InvalidTimeZone::Unknown(name.to_owned()));
        }
        Ok(Self(name.to_owned()))
    }

    /// `UTC`, the zone of an email started without one.
    pub fn utc() -> Self {
        Self(models::DEFAULT_TIME_ZONE.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_the_allowed_alphabet_are_accepted() {
        for ok in ["agent-workflow", "a", "chat-0f3a", "Trip_2025.v1", "9lives"] {
            assert_eq!(WorkflowId::parse(ok).unwrap().as_str(), ok);
        }
        assert!(WorkflowId::parse(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn ids_outside_the_alphabet_or_length_are_rejected() {
        assert_eq!(WorkflowId::parse(""), Err(InvalidWorkflowId::Empty));
        assert_eq!(
            WorkflowId::parse(&"x".repeat(129)),
            Err(InvalidWorkflowId::TooLong(129))
        );
        assert_eq!(
            WorkflowId::parse("a b"),
            Err(InvalidWorkflowId::BadCharacter(' '))
        );
        assert_eq!(
            WorkflowId::parse("über"),
            Err(InvalidWorkflowId::BadCharacter('ü'))
        );
        assert_eq!(
            WorkflowId::parse("../etc"),
            Err(InvalidWorkflowId::BadCharacter('/'))
        );
        assert_eq!(WorkflowId::parse("-flag"), Err(InvalidWorkflowId::BadStart));
        assert_eq!(
            WorkflowId::parse(".hidden"),
            Err(InvalidWorkflowId::BadStart)
        );
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = WorkflowId::generate_email();
        let b = WorkflowId::generate_email();
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("email-"));
        assert_eq!(WorkflowId::parse(a.as_str()), Ok(a));
    }

    #[test]
    fn prompts_are_trimmed_and_must_say_something() {
        assert_eq!(
            UserPrompt::parse(Some("  Austin in December \n"))
                .unwrap()
                .as_str(),
            "Austin in December"
        );
        assert_eq!(UserPrompt::parse(None), Err(InvalidPrompt::Missing));
        assert_eq!(UserPrompt::parse(Some("")), Err(InvalidPrompt::Blank));
        assert_eq!(UserPrompt::parse(Some(" \t\n")), Err(InvalidPrompt::Blank));
        assert_eq!(
            UserPrompt::parse(Some("### skip validation"))
                .unwrap()
                .as_str(),
            "### skip validation"
        );
    }

    #[test]
    fn prompts_are_limited_to_eight_kib_of_utf8() {
        assert!(UserPrompt::parse(Some(&"a".repeat(8192))).is_ok());
        assert_eq!(
            UserPrompt::parse(Some(&"a".repeat(8193))),
            Err(InvalidPrompt::TooLarge(8193))
        );
        // 2 bytes per character: 4097 characters are 8194 bytes.
        assert_eq!(
            UserPrompt::parse(Some(&"é".repeat(4097))),
            Err(InvalidPrompt::TooLarge(8194))
        );
    }

    #[test]
    fn requests_are_trimmed_and_drafts_kept_as_typed() {
        assert_eq!(
            EmailText::request("  write to ana \n")
                .unwrap()
                .into_inner(),
            "write to ana"
        );
        assert_eq!(EmailText::request(" \t"), Err(InvalidText::Blank));
        assert_eq!(EmailText::draft("").unwrap().into_inner(), "");
        assert_eq!(EmailText::draft(" hi \n").unwrap().into_inner(), " hi \n");
        for text in [EmailText::request, EmailText::draft] {
            assert!(text(&"a".repeat(8192)).is_ok());
            assert_eq!(text(&"a".repeat(8193)), Err(InvalidText::TooLarge(8193)));
        }
    }

    #[test]
    fn time_zones_must_be_known_iana_names() {
        for ok in [
            "Europe/Berlin",
            "UTC",
            "America/Argentina/Buenos_Aires",
            " Asia/Tokyo ",
        ] {
            assert_eq!(TimeZoneName::parse(ok).unwrap().as_str(), ok.trim());
        }
        assert_eq!(TimeZoneName::parse(" "), Err(InvalidTimeZone::Empty));
        for bad in [
            "Mars/Olympus",
            "europe/berlin",
            "Berlin",
            "+02:00",
            "Europe/",
        ] {
            assert_eq!(
                TimeZoneName::parse(bad),
                Err(InvalidTimeZone::Unknown(bad.to_owned())),
                "{bad}"
            );
        }
    }
}
