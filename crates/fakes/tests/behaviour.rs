//! The fakes behave like the services they stand in for, where our clients can tell.

use fakes::{FakeSkyScrapper, FakeStripe, SKY_SCRAPPER_HOST};
use serde_json::Value;

const KEY: &str = "sk_test_fake";

async fn post(
    stripe: &FakeStripe,
    path: &str,
    key: &str,
    idempotency: Option<&str>,
    form: &str,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", stripe.base_url()))
        .bearer_auth(key)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string());
    if let Some(idempotency) = idempotency {
        request = request.header("Idempotency-Key", idempotency);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn stripe_refuses_a_wrong_key_with_its_error_shape() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let (status, body) = post(
        &stripe,
        "/v1/customers",
        "sk_test_other",
        None,
        "email=a%40b.c",
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"].is_string());
    assert_eq!(stripe.counters().customers_created, 0);
}

#[tokio::test]
async fn stripe_replays_a_repeated_idempotency_key_and_refuses_changed_parameters() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let (_, first) = post(
        &stripe,
        "/v1/customers",
        KEY,
        Some("k1"),
        "email=a%40b.c&name=A",
    )
    .await;
    let (status, again) = post(
        &stripe,
        "/v1/customers",
        KEY,
        Some("k1"),
        "name=A&email=a%40b.c",
    )
    .await;
    assert_eq!(
        (status, &again),
        (200, &first),
        "same parameters in another order replay"
    );
    assert_eq!(stripe.counters().customers_created, 1);
    assert!(stripe.requests()[1].replayed);

    let (status, changed) = post(&stripe, "/v1/customers", KEY, Some("k1"), "email=x%40b.c").await;
    assert_eq!(status, 400);
    assert_eq!(changed["error"]["type"], "idempotency_error");

    post(&stripe, "/v1/customers", KEY, Some("k2"), "email=a%40b.c").await;
    assert_eq!(stripe.counters().customers_created, 2);
}

#[tokio::test]
async fn stripe_validates_like_the_real_api() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let (status, body) = post(
        &stripe,
        "/v1/invoiceitems",
        KEY,
        None,
        "amount=100&currency=usd",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "parameter_missing");
    let (status, body) = post(&stripe, "/v1/invoices", KEY, None, "customer=cus_missing").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "resource_missing");

    let customer = stripe.add_customer("a@b.c");
    let (status, _) = post(
        &stripe,
        "/v1/invoices",
        KEY,
        None,
        &format!("customer={customer}&collection_method=send_invoice"),
    )
    .await;
    assert_eq!(status, 400, "send_invoice needs days_until_due");
    let (_, invoice) = post(
        &stripe,
        "/v1/invoices",
        KEY,
        None,
        &format!("customer={customer}"),
    )
    .await;
    let finalize = format!("/v1/invoices/{}/finalize", invoice["id"].as_str().unwrap());
    assert_eq!(post(&stripe, &finalize, KEY, None, "").await.0, 200);
    let (status, body) = post(&stripe, &finalize, KEY, None, "").await;
    assert_eq!(status, 400, "an invoice is finalized once");
    assert_eq!(body["error"]["code"], "invoice_not_editable");
    assert_eq!(stripe.counters().invoices_finalized, 1);
}

#[tokio::test]
async fn stripe_injected_failures_are_not_remembered_under_their_key() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    stripe.fail_next(1, 500);
    let (status, body) = post(&stripe, "/v1/customers", KEY, Some("k"), "email=a%40b.c").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["type"], "api_error");
    let (status, _) = post(&stripe, "/v1/customers", KEY, Some("k"), "email=a%40b.c").await;
    assert_eq!(status, 200);
    assert_eq!(stripe.counters().customers_created, 1);
}

async fn rapid_get(fake: &FakeSkyScrapper, path: &str, key: &str, host: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", fake.base_url()))
        .header("x-rapidapi-key", key)
        .header("x-rapidapi-host", host)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn sky_scrapper_checks_key_and_host_and_records_queries() {
    let fake = FakeSkyScrapper::start("rk").await.unwrap();
    let path = "/api/v1/flights/searchAirport?query=Chicago%20O%27Hare&locale=en-US";
    assert_eq!(
        rapid_get(&fake, path, "bad", SKY_SCRAPPER_HOST).await.0,
        403
    );
    assert_eq!(rapid_get(&fake, path, "rk", "other.host").await.0, 400);
    let (status, body) = rapid_get(&fake, path, "rk", SKY_SCRAPPER_HOST).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"][0]["navigation"]["relevantFlightParams"]["skyId"],
        "CHIA"
    );
    assert_eq!(fake.requests()[2].param("query"), Some("Chicago O'Hare"));
    assert_eq!(fake.counters().airport_lookups, 1);
}

#[tokio::test]
async fn sky_scrapper_flags_missing_search_parameters_like_the_real_api() {
    let fake = FakeSkyScrapper::start("rk").await.unwrap();
    let (status, body) = rapid_get(
        &fake,
        "/api/v2/flights/searchFlights?originSkyId=ORD",
        "rk",
        SKY_SCRAPPER_HOST,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], false);
    assert!(body["message"].is_array());
}

#[tokio::test]
async fn dropping_a_fake_stops_it() {
    let fake = FakeSkyScrapper::start("rk").await.unwrap();
    let url = format!("{}/api/v1/flights/searchAirport", fake.base_url());
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(reqwest::get(url).await.is_err());
}
