//! Fault injection: the failures real LLM providers produce, on demand.
//!
//! Tests of the agent's resilience need an LLM that returns 500s, rate-limits with a
//! `Retry-After` header, or answers with prose instead of JSON, a known number of times. A
//! fault applies in demo and scripted mode alike, before anything else answers. Failure faults
//! are checked before prose faults; within each kind the oldest pending one wins. Counters are
//! decremented under a lock, so N concurrent requests consume exactly N uses.
//!
//! JSON format (`POST /admin/faults` takes one or an array):
//!
//! ```json
//! {"kind": "fail", "count": 3, "status": 500, "step": "planner", "retry_after": "2", "body": {...}}
//! {"kind": "prose", "count": 2, "step": null, "text": "Sure! Let me think about that."}
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::conversation::Step;

const DEFAULT_PROSE: &str =
    "Sure! Let me think about that for a moment. I'd be happy to help you plan your trip.";

/// One pending fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Fail the next `count` calls (of `step`, or any) with `status`.
    Fail {
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        step: Option<Step>,
        #[serde(default = "server_error")]
        status: u16,
        /// `Retry-After` header value, e.g. `"2"`.
        #[serde(default)]
        retry_after: Option<String>,
        /// Error body: JSON is sent as JSON, a string verbatim; none gets OpenAI's error shape.
        #[serde(default)]
        body: Option<Value>,
    },
    /// Answer the next `count` calls (of `step`, or any) with `text` instead of the real answer.
    Prose {
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        step: Option<Step>,
        #[serde(default = "default_prose")]
        text: String,
    },
}

fn one() -> u32 {
    1
}

fn server_error() -> u16 {
    500
}

fn default_prose() -> String {
    DEFAULT_PROSE.to_owned()
}

impl Fault {
    /// Fail the next `count` calls with `status`.
    pub fn fail(count: u32, status: u16) -> Self {
        Fault::Fail {
            count,
            step: None,
            status,
            retry_after: None,
            body: None,
        }
    }

    /// Answer the next `count` calls with `text`.
    pub fn prose(count: u32, text: impl Into<String>) -> Self {
        Fault::Prose {
            count,
            step: None,
            text: text.into(),
        }
    }

    /// Only calls of this step are affected.
    pub fn on_step(mut self, only: Step) -> Self {
        match &mut self {
            Fault::Fail { step, .. } | Fault::Prose { step, .. } => *step = Some(only),
        }
        self
    }

    /// Sends this `Retry-After` value with a failure (no effect on prose).
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        if let Fault::Fail { retry_after, .. } = &mut self {
            *retry_after = Some(value.into());
        }
        self
    }

    /// Sends this body with a failure (no effect on prose).
    pub fn body(mut self, value: impl Into<Value>) -> Self {
        if let Fault::Fail { body, .. } = &mut self {
            *body = Some(value.into());
        }
        self
    }

    pub fn count(&self) -> u32 {
        match self {
            Fault::Fail { count, .. } | Fault::Prose { count, .. } => *count,
        }
    }

    fn count_mut(&mut self) -> &mut u32 {
        match self {
            Fault::Fail { count, .. } | Fault::Prose { count, .. } => count,
        }
    }

    fn applies_to(&self, to: Step) -> bool {
        match self {
            Fault::Fail { step, .. } | Fault::Prose { step, .. } => step.is_none_or(|s| s == to),
        }
    }

    /// Whether this fault can take effect: at least one use, a real error status.
    pub fn check(&self) -> Result<(), String> {
        if self.count() == 0 {
            return Err("count must be at least 1".to_owned());
        }
        match self {
            Fault::Fail { status, .. } if !(400..=599).contains(status) => {
                Err(format!("status must be between 400 and 599, not {status}"))
            }
            _ => Ok(()),
        }
    }
}

/// The pending faults, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn push(&mut self, fault: Fault) {
        if fault.count() > 0 {
            self.pending.push(fault);
        }
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    pub fn pending(&self) -> &[Fault] {
        &self.pending
    }

    /// Consumes one use of the fault that applies to a call of `step`, if any. The returned
    /// copy has `count` 1.
    pub fn take(&mut self, step: Step) -> Option<Fault> {
        let is_fail = |f: &Fault| matches!(f, Fault::Fail { .. });
        let index = self
            .pending
            .iter()
            .position(|f| is_fail(f) && f.applies_to(step))
            .or_else(|| {
                self.pending
                    .iter()
                    .position(|f| !is_fail(f) && f.applies_to(step))
            })?;
        let mut taken = self.pending[index].clone();
        *taken.count_mut() = 1;
        let count = self.pending[index].count_mut();
        *count -= 1;
        if *count == 0 {
            self.pending.remove(index);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failures_come_before_prose_and_counts_run_out() {
        let mut faults = Faults::default();
        faults.push(Fault::prose(1, "hmm"));
        faults.push(Fault::fail(2, 503));
        assert!(matches!(
            faults.take(Step::Planner),
            Some(Fault::Fail { status: 503, .. })
        ));
        assert!(matches!(
            faults.take(Step::Planner),
            Some(Fault::Fail { .. })
        ));
        assert!(matches!(
            faults.take(Step::Planner),
            Some(Fault::Prose { .. })
        ));
        assert_eq!(faults.take(Step::Planner), None);
    }

    #[test]
    fn step_filtered_faults_skip_other_steps() {
        let mut faults = Faults::default();
        faults.push(Fault::fail(1, 500).on_step(Step::Validator));
        assert_eq!(faults.take(Step::Planner), None);
        assert!(faults.take(Step::Validator).is_some());
        assert!(faults.pending().is_empty());
    }

    #[test]
    fn json_format_has_defaults() {
        let fault: Fault = serde_json::from_value(json!({"kind": "fail"})).unwrap();
        assert_eq!(fault, Fault::fail(1, 500));
        let prose: Fault =
            serde_json::from_value(json!({"kind": "prose", "count": 2, "step": "summary"}))
                .unwrap();
        assert_eq!(prose.count(), 2);
        assert!(Fault::fail(0, 500).check().is_err());
        assert!(Fault::fail(1, 302).check().is_err());
    }
}
