//! The HTTP service: `POST /v1/receipts`, `GET /v1/receipts/{id}`, `GET /v1/declarations/{sha256}`,
//! the token-protected `GET /v1/export`, `/metrics`, `/healthz`. Nothing about the client (address,
//! user agent, other headers) is stored or logged; its address is used only for the rate limit.

use crate::export::{self, Format};
use crate::limit::Limiter;
use crate::metrics::{Metrics, Refusal};
use crate::receipt::{self, Invalid};
use crate::store::{Filter, Inserted, Store};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What the service runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Origins allowed to post (`https://www.eksempel.kommune.no`), exactly as browsers send them.
    pub origins: Vec<String>,
    /// The bearer token for `/v1/export`; `None` turns the export endpoint off.
    pub token: Option<String>,
    /// Receipts older than this many days are deleted.
    pub retain_days: u32,
    /// The largest body accepted, in bytes.
    pub max_body: usize,
    /// Posts a minute per client (0: no limit), after a burst of `burst`.
    pub per_minute: u32,
    /// The burst a client may post at once.
    pub burst: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    pub trust_forwarded: bool,
}

/// The shared state of the service.
pub struct App {
    store: Arc<dyn Store>,
    settings: Settings,
    metrics: Metrics,
    limiter: Limiter,
}

impl App {
    /// The service over a store.
    pub fn new(store: Arc<dyn Store>, settings: Settings) -> Arc<App> {
        Arc::new(App {
            limiter: Limiter::new(settings.per_minute, settings.burst),
            store,
            settings,
            metrics: Metrics::default(),
        })
    }

    /// Deletes what retention says must go; returns how many receipts went.
    pub async fn prune(&self) -> Result<u64, crate::store::StoreError> {
        let days = i64::from(self.settings.retain_days);
        let before = receipt::format_time(OffsetDateTime::now_utc() - time::Duration::days(days));
        let store = self.store.clone();
        let n = blocking(move || store.prune(&before)).await?;
        self.metrics.pruned(n);
        Ok(n)
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, crate::store::StoreError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(crate::store::StoreError::Corrupt(format!(
            "store task: {e}"
        )))
    })
}

/// The routes, with CORS for the allowed origins.
pub fn router(app: Arc<App>) -> Router {
    let origins: Vec<HeaderValue> = app
        .settings
        .origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(86_400));
    Router::new()
        .route("/v1/receipts", post(post_receipt))
        .route("/v1/receipts/{id}", get(get_receipts))
        .route("/v1/declarations/{sha256}", get(get_declaration))
        .route("/v1/export", get(get_export))
        .route("/metrics", get(metrics))
        .route("/healthz", get(health))
        .layer(DefaultBodyLimit::max(app.settings.max_body))
        .layer(cors)
        .with_state(app)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight. Runs retention at
/// start and every hour.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pruner = app.clone();
    let retention = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match pruner.prune().await {
                Ok(0) => {}
                Ok(n) => eprintln!("kapsel-receipts: retention deleted {n} receipts"),
                Err(e) => eprintln!("kapsel-receipts: retention failed: {e}"),
            }
        }
    });
    let out = axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    retention.abort();
    out
}

fn reason(status: StatusCode, text: impl Into<String>) -> Response {
    let mut text = text.into();
    text.push('\n');
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn client(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if app.settings.trust_forwarded {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.ip()
}

async fn post_receipt(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    match origin {
        Some(o) if app.settings.origins.iter().any(|a| a == o) => {}
        Some(_) => {
            app.metrics.refused(Refusal::Origin);
            return reason(StatusCode::FORBIDDEN, "origin not allowed");
        }
        None => {
            app.metrics.refused(Refusal::Origin);
            return reason(
                StatusCode::FORBIDDEN,
                "no Origin header: receipts come from the site's pages",
            );
        }
    }
    if !app.limiter.allow(client(&app, peer, &headers)) {
        app.metrics.refused(Refusal::RateLimited);
        return reason(
            StatusCode::TOO_MANY_REQUESTS,
            "too many receipts from this client",
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            app.metrics.refused(Refusal::TooLarge);
            return reason(e.status(), e.body_text());
        }
    };
    let gpc = headers.get("sec-gpc").is_some_and(|v| v.as_bytes() == b"1");
    let (mut receipt, declaration, named) =
        match receipt::parse_named(&body, OffsetDateTime::now_utc()) {
            Ok(r) => r,
            Err(e) => {
                let (why, status) = match e {
                    Invalid::Json(_) => (Refusal::Malformed, StatusCode::BAD_REQUEST),
                    Invalid::Field { .. } => (Refusal::Invalid, StatusCode::UNPROCESSABLE_ENTITY),
                };
                app.metrics.refused(why);
                return reason(status, e.to_string());
            }
        };
    let started = Instant::now();
    let store = app.store.clone();
    let stored = blocking(move || {
        if !named {
            let earlier = store.receipts(&receipt.id)?;
            let previous = earlier.iter().rev().find(|r| r.at < receipt.at);
            receipt.refine_method(previous, gpc);
        }
        store.insert(&receipt, declaration.as_deref())
    });
    match stored.await {
        Ok(inserted) => {
            app.metrics.observe(started.elapsed());
            match inserted {
                Inserted::New => app.metrics.stored(),
                Inserted::Duplicate => app.metrics.duplicate(),
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            app.metrics.store_error();
            eprintln!("kapsel-receipts: could not store a receipt: {e}");
            reason(
                StatusCode::SERVICE_UNAVAILABLE,
                "the receipt could not be stored",
            )
        }
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn get_receipts(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    if uuid::Uuid::try_parse(&id).is_err() {
        return reason(StatusCode::BAD_REQUEST, "not a receipt id");
    }
    let store = app.store.clone();
    let key = id.to_ascii_lowercase();
    match blocking(move || store.receipts(&key)).await {
        Ok(list) if list.is_empty() => reason(StatusCode::NOT_FOUND, "no receipt with this id"),
        Ok(list) => json(
            StatusCode::OK,
            serde_json::json!({ "id": id.to_ascii_lowercase(), "receipts": list }).to_string(),
        ),
        Err(e) => {
            eprintln!("kapsel-receipts: could not read receipts: {e}");
            reason(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store could not be read",
            )
        }
    }
}

async fn get_declaration(State(app): State<Arc<App>>, Path(sha): Path<String>) -> Response {
    if !receipt::is_sha256(&sha) {
        return reason(StatusCode::BAD_REQUEST, "not a SHA-256 in lower-case hex");
    }
    let store = app.store.clone();
    match blocking(move || store.declaration(&sha)).await {
        Ok(Some(body)) => json(StatusCode::OK, body),
        Ok(None) => reason(StatusCode::NOT_FOUND, "no declaration with this hash"),
        Err(e) => {
            eprintln!("kapsel-receipts: could not read a declaration: {e}");
            reason(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store could not be read",
            )
        }
    }
}

/// The export endpoint's query.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    site: Option<String>,
    since: Option<String>,
    format: Option<String>,
}

async fn get_export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(token) = &app.settings.token else {
        return reason(
            StatusCode::NOT_FOUND,
            "the export endpoint is off (no token configured)",
        );
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
        return reason(StatusCode::UNAUTHORIZED, "a valid bearer token is needed");
    }
    let Ok(Query(q)) = query else {
        return reason(StatusCode::BAD_REQUEST, "query: site, since, format only");
    };
    let format = match q.format.as_deref().map(str::parse::<Format>) {
        None => Format::Json,
        Some(Ok(f)) => f,
        Some(Err(e)) => return reason(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let since = match q.since.as_deref().map(receipt::parse_since) {
        None => None,
        Some(Some(t)) => Some(receipt::format_time(t)),
        Some(None) => return reason(StatusCode::BAD_REQUEST, "since: YYYY-MM-DD or RFC 3339"),
    };
    let filter = Filter {
        site: q.site,
        since,
    };
    let store = app.store.clone();
    match blocking(move || store.export(&filter)).await {
        Ok(list) => {
            let mut out = Vec::new();
            if let Err(e) = export::write(&list, format, &mut out) {
                return reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
            }
            let kind = match format {
                Format::Csv => "text/csv; charset=utf-8",
                Format::Json => "application/json",
            };
            (StatusCode::OK, [(header::CONTENT_TYPE, kind)], out).into_response()
        }
        Err(e) => {
            eprintln!("kapsel-receipts: export failed: {e}");
            reason(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store could not be read",
            )
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    match blocking(move || store.count()).await {
        Ok(_) => reason(StatusCode::OK, "ok"),
        Err(e) => {
            eprintln!("kapsel-receipts: health check: {e}");
            reason(StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}
