//! A minimal Server-Sent Events reader for the api's `GET /events` stream.
//!
//! The api sends `event: status`, `event: history` and `event: delta` frames with one-line
//! JSON `data` (deltas also with an `id:` line, which the bench does not need), separated by
//! blank lines, plus `:` comment lines as keep-alives. Each frame is stamped
//! with the moment it was read, on both clocks: `Instant` for latencies, wall time to
//! compare with Temporal's event timestamps.

use std::time::{Instant, SystemTime};

use anyhow::{Context, bail};

/// One event of the stream.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
    pub at: Instant,
    pub wall: SystemTime,
}

/// An open `text/event-stream` response.
pub struct EventStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl EventStream {
    /// Opens `url` and checks that it answers with an event stream.
    pub async fn open(client: &reqwest::Client, url: &str) -> anyhow::Result<Self> {
        let response = client
            .get(url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .with_context(|| format!("opening {url}"))?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status());
        }
        Ok(Self {
            response,
            buffer: Vec::new(),
        })
    }

    /// The next event; `None` when the server closed the stream.
    pub async fn next(&mut self) -> anyhow::Result<Option<SseEvent>> {
        loop {
            if let Some(frame) = take_frame(&mut self.buffer) {
                if let Some((event, data)) = parse_frame(&frame) {
                    return Ok(Some(SseEvent {
                        event,
                        data,
                        at: Instant::now(),
                        wall: SystemTime::now(),
                    }));
                }
                continue;
            }
            match self
                .response
                .chunk()
                .await
                .context("reading the event stream")?
            {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }
}

/// Removes and returns the first complete frame (up to a blank line) from `buffer`.
fn take_frame(buffer: &mut Vec<u8>) -> Option<String> {
    let end = buffer.windows(2).position(|w| w == b"\n\n")?;
    let frame = String::from_utf8_lossy(&buffer[..end]).into_owned();
    buffer.drain(..end + 2);
    Some(frame)
}

/// `(event, data)` of a frame; `None` for a frame with no data (a keep-alive comment).
fn parse_frame(frame: &str) -> Option<(String, String)> {
    let mut event = "message".to_owned();
    let mut data: Vec<&str> = Vec::new();
    for line in frame.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            event = value.trim().to_owned();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value));
        }
    }
    (!data.is_empty()).then(|| (event, data.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_on_blank_lines_and_comments_skipped() {
        let mut buffer =
            b"event: status\ndata: {\"state\":\"running\"}\n\n: keep-alive\n\nevent: history\ndata: {}"
                .to_vec();
        let first = take_frame(&mut buffer).unwrap();
        assert_eq!(
            parse_frame(&first),
            Some(("status".into(), "{\"state\":\"running\"}".into()))
        );
        let comment = take_frame(&mut buffer).unwrap();
        assert_eq!(parse_frame(&comment), None);
        assert!(
            take_frame(&mut buffer).is_none(),
            "the last frame is incomplete"
        );
        buffer.extend_from_slice(b"\n\n");
        assert_eq!(
            parse_frame(&take_frame(&mut buffer).unwrap()),
            Some(("history".into(), "{}".into()))
        );
    }
}
