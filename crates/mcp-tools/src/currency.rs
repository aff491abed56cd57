//! Currency conversion against the reference rate table shipped in `data/rates.json`.
//!
//! The table gives, for each currency, how many units one US dollar buys. Converting between
//! two currencies goes through the dollar: `converted = amount / per_usd(from) * per_usd(to)`.
//! The rates are indicative values written by hand with a date (`as_of`), so answers are
//! reproducible and need no network; they are not live quotes, and every answer says so by
//! naming the date.

use std::sync::LazyLock;

use rmcp::schemars::{self, JsonSchema};
use serde::{Deserialize, Serialize};

use crate::error::ToolError;

/// The table the server answers with, parsed once. Its loading is proven by a unit test.
pub static RATES: LazyLock<RateTable> = LazyLock::new(|| {
    RateTable::from_json(include_str!("../data/rates.json"))
        .expect("data/rates.json is part of the binary and is checked by its tests")
});

/// One currency's row in the table.
#[derive(Debug, Clone, Deserialize)]
pub struct Currency {
    /// ISO 4217 code, upper case.
    pub code: String,
    pub name: String,
    /// Units of this currency that one US dollar buys.
    pub per_usd: f64,
    /// Digits after the decimal point in everyday amounts (2 for EUR, 0 for JPY).
    pub minor_units: u8,
}

/// Reference rates, all against the US dollar.
#[derive(Debug, Clone, Deserialize)]
pub struct RateTable {
    /// The day the rates describe, as `YYYY-MM-DD`.
    pub as_of: chrono::NaiveDate,
    pub currencies: Vec<Currency>,
}

/// A table that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
pub enum RateTableError {
    #[error("the rate table is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the rate table lists {0} more than once")]
    Duplicate(String),
    #[error("{0} is not a three-letter upper-case ISO 4217 code")]
    BadCode(String),
    #[error("the rate of {0} must be a positive number")]
    BadRate(String),
    #[error("the rate table has no USD row of 1.0, so it is not based on the dollar")]
    NotDollarBased,
}

/// What `convert_currency` answers: the request echoed back with its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conversion {
    /// The amount that was converted, in `from`.
    pub amount: f64,
    /// ISO 4217 code converted from, upper case.
    pub from: String,
    /// ISO 4217 code converted to, upper case.
    pub to: String,
    /// The amount in `to`, rounded to that currency's usual decimal places.
    pub converted: f64,
    /// Units of `to` per one unit of `from`.
    pub rate: f64,
    /// The date of the reference rates used, `YYYY-MM-DD`.
    pub as_of: String,
}

impl RateTable {
    /// Parses and checks a table: unique upper-case codes, positive rates, USD at 1.0.
    pub fn from_json(json: &str) -> Result<Self, RateTableError> {
        let table: RateTable = serde_json::from_str(json)?;
        let mut seen = std::collections::HashSet::new();
        for currency in &table.currencies {
            let code = &currency.code;
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(RateTableError::BadCode(code.clone()));
            }
            if !seen.insert(code.as_str()) {
                return Err(RateTableError::Duplicate(code.clone()));
            }
            if !(currency.per_usd.is_finite() && currency.per_usd > 0.0) {
                return Err(RateTableError::BadRate(code.clone()));
            }
        }
        match table.find("USD") {
            Some(usd) if usd.per_usd == 1.0 => Ok(table),
            _ => Err(RateTableError::NotDollarBased),
        }
    }

    /// The row of an ISO 4217 code, in any letter case.
    pub fn find(&self, code: &str) -> Option<&Currency> {
        let code = code.trim();
        self.currencies
            .iter()
            .find(|currency| currency.code.eq_ignore_ascii_case(code))
    }

    /// Converts `amount` from one currency to another.
    pub fn convert(&self, amount: f64, from: &str, to: &str) -> Result<Conversion, ToolError> {
        if !amount.is_finite() {
            return Err(ToolError::InvalidAmount(amount));
        }
        let source = self.known(from)?;
        let target = self.known(to)?;
        let rate = target.per_usd / source.per_usd;
        Ok(Conversion {
            amount,
            from: source.code.clone(),
            to: target.code.clone(),
            converted: round_to(amount * rate, i32::from(target.minor_units)),
            // Six significant digits keep the rate readable (0.919, not 0.91900000000001) and
            // exact enough to redo the arithmetic, for KRW → USD as much as for USD → KRW.
            rate: round_significant(rate, 6),
            as_of: self.as_of.to_string(),
        })
    }

    /// The one-line answer shown to people and models, e.g.
    /// `150.00 USD = 137.85 EUR (reference rate of 2026-11-30)`.
    pub fn describe(&self, conversion: &Conversion) -> String {
        format!(
            "{} {} = {} {} (reference rate of {})",
            self.format_amount(conversion.amount, &conversion.from),
            conversion.from,
            self.format_amount(conversion.converted, &conversion.to),
            conversion.to,
            conversion.as_of,
        )
    }

    fn known(&self, code: &str) -> Result<&Currency, ToolError> {
        self.find(code).ok_or_else(|| ToolError::UnknownCurrency {
            code: code.trim().to_owned(),
            supported: self.codes().join(", "),
        })
    }

    fn codes(&self) -> Vec<&str> {
        self.currencies.iter().map(|c| c.code.as_str()).collect()
    }

    fn format_amount(&self, amount: f64, code: &str) -> String {
        let decimals = self.find(code).map_or(2, |c| c.minor_units);
        format!("{amount:.prec$}", prec = usize::from(decimals))
    }
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    let magnitude = value.abs().log10().floor() as i32;
    round_to(value, digits - 1 - magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_loads_with_common_currencies() {
        let table = &*RATES;
        assert!(table.currencies.len() >= 30, "{}", table.currencies.len());
        for code in ["USD", "EUR", "CAD", "MXN", "GBP", "JPY"] {
            assert!(table.find(code).is_some(), "{code} missing");
        }
    }

    #[test]
    fn dollars_to_euros_use_the_table_rate() {
        let conversion = RATES.convert(150.0, "USD", "EUR").unwrap();
        let eur = RATES.find("EUR").unwrap().per_usd;
        assert_eq!(conversion.converted, round_to(150.0 * eur, 2));
        assert_eq!(conversion.rate, eur);
        assert_eq!(conversion.as_of, RATES.as_of.to_string());
    }

    #[test]
    fn cross_rates_go_through_the_dollar() {
        let cad = RATES.find("CAD").unwrap().per_usd;
        let mxn = RATES.find("MXN").unwrap().per_usd;
        let conversion = RATES.convert(200.0, "CAD", "MXN").unwrap();
        assert_eq!(conversion.converted, round_to(200.0 * (mxn / cad), 2));
        assert_eq!(conversion.rate, round_significant(mxn / cad, 6));
    }

    #[test]
    fn small_rates_keep_six_significant_digits() {
        let conversion = RATES.convert(10_000.0, "KRW", "USD").unwrap();
        let krw = RATES.find("KRW").unwrap().per_usd;
        assert!((conversion.rate - 1.0 / krw).abs() < 1e-9, "{conversion:?}");
        assert_eq!(round_significant(0.000718390805, 6), 0.000718391);
        assert_eq!(round_significant(1392.0004, 6), 1392.0);
    }

    #[test]
    fn converting_there_and_back_returns_the_amount() {
        let there = RATES.convert(1234.56, "EUR", "GBP").unwrap();
        let back = RATES.convert(there.converted, "GBP", "EUR").unwrap();
        assert!((back.converted - 1234.56).abs() <= 0.01, "{back:?}");
    }

    #[test]
    fn codes_are_case_insensitive_and_answered_in_upper_case() {
        let conversion = RATES.convert(10.0, " usd", "eUr ").unwrap();
        assert_eq!(
            (conversion.from.as_str(), conversion.to.as_str()),
            ("USD", "EUR")
        );
    }

    #[test]
    fn currencies_without_minor_units_round_to_whole_numbers() {
        let conversion = RATES.convert(99.99, "USD", "JPY").unwrap();
        assert_eq!(conversion.converted, conversion.converted.round());
        assert!(
            RATES.describe(&conversion).contains(" JPY ("),
            "{conversion:?}"
        );
    }

    #[test]
    fn description_names_both_amounts_and_the_date() {
        let table = RateTable::from_json(
            r#"{"as_of": "2026-11-30", "currencies": [
                {"code": "USD", "name": "US dollar", "per_usd": 1.0, "minor_units": 2},
                {"code": "EUR", "name": "Euro", "per_usd": 0.919, "minor_units": 2}]}"#,
        )
        .unwrap();
        let conversion = table.convert(150.0, "USD", "EUR").unwrap();
        assert_eq!(
            table.describe(&conversion),
            "150.00 USD = 137.85 EUR (reference rate of 2026-11-30)"
        );
    }

    #[test]
    fn unknown_code_names_it_and_lists_the_supported_ones() {
        let err = RATES.convert(5.0, "USD", "XYZ").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"XYZ\""), "{text}");
        assert!(text.contains("USD, CAD, MXN, EUR"), "{text}");
    }

    #[test]
    fn tables_with_bad_rows_are_refused() {
        let row = |code: &str, rate: f64| {
            format!(r#"{{"code": "{code}", "name": "x", "per_usd": {rate}, "minor_units": 2}}"#)
        };
        let table = |rows: &[String]| {
            RateTable::from_json(&format!(
                r#"{{"as_of": "2026-11-30", "currencies": [{}]}}"#,
                rows.join(",")
            ))
        };
        let usd = row("USD", 1.0);
        assert!(matches!(
            table(&[usd.clone(), row("EUR", 0.9), row("EUR", 0.8)]),
            Err(RateTableError::Duplicate(code)) if code == "EUR"
        ));
        assert!(matches!(
            table(&[usd.clone(), row("eur", 0.9)]),
            Err(RateTableError::BadCode(_))
        ));
        assert!(matches!(
            table(&[usd, row("EUR", 0.0)]),
            Err(RateTableError::BadRate(_))
        ));
        assert!(matches!(
            table(&[row("EUR", 0.9)]),
            Err(RateTableError::NotDollarBased)
        ));
        assert!(matches!(
            RateTable::from_json("{}"),
            Err(RateTableError::Json(_))
        ));
    }
}
