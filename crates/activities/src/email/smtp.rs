//! Delivery through an SMTP server with `lettre`: one connection per email, no client-side
//! retries (Temporal retries the activity), errors split into worth-retrying and final.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    transport::smtp::authentication::Credentials,
};

use settings::ExposeSecret;

use super::delivery::{SmtpSettings, SmtpTls};

/// Longest one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why an SMTP delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpError {
    /// The server refused the email for good (5xx): sending it again will not help.
    #[error("the SMTP server {server} refused the email: {detail}")]
    Rejected { server: String, detail: String },
    /// The server could not be reached, timed out or answered 4xx: worth retrying.
    #[error("could not deliver through {server}: {detail}")]
    Transient { server: String, detail: String },
}

/// Sends `message`; returns the server's final answer (e.g. `250 OK: queued as 12345`).
pub async fn send(settings: &SmtpSettings, message: &Message) -> Result<String, SmtpError> {
    let server = format!("{}:{}", settings.host, settings.port);
    let transport = transport(settings).map_err(|err| SmtpError::Transient {
        server: server.clone(),
        detail: err.to_string(),
    })?;
    match transport.send(message.clone()).await {
        Ok(response) => Ok(format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        )),
        Err(err) if err.is_permanent() => Err(SmtpError::Rejected {
            server,
            detail: describe(&err),
        }),
        Err(err) => Err(SmtpError::Transient {
            server,
            detail: describe(&err),
        }),
    }
}

fn transport(
    settings: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let builder = match settings.tls {
        SmtpTls::None => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
        }
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
    };
    let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
    if let Some((user, password)) = &settings.credentials {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    Ok(builder.build())
}

/// lettre's error with its causes ("connection refused"), which its `Display` leaves out.
fn describe(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
