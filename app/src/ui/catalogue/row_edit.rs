//! Adding and editing catalogue rows in place, for the body's manager and the admin: one form
//! built from the shared schema (`catalogue::edit`), checked in the browser the same way the
//! server checks it, empty for a new row and prefilled for an edit; the two-step delete.

use leptos::prelude::*;

use crate::api::catalogue_edit::{add_catalogue_row, delete_catalogue_row, update_catalogue_row};
use crate::catalogue::edit::{self, Column, Entity, FieldKind, Mode, Parent};
use crate::catalogue::views::Link;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{field_error, FormError, SelectField, TextArea, TextField};

/// A row's values as its form shows them, by column.
pub type Values = Vec<(&'static str, String)>;

/// Choices for the reference column of a form: (id, label).
pub type Choices = Signal<Vec<(String, String)>>;

/// How a row is shown: from its values and the choices of its reference column.
pub type Render = fn(&Values, &[(String, String)]) -> AnyView;

/// The value of a column ("" when absent).
pub fn value<'a>(values: &'a Values, name: &str) -> &'a str {
    values
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The label of a choice ("" when absent).
pub fn choice<'a>(choices: &'a [(String, String)], id: &str) -> &'a str {
    choices
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, l)| l.as_str())
        .unwrap_or("")
}

fn schema(table: &'static str) -> &'static Entity {
    edit::entity(table).unwrap_or_else(|| panic!("{table} is not in catalogue::edit::ENTITIES"))
}

/// The label of a column's field, in the interface language.
fn label(table: &'static str, column: &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let text: &str = match (table, column) {
            (_, "full_name") => t_string!(i18n, catalogue.f_full_name),
            (_, "position") => t_string!(i18n, catalogue.f_position),
            (_, "phone") => t_string!(i18n, catalogue.f_phone),
            ("kind_document", "title") => t_string!(i18n, catalogue.f_document),
            ("legal_act", "title") => t_string!(i18n, catalogue.f_act_title),
            ("prevention_programme", "title") => t_string!(i18n, catalogue.f_programme_title),
            (_, "title") => t_string!(i18n, catalogue.f_news_title),
            (_, "number") => t_string!(i18n, catalogue.f_number),
            (_, "adopted_on") => t_string!(i18n, catalogue.f_adopted_on),
            (_, "url") => t_string!(i18n, catalogue.f_act_url),
            (_, "act_id") => t_string!(i18n, catalogue.f_act),
            ("requirement", "text") => t_string!(i18n, catalogue.f_requirement_text),
            ("risk_indicator", "text") => t_string!(i18n, catalogue.f_indicator),
            (_, "text") => t_string!(i18n, catalogue.f_news_text),
            (_, "structural_unit") => t_string!(i18n, catalogue.f_structural_unit),
            (_, "requirement_id") => t_string!(i18n, catalogue.f_requirement),
            (_, "what_goes_wrong") => t_string!(i18n, catalogue.f_what_goes_wrong),
            (_, "how_to_avoid") => t_string!(i18n, catalogue.how_to_avoid),
            (_, "how_to_fix") => t_string!(i18n, catalogue.how_to_fix),
            (_, "topic") => t_string!(i18n, catalogue.f_topic),
            (_, "held_on") => t_string!(i18n, catalogue.f_held_on),
            (_, "starts_at") => t_string!(i18n, catalogue.f_starts_at),
            (_, "place") => t_string!(i18n, catalogue.f_place),
            (_, "link") => t_string!(i18n, catalogue.f_link),
            (_, "status") => t_string!(i18n, catalogue.f_status),
            (_, "year") => t_string!(i18n, catalogue.f_year),
            (_, "document_url") => t_string!(i18n, catalogue.f_document_url),
            (_, "measures") => t_string!(i18n, catalogue.f_measures),
            (_, "period") => t_string!(i18n, catalogue.f_period),
            (_, "summary") => t_string!(i18n, catalogue.f_summary),
            (_, "published_on") => t_string!(i18n, catalogue.f_published_on),
            _ => column,
        };
        text.to_owned()
    })
}

/// The values as a form sends them.
fn collect(fields: &[(&'static Column, RwSignal<String>)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(c, v)| (c.name.to_owned(), v.get_untracked()))
        .collect()
}

/// The checked values as the page shows them.
fn shown(clean: &edit::Checked) -> Values {
    clean.iter().map(|(c, v)| (c.name, v.to_form())).collect()
}

/// Where a new row goes when the user chooses it: the label and the choices (slug, name).
#[derive(Clone, Copy)]
struct ParentChoice {
    label: Signal<String>,
    options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
}

/// The fields of one entity's form, its error and its buttons.
#[component]
fn RowForm(
    entity: &'static Entity,
    prefix: String,
    fields: Vec<(&'static Column, RwSignal<String>)>,
    choices: Choices,
    error: Signal<Option<AppError>>,
    pending: Signal<bool>,
    submit_label: Signal<String>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(default = None)] parent: Option<ParentChoice>,
) -> AnyView {
    let i18n = use_i18n();
    let statuses = Signal::derive(move || {
        vec![
            (
                "planned".to_owned(),
                t_string!(i18n, catalogue.planned).to_owned(),
            ),
            (
                "held".to_owned(),
                t_string!(i18n, catalogue.held).to_owned(),
            ),
            (
                "cancelled".to_owned(),
                t_string!(i18n, catalogue.cancelled).to_owned(),
            ),
        ]
    });
    let parent_view = parent.map(|p| {
        view! {
            <SelectField
                id=format!("{prefix}-parent")
                label=p.label
                value=p.value
                options=p.options
                error=Signal::derive(field_error(error, "parent"))
                required=true
            />
        }
    });
    let field_views = fields
        .into_iter()
        .map(|(column, value)| {
            let id = format!("{prefix}-{}", column.name);
            let label = label(entity.table, column.name);
            let error = Signal::derive(field_error(error, column.name));
            let required = column.required;
            match column.kind {
                FieldKind::LongText(_) => {
                    view! { <TextArea id label value error required /> }.into_any()
                }
                FieldKind::Lines(_) => {
                    let hint = Signal::derive(move || {
                        t_string!(i18n, catalogue.f_measures_hint).to_owned()
                    });
                    view! { <TextArea id label value error hint rows=5 required /> }.into_any()
                }
                FieldKind::Status => {
                    view! { <SelectField id label value options=statuses error required /> }
                        .into_any()
                }
                FieldKind::Ref(_) => {
                    view! { <SelectField id label value options=choices error required /> }
                        .into_any()
                }
                kind => {
                    let (kind, inputmode) = match kind {
                        FieldKind::Date => ("date", None),
                        FieldKind::Time => ("time", None),
                        FieldKind::Year => ("number", Some("numeric")),
                        FieldKind::Url => ("url", Some("url")),
                        FieldKind::Email => ("email", Some("email")),
                        _ => ("text", None),
                    };
                    match inputmode {
                        Some(inputmode) => {
                            view! { <TextField id label value error kind inputmode required /> }
                                .into_any()
                        }
                        None => {
                            view! { <TextField id label value error kind required /> }.into_any()
                        }
                    }
                }
            }
        })
        .collect_view();
    view! {
        <form
            class="form panel"
            novalidate
            aria-busy=move || pending.get().then_some("true")
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            {parent_view}
            {field_views}
            <FormError error=error />
            <p class="muted" role="status">
                {move || pending.get().then(|| t_string!(i18n, catalogue.saving))}
            </p>
            <p class="actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || submit_label.get()}
                </button>
                <button type="button" class="button" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, catalogue.cancel)}
                </button>
            </p>
        </form>
    }
    .into_any()
}

/// A row of the catalogue as the page shows it; for those who may edit it, «Изменить» opens
/// the prefilled form and «Удалить» asks for a second click.
#[component]
pub fn EditableRow(
    entity: &'static str,
    id: String,
    dom_id: String,
    #[prop(optional)] class: &'static str,
    values: Values,
    editable: Signal<bool>,
    #[prop(optional)] choices: Option<Choices>,
    render: Render,
    #[prop(optional)] children: Option<Children>,
) -> AnyView {
    let i18n = use_i18n();
    let schema = schema(entity);
    let choices = choices.unwrap_or_else(|| Signal::stored(Vec::new()));
    let current = RwSignal::new(values);
    let editing = RwSignal::new(false);
    let deleted = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let row_id = StoredValue::new(id);
    let remove =
        Action::new(move |id: &String| delete_catalogue_row(entity.to_owned(), id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            deleted.set(true);
        }
    });
    let drafts: Vec<(&'static Column, RwSignal<String>)> = schema
        .columns
        .iter()
        .map(|c| (c, RwSignal::new(String::new())))
        .collect();
    let drafts = StoredValue::new(drafts);
    let sent = StoredValue::new(Values::new());
    let checked = RwSignal::new(None::<AppError>);
    let save = Action::new(move |fields: &Vec<(String, String)>| {
        update_catalogue_row(entity.to_owned(), row_id.get_value(), fields.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            current.set(sent.get_value());
            editing.set(false);
        }
    });
    let error = Signal::derive(move || {
        checked
            .get()
            .or_else(|| save.value().get().and_then(Result::err))
    });
    let start = move |_| {
        current.with_untracked(|values| {
            for (column, draft) in drafts.get_value() {
                draft.set(value(values, column.name).to_owned());
            }
        });
        checked.set(None);
        save.value().set(None);
        editing.set(true);
    };
    let submit = Callback::new(move |()| {
        let fields = collect(&drafts.get_value());
        match edit::validate(entity, &fields, Mode::Update) {
            Err(error) => checked.set(Some(error)),
            Ok((_, clean)) => {
                checked.set(None);
                sent.set_value(shown(&clean));
                save.dispatch(fields);
            }
        }
    });
    let prefix = format!("edit-{}", row_id.get_value());
    view! {
        <li id=dom_id class=class hidden=move || deleted.get()>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        {move || choices.with(|c| current.with(|v| render(v, c)))}
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
                                            remove.dispatch(row_id.get_value());
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
                            <FormError error=Signal::derive(move || {
                                remove.value().get().and_then(Result::err)
                            }) />
                        </Show>
                    }
                }
            >
                <RowForm
                    entity=schema
                    prefix=prefix.clone()
                    fields=drafts.get_value()
                    choices=choices
                    error=error
                    pending=save.pending().into()
                    submit_label=Signal::derive(move || {
                        t_string!(i18n, catalogue.save).to_owned()
                    })
                    on_submit=submit
                    on_cancel=Callback::new(move |()| editing.set(false))
                />
            </Show>
            {children.map(|children| children())}
        </li>
    }
    .into_any()
}

/// The form that adds a row of `entity` (to `parent`, or to the kind or body the user chooses
/// among `parents`), and the rows added on this page, shown like the others.
#[component]
pub fn AddRow(
    entity: &'static str,
    /// The slug of the kind (or, for news, the body) the row is added to.
    #[prop(optional)]
    parent: Option<String>,
    /// Kinds (or bodies) to choose from when there is no fixed parent.
    #[prop(optional)]
    parents: Option<Signal<Vec<Link>>>,
    editable: Signal<bool>,
    #[prop(optional)] choices: Option<Choices>,
    render: Render,
    /// The button that opens the form and adds the row.
    #[prop(into)]
    label: Signal<String>,
    /// Element id prefix of the added rows (`news` gives `news-{id}`).
    dom_prefix: &'static str,
    #[prop(optional)] list_class: &'static str,
    #[prop(optional)] item_class: &'static str,
) -> AnyView {
    let i18n = use_i18n();
    let schema = schema(entity);
    let choices = choices.unwrap_or_else(|| Signal::stored(Vec::new()));
    let added = RwSignal::new(Vec::<(String, Values)>::new());
    let open = RwSignal::new(false);
    let fixed = StoredValue::new(parent);
    let chosen = RwSignal::new(String::new());
    let parent_choice = parents.map(|parents| ParentChoice {
        label: Signal::derive(move || {
            if schema.parent == Parent::Body {
                t_string!(i18n, catalogue.parent_body).to_owned()
            } else {
                t_string!(i18n, catalogue.parent_kind).to_owned()
            }
        }),
        options: Signal::derive(move || {
            parents
                .get()
                .into_iter()
                .map(|l| (l.slug, l.name))
                .collect()
        }),
        value: chosen,
    });
    let drafts: Vec<(&'static Column, RwSignal<String>)> = schema
        .columns
        .iter()
        .map(|c| (c, RwSignal::new(String::new())))
        .collect();
    let drafts = StoredValue::new(drafts);
    let sent = StoredValue::new(Values::new());
    let checked = RwSignal::new(None::<AppError>);
    let action = Action::new(move |(parent, fields): &(String, Vec<(String, String)>)| {
        add_catalogue_row(entity.to_owned(), parent.clone(), fields.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            added.update(|rows| {
                if !rows.iter().any(|(r, _)| *r == id) {
                    rows.push((id, sent.get_value()));
                }
            });
            for (_, draft) in drafts.get_value() {
                draft.set(String::new());
            }
            open.set(false);
        }
    });
    let error = Signal::derive(move || {
        checked
            .get()
            .or_else(|| action.value().get().and_then(Result::err))
    });
    let submit = Callback::new(move |()| {
        let parent = fixed.get_value().unwrap_or_else(|| chosen.get_untracked());
        if parent.is_empty() {
            checked.set(Some(AppError::field("parent", "Выберите из списка.")));
            return;
        }
        let fields = collect(&drafts.get_value());
        match edit::validate(entity, &fields, Mode::Add) {
            Err(error) => checked.set(Some(error)),
            Ok((_, clean)) => {
                checked.set(None);
                sent.set_value(shown(&clean));
                action.dispatch((parent, fields));
            }
        }
    });
    let open_form = move |_| {
        checked.set(None);
        action.value().set(None);
        if let Some(only) = parent_choice.and_then(|p| {
            let options = p.options.get_untracked();
            (options.len() == 1).then(|| options[0].0.clone())
        }) {
            chosen.set(only);
        }
        open.set(true);
    };
    view! {
        <ul class=list_class hidden=move || added.with(Vec::is_empty)>
            <For each=move || added.get() key=|(id, _)| id.clone() let:row>
                <EditableRow
                    entity=entity
                    dom_id=format!("{dom_prefix}-{}", row.0)
                    id=row.0
                    class=item_class
                    values=row.1
                    editable=editable
                    choices=choices
                    render=render
                />
            </For>
        </ul>
        <Show when=move || editable.get()>
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <p>
                            <button type="button" class="button" on:click=open_form>
                                {move || label.get()}
                            </button>
                        </p>
                    }
                }
            >
                <RowForm
                    entity=schema
                    prefix=format!("new-{entity}")
                    fields=drafts.get_value()
                    choices=choices
                    error=error
                    pending=action.pending().into()
                    submit_label=label
                    on_submit=submit
                    on_cancel=Callback::new(move |()| open.set(false))
                    parent=parent_choice
                />
            </Show>
        </Show>
    }
    .into_any()
}
