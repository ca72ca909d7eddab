//! A FAQ entry on a kind's page; its body's manager and the admin can edit it in place.

use leptos::prelude::*;

use super::Updated;
use crate::api::catalogue_edit::save_faq;
use crate::catalogue::model::FaqRow;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{field_error, FormError, TextField};

#[component]
pub fn FaqEntry(faq: FaqRow, editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let id = faq.id.clone();
    let question = RwSignal::new(faq.question.clone());
    let answer = RwSignal::new(faq.answer.clone());
    let updated_on = RwSignal::new(faq.updated_on.clone());
    let editing = RwSignal::new(false);
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
        <details class="faq" id=format!("faq-{id}")>
            <summary>{move || question.get()}</summary>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <p>{move || answer.get()}</p>
                        {move || view! { <Updated on=updated_on.get() /> }}
                        <Show when=move || editable.get()>
                            <button type="button" class="link-button" on:click=start>
                                {t!(i18n, catalogue.edit)}
                            </button>
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
}
