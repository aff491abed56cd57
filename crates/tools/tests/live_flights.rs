//! `SearchFlights` against a loopback Sky-Scrapper: the real HTTP client and headers; only the
//! base URL points at [`FakeSkyScrapper`].

use fakes::FakeSkyScrapper;
use serde_json::{Value, json};
use tools::{ToolCall, ToolError, ToolRegistry, ToolSettings};

const KEY: &str = "rapid-test-key-123";

fn registry(fake: &FakeSkyScrapper, key: &str) -> ToolRegistry {
    ToolRegistry::new(ToolSettings {
        find_events_data: Some(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events.json").into(),
        ),
        rapidapi_key: Some(key.into()),
        rapidapi_base_url: Some(fake.base_url().parse().unwrap()),
        ..ToolSettings::default()
    })
    .expect("registry")
}

fn ord_to_dfw() -> Value {
    json!({
        "origin": "ORD",
        "destination": "DFW",
        "dateDepart": "2026-03-05",
        "dateReturn": "2026-03-09",
        "userConfirmation": true,
    })
}

async fn search(registry: &ToolRegistry, args: Value) -> Result<Value, ToolError> {
    registry
        .run("SearchFlights", args, &ToolCall::new("wf", "run", "1"))
        .await
}

#[tokio::test]
async fn resolves_both_places_then_searches_with_the_documented_parameters() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();

    search(&registry(&fake, KEY), ord_to_dfw()).await.unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    for (request, place) in requests[..2].iter().zip(["ORD", "DFW"]) {
        assert_eq!(request.path, "/api/v1/flights/searchAirport");
        assert_eq!(request.param("query"), Some(place));
        assert_eq!(request.param("locale"), Some("en-US"));
    }
    let flights = &requests[2];
    assert_eq!(flights.path, "/api/v2/flights/searchFlights");
    for (name, value) in [
        ("originSkyId", "ORD"),
        ("destinationSkyId", "DFW"),
        ("originEntityId", "95673633"),
        ("destinationEntityId", "95673612"),
        ("date", "2026-03-05"),
        ("returnDate", "2026-03-09"),
        ("cabinClass", "economy"),
        ("adults", "1"),
        ("sortBy", "best"),
        ("currency", "USD"),
        ("market", "en-US"),
        ("countryCode", "US"),
    ] {
        assert_eq!(flights.param(name), Some(value), "{name}");
    }
}

#[tokio::test]
async fn keeps_three_itineraries_with_distinct_operating_carriers() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();

    let result = search(&registry(&fake, KEY), ord_to_dfw()).await.unwrap();

    assert_eq!(result["currency"], "USD");
    assert_eq!(result["origin"], "ORD");
    assert_eq!(result["destination"], "DFW");
    // The fake sends AA twice, a malformed itinerary, an AA code-share flown by Envoy Air,
    // United, then Delta: the duplicate and the broken one are skipped, Delta is a fourth.
    assert_eq!(
        result["results"],
        json!([
            {"operating_carrier": "American Airlines", "outbound_flight_code": "AA1201",
             "price": 248.4, "return_flight_code": "AA1202", "return_operating_carrier": "American Airlines"},
            {"operating_carrier": "Envoy Air", "outbound_flight_code": "AA3350",
             "price": 263.15, "return_flight_code": "AA3351", "return_operating_carrier": "Envoy Air"},
            {"operating_carrier": "United Airlines", "outbound_flight_code": "UA455",
             "price": 289.99, "return_flight_code": "UA456", "return_operating_carrier": "United Airlines"},
        ])
    );
}

#[tokio::test]
async fn city_names_resolve_to_the_first_hit() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let mut args = ord_to_dfw();
    args["origin"] = json!("Chicago");

    search(&registry(&fake, KEY), args).await.unwrap();

    let flights = fake.requests().pop().unwrap();
    assert_eq!(flights.param("originSkyId"), Some("CHIA"));
    assert_eq!(flights.param("originEntityId"), Some("27539777"));
}

#[tokio::test]
async fn wrong_key_is_a_non_retryable_error_that_hides_the_key() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();

    let error = search(&registry(&fake, "wrong-rapid-key-777"), ord_to_dfw())
        .await
        .unwrap_err();

    assert_eq!(error.upstream_status(), Some(403));
    assert!(!error.is_retryable());
    assert!(!format!("{error} {error:?}").contains("wrong-rapid-key-777"));
    assert_eq!(fake.counters().flight_searches, 0);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let registry = registry(&fake, KEY);
    for status in [429, 500, 503] {
        fake.fail_next(1, status);
        let error = search(&registry, ord_to_dfw()).await.unwrap_err();
        assert_eq!(error.upstream_status(), Some(status));
        assert!(error.is_retryable(), "{status}");
    }
}

#[tokio::test]
async fn unreachable_api_is_a_retryable_connection_error() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let registry = registry(&fake, KEY);
    fake.shutdown().await;

    let error = search(&registry, ord_to_dfw()).await.unwrap_err();

    assert!(matches!(error, ToolError::Connection { .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn unknown_place_is_reported_to_the_planner_without_a_flight_search() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let mut args = ord_to_dfw();
    args["destination"] = json!("Atlantis");

    let result = search(&registry(&fake, KEY), args).await.unwrap();

    assert!(
        result["error"].as_str().unwrap().contains("Atlantis"),
        "{result}"
    );
    assert_eq!(fake.counters().flight_searches, 0);
}

#[tokio::test]
async fn missing_origin_or_date_is_answered_without_any_request() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let registry = registry(&fake, KEY);

    let no_origin = search(
        &registry,
        json!({"destination": "DFW", "dateDepart": "2026-03-05"}),
    )
    .await
    .unwrap();
    let no_date = search(&registry, json!({"origin": "ORD", "destination": "DFW"}))
        .await
        .unwrap();

    assert!(no_origin["error"].is_string());
    assert!(no_date["error"].is_string());
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn one_way_search_sends_no_return_date() {
    let fake = FakeSkyScrapper::start(KEY).await.unwrap();
    let mut args = ord_to_dfw();
    args["dateReturn"] = Value::Null;

    let result = search(&registry(&fake, KEY), args).await.unwrap();

    let flights = fake.requests().pop().unwrap();
    assert_eq!(flights.param("returnDate"), None);
    assert_eq!(result["results"][0]["return_flight_code"], Value::Null);
}

#[tokio::test]
async fn configured_host_is_sent_as_the_rapidapi_host() {
    let fake = FakeSkyScrapper::start_with_host(KEY, "flights.example.test")
        .await
        .unwrap();
    let registry = ToolRegistry::new(ToolSettings {
        find_events_data: Some(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events.json").into(),
        ),
        rapidapi_key: Some(KEY.into()),
        rapidapi_host_flights: "flights.example.test".to_string(),
        rapidapi_base_url: Some(fake.base_url().parse().unwrap()),
        ..ToolSettings::default()
    })
    .unwrap();

    let result = search(&registry, ord_to_dfw()).await.unwrap();

    assert_eq!(result["results"].as_array().unwrap().len(), 3);
}
