//! Trip notes: the server's one tool with a side effect, an append to a JSON Lines file.
//!
//! Each `save_trip_note` call adds exactly one line `{"id", "title", "text", "created_at"}` and
//! never rewrites what is there, so the file is also a log of every call that did its work.
//! That is what the product's tests read to prove a write is not repeated after a failure whose
//! outcome was unknown. Lines are written whole under a lock and synced before the call
//! answers, so an answered call is on disk and two calls never interleave.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rmcp::schemars::{self, JsonSchema};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use crate::error::ToolError;

/// Longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest note text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// One line of the notes file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub text: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// What `save_trip_note` answers: how to refer to the note later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SavedNote {
    /// The note's id, unique to this call.
    pub id: String,
    /// The title as saved (surrounding spaces removed).
    pub title: String,
    /// When the note was saved, RFC 3339 in UTC.
    pub created_at: String,
}

/// The notes file, shared by every session of one server.
#[derive(Debug)]
pub struct NotesFile {
    path: PathBuf,
    /// Serialises appends from concurrent calls.
    lock: Mutex<()>,
}

impl NotesFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        NotesFile {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the note, then appends it as one line with a new id.
    pub async fn append(
        &self,
        title: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<SavedNote, ToolError> {
        let note = Note {
            id: uuid::Uuid::new_v4().to_string(),
            title: checked("title", title, MAX_TITLE_CHARS)?.to_owned(),
            text: checked("text", text, MAX_TEXT_CHARS)?.to_owned(),
            created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        };
        let mut line = serde_json::to_string(&note).expect("a note always serialises");
        line.push('\n');
        self.write_line(line.as_bytes())
            .await
            .map_err(ToolError::NotesFile)?;
        Ok(SavedNote {
            id: note.id,
            title: note.title,
            created_at: note.created_at,
        })
    }

    async fn write_line(&self, line: &[u8]) -> std::io::Result<()> {
        let _guard = self.lock.lock().await;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await?;
        file.write_all(line).await?;
        file.sync_data().await
    }
}

/// The field without surrounding spaces, if it is neither empty nor too long.
fn checked<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str, ToolError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 {
        Err(ToolError::EmptyField { field })
    } else if chars > max {
        Err(ToolError::TooLong { field, chars, max })
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_notes(path: &Path) -> Vec<Note> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[tokio::test]
    async fn each_append_adds_one_line_with_a_new_id() {
        let dir = tempfile::tempdir().unwrap();
        let notes = NotesFile::new(dir.path().join("notes.jsonl"));
        let now = Utc::now();
        let first = notes
            .append(" Austin ", "Book the show", now)
            .await
            .unwrap();
        let second = notes.append("Austin", "Book the show", now).await.unwrap();
        assert_ne!(first.id, second.id);
        assert_eq!(first.title, "Austin");

        let lines = read_notes(notes.path());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].id, first.id);
        assert_eq!(lines[1].text, "Book the show");
        assert_eq!(lines[0].created_at, first.created_at);
    }

    #[tokio::test]
    async fn concurrent_appends_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let notes = std::sync::Arc::new(NotesFile::new(dir.path().join("notes.jsonl")));
        let long_text = "x".repeat(MAX_TEXT_CHARS);
        let writers: Vec<_> = (0..8)
            .map(|i| {
                let notes = notes.clone();
                let text = long_text.clone();
                tokio::spawn(async move { notes.append(&format!("n{i}"), &text, Utc::now()).await })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        assert_eq!(read_notes(notes.path()).len(), 8);
    }

    #[tokio::test]
    async fn empty_or_oversized_fields_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let notes = NotesFile::new(dir.path().join("notes.jsonl"));
        let err = notes.append("  ", "text", Utc::now()).await.unwrap_err();
        assert!(matches!(err, ToolError::EmptyField { field: "title" }));
        let too_long = "y".repeat(MAX_TEXT_CHARS + 1);
        let err = notes.append("t", &too_long, Utc::now()).await.unwrap_err();
        assert!(matches!(err, ToolError::TooLong { field: "text", .. }));
        assert!(!notes.path().exists());
    }

    #[tokio::test]
    async fn an_unwritable_path_is_a_notes_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let notes = NotesFile::new(dir.path().join("missing-dir").join("notes.jsonl"));
        let err = notes.append("t", "text", Utc::now()).await.unwrap_err();
        assert!(matches!(err, ToolError::NotesFile(_)));
        assert!(err.to_string().starts_with("could not save the note"));
    }
}
