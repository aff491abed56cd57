//! What a conversation cost: its token usage priced per model ([`PriceTable`], from
//! `data/model_prices.json` and `LLM_PRICES`).

use std::collections::BTreeMap;

use models::{ConversationUsage, UsageTotals};
use serde::{Deserialize, Serialize};
pub use settings::{Price, PriceTable};
use utoipa::ToSchema;

/// What `totals` of `model` cost, if the model has a price.
fn cost(prices: &PriceTable, model: &str, totals: &UsageTotals) -> Option<f64> {
    prices.cost(model, totals.prompt_tokens, totals.completion_tokens)
}

/// The cost of several models' totals: `None` when any of them has no price.
fn cost_of<'a>(
    prices: &PriceTable,
    models: impl IntoIterator<Item = (&'a str, &'a UsageTotals)>,
) -> Option<f64> {
    models
        .into_iter()
        .map(|(model, totals)| cost(prices, model, totals))
        .sum::<Option<f64>>()
        .map(round_cents_fraction)
}

impl UsageReport {
    /// A conversation's usage with its cost.
    pub fn new(prices: &PriceTable, usage: &ConversationUsage) -> Self {
        let total = usage.total();
        let by_step = usage
            .by_step
            .iter()
            .map(|(step, models)| {
                let mut totals = UsageTotals::default();
                for model_totals in models.values() {
                    totals.calls += model_totals.calls;
                    totals.prompt_tokens += model_totals.prompt_tokens;
                    totals.completion_tokens += model_totals.completion_tokens;
                }
                let cost = cost_of(prices, models.iter().map(|(m, t)| (m.as_str(), t)));
                (
                    step.clone(),
                    StepUsage {
                        totals,
                        cost_usd: cost,
                    },
                )
            })
            .collect();
        let by_model = usage.by_model();
        Self {
            calls: total.calls,
            prompt_tokens: total.prompt_tokens,
            completion_tokens: total.completion_tokens,
            cost_usd: cost_of(prices, by_model.iter().map(|(m, t)| (*m, t))),
            models: by_model.keys().map(|m| (*m).to_owned()).collect(),
            by_step,
        }
    }
}

/// Keeps costs readable: a millionth of a dollar is precision enough.
fn round_cents_fraction(cost: f64) -> f64 {
    (cost * 1_000_000.0).round() / 1_000_000.0
}

/// `GET /get-conversation-usage`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageReport {
    /// Model calls that reported usage.
    pub calls: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// In US dollars; null when a model used has no known price.
    pub cost_usd: Option<f64>,
    /// The models that answered (`provider/model`).
    pub models: Vec<String>,
    /// The same, per step (`planner`, `validator`, `summary`).
    pub by_step: BTreeMap<String, StepUsage>,
}

/// One step's usage and cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StepUsage {
    #[serde(flatten)]
    pub totals: UsageTotals,
    pub cost_usd: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::LlmUsage;

    fn usage(calls: &[(&str, &str, u64, u64)]) -> ConversationUsage {
        let mut usage = ConversationUsage::default();
        for (step, model, prompt, completion) in calls {
            usage.record(
                step,
                &LlmUsage {
                    model: (*model).into(),
                    prompt_tokens: *prompt,
                    completion_tokens: *completion,
                },
            );
        }
        usage
    }

    #[test]
    fn a_priced_model_has_a_cost_and_an_unknown_one_none() {
        let table = PriceTable::new(None).unwrap();
        let report = UsageReport::new(
            &table,
            &usage(&[
                ("planner", "openai/gpt-4o", 1_000_000, 100_000),
                ("validator", "openai/gpt-4o", 200_000, 0),
            ]),
        );
        // 1.2 M input at $2.50, 0.1 M output at $10.
        assert_eq!(report.cost_usd, Some(4.0));
        assert_eq!(report.by_step["validator"].cost_usd, Some(0.5));
        assert_eq!(report.calls, 2);
        let unknown = UsageReport::new(
            &table,
            &usage(&[
                ("planner", "openai/gpt-4o", 10, 10),
                ("validator", "acme/mystery", 10, 10),
            ]),
        );
        assert_eq!(unknown.cost_usd, None, "not a guess");
        assert_eq!(unknown.by_step["validator"].cost_usd, None);
        assert!(unknown.by_step["planner"].cost_usd.is_some());
        assert_eq!(
            UsageReport::new(&table, &usage(&[("planner", "ollama/llama3.1", 5, 5)])).cost_usd,
            Some(0.0)
        );
    }
}
