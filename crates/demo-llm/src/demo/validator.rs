//! The validator: accepts replies that fit the trip (short answers judged in context, travel
//! talk, our cities, months, codes) and turns clearly off-topic requests away with a friendly
//! note on what the agent can do.

use models::{NextStep, ValidationFailure, ValidationResult};

use super::reading::{event_named, flight_named};
use super::trip::{Stage, Trip, events_of, flights_of};
use super::{FIND_EVENTS, SEARCH_FLIGHTS};
use crate::conversation::Turn;
use crate::text::words;
use crate::vocab::{
    OffTopic, airport_code, city_mentions, is_affirmative, is_farewell, is_negative, is_number,
    mentions_travel, month_mentions, off_topic,
};

pub(super) fn validate(turn: &Turn) -> ValidationResult {
    let text = turn.prompt.trim();
    let trip = Trip::new(turn);
    let verdict = match off_topic(text) {
        Some(reason) => Err(Some(reason)),
        None if fits_the_trip(text, &trip) => Ok(()),
        None => Err(None),
    };
    match verdict {
        Ok(()) => ValidationResult::valid(),
        Err(reason) => ValidationResult {
            valid: false,
            failed_reason: Some(ValidationFailure {
                next: NextStep::Question,
                response: rejection(reason, &trip),
            }),
            intent: None,
            usage: None,
        },
    }
}

/// Short replies are judged in context (they answer the last question); longer ones must
/// be about the trip.
pub(super) fn fits_the_trip(text: &str, trip: &Trip) -> bool {
    if text.is_empty() {
        return false;
    }
    let events = trip
        .latest_ok(FIND_EVENTS)
        .map(|(_, r)| events_of(r))
        .unwrap_or_default();
    let flights = trip
        .latest_ok(SEARCH_FLIGHTS)
        .map(|(_, r)| flights_of(r))
        .unwrap_or_default();
    words(text).len() <= 4
        || mentions_travel(text)
        || !city_mentions(text).is_empty()
        || !month_mentions(text).is_empty()
        || airport_code(text).is_some()
        || is_affirmative(text)
        || is_negative(text)
        || is_farewell(text)
        || is_number(text)
        || event_named(text, &events).is_some()
        || flight_named(text, &flights).is_some()
}

pub(super) fn rejection(reason: Option<OffTopic>, trip: &Trip) -> String {
    let why = match reason {
        Some(OffTopic::Creative) => {
            "Writing poems, jokes or stories isn't something I do here.".to_owned()
        }
        Some(OffTopic::Knowledge) => "I can't answer general knowledge questions.".to_owned(),
        Some(OffTopic::Coding) => "I can't help with programming.".to_owned(),
        Some(OffTopic::Math) => "I can't help with calculations like that.".to_owned(),
        Some(OffTopic::Injection) => "I need to stick to planning your trip.".to_owned(),
        Some(OffTopic::Abroad(place)) => {
            format!("{place} is outside North America, so I can't plan that trip.")
        }
        None => "That doesn't seem to be about your trip.".to_owned(),
    };
    let next = match trip.stage() {
        Stage::NeedEvents => "Which North American city and month would you like to explore?",
        Stage::HaveEvents { .. } => "Which city will you be flying from?",
        Stage::HaveFlights { .. } => "Shall I create an invoice for one of the flights?",
        Stage::Invoiced { .. } => "Your trip is booked; is there anything else about it?",
    };
    format!(
        "{why} I can find events in North American cities, search flights around them and \
         create an invoice for your trip. {next}"
    )
}
