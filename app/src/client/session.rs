//! Who is signed in, as the pages see it. Loaded in the browser only: server-rendered HTML never
//! holds personal data, so public pages are the same for everyone and the offline page cache
//! cannot leak one user's name to the next user of a shared device.

use leptos::prelude::*;

use crate::api::session::{whoami, CurrentUser};
use crate::error::AppError;

/// The signed-in user, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct SessionContext {
    user: LocalResource<Result<Option<CurrentUser>, AppError>>,
}

impl SessionContext {
    /// `None` while loading (and always during server rendering); then the answer.
    pub fn user(&self) -> Option<Result<Option<CurrentUser>, AppError>> {
        self.user.get()
    }

    /// The user when signed in, `None` otherwise or while loading.
    pub fn signed_in(&self) -> Option<CurrentUser> {
        self.user().and_then(Result::ok).flatten()
    }

    /// Reloads after signing in or out or switching roles.
    pub fn refresh(&self) {
        self.user.refetch();
    }
}

pub fn provide_session() -> SessionContext {
    let context = SessionContext {
        user: LocalResource::new(whoami),
    };
    provide_context(context);
    context
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}
