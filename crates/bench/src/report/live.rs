//! The live-reply part of the results: what a user waits for when the model takes its
//! time, with a prompt's validation alongside its planning (as shipped) and before it
//! (`SPECULATIVE_PLANNING=false`), at each level.

use std::{collections::BTreeMap, fmt::Write as _};

use serde::Serialize;

use super::{Phase, TargetCheck, times};
use crate::{
    model::{LatencyProfile, TurnTiming},
    stats::{Summary, ratio},
};

/// The level the live-reply targets are checked at.
const TARGET_LEVEL: usize = 8;
/// A user-prompt turn's p50 the hosted profile must stay within (sequential was ~1.52 s).
const PROMPT_TURN_TARGET_MS: f64 = 1100.0;
/// How far the first visible delta may trail the model's first `response` token (p50).
const FIRST_DELTA_LAG_TARGET_MS: f64 = 150.0;

/// The live-reply phases of a run.
#[derive(Debug, Clone, Serialize)]
pub struct LiveReport {
    pub profile: LatencyProfile,
    /// When the planner's answer of each trip turn shows `response` text and ends.
    pub planner: Vec<TurnTiming>,
    pub levels: Vec<LiveLevel>,
}

/// One concurrency level: the agent as shipped and with sequential validation.
#[derive(Debug, Clone, Serialize)]
pub struct LiveLevel {
    pub concurrency: usize,
    pub speculative: Phase,
    pub sequential: Phase,
}

/// The p50 of a phase's user-prompt turns (the turns speculative planning changes).
fn prompt_p50(summaries: &BTreeMap<String, Summary>) -> f64 {
    summaries.get("prompt").map_or(0.0, |s| s.p50)
}

impl LiveReport {
    /// The profile, the planner's timing and the phases, in Markdown.
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "#### Live replies: model latency profile `{}` ({})\n\n\
             The planner's answer as the model streams it, from the model receiving the call: \
             when its `response` text starts, and when the answer is complete.\n\n\
             | turn | kind | `response` text starts ms | answer complete ms |\n\
             |---:|---|---:|---:|\n",
            self.profile.name,
            self.profile.describe()
        );
        for (i, t) in self.planner.iter().enumerate() {
            let _ = writeln!(
                md,
                "| {} | {} | {:.0} | {:.0} |",
                i + 1,
                t.turn,
                t.response_starts_ms,
                t.answer_ms
            );
        }
        md.push_str(
            "\nFirst delta: the api accepted the request → the reply's first text read as a \
             `delta` event. Lag: first delta − the model's first `response` token (the table \
             above). Complete reply: accepted → the `history` event holding the reply (the turn \
             latency).\n\n\
             | C | planning | turns | turns/s | first delta p50 / p95 ms | lag p50 / p95 ms | complete reply p50 / p95 ms | user prompt: first delta p50 ms | user prompt: complete reply p50 ms | text live before the reply / deltas = reply |\n\
             |---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for level in &self.levels {
            md.push_str(&live_row(
                level.concurrency,
                "speculative",
                &level.speculative,
            ));
            md.push_str(&live_row(
                level.concurrency,
                "sequential",
                &level.sequential,
            ));
            let (s, q) = (&level.speculative, &level.sequential);
            let _ = writeln!(
                md,
                "| {} | speculative ÷ sequential | | {} | {} | | {} | {} | **{}** | |",
                level.concurrency,
                times(ratio(s.turns_per_second, q.turns_per_second)),
                times(ratio(s.first_delta_ms.p50, q.first_delta_ms.p50)),
                times(ratio(s.turn_ms.p50, q.turn_ms.p50)),
                times(ratio(
                    prompt_p50(&s.first_delta_ms_by_kind),
                    prompt_p50(&q.first_delta_ms_by_kind)
                )),
                times(ratio(
                    prompt_p50(&s.turn_ms_by_kind),
                    prompt_p50(&q.turn_ms_by_kind)
                )),
            );
        }
        md
    }

    /// The live-reply targets, checked at C = 8.
    pub fn targets(&self) -> Vec<TargetCheck> {
        let level = self.levels.iter().find(|l| l.concurrency == TARGET_LEVEL);
        let hosted = self.profile.same_speed(&LatencyProfile::hosted());
        let prompt_turn = TargetCheck {
            target: format!(
                "user-prompt turn p50 at C = {TARGET_LEVEL} with the hosted profile \
                 (validator 400 ms, planner ~900 ms): at most {PROMPT_TURN_TARGET_MS:.0} ms"
            ),
            measured: level.map_or("not measured".into(), |l| {
                format!(
                    "{:.0} ms speculative, {:.0} ms sequential ({} profile)",
                    prompt_p50(&l.speculative.turn_ms_by_kind),
                    prompt_p50(&l.sequential.turn_ms_by_kind),
                    self.profile.name
                )
            }),
            met: level
                .filter(|_| hosted)
                .map(|l| prompt_p50(&l.speculative.turn_ms_by_kind) <= PROMPT_TURN_TARGET_MS),
        };
        let lag = level.map(|l| &l.speculative.first_delta_lag_ms);
        let first_delta = TargetCheck {
            target: format!(
                "first delta visible at most {FIRST_DELTA_LAG_TARGET_MS:.0} ms after the model's \
                 first `response` token, p50, C = {TARGET_LEVEL}"
            ),
            measured: match (level, lag) {
                (Some(l), Some(lag)) if lag.count > 0 => format!(
                    "lag p50 {:.0} ms (first delta p50 {:.0} ms; user prompts {:.0} ms)",
                    lag.p50,
                    l.speculative.first_delta_ms.p50,
                    prompt_p50(&l.speculative.first_delta_ms_by_kind)
                ),
                (Some(_), _) => "no delta arrived before its reply".into(),
                _ => "not measured".into(),
            },
            met: lag
                .filter(|lag| lag.count > 0)
                .map(|lag| lag.p50 <= FIRST_DELTA_LAG_TARGET_MS),
        };
        vec![prompt_turn, first_delta]
    }
}

fn live_row(c: usize, label: &str, p: &Phase) -> String {
    let both = |s: &Summary| {
        if s.count == 0 {
            "-".to_owned()
        } else {
            format!("{:.0} / {:.0}", s.p50, s.p95)
        }
    };
    let prompt = |by_kind: &BTreeMap<String, Summary>| {
        by_kind
            .get("prompt")
            .filter(|s| s.count > 0)
            .map_or("-".to_owned(), |s| format!("{:.0}", s.p50))
    };
    format!(
        "| {c} | {label} | {} | {:.1} | {} | {} | {} | {} | {} | {} / {} of {} |\n",
        p.turns,
        p.turns_per_second,
        both(&p.first_delta_ms),
        both(&p.first_delta_lag_ms),
        both(&p.turn_ms),
        prompt(&p.first_delta_ms_by_kind),
        prompt(&p.turn_ms_by_kind),
        p.live.shown_before_reply,
        p.live.text_whole,
        p.turns,
    )
}
