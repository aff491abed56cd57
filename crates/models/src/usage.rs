//! What the model calls of a conversation used: tokens by step and model, as the providers
//! reported them. The workflow adds up every call's [`LlmUsage`] (and carries the sums
//! across continue-as-new); the api prices them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One model call's usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlmUsage {
    /// The model that answered, as configured (`provider/model`).
    pub model: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Calls and tokens added up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageTotals {
    pub calls: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl UsageTotals {
    fn add(&mut self, other: &UsageTotals) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// A conversation's usage: step (`planner`, `validator`, ...) → model → totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationUsage {
    #[serde(default)]
    pub by_step: BTreeMap<String, BTreeMap<String, UsageTotals>>,
}

impl ConversationUsage {
    /// Adds one call of `step`.
    pub fn record(&mut self, step: &str, usage: &LlmUsage) {
        let totals = self
            .by_step
            .entry(step.to_owned())
            .or_default()
            .entry(usage.model.clone())
            .or_default();
        totals.add(&UsageTotals {
            calls: 1,
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        });
    }

    /// Everything added up.
    pub fn total(&self) -> UsageTotals {
        let mut total = UsageTotals::default();
        for models in self.by_step.values() {
            for totals in models.values() {
                total.add(totals);
            }
        }
        total
    }

    /// The totals of each model, whatever the step.
    pub fn by_model(&self) -> BTreeMap<&str, UsageTotals> {
        let mut by_model: BTreeMap<&str, UsageTotals> = BTreeMap::new();
        for models in self.by_step.values() {
            for (model, totals) in models {
                by_model.entry(model).or_default().add(totals);
            }
        }
        by_model
    }

    pub fn is_empty(&self) -> bool {
        self.by_step.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_add_up_by_step_and_model() {
        let mut usage = ConversationUsage::default();
        let call = |model: &str, prompt, completion| LlmUsage {
            model: model.into(),
            prompt_tokens: prompt,
            completion_tokens: completion,
        };
        usage.record("planner", &call("openai/gpt-4o", 100, 20));
        usage.record("planner", &call("openai/gpt-4o", 150, 30));
        usage.record("validator", &call("openai/gpt-4o-mini", 80, 5));
        assert_eq!(
            usage.total(),
            UsageTotals {
                calls: 3,
                prompt_tokens: 330,
                completion_tokens: 55
            }
        );
        assert_eq!(usage.by_step["planner"]["openai/gpt-4o"].calls, 2);
        assert_eq!(usage.by_model()["openai/gpt-4o-mini"].prompt_tokens, 80);
    }
}
