//! Form building blocks: a labelled field whose error is shown right under it and announced
//! (`aria-invalid`, `aria-describedby`, `role="alert"`), and the message of a failed request.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t_string, use_i18n, Locale};

/// A labelled text input bound to `value`.
#[component]
pub fn TextField(
    /// Element id, also the `name` the server reports field errors by.
    #[prop(into)]
    id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
) -> AnyView {
    let (error_id, hint_id, described_by) = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="field-hint" id=hint_id.clone()>
                            {hint}
                        </p>
                    }
                })}
            <input
                id=id.clone()
                name=id
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                bind:value=value
            />
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
}

/// The ids of a field's hint and error, and its `aria-describedby`: the hint (when there is
/// one) and the error (while there is one).
fn described_by(
    id: &str,
    has_hint: bool,
    error: MaybeProp<String>,
) -> (
    String,
    String,
    impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let ids = (error_id.clone(), hint_id.clone());
    let described_by = move || {
        let mut list = Vec::new();
        if has_hint {
            list.push(ids.1.clone());
        }
        if error.get().is_some() {
            list.push(ids.0.clone());
        }
        (!list.is_empty()).then(|| list.join(" "))
    };
    (error_id, hint_id, described_by)
}

/// A labelled multi-line text area bound to `value`; like `TextField` for errors and hints.
#[component]
pub fn TextArea(
    /// Element id, also the `name` the server reports field errors by.
    #[prop(into)]
    id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] required: bool,
) -> AnyView {
    let (error_id, hint_id, described_by) = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="field-hint" id=hint_id.clone()>
                            {hint}
                        </p>
                    }
                })}
            <textarea
                id=id.clone()
                name=id
                rows=rows
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                bind:value=value
            ></textarea>
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
}

/// A labelled choice from a list (`value`, label) bound to `value`; an empty first option asks
/// to choose.
#[component]
pub fn SelectField(
    /// Element id, also the `name` the server reports field errors by.
    #[prop(into)]
    id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional)] required: bool,
) -> AnyView {
    let i18n = use_i18n();
    let (error_id, _, described_by) = described_by(&id, false, error);
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=id
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">{move || t_string!(i18n, catalogue.choose)}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(option, text)| {
                            let selected = value.get_untracked() == option;
                            view! {
                                <option value=option selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
}

/// What to tell the user about a failed request, in the interface language. Messages about a
/// specific input come from the server (and the shared domain rules) in Russian.
pub fn error_message(error: &AppError) -> String {
    let i18n = use_i18n();
    let english = i18n.get_locale_untracked() == Locale::en;
    match error {
        AppError::Invalid(_) | AppError::Field { .. } => error.to_string(),
        AppError::Unauthorized => t_string!(i18n, errors.unauthorized).to_owned(),
        AppError::BadCredentials => t_string!(i18n, errors.bad_credentials).to_owned(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_owned(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_owned(),
        AppError::Transport(_) => t_string!(i18n, errors.offline).to_owned(),
        AppError::Unavailable => t_string!(i18n, errors.unavailable).to_owned(),
        AppError::Internal => t_string!(i18n, errors.internal).to_owned(),
        AppError::Incident { code } => format!(
            "{} {}: {code}",
            t_string!(i18n, errors.internal),
            t_string!(i18n, errors.code)
        ),
        AppError::TooManyRequests { .. } if english => t_string!(i18n, errors.too_many).to_owned(),
        AppError::TooManyRequests { .. } => error.to_string(),
    }
}

/// The error of the last attempt that is not about one field (those are shown by the field).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    view! {
        <p class="form-error" role="alert">
            {move || {
                error
                    .get()
                    .filter(|e| !matches!(e, AppError::Field { .. }))
                    .map(|e| error_message(&e))
            }}
        </p>
    }
    .into_any()
}

/// The server's message for one field, from the last attempt.
pub fn field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.for_field(field))
                .map(str::to_owned)
        })
    }
}

/// A failed request's message where the content would have been.
#[component]
pub fn ErrorNotice(error: AppError) -> AnyView {
    view! {
        <p class="notice notice-error" role="alert">
            {error_message(&error)}
        </p>
    }
    .into_any()
}
