//! The header's account corner: the role the user acts in now and for which organisation
//! (a link to the cabinet, where roles are switched), or a sign-in link. Rendered in the browser
//! only, like everything personal.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::client::session::use_session;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::cabinet::role_name;

#[component]
pub fn UserChip() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || match session.user() {
        // Loading, or the server cannot be asked: say nothing rather than something wrong.
        None | Some(Err(_)) => ().into_any(),
        Some(Ok(None)) => view! {
            <A href="/login" attr:class="user-chip">
                {t!(i18n, nav.sign_in)}
            </A>
        }
        .into_any(),
        Some(Ok(Some(user))) => {
            let current = user.current.clone();
            view! {
                <A
                    href="/cabinet"
                    attr:class="user-chip"
                    attr:title=move || t_string!(i18n, role.label)
                >
                    {match current {
                        Some(c) => {
                            view! {
                                <span class="user-role">{move || role_name(c.role)}</span>
                                <span class="user-org">{c.organisation_name.clone()}</span>
                            }
                                .into_any()
                        }
                        None => {
                            view! { <span class="user-role">{user.display_name.clone()}</span> }
                                .into_any()
                        }
                    }}
                </A>
            }
            .into_any()
        }
    }
}
