//! Event stream tickets: an `EventSource` cannot send an `Authorization` header, and a
//! long-lived token in a URL ends up in logs and browser history. So a browser asks
//! `POST /events/ticket?workflow_id=...` (with its token) for a ticket that opens that one
//! workflow's stream (`/events` or `/email/events`, `&ticket=...`) for [`TICKET_LIFETIME`].
//!
//! A ticket is `base64url(claims).base64url(HMAC-SHA256(claims))`, the claims naming the
//! user, the workflow id and the expiry. It is checked when a stream opens; an open stream
//! runs on, and a reconnecting browser asks for a new ticket.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{Caller, UserId};
use crate::domain::WorkflowId;

/// How long a ticket opens its stream.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// Issues and checks tickets with one key.
pub struct Tickets {
    key: hmac::Key,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    /// The user; absent when auth is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    u: Option<String>,
    /// The workflow id.
    w: String,
    /// Expiry, Unix seconds.
    e: u64,
}

impl Tickets {
    /// Signs with `secret`, or with a random key of this process.
    pub fn new(secret: Option<&SecretString>) -> Self {
        let key = match secret {
            Some(secret) => hmac::Key::new(hmac::HMAC_SHA256, secret.expose_secret().as_bytes()),
            None => hmac::Key::generate(hmac::HMAC_SHA256, &aws_lc_rs::rand::SystemRandom::new())
                .expect("the system's random source works"),
        };
        Self { key }
    }

    /// A ticket for `caller` to follow `id`, and when it expires (Unix seconds).
    pub fn issue(&self, caller: &Caller, id: &WorkflowId) -> (String, u64) {
        let expires = now() + TICKET_LIFETIME.as_secs();
        let claims = Claims {
            u: caller.user().map(|user| user.as_str().to_owned()),
            w: id.as_str().to_owned(),
            e: expires,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims serialize"));
        let tag = URL_SAFE_NO_PAD.encode(hmac::sign(&self.key, body.as_bytes()));
        (format!("{body}.{tag}"), expires)
    }

    /// The caller a ticket speaks for, if it is genuine, unexpired and for workflow `id`.
    pub fn verify(&self, ticket: &str, id: &Option<WorkflowId>) -> Option<Caller> {
        let (body, tag) = ticket.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        hmac::verify(&self.key, body.as_bytes(), &tag).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
        if claims.e <= now() || id.as_ref().map(WorkflowId::as_str) != Some(claims.w.as_str()) {
            return None;
        }
        Some(match claims.u {
            Some(user) => Caller::User(UserId::parse(&user)?),
            None => Caller::Anyone,
        })
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> Option<WorkflowId> {
        Some(WorkflowId::parse(raw).unwrap())
    }

    #[test]
    fn a_ticket_opens_its_own_workflow_for_its_own_user_only() {
        let tickets = Tickets::new(None);
        let alice = Caller::User(UserId::parse("alice").unwrap());
        let (ticket, expires) = tickets.issue(&alice, &WorkflowId::parse("chat-1").unwrap());
        assert!(expires > now() && expires <= now() + 60);
        assert_eq!(tickets.verify(&ticket, &id("chat-1")), Some(alice));
        assert_eq!(
            tickets.verify(&ticket, &id("chat-2")),
            None,
            "another workflow"
        );
        assert_eq!(tickets.verify(&ticket, &None), None);
        assert_eq!(
            Tickets::new(None).verify(&ticket, &id("chat-1")),
            None,
            "another key"
        );
        let (body, tag) = ticket.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"u":"bob","w":"chat-1","e":99999999999}"#);
        assert_eq!(
            tickets.verify(&format!("{forged}.{tag}"), &id("chat-1")),
            None
        );
        assert_eq!(tickets.verify(body, &id("chat-1")), None);
    }

    #[test]
    fn an_expired_ticket_opens_nothing_and_a_shared_secret_works_across_replicas() {
        let secret = SecretString::from("a shared secret of the deployment, long enough");
        let one = Tickets::new(Some(&secret));
        let other = Tickets::new(Some(&secret));
        let claims = Claims {
            u: Some("alice".into()),
            w: "chat-1".into(),
            e: now() - 1,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        let tag = URL_SAFE_NO_PAD.encode(hmac::sign(&one.key, body.as_bytes()));
        assert_eq!(other.verify(&format!("{body}.{tag}"), &id("chat-1")), None);
        let (fresh, _) = one.issue(&Caller::Anyone, &WorkflowId::parse("chat-1").unwrap());
        assert_eq!(other.verify(&fresh, &id("chat-1")), Some(Caller::Anyone));
    }
}
