//! The planner: one [`PlannerDecision`] per turn, decided from the [`Trip`] and the prompt.
//!
//! Internal prompts (starter, tool completed, missing arguments) are answered from the
//! history; user replies are read according to what the agent's last question was preparing
//! (the `tool` it named), so "Chicago" is a destination while choosing an event search and an
//! origin once events have been listed.

use chrono::NaiveDate;
use models::{NextStep, PlannerDecision, ToolCall};
use serde_json::{Map, Value, json};

use super::reading::{RESTART, asks_for_new_search, event_named, flight_named, origin_in};
use super::trip::{
    Event, Flight, Stage, Trip, cheapest, destination_in, error_of, events_of, flights_of, string,
    suggested,
};
use super::{CREATE_INVOICE, FIND_EVENTS, SEARCH_FLIGHTS};
use crate::conversation::{PromptKind, Turn};
use crate::text::{has_any, join_and, words};
use crate::vocab::{
    self, airport_code, city_mentions, is_affirmative, is_negative, month_mentions,
};

/// How many events a listing shows before "and N more".
const MAX_LISTED_EVENTS: usize = 8;

pub(super) fn plan(turn: &Turn) -> PlannerDecision {
    let trip = Trip::new(turn);
    match &turn.kind {
        PromptKind::Instruction if trip.any_tool_ran() => follow_up(&trip),
        PromptKind::Instruction => greeting(),
        PromptKind::MissingArguments { tool, missing } => ask_for_missing(&trip, tool, missing),
        PromptKind::ToolCompleted { tool, result } => {
            let result = match result {
                Value::Null => trip.latest_result(tool).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            after_tool(&trip, tool, &result)
        }
        PromptKind::ToolsCompleted { results } => after_tools(&trip, results),
        PromptKind::ToolDeclined { tools, reason } => {
            after_decline(&trip, tools, reason.as_deref())
        }
        PromptKind::User => reply(&trip, &turn.prompt),
    }
}

/// Several tools ran together: each one's answer, in order, in one message. The question
/// that ends it is the last tool's.
fn after_tools(trip: &Trip, results: &[(String, Value)]) -> PlannerDecision {
    let answers: Vec<PlannerDecision> = results
        .iter()
        .map(|(tool, result)| match (tool.as_str(), error_of(result)) {
            (FIND_EVENTS, None) => present_events_for(trip, result),
            _ => after_tool(trip, tool, result),
        })
        .collect();
    let Some(last) = answers.last().cloned() else {
        return follow_up(trip);
    };
    let response = answers
        .iter()
        .map(|answer| answer.response.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    PlannerDecision { response, ..last }
}

/// The user said no to the proposal: follow what they said instead, or ask.
fn after_decline(trip: &Trip, tools: &[String], reason: Option<&str>) -> PlannerDecision {
    let names = join_and(tools);
    if let Some(reason) = reason.filter(|r| {
        destination_in(r).is_some() || !month_mentions(r).is_empty() || airport_code(r).is_some()
    }) {
        let mut answer = reply(trip, reason);
        answer.response = format!("Okay, I didn't run {names}. {}", answer.response);
        return answer;
    }
    let why = reason
        .filter(|r| !is_negative(r) || words(r).len() > 2)
        .map(|r| format!(" (you said: \"{}\")", r.trim()))
        .unwrap_or_default();
    question(
        format!(
            "Okay, I didn't run {names}{why}. What would you like to change, or shall we try \
             something else?"
        ),
        tools.first().map(String::as_str),
        Map::new(),
    )
}

pub(super) fn question(
    response: impl Into<String>,
    tool: Option<&str>,
    args: Map<String, Value>,
) -> PlannerDecision {
    PlannerDecision {
        next: NextStep::Question,
        tool: tool.map(str::to_owned),
        args,
        response: response.into(),
        force_confirm: false,
        reply_id: None,
        tool_calls: Vec::new(),
        proposal_id: None,
    }
}

pub(super) fn confirm(tool: &str, args: Map<String, Value>, response: String) -> PlannerDecision {
    PlannerDecision {
        next: NextStep::Confirm,
        tool: Some(tool.to_owned()),
        args,
        response,
        force_confirm: false,
        reply_id: None,
        tool_calls: Vec::new(),
        proposal_id: None,
    }
}

pub(super) fn args(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub(super) fn opt(value: Option<impl Into<Value>>) -> Value {
    value.map(Into::into).unwrap_or(Value::Null)
}

pub(super) fn greeting() -> PlannerDecision {
    question(
        format!(
            "Hi! I'm your trip planner. I can find events in North American cities, search \
             flights around the event dates, and create an invoice for the flight you pick.\n\
             Which city would you like to visit, and in which month? For example: {}.",
            example_cities()
        ),
        None,
        Map::new(),
    )
}

pub(super) fn example_cities() -> String {
    let preferred = [
        "Austin",
        "Chicago",
        "New York",
        "Toronto",
        "Mexico City",
        "Vancouver",
    ];
    let known = vocab::cities();
    let mut names: Vec<String> = preferred
        .iter()
        .filter(|p| known.iter().any(|c| c.name == **p))
        .map(|p| p.to_string())
        .collect();
    names.extend(known.iter().map(|c| c.name.clone()));
    let mut unique = Vec::new();
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
        if unique.len() == 4 {
            break;
        }
    }
    join_and(&unique).replace(" and ", " or ")
}

/// What to say when the workflow nudges the planner mid-conversation.
pub(super) fn follow_up(trip: &Trip) -> PlannerDecision {
    match trip.stage() {
        Stage::NeedEvents => events_request(trip, ""),
        Stage::HaveEvents { at, .. } => after_tool(trip, FIND_EVENTS, &trip.messages[at].response),
        Stage::HaveFlights { result, .. } => after_tool(trip, SEARCH_FLIGHTS, result),
        Stage::Invoiced { invoice, .. } => finished(trip, invoice),
    }
}

pub(super) fn reply(trip: &Trip, text: &str) -> PlannerDecision {
    let stage = trip.stage();
    let w = words(text);
    if has_any(&w, RESTART) {
        let has_details = destination_in(text).is_some() || !month_mentions(text).is_empty();
        return if has_details {
            events_request(trip, text)
        } else {
            question(
                "Sure, let's look again. Which city and month should I search for events?",
                Some(FIND_EVENTS),
                args(vec![("city", Value::Null), ("month", Value::Null)]),
            )
        };
    }
    if trip.preparing_after(stage.at()).as_deref() == Some(FIND_EVENTS) {
        return events_request(trip, text);
    }
    match stage {
        Stage::NeedEvents => events_request(trip, text),
        Stage::HaveEvents { at, events } => flight_search(trip, at, &events, text),
        Stage::HaveFlights { at, flights, .. } => invoice_decision(trip, at, &flights, text),
        Stage::Invoiced { invoice, .. } => finished(trip, invoice),
    }
}

pub(super) fn events_request(trip: &Trip, text: &str) -> PlannerDecision {
    let (city, month) = trip.city_and_month(text);
    let known = args(vec![
        ("city", opt(city.clone())),
        ("month", opt(month.clone())),
    ]);
    let told_something_new = destination_in(text).is_some() || !month_mentions(text).is_empty();
    if is_negative(text) && !told_something_new {
        return question(
            "No problem. Which city and month should I look at instead?",
            Some(FIND_EVENTS),
            known,
        );
    }
    let destinations: Vec<&str> = city_mentions(text)
        .into_iter()
        .filter(|m| !m.after_from)
        .map(|m| m.city)
        .fold(Vec::new(), |mut unique, city| {
            if !unique.contains(&city) {
                unique.push(city);
            }
            unique
        });
    if let (true, Some(month)) = (destinations.len() > 1, &month) {
        return search_together(&destinations, month);
    }
    match (city, month) {
        (Some(city), Some(month)) => confirm(
            FIND_EVENTS,
            known,
            format!(
                "I'll look for events in {city} in {month}, plus the months just before and \
                 after. Shall I search?"
            ),
        ),
        (Some(city), None) => question(
            format!("{city} sounds great! Which month would you like to go?"),
            Some(FIND_EVENTS),
            known,
        ),
        (None, Some(month)) => question(
            format!(
                "{month} works. Which North American city would you like to visit? For \
                 example: {}.",
                example_cities()
            ),
            Some(FIND_EVENTS),
            known,
        ),
        (None, None) => question(
            format!(
                "Which North American city would you like to visit, and in which month? For \
                 example: {}.",
                example_cities()
            ),
            Some(FIND_EVENTS),
            known,
        ),
    }
}

/// Independent lookups run together: one event search per city, one go-ahead for all.
fn search_together(cities: &[&str], month: &str) -> PlannerDecision {
    let tool_calls: Vec<ToolCall> = cities
        .iter()
        .map(|city| ToolCall {
            tool: FIND_EVENTS.to_owned(),
            args: args(vec![("city", json!(city)), ("month", json!(month))]),
        })
        .collect();
    let names: Vec<String> = cities.iter().map(|c| (*c).to_owned()).collect();
    let mut decision = confirm(
        FIND_EVENTS,
        tool_calls[0].args.clone(),
        format!(
            "I'll look for events in {} in {month} at the same time, plus the months just \
             before and after. Shall I search?",
            join_and(&names)
        ),
    );
    decision.tool_calls = tool_calls;
    decision
}

pub(super) fn after_tool(trip: &Trip, tool: &str, result: &Value) -> PlannerDecision {
    match tool {
        FIND_EVENTS => present_events(trip, result),
        SEARCH_FLIGHTS => present_flights(trip, result),
        CREATE_INVOICE => match error_of(result) {
            Some(error) => question(
                format!("Creating the invoice didn't work: {error}\nShall I try again?"),
                Some(CREATE_INVOICE),
                trip.latest_args(CREATE_INVOICE),
            ),
            None => finished(trip, result),
        },
        other => question(
            format!("The {other} step has finished. What would you like to do next?"),
            None,
            Map::new(),
        ),
    }
}

/// Events found by one of several searches run together: the city is the events' own.
fn present_events_for(trip: &Trip, result: &Value) -> PlannerDecision {
    let city = events_of(result)
        .first()
        .map(|e| e.city.clone())
        .filter(|c| !c.is_empty());
    present_events_in(result, city, trip.known_text(FIND_EVENTS, "month"))
}

pub(super) fn present_events(trip: &Trip, result: &Value) -> PlannerDecision {
    let city = trip.known_text(FIND_EVENTS, "city");
    let month = trip.known_text(FIND_EVENTS, "month");
    present_events_in(result, city, month)
}

fn present_events_in(
    result: &Value,
    city: Option<String>,
    month: Option<String>,
) -> PlannerDecision {
    let searched = args(vec![
        ("city", opt(city.clone())),
        ("month", opt(month.clone())),
    ]);
    if let Some(error) = error_of(result) {
        return question(
            format!("I couldn't search for events: {error}\nWhich city and month should I try?"),
            Some(FIND_EVENTS),
            searched,
        );
    }
    let events = events_of(result);
    let place = match (&city, &month) {
        (Some(city), Some(month)) => format!("in {city} around {month}"),
        (Some(city), None) => format!("in {city}"),
        _ => "there".to_owned(),
    };
    if events.is_empty() {
        return question(
            format!(
                "I didn't find any events {place}. Would you like to try another city or month?"
            ),
            Some(FIND_EVENTS),
            searched,
        );
    }
    let in_month = events.iter().any(|e| e.label == "requested month");
    let opening = match (&city, &month) {
        (Some(city), Some(month)) if !in_month && events.iter().any(|e| !e.label.is_empty()) => {
            format!(
                "I didn't find any events in {city} in {month} itself. Here's what's on in the \
                 months around it:"
            )
        }
        _ => format!("Here's what's on {place}:"),
    };
    let mut lines = vec![opening];
    for event in events.iter().take(MAX_LISTED_EVENTS) {
        let note = match event.label.as_str() {
            "" | "requested month" => String::new(),
            label => format!(", {label}"),
        };
        lines.push(format!("- {} ({}{note})", event.name, event.dates()));
    }
    if events.len() > MAX_LISTED_EVENTS {
        lines.push(format!("...and {} more.", events.len() - MAX_LISTED_EVENTS));
    }
    let pick = &events[suggested(&events)];
    lines.push(format!(
        "I'd suggest {} ({}). Which city will you be flying from? A city name or an airport \
         code is fine, and you can pick a different event too.",
        pick.name,
        pick.dates()
    ));
    question(
        lines.join("\n"),
        Some(SEARCH_FLIGHTS),
        flight_args(pick, city.as_deref(), None, Value::Null),
    )
}

pub(super) fn flight_args(
    event: &Event,
    fallback_city: Option<&str>,
    origin: Option<&str>,
    confirmation: Value,
) -> Map<String, Value> {
    let destination = Some(event.city.as_str())
        .filter(|c| !c.is_empty())
        .or(fallback_city);
    args(vec![
        ("origin", opt(origin)),
        ("destination", opt(destination)),
        ("dateDepart", opt(event.depart().map(|d| d.to_string()))),
        (
            "dateReturn",
            opt(event.return_date().map(|d| d.to_string())),
        ),
        ("userConfirmation", confirmation),
    ])
}

pub(super) fn flight_search(
    trip: &Trip,
    at: usize,
    events: &[Event],
    text: &str,
) -> PlannerDecision {
    if asks_for_new_search(text) {
        return events_request(trip, text);
    }
    let texts = trip.user_texts_after(at);
    let choice = texts
        .iter()
        .rev()
        .find_map(|t| event_named(t, events))
        .unwrap_or_else(|| suggested(events));
    let event = &events[choice];
    let city_fallback = trip.known_text(FIND_EVENTS, "city");
    let destination = Some(event.city.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| city_fallback.clone())
        .unwrap_or_default();
    let origin_now = origin_in(text, &destination, events);
    if is_negative(text) && origin_now.is_none() && event_named(text, events).is_none() {
        return question(
            "No problem. I can search flights for another of the events above, or look for \
             events in a different city or month. What would you like to do?",
            Some(SEARCH_FLIGHTS),
            flight_args(event, city_fallback.as_deref(), None, Value::Null),
        );
    }
    let origin = origin_now.or_else(|| {
        texts
            .iter()
            .rev()
            .find_map(|t| origin_in(t, &destination, events))
    });
    let Some(origin) = origin else {
        return question(
            format!(
                "{} it is! Which city or airport will you be flying from?",
                event.name
            ),
            Some(SEARCH_FLIGHTS),
            flight_args(event, city_fallback.as_deref(), None, Value::Null),
        );
    };
    let confirmation = format!(
        "User asked to search flights from {origin} to {destination} for {}",
        event.name
    );
    let search = flight_args(
        event,
        city_fallback.as_deref(),
        Some(&origin),
        json!(confirmation),
    );
    let when = match (event.depart(), event.return_date()) {
        (Some(depart), Some(back)) => format!(", leaving {depart} and returning {back}"),
        _ => String::new(),
    };
    confirm(
        SEARCH_FLIGHTS,
        search,
        format!(
            "Great! I'll search round-trip flights from {origin} to {destination}{when}, \
             around {} ({}). Shall I search?",
            event.name,
            event.dates()
        ),
    )
}

pub(super) fn present_flights(trip: &Trip, result: &Value) -> PlannerDecision {
    let (origin, destination, _, _) = trip.searched();
    let retry_args = trip.latest_args(SEARCH_FLIGHTS);
    if let Some(error) = error_of(result) {
        return question(
            format!(
                "I couldn't search flights: {error}\nWhich city or airport should I search \
                 from instead?"
            ),
            Some(SEARCH_FLIGHTS),
            retry_args,
        );
    }
    let flights = flights_of(result);
    if flights.is_empty() {
        return question(
            format!(
                "I found no flights from {origin} to {destination} for those dates. Would you \
                 like to try another departure city?"
            ),
            Some(SEARCH_FLIGHTS),
            retry_args,
        );
    }
    let mut lines = vec![format!(
        "Here are the flights from {origin} to {destination}:"
    )];
    for flight in &flights {
        let back = if flight.ret_carrier.is_empty() || flight.ret_carrier == flight.carrier {
            String::new()
        } else {
            format!(", back with {}", flight.ret_carrier)
        };
        lines.push(format!(
            "- {}: {} ({}{back})",
            flight.carrier,
            flight.price_text(),
            flight.codes()
        ));
    }
    let best = &flights[cheapest(&flights)];
    lines.push(format!(
        "The cheapest is {} ({}) at {}. Shall I create an invoice for it? You can also pick \
         another flight by airline or flight code.",
        best.carrier,
        best.codes(),
        best.price_text()
    ));
    question(
        lines.join("\n"),
        Some(CREATE_INVOICE),
        invoice_args(trip, best, Value::Null),
    )
}

pub(super) fn invoice_args(
    trip: &Trip,
    flight: &Flight,
    confirmation: Value,
) -> Map<String, Value> {
    args(vec![
        ("amount", flight.amount.clone()),
        ("tripDetails", json!(trip_details(trip, flight))),
        ("userConfirmation", confirmation),
    ])
}

/// One line describing the trip: flight codes, route, dates and the event.
pub(super) fn trip_details(trip: &Trip, flight: &Flight) -> String {
    let (origin, destination, depart, back) = trip.searched();
    let mut details = format!(
        "{} {}, {origin} to {destination}",
        flight.carrier,
        flight.codes()
    );
    if let (Some(depart), Some(back)) = (depart, back) {
        let parse = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        let dates = match (parse(&depart), parse(&back)) {
            (Some(from), Some(to)) => super::trip::readable_range(from, to),
            _ => format!("{depart} to {back}"),
        };
        details.push_str(&format!(", {dates}"));
    }
    if let Some(event) = trip.event_for_flights() {
        details.push_str(&format!(", for {}", event.name));
    }
    details
}

pub(super) fn invoice_decision(
    trip: &Trip,
    at: usize,
    flights: &[Flight],
    text: &str,
) -> PlannerDecision {
    let named_now = flight_named(text, flights);
    if named_now.is_none() {
        if asks_for_new_search(text) {
            return events_request(trip, text);
        }
        let (origin, destination, _, _) = trip.searched();
        let new_origin = city_mentions(text)
            .into_iter()
            .find(|m| m.after_from || m.city != destination)
            .map(|m| m.city.to_owned())
            .or_else(|| airport_code(text));
        if let Some(new_origin) = new_origin.filter(|o| !o.eq_ignore_ascii_case(&origin))
            && let Some(event) = trip.event_for_flights()
        {
            let city = trip.known_text(FIND_EVENTS, "city");
            return confirm(
                SEARCH_FLIGHTS,
                flight_args(
                    &event,
                    city.as_deref(),
                    Some(&new_origin),
                    json!(format!(
                        "User asked to search flights from {new_origin} to {destination} \
                         for {}",
                        event.name
                    )),
                ),
                format!(
                    "Sure, I'll search flights from {new_origin} to {destination} for the same \
                     dates instead. Shall I search?"
                ),
            );
        }
        if is_negative(text) {
            return question(
                "No problem, I won't create an invoice. I can invoice a different flight from \
                 the list, search from another city, or look for other events. What would you \
                 like?",
                Some(CREATE_INVOICE),
                trip.latest_args(CREATE_INVOICE),
            );
        }
    }
    let choice = named_now
        .or_else(|| {
            trip.user_texts_after(at)
                .iter()
                .rev()
                .find_map(|t| flight_named(t, flights))
        })
        .unwrap_or_else(|| cheapest(flights));
    let flight = &flights[choice];
    if named_now.is_none() && !is_affirmative(text) {
        return question(
            format!(
                "Shall I create an invoice for the {} flight ({}) at {}? You can also name \
                 another airline or flight code from the list.",
                flight.carrier,
                flight.codes(),
                flight.price_text()
            ),
            Some(CREATE_INVOICE),
            invoice_args(trip, flight, Value::Null),
        );
    }
    let confirmation = format!(
        "User approved an invoice for the {} flight {} at {}",
        flight.carrier,
        flight.codes(),
        flight.price_text()
    );
    let invoice = invoice_args(trip, flight, json!(confirmation));
    let details = string(invoice.get("tripDetails"));
    confirm(
        CREATE_INVOICE,
        invoice,
        format!(
            "I'll create an invoice for {}: {details}. Shall I go ahead?",
            flight.price_text()
        ),
    )
}

pub(super) fn finished(trip: &Trip, invoice: &Value) -> PlannerDecision {
    let url = string(invoice.get("invoiceURL"));
    let reference = string(invoice.get("reference"));
    let mut response = String::from("All set! ");
    response.push_str(&match (url.is_empty(), reference.is_empty()) {
        (false, false) => format!("Your invoice is ready: {url} (reference {reference})."),
        (false, true) => format!("Your invoice is ready: {url}"),
        (true, false) => format!("Your invoice has been created (reference {reference})."),
        (true, true) => "Your invoice has been created.".to_owned(),
    });
    match trip.event_for_flights() {
        Some(event) => response.push_str(&format!(
            "\nThanks for planning your trip with me, and enjoy {}!",
            event.name
        )),
        None => response.push_str("\nThanks for planning your trip with me!"),
    }
    PlannerDecision {
        next: NextStep::Done,
        tool: None,
        args: Map::new(),
        response,
        force_confirm: false,
        reply_id: None,
        tool_calls: Vec::new(),
        proposal_id: None,
    }
}

/// Plain words for an argument the planner still needs.
pub(super) fn friendly_arg(name: &str) -> String {
    match name {
        "city" => "the city you'd like to visit".into(),
        "month" => "the month you'd like to go".into(),
        "origin" => "the city or airport you're flying from".into(),
        "destination" => "the city you're flying to".into(),
        "dateDepart" => "your departure date".into(),
        "dateReturn" => "your return date".into(),
        "userConfirmation" => "your go-ahead".into(),
        "amount" => "the amount to invoice".into(),
        "tripDetails" => "a short description of the trip".into(),
        "email" => "your email address".into(),
        other => {
            let mut spaced = String::from("the ");
            for c in other.chars() {
                if c.is_uppercase() {
                    spaced.push(' ');
                }
                spaced.extend(c.to_lowercase());
            }
            spaced.replace('_', " ")
        }
    }
}

pub(super) fn ask_for_missing(trip: &Trip, tool: &str, missing: &[String]) -> PlannerDecision {
    let mut known = trip.latest_args(tool);
    for name in missing {
        known.insert(name.clone(), Value::Null);
    }
    let purpose = match tool {
        FIND_EVENTS => "search for events".to_owned(),
        SEARCH_FLIGHTS => "search for flights".to_owned(),
        CREATE_INVOICE => "create the invoice".to_owned(),
        other => format!("run {other}"),
    };
    let needed: Vec<String> = missing.iter().map(|m| friendly_arg(m)).collect();
    let response = if needed.is_empty() {
        format!("I need a few more details to {purpose}. Could you tell me more?")
    } else {
        format!(
            "To {purpose} I still need {}. Could you tell me?",
            join_and(&needed)
        )
    };
    question(response, Some(tool), known)
}
