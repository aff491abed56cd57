//! Reading a user's reply in context: which event, flight or origin it names, and whether it
//! asks to search again. Short, forgiving heuristics; when nothing fits, the planner asks.

use super::trip::{Event, Flight, destination_in};
use crate::text::{capitalize, has_any, phrase_positions, words};
use crate::vocab::{
    airport_code, city_mentions, is_affirmative, is_negative, mentions_travel, month_mentions,
};

/// Restart cues: the user wants a different event search.
pub(super) const RESTART: &[&str] = &[
    "start over",
    "restart",
    "different event",
    "other events",
    "another event",
    "other event",
    "different city",
    "another city",
    "new search",
    "search again",
    "different month",
    "another month",
];

/// A new event search asked for mid-trip: a month (or "events in <city>") that is not about
/// where the user flies from.
pub(super) fn asks_for_new_search(text: &str) -> bool {
    let mentions = city_mentions(text);
    if mentions.iter().any(|m| m.after_from) || airport_code(text).is_some() {
        return false;
    }
    let w = words(text);
    !month_mentions(text).is_empty()
        || (has_any(&w, &["event", "events"]) && destination_in(text).is_some())
}

/// Ordinal words a user may pick an item with ("the second one").
pub(super) fn ordinal_in(text: &str, len: usize) -> Option<usize> {
    let w = words(text);
    let ordinals: [(&[&str], usize); 5] = [
        (&["first", "1st"], 0),
        (&["second", "2nd"], 1),
        (&["third", "3rd"], 2),
        (&["fourth", "4th"], 3),
        (&["fifth", "5th"], 4),
    ];
    if has_any(&w, &["last", "last one"]) && len > 0 {
        return Some(len - 1);
    }
    ordinals
        .iter()
        .find(|(names, _)| has_any(&w, names))
        .map(|(_, index)| *index)
        .filter(|index| *index < len)
}

/// Words too common in event names to pick one by.
pub(super) const GENERIC_EVENT_WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "a",
    "an",
    "de",
    "la",
    "le",
    "du",
    "des",
    "del",
    "los",
    "las",
    "on",
    "in",
    "at",
    "festival",
    "fest",
    "fair",
    "show",
    "day",
    "days",
    "week",
    "annual",
    "international",
    "city",
    "st",
    "saint",
    "night",
    "nights",
    "celebration",
    "market",
    "festivals",
];

/// The event a reply names: in full, by ordinal, or by its distinctive words.
pub(super) fn event_named(text: &str, events: &[Event]) -> Option<usize> {
    let w = words(text);
    if let Some(i) = events
        .iter()
        .position(|e| !phrase_positions(&w, &words(&e.name)).is_empty())
    {
        return Some(i);
    }
    if let Some(i) = ordinal_in(text, events.len()) {
        return Some(i);
    }
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let city_words = words(&e.city);
            let score = words(&e.name)
                .into_iter()
                .filter(|n| n.len() > 2 && !GENERIC_EVENT_WORDS.contains(&n.as_str()))
                .filter(|n| !city_words.contains(n))
                .filter(|n| w.contains(n))
                .count();
            (i, score)
        })
        .filter(|(_, score)| *score > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

/// Words that make a short reply something other than a place name.
pub(super) const NOT_A_PLACE: &[&str] = &[
    "the", "one", "that", "this", "it", "those", "them", "first", "second", "third", "last",
    "event", "events", "flight", "flights", "please", "thanks", "thank", "you", "what", "which",
    "why", "how", "when", "where", "who", "more", "maybe", "idk", "dunno", "hmm", "hi", "hello",
    "hey", "good", "great", "fine", "nice", "cool", "any", "anything", "whatever", "same", "again",
    "cheapest", "cheap", "i", "me", "my", "is", "are", "a", "an", "not", "sure", "wait", "help",
    "later", "now", "there", "here",
];

/// Lead-ins people put before their home city.
pub(super) const ORIGIN_LEAD_INS: &[&str] = &[
    "i am flying from ",
    "im flying from ",
    "i'm flying from ",
    "flying from ",
    "i fly from ",
    "leaving from ",
    "departing from ",
    "i live in ",
    "i'm in ",
    "im in ",
    "i am in ",
    "from ",
];

/// Where the user flies from, if this reply says: a known city (preferably after "from") that
/// is not the destination, an airport code, or a short reply that reads like a place name.
pub(super) fn origin_in(text: &str, destination: &str, events: &[Event]) -> Option<String> {
    let mentions = city_mentions(text);
    if let Some(m) = mentions.iter().find(|m| m.after_from) {
        return Some(m.city.to_owned());
    }
    if let Some(m) = mentions.iter().rev().find(|m| m.city != destination) {
        return Some(m.city.to_owned());
    }
    if let Some(code) = airport_code(text) {
        return Some(code);
    }
    short_place(text, events)
}

pub(super) fn short_place(text: &str, events: &[Event]) -> Option<String> {
    let mut place = text.trim().trim_end_matches(['.', '!', '?', ',']).trim();
    let lower = place.to_lowercase();
    if let Some(lead) = ORIGIN_LEAD_INS.iter().find(|lead| lower.starts_with(*lead)) {
        // Lowercasing can change byte lengths outside ASCII; never slice mid-character.
        place = place.get(lead.len()..).unwrap_or(place).trim();
    }
    let w = words(place);
    let looks_like_a_name = !w.is_empty()
        && w.len() <= 3
        && place.chars().count() <= 30
        && place
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | ','));
    if !looks_like_a_name
        || is_affirmative(place)
        || is_negative(place)
        || !month_mentions(place).is_empty()
        || event_named(place, events).is_some()
        || w.iter().any(|word| NOT_A_PLACE.contains(&word.as_str()))
        || mentions_travel(place)
    {
        return None;
    }
    Some(if place.chars().any(char::is_uppercase) {
        place.to_owned()
    } else {
        place
            .split(' ')
            .map(capitalize)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The flight a reply names: by flight code, ordinal or airline.
/// Ways of asking for the lowest fare.
const CHEAPEST_WORDS: &[&str] = &[
    "cheapest",
    "least expensive",
    "lowest price",
    "lowest fare",
    "best price",
    "lowest",
];

/// Words in airline names that do not tell one airline from another.
const AIRLINE_WORDS: &[&str] = &["airlines", "airline", "air", "airways", "lines", "and"];

/// Amounts of money in a text ("$328", "328.40", "201 dollars"); small numbers are left out,
/// as they are ranks or counts, not fares.
fn amounts_in(text: &str) -> Vec<f64> {
    let mut amounts = Vec::new();
    let mut number = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '.' && !number.is_empty() && !number.contains('.')) {
            number.push(c);
            continue;
        }
        let candidate = std::mem::take(&mut number);
        // A number glued to letters ("AA1234", "2nd") is a code or a rank.
        if c.is_ascii_alphabetic() && !candidate.is_empty() {
            continue;
        }
        if let Ok(value) = candidate.trim_end_matches('.').parse::<f64>()
            && value >= 10.0
        {
            amounts.push(value);
        }
    }
    amounts
}

pub(super) fn flight_named(text: &str, flights: &[Flight]) -> Option<usize> {
    let compact: String = words(text).concat();
    let w = words(text);
    let code_match = |code: &str| {
        let code: String = words(code).concat();
        code.len() >= 3 && compact.contains(&code)
    };
    if let Some(i) = flights
        .iter()
        .position(|f| code_match(&f.out_code) || code_match(&f.ret_code))
    {
        return Some(i);
    }
    if let Some(i) = ordinal_in(text, flights.len()) {
        return Some(i);
    }
    if has_any(&w, CHEAPEST_WORDS) {
        return (!flights.is_empty()).then(|| super::trip::cheapest(flights));
    }
    // A price: "the $328 one", "the 201 dollar flight".
    if let Some(i) = amounts_in(text).into_iter().find_map(|amount| {
        flights
            .iter()
            .position(|f| f.price.is_some_and(|price| (price - amount).abs() < 1.0))
    }) {
        return Some(i);
    }
    // An airline, by its whole name or its own word ("Alaska" for Alaska Airlines): the
    // cheapest of its flights.
    flights
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let carrier = words(&f.carrier);
            let own: Vec<String> = carrier
                .iter()
                .filter(|word| !AIRLINE_WORDS.contains(&word.as_str()))
                .cloned()
                .collect();
            (!carrier.is_empty() && !phrase_positions(&w, &carrier).is_empty())
                || (!own.is_empty() && !phrase_positions(&w, &own).is_empty())
        })
        .min_by(|a, b| {
            let price = |f: &Flight| f.price.unwrap_or(f64::MAX);
            price(a.1).total_cmp(&price(b.1))
        })
        .map(|(i, _)| i)
}
