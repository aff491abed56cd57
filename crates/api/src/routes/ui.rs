//! The built React UI: its files under their own paths, `index.html` for browser
//! navigations to any other path (the UI routes on the client), and JSON 404/405 for
//! everything else.

use std::path::Path;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::{AppState, error::ApiError};

/// Serves a file of the built UI if there is one at this path; else the UI's `index.html`
/// for a browser navigation; else a JSON 404.
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let dist = &state.settings.frontend_dist;
    if !is_read {
        return ApiError::NotFound(path).into_response();
    }
    let wants_html = wants_html(&request);
    if dist.is_dir() {
        let served = ServeDir::new(dist)
            .append_index_html_on_directories(false)
            .oneshot(request)
            .await;
        // 304 counts as served: a browser revalidating its cached copy must not get a 404.
        if let Ok(mut response) = served
            && (response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED)
        {
            // Vite names built assets by content hash, so they never change in place.
            if path.starts_with("/assets/") {
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                );
            }
            return response.map(Body::new);
        }
    }
    if wants_html && let Some(index) = index_html(dist).await {
        return index;
    }
    ApiError::NotFound(path).into_response()
}

pub async fn method_not_allowed(request: Request) -> Response {
    ApiError::MethodNotAllowed(request.uri().path().to_owned()).into_response()
}

/// True for a browser navigation: its `Accept` names `text/html`.
pub fn wants_html(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("text/html"))
}

/// The UI's entry page, if the UI is built. Never cached, so a rebuilt UI shows at once.
pub async fn index_html(dist: &Path) -> Option<Response> {
    let html = tokio::fs::read(dist.join("index.html")).await.ok()?;
    let mut response = Body::from(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
}
