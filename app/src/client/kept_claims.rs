//! Claims made without a connection. The form and the files chosen for it are kept in
//! IndexedDB (the store `files`; the files as the browser's own `File` objects, which IndexedDB
//! stores whole) and sent once the server can be reached: the files first, then the claim that
//! names them, as when online. Nothing the user chose is lost to a dropped connection, and
//! nothing is sent twice once it went through: a kept claim is deleted from the device only
//! after the server answered it.

use serde::{Deserialize, Serialize};

use crate::api::representation::RequestView;
use crate::domain::organisation::OrganisationForm;
use crate::error::AppError;

/// A claim waiting on this device, as the cabinet lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptClaim {
    /// The key it is stored under.
    #[serde(default)]
    pub key: String,
    pub form: OrganisationForm,
    pub note: String,
    pub file_names: Vec<String>,
    /// Why the server refused it when it was sent: shown until the user deletes it.
    #[serde(default)]
    pub refused: Option<String>,
}

/// What became of a claim the user submitted.
#[derive(Clone, Debug)]
pub enum Submitted {
    /// The server has it.
    Sent(Box<RequestView>),
    /// No connection: kept on this device with its files, sent later.
    Kept,
}

/// Sends the claim with the files chosen in `input` now, or keeps both on this device when the
/// server cannot be reached.
pub async fn submit(
    form: OrganisationForm,
    note: String,
    input: Option<web_sys::HtmlInputElement>,
) -> Result<Submitted, AppError> {
    #[cfg(feature = "hydrate")]
    {
        browser::submit(form, note, input).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // Forms are sent by the hydrated app only.
        let _ = (form, note, input);
        Err(AppError::Internal)
    }
}

/// The claims kept on this device, newest last.
pub async fn list() -> Vec<KeptClaim> {
    #[cfg(feature = "hydrate")]
    {
        browser::list().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Vec::new()
    }
}

/// Sends every kept claim that the server has not refused; answers how many went through.
/// Stops at the first one that cannot reach the server (the rest would not either).
pub async fn send_kept() -> usize {
    #[cfg(feature = "hydrate")]
    {
        browser::send_kept().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

/// Deletes a kept claim and its files from this device.
pub async fn discard(key: String) {
    #[cfg(feature = "hydrate")]
    {
        let _ = crate::client::idb::delete(crate::client::idb::FILES, &key).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use wasm_bindgen::{JsCast, JsValue};

    use super::{KeptClaim, Submitted};
    use crate::api::representation::{claim_organisation, RequestView};
    use crate::client::{idb, network, upload};
    use crate::domain::organisation::OrganisationForm;
    use crate::error::AppError;

    thread_local! {
        /// Kept claims are being sent now (one sender per tab).
        static SENDING: Cell<bool> = const { Cell::new(false) };
    }

    pub async fn submit(
        form: OrganisationForm,
        note: String,
        input: Option<web_sys::HtmlInputElement>,
    ) -> Result<Submitted, AppError> {
        let files = upload::chosen(input)?;
        if network::is_online() {
            match send(&form, &note, &files).await {
                Err(error) if error.try_later() => {}
                answer => return answer.map(|r| Submitted::Sent(Box::new(r))),
            }
        }
        keep(&form, &note, &files).await?;
        Ok(Submitted::Kept)
    }

    async fn send(
        form: &OrganisationForm,
        note: &str,
        files: &[web_sys::File],
    ) -> Result<RequestView, AppError> {
        let uploaded = upload::upload_files(files).await?;
        let ids = uploaded.into_iter().map(|f| f.id).collect();
        claim_organisation(form.clone(), note.to_owned(), ids).await
    }

    /// The stored record: `{ meta: <KeptClaim as JSON>, files: [File, …] }`.
    async fn keep(
        form: &OrganisationForm,
        note: &str,
        files: &[web_sys::File],
    ) -> Result<(), AppError> {
        let key = crate::client::outbox::new_id().to_string();
        let claim = KeptClaim {
            key: key.clone(),
            form: form.clone(),
            note: note.to_owned(),
            file_names: files.iter().map(web_sys::File::name).collect(),
            refused: None,
        };
        let record = record(&claim, files);
        idb::put_value(idb::FILES, &key, &record)
            .await
            .map_err(|_| AppError::Invalid(NOT_KEPT.to_owned()))
    }

    const NOT_KEPT: &str = "Нет связи с сервером, и сохранить заявку на устройстве не удалось \
                            (возможно, в браузере мало места). Попробуйте отправить позже.";

    fn record(claim: &KeptClaim, files: &[web_sys::File]) -> JsValue {
        let record = js_sys::Object::new();
        let meta = serde_json::to_string(claim).unwrap_or_default();
        let _ = js_sys::Reflect::set(&record, &"meta".into(), &meta.into());
        let list = js_sys::Array::new();
        for file in files {
            list.push(file);
        }
        let _ = js_sys::Reflect::set(&record, &"files".into(), &list);
        record.into()
    }

    fn read(record: &JsValue) -> Option<(KeptClaim, Vec<web_sys::File>)> {
        let meta = js_sys::Reflect::get(record, &"meta".into())
            .ok()?
            .as_string()?;
        let claim = serde_json::from_str(&meta).ok()?;
        let files = js_sys::Reflect::get(record, &"files".into()).ok()?;
        let files = js_sys::Array::from(&files)
            .iter()
            .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
            .collect();
        Some((claim, files))
    }

    async fn stored() -> Vec<(KeptClaim, Vec<web_sys::File>)> {
        let mut claims: Vec<_> = idb::get_all_values(idb::FILES)
            .await
            .unwrap_or_default()
            .iter()
            .filter_map(read)
            .collect();
        // Keys are UUID v7: by time of keeping.
        claims.sort_by(|a, b| a.0.key.cmp(&b.0.key));
        claims
    }

    pub async fn list() -> Vec<KeptClaim> {
        stored().await.into_iter().map(|(claim, _)| claim).collect()
    }

    pub async fn send_kept() -> usize {
        if SENDING.replace(true) {
            return 0;
        }
        let mut sent = 0;
        for (mut claim, files) in stored().await {
            if claim.refused.is_some() {
                continue;
            }
            match send(&claim.form, &claim.note, &files).await {
                Ok(_) => {
                    let _ = idb::delete(idb::FILES, &claim.key).await;
                    sent += 1;
                }
                Err(
                    refusal @ (AppError::Invalid(_)
                    | AppError::Field { .. }
                    | AppError::Forbidden
                    | AppError::NotFound),
                ) => {
                    // Shown with the claim; the user deletes it and claims again.
                    claim.refused = Some(refusal.to_string());
                    let _ = idb::put_value(idb::FILES, &claim.key, &record(&claim, &files)).await;
                }
                // No connection, signed out, a fault on our side, or the limit: later.
                Err(_) => break,
            }
        }
        SENDING.set(false);
        sent
    }
}
