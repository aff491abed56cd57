//! How fast the bench's model answers: its latency profile, and what that means for each
//! turn of the trip.
//!
//! The instant model of the main phases answers at once, so they measure the agent and
//! Temporal. The live-reply phases use a second LLM server with a [`LatencyProfile`]: the
//! validator's answer comes whole after `validator_ms`, the planner's streams its first
//! token after `first_token_ms` and then one token of about four characters every
//! `1 / tokens_per_second`. The planner's JSON names the tool and its arguments before its
//! `response`, so the text a user sees starts some tokens into the answer;
//! [`LatencyProfile::trip_timing`] works out when, for every scripted turn, from the exact
//! text the server streams.

use std::time::Duration;

use anyhow::{Context, bail};
use demo_llm::{Config as LlmConfig, openai::token_pieces};
use serde::Serialize;

use crate::trip::{self, TRIP};

/// The model's speed, as our LLM server plays it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyProfile {
    /// `hosted`, or `custom` for one given key by key.
    pub name: String,
    /// A planner call: request received → first streamed token.
    pub first_token_ms: u64,
    /// Streamed tokens (about four characters each) per second after the first.
    pub tokens_per_second: f64,
    /// A validator call: request received → its whole answer (the validator does not stream).
    pub validator_ms: u64,
}

impl LatencyProfile {
    /// The documented profile (`BENCHMARKS.md`): a hosted model that judges a prompt in
    /// 400 ms and writes the planner's answer of a user prompt in about 900 ms (first token
    /// at 300 ms, then 125 tokens a second: 8 ms a token).
    pub fn hosted() -> Self {
        Self {
            name: "hosted".into(),
            first_token_ms: 300,
            tokens_per_second: 125.0,
            validator_ms: 400,
        }
    }

    /// Parses `hosted` or `first-token-ms=N,tokens-per-s=N,validator-ms=N`; keys left out
    /// keep the hosted values.
    pub fn parse(spec: &str) -> anyhow::Result<Self> {
        if spec == "hosted" {
            return Ok(Self::hosted());
        }
        let mut profile = Self {
            name: "custom".into(),
            ..Self::hosted()
        };
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .with_context(|| format!("{pair:?} is not KEY=VALUE"))?;
            let number = |what: &str| -> anyhow::Result<f64> {
                value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .with_context(|| format!("{what} must be a number ≥ 0, not {value:?}"))
            };
            match key.trim() {
                "first-token-ms" => profile.first_token_ms = number(key)? as u64,
                "tokens-per-s" => profile.tokens_per_second = number(key)?,
                "validator-ms" => profile.validator_ms = number(key)? as u64,
                other => {
                    bail!("unknown key {other:?}: first-token-ms, tokens-per-s or validator-ms")
                }
            }
        }
        if profile.tokens_per_second <= 0.0 {
            bail!("tokens-per-s must be positive");
        }
        Ok(profile)
    }

    /// Whether `other` plays the same speeds, whatever its name.
    pub fn same_speed(&self, other: &Self) -> bool {
        (self.first_token_ms, self.validator_ms) == (other.first_token_ms, other.validator_ms)
            && self.tokens_per_second == other.tokens_per_second
    }

    /// `first token 300 ms, 125 tokens/s, validator 400 ms`.
    pub fn describe(&self) -> String {
        format!(
            "first token {} ms, {} tokens/s, validator {} ms",
            self.first_token_ms, self.tokens_per_second, self.validator_ms
        )
    }

    pub fn token_interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.tokens_per_second)
    }

    /// Our LLM server's settings for this profile, answering with `rules`.
    pub fn llm_config(&self, rules: Vec<demo_llm::Rule>) -> LlmConfig {
        LlmConfig {
            rules,
            latency: Duration::from_millis(self.first_token_ms),
            validator_latency: Some(Duration::from_millis(self.validator_ms)),
            token_interval: self.token_interval(),
            ..LlmConfig::default()
        }
    }

    /// When the planner's answer of each trip turn shows its `response` text and when it is
    /// complete, counted from the model receiving the request. These are the profile's
    /// times: the server's waits between tokens each end on a later timer tick, so its real
    /// answers run a little longer (`BENCHMARKS.md` says how much).
    pub fn trip_timing(&self) -> Vec<TurnTiming> {
        TRIP.iter()
            .map(|turn| {
                let answer = trip::planner_answer(turn);
                let (response_token, tokens) = response_token(&answer);
                let at = |token: usize| {
                    self.first_token_ms as f64
                        + token as f64 * self.token_interval().as_secs_f64() * 1000.0
                };
                TurnTiming {
                    turn: turn.kind.label(),
                    response_starts_ms: at(response_token),
                    answer_ms: at(tokens.saturating_sub(1)),
                }
            })
            .collect()
    }
}

/// The planner's answer of one trip turn, as the model streams it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TurnTiming {
    pub turn: &'static str,
    /// Request received → the first token holding `response` text.
    pub response_starts_ms: f64,
    /// Request received → the last token.
    pub answer_ms: f64,
}

/// Which streamed token (0-based) holds the first character of the answer's `response`
/// text, and how many tokens the answer has; the tokens are our LLM server's own.
fn response_token(answer: &str) -> (usize, usize) {
    const KEY: &str = "\"response\":\"";
    let pieces = token_pieces(answer);
    let Some(byte) = answer.find(KEY) else {
        return (pieces.len(), pieces.len());
    };
    let first_char = answer[..byte + KEY.len()].chars().count();
    let mut seen = 0;
    let token = pieces
        .iter()
        .position(|piece| {
            seen += piece.chars().count();
            seen > first_char
        })
        .unwrap_or(pieces.len());
    (token, pieces.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_by_name_or_key_by_key() {
        assert_eq!(
            LatencyProfile::parse("hosted").unwrap(),
            LatencyProfile::hosted()
        );
        let custom = LatencyProfile::parse("first-token-ms=50,tokens-per-s=500").unwrap();
        assert_eq!(
            (
                custom.first_token_ms,
                custom.tokens_per_second,
                custom.validator_ms
            ),
            (50, 500.0, 400)
        );
        assert!(LatencyProfile::parse("tokens-per-s=0").is_err());
        assert!(LatencyProfile::parse("latency=5").is_err());
        assert!(LatencyProfile::parse("first-token-ms").is_err());
    }

    #[test]
    fn the_response_token_is_counted_in_four_character_tokens() {
        // `{"a":1,"response":"` is 19 characters: its text starts in token 4 (characters
        // 16–19), and the answer has 7 tokens.
        assert_eq!(response_token(r#"{"a":1,"response":"Hello."}"#), (4, 7));
    }

    #[test]
    fn the_hosted_planner_writes_a_prompt_turn_in_about_900_ms() {
        let timing = LatencyProfile::hosted().trip_timing();
        assert_eq!(timing.len(), TRIP.len());
        let mut prompts: Vec<f64> = timing
            .iter()
            .filter(|t| t.turn == "prompt")
            .map(|t| t.answer_ms)
            .collect();
        prompts.sort_by(f64::total_cmp);
        assert!((800.0..=1000.0).contains(&prompts[1]), "{prompts:?}");
        for t in &timing {
            assert!(t.response_starts_ms > 300.0 && t.response_starts_ms < t.answer_ms);
        }
    }
}
