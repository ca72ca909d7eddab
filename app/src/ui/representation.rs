//! Representation in the interface: the user's own requests with their decisions, the queue a
//! representative or the admin decides (`/cabinet/representations` for the admin), inviting a
//! colleague, and the page an invitation link opens (`/invitation/{token}`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::organisations::OrganisationView;
use crate::api::representation::{
    accept_invitation, decide_request, invitation, invite_representative, my_requests,
    request_queue, withdraw_request, InvitationLink, RequestView,
};
use crate::client::session::use_session;
use crate::domain::representation::{Decision, Status};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::catalogue::date;
use crate::ui::form::{error_message, field_error, ErrorNotice, FormError, TextArea, TextField};

/// The name of a request's status in the interface language.
pub fn status_name(status: Status) -> &'static str {
    let i18n = use_i18n();
    match status {
        Status::Pending => t_string!(i18n, representation.status_pending),
        Status::Approved => t_string!(i18n, representation.status_approved),
        Status::Declined => t_string!(i18n, representation.status_declined),
        Status::Withdrawn => t_string!(i18n, representation.status_withdrawn),
    }
}

fn badge_class(status: Status) -> &'static str {
    match status {
        Status::Pending => "badge badge-queued",
        Status::Approved => "badge badge-sent",
        Status::Declined | Status::Withdrawn => "badge badge-rejected",
    }
}

/// The organisation's name with its numbers, as every list shows it.
#[component]
fn OrganisationLine(request: RequestView) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="org-name">{request.organisation_name.clone()}</p>
        <p class="muted">
            {t!(i18n, cabinet.inn)} " " {request.inn.clone().unwrap_or_default()}
            {request.ogrn.clone().map(|o| format!(" · {o}"))}
        </p>
        <Show when=move || !request.verified>
            <p class="badge badge-unconfirmed">{t!(i18n, representation.unverified)}</p>
        </Show>
        <Evidence files=request.evidence.clone() />
    }
    .into_any()
}

/// Links to the documents attached to a request (downloaded, never shown inline).
#[component]
fn Evidence(files: Vec<crate::domain::files::FileView>) -> AnyView {
    let i18n = use_i18n();
    (!files.is_empty())
        .then(|| {
            view! {
                <p class="evidence">
                    {t!(i18n, representation.evidence_list)} ": "
                    {files
                        .into_iter()
                        .map(|f| {
                            view! {
                                <a href=f.url() download=f.name.clone()>
                                    {f.name.clone()}
                                </a>
                                " "
                            }
                        })
                        .collect_view()}
                </p>
            }
        })
        .into_any()
}

/// The user's own requests, newest first; hidden while there are none.
#[component]
pub fn MyRequests(#[prop(into)] refresh: Signal<usize>) -> AnyView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || {
        refresh.track();
        my_requests()
    });
    let withdraw = Action::new(|id: &String| withdraw_request(id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = withdraw.value().get() {
            list.refetch();
        }
    });
    let withdraw_error = Signal::derive(move || withdraw.value().get().and_then(Result::err));
    view! {
        {move || match list.get() {
            Some(Ok(items)) if !items.is_empty() => {
                view! {
                    <section class="panel" aria-labelledby="my-requests-title">
                        <h2 id="my-requests-title">{t!(i18n, representation.my_requests)}</h2>
                        <ul class="org-list">
                            {items
                                .into_iter()
                                .map(|request| {
                                    let id = request.id.clone();
                                    let pending = request.status == Status::Pending;
                                    view! {
                                        <li class="org">
                                            <OrganisationLine request=request.clone() />
                                            <p>
                                                <span class=badge_class(
                                                    request.status,
                                                )>{status_name(request.status)}</span>
                                                " "
                                                {t!(i18n, representation.requested_on)}
                                                " "
                                                {date(&request.created_at)}
                                            </p>
                                            <Show when={
                                                let reason = request.reason.clone();
                                                move || !reason.is_empty()
                                            }>
                                                <p>
                                                    {t!(i18n, representation.reason)} ": "
                                                    {request.reason.clone()}
                                                </p>
                                            </Show>
                                            <Show when=move || pending>
                                                <button
                                                    type="button"
                                                    class="button"
                                                    disabled=move || withdraw.pending().get()
                                                    on:click={
                                                        let id = id.clone();
                                                        move |_| {
                                                            withdraw.dispatch(id.clone());
                                                        }
                                                    }
                                                >
                                                    {t!(i18n, representation.withdraw)}
                                                </button>
                                            </Show>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <FormError error=withdraw_error />
                    </section>
                }
                    .into_any()
            }
            Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
            _ => ().into_any(),
        }}
    }
    .into_any()
}

/// Pending requests the user may decide. With `always`, an empty queue says so (the admin's
/// page); otherwise it is hidden (a representative's cabinet).
#[component]
pub fn RequestQueue(#[prop(optional)] always: bool) -> AnyView {
    let i18n = use_i18n();
    let list = LocalResource::new(request_queue);
    let done = RwSignal::new(None::<Status>);
    view! {
        {move || match list.get() {
            None => {
                if always {
                    view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any()
                } else {
                    ().into_any()
                }
            }
            Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
            Some(Ok(items)) if items.is_empty() && !always => ().into_any(),
            Some(Ok(items)) => {
                view! {
                    <section class="panel" aria-labelledby="queue-title">
                        <h2 id="queue-title">{t!(i18n, representation.queue_title)}</h2>
                        <p class="form-success" role="status">
                            {move || {
                                done.get()
                                    .map(|status| match status {
                                        Status::Approved => {
                                            t_string!(i18n, representation.approved_done)
                                        }
                                        _ => t_string!(i18n, representation.declined_done),
                                    })
                            }}
                        </p>
                        <Show when={
                            let empty = items.is_empty();
                            move || empty
                        }>
                            <p class="muted">{t!(i18n, representation.queue_none)}</p>
                        </Show>
                        <ul class="org-list">
                            {items
                                .into_iter()
                                .map(|request| {
                                    view! {
                                        <QueueItem
                                            request=request
                                            on_decided=move |status| {
                                                done.set(Some(status));
                                                list.refetch();
                                            }
                                        />
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

/// One request with the decision form.
#[component]
fn QueueItem(
    request: RequestView,
    on_decided: impl Fn(Status) + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let id = request.id.clone();
    let decide = Action::new(move |approve: &bool| {
        let decision = Decision {
            approve: *approve,
            reason: reason.get_untracked(),
        };
        decide_request(id.clone(), decision)
    });
    Effect::new(move |_| {
        if let Some(Ok(status)) = decide.value().get() {
            on_decided(status);
        }
    });
    let error = Signal::derive(move || decide.value().get().and_then(Result::err));
    let reason_id = format!("reason-{}", request.id);
    let note = request.note.clone();
    view! {
        <li class="org">
            <OrganisationLine request=request.clone() />
            <dl class="facts">
                <dt>{t!(i18n, representation.requester)}</dt>
                <dd>{request.requester_name.clone()} " · " {request.requester_email.clone()}</dd>
                <dt>{t!(i18n, representation.requested_on)}</dt>
                <dd>{date(&request.created_at)}</dd>
                <Show when={
                    let note = note.clone();
                    move || !note.is_empty()
                }>
                    <dt>{t!(i18n, representation.note_label)}</dt>
                    <dd>{note.clone()}</dd>
                </Show>
            </dl>
            <TextArea
                id=reason_id
                label=Signal::derive(move || {
                    t_string!(i18n, representation.decline_reason).to_owned()
                })
                value=reason
                rows=2
                error=Signal::derive(field_error(error, "reason"))
            />
            <FormError error=error />
            <p class="actions">
                <button
                    type="button"
                    class="button primary"
                    disabled=move || decide.pending().get()
                    on:click=move |_| {
                        decide.dispatch(true);
                    }
                >
                    {t!(i18n, representation.approve)}
                </button>
                <button
                    type="button"
                    class="button"
                    disabled=move || decide.pending().get()
                    on:click=move |_| {
                        decide.dispatch(false);
                    }
                >
                    {t!(i18n, representation.decline)}
                </button>
            </p>
        </li>
    }
    .into_any()
}

/// Invites a colleague to one of the user's approved organisations; the link is shown once.
#[component]
pub fn InviteColleague(organisations: Vec<OrganisationView>) -> AnyView {
    let i18n = use_i18n();
    let approved: Vec<OrganisationView> =
        organisations.into_iter().filter(|o| !o.pending).collect();
    let first = approved.first().map(|o| o.id.clone()).unwrap_or_default();
    let organisation = RwSignal::new(first);
    let email = RwSignal::new(String::new());
    let invite = Action::new(|(org, email): &(String, String)| {
        invite_representative(org.clone(), email.clone())
    });
    let error = Signal::derive(move || invite.value().get().and_then(Result::err));
    let link = Signal::derive(move || invite.value().get().and_then(Result::ok));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invite.dispatch((organisation.get_untracked(), email.get_untracked()));
    };
    let several = approved.len() > 1;
    (!approved.is_empty()).then(move || {
        view! {
            <form class="form" on:submit=submit novalidate aria-labelledby="invite-title">
                <h3 id="invite-title">{t!(i18n, representation.invite_title)}</h3>
                <p class="muted">{t!(i18n, representation.invite_intro)}</p>
                <Show when=move || several>
                    <div class="field">
                        <label for="invite-organisation">
                            {t!(i18n, representation.invite_organisation)}
                        </label>
                        <select id="invite-organisation" bind:value=organisation>
                            {approved
                                .iter()
                                .map(|o| {
                                    view! { <option value=o.id.clone()>{o.name.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </Show>
                <TextField
                    id="email"
                    kind="email"
                    label=Signal::derive(move || {
                        t_string!(i18n, representation.invite_email).to_owned()
                    })
                    value=email
                    error=Signal::derive(field_error(error, "email"))
                    autocomplete="off"
                    required=true
                />
                <FormError error=error />
                {move || link.get().map(|link| view! { <InvitationShown link=link /> })}
                <button type="submit" class="button" disabled=move || invite.pending().get()>
                    {t!(i18n, representation.invite_submit)}
                </button>
            </form>
        }
    })
    .into_any()
}

#[component]
fn InvitationShown(link: InvitationLink) -> AnyView {
    let i18n = use_i18n();
    let url = format!("{}{}", crate::client::location::origin(), link.path);
    view! {
        <div class="notice" role="status">
            <p>{t!(i18n, representation.invite_link)}</p>
            <p>
                <code class="invite-link">{url}</code>
            </p>
            <p class="muted">
                {link.email} " · " {t!(i18n, representation.invite_expires)} " "
                {date(&link.expires_at)}
            </p>
        </div>
    }
    .into_any()
}

/// `/cabinet/representations`: the queue of pending requests — every one for the admin, the
/// user's organisations' for a representative.
#[component]
pub fn RepresentationsPage() -> AnyView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, representation.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, representation.description) />
        <p>
            <a href="/cabinet">{t!(i18n, representation.to_cabinet)}</a>
        </p>
        <h1>{t!(i18n, representation.title)}</h1>
        <p class="muted">{t!(i18n, representation.intro)}</p>
        <RequestQueue always=true />
    }
    .into_any()
}

/// `/invitation/{token}`: accepts an invitation addressed to the signed-in user.
#[component]
pub fn InvitationPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let session = use_session();
    let info = LocalResource::new(move || invitation(token()));
    let accept = Action::new(|token: &String| accept_invitation(token.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = accept.value().get() {
            session.refresh();
        }
    });
    let accept_error = Signal::derive(move || accept.value().get().and_then(Result::err));
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, representation.invitation_title).to_string()
        }) />
        <h1>{t!(i18n, representation.invitation_title)}</h1>
        {move || match info.get() {
            None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
            Some(Err(AppError::Unauthorized)) => {
                view! {
                    <div class="notice">
                        <p>{t!(i18n, representation.invitation_sign_in)}</p>
                        <p class="actions">
                            <a class="button primary" href="/login">
                                {t!(i18n, auth.submit_login)}
                            </a>
                            <a class="button" href="/signup">
                                {t!(i18n, auth.submit_signup)}
                            </a>
                        </p>
                    </div>
                }
                    .into_any()
            }
            Some(Err(error)) => {
                view! {
                    <p class="notice notice-error" role="alert">
                        {error_message(&error)}
                    </p>
                }
                    .into_any()
            }
            Some(Ok(info)) if !info.open => {
                view! {
                    <p class="notice notice-error" role="alert">
                        {t!(i18n, representation.invitation_closed)}
                    </p>
                }
                    .into_any()
            }
            Some(Ok(info)) if !info.for_me => {
                view! {
                    <p class="notice notice-error" role="alert">
                        {t!(i18n, representation.invitation_other)}
                    </p>
                }
                    .into_any()
            }
            Some(Ok(info)) => {
                view! {
                    <section class="panel">
                        <p>
                            {t!(i18n, representation.invitation_for)} " "
                            <strong>{info.organisation_name.clone()}</strong>
                        </p>
                        <p class="muted">
                            {t!(i18n, representation.invite_expires)} " " {date(&info.expires_at)}
                        </p>
                        <Show
                            when=move || matches!(accept.value().get(), Some(Ok(_)))
                            fallback=move || {
                                view! {
                                    <FormError error=accept_error />
                                    <button
                                        type="button"
                                        class="button primary"
                                        disabled=move || accept.pending().get()
                                        on:click=move |_| {
                                            accept.dispatch(token());
                                        }
                                    >
                                        {t!(i18n, representation.invitation_accept)}
                                    </button>
                                }
                            }
                        >
                            <p class="form-success" role="status">
                                {t!(i18n, representation.invitation_accepted)}
                            </p>
                            <a class="button primary" href="/cabinet">
                                {t!(i18n, representation.to_cabinet)}
                            </a>
                        </Show>
                    </section>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}
