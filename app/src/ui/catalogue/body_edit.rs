//! Editing a body's details on its page: for the body's manager and the admin. The server
//! checks the rights and the values again; an error is shown next to its field.

use leptos::prelude::*;

use crate::api::catalogue_edit::{can_edit_body, update_catalogue_row};
use crate::catalogue::model::BodyRow;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{field_error, FormError, TextField};

#[component]
pub fn BodyEdit(body: BodyRow, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    let i18n = use_i18n();
    let can = {
        let slug = body.slug.clone();
        super::asked_in_browser(move || can_edit_body(slug.clone()))
    };
    let editing = RwSignal::new(false);
    let name = RwSignal::new(body.name.clone());
    let short_name = RwSignal::new(body.short_name.clone());
    let head_name = RwSignal::new(body.head_name.clone());
    let head_position = RwSignal::new(body.head_position.clone());
    let address = RwSignal::new(body.address.clone());
    let email = RwSignal::new(body.email.clone());
    let website = RwSignal::new(body.website.clone());
    let save = Action::new(|(id, fields): &(String, Vec<(String, String)>)| {
        update_catalogue_row("control_body".to_owned(), id.clone(), fields.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
            on_saved();
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let id = StoredValue::new(body.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = [
            ("name", name),
            ("short_name", short_name),
            ("head_name", head_name),
            ("head_position", head_position),
            ("address", address),
            ("email", email),
            ("website", website),
        ]
        .into_iter()
        .map(|(field, value)| (field.to_owned(), value.get_untracked()))
        .collect();
        save.dispatch((id.get_value(), fields));
    };
    view! {
        <Show when=move || can.get()>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <p>
                            <button
                                type="button"
                                class="button"
                                on:click=move |_| editing.set(true)
                            >
                                {t!(i18n, catalogue.edit_body)}
                            </button>
                        </p>
                    }
                }
            >
                <form class="form panel" on:submit=submit novalidate>
                    <h2>{t!(i18n, catalogue.edit_body)}</h2>
                    <TextField
                        id="name"
                        label=Signal::derive(move || t_string!(i18n, cabinet.org_name).to_owned())
                        value=name
                        error=Signal::derive(field_error(error, "name"))
                        required=true
                    />
                    <TextField
                        id="short_name"
                        label=Signal::derive(move || {
                            t_string!(i18n, catalogue.short_name).to_owned()
                        })
                        value=short_name
                        error=Signal::derive(field_error(error, "short_name"))
                        required=true
                    />
                    <TextField
                        id="head_name"
                        label=Signal::derive(move || t_string!(i18n, catalogue.head).to_owned())
                        value=head_name
                        error=Signal::derive(field_error(error, "head_name"))
                        required=true
                    />
                    <TextField
                        id="head_position"
                        label=Signal::derive(move || {
                            t_string!(i18n, catalogue.head_position).to_owned()
                        })
                        value=head_position
                        error=Signal::derive(field_error(error, "head_position"))
                        required=true
                    />
                    <TextField
                        id="address"
                        label=Signal::derive(move || t_string!(i18n, catalogue.address).to_owned())
                        value=address
                        error=Signal::derive(field_error(error, "address"))
                        required=true
                    />
                    <TextField
                        id="email"
                        label=Signal::derive(move || t_string!(i18n, catalogue.email).to_owned())
                        value=email
                        error=Signal::derive(field_error(error, "email"))
                        kind="email"
                        required=true
                    />
                    <TextField
                        id="website"
                        label=Signal::derive(move || t_string!(i18n, catalogue.website).to_owned())
                        value=website
                        error=Signal::derive(field_error(error, "website"))
                        kind="url"
                        required=true
                    />
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
        </Show>
    }
    .into_any()
}
