//! Requests to the open API are limited per client address (GCRA through `governor`), so one
//! client cannot crowd out the others. Each instance keeps its own counters: the limit is per
//! instance, which is enough to stop floods without a shared store.

use std::{num::NonZeroU32, sync::Arc};

use app::server::throttle::ClientAddress;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The limiter shared by the API routes.
#[derive(Clone)]
pub struct ApiRateLimit(Arc<DefaultKeyedRateLimiter<String>>);

impl ApiRateLimit {
    /// `per_second` sustained requests per address, with bursts of three seconds' worth.
    pub fn new(per_second: u32) -> ApiRateLimit {
        let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
        let burst = NonZeroU32::new(per_second.max(1).saturating_mul(3)).expect("at least 3");
        ApiRateLimit(Arc::new(RateLimiter::keyed(
            Quota::per_second(rate).allow_burst(burst),
        )))
    }
}

pub async fn check(State(limit): State<ApiRateLimit>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ClientAddress>()
        .map_or_else(|| "unknown".to_owned(), |ClientAddress(a)| a.clone());
    match limit.0.check_key(&address) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let secs = wait.as_secs().max(1);
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(serde_json::json!({
                    "error": format!("Слишком много запросов. Повторите через {secs} с.")
                })),
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}
