//! A FAQ entry on a kind's page; its body's manager and the admin can edit it in place.

use leptos::prelude::*;

use super::Updated;
use crate::api::catalogue_edit::{add_faq, delete_catalogue_row, save_faq};
use crate::catalogue::model::FaqRow;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{field_error, FormError, TextField};

#[component]
pub fn FaqEntry(faq: FaqRow, editable: Signal<bool>) -> AnyView {
    let i18n = use_i18n();
    let id = faq.id.clone();
    let question = RwSignal::new(faq.question.clone());
    let answer = RwSignal::new(faq.answer.clone());
    let updated_on = RwSignal::new(faq.updated_on.clone());
    let editing = RwSignal::new(false);
    let deleted = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let remove = Action::new(|id: &String| delete_catalogue_row("faq".to_owned(), id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            deleted.set(true);
        }
    });
    let remove_id = StoredValue::new(faq.id.clone());
    let draft_question = RwSignal::new(String::new());
    let draft_answer = RwSignal::new(String::new());
    let save = Action::new(|(id, q, a): &(String, String, String)| {
        save_faq(id.clone(), q.clone(), a.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(row)) = save.value().get() {
            question.set(row.question);
            answer.set(row.answer);
            updated_on.set(row.updated_on);
            editing.set(false);
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let answer_error = Signal::derive(field_error(error, "answer"));
    let start = move |_| {
        draft_question.set(question.get_untracked());
        draft_answer.set(answer.get_untracked());
        editing.set(true);
    };
    let submit = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.dispatch((
                id.clone(),
                draft_question.get_untracked(),
                draft_answer.get_untracked(),
            ));
        }
    };
    let answer_id = format!("faq-answer-{id}");
    view! {
        <details class="faq" id=format!("faq-{id}") hidden=move || deleted.get()>
            <summary>{move || question.get()}</summary>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <p>{move || answer.get()}</p>
                        {move || view! { <Updated on=updated_on.get() /> }}
                        <Show when=move || editable.get()>
                            <p class="actions">
                                <button type="button" class="link-button" on:click=start>
                                    {t!(i18n, catalogue.edit)}
                                </button>
                                <button
                                    type="button"
                                    class="link-button"
                                    disabled=move || remove.pending().get()
                                    on:click=move |_| {
                                        if confirming.get_untracked() {
                                            remove.dispatch(remove_id.get_value());
                                        } else {
                                            confirming.set(true);
                                        }
                                    }
                                >
                                    {move || {
                                        if confirming.get() {
                                            t_string!(i18n, catalogue.confirm_delete)
                                        } else {
                                            t_string!(i18n, catalogue.delete)
                                        }
                                    }}
                                </button>
                            </p>
                        </Show>
                    }
                }
            >
                <form class="form" on:submit=submit.clone() novalidate>
                    <TextField
                        id="faq-question"
                        label=Signal::derive(move || t_string!(i18n, catalogue.question).to_owned())
                        value=draft_question
                        error=Signal::derive(field_error(error, "question"))
                        required=true
                    />
                    <div class="field" class:invalid=move || answer_error.get().is_some()>
                        <label for=answer_id.clone()>{t!(i18n, catalogue.answer)}</label>
                        <textarea
                            id=answer_id.clone()
                            rows="6"
                            aria-invalid=move || answer_error.get().is_some().then_some("true")
                            bind:value=draft_answer
                        ></textarea>
                        <p class="field-error" role="alert">
                            {move || answer_error.get()}
                        </p>
                    </div>
                    <FormError error=error />
                    <p class="actions">
                        <button
                            type="submit"
                            class="button primary"
                            disabled=move || save.pending().get()
                        >
                            {t!(i18n, catalogue.save)}
                        </button>
                        <button type="button" class="button" on:click=move |_| editing.set(false)>
                            {t!(i18n, catalogue.cancel)}
                        </button>
                    </p>
                </form>
            </Show>
        </details>
    }
    .into_any()
}

/// New FAQ entries: the form that adds one, and the entries added on this page.
#[component]
pub fn AddFaq(kind_slug: String, editable: Signal<bool>) -> AnyView {
    let i18n = use_i18n();
    let added = RwSignal::new(Vec::<FaqRow>::new());
    let open = RwSignal::new(false);
    let question = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    let slug = StoredValue::new(kind_slug);
    let action = Action::new(|(slug, q, a): &(String, String, String)| {
        add_faq(slug.clone(), q.clone(), a.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(row)) = action.value().get() {
            added.update(|rows| {
                if !rows.iter().any(|r| r.id == row.id) {
                    rows.push(row);
                }
            });
            question.set(String::new());
            answer.set(String::new());
            open.set(false);
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let answer_error = Signal::derive(field_error(error, "answer"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch((
            slug.get_value(),
            question.get_untracked(),
            answer.get_untracked(),
        ));
    };
    view! {
        <For each=move || added.get() key=|row| row.id.clone() let:row>
            <FaqEntry faq=row editable=editable />
        </For>
        <Show when=move || editable.get()>
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <p>
                            <button type="button" class="button" on:click=move |_| open.set(true)>
                                {t!(i18n, catalogue.add_faq)}
                            </button>
                        </p>
                    }
                }
            >
                <form class="form panel" on:submit=submit novalidate>
                    <TextField
                        id="new-faq-question"
                        label=Signal::derive(move || t_string!(i18n, catalogue.question).to_owned())
                        value=question
                        error=Signal::derive(field_error(error, "question"))
                        required=true
                    />
                    <div class="field" class:invalid=move || answer_error.get().is_some()>
                        <label for="new-faq-answer">{t!(i18n, catalogue.answer)}</label>
                        <textarea
                            id="new-faq-answer"
                            rows="6"
                            aria-invalid=move || answer_error.get().is_some().then_some("true")
                            bind:value=answer
                        ></textarea>
                        <p class="field-error" role="alert">
                            {move || answer_error.get()}
                        </p>
                    </div>
                    <FormError error=error />
                    <p class="actions">
                        <button
                            type="submit"
                            class="button primary"
                            disabled=move || action.pending().get()
                        >
                            {t!(i18n, catalogue.add_faq)}
                        </button>
                        <button type="button" class="button" on:click=move |_| open.set(false)>
                            {t!(i18n, catalogue.cancel)}
                        </button>
                    </p>
                </form>
            </Show>
        </Show>
    }
    .into_any()
}
