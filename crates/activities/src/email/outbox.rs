//! The keyless outbox: one `.eml` file per email, and the receipts of email sent by SMTP.
//!
//! A file appears whole or not at all: it is written under a temporary name, flushed, then
//! hard-linked to its final name, which fails if the name exists. So a retried or concurrent
//! send of the same email finds the file and writes nothing, and a crash mid-write leaves only
//! a temporary file (ignored, and overwritten by nobody).

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use models::EmailReceipt;

use super::message::safe_key;

/// The folder inside the outbox that keeps receipts of email sent by SMTP.
const RECEIPTS: &str = "smtp-receipts";

/// The outbox file of the email with `send_key`.
pub fn file_for(dir: &Path, send_key: &str) -> PathBuf {
    dir.join(format!("{}.eml", safe_key(send_key)))
}

/// Creates `dir` if needed and proves it can be written; returns it as an absolute path.
pub fn ensure_writable(dir: &Path) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let probe = dir.join(format!(".probe-{}", std::process::id()));
    fs::write(&probe, b"")?;
    fs::remove_file(&probe)?;
    std::path::absolute(dir)
}

/// What writing a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The file already existed: an earlier attempt wrote it.
    pub already_there: bool,
    /// When the file was written (Unix seconds).
    pub written_at: i64,
}

/// Writes `contents` to `path` unless a file is already there.
pub fn write_once(path: &Path, contents: &[u8]) -> io::Result<Written> {
    if let Ok(existing) = fs::metadata(path) {
        return Ok(Written {
            path: path.to_owned(),
            already_there: true,
            written_at: unix(existing.modified().unwrap_or(SystemTime::now())),
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("email"),
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    ));
    let mut file = fs::File::create(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    let linked = fs::hard_link(&temporary, path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            if let Ok(dir) = fs::File::open(dir) {
                let _ = dir.sync_all();
            }
            Ok(Written {
                path: path.to_owned(),
                already_there: false,
                written_at: unix(SystemTime::now()),
            })
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => write_once(path, contents),
        Err(err) => Err(err),
    }
}

/// The receipt file of an email sent by SMTP.
pub fn receipt_for(dir: &Path, send_key: &str) -> PathBuf {
    dir.join(RECEIPTS)
        .join(format!("{}.json", safe_key(send_key)))
}

/// The receipts folder, created and checked like the outbox.
pub fn ensure_receipts_writable(dir: &Path) -> io::Result<PathBuf> {
    ensure_writable(&dir.join(RECEIPTS))
}

/// The receipt of an earlier SMTP delivery of this email, if there is one.
pub fn read_receipt(dir: &Path, send_key: &str) -> Option<EmailReceipt> {
    let bytes = fs::read(receipt_for(dir, send_key)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Records that this email was delivered by SMTP.
pub fn write_receipt(dir: &Path, send_key: &str, receipt: &EmailReceipt) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(receipt).map_err(io::Error::other)?;
    write_once(&receipt_for(dir, send_key), &json).map(drop)
}

fn unix(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::DeliveryChannel;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "outbox-test-{name}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_write_of_the_same_email_changes_nothing() {
        let dir = temp_dir("once");
        let path = file_for(&dir, "email-1.run");
        let first = write_once(&path, b"first").unwrap();
        assert!(!first.already_there);
        let second = write_once(&path, b"second").unwrap();
        assert!(second.already_there);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names,
            ["email-1.run.eml"],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn concurrent_writers_produce_one_file() {
        let dir = temp_dir("race");
        let path = file_for(&dir, "raced");
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    write_once(&path, format!("writer {i}").as_bytes()).unwrap()
                })
            })
            .collect();
        let results: Vec<Written> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|w| !w.already_there).count(), 1);
    }

    #[test]
    fn receipts_round_trip() {
        let dir = temp_dir("receipts");
        assert_eq!(read_receipt(&dir, "k"), None);
        ensure_receipts_writable(&dir).unwrap();
        let receipt = EmailReceipt {
            channel: DeliveryChannel::Smtp,
            message_id: "<k@example.com>".into(),
            location: "smtp.example.com:587".into(),
            delivered_at: 1_800_000_000,
            already_delivered: false,
        };
        write_receipt(&dir, "k", &receipt).unwrap();
        assert_eq!(read_receipt(&dir, "k"), Some(receipt));
    }

    #[test]
    fn an_unwritable_outbox_is_reported() {
        let dir = temp_dir("blocked");
        let file = dir.join("a-file");
        fs::write(&file, b"x").unwrap();
        assert!(ensure_writable(&file.join("outbox")).is_err());
    }
}
