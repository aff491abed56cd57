//! Where a conversation's events live: one subject per conversation, `replies.<token>`.
//!
//! A workflow id is 1–128 characters of `[A-Za-z0-9._-]`. NATS splits subjects at `.`, so
//! the id cannot be used as it is: `replies.a.b` would be two tokens, and a reader of
//! conversation `a` filtering on `replies.a.>` would see `a.b` too. The id is written as a
//! single token with every `.` replaced by `~`. The mapping is reversible and collision-free
//! because `~` can never occur in a workflow id, and `~` is an ordinary subject character
//! for NATS (only `.`, `*`, `>` and whitespace are special). The subject stays readable
//! when an operator inspects the stream: `replies.trip~2024~ada`.

use crate::BusError;

/// The JetStream stream that holds every conversation's live replies.
pub const STREAM_NAME: &str = "AGENT_REPLIES";

/// The subjects the stream captures.
pub const STREAM_SUBJECTS: &str = "replies.>";

const PREFIX: &str = "replies.";
const MAX_ID_LEN: usize = 128;

/// The subject of a conversation's events, or why `workflow_id` cannot name one.
pub fn subject_for(workflow_id: &str) -> Result<String, BusError> {
    check(workflow_id)?;
    Ok(format!("{PREFIX}{}", workflow_id.replace('.', "~")))
}

/// The workflow id a subject belongs to, or `None` for a subject this crate did not make.
pub fn workflow_id_of(subject: &str) -> Option<String> {
    let token = subject.strip_prefix(PREFIX)?;
    let id = token.replace('~', ".");
    (!token.contains('.') && check(&id).is_ok()).then_some(id)
}

fn check(workflow_id: &str) -> Result<(), BusError> {
    let invalid = |why: &'static str| BusError::InvalidWorkflowId {
        workflow_id: workflow_id.chars().take(MAX_ID_LEN).collect(),
        why,
    };
    if workflow_id.is_empty() {
        return Err(invalid("it is empty"));
    }
    if workflow_id.len() > MAX_ID_LEN {
        return Err(invalid("it is longer than 128 characters"));
    }
    if !workflow_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(invalid(
            "only letters, digits, '.', '_' and '-' are allowed",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_without_dots_is_used_as_it_is() {
        assert_eq!(
            subject_for("agent-workflow").unwrap(),
            "replies.agent-workflow"
        );
    }

    #[test]
    fn an_id_with_dots_stays_one_token() {
        let subject = subject_for("trip.2024.ada").unwrap();
        assert_eq!(subject, "replies.trip~2024~ada");
        assert_eq!(subject.matches('.').count(), 1);
    }

    #[test]
    fn ids_that_differ_only_around_dots_get_different_subjects() {
        let ids = ["a.b", "a-b", "a_b", "ab", "a..b", "a.b.", ".a.b", "a.b.c"];
        let mut subjects: Vec<String> = ids.iter().map(|id| subject_for(id).unwrap()).collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), ids.len());
    }

    #[test]
    fn the_subject_gives_back_the_workflow_id() {
        for id in ["a", "trip.2024.ada", "x_y-z.", &"9".repeat(128)] {
            assert_eq!(
                workflow_id_of(&subject_for(id).unwrap()).as_deref(),
                Some(id)
            );
        }
        assert_eq!(workflow_id_of("replies.a.b"), None);
        assert_eq!(workflow_id_of("other.a"), None);
    }

    #[test]
    fn ids_that_are_not_workflow_ids_are_refused() {
        for bad in ["", "a b", "a*", "a>", "a~b", "ä", &"x".repeat(129)] {
            assert!(
                matches!(subject_for(bad), Err(BusError::InvalidWorkflowId { .. })),
                "{bad:?} was accepted"
            );
        }
        assert!(subject_for(&"x".repeat(128)).is_ok());
    }
}
