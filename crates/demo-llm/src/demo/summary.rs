//! The two-sentence summary written before continue-as-new: what the user wants, and how far
//! the trip has come.

use super::trip::{Stage, Trip, cheapest, money, string, suggested};
use super::{CREATE_INVOICE, FIND_EVENTS, SEARCH_FLIGHTS};
use crate::conversation::Turn;

pub(super) fn summarize(turn: &Turn) -> String {
    let trip = Trip::new(turn);
    let (city, month) = trip.city_and_month("");
    let stage = trip.stage();
    let event = match &stage {
        Stage::NeedEvents => None,
        Stage::HaveEvents { events, .. } => events.get(suggested(events)).cloned(),
        Stage::HaveFlights { .. } | Stage::Invoiced { .. } => trip.event_for_flights(),
    };
    let origin = trip.known_text(SEARCH_FLIGHTS, "origin");
    let from = origin
        .as_deref()
        .map(|o| format!(", flying from {o}"))
        .unwrap_or_default();
    let wants = match (&event, &city, &month) {
        (Some(event), _, _) if !event.city.is_empty() => format!(
            "The user wants to attend {} in {} ({}){from}.",
            event.name,
            event.city,
            event.dates()
        ),
        (_, Some(city), Some(month)) => {
            format!("The user wants to find an event in {city} in {month}{from}.")
        }
        (_, Some(city), None) => format!("The user wants to visit an event in {city}{from}."),
        _ => "The user wants to plan a trip to an event in a North American city.".to_owned(),
    };
    let progress = match &stage {
        Stage::NeedEvents => match trip.latest_result(FIND_EVENTS) {
            Some(_) => "The last event search found nothing, so no event is chosen yet.".to_owned(),
            None => "No search has run yet.".to_owned(),
        },
        Stage::HaveEvents { events, .. } => format!(
            "The agent found {} events{}, and flights have not been searched yet.",
            events.len(),
            event
                .as_ref()
                .map(|e| format!(" and suggested {}", e.name))
                .unwrap_or_default()
        ),
        Stage::HaveFlights { flights, .. } => {
            let best = &flights[cheapest(flights)];
            let (origin, destination, _, _) = trip.searched();
            format!(
                "Flights from {origin} to {destination} were found, the cheapest being {} {} at \
                 {}, and no invoice has been created yet.",
                best.carrier,
                best.codes(),
                best.price_text()
            )
        }
        Stage::Invoiced { invoice, .. } => {
            let details = trip
                .known_text(CREATE_INVOICE, "tripDetails")
                .unwrap_or_else(|| "the flight".into());
            let amount = trip
                .known_arg(CREATE_INVOICE, "amount")
                .and_then(|a| a.as_f64())
                .map(|a| format!(" for {}", money(a)))
                .unwrap_or_default();
            format!(
                "An invoice{amount} was created for {details} ({}, reference {}).",
                string(invoice.get("invoiceURL")),
                string(invoice.get("reference"))
            )
        }
    };
    format!("{wants} {progress}")
}
