//! HTTP wiring: routes, the Leptos app and its server functions, static files, middleware,
//! and the listener.

pub mod answer;
pub mod assets;
pub mod availability;
pub mod body_limit;
pub mod client_address;
pub mod control_chars;
pub mod files;
pub mod headers;
pub mod health;
pub mod open_data;
pub mod page_cache;
pub mod request_id;
pub mod same_origin;
pub mod server_fn_status;
pub mod sessions;
pub mod timeout;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use app::{
    app::{shell, App},
    server::{cache::TtlCache, release::Release, throttle::device::DeviceCookiePolicy, AppState},
};
use axum::{middleware, routing::get, serve::ListenerExt, Router};
use leptos::{nonce::Nonce, prelude::*};
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, CompressionLevel};

use crate::config::Config;
use headers::{CspNonce, HeaderPolicy};

/// How long an instance may show public rating figures without a new rating made elsewhere.
pub const RATINGS_TTL: Duration = Duration::from_secs(60);

/// How long an instance may show the old region name after an edit elsewhere.
pub const REGION_TTL: Duration = Duration::from_secs(60);

/// Pages are gzip-compressed as they stream. Brotli is left to the static files, which are
/// served precompressed at the highest level: a brotli stream allocates its large window per
/// response, which measured here at a third of gzip's throughput for 2 % fewer bytes.
const DYNAMIC_COMPRESSION: CompressionLevel = CompressionLevel::Precise(4);

/// Reads the Leptos options and the build description, and assembles the state.
pub fn build_state(
    pool: PgPool,
    read_pool: PgPool,
    files: app::server::files::FileStore,
) -> anyhow::Result<AppState> {
    let mut leptos_options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    // cargo-leptos sets LEPTOS_HASH_FILES when it runs the server; a binary started directly
    // (as in production) falls back to what the build used.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        leptos_options.hash_files = option_env!("LEPTOS_HASH_FILES") == Some("true");
    }
    let release = Release::load(&leptos_options, env!("CARGO_PKG_VERSION"));
    Ok(AppState {
        pool,
        read_pool,
        leptos_options,
        release: Arc::new(release),
        region: Arc::new(TtlCache::new(REGION_TTL)),
        ratings: Arc::new(TtlCache::new(RATINGS_TTL)),
        catalogue: Default::default(),
        session_lifetime_secs: app::server::session::ABSOLUTE_LIFETIME_SECS,
        files,
        pages: Default::default(),
        db_health: Default::default(),
    })
}

/// The whole application as one router.
pub fn router(state: AppState, config: &Config) -> Router {
    crate::telemetry::init_executor();
    let routes = generate_route_list(App);
    let policy = HeaderPolicy {
        https: config.is_https(),
        build_id: state.release.build_id.clone(),
    };
    let origin_policy = same_origin::OriginPolicy {
        public_origin: config.public_url.clone(),
    };
    let context = {
        let state = state.clone();
        move || provide_request_context(&state)
    };
    let shell_fn = {
        let release = state.release.clone();
        move |options: LeptosOptions| {
            // The chunk of the page asked for, so the browser fetches it with the main module.
            let chunks = use_context::<http::request::Parts>()
                .and_then(|parts| app::routes::group_of(parts.uri.path()))
                .map(|group| release.chunks_of(group.chunk_name()).to_vec())
                .unwrap_or_default();
            shell(
                options,
                release.build_id.clone(),
                chunks,
                release.qr_module.clone(),
            )
        }
    };
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/sw.js", get(assets::service_worker))
        .merge(files::routes())
        .merge(open_data::routes(open_data::ApiRateLimit::new(
            config.api_rate_per_sec,
        )))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let shell_fn = shell_fn.clone();
            let options = state.leptos_options.clone();
            move || shell_fn(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell_fn,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            availability::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .layer(middleware::from_fn(server_fn_status::correct))
        .layer(sessions::layer(state.pool.clone(), config))
        // Outside the session layer: its store needs the database too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            availability::api_guard,
        ))
        .layer(axum::Extension(DeviceCookiePolicy {
            https: config.is_https(),
        }))
        .layer(middleware::from_fn_with_state(
            config.trusted_proxies.clone(),
            client_address::identify,
        ))
        // Inside the body limit, which has read the body into memory.
        .layer(middleware::from_fn(control_chars::refuse_nul))
        .layer(middleware::from_fn_with_state(
            body_limit::MAX_JSON_BODY,
            body_limit::limit,
        ))
        .layer(middleware::from_fn_with_state(
            origin_policy,
            same_origin::check,
        ))
        .layer(middleware::from_fn_with_state(
            config.request_timeout(),
            timeout::limit,
        ))
        .layer(request_id::trace_layer())
        .layer(middleware::from_fn(request_id::assign))
        .layer(middleware::from_fn_with_state(policy, headers::apply))
        .layer(CompressionLayer::new().no_br().quality(DYNAMIC_COMPRESSION))
        .with_state(state)
}

/// What every page render and server function can `use_context` for: the state and the CSP
/// nonce of this response.
fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(Nonce::from_value(value));
    }
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // Streamed SSR pages otherwise wait for delayed ACKs on reused connections (~40 ms each).
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")
}
