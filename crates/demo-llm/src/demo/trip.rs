//! What the conversation has established: the tools' results, read back from the history,
//! and where the trip stands (the [`Stage`]). Everything the demo agent decides rests on this.

use chrono::{Datelike, NaiveDate};
use models::{Actor, Message, PlannerDecision};
use serde_json::{Map, Value, json};

use super::{CREATE_INVOICE, FIND_EVENTS, SEARCH_FLIGHTS};
use crate::conversation::{PromptKind, Step, Turn};
use crate::vocab::{city_mentions, month_mentions};

/// An event from a FindEvents result.
#[derive(Debug, Clone)]
pub(super) struct Event {
    pub(super) city: String,
    pub(super) name: String,
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
    pub(super) label: String,
}

impl Event {
    pub(super) fn dates(&self) -> String {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => readable(from),
            (Some(from), Some(to)) => readable_range(from, to),
            (Some(from), None) => readable(from),
            _ => "dates to be announced".to_owned(),
        }
    }

    pub(super) fn depart(&self) -> Option<NaiveDate> {
        self.from?.pred_opt()
    }

    pub(super) fn return_date(&self) -> Option<NaiveDate> {
        self.to.or(self.from)?.succ_opt()
    }
}

/// A date as people read it: `Sat 7 Mar 2026`.
pub(super) fn readable(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// Two dates: `Sun 7 Dec to Tue 23 Dec 2025`, the year said once when both share it.
pub(super) fn readable_range(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() {
        format!("{} to {}", from.format("%a %-d %b"), readable(to))
    } else {
        format!("{} to {}", readable(from), readable(to))
    }
}

/// A flight option from a SearchFlights result.
#[derive(Debug, Clone)]
pub(super) struct Flight {
    pub(super) carrier: String,
    pub(super) out_code: String,
    pub(super) ret_code: String,
    pub(super) ret_carrier: String,
    /// The price as the tool returned it (a number), for the invoice amount.
    pub(super) amount: Value,
    pub(super) price: Option<f64>,
}

impl Flight {
    pub(super) fn codes(&self) -> String {
        match (self.out_code.is_empty(), self.ret_code.is_empty()) {
            (false, false) => format!("{}/{}", self.out_code, self.ret_code),
            (false, true) => self.out_code.clone(),
            _ => self.ret_code.clone(),
        }
    }

    pub(super) fn price_text(&self) -> String {
        self.price
            .map(money)
            .unwrap_or_else(|| "an unlisted price".into())
    }
}

pub(super) fn money(amount: f64) -> String {
    format!("${amount:.2}")
}

pub(super) fn date(value: Option<&Value>) -> Option<NaiveDate> {
    let text = value?.as_str()?.trim();
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
}

pub(super) fn string(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub(super) fn events_of(result: &Value) -> Vec<Event> {
    let Some(items) = result.get("events").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let name = string(item.get("eventName"));
            (!name.is_empty()).then(|| Event {
                city: string(item.get("city")),
                name,
                from: date(item.get("dateFrom")),
                to: date(item.get("dateTo")),
                label: string(item.get("month")),
            })
        })
        .collect()
}

pub(super) fn flights_of(result: &Value) -> Vec<Flight> {
    let Some(items) = result.get("results").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            let raw_price = item.get("price").cloned().unwrap_or(Value::Null);
            let price = match &raw_price {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s
                    .trim()
                    .trim_start_matches('$')
                    .replace(',', "")
                    .parse()
                    .ok(),
                _ => None,
            };
            let amount = match (&raw_price, price) {
                (Value::Number(_), _) => raw_price.clone(),
                (_, Some(p)) => json!(p),
                _ => Value::Null,
            };
            Flight {
                carrier: string(item.get("operating_carrier")),
                out_code: string(item.get("outbound_flight_code")),
                ret_code: string(item.get("return_flight_code")),
                ret_carrier: string(item.get("return_operating_carrier")),
                amount,
                price,
            }
        })
        .collect()
}

/// The event to recommend: the first in the requested month, else the first found.
pub(super) fn suggested(events: &[Event]) -> usize {
    events
        .iter()
        .position(|e| e.label.eq_ignore_ascii_case("requested month"))
        .unwrap_or(0)
}

/// The cheapest flight (the first when no price is known).
pub(super) fn cheapest(flights: &[Flight]) -> usize {
    flights
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.price.map(|p| (i, p)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
        .unwrap_or(0)
}

pub(super) fn error_of(result: &Value) -> Option<String> {
    match result.get("error")? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Where the trip stands, from the latest successful tool results (a later step only counts
/// when it ran after the step before it, so a new event search starts the chain again).
pub(super) enum Stage<'a> {
    NeedEvents,
    HaveEvents {
        at: usize,
        events: Vec<Event>,
    },
    HaveFlights {
        at: usize,
        result: &'a Value,
        flights: Vec<Flight>,
    },
    Invoiced {
        at: usize,
        invoice: &'a Value,
    },
}

impl Stage<'_> {
    /// Index of the tool result this stage rests on (0 before any).
    pub(super) fn at(&self) -> usize {
        match self {
            Stage::NeedEvents => 0,
            Stage::HaveEvents { at, .. }
            | Stage::HaveFlights { at, .. }
            | Stage::Invoiced { at, .. } => *at,
        }
    }
}

/// The conversation of one request, with the prompt being answered folded in.
pub(super) struct Trip {
    pub(super) messages: Vec<Message>,
}

impl Trip {
    pub(super) fn new(turn: &Turn) -> Self {
        let mut messages = turn.history.messages.clone();
        match &turn.kind {
            // The summary request is our own fixed instruction, not something the user said.
            PromptKind::User if turn.step != Step::Summary => {
                let last_user = messages
                    .iter()
                    .rev()
                    .find(|m| m.actor == Actor::User)
                    .and_then(|m| m.response.as_str());
                if last_user != Some(turn.prompt.as_str()) && !turn.prompt.trim().is_empty() {
                    messages.push(Message::new(Actor::User, turn.prompt.clone()));
                }
            }
            PromptKind::ToolCompleted { tool, result } if !result.is_null() => {
                let last_result_tool = messages
                    .iter()
                    .rev()
                    .find(|m| m.actor == Actor::ToolResult)
                    .and_then(|m| m.response.get("tool"))
                    .and_then(Value::as_str);
                if last_result_tool != Some(tool.as_str()) {
                    let mut result = result.clone();
                    if let Value::Object(map) = &mut result {
                        map.entry("tool").or_insert_with(|| json!(tool));
                    }
                    messages.push(Message::new(Actor::ToolResult, result));
                }
            }
            _ => {}
        }
        Trip { messages }
    }

    pub(super) fn tool_results(
        &self,
        tool: &str,
    ) -> impl DoubleEndedIterator<Item = (usize, &Value)> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.actor == Actor::ToolResult)
            .filter(move |(_, m)| m.response.get("tool").and_then(Value::as_str) == Some(tool))
            .map(|(i, m)| (i, &m.response))
    }

    /// The latest result of `tool` that moved the trip forward (no error, something found).
    pub(super) fn latest_ok(&self, tool: &str) -> Option<(usize, &Value)> {
        self.tool_results(tool).rev().find(|(_, result)| {
            error_of(result).is_none()
                && match tool {
                    FIND_EVENTS => !events_of(result).is_empty(),
                    SEARCH_FLIGHTS => !flights_of(result).is_empty(),
                    _ => true,
                }
        })
    }

    pub(super) fn latest_result(&self, tool: &str) -> Option<&Value> {
        self.tool_results(tool).last().map(|(_, r)| r)
    }

    /// A trip tool has a result (another goal's results, before a switch, do not count).
    pub(super) fn any_tool_ran(&self) -> bool {
        [FIND_EVENTS, SEARCH_FLIGHTS, CREATE_INVOICE]
            .iter()
            .any(|tool| self.tool_results(tool).next().is_some())
    }

    pub(super) fn stage(&self) -> Stage<'_> {
        let events = self.latest_ok(FIND_EVENTS);
        let flights = self
            .latest_ok(SEARCH_FLIGHTS)
            .filter(|(at, _)| events.is_none_or(|(e, _)| *at > e));
        let invoice = self
            .latest_ok(CREATE_INVOICE)
            .filter(|(at, _)| flights.is_some_and(|(f, _)| *at > f));
        match (events, flights, invoice) {
            (_, _, Some((at, invoice))) => Stage::Invoiced { at, invoice },
            (_, Some((at, result)), None) => Stage::HaveFlights {
                at,
                result,
                flights: flights_of(result),
            },
            (Some((at, result)), None, None) => Stage::HaveEvents {
                at,
                events: events_of(result),
            },
            (None, None, None) => Stage::NeedEvents,
        }
    }

    /// The agent's replies and confirmed runs, parsed as PlannerDecision, with their positions.
    pub(super) fn tool_data(
        &self,
    ) -> impl DoubleEndedIterator<Item = (usize, PlannerDecision)> + '_ {
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| matches!(m.actor, Actor::Agent | Actor::UserConfirmedToolRun))
            .filter_map(|(i, m)| {
                serde_json::from_value::<PlannerDecision>(m.response.clone())
                    .ok()
                    .map(|d| (i, d))
            })
    }

    /// The tool the agent's latest message was preparing, if that message came after `since`.
    pub(super) fn preparing_after(&self, since: usize) -> Option<String> {
        self.tool_data()
            .rev()
            .find(|(_, data)| data.tool_name().is_some())
            .filter(|(at, _)| *at > since)
            .and_then(|(_, data)| data.tool_name().map(str::to_owned))
    }

    /// The most recent non-null value of `key` the agent proposed for `tool`.
    pub(super) fn known_arg(&self, tool: &str, key: &str) -> Option<Value> {
        self.tool_data()
            .rev()
            .filter(|(_, data)| data.tool_name() == Some(tool))
            .find_map(|(_, data)| data.args.get(key).filter(|v| !v.is_null()).cloned())
    }

    pub(super) fn known_text(&self, tool: &str, key: &str) -> Option<String> {
        self.known_arg(tool, key)
            .map(|v| string(Some(&v)))
            .filter(|s| !s.is_empty())
    }

    /// The arguments of the agent's latest message about `tool`.
    pub(super) fn latest_args(&self, tool: &str) -> Map<String, Value> {
        self.tool_data()
            .rev()
            .find(|(_, data)| data.tool_name() == Some(tool))
            .map(|(_, data)| data.args)
            .unwrap_or_default()
    }

    /// User messages after position `since`, oldest first.
    pub(super) fn user_texts_after(&self, since: usize) -> Vec<&str> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(i, m)| *i > since && m.actor == Actor::User)
            .filter_map(|(_, m)| m.response.as_str())
            .collect()
    }

    /// What the user said about where and when to go: messages sent while the agent was
    /// preparing an event search (or nothing yet), plus any carried-over summary.
    pub(super) fn event_talk(&self) -> Vec<&str> {
        let mut preparing: Option<String> = None;
        let mut texts = Vec::new();
        for message in &self.messages {
            match message.actor {
                Actor::ConversationSummary => texts.extend(message.response.as_str()),
                Actor::Agent => {
                    if let Ok(data) =
                        serde_json::from_value::<PlannerDecision>(message.response.clone())
                        && let Some(tool) = data.tool_name()
                    {
                        preparing = Some(tool.to_owned());
                    }
                }
                Actor::User if preparing.as_deref().is_none_or(|tool| tool == FIND_EVENTS) => {
                    texts.extend(message.response.as_str());
                }
                _ => {}
            }
        }
        texts
    }

    /// City and month for an event search: the latest mentions in the event talk and `text`,
    /// else what the agent proposed before.
    pub(super) fn city_and_month(&self, text: &str) -> (Option<String>, Option<String>) {
        let mut talk = self.event_talk();
        if talk.last() != Some(&text) {
            talk.push(text);
        }
        let city = talk
            .iter()
            .rev()
            .find_map(|t| destination_in(t))
            .map(str::to_owned)
            .or_else(|| self.known_text(FIND_EVENTS, "city"));
        let month = talk
            .iter()
            .rev()
            .find_map(|t| month_mentions(t).last().copied())
            .map(str::to_owned)
            .or_else(|| self.known_text(FIND_EVENTS, "month"));
        (city, month)
    }

    /// The flight search the latest flights result answered: origin, destination and dates.
    pub(super) fn searched(&self) -> (String, String, Option<String>, Option<String>) {
        let result = self.latest_result(SEARCH_FLIGHTS);
        let pick = |key: &str| {
            self.known_text(SEARCH_FLIGHTS, key)
                .or_else(|| result.map(|r| string(r.get(key))).filter(|s| !s.is_empty()))
        };
        (
            pick("origin").unwrap_or_else(|| "your city".into()),
            pick("destination").unwrap_or_else(|| "the event".into()),
            self.known_text(SEARCH_FLIGHTS, "dateDepart"),
            self.known_text(SEARCH_FLIGHTS, "dateReturn"),
        )
    }

    /// The event the flights were searched for: the one whose dates the search wraps.
    pub(super) fn event_for_flights(&self) -> Option<Event> {
        let depart = date(self.known_arg(SEARCH_FLIGHTS, "dateDepart").as_ref());
        let events = events_of(self.latest_ok(FIND_EVENTS)?.1);
        events
            .iter()
            .find(|e| depart.is_some() && e.depart() == depart)
            .or_else(|| events.get(suggested(&events)))
            .cloned()
    }
}

/// The destination a text names: its last city not introduced by "from".
pub(super) fn destination_in(text: &str) -> Option<&'static str> {
    city_mentions(text)
        .into_iter()
        .rev()
        .find(|m| !m.after_from)
        .map(|m| m.city)
}
