//! The organisations a business user acts for: listing (approved, and those waiting for a
//! decision on the user's representation) and leaving. Claiming one is a representation
//! request (`api::representation`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::organisation::OrganisationKind;
use crate::error::AppError;

/// An organisation as its members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub id: String,
    pub kind: OrganisationKind,
    pub name: String,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    pub parent_id: Option<String>,
    /// The user's representation of it waits for a decision: drafts may name it, submissions
    /// in its name are refused until it is approved.
    #[serde(default)]
    pub pending: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::server::organisation::Organisation> for OrganisationView {
    fn from(o: crate::server::organisation::Organisation) -> Self {
        OrganisationView {
            id: o.id.to_string(),
            kind: o.kind,
            name: o.name,
            inn: o.inn,
            ogrn: o.ogrn,
            parent_id: o.parent_id.map(|p| p.to_string()),
            pending: false,
        }
    }
}

/// The organisations the user acts for as a business, then those the user waits to be
/// confirmed for (marked `pending`).
#[server(endpoint = "organisations/mine", input = Json, output = Json)]
pub async fn my_organisations() -> Result<Vec<OrganisationView>, AppError> {
    use crate::domain::account::Role;
    use crate::server::{authz, organisation, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let mut views = Vec::new();
        for grant in actor.roles.iter().filter(|g| g.role == Role::Business) {
            let found = organisation::find_organisation(&state.pool, grant.organisation_id)
                .await
                .map_err(|e| AppError::internal("reading an organisation", e))?;
            views.extend(found.map(OrganisationView::from));
        }
        let pending = representation::pending_organisations(&state.pool, actor.user_id)
            .await
            .map_err(|e| AppError::internal("listing pending representations", e))?;
        for id in pending {
            let found = organisation::find_organisation(&state.pool, id)
                .await
                .map_err(|e| AppError::internal("reading an organisation", e))?;
            views.extend(found.map(|o| OrganisationView {
                pending: true,
                ..o.into()
            }));
        }
        Ok(views)
    }
    .await;
    respond(result)
}

/// Stops acting for an organisation; the organisation and its history stay.
#[server(endpoint = "organisations/leave", input = Json, output = Json)]
pub async fn leave_organisation(organisation_id: String) -> Result<(), AppError> {
    use crate::domain::account::Role;
    use crate::server::{account, authz, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let id = parse_id(&organisation_id)?;
        // Only one's own membership: another user's organisation is "not found" here.
        if !actor.holds(Role::Business, id) {
            return Err(AppError::NotFound);
        }
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        account::revoke_role(&mut *tx, actor.user_id, id, Role::Business)
            .await
            .map_err(|e| AppError::internal("leaving an organisation", e))?;
        account::record_role_change(
            &mut *tx,
            actor.user_id,
            actor.user_id,
            id,
            Role::Business,
            false,
        )
        .await
        .map_err(|e| AppError::internal("recording a role change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing", e))
    }
    .await;
    respond(result)
}

/// The name a form uses for a field, as in `AppError::Field`.
pub fn field_name(field: crate::domain::organisation::OrganisationField) -> &'static str {
    use crate::domain::organisation::OrganisationField;
    match field {
        OrganisationField::Kind => "kind",
        OrganisationField::Name => "name",
        OrganisationField::Inn => "inn",
        OrganisationField::Ogrn => "ogrn",
    }
}
