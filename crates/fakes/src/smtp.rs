//! A loopback SMTP sink: accepts every email sent to it and keeps it for the test to read.
//!
//! It speaks just enough of SMTP (RFC 5321) for a real client such as `lettre` over a plain
//! connection: `EHLO`/`HELO`, `MAIL FROM`, `RCPT TO`, `DATA` (with dot-unstuffing), `RSET`,
//! `NOOP` and `QUIT`. It offers no TLS and no authentication, so the client is configured
//! with `SMTP_TLS=none` and no credentials. Each accepted message is recorded with its
//! envelope, its raw data and when it arrived; the next messages can be refused with a
//! chosen reply (`451 ...` to make the client retry, `550 ...` to make it give up).

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::Notify,
    task::{JoinHandle, JoinSet},
};

/// The largest message the sink takes (it says so in its `EHLO` answer).
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// One email as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpMessage {
    /// The envelope sender (`MAIL FROM`), without angle brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub to: Vec<String>,
    /// The message as sent after `DATA`: headers, blank line, body; CRLF line ends, the
    /// terminating `.` line removed and dot-stuffing undone.
    pub data: String,
    /// When the sink accepted it.
    pub received_at: SystemTime,
}

impl SmtpMessage {
    /// The first header called `name` (case-insensitive), unfolded and trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut found: Option<String> = None;
        for line in self.headers().lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((key, value)) = line.split_once(':')
                && key.trim().eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }

    /// Everything after the blank line that ends the headers.
    pub fn body(&self) -> &str {
        self.data
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body)
    }

    fn headers(&self) -> &str {
        self.data
            .split_once("\r\n\r\n")
            .map_or(self.data.as_str(), |(headers, _)| headers)
    }
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<SmtpMessage>>,
    /// Replies for the next `MAIL FROM` commands, oldest first, instead of accepting.
    refusals: Mutex<Vec<String>>,
    /// Connections opened so far.
    connections: Mutex<usize>,
    arrived: Notify,
}

/// A running SMTP sink on `127.0.0.1`. Dropping it stops the server and its connections.
pub struct FakeSmtp {
    port: u16,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FakeSmtp {
    /// Binds a free loopback port and starts accepting connections.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(accept(listener, shared.clone()));
        Ok(Self { port, shared, task })
    }

    /// Always `127.0.0.1`.
    pub fn host(&self) -> &str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<SmtpMessage> {
        self.shared.messages.lock().expect("messages lock").clone()
    }

    /// How many connections clients have opened.
    pub fn connections(&self) -> usize {
        *self.shared.connections.lock().expect("connections lock")
    }

    /// Refuses the next `count` messages at `MAIL FROM` with `reply`, e.g.
    /// `"451 4.3.0 try again later"` or `"550 5.1.1 no such user"`.
    pub fn refuse_next(&self, count: usize, reply: &str) {
        let mut refusals = self.shared.refusals.lock().expect("refusals lock");
        refusals.extend(std::iter::repeat_n(reply.to_owned(), count));
    }

    /// Waits until at least `count` messages arrived; returns them all, or `None` after
    /// `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Option<Vec<SmtpMessage>> {
        tokio::time::timeout(timeout, async {
            loop {
                let arrived = self.shared.arrived.notified();
                let messages = self.messages();
                if messages.len() >= count {
                    return messages;
                }
                arrived.await;
            }
        })
        .await
        .ok()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here, so stopping the accept task aborts every open connection too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                *shared.connections.lock().expect("connections lock") += 1;
                connections.spawn(serve(stream, shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One SMTP session, until `QUIT` or the client hangs up.
async fn serve(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 127.0.0.1 fake SMTP sink ready\r\n")
        .await?;
    let mut envelope: Option<(String, Vec<String>)> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => format!(
                "250-127.0.0.1 greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_MESSAGE_BYTES}"
            ),
            "HELO" => "250 127.0.0.1".to_owned(),
            "MAIL" => {
                let refusal = {
                    let mut refusals = shared.refusals.lock().expect("refusals lock");
                    (!refusals.is_empty()).then(|| refusals.remove(0))
                };
                match refusal {
                    Some(reply) => reply,
                    None => {
                        envelope = Some((address(command), Vec::new()));
                        "250 2.1.0 OK".to_owned()
                    }
                }
            }
            "RCPT" => match envelope.as_mut() {
                Some((_, to)) => {
                    to.push(address(command));
                    "250 2.1.5 OK".to_owned()
                }
                None => "503 5.5.1 MAIL FROM first".to_owned(),
            },
            "DATA" => match envelope.take() {
                Some((from, to)) if !to.is_empty() => {
                    writer
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let Some(data) = read_data(&mut reader).await? else {
                        return Ok(());
                    };
                    let mut messages = shared.messages.lock().expect("messages lock");
                    messages.push(SmtpMessage {
                        from,
                        to,
                        data,
                        received_at: SystemTime::now(),
                    });
                    let reply = format!("250 2.0.0 OK: queued as {}", messages.len());
                    drop(messages);
                    shared.arrived.notify_waiters();
                    reply
                }
                _ => "503 5.5.1 RCPT TO first".to_owned(),
            },
            "RSET" => {
                envelope = None;
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not implemented".to_owned(),
        };
        writer.write_all(reply.as_bytes()).await?;
        writer.write_all(b"\r\n").await?;
    }
}

/// Reads the message after `DATA` up to the lone `.` line; `None` if the client hung up.
async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line == ".\r\n" || line == ".\n" {
            return Ok(Some(data));
        }
        // Dot-stuffing: a line the client started with "." was sent as "..".
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

/// The address inside `MAIL FROM:<a@b>` or `RCPT TO:<a@b> SIZE=...`.
fn address(command: &str) -> String {
    let Some((_, rest)) = command.split_once(':') else {
        return String::new();
    };
    let rest = rest.trim();
    match (rest.find('<'), rest.find('>')) {
        (Some(start), Some(end)) if start < end => rest[start + 1..end].to_owned(),
        _ => rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn session(sink: &FakeSmtp, script: &[&str]) -> String {
        let mut stream = TcpStream::connect((sink.host(), sink.port()))
            .await
            .unwrap();
        for line in script {
            stream.write_all(line.as_bytes()).await.unwrap();
        }
        let mut answer = String::new();
        let mut reader = BufReader::new(stream);
        while reader.read_line(&mut answer).await.unwrap() > 0 {}
        answer
    }

    #[tokio::test]
    async fn records_the_envelope_and_the_unstuffed_data() {
        let sink = FakeSmtp::start().await.unwrap();
        let answer = session(
            &sink,
            &[
                "EHLO client\r\n",
                "MAIL FROM:<bo@example.com> BODY=8BITMIME\r\n",
                "RCPT TO:<ana@example.com>\r\n",
                "DATA\r\n",
                "Subject: Lunch\r\n To be continued\r\nTo: ana@example.com\r\n\r\nHi\r\n..dot line\r\n.\r\n",
                "QUIT\r\n",
            ],
        )
        .await;
        assert!(answer.starts_with("220 "), "{answer}");
        assert!(answer.contains("250 2.0.0 OK: queued as 1"), "{answer}");
        assert!(answer.ends_with("221 2.0.0 Bye\r\n"), "{answer}");
        let messages = sink.wait_for(1, Duration::from_secs(5)).await.unwrap();
        let message = &messages[0];
        assert_eq!(message.from, "bo@example.com");
        assert_eq!(message.to, ["ana@example.com"]);
        assert_eq!(message.header("subject").unwrap(), "Lunch To be continued");
        assert_eq!(message.header("To").unwrap(), "ana@example.com");
        assert_eq!(message.body(), "Hi\r\n.dot line\r\n");
        assert!(message.received_at <= SystemTime::now());
    }

    #[tokio::test]
    async fn refuses_what_it_is_told_to_and_then_accepts_again() {
        let sink = FakeSmtp::start().await.unwrap();
        sink.refuse_next(1, "451 4.3.0 try again later");
        let script = [
            "HELO client\r\n",
            "MAIL FROM:<bo@example.com>\r\n",
            "RCPT TO:<ana@example.com>\r\n",
            "QUIT\r\n",
        ];
        let answer = session(&sink, &script).await;
        assert!(answer.contains("451 4.3.0 try again later"), "{answer}");
        assert!(answer.contains("503 5.5.1 MAIL FROM first"), "{answer}");
        let answer = session(
            &sink,
            &[
                "HELO client\r\n",
                "MAIL FROM:<bo@example.com>\r\n",
                "RCPT TO:<ana@example.com>\r\n",
                "DATA\r\n",
                "\r\nhello\r\n.\r\n",
                "QUIT\r\n",
            ],
        )
        .await;
        assert!(answer.contains("queued as 1"), "{answer}");
        assert_eq!(sink.messages().len(), 1);
        assert_eq!(sink.connections(), 2);
    }
}
