//! What a conversation cost: its token usage priced per model.
//!
//! Prices come from `data/model_prices.json` (embedded; USD per million tokens, input and
//! output), and `LLM_PRICES` adds or replaces models: `provider/model=input:output`, entries
//! separated by `;` or `,`, e.g. `LLM_PRICES="acme/fast=0.5:1.5"`. An entry may end in `/*` to
//! cover a provider (local models cost nothing). A model without a price has no cost: the
//! answer says `null` rather than guess.

use std::collections::BTreeMap;

use models::{ConversationUsage, UsageTotals};
use serde::{Deserialize, Serialize};
use settings::SettingsError;
use utoipa::ToSchema;

const PRICES: &str = include_str!("../../../data/model_prices.json");

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

/// The price of each model.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    prices: BTreeMap<String, Price>,
}

#[derive(Deserialize)]
struct PriceFile {
    prices: BTreeMap<String, Price>,
}

impl PriceTable {
    /// The shipped prices with `overrides` (`LLM_PRICES`) on top.
    pub fn new(overrides: Option<&str>) -> Result<Self, SettingsError> {
        let file: PriceFile =
            serde_json::from_str(PRICES).expect("data/model_prices.json is valid");
        let mut prices = file.prices;
        for entry in overrides
            .unwrap_or_default()
            .split([';', ','])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (model, price) = parse_override(entry).ok_or_else(|| {
                SettingsError::new(
                    "LLM_PRICES",
                    format!(
                        "{entry:?} is not provider/model=input:output (USD per million tokens)"
                    ),
                )
            })?;
            prices.insert(model, price);
        }
        Ok(Self { prices })
    }

    /// The price of `model`: its own entry, or its provider's `provider/*` entry.
    pub fn price(&self, model: &str) -> Option<Price> {
        self.prices.get(model).copied().or_else(|| {
            let provider = model.split('/').next()?;
            self.prices.get(&format!("{provider}/*")).copied()
        })
    }

    /// What `totals` of `model` cost, if the model has a price.
    fn cost(&self, model: &str, totals: &UsageTotals) -> Option<f64> {
        let price = self.price(model)?;
        Some(
            (totals.prompt_tokens as f64 * price.input
                + totals.completion_tokens as f64 * price.output)
                / 1_000_000.0,
        )
    }

    /// The cost of several models' totals: `None` when any of them has no price.
    fn cost_of<'a>(
        &self,
        models: impl IntoIterator<Item = (&'a str, &'a UsageTotals)>,
    ) -> Option<f64> {
        models
            .into_iter()
            .map(|(model, totals)| self.cost(model, totals))
            .sum::<Option<f64>>()
            .map(round_cents_fraction)
    }

    /// A conversation's usage with its cost.
    pub fn report(&self, usage: &ConversationUsage) -> UsageReport {
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
                let cost = self.cost_of(models.iter().map(|(m, t)| (m.as_str(), t)));
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
        UsageReport {
            calls: total.calls,
            prompt_tokens: total.prompt_tokens,
            completion_tokens: total.completion_tokens,
            cost_usd: self.cost_of(by_model.iter().map(|(m, t)| (*m, t))),
            models: by_model.keys().map(|m| (*m).to_owned()).collect(),
            by_step,
        }
    }
}

/// Keeps costs readable: a millionth of a dollar is precision enough.
fn round_cents_fraction(cost: f64) -> f64 {
    (cost * 1_000_000.0).round() / 1_000_000.0
}

fn parse_override(entry: &str) -> Option<(String, Price)> {
    let (model, price) = entry.split_once('=')?;
    let (input, output) = price.split_once(':')?;
    let price = Price {
        input: input
            .trim()
            .parse()
            .ok()
            .filter(|p: &f64| p.is_finite() && *p >= 0.0)?,
        output: output
            .trim()
            .parse()
            .ok()
            .filter(|p: &f64| p.is_finite() && *p >= 0.0)?,
    };
    let model = model.trim();
    model.contains('/').then(|| (model.to_owned(), price))
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
        let report = table.report(&usage(&[
            ("planner", "openai/gpt-4o", 1_000_000, 100_000),
            ("validator", "openai/gpt-4o", 200_000, 0),
        ]));
        // 1.2 M input at $2.50, 0.1 M output at $10.
        assert_eq!(report.cost_usd, Some(4.0));
        assert_eq!(report.by_step["validator"].cost_usd, Some(0.5));
        assert_eq!(report.calls, 2);
        let unknown = table.report(&usage(&[
            ("planner", "openai/gpt-4o", 10, 10),
            ("validator", "acme/mystery", 10, 10),
        ]));
        assert_eq!(unknown.cost_usd, None, "not a guess");
        assert_eq!(unknown.by_step["validator"].cost_usd, None);
        assert!(unknown.by_step["planner"].cost_usd.is_some());
        assert_eq!(
            table
                .report(&usage(&[("planner", "ollama/llama3.1", 5, 5)]))
                .cost_usd,
            Some(0.0)
        );
    }

    #[test]
    fn overrides_add_and_replace_prices_and_bad_ones_name_the_variable() {
        let table = PriceTable::new(Some("acme/mystery=1:2; openai/gpt-4o = 5 : 20")).unwrap();
        assert_eq!(
            table.price("acme/mystery"),
            Some(Price {
                input: 1.0,
                output: 2.0
            })
        );
        assert_eq!(table.price("openai/gpt-4o").unwrap().output, 20.0);
        for bad in ["gpt-4o=1:2", "acme/x=1", "acme/x=a:b", "acme/x=-1:2"] {
            assert_eq!(
                PriceTable::new(Some(bad)).unwrap_err().variable,
                "LLM_PRICES",
                "{bad}"
            );
        }
    }
}
