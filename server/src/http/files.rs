//! Uploading and downloading attached files: `POST /api/files` (multipart, up to
//! `MAX_FILES` files of `MAX_FILE_BYTES` each, the type checked by content) and
//! `GET /api/files/{id}` (only for those allowed to see the file, always as an attachment).
//! Plain handlers, not server functions: they stream bytes, not JSON arguments; they authorise
//! through the same `authz` as every server function.

use app::domain::files::{max_size_text, FileView, MAX_FILES, MAX_FILE_BYTES};
use app::server::{authz, files, AppState};
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use bytes::{Bytes, BytesMut};
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

/// The most a whole upload request may carry: every file at its limit plus the form's
/// boundaries and headers.
pub const MAX_UPLOAD_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/files",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/files/{id}", get(download))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn internal(context: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{context}");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "На сервере произошла ошибка. Попробуйте ещё раз чуть позже.",
    )
}

/// The signed-in user, or the answer to send instead (401, or 500 logged).
async fn signed_in(state: &AppState, session: &Session) -> Result<authz::Actor, Response> {
    match authz::actor_of_session(state, session).await {
        Ok(Some(actor)) => Ok(actor),
        Ok(None) => Err(error(
            StatusCode::UNAUTHORIZED,
            "Войдите в личный кабинет, чтобы продолжить.",
        )),
        Err(e) => Err(internal("reading the session of a file request", e)),
    }
}

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Файл больше {}. Уменьшите его (например, отсканируйте с меньшим разрешением) и \
             приложите снова.",
            max_size_text()
        ),
    )
}

/// A file read from the form, checked.
struct Received {
    name: String,
    file_type: app::domain::files::FileType,
    bytes: Bytes,
}

/// Reads every `file` field of the form; refuses the whole upload on the first problem.
async fn receive(mut form: Multipart) -> Result<Vec<Received>, Response> {
    let mut received = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => {
                tracing::debug!(error = %e, "a malformed upload");
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "Файлы пришли повреждёнными. Приложите их ещё раз.",
                ));
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        if received.len() == MAX_FILES {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Можно приложить не больше {MAX_FILES} файлов."),
            ));
        }
        let name = field.file_name().unwrap_or("файл").to_owned();
        let mut field = field;
        let mut bytes = BytesMut::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => {
                    tracing::debug!(error = %e, "an upload broke off");
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "Файлы пришли повреждёнными. Приложите их ещё раз.",
                    ));
                }
            }
        }
        if bytes.is_empty() {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Файл «{}» пустой.", app::domain::files::clean_name(&name)),
            ));
        }
        let Some(file_type) = files::sniff(&bytes) else {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "Файл «{}» — не PDF, JPEG или PNG. Приложите скан или фотографию документа \
                     в одном из этих форматов.",
                    app::domain::files::clean_name(&name)
                ),
            ));
        };
        received.push(Received {
            name,
            file_type,
            bytes: bytes.freeze(),
        });
    }
    if received.is_empty() {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Выберите файл, который нужно приложить.",
        ));
    }
    Ok(received)
}

/// Stores the files of a signed-in user and answers their ids. Nothing is kept of an upload
/// that fails part-way.
async fn upload(State(state): State<AppState>, session: Session, form: Multipart) -> Response {
    let actor = match signed_in(&state, &session).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let received = match receive(form).await {
        Ok(received) => received,
        Err(response) => return response,
    };
    // Uploads nobody attaches are swept after a day; until then each user has a ceiling, so
    // nobody fills the disk by uploading in a loop (parallel uploads may pass it by one batch).
    match files::unattached_count(&state.pool, actor.user_id).await {
        Ok(waiting) if waiting + received.len() as i64 > files::MAX_UNATTACHED => {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "Слишком много загруженных файлов ещё не приложено к запросам. Отправьте запрос \
                 с уже загруженными файлами или повторите через сутки.",
            );
        }
        Ok(_) => {}
        Err(e) => return internal("counting unattached files", e),
    }
    let mut stored: Vec<(String, FileView)> = Vec::with_capacity(received.len());
    for file in received {
        match store_one(&state, actor.user_id, file).await {
            Ok(view) => stored.push(view),
            Err(response) => {
                for (key, view) in stored {
                    forget(&state, &key, &view.id).await;
                }
                return response;
            }
        }
    }
    Json(stored.into_iter().map(|(_, v)| v).collect::<Vec<_>>()).into_response()
}

async fn store_one(
    state: &AppState,
    owner: Uuid,
    file: Received,
) -> Result<(String, FileView), Response> {
    use sha2::{Digest, Sha256};
    let id = Uuid::now_v7();
    let key = format!("files/{id}");
    let sha256 = Sha256::digest(&file.bytes);
    let size = file.bytes.len() as i64;
    state
        .files
        .put(&key, file.bytes)
        .await
        .map_err(|e| internal("storing a file", e))?;
    let new = files::NewFile {
        id,
        owner,
        name: &file.name,
        file_type: file.file_type,
        size,
        sha256: &sha256,
        storage_key: &key,
    };
    if let Err(e) = files::insert_file(&state.pool, &new).await {
        let _ = state.files.delete(&key).await;
        return Err(internal("recording a file", e));
    }
    Ok((
        key,
        FileView {
            id: id.to_string(),
            name: app::domain::files::clean_name(&file.name),
            content_type: file.file_type.mime().to_owned(),
            size,
        },
    ))
}

/// Removes a file stored by an upload that failed later.
async fn forget(state: &AppState, key: &str, id: &str) {
    if let Err(e) = state.files.delete(key).await {
        tracing::warn!(error = %e, "could not remove the bytes of a failed upload");
    }
    if let Ok(id) = Uuid::parse_str(id) {
        if let Err(e) = files::delete_file(&state.pool, id).await {
            tracing::warn!(error = %e, "could not remove the record of a failed upload");
        }
    }
}

/// Sends a file to those allowed to see it; anyone else, an unknown id and a malformed one
/// get the same 404.
async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let not_found = || error(StatusCode::NOT_FOUND, "Запрошенные сведения не найдены.");
    let actor = match signed_in(&state, &session).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return not_found();
    };
    let file = match files::readable_file(&state.pool, id, actor.user_id, actor.is_admin()).await {
        Ok(Some(file)) => file,
        Ok(None) => return not_found(),
        Err(e) => return internal("reading a file's record", e),
    };
    let bytes = match state.files.get(&file.storage_key).await {
        Ok(bytes) => bytes,
        Err(e) => return internal("reading a file from the store", e),
    };
    let disposition = content_disposition(&file.name);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `attachment` with an ASCII fallback name and the real one per RFC 6266 / 5987.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_attachments_with_the_name_kept_safely() {
        assert_eq!(
            content_disposition("доверенность \"1\".pdf"),
            "attachment; filename=\"______________1_.pdf\"; \
             filename*=UTF-8''%D0%B4%D0%BE%D0%B2%D0%B5%D1%80%D0%B5%D0%BD%D0%BD%D0%BE%D1%81%D1%82%D1%8C%20%221%22.pdf"
        );
    }
}
