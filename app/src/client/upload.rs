//! Sends the files chosen in a file input to `POST /api/files` and answers what the server
//! stored. Checks count and size on the device first, so a too-large scan is explained before
//! it travels; the server checks again, and checks the type by content.

use crate::domain::files::FileView;
use crate::error::AppError;

/// The field name errors about attachments are reported under.
pub const FIELD: &str = "files";

/// Uploads the files chosen in `input` (none chosen: nothing is sent).
pub async fn upload_selected(
    input: Option<web_sys::HtmlInputElement>,
) -> Result<Vec<FileView>, AppError> {
    #[cfg(feature = "hydrate")]
    {
        browser::upload(input).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
        Ok(Vec::new())
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{chosen, upload_files};

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::window;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::FIELD;
    use crate::domain::files::{max_size_text, FileView, MAX_FILES, MAX_FILE_BYTES};
    use crate::error::AppError;

    pub async fn upload(
        input: Option<web_sys::HtmlInputElement>,
    ) -> Result<Vec<FileView>, AppError> {
        upload_files(&chosen(input)?).await
    }

    /// The files chosen in `input`, checked for count and size.
    pub fn chosen(
        input: Option<web_sys::HtmlInputElement>,
    ) -> Result<Vec<web_sys::File>, AppError> {
        let Some(list) = input.and_then(|i| i.files()) else {
            return Ok(Vec::new());
        };
        if list.length() as usize > MAX_FILES {
            return Err(AppError::field(
                FIELD,
                format!("Можно приложить не больше {MAX_FILES} файлов."),
            ));
        }
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if let Some(file) = files.iter().find(|f| f.size() > MAX_FILE_BYTES as f64) {
            return Err(AppError::field(
                FIELD,
                format!("Файл «{}» больше {}.", file.name(), max_size_text()),
            ));
        }
        Ok(files)
    }

    /// Sends `files` in one request (none: nothing is sent).
    pub async fn upload_files(files: &[web_sys::File]) -> Result<Vec<FileView>, AppError> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let form = web_sys::FormData::new().map_err(|_| AppError::Internal)?;
        for file in files {
            form.append_with_blob_and_filename("file", file, &file.name())
                .map_err(|_| AppError::Internal)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&form);
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init("/api/files", &init))
                .await
                .map_err(|_| AppError::Transport("upload".into()))?
                .dyn_into()
                .map_err(|_| AppError::Internal)?;
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        if response.ok() {
            return serde_json::from_str(&text).map_err(|_| AppError::Internal);
        }
        #[derive(serde::Deserialize)]
        struct Refusal {
            error: String,
        }
        match (response.status(), serde_json::from_str::<Refusal>(&text)) {
            (401, _) => Err(AppError::Unauthorized),
            (status, Ok(refusal)) if status < 500 => Err(AppError::field(FIELD, refusal.error)),
            (status, _) if status >= 502 => Err(AppError::Transport(status.to_string())),
            _ => Err(AppError::Internal),
        }
    }
}
