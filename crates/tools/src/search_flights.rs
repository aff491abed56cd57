//! `SearchFlights(origin, destination, dateDepart, dateReturn, userConfirmation)`.
//!
//! With `RAPIDAPI_KEY` set, real round trips come from the Sky-Scrapper API
//! ([`SkyScrapper`]). Without it the tool generates believable flights, so the agent can be
//! demonstrated and tested with no account: the route's region (US domestic, Canadian
//! domestic, US–Canada, other) picks the airlines and the base fare, budget carriers are
//! cheaper, and everything is derived from the request with a stable hash, so the same
//! search always gives the same flights.

mod places;
mod sky_scrapper;

pub use places::{Country, RouteRegion, classify_route, country_of};
pub use sky_scrapper::SkyScrapper;

use models::{ToolArgument, ToolDefinition};
use serde_json::{Value, json};

use crate::args::Args;
use crate::registry::{ToolCall, ToolContext, ToolEntry, ToolFuture};
use crate::stable_hash::{SplitMix64, StableHasher};

pub(crate) const NAME: &str = "SearchFlights";

pub(crate) const TOOL: ToolEntry = ToolEntry {
    name: NAME,
    definition,
    run,
};

fn definition() -> ToolDefinition {
    let argument = ToolArgument::new;
    ToolDefinition::builtin(
        NAME,
        "Search round-trip flights between two places for the given dates and return a few \
         options from different airlines with their prices in USD.",
        vec![
            argument(
                "origin",
                "string",
                "Where the traveller flies from: a city or airport code, e.g. Chicago or ORD.",
            ),
            argument(
                "destination",
                "string",
                "Where the traveller flies to: usually the event's city or its airport code.",
            ),
            argument(
                "dateDepart",
                "ISO8601",
                "Outbound date, YYYY-MM-DD; normally a day or so before the event starts.",
            ),
            argument(
                "dateReturn",
                "ISO8601",
                "Return date, YYYY-MM-DD; normally a day or so after the event ends.",
            ),
            argument(
                "userConfirmation",
                "bool",
                "The user's go-ahead to search, given after seeing the route and dates.",
            ),
        ],
    )
    .read_only()
}

fn run<'a>(context: &'a ToolContext, args: Args, _call: &'a ToolCall) -> ToolFuture<'a> {
    Box::pin(async move {
        let search = match FlightSearch::from_args(&args) {
            Ok(search) => search,
            Err(problem) => return Ok(problem),
        };
        match &context.flights {
            Some(live) => live.search(&search).await,
            None => Ok(generated_flights(&search)),
        }
    })
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightSearch {
    pub origin: String,
    pub destination: String,
    pub date_depart: Option<String>,
    pub date_return: Option<String>,
}

impl FlightSearch {
    pub fn new(origin: &str, destination: &str, depart: &str, return_date: &str) -> Self {
        let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        Self {
            origin: origin.trim().to_string(),
            destination: destination.trim().to_string(),
            date_depart: optional(depart),
            date_return: optional(return_date),
        }
    }

    /// The search, or the `{"error"}` answer for the planner when a place is missing.
    fn from_args(args: &Args) -> Result<Self, Value> {
        let origin = args.text("origin");
        let destination = args.text("destination");
        let (origin, destination) = match (origin, destination) {
            (Some(origin), Some(destination)) => (origin, destination),
            (None, None) => {
                return Err(
                    json!({"error": "Both an origin and a destination are needed to search flights."}),
                );
            }
            (None, _) => {
                return Err(
                    json!({"error": "An origin (where the traveller flies from) is needed to search flights."}),
                );
            }
            (_, None) => {
                return Err(json!({"error": "A destination is needed to search flights."}));
            }
        };
        Ok(Self {
            origin,
            destination,
            date_depart: args.text("dateDepart"),
            date_return: args.text("dateReturn"),
        })
    }
}

/// An airline the generated flights may use.
struct Airline {
    name: &'static str,
    code: &'static str,
    budget: bool,
}

const fn airline(name: &'static str, code: &'static str, budget: bool) -> Airline {
    Airline { name, code, budget }
}

const AMERICAN: Airline = airline("American Airlines", "AA", false);
const DELTA: Airline = airline("Delta Air Lines", "DL", false);
const UNITED: Airline = airline("United Airlines", "UA", false);
const AIR_CANADA: Airline = airline("Air Canada", "AC", false);
const WESTJET: Airline = airline("WestJet", "WS", false);
const PORTER: Airline = airline("Porter Airlines", "PD", false);
const FLAIR: Airline = airline("Flair Airlines", "F8", true);

const US_AIRLINES: &[Airline] = &[
    AMERICAN,
    DELTA,
    UNITED,
    airline("Southwest Airlines", "WN", false),
    airline("JetBlue", "B6", false),
    airline("Alaska Airlines", "AS", false),
    airline("Spirit Airlines", "NK", true),
    airline("Frontier Airlines", "F9", true),
];
const CANADA_AIRLINES: &[Airline] = &[AIR_CANADA, WESTJET, PORTER, FLAIR];
const US_CANADA_AIRLINES: &[Airline] =
    &[AIR_CANADA, WESTJET, PORTER, UNITED, DELTA, AMERICAN, FLAIR];
const OTHER_AIRLINES: &[Airline] = &[
    airline("Aeromexico", "AM", false),
    airline("Volaris", "Y4", true),
    airline("Viva Aerobus", "VB", true),
    AMERICAN,
    UNITED,
    DELTA,
];

/// A budget fare is this share of a full-service fare (before variation).
const BUDGET_PERCENT: u64 = 60;

impl RouteRegion {
    fn airlines(self) -> &'static [Airline] {
        match self {
            RouteRegion::UsDomestic => US_AIRLINES,
            RouteRegion::CanadaDomestic => CANADA_AIRLINES,
            RouteRegion::UsCanada => US_CANADA_AIRLINES,
            RouteRegion::Other => OTHER_AIRLINES,
        }
    }

    /// Typical round-trip economy fare in US cents.
    fn base_fare_cents(self) -> u64 {
        match self {
            RouteRegion::UsDomestic => 32_000,
            RouteRegion::CanadaDomestic => 36_000,
            RouteRegion::UsCanada => 42_000,
            RouteRegion::Other => 52_000,
        }
    }
}

/// Flights made up from the request: same search, same answer, forever.
pub fn generated_flights(search: &FlightSearch) -> Value {
    let region = classify_route(&search.origin, &search.destination);
    let seed = StableHasher::new()
        .field(&search.origin.to_lowercase())
        .field(&search.destination.to_lowercase())
        .field(search.date_depart.as_deref().unwrap_or(""))
        .field(search.date_return.as_deref().unwrap_or(""))
        .finish64();
    let mut rng = SplitMix64::new(seed);

    // A partial Fisher–Yates shuffle picks 3 or 4 distinct airlines.
    let mut airlines: Vec<&Airline> = region.airlines().iter().collect();
    let count = (rng.between(3, 4) as usize).min(airlines.len());
    for i in 0..count {
        let j = rng.between(i as u64, airlines.len() as u64 - 1) as usize;
        airlines.swap(i, j);
    }

    let mut flights: Vec<(u64, Value)> = airlines[..count]
        .iter()
        .map(|airline| {
            let share = if airline.budget { BUDGET_PERCENT } else { 100 };
            let variation_permille = rng.between(920, 1080);
            let cents = region.base_fare_cents() * share * variation_permille / 100_000;
            let outbound = rng.between(100, 2999);
            let inbound = outbound + rng.between(1, 400);
            let flight = json!({
                "operating_carrier": airline.name,
                "outbound_flight_code": format!("{}{outbound}", airline.code),
                "price": cents as f64 / 100.0,
                "return_flight_code": format!("{}{inbound}", airline.code),
                "return_operating_carrier": airline.name,
            });
            (cents, flight)
        })
        .collect();
    flights.sort_by_key(|(cents, _)| *cents);

    json!({
        "currency": "USD",
        "origin": search.origin,
        "destination": search.destination,
        "results": flights.into_iter().map(|(_, flight)| flight).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(origin: &str, destination: &str) -> FlightSearch {
        FlightSearch::new(origin, destination, "2026-03-05", "2026-03-09")
    }

    fn results(flights: &Value) -> &Vec<Value> {
        flights["results"].as_array().unwrap()
    }

    fn carriers(flights: &Value) -> Vec<String> {
        results(flights)
            .iter()
            .map(|f| f["operating_carrier"].as_str().unwrap().to_string())
            .collect()
    }

    fn is_budget(name: &str) -> bool {
        [
            US_AIRLINES,
            CANADA_AIRLINES,
            US_CANADA_AIRLINES,
            OTHER_AIRLINES,
        ]
        .iter()
        .flat_map(|list| list.iter())
        .any(|a| a.name == name && a.budget)
    }

    #[test]
    fn same_search_gives_the_same_flights() {
        let first = generated_flights(&search("ORD", "DFW"));
        let second = generated_flights(&search("ORD", "DFW"));
        assert_eq!(first, second);
        // Case and surrounding spaces do not change the search.
        assert_eq!(
            first["results"],
            generated_flights(&search(" ord ", "dfw"))["results"]
        );
    }

    #[test]
    fn different_searches_give_different_flights() {
        let base = generated_flights(&search("ORD", "DFW"));
        let other_route = generated_flights(&search("ORD", "AUS"));
        let other_dates =
            generated_flights(&FlightSearch::new("ORD", "DFW", "2026-04-05", "2026-04-09"));
        assert_ne!(base["results"], other_route["results"]);
        assert_ne!(base["results"], other_dates["results"]);
    }

    #[test]
    fn results_have_the_wire_shape_and_echo_the_request() {
        let flights = generated_flights(&search("ORD", "DFW"));
        assert_eq!(flights["currency"], "USD");
        assert_eq!(flights["origin"], "ORD");
        assert_eq!(flights["destination"], "DFW");
        for flight in results(&flights) {
            let code = flight["outbound_flight_code"].as_str().unwrap();
            let return_code = flight["return_flight_code"].as_str().unwrap();
            assert!(
                code.len() >= 5 && code.chars().skip(2).all(|c| c.is_ascii_digit()),
                "{code}"
            );
            assert_ne!(code, return_code);
            assert_eq!(&code[..2], &return_code[..2]);
            assert_eq!(
                flight["operating_carrier"],
                flight["return_operating_carrier"]
            );
            let price = flight["price"].as_f64().unwrap();
            assert_eq!(
                (price * 100.0).round() / 100.0,
                price,
                "two decimals: {price}"
            );
        }
    }

    #[test]
    fn airlines_are_distinct_and_belong_to_the_region() {
        let cases = [
            (("Chicago", "Austin"), US_AIRLINES),
            (("YYZ", "YVR"), CANADA_AIRLINES),
            (("Seattle", "Vancouver"), US_CANADA_AIRLINES),
            (("LAX", "Cancun"), OTHER_AIRLINES),
        ];
        for ((origin, destination), allowed) in cases {
            let flights = generated_flights(&search(origin, destination));
            let names = carriers(&flights);
            assert!((3..=4).contains(&names.len()), "{names:?}");
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{names:?}");
            for name in &names {
                assert!(
                    allowed.iter().any(|a| a.name == name),
                    "{name} on {origin}-{destination}"
                );
            }
        }
    }

    #[test]
    fn results_are_sorted_by_price() {
        for (origin, destination) in [
            ("ORD", "DFW"),
            ("YUL", "YYC"),
            ("JFK", "YYZ"),
            ("MEX", "GDL"),
        ] {
            let prices: Vec<f64> = results(&generated_flights(&search(origin, destination)))
                .iter()
                .map(|f| f["price"].as_f64().unwrap())
                .collect();
            assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
        }
    }

    #[test]
    fn budget_carriers_are_cheaper_than_full_service_ones() {
        let mut compared = 0;
        for day in 1..=28 {
            let flights = generated_flights(&FlightSearch::new(
                "Chicago",
                "Denver",
                &format!("2026-05-{day:02}"),
                "2026-06-01",
            ));
            let (budget, full): (Vec<&Value>, Vec<&Value>) = results(&flights)
                .iter()
                .partition(|f| is_budget(f["operating_carrier"].as_str().unwrap()));
            let price = |f: &&Value| f["price"].as_f64().unwrap();
            if let (Some(max_budget), Some(min_full)) = (
                budget.iter().map(price).reduce(f64::max),
                full.iter().map(price).reduce(f64::min),
            ) {
                assert!(max_budget < min_full, "{flights}");
                compared += 1;
            }
        }
        assert!(
            compared > 0,
            "no search mixed budget and full-service airlines"
        );
    }

    #[test]
    fn regions_price_differently() {
        // Averaged over many dates so the per-search variation cancels out.
        let average = |origin: &str, destination: &str| {
            let mut total = 0.0;
            let mut n = 0.0;
            for day in 1..=28 {
                let flights = generated_flights(&FlightSearch::new(
                    origin,
                    destination,
                    &format!("2026-02-{day:02}"),
                    "",
                ));
                for flight in results(&flights) {
                    if !is_budget(flight["operating_carrier"].as_str().unwrap()) {
                        total += flight["price"].as_f64().unwrap();
                        n += 1.0;
                    }
                }
            }
            total / n
        };
        assert!(average("ORD", "DFW") < average("ORD", "YYZ"));
        assert!(average("ORD", "YYZ") < average("ORD", "MEX"));
    }

    #[test]
    fn missing_origin_or_destination_is_an_error_for_the_planner() {
        let cases = [
            json!({"destination": "DFW"}),
            json!({"origin": "", "destination": "DFW"}),
            json!({"origin": "ORD", "destination": null}),
            json!({}),
        ];
        for args in cases {
            let result = FlightSearch::from_args(&Args::new(args.clone()));
            let error = result.expect_err("should be refused");
            assert!(
                error["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{args}"
            );
        }
    }

    #[test]
    fn arguments_are_read_leniently() {
        let args = Args::new(json!({
            "origin": "ORD", "destination": "DFW", "date_depart": "2026-03-05",
            "DateReturn": "2026-03-09", "userConfirmation": "yes", "extra": [1]
        }));
        let search = FlightSearch::from_args(&args).unwrap();
        assert_eq!(
            search,
            FlightSearch::new("ORD", "DFW", "2026-03-05", "2026-03-09")
        );
    }
}
