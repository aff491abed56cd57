//! `FindEvents(city, month)`: recurring events in North American cities around a month.
//!
//! The events live in `data/find_events_data.json` (`{"<City>": [{eventName, dateFrom, dateTo,
//! description}]}`), embedded in the binary; `FIND_EVENTS_DATA` may name another file. The
//! dates in the file are one past occurrence of each event. We treat every event as yearly:
//! it moves to its next occurrence that has not ended yet (keeping its length; 29 February
//! becomes the 28th in other years), and is kept when it starts or ends within the requested
//! month or one month either side.
//!
//! An unknown city is answered with an `error` that lists the cities we know, because the
//! most useful thing the planner can do next is offer the user one of them.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use models::{ToolArgument, ToolDefinition};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::ToolError;
use crate::args::Args;
use crate::registry::{ToolCall, ToolContext, ToolEntry, ToolFuture};

pub(crate) const NAME: &str = "FindEvents";

pub(crate) const TOOL: ToolEntry = ToolEntry {
    name: NAME,
    definition,
    run,
};

/// The data set compiled into the binary.
const EMBEDDED_EVENTS: &str = include_str!("../../../data/find_events_data.json");

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn definition() -> ToolDefinition {
    ToolDefinition::builtin(
        NAME,
        "Look up well-known recurring events in a North American city during a given month, \
         plus the month before and after. Each event comes with its upcoming dates, so flights \
         can be searched around them.",
        vec![
            ToolArgument::new(
                "city",
                "string",
                "City to look in, e.g. Austin, Toronto or Mexico City.",
            ),
            ToolArgument::new(
                "month",
                "string",
                "Month of interest in English, full or three-letter (e.g. December or Dec).",
            ),
        ],
    )
    .read_only()
}

fn run<'a>(context: &'a ToolContext, args: Args, _call: &'a ToolCall) -> ToolFuture<'a> {
    let city = args.text("city").unwrap_or_default();
    let month = args.text("month").unwrap_or_default();
    let result = find_events(&context.events, &city, &month, context.today());
    Box::pin(std::future::ready(Ok(result)))
}

/// Every city's events, parsed once when the registry starts.
#[derive(Debug, Clone)]
pub struct EventCatalog {
    cities: BTreeMap<String, Vec<EventRecord>>,
}

#[derive(Debug, Clone, Deserialize)]
struct EventRecord {
    #[serde(rename = "eventName")]
    name: String,
    #[serde(rename = "dateFrom")]
    date_from: NaiveDate,
    #[serde(rename = "dateTo")]
    date_to: NaiveDate,
    #[serde(default)]
    description: String,
}

impl EventCatalog {
    /// The data set compiled into the binary.
    pub fn embedded() -> Result<Self, ToolError> {
        Self::from_json(EMBEDDED_EVENTS)
    }

    /// Reads a data set from a file of the same shape as the embedded one.
    pub fn from_file(path: &Path) -> Result<Self, ToolError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ToolError::EventsData(format!("{}: {e}", path.display())))?;
        Self::from_json(&text)
            .map_err(|e| ToolError::EventsData(format!("{}: {e}", path.display())))
    }

    /// Parses `{"<City>": [{eventName, dateFrom, dateTo, description}]}` with ISO dates.
    /// Strict on purpose: the data is ours, so a bad entry should fail at startup, not hide.
    pub fn from_json(json: &str) -> Result<Self, ToolError> {
        let cities: BTreeMap<String, Vec<EventRecord>> =
            serde_json::from_str(json).map_err(|e| ToolError::EventsData(e.to_string()))?;
        for (city, events) in &cities {
            if let Some(event) = events.iter().find(|e| e.date_to < e.date_from) {
                return Err(ToolError::EventsData(format!(
                    "{city}: \"{}\" ends before it starts",
                    event.name
                )));
            }
        }
        Ok(Self { cities })
    }

    /// City names, alphabetically.
    pub fn city_names(&self) -> impl Iterator<Item = &str> {
        self.cities.keys().map(String::as_str)
    }

    /// Number of cities.
    pub fn len(&self) -> usize {
        self.cities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    /// Cities whose name contains `query`, ignoring case. "Austin, TX" falls back to "Austin".
    fn matching_cities(&self, query: &str) -> Vec<(&str, &[EventRecord])> {
        let find = |needle: &str| -> Vec<(&str, &[EventRecord])> {
            let needle = needle.trim().to_lowercase();
            if needle.is_empty() {
                return Vec::new();
            }
            self.cities
                .iter()
                .filter(|(city, _)| city.to_lowercase().contains(&needle))
                .map(|(city, events)| (city.as_str(), events.as_slice()))
                .collect()
        };
        let found = find(query);
        match query.split_once(',') {
            Some((before_comma, _)) if found.is_empty() => find(before_comma),
            _ => found,
        }
    }
}

/// Month number (1–12) from an English name or its three-letter form, any case.
/// "Sept" and a plain number are accepted too.
pub fn parse_month(text: &str) -> Option<u32> {
    let text = text.trim().trim_end_matches('.').to_lowercase();
    if let Ok(number) = text.parse::<u32>() {
        return (1..=12).contains(&number).then_some(number);
    }
    if text == "sept" {
        return Some(9);
    }
    MONTH_NAMES
        .iter()
        .position(|name| {
            let name = name.to_lowercase();
            text == name || (text.len() == 3 && name.starts_with(&text))
        })
        .map(|index| index as u32 + 1)
}

/// The pure core of `FindEvents`; `today` decides which occurrence of each event is next.
pub fn find_events(catalog: &EventCatalog, city: &str, month: &str, today: NaiveDate) -> Value {
    let Some(requested) = parse_month(month) else {
        return json!({"error": "Invalid month provided."});
    };
    if city.trim().is_empty() {
        return json!({"error": "A city is needed to look up events."});
    }
    let cities = catalog.matching_cities(city);
    if cities.is_empty() {
        let known: Vec<&str> = catalog.city_names().collect();
        return json!({
            "error": format!(
                "No events are known for \"{}\". Events are available for: {}.",
                city.trim(),
                known.join(", ")
            )
        });
    }

    let window = Window::around(requested, today);
    let mut found: Vec<(NaiveDate, &str, &EventRecord, NaiveDate, &'static str)> = Vec::new();
    for (city, events) in cities {
        for event in events {
            let (start, end) = next_occurrence(event.date_from, event.date_to, today);
            if let Some(label) = window.label(start, end) {
                found.push((start, city, event, end, label));
            }
        }
    }
    found.sort_by(|a, b| (a.0, a.1, &a.2.name).cmp(&(b.0, b.1, &b.2.name)));

    let events: Vec<Value> = found
        .into_iter()
        .map(|(start, city, event, end, label)| {
            json!({
                "city": city,
                "eventName": event.name,
                "dateFrom": start.to_string(),
                "dateTo": end.to_string(),
                "description": event.description,
                "month": label,
            })
        })
        .collect();
    json!({"note": window.note(), "events": events})
}

/// The requested month's next occurrence (this month counts) with one month either side,
/// as concrete year-months. Concrete years matter: an event in the previous month that is
/// already over must not come back as its occurrence a year later.
struct Window {
    previous: (i32, u32),
    requested: (i32, u32),
    next: (i32, u32),
}

impl Window {
    fn around(requested: u32, today: NaiveDate) -> Self {
        let year = if requested >= today.month() {
            today.year()
        } else {
            today.year() + 1
        };
        Self {
            previous: if requested == 1 {
                (year - 1, 12)
            } else {
                (year, requested - 1)
            },
            requested: (year, requested),
            next: if requested == 12 {
                (year + 1, 1)
            } else {
                (year, requested + 1)
            },
        }
    }

    fn label_of(&self, date: NaiveDate) -> Option<&'static str> {
        let month = (date.year(), date.month());
        if month == self.requested {
            Some("requested month")
        } else if month == self.previous {
            Some("previous month")
        } else if month == self.next {
            Some("next month")
        } else {
            None
        }
    }

    /// Labelled by the start month when it is in the window, else by the end month.
    fn label(&self, start: NaiveDate, end: NaiveDate) -> Option<&'static str> {
        self.label_of(start).or_else(|| self.label_of(end))
    }

    fn note(&self) -> String {
        let name = |(_, month): (i32, u32)| MONTH_NAMES[month as usize - 1];
        format!(
            "Events in {}, {} and {}: the requested month and one month either side, each \
             at its next upcoming dates. The \"month\" field tells which of the three it falls in.",
            name(self.previous),
            name(self.requested),
            name(self.next)
        )
    }
}

/// The event's next occurrence that has not ended by `today`, keeping its length in days.
pub fn next_occurrence(
    date_from: NaiveDate,
    date_to: NaiveDate,
    today: NaiveDate,
) -> (NaiveDate, NaiveDate) {
    let length = date_to - date_from;
    // Starting a year back catches an event that began last year and is still running.
    for year in today.year() - 1..=today.year() + 1 {
        let start = same_day_in(date_from, year);
        let end = start + length;
        if end >= today {
            return (start, end);
        }
    }
    // Unreachable: an occurrence starting next year always ends after today.
    let start = same_day_in(date_from, today.year() + 1);
    (start, start + length)
}

/// `date` moved to `year`; 29 February becomes 28 February in a non-leap year.
fn same_day_in(date: NaiveDate, year: i32) -> NaiveDate {
    date.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), date.day() - 1))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"{
        "Austin": [
            {"eventName": "Trail of Lights", "dateFrom": "2023-12-08", "dateTo": "2023-12-23", "description": "Holiday lights."},
            {"eventName": "New Year Fireworks", "dateFrom": "2023-12-31", "dateTo": "2024-01-01", "description": "Countdown."},
            {"eventName": "Spring Music Week", "dateFrom": "2024-03-07", "dateTo": "2024-03-16", "description": "Music."},
            {"eventName": "Autumn Fair", "dateFrom": "2024-11-20", "dateTo": "2024-11-22", "description": "Fair."},
            {"eventName": "Summer Swim", "dateFrom": "2024-07-04", "dateTo": "2024-07-04", "description": "Swim."}
        ],
        "New York": [
            {"eventName": "Ball Drop", "dateFrom": "2023-12-31", "dateTo": "2024-01-01", "description": "Times Square."},
            {"eventName": "Winter Show", "dateFrom": "2024-01-10", "dateTo": "2024-01-14", "description": "Show."}
        ],
        "San Antonio": [
            {"eventName": "River Parade", "dateFrom": "2024-12-01", "dateTo": "2024-12-01", "description": "Parade."}
        ],
        "Leap City": [
            {"eventName": "Leap Day Party", "dateFrom": "2024-02-29", "dateTo": "2024-03-01", "description": "Once in four years, yearly here."}
        ]
    }"#;

    fn catalog() -> EventCatalog {
        EventCatalog::from_json(FIXTURE).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn names(result: &Value) -> Vec<String> {
        result["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["eventName"].as_str().unwrap().to_string())
            .collect()
    }

    fn event<'a>(result: &'a Value, name: &str) -> &'a Value {
        result["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["eventName"] == name)
            .unwrap_or_else(|| panic!("{name} missing from {result}"))
    }

    #[test]
    fn december_window_wraps_into_january() {
        let result = find_events(&catalog(), "New York", "December", date("2025-06-01"));
        let note = result["note"].as_str().unwrap();
        for month in ["November", "December", "January"] {
            assert!(note.contains(month), "{note}");
        }
        assert_eq!(event(&result, "Ball Drop")["month"], "requested month");
        let winter = event(&result, "Winter Show");
        assert_eq!(winter["month"], "next month");
        assert_eq!(winter["dateFrom"], "2026-01-10");
    }

    #[test]
    fn january_window_wraps_back_into_december() {
        let result = find_events(&catalog(), "austin", "January", date("2025-06-01"));
        let note = result["note"].as_str().unwrap();
        for month in ["December", "January", "February"] {
            assert!(note.contains(month), "{note}");
        }
        assert_eq!(event(&result, "Trail of Lights")["month"], "previous month");
        assert_eq!(
            event(&result, "New Year Fireworks")["month"],
            "previous month"
        );
        assert!(!names(&result).contains(&"Spring Music Week".to_string()));
    }

    #[test]
    fn event_already_past_this_year_moves_to_next_year() {
        let result = find_events(&catalog(), "Austin", "July", date("2025-08-01"));
        let swim = event(&result, "Summer Swim");
        assert_eq!(swim["dateFrom"], "2026-07-04");
        assert_eq!(swim["dateTo"], "2026-07-04");
    }

    #[test]
    fn event_in_progress_today_keeps_this_years_dates_and_length() {
        let result = find_events(&catalog(), "Austin", "March", date("2025-03-10"));
        let music = event(&result, "Spring Music Week");
        assert_eq!(music["dateFrom"], "2025-03-07");
        assert_eq!(music["dateTo"], "2025-03-16");
    }

    #[test]
    fn event_spanning_new_year_is_still_current_on_new_years_day() {
        let (start, end) =
            next_occurrence(date("2023-12-31"), date("2024-01-01"), date("2026-01-01"));
        assert_eq!((start, end), (date("2025-12-31"), date("2026-01-01")));
    }

    #[test]
    fn leap_day_event_moves_to_feb_28_in_common_years() {
        let result = find_events(&catalog(), "Leap", "Feb", date("2025-06-01"));
        let party = event(&result, "Leap Day Party");
        assert_eq!(party["dateFrom"], "2026-02-28");
        assert_eq!(party["dateTo"], "2026-03-01");
        // In a leap year it is back on the 29th.
        let (start, end) =
            next_occurrence(date("2024-02-29"), date("2024-03-01"), date("2027-06-01"));
        assert_eq!((start, end), (date("2028-02-29"), date("2028-03-01")));
    }

    #[test]
    fn results_are_sorted_by_start_date_with_all_fields() {
        let result = find_events(&catalog(), "Austin", "Dec", date("2025-06-01"));
        assert_eq!(
            names(&result),
            ["Autumn Fair", "Trail of Lights", "New Year Fireworks"]
        );
        let fair = event(&result, "Autumn Fair");
        assert_eq!(fair["city"], "Austin");
        assert_eq!(fair["description"], "Fair.");
        assert_eq!(fair["month"], "previous month");
        assert_eq!(fair["dateFrom"], "2025-11-20");
    }

    #[test]
    fn event_is_labelled_by_its_end_month_when_only_the_end_is_in_the_window() {
        // Fireworks run 31 Dec – 1 Jan: with February requested only the end (January) counts.
        let result = find_events(&catalog(), "Austin", "February", date("2025-06-01"));
        assert_eq!(
            event(&result, "New Year Fireworks")["month"],
            "previous month"
        );
        assert!(!names(&result).contains(&"Trail of Lights".to_string()));
    }

    #[test]
    fn previous_month_event_that_is_over_is_not_offered_a_year_later() {
        // Autumn Fair (20 November) is over by 23 November; next year's fair is not "the
        // month before December".
        let result = find_events(&catalog(), "Austin", "December", date("2025-11-23"));
        assert!(
            !names(&result).contains(&"Autumn Fair".to_string()),
            "{result}"
        );
        assert_eq!(
            event(&result, "Trail of Lights")["month"],
            "requested month"
        );
    }

    #[test]
    fn a_month_already_past_this_year_means_next_years() {
        let result = find_events(&catalog(), "Austin", "March", date("2025-06-01"));
        assert_eq!(
            event(&result, "Spring Music Week")["dateFrom"],
            "2026-03-07"
        );
    }

    #[test]
    fn invalid_month_is_reported_to_the_planner() {
        for month in ["Smarch", "", "13", "Decembre", "de"] {
            let result = find_events(&catalog(), "Austin", month, date("2025-06-01"));
            assert_eq!(
                result,
                json!({"error": "Invalid month provided."}),
                "{month:?}"
            );
        }
    }

    #[test]
    fn month_names_abbreviations_and_case_are_accepted() {
        for (text, month) in [
            ("December", 12),
            ("dec", 12),
            ("DEC", 12),
            ("Dec.", 12),
            (" january ", 1),
            ("Sept", 9),
            ("sep", 9),
            ("5", 5),
        ] {
            assert_eq!(parse_month(text), Some(month), "{text}");
        }
    }

    #[test]
    fn city_matches_as_a_case_insensitive_substring() {
        let today = date("2025-06-01");
        let lower = find_events(&catalog(), "austin", "December", today);
        assert!(!names(&lower).is_empty());
        let partial = find_events(&catalog(), "york", "December", today);
        assert_eq!(event(&partial, "Ball Drop")["city"], "New York");
        let with_state = find_events(&catalog(), "Austin, TX", "December", today);
        assert_eq!(names(&with_state), names(&lower));
        // "san" matches San Antonio only in this fixture; every event names its city.
        let san = find_events(&catalog(), "SAN", "December", today);
        assert_eq!(event(&san, "River Parade")["city"], "San Antonio");
    }

    #[test]
    fn unknown_city_gets_an_error_listing_the_known_cities() {
        let result = find_events(&catalog(), "Paris", "December", date("2025-06-01"));
        let error = result["error"].as_str().unwrap();
        assert!(error.contains("Paris"), "{error}");
        assert!(
            error.contains("Austin") && error.contains("New York"),
            "{error}"
        );
    }

    #[test]
    fn data_with_an_event_ending_before_it_starts_is_rejected() {
        let bad = r#"{"X": [{"eventName": "E", "dateFrom": "2024-05-02", "dateTo": "2024-05-01", "description": ""}]}"#;
        assert!(EventCatalog::from_json(bad).is_err());
        assert!(EventCatalog::from_json("{\"X\": [{\"eventName\": 1}]}").is_err());
    }

    /// Guards the real data set; fails until `data/find_events_data.json` has landed.
    #[test]
    fn embedded_data_covers_at_least_fifty_cities() {
        let catalog = EventCatalog::embedded().expect("embedded data parses");
        assert!(catalog.len() >= 50, "only {} cities", catalog.len());
        let austin = find_events(&catalog, "Austin", "December", date("2025-06-01"));
        assert!(!names(&austin).is_empty(), "{austin}");
    }
}
