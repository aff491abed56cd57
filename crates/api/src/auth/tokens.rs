//! `API_AUTH=tokens`: static bearer tokens, kept in `API_TOKENS_FILE` as
//!
//! ```text
//! # user-id:sha256-of-token (hex); blank lines and comments are ignored
//! alice:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
//! ```
//!
//! The file holds only hashes, so it is no secret. `api new-token <user-id>` prints a new
//! token and its line ([`new_token`]). The file is read again when it changes (checked at
//! most every [`RECHECK`]), so adding or removing a line takes effect without a restart.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::RwLock,
    time::{Duration, Instant, SystemTime},
};

use anyhow::Context;
use aws_lc_rs::{digest, rand::SecureRandom};
use base64::Engine;

use super::UserId;

/// How often the file's modification time is looked at.
const RECHECK: Duration = Duration::from_secs(2);
/// Every token starts with this, so secret scanners and people can tell what it is.
pub const TOKEN_PREFIX: &str = "agent_";

/// The tokens of `API_TOKENS_FILE`, by hash.
pub struct TokenFile {
    path: PathBuf,
    state: RwLock<Loaded>,
}

struct Loaded {
    users: HashMap<String, UserId>,
    modified: Option<SystemTime>,
    checked: Instant,
}

impl TokenFile {
    /// Reads the file; a missing file or a malformed line is an error naming the line.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let (users, modified) = read(path)?;
        if users.is_empty() {
            tracing::warn!(file = %path.display(), "the tokens file has no tokens: every request will be refused");
        }
        Ok(Self {
            path: path.to_owned(),
            state: RwLock::new(Loaded {
                users,
                modified,
                checked: Instant::now(),
            }),
        })
    }

    /// The user whose token this is.
    pub fn verify(&self, token: &str) -> Option<UserId> {
        self.reload_if_changed();
        let hash = hash_hex(token);
        self.state
            .read()
            .expect("tokens lock")
            .users
            .get(&hash)
            .cloned()
    }

    fn reload_if_changed(&self) {
        {
            let state = self.state.read().expect("tokens lock");
            if state.checked.elapsed() < RECHECK {
                return;
            }
        }
        let mut state = self.state.write().expect("tokens lock");
        if state.checked.elapsed() < RECHECK {
            return;
        }
        state.checked = Instant::now();
        let modified = std::fs::metadata(&self.path)
            .and_then(|meta| meta.modified())
            .ok();
        if modified == state.modified {
            return;
        }
        match read(&self.path) {
            Ok((users, modified)) => {
                tracing::info!(file = %self.path.display(), users = users.len(), "tokens file read again");
                state.users = users;
                state.modified = modified;
            }
            // Keep serving the tokens known so far; the operator sees why.
            Err(err) => {
                tracing::warn!(error = %format!("{err:#}"), "the changed tokens file is not used")
            }
        }
    }
}

fn read(path: &Path) -> anyhow::Result<(HashMap<String, UserId>, Option<SystemTime>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading API_TOKENS_FILE {}", path.display()))?;
    let modified = std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok();
    let users = parse(&text).with_context(|| format!("in {}", path.display()))?;
    Ok((users, modified))
}

/// The lines of a tokens file, by hash.
pub fn parse(text: &str) -> anyhow::Result<HashMap<String, UserId>> {
    let mut users = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = number + 1;
        let (user, hash) = line.rsplit_once(':').with_context(|| {
            format!(
                "line {number}: expected user-id:sha256-hex (`api new-token <user-id>` prints one)"
            )
        })?;
        let user = UserId::parse(user.trim()).with_context(|| {
            format!("line {number}: a user id is 1-128 characters of letters, digits and ._-@|+:")
        })?;
        let hash = hash.trim().to_ascii_lowercase();
        anyhow::ensure!(
            hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "line {number}: the hash is not 64 hex digits of SHA-256"
        );
        users.insert(hash, user);
    }
    Ok(users)
}

/// SHA-256 of `token`, as the file writes it.
pub fn hash_hex(token: &str) -> String {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A new random token (256 bits) and the tokens-file line for `user`.
pub fn new_token(user: &UserId) -> (String, String) {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system's random source works");
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let line = format!("{user}:{}", hash_hex(&token));
    (token, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_verifies_as_its_user_and_nothing_else_does() {
        let alice = UserId::parse("alice").unwrap();
        let (token, line) = new_token(&alice);
        assert!(
            token.starts_with(TOKEN_PREFIX) && token.len() > 40,
            "{token}"
        );
        assert!(
            !line.contains(&token),
            "the line holds the hash, not the token"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens");
        std::fs::write(&path, format!("# team\n\n{line}\n")).unwrap();
        let file = TokenFile::open(&path).unwrap();
        assert_eq!(file.verify(&token), Some(alice));
        assert_eq!(file.verify(&format!("{token}x")), None);
        assert_eq!(file.verify(""), None);
        assert_ne!(new_token(&UserId::parse("alice").unwrap()).0, token);
    }

    #[test]
    fn malformed_lines_are_named() {
        for (text, said) in [
            ("alice", "line 1"),
            ("# c\nbob:abc", "line 2"),
            (
                "a b:0000000000000000000000000000000000000000000000000000000000000000",
                "user id",
            ),
        ] {
            let err = format!("{:#}", parse(text).unwrap_err());
            assert!(err.contains(said), "{text}: {err}");
        }
    }

    #[test]
    fn the_file_is_read_again_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens");
        let (first, line) = new_token(&UserId::parse("alice").unwrap());
        std::fs::write(&path, &line).unwrap();
        let file = TokenFile::open(&path).unwrap();
        assert!(file.verify(&first).is_some());
        let (second, line) = new_token(&UserId::parse("bob").unwrap());
        std::fs::write(&path, &line).unwrap();
        // Make the change visible whatever the file system's timestamp resolution.
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        file.state.write().unwrap().checked = Instant::now() - RECHECK;
        assert_eq!(
            file.verify(&second).map(|u| u.to_string()).as_deref(),
            Some("bob")
        );
        assert_eq!(file.verify(&first), None, "alice's line is gone");
    }
}
