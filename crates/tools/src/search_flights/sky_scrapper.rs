//! Live flight search through the Sky-Scrapper API on RapidAPI.
//!
//! Two steps: resolve each place to Sky-Scrapper's ids (`/api/v1/flights/searchAirport`,
//! first hit's `navigation.relevantFlightParams`), then search round trips
//! (`/api/v2/flights/searchFlights`, economy, one adult, USD, sorted by "best"). The response
//! is large and loosely specified, so each itinerary is read on its own and skipped when a
//! field we need is missing; a bad itinerary never fails the search.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::FlightSearch;
use crate::ToolError;
use crate::error::scrub;
use settings::{ExposeSecret, SecretString};

const SERVICE: &str = "Sky-Scrapper (RapidAPI)";

/// One HTTP request may take this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(12);

/// The three requests of a search must finish within this, inside the activity's 30 s.
const SEARCH_DEADLINE: Duration = Duration::from_secs(25);

/// At most this many itineraries are returned, each with a different outbound carrier.
const MAX_RESULTS: usize = 3;

/// Client of the Sky-Scrapper flights API.
pub struct SkyScrapper {
    http: reqwest::Client,
    base_url: String,
    host: String,
    key: SecretString,
}

/// Sky-Scrapper's ids of a place.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlaceIds {
    sky_id: String,
    entity_id: String,
}

impl SkyScrapper {
    /// `base_url` defaults to `https://<host>`.
    pub fn new(key: SecretString, host: &str, base_url: Option<&str>) -> Result<Self, ToolError> {
        let base_url = base_url
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://{host}"));
        url::Url::parse(&base_url)
            .map_err(|e| ToolError::Config(format!("RAPIDAPI_BASE_URL {base_url:?}: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| ToolError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            host: host.to_string(),
            key,
        })
    }

    /// Resolves both places, searches, and keeps the best itineraries.
    pub async fn search(&self, search: &FlightSearch) -> Result<Value, ToolError> {
        tokio::time::timeout(SEARCH_DEADLINE, self.search_steps(search))
            .await
            .unwrap_or(Err(ToolError::Timeout {
                service: SERVICE,
                after: SEARCH_DEADLINE,
            }))
    }

    async fn search_steps(&self, search: &FlightSearch) -> Result<Value, ToolError> {
        let Some(date_depart) = &search.date_depart else {
            return Ok(json!({
                "error": "A departure date (dateDepart, YYYY-MM-DD) is needed to search flights."
            }));
        };
        let Some(origin) = self.find_place(&search.origin).await? else {
            return Ok(no_airport(&search.origin));
        };
        let Some(destination) = self.find_place(&search.destination).await? else {
            return Ok(no_airport(&search.destination));
        };

        let mut query = vec![
            ("originSkyId", origin.sky_id.as_str()),
            ("destinationSkyId", destination.sky_id.as_str()),
            ("originEntityId", origin.entity_id.as_str()),
            ("destinationEntityId", destination.entity_id.as_str()),
            ("date", date_depart.as_str()),
        ];
        if let Some(date_return) = &search.date_return {
            query.push(("returnDate", date_return.as_str()));
        }
        query.extend([
            ("cabinClass", "economy"),
            ("adults", "1"),
            ("sortBy", "best"),
            ("currency", "USD"),
            ("market", "en-US"),
            ("countryCode", "US"),
        ]);
        let body = self.get("/api/v2/flights/searchFlights", &query).await?;
        if let Some(problem) = rejected(&body) {
            return Ok(json!({"error": format!("The flight search was rejected: {problem}")}));
        }

        let itineraries = body
            .pointer("/data/itineraries")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let results = pick_itineraries(itineraries, search.date_return.is_some());
        Ok(json!({
            "currency": "USD",
            "origin": search.origin,
            "destination": search.destination,
            "results": results,
        }))
    }

    /// The first airport or city matching `place`, or `None` when nothing matches.
    async fn find_place(&self, place: &str) -> Result<Option<PlaceIds>, ToolError> {
        let body = self
            .get(
                "/api/v1/flights/searchAirport",
                &[("query", place), ("locale", "en-US")],
            )
            .await?;
        let params = body.pointer("/data/0/navigation/relevantFlightParams");
        let id = |name: &str| params.and_then(|p| p.get(name)).and_then(id_text);
        Ok(id("skyId")
            .zip(id("entityId"))
            .map(|(sky_id, entity_id)| PlaceIds { sky_id, entity_id }))
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, ToolError> {
        let key = self.key.expose_secret();
        let response = self
            .http
            .get(format!("{}{path}", self.base_url))
            .query(query)
            .header("x-rapidapi-key", key)
            .header("x-rapidapi-host", &self.host)
            .send()
            .await
            .map_err(|e| transport_error(&e, key))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| transport_error(&e, key))?;
        if !status.is_success() {
            return Err(ToolError::Upstream {
                service: SERVICE,
                status: status.as_u16(),
                message: scrub(&text, key),
            });
        }
        serde_json::from_str(&text).map_err(|e| ToolError::BadResponse {
            service: SERVICE,
            message: e.to_string(),
        })
    }
}

fn transport_error(error: &reqwest::Error, key: &str) -> ToolError {
    if error.is_timeout() {
        ToolError::Timeout {
            service: SERVICE,
            after: REQUEST_TIMEOUT,
        }
    } else {
        ToolError::Connection {
            service: SERVICE,
            message: scrub(&error.to_string(), key),
        }
    }
}

fn no_airport(place: &str) -> Value {
    json!({
        "error": format!(
            "No airport or city called \"{place}\" was found. Please give a city name or an airport code."
        )
    })
}

/// Sky-Scrapper reports bad parameters as `{"status": false, "message": ...}` with HTTP 200.
fn rejected(body: &Value) -> Option<String> {
    if body.get("status") != Some(&Value::Bool(false)) {
        return None;
    }
    Some(match body.get("message") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => "no reason given".to_string(),
    })
}

/// Ids arrive as strings, sometimes as numbers.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
struct Itinerary {
    price: Price,
    legs: Vec<Leg>,
}

#[derive(Debug, Deserialize)]
struct Price {
    raw: f64,
}

#[derive(Debug, Deserialize)]
struct Leg {
    segments: Vec<Segment>,
}

#[derive(Debug, Deserialize)]
struct Segment {
    #[serde(rename = "flightNumber")]
    flight_number: Value,
    #[serde(rename = "marketingCarrier")]
    marketing_carrier: Carrier,
    #[serde(rename = "operatingCarrier", default)]
    operating_carrier: Option<Carrier>,
}

#[derive(Debug, Deserialize)]
struct Carrier {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "alternateId", default)]
    alternate_id: Option<String>,
}

/// One flight of an itinerary: its code and who flies it.
struct Flight {
    code: String,
    operator: String,
}

impl Segment {
    /// Code from the marketing carrier; operator from the operating carrier, or the
    /// marketing carrier when the API leaves it out.
    fn flight(&self) -> Option<Flight> {
        let number = id_text(&self.flight_number)?;
        let code = self.marketing_carrier.alternate_id.as_deref()?;
        let operator = self
            .operating_carrier
            .as_ref()
            .and_then(|c| c.name.clone())
            .or_else(|| self.marketing_carrier.name.clone())?;
        Some(Flight {
            code: format!("{code}{number}"),
            operator,
        })
    }
}

/// Up to [`MAX_RESULTS`] itineraries with distinct outbound operating carriers, in the
/// API's order. Itineraries missing a needed field are skipped.
fn pick_itineraries(itineraries: &[Value], round_trip: bool) -> Vec<Value> {
    let mut carriers: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for raw in itineraries {
        let Ok(itinerary) = serde_json::from_value::<Itinerary>(raw.clone()) else {
            continue;
        };
        let first_flight = |leg: usize| {
            itinerary
                .legs
                .get(leg)
                .and_then(|l| l.segments.first())
                .and_then(Segment::flight)
        };
        let Some(outbound) = first_flight(0) else {
            continue;
        };
        let inbound = first_flight(1);
        if (round_trip && inbound.is_none()) || !itinerary.price.raw.is_finite() {
            continue;
        }
        if carriers.contains(&outbound.operator) {
            continue;
        }
        carriers.push(outbound.operator.clone());
        results.push(json!({
            "operating_carrier": outbound.operator,
            "outbound_flight_code": outbound.code,
            "price": (itinerary.price.raw * 100.0).round() / 100.0,
            "return_flight_code": inbound.as_ref().map(|f| f.code.clone()),
            "return_operating_carrier": inbound.map(|f| f.operator),
        }));
        if results.len() == MAX_RESULTS {
            break;
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn itinerary(code: &str, number: &str, operator: &str, price: f64) -> Value {
        let segment = json!({
            "flightNumber": number,
            "marketingCarrier": {"name": operator, "alternateId": code},
            "operatingCarrier": {"name": operator, "alternateId": code},
        });
        json!({
            "price": {"raw": price, "formatted": "$"},
            "legs": [{"segments": [segment.clone()]}, {"segments": [segment]}],
        })
    }

    #[test]
    fn keeps_three_itineraries_with_distinct_outbound_carriers() {
        let list = vec![
            itinerary("AA", "100", "American Airlines", 210.456),
            itinerary("AA", "200", "American Airlines", 190.0),
            json!({"price": {"raw": 99.0}, "legs": "broken"}),
            itinerary("UA", "300", "United Airlines", 250.0),
            itinerary("DL", "400", "Delta", 260.0),
            itinerary("WN", "500", "Southwest", 99.0),
        ];
        let results = pick_itineraries(&list, true);
        let carriers: Vec<&str> = results
            .iter()
            .map(|r| r["operating_carrier"].as_str().unwrap())
            .collect();
        assert_eq!(carriers, ["American Airlines", "United Airlines", "Delta"]);
        assert_eq!(results[0]["outbound_flight_code"], "AA100");
        assert_eq!(results[0]["return_flight_code"], "AA100");
        assert_eq!(results[0]["price"], 210.46);
    }

    #[test]
    fn itineraries_missing_fields_are_skipped_without_panicking() {
        let one_leg = json!({"price": {"raw": 100.0}, "legs": [{"segments": [{
            "flightNumber": "1", "marketingCarrier": {"name": "X", "alternateId": "XX"}}]}]});
        let list = vec![
            json!({}),
            json!(null),
            json!({"price": {"raw": "cheap"}, "legs": []}),
            json!({"price": {"raw": 1.0}, "legs": [{"segments": []}]}),
            one_leg.clone(),
        ];
        assert!(pick_itineraries(&list, true).is_empty());
        // One way: the single leg is enough, and the operator falls back to the marketer.
        let one_way = pick_itineraries(&[one_leg], false);
        assert_eq!(one_way[0]["operating_carrier"], "X");
        assert_eq!(one_way[0]["return_flight_code"], Value::Null);
    }

    #[test]
    fn rejected_searches_are_recognized() {
        assert_eq!(
            rejected(&json!({"status": false, "message": "bad date"})).as_deref(),
            Some("bad date")
        );
        assert_eq!(rejected(&json!({"status": true, "data": {}})), None);
    }
}
