//! How the email assistant delivers: an SMTP server, or the keyless outbox folder.
//!
//! With `SMTP_HOST` set, email goes to that server (`SMTP_PORT`, `SMTP_USERNAME`,
//! `SMTP_PASSWORD`, `SMTP_FROM`, `SMTP_TLS` = `none` | `starttls` | `tls`). Without it, each
//! email is written as one `.eml` file into `EMAIL_OUTBOX_DIR` (default `.data/outbox`,
//! relative to the worker's working directory), so the assistant works offline.
//!
//! Incomplete or contradictory SMTP settings do not stop the worker (the trip agent does not
//! need them): they become [`Delivery::Misconfigured`], and each new email fails at once with
//! the reason. The password never reaches `Debug` output, logs or any payload.

use std::{path::PathBuf, time::Duration};

use lettre::message::Mailbox;
use serde::Deserialize;
use settings::{Env, SecretString, SettingsError};

/// The sender used when `SMTP_FROM` is not set (outbox mode only).
pub const DEFAULT_FROM: &str = "Email assistant <assistant@example.com>";
/// Where the outbox is when `EMAIL_OUTBOX_DIR` is not set.
pub const DEFAULT_OUTBOX_DIR: &str = ".data/outbox";
/// How long a failing send is retried before the email is `failed`.
pub const DEFAULT_SEND_WINDOW: Duration = Duration::from_secs(60);

/// Everything the email activities need to know.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub delivery: Delivery,
    /// `SMTP_FROM`, or [`DEFAULT_FROM`] for the outbox.
    pub from: Mailbox,
    /// `EMAIL_OUTBOX_DIR`: the outbox, and in SMTP mode the receipts of sent email.
    pub outbox_dir: PathBuf,
    /// `EMAIL_SEND_WINDOW_SECS`: the send's retry window.
    pub send_window: Duration,
    /// `EMAIL_DRAFT_SAVES_PER_RUN`: draft saves before the workflow continues as new.
    pub draft_saves_per_run: u32,
}

/// The way email leaves this worker.
#[derive(Debug, Clone)]
pub enum Delivery {
    Smtp(SmtpSettings),
    Outbox,
    /// SMTP was asked for but cannot work; the reason names the variable to fix.
    Misconfigured(String),
}

/// How transport security is set up with the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a local relay or a test server only).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpTls {
    fn parse(raw: &str) -> Option<Self> {
        match raw.to_ascii_lowercase().as_str() {
            "none" | "off" | "plain" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::StartTls),
            "tls" | "ssl" | "smtps" => Some(SmtpTls::Tls),
            _ => None,
        }
    }

    fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SmtpTls::None => "none",
            SmtpTls::StartTls => "starttls",
            SmtpTls::Tls => "tls",
        }
    }
}

/// An SMTP server to deliver through.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// `SMTP_USERNAME` and `SMTP_PASSWORD`, both or neither.
    pub credentials: Option<(String, SecretString)>,
}

impl SmtpSettings {
    /// `smtp.example.com:587 (starttls, as user)`: for people, without the password.
    pub fn describe(&self) -> String {
        let login = self
            .credentials
            .as_ref()
            .map(|(user, _)| format!(", as {user}"))
            .unwrap_or_default();
        format!("{}:{} ({}{login})", self.host, self.port, self.tls.as_str())
    }
}

/// The variables, as they come. SMTP problems are not parse errors (the trip agent does not
/// need email), so the SMTP values are read as text and judged below.
#[derive(Deserialize)]
struct EmailEnv {
    email_send_window_secs: Option<u64>,
    email_draft_saves_per_run: Option<u64>,
    email_outbox_dir: Option<PathBuf>,
    smtp_host: Option<String>,
    smtp_port: Option<String>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<SecretString>,
    smtp_from: Option<String>,
}

impl EmailSettings {
    /// Reads the email variables. Only a malformed number (`EMAIL_SEND_WINDOW_SECS`,
    /// `EMAIL_DRAFT_SAVES_PER_RUN`) is an error; SMTP problems become
    /// [`Delivery::Misconfigured`].
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: EmailEnv = env.parse()?;
        let positive = |name: &str, value: Option<u64>, default: u64| match value {
            None => Ok(default),
            Some(0) => Err(SettingsError::new(name, "must be greater than zero")),
            Some(value) => Ok(value),
        };
        let send_window = Duration::from_secs(positive(
            "EMAIL_SEND_WINDOW_SECS",
            raw.email_send_window_secs,
            DEFAULT_SEND_WINDOW.as_secs(),
        )?);
        let draft_saves_per_run = positive(
            "EMAIL_DRAFT_SAVES_PER_RUN",
            raw.email_draft_saves_per_run,
            u64::from(models::DEFAULT_DRAFT_SAVES_PER_RUN),
        )?
        .min(u64::from(u32::MAX)) as u32;
        let outbox_dir = raw
            .email_outbox_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTBOX_DIR));
        let parsed_from = raw.smtp_from.as_deref().map(str::parse::<Mailbox>);
        let default_from: Mailbox = DEFAULT_FROM.parse().expect("the default sender parses");

        let Some(host) = raw.smtp_host else {
            let (from, delivery) = match parsed_from {
                Some(Err(err)) => (
                    default_from,
                    Delivery::Misconfigured(format!(
                        "SMTP_FROM is not a valid sender address ({err})"
                    )),
                ),
                Some(Ok(from)) => (from, Delivery::Outbox),
                None => (default_from, Delivery::Outbox),
            };
            return Ok(Self {
                delivery,
                from,
                outbox_dir,
                send_window,
                draft_saves_per_run,
            });
        };

        let smtp = || -> Result<(SmtpSettings, Mailbox), String> {
            let tls = match &raw.smtp_tls {
                None => SmtpTls::StartTls,
                Some(raw) => SmtpTls::parse(raw)
                    .ok_or_else(|| format!("SMTP_TLS is {raw:?}; use none, starttls or tls"))?,
            };
            let port = match &raw.smtp_port {
                None => tls.default_port(),
                Some(raw) => match raw.parse::<u16>() {
                    Ok(port) if port > 0 => port,
                    _ => return Err(format!("SMTP_PORT is {raw:?}, not a port number")),
                },
            };
            let credentials = match (raw.smtp_username.clone(), raw.smtp_password.clone()) {
                (Some(user), Some(password)) => Some((user, password)),
                (Some(_), None) => {
                    return Err("SMTP_USERNAME is set but SMTP_PASSWORD is not".to_owned());
                }
                (None, Some(_)) => {
                    return Err("SMTP_PASSWORD is set but SMTP_USERNAME is not".to_owned());
                }
                (None, None) => None,
            };
            let from = match parsed_from {
                Some(Ok(from)) => from,
                Some(Err(err)) => {
                    return Err(format!("SMTP_FROM is not a valid sender address ({err})"));
                }
                None => return Err("SMTP_FROM is not set: say which address email comes from, e.g. SMTP_FROM=\"Assistant <me@example.com>\"".to_owned()),
            };
            Ok((
                SmtpSettings {
                    host: host.clone(),
                    port,
                    tls,
                    credentials,
                },
                from,
            ))
        };
        Ok(match smtp() {
            Ok((smtp, from)) => Self {
                delivery: Delivery::Smtp(smtp),
                from,
                outbox_dir,
                send_window,
                draft_saves_per_run,
            },
            Err(reason) => Self {
                delivery: Delivery::Misconfigured(format!(
                    "SMTP_HOST is set, but the SMTP settings are incomplete: {reason}"
                )),
                from: default_from,
                outbox_dir,
                send_window,
                draft_saves_per_run,
            },
        })
    }

    /// One line for the worker's startup log.
    pub fn describe(&self) -> String {
        match &self.delivery {
            Delivery::Smtp(smtp) => format!("smtp {}", smtp.describe()),
            Delivery::Outbox => format!("outbox {}", self.outbox_dir.display()),
            Delivery::Misconfigured(reason) => format!("unavailable: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> EmailSettings {
        EmailSettings::from_env(&Env::from_pairs(vars.iter().copied())).unwrap()
    }

    fn misconfigured(settings: &EmailSettings) -> &str {
        match &settings.delivery {
            Delivery::Misconfigured(reason) => reason,
            other => panic!("expected a misconfiguration, got {other:?}"),
        }
    }

    #[test]
    fn without_smtp_the_outbox_is_used() {
        let s = settings(&[]);
        assert!(matches!(s.delivery, Delivery::Outbox));
        assert_eq!(s.outbox_dir, PathBuf::from(".data/outbox"));
        assert_eq!(s.from.email.to_string(), "assistant@example.com");
        assert_eq!(s.send_window, Duration::from_secs(60));
        let custom = settings(&[
            ("EMAIL_OUTBOX_DIR", "/tmp/mail"),
            ("SMTP_FROM", "me@example.org"),
        ]);
        assert_eq!(custom.outbox_dir, PathBuf::from("/tmp/mail"));
        assert_eq!(custom.from.email.to_string(), "me@example.org");
    }

    #[test]
    fn smtp_settings_take_defaults_by_tls_mode() {
        let s = settings(&[
            ("SMTP_HOST", "mail.example.com"),
            ("SMTP_FROM", "Bo <bo@example.com>"),
        ]);
        let Delivery::Smtp(smtp) = &s.delivery else {
            panic!("{:?}", s.delivery)
        };
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        assert_eq!(smtp.describe(), "mail.example.com:587 (starttls)");
        for (mode, port) in [("none", 25), ("tls", 465), ("STARTTLS", 587)] {
            let s = settings(&[
                ("SMTP_HOST", "h"),
                ("SMTP_FROM", "a@b.c"),
                ("SMTP_TLS", mode),
            ]);
            let Delivery::Smtp(smtp) = s.delivery else {
                panic!()
            };
            assert_eq!(smtp.port, port, "{mode}");
        }
    }

    #[test]
    fn incomplete_smtp_settings_name_the_variable_to_fix() {
        let no_from = settings(&[("SMTP_HOST", "h")]);
        assert!(misconfigured(&no_from).contains("SMTP_FROM is not set"));
        let bad_port = settings(&[
            ("SMTP_HOST", "h"),
            ("SMTP_FROM", "a@b.c"),
            ("SMTP_PORT", "x"),
        ]);
        assert!(misconfigured(&bad_port).contains("SMTP_PORT"));
        let bad_tls = settings(&[
            ("SMTP_HOST", "h"),
            ("SMTP_FROM", "a@b.c"),
            ("SMTP_TLS", "maybe"),
        ]);
        assert!(misconfigured(&bad_tls).contains("SMTP_TLS"));
        let half_login = settings(&[
            ("SMTP_HOST", "h"),
            ("SMTP_FROM", "a@b.c"),
            ("SMTP_USERNAME", "u"),
        ]);
        assert!(misconfigured(&half_login).contains("SMTP_PASSWORD is not"));
        let bad_from = settings(&[("SMTP_FROM", "not an address")]);
        assert!(misconfigured(&bad_from).contains("SMTP_FROM"));
    }

    #[test]
    fn the_password_never_shows() {
        let s = settings(&[
            ("SMTP_HOST", "h"),
            ("SMTP_FROM", "a@b.c"),
            ("SMTP_USERNAME", "user"),
            ("SMTP_PASSWORD", "hunter2-secret"),
        ]);
        let printed = format!("{s:?} {}", s.describe());
        assert!(!printed.contains("hunter2-secret"), "{printed}");
        assert!(s.describe().contains("as user"));
    }

    #[test]
    fn a_bad_send_window_is_an_error_naming_it() {
        let window = |value: &str| {
            EmailSettings::from_env(&Env::from_pairs([("EMAIL_SEND_WINDOW_SECS", value)]))
        };
        for bad in ["soon", "0"] {
            assert_eq!(window(bad).unwrap_err().variable, "EMAIL_SEND_WINDOW_SECS");
        }
        assert_eq!(window("5").unwrap().send_window, Duration::from_secs(5));
    }
}
