//! The open data API (`/api/v1/…`): the public catalogue as read-only JSON (and CSV for the
//! lists), the delta feed devices sync from, search and the risk lookup, described by the
//! OpenAPI document at `/api/v1/openapi.json`, generated from these handlers.

mod csv_export;
mod incident;
mod rate_limit;
mod ratings;
mod self_check;

use std::sync::Arc;

use app::api::catalogue::RiskEntry;
use app::catalogue::model::*;
use app::catalogue::search::{check_query, Hit};
use app::catalogue::views::{self, KindPage};
use app::server::{catalogue, risk, AppState};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub use rate_limit::ApiRateLimit;

/// An error of the open API: a status and a Russian message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// What went wrong, in Russian.
    pub error: String,
    #[serde(skip)]
    #[schema(ignore)]
    status: StatusCode,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            error: message.into(),
            status,
        }
    }

    fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Запрошенные сведения не найдены.")
    }

    fn internal(context: &str, error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "На сервере произошла ошибка. Попробуйте ещё раз чуть позже.",
        )
    }

    fn bad_query(rejection: QueryRejection) -> ApiError {
        tracing::debug!(%rejection, "malformed query");
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Параметры запроса указаны неверно: проверьте числа и названия параметров.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

async fn snapshot(state: &AppState) -> ApiResult<Arc<Snapshot>> {
    state
        .catalogue
        .get(&state.pool)
        .await
        .map_err(|e| ApiError::internal("loading the catalogue", e))
}

/// Default and largest page sizes of the lists.
const PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 200;

/// Paging, filters and format of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    page: Option<usize>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<usize>,
    /// Only items of this kind of control (its slug).
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    kind: Option<String>,
    /// Only items of this body (its slug).
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    body: Option<String>,
    /// `csv` for a CSV file of the whole filtered list instead of a JSON page.
    #[param(inline)]
    format: Option<Format>,
}

/// The format of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: usize,
    pub per_page: usize,
    pub pages: usize,
    pub total: usize,
}

impl ListQuery {
    fn wants_csv(&self) -> ApiResult<bool> {
        Ok(self.format == Some(Format::Csv))
    }

    fn paginate<T: Clone>(&self, all: Vec<T>) -> ApiResult<Page<T>> {
        let per_page = self.per_page.unwrap_or(PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("Параметр per_page должен быть от 1 до {MAX_PER_PAGE}."),
            ));
        }
        let total = all.len();
        let pages = total.div_ceil(per_page).max(1);
        let page = self.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "Страницы нумеруются с 1.",
            ));
        }
        let items = all
            .into_iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .collect();
        Ok(Page {
            items,
            page,
            per_page,
            pages,
            total,
        })
    }
}

/// The ids of the kinds (and bodies) a filter names; unknown slugs answer 404.
struct Filter {
    kinds: Option<Vec<String>>,
    body: Option<String>,
}

impl Filter {
    fn new(snapshot: &Snapshot, query: &ListQuery) -> ApiResult<Filter> {
        let rows = &snapshot.rows;
        let body = match &query.body {
            None => None,
            Some(slug) => Some(
                rows.bodies
                    .iter()
                    .find(|b| &b.slug == slug)
                    .map(|b| b.id.clone())
                    .ok_or_else(ApiError::not_found)?,
            ),
        };
        let kinds = match &query.kind {
            None => None,
            Some(slug) => Some(vec![rows
                .kinds
                .iter()
                .find(|k| &k.slug == slug)
                .map(|k| k.id.clone())
                .ok_or_else(ApiError::not_found)?]),
        };
        Ok(Filter { kinds, body })
    }

    fn kind(&self, kind_id: &str) -> bool {
        self.kinds
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == kind_id))
    }

    fn body(&self, body_id: &str) -> bool {
        self.body.as_ref().is_none_or(|id| id == body_id)
    }
}

/// JSON page, or the whole filtered list as CSV.
fn list<T: Clone + Serialize + csv_export::CsvRow>(
    query: &ListQuery,
    all: Vec<T>,
    name: &str,
) -> ApiResult<Response> {
    if query.wants_csv()? {
        return csv_export::response(&all, name).map_err(|e| ApiError::internal("writing CSV", e));
    }
    Ok(Json(query.paginate(all)?).into_response())
}

fn query_or_400<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    query.map(|Query(q)| q).map_err(ApiError::bad_query)
}

/// Control bodies.
#[utoipa::path(get, path = "/api/v1/control-bodies", tag = "catalogue", params(ListQuery),
    responses((status = 200, body = Page<BodyRow>, description = "A page of bodies (or CSV)"),
              (status = 400, body = ApiError), (status = 429, body = ApiError)))]
async fn control_bodies(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let query = query_or_400(query)?;
    let snapshot = snapshot(&state).await?;
    let filter = Filter::new(&snapshot, &query)?;
    let mut all: Vec<BodyRow> = snapshot
        .rows
        .bodies
        .iter()
        .filter(|b| filter.body(&b.id))
        .cloned()
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    list(&query, all, "control-bodies")
}

/// One control body.
#[utoipa::path(get, path = "/api/v1/control-bodies/{slug}", tag = "catalogue",
    params(("slug" = String, Path, description = "The body's slug")),
    responses((status = 200, body = BodyRow), (status = 404, body = ApiError)))]
async fn control_body(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<BodyRow>> {
    let snapshot = snapshot(&state).await?;
    snapshot
        .rows
        .bodies
        .iter()
        .find(|b| b.slug == slug)
        .cloned()
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// Kinds of control.
#[utoipa::path(get, path = "/api/v1/control-kinds", tag = "catalogue", params(ListQuery),
    responses((status = 200, body = Page<KindRow>, description = "A page of kinds (or CSV)"),
              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn control_kinds(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let query = query_or_400(query)?;
    let snapshot = snapshot(&state).await?;
    let filter = Filter::new(&snapshot, &query)?;
    let mut all: Vec<KindRow> = snapshot
        .rows
        .kinds
        .iter()
        .filter(|k| filter.body(&k.body_id) && filter.kind(&k.id))
        .cloned()
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    list(&query, all, "control-kinds")
}

/// One kind of control with everything on its page.
#[utoipa::path(get, path = "/api/v1/control-kinds/{slug}", tag = "catalogue",
    params(("slug" = String, Path, description = "The kind's slug")),
    responses((status = 200, body = KindPage), (status = 404, body = ApiError)))]
async fn control_kind(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<KindPage>> {
    let snapshot = snapshot(&state).await?;
    views::kind(&snapshot, &slug)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

macro_rules! kind_list {
    ($fn:ident, $path:literal, $row:ty, $field:ident, $name:literal, $order:expr) => {
        #[utoipa::path(get, path = $path, tag = "catalogue", params(ListQuery),
                    responses((status = 200, body = Page<$row>, description = "A page (or CSV)"),
                              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
        async fn $fn(
            State(state): State<AppState>,
            query: Result<Query<ListQuery>, QueryRejection>,
        ) -> ApiResult<Response> {
            let query = query_or_400(query)?;
            let snapshot = snapshot(&state).await?;
            let filter = Filter::new(&snapshot, &query)?;
            let body_of = |kind_id: &str| {
                snapshot
                    .rows
                    .kinds
                    .iter()
                    .find(|k| k.id == kind_id)
                    .map(|k| k.body_id.clone())
                    .unwrap_or_default()
            };
            let mut all: Vec<$row> = snapshot
                .rows
                .$field
                .iter()
                .filter(|r| filter.kind(&r.kind_id) && filter.body(&body_of(&r.kind_id)))
                .cloned()
                .collect();
            all.sort_by($order);
            list(&query, all, $name)
        }
    };
}

kind_list!(
    requirements,
    "/api/v1/requirements",
    RequirementRow,
    requirements,
    "requirements",
    |a: &RequirementRow, b: &RequirementRow| (&a.kind_id, a.sort).cmp(&(&b.kind_id, b.sort))
);
kind_list!(
    faq,
    "/api/v1/faq",
    FaqRow,
    faq,
    "faq",
    |a: &FaqRow, b: &FaqRow| (&a.kind_id, a.sort).cmp(&(&b.kind_id, b.sort))
);
kind_list!(
    typical_violations,
    "/api/v1/typical-violations",
    ViolationRow,
    violations,
    "typical-violations",
    |a: &ViolationRow, b: &ViolationRow| (&a.kind_id, a.sort).cmp(&(&b.kind_id, b.sort))
);

macro_rules! dated_list {
    ($fn:ident, $path:literal, $row:ty, $field:ident, $name:literal, $kind:expr, $order:expr) => {
        #[utoipa::path(get, path = $path, tag = "catalogue", params(ListQuery),
                    responses((status = 200, body = Page<$row>, description = "A page (or CSV)"),
                              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
        async fn $fn(
            State(state): State<AppState>,
            query: Result<Query<ListQuery>, QueryRejection>,
        ) -> ApiResult<Response> {
            let query = query_or_400(query)?;
            let snapshot = snapshot(&state).await?;
            let filter = Filter::new(&snapshot, &query)?;
            let kind_of: fn(&$row) -> Option<&str> = $kind;
            let mut all: Vec<$row> = snapshot
                .rows
                .$field
                .iter()
                .filter(|r| filter.body(&r.body_id) && kind_of(r).is_none_or(|k| filter.kind(k)))
                .filter(|r| filter.kinds.is_none() || kind_of(r).is_some())
                .cloned()
                .collect();
            all.sort_by($order);
            list(&query, all, $name)
        }
    };
}

dated_list!(
    discussions,
    "/api/v1/discussions",
    DiscussionRow,
    discussions,
    "discussions",
    |r| Some(r.kind_id.as_str()),
    |a: &DiscussionRow, b: &DiscussionRow| (&b.held_on, &b.starts_at)
        .cmp(&(&a.held_on, &a.starts_at))
);
dated_list!(
    programmes,
    "/api/v1/programmes",
    ProgrammeRow,
    programmes,
    "programmes",
    |r| Some(r.kind_id.as_str()),
    |a: &ProgrammeRow, b: &ProgrammeRow| (b.year, &a.title).cmp(&(a.year, &b.title))
);
dated_list!(
    reports,
    "/api/v1/reports",
    ReportRow,
    reports,
    "reports",
    |r| Some(r.kind_id.as_str()),
    |a: &ReportRow, b: &ReportRow| (&b.period, &a.id).cmp(&(&a.period, &b.id))
);
dated_list!(
    news,
    "/api/v1/news",
    NewsRow,
    news,
    "news",
    |_| None,
    |a: &NewsRow, b: &NewsRow| (&b.published_on, &a.id).cmp(&(&a.published_on, &b.id))
);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to find: words or beginnings of words («пожарн»), 2 to 200 characters.
    #[param(min_length = 2, max_length = 200)]
    q: String,
}

/// Full-text search over the catalogue (Russian stemming, ranked, with snippets).
#[utoipa::path(get, path = "/api/v1/search", tag = "catalogue", params(SearchQuery),
    responses((status = 200, body = Vec<Hit>), (status = 400, body = ApiError),
              (status = 422, body = ApiError)))]
async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<Hit>>> {
    let query = query_or_400(query)?;
    let q = check_query(&query.q)
        .map_err(|message| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    catalogue::search(&state.read_pool, &q)
        .await
        .map(Json)
        .map_err(|e| ApiError::internal("searching", e))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    /// ИНН of the organisation (10 or 12 digits, checksum checked).
    #[param(pattern = "^[0-9]{10}([0-9]{2})?$")]
    inn: String,
}

/// Risk categories of an organisation per kind of control.
#[utoipa::path(get, path = "/api/v1/organisations/risk", tag = "risk", params(RiskQuery),
    responses((status = 200, body = RiskEntry), (status = 400, body = ApiError),
              (status = 404, body = ApiError, description = "No organisation with risk categories has this ИНН"),
              (status = 422, body = ApiError, description = "Not a valid ИНН")))]
async fn organisation_risk(
    State(state): State<AppState>,
    query: Result<Query<RiskQuery>, QueryRejection>,
) -> ApiResult<Json<RiskEntry>> {
    let query = query_or_400(query)?;
    let inn = app::domain::registry_number::Inn::parse(&query.inn)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("ИНН: {e}")))?;
    let found = risk::find(&state.read_pool, &risk::Lookup::Inn(inn), 1)
        .await
        .map_err(|e| ApiError::internal("looking up risks", e))?;
    found
        .items
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The catalogue version the device has; 0 (or absent) for everything.
    #[param(minimum = 0)]
    since: Option<i64>,
}

/// The whole catalogue as a device downloads it first, brotli-compressed once per version:
/// every new device asks for it, and brotli at this size is a third smaller than gzip but too
/// slow to run per request.
#[derive(Debug, Default)]
pub struct FullCopy {
    slot: std::sync::RwLock<Option<(i64, axum::body::Bytes)>>,
}

impl FullCopy {
    fn brotli(&self, mut delta: Delta) -> ApiResult<axum::body::Bytes> {
        if let Some((version, bytes)) = self.slot.read().unwrap_or_else(|p| p.into_inner()).as_ref()
        {
            if *version == delta.version {
                return Ok(bytes.clone());
            }
        }
        // A full copy does not depend on what the device had.
        delta.since = 0;
        let json = serde_json::to_vec(&delta).map_err(|e| ApiError::internal("serialising", e))?;
        let mut compressed = Vec::with_capacity(json.len() / 8);
        let params = brotli::enc::BrotliEncoderParams {
            quality: 9,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut json.as_slice(), &mut compressed, &params)
            .map_err(|e| ApiError::internal("compressing the catalogue", e))?;
        let bytes = axum::body::Bytes::from(compressed);
        *self.slot.write().unwrap_or_else(|p| p.into_inner()) =
            Some((delta.version, bytes.clone()));
        Ok(bytes)
    }
}

/// The entity tag of a catalogue version.
fn etag(version: i64) -> String {
    format!("\"catalogue-{version}\"")
}

/// What changed in the catalogue since a version, deletions included; the whole catalogue for
/// a device with nothing (or too far behind). `If-None-Match` with the current `ETag` → 304.
#[utoipa::path(get, path = "/api/v1/catalogue/changes", tag = "sync", params(ChangesQuery),
    responses((status = 200, body = Delta, headers(("ETag" = String))),
              (status = 304, description = "Nothing changed since the version of this ETag"),
              (status = 400, body = ApiError)))]
async fn changes(
    State(state): State<AppState>,
    axum::Extension(full_copy): axum::Extension<Arc<FullCopy>>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let query = query_or_400(query)?;
    let since = query.since.unwrap_or(0);
    if since < 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Параметр since не может быть отрицательным.",
        ));
    }
    let current = catalogue::current_version(&state.pool)
        .await
        .map_err(|e| ApiError::internal("reading the catalogue version", e))?;
    let mut tag = etag(current);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let delta = catalogue::load_delta(&state.pool, since)
        .await
        .map_err(|e| ApiError::internal("computing a delta", e))?;
    tag = etag(delta.version);
    let accepts_brotli = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|e| e.trim().split(';').next() == Some("br"))
        });
    if delta.full && accepts_brotli {
        return full_copy.brotli(delta).map(|bytes| {
            let mut response = (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    ),
                    (header::CONTENT_ENCODING, HeaderValue::from_static("br")),
                    (header::VARY, HeaderValue::from_static("accept-encoding")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                bytes,
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&tag) {
                response.headers_mut().insert(header::ETAG, value);
            }
            response
        });
    }
    let mut response = Json(&delta).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(delta.version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "КНД.Онлайн — открытые данные", version = "1",
         description = "Каталог регионального портала контрольно-надзорной деятельности: контрольные органы, виды контроля, обязательные требования, частые вопросы, типовые нарушения, публичные обсуждения, программы профилактики, доклады, новости, поиск, категории риска и региональный рейтинг. Только чтение; ограничение частоты запросов с одного адреса."),
    paths(control_bodies, control_body, control_kinds, control_kind, requirements, faq,
          typical_violations, discussions, programmes, reports, news, search, organisation_risk,
          changes, ratings::rating_bodies, ratings::rating_staff, self_check::checklist,
          self_check::evaluations),
    tags((name = "catalogue", description = "Каталог"), (name = "risk", description = "Категории риска"),
         (name = "ratings", description = "Региональный рейтинг: органы и обезличенные сотрудники"),
         (name = "self_check", description = "Самопроверка: чек-листы и оценки обязательных требований"),
         (name = "sync", description = "Обновление копии каталога на устройстве"))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn unknown() -> ApiError {
    ApiError::not_found()
}

/// The routes under `/api/v1`, rate-limited per client address.
pub fn routes(limit: ApiRateLimit) -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/control-bodies", get(control_bodies))
        .route("/api/v1/control-bodies/{slug}", get(control_body))
        .route("/api/v1/control-kinds", get(control_kinds))
        .route("/api/v1/control-kinds/{slug}", get(control_kind))
        .route(
            "/api/v1/control-kinds/{slug}/checklist",
            get(self_check::checklist),
        )
        .route("/api/v1/requirements", get(requirements))
        .route(
            "/api/v1/requirements/evaluations",
            get(self_check::evaluations),
        )
        .route("/api/v1/faq", get(faq))
        .route("/api/v1/typical-violations", get(typical_violations))
        .route("/api/v1/discussions", get(discussions))
        .route("/api/v1/programmes", get(programmes))
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/news", get(news))
        .route("/api/v1/search", get(search))
        .route("/api/v1/organisations/risk", get(organisation_risk))
        .route("/api/v1/catalogue/changes", get(changes))
        .route("/api/v1/ratings/bodies", get(ratings::rating_bodies))
        .route("/api/v1/ratings/staff", get(ratings::rating_staff))
        .route("/api/v1/{*rest}", get(unknown))
        .layer(axum::Extension(Arc::new(FullCopy::default())))
        .layer(axum::middleware::from_fn_with_state(
            limit,
            rate_limit::check,
        ))
        .layer(axum::middleware::from_fn(incident::stamp))
}
