//! The demo travel desk (goal `goal_travel_helper`, on the bundled MCP server named `travel`):
//! currency conversions, a city's local time, and trip notes, read from everyday phrasings
//! ("150 dollars in euros", "what time is it in Vancouver", "note that check-in is at 3pm").

use models::PlannerDecision;
use serde_json::{Value, json};

use super::planner::{args, confirm, question};
use crate::conversation::{PromptKind, Turn};
use crate::text::words;

const CONVERT: &str = "travel/convert_currency";
const CITY_ZONE: &str = "travel/city_time_zone";
const TIME_IN_ZONE: &str = "travel/time_in_zone";
const SAVE_NOTE: &str = "travel/save_trip_note";

/// Currency words people use, and their codes.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("canadian", "CAD"),
    ("mexican", "MXN"),
    ("australian", "AUD"),
    ("dollar", "USD"),
    ("dollars", "USD"),
    ("bucks", "USD"),
    ("euro", "EUR"),
    ("euros", "EUR"),
    ("pound", "GBP"),
    ("pounds", "GBP"),
    ("sterling", "GBP"),
    ("yen", "JPY"),
    ("peso", "MXN"),
    ("pesos", "MXN"),
    ("franc", "CHF"),
    ("francs", "CHF"),
];

pub(super) fn plan(turn: &Turn) -> PlannerDecision {
    match &turn.kind {
        PromptKind::ToolCompleted { tool, result } => after_tool(tool, result),
        PromptKind::User => reply(&turn.prompt),
        _ => question(
            "Hi! I'm your travel desk: I convert prices between currencies, tell you the time \
             in any city or time zone, and keep notes for your trip. What do you need?",
            None,
            args(vec![]),
        ),
    }
}

fn reply(text: &str) -> PlannerDecision {
    let said = words(text);
    let lower = text.to_lowercase();
    if let Some(note) = note_in(text) {
        let title: String = note
            .split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" ");
        return confirm(
            SAVE_NOTE,
            args(vec![("title", json!(title)), ("text", json!(note))]),
            format!("Shall I save the note \"{note}\"?"),
        );
    }
    if let Some((amount, from, to)) = conversion_in(text) {
        return confirm(
            CONVERT,
            args(vec![
                ("amount", json!(amount)),
                ("from", json!(from)),
                ("to", json!(to)),
            ]),
            format!("Converting {amount} {from} to {to}."),
        );
    }
    if said.iter().any(|w| w == "time" || w == "clock") {
        if let Some(zone) = text.split_whitespace().find(|w| w.contains('/')) {
            let zone = zone.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '_');
            return confirm(
                TIME_IN_ZONE,
                args(vec![("zone", json!(zone))]),
                format!("Looking up the time in {zone}."),
            );
        }
        if let Some(city) = lower.split(" in ").nth(1) {
            let city = city
                .trim_matches(|c: char| !c.is_alphanumeric() && c != ' ')
                .replace("right now", "")
                .replace(" now", "");
            let city = title_case(city.trim());
            if !city.is_empty() {
                return confirm(
                    CITY_ZONE,
                    args(vec![("city", json!(city))]),
                    format!("Finding {city}'s time zone."),
                );
            }
        }
    }
    question(
        "I can convert an amount between currencies (say \"150 USD in EUR\"), tell the time in a \
         city (\"what time is it in Denver?\"), or save a trip note (\"note that the hotel \
         check-in is at 3pm\"). What would you like?",
        None,
        args(vec![]),
    )
}

fn after_tool(tool: &str, result: &Value) -> PlannerDecision {
    if let Some(error) = result["error"].as_str() {
        return question(format!("That didn't work: {error}"), None, args(vec![]));
    }
    let text = result["text"].as_str().unwrap_or_default().to_owned();
    match tool {
        CITY_ZONE => match result["zone"].as_str() {
            Some(zone) => confirm(
                TIME_IN_ZONE,
                args(vec![("zone", json!(zone))]),
                format!(
                    "{} is in {zone}; looking up the time there.",
                    result["name"].as_str().unwrap_or("The city")
                ),
            ),
            None => question(text, None, args(vec![])),
        },
        SAVE_NOTE => question(
            format!(
                "Saved your note \"{}\". Anything else?",
                result["title"].as_str().unwrap_or("note")
            ),
            None,
            args(vec![]),
        ),
        _ if !text.is_empty() => question(format!("{text}. Anything else?"), None, args(vec![])),
        _ => question(
            format!("Here is what I found: {result}. Anything else?"),
            None,
            args(vec![]),
        ),
    }
}

/// "note that X", "remember X", "save a note: X" → X.
fn note_in(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for marker in [
        "note that ",
        "remember that ",
        "remember ",
        "save a note:",
        "save a note ",
        "note: ",
    ] {
        if let Some(at) = lower.find(marker) {
            let note = text[at + marker.len()..].trim().trim_end_matches('.');
            if !note.is_empty() {
                return Some(note.to_owned());
            }
        }
    }
    None
}

/// An amount and two currencies, by code ("EUR") or by word ("euros").
fn conversion_in(text: &str) -> Option<(f64, String, String)> {
    let mut amount = None;
    let mut codes = Vec::new();
    let raw: Vec<&str> = text.split_whitespace().collect();
    for (i, token) in raw.iter().enumerate() {
        let cleaned = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ',');
        let number = cleaned.trim_start_matches('$').replace(',', "");
        if amount.is_none()
            && let Ok(value) = number.parse::<f64>()
        {
            amount = Some(value);
            if token.starts_with('$') {
                codes.push("USD".to_owned());
            }
            continue;
        }
        let word = cleaned.to_lowercase();
        if word.len() == 3 && cleaned.chars().all(|c| c.is_ascii_uppercase()) {
            codes.push(cleaned.to_owned());
        } else if let Some((_, code)) = CURRENCY_WORDS.iter().find(|(w, _)| *w == word) {
            // "canadian dollars": the adjective decides, the noun adds nothing.
            let after_adjective = i > 0
                && ["canadian", "mexican", "australian"]
                    .contains(&raw[i - 1].to_lowercase().as_str());
            if !after_adjective {
                codes.push((*code).to_owned());
            }
        }
    }
    codes.dedup();
    match (amount, codes.as_slice()) {
        (Some(amount), [from, to, ..]) if from != to => Some((amount, from.clone(), to.clone())),
        _ => None,
    }
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_are_read_from_codes_words_and_symbols() {
        assert_eq!(
            conversion_in("150 USD in EUR"),
            Some((150.0, "USD".into(), "EUR".into()))
        );
        assert_eq!(
            conversion_in("How much is 150 US dollars in euros?"),
            Some((150.0, "USD".into(), "EUR".into()))
        );
        assert_eq!(
            conversion_in("$1,200 to pesos"),
            Some((1200.0, "USD".into(), "MXN".into()))
        );
        assert_eq!(
            conversion_in("convert 80 canadian dollars to yen"),
            Some((80.0, "CAD".into(), "JPY".into()))
        );
        assert_eq!(conversion_in("what time is it"), None);
    }

    #[test]
    fn notes_times_and_everything_else() {
        assert_eq!(
            note_in("Note that our hotel check-in is at 3pm."),
            Some("our hotel check-in is at 3pm".into())
        );
        let time = reply("what time is it in vancouver right now?");
        assert_eq!(time.tool.as_deref(), Some(CITY_ZONE));
        assert_eq!(time.args["city"], "Vancouver");
        let zone = reply("what's the time in Europe/Paris");
        assert_eq!(zone.tool.as_deref(), Some(TIME_IN_ZONE));
        assert_eq!(reply("tell me a joke").tool, None);
    }
}
