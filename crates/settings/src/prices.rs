//! The price of each model, for what conversations cost.
//!
//! Prices come from `data/model_prices.json` (embedded; USD per million tokens, input and
//! output), and `LLM_PRICES` adds or replaces models: `provider/model=input:output`, entries
//! separated by `;` or `,`, e.g. `LLM_PRICES="acme/fast=0.5:1.5"`. An entry may end in `/*` to
//! cover a provider (local models cost nothing). A model without a price has no cost: callers
//! say so rather than guess. The api prices conversations with it, the worker its metrics.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::SettingsError;

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

    /// What `prompt_tokens` and `completion_tokens` of `model` cost in USD, if it has a price.
    pub fn cost(&self, model: &str, prompt_tokens: u64, completion_tokens: u64) -> Option<f64> {
        let price = self.price(model)?;
        Some(
            (prompt_tokens as f64 * price.input + completion_tokens as f64 * price.output)
                / 1_000_000.0,
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn cost_is_per_million_tokens_and_none_without_a_price() {
        let table = PriceTable::new(Some("acme/fast=1:3")).unwrap();
        assert_eq!(table.cost("acme/fast", 2_000_000, 1_000_000), Some(5.0));
        assert_eq!(table.cost("acme/unknown", 1, 1), None);
    }
}
