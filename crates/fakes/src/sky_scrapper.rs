//! A loopback Sky-Scrapper (RapidAPI) with canned airports and itineraries.
//!
//! Serves the two endpoints the flight search uses — `GET /api/v1/flights/searchAirport` and
//! `GET /api/v2/flights/searchFlights` — in the real response shapes. It checks RapidAPI's
//! `x-rapidapi-key` (403 when wrong, 401 when missing) and `x-rapidapi-host` (400 when wrong),
//! records every query, and returns itineraries that exercise the client's rules: two from
//! the same carrier, a code-share whose operating carrier differs from the marketing one, a
//! malformed itinerary, and more distinct carriers than the client keeps.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::server::LoopbackServer;

/// The RapidAPI host the fake expects unless told otherwise.
pub const SKY_SCRAPPER_HOST: &str = "sky-scrapper.p.rapidapi.com";

/// One request the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RapidApiRequest {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub status: u16,
}

impl RapidApiRequest {
    /// The first query parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Answered requests per endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkyScrapperCounters {
    pub airport_lookups: usize,
    pub flight_searches: usize,
}

/// A running fake Sky-Scrapper. Stops when dropped.
#[derive(Debug)]
pub struct FakeSkyScrapper {
    server: LoopbackServer,
    state: Arc<Mutex<SkyState>>,
}

#[derive(Debug)]
struct SkyState {
    api_key: String,
    host: String,
    requests: Vec<RapidApiRequest>,
    counters: SkyScrapperCounters,
    failures_left: usize,
    failure_status: u16,
}

impl FakeSkyScrapper {
    /// Starts a fake accepting `api_key` for the default host.
    pub async fn start(api_key: &str) -> std::io::Result<Self> {
        Self::start_with_host(api_key, SKY_SCRAPPER_HOST).await
    }

    pub async fn start_with_host(api_key: &str, host: &str) -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(SkyState {
            api_key: api_key.to_string(),
            host: host.to_string(),
            requests: Vec::new(),
            counters: SkyScrapperCounters::default(),
            failures_left: 0,
            failure_status: 500,
        }));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let server = LoopbackServer::start(app).await?;
        Ok(Self { server, state })
    }

    /// `http://127.0.0.1:<port>`, to use as `RAPIDAPI_BASE_URL`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    pub fn requests(&self) -> Vec<RapidApiRequest> {
        lock(&self.state).requests.clone()
    }

    pub fn counters(&self) -> SkyScrapperCounters {
        lock(&self.state).counters
    }

    /// The next `count` authorized requests fail with `status`.
    pub fn fail_next(&self, count: usize, status: u16) {
        let mut state = lock(&self.state);
        state.failures_left = count;
        state.failure_status = status;
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

fn lock(state: &Mutex<SkyState>) -> MutexGuard<'_, SkyState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn handle(
    State(state): State<Arc<Mutex<SkyState>>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let mut request = RapidApiRequest {
        path: uri.path().to_string(),
        query,
        status: 0,
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut state = lock(&state);
    let (status, body) = state.answer(
        &request,
        header("x-rapidapi-key"),
        header("x-rapidapi-host"),
    );
    request.status = status;
    state.requests.push(request);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

impl SkyState {
    fn answer(
        &mut self,
        request: &RapidApiRequest,
        key: Option<&str>,
        host: Option<&str>,
    ) -> (u16, Value) {
        match key {
            None => return (401, json!({"message": "Missing RapidAPI application key."})),
            Some(key) if key != self.api_key => {
                return (
                    403,
                    json!({"message": "You are not subscribed to this API."}),
                );
            }
            Some(_) => {}
        }
        if host != Some(self.host.as_str()) {
            return (
                400,
                json!({"message": "Unknown or missing x-rapidapi-host."}),
            );
        }
        if self.failures_left > 0 {
            self.failures_left -= 1;
            return (self.failure_status, json!({"message": "Injected failure."}));
        }
        match request.path.as_str() {
            "/api/v1/flights/searchAirport" => {
                self.counters.airport_lookups += 1;
                let query = request.param("query").unwrap_or_default();
                (
                    200,
                    json!({"status": true, "timestamp": 1, "data": airports(query)}),
                )
            }
            "/api/v2/flights/searchFlights" => {
                self.counters.flight_searches += 1;
                (200, search_flights(request))
            }
            path => (
                404,
                json!({"message": format!("Endpoint '{path}' does not exist")}),
            ),
        }
    }
}

/// One search hit: sky id, entity id, name, place type.
type Hit = (&'static str, &'static str, &'static str, &'static str);

/// Canned places: the words that find them and their hits, best first.
const PLACES: &[(&[&str], &[Hit])] = &[
    (
        &["ord"],
        &[("ORD", "95673633", "Chicago O'Hare International", "AIRPORT")],
    ),
    (
        &["chicago", "chi"],
        &[
            ("CHIA", "27539777", "Chicago", "CITY"),
            ("ORD", "95673633", "Chicago O'Hare International", "AIRPORT"),
            ("MDW", "95673451", "Chicago Midway", "AIRPORT"),
        ],
    ),
    (
        &["dfw"],
        &[(
            "DFW",
            "95673612",
            "Dallas Fort Worth International",
            "AIRPORT",
        )],
    ),
    (
        &["dallas"],
        &[
            ("DFWA", "27536547", "Dallas", "CITY"),
            (
                "DFW",
                "95673612",
                "Dallas Fort Worth International",
                "AIRPORT",
            ),
        ],
    ),
    (
        &["austin", "aus"],
        &[(
            "AUS",
            "95673745",
            "Austin-Bergstrom International",
            "AIRPORT",
        )],
    ),
    (
        &["new york", "nyc"],
        &[
            ("NYCA", "27537542", "New York", "CITY"),
            ("JFK", "95565058", "New York John F. Kennedy", "AIRPORT"),
        ],
    ),
    (
        &["jfk"],
        &[("JFK", "95565058", "New York John F. Kennedy", "AIRPORT")],
    ),
];

fn airports(query: &str) -> Vec<Value> {
    let query = query.trim().to_lowercase();
    let Some((_, hits)) = PLACES.iter().find(|(words, _)| {
        words
            .iter()
            .any(|w| *w == query || (w.len() > 3 && query.contains(w)))
    }) else {
        return Vec::new();
    };
    hits.iter()
        .map(|(sky_id, entity_id, name, kind)| {
            json!({
                "skyId": sky_id,
                "entityId": entity_id,
                "presentation": {"title": name, "suggestionTitle": format!("{name} ({sky_id})"), "subtitle": "United States"},
                "navigation": {
                    "entityId": entity_id,
                    "entityType": kind,
                    "localizedName": name,
                    "relevantFlightParams": {
                        "skyId": sky_id,
                        "entityId": entity_id,
                        "flightPlaceType": kind,
                        "localizedName": name,
                    },
                },
            })
        })
        .collect()
}

fn search_flights(request: &RapidApiRequest) -> Value {
    let required = [
        "originSkyId",
        "destinationSkyId",
        "originEntityId",
        "destinationEntityId",
        "date",
    ];
    let missing: Vec<Value> = required
        .iter()
        .filter(|name| request.param(name).is_none_or(str::is_empty))
        .map(|name| json!({(*name): format!("{name} is required")}))
        .collect();
    if !missing.is_empty() {
        return json!({"status": false, "message": missing});
    }
    let from = request.param("originSkyId").unwrap_or_default();
    let to = request.param("destinationSkyId").unwrap_or_default();
    let round_trip = request.param("returnDate").is_some();

    let american = ("American Airlines", "AA");
    let envoy = ("Envoy Air", "MQ");
    let united = ("United Airlines", "UA");
    let delta = ("Delta", "DL");
    let itineraries = vec![
        itinerary(
            from,
            to,
            round_trip,
            248.4,
            american,
            american,
            ("1201", "1202"),
        ),
        // Same carrier again: the client must skip it.
        itinerary(
            from,
            to,
            round_trip,
            251.0,
            american,
            american,
            ("1301", "1302"),
        ),
        // Malformed: no legs at all.
        json!({"id": "broken-1", "price": {"raw": 99.0, "formatted": "$99"}}),
        // Code-share: sold as AA, flown by Envoy Air.
        itinerary(
            from,
            to,
            round_trip,
            263.149,
            american,
            envoy,
            ("3350", "3351"),
        ),
        itinerary(from, to, round_trip, 289.99, united, united, ("455", "456")),
        // A fourth distinct carrier: beyond what the client keeps.
        itinerary(from, to, round_trip, 301.2, delta, delta, ("1788", "1789")),
    ];
    json!({
        "status": true,
        "timestamp": 1,
        "data": {
            "context": {"status": "complete", "totalResults": itineraries.len()},
            "itineraries": itineraries,
        },
    })
}

fn itinerary(
    from: &str,
    to: &str,
    round_trip: bool,
    price: f64,
    marketing: (&str, &str),
    operating: (&str, &str),
    numbers: (&str, &str),
) -> Value {
    let leg = |origin: &str, destination: &str, number: &str| {
        let carrier = |(name, code): (&str, &str)| json!({"id": -1, "name": name, "alternateId": code, "allianceId": 0});
        json!({
            "id": format!("{origin}-{destination}-{number}"),
            "origin": {"id": origin, "displayCode": origin},
            "destination": {"id": destination, "displayCode": destination},
            "durationInMinutes": 150,
            "stopCount": 0,
            "carriers": {"marketing": [carrier(marketing)]},
            "segments": [{
                "id": format!("seg-{number}"),
                "flightNumber": number,
                "marketingCarrier": carrier(marketing),
                "operatingCarrier": carrier(operating),
            }],
        })
    };
    let mut legs = vec![leg(from, to, numbers.0)];
    if round_trip {
        legs.push(leg(to, from, numbers.1));
    }
    json!({
        "id": format!("{from}-{to}-{}-{}", marketing.1, numbers.0),
        "price": {"raw": price, "formatted": format!("${}", price.round())},
        "legs": legs,
        "isSelfTransfer": false,
        "tags": [],
    })
}
