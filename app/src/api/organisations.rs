//! The organisations a business user acts for: listing, adding (ИНН and ОГРН checked by the
//! shared domain rules), leaving.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::organisation::{OrganisationForm, OrganisationKind};
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
        }
    }
}

/// The organisations the user acts for as a business.
#[server(endpoint = "organisations/mine", input = Json, output = Json)]
pub async fn my_organisations() -> Result<Vec<OrganisationView>, AppError> {
    use crate::domain::account::Role;
    use crate::server::{authz, organisation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let mut views = Vec::new();
        for grant in actor.roles.iter().filter(|g| g.role == Role::Business) {
            let found = organisation::find_organisation(&state.pool, grant.organisation_id)
                .await
                .map_err(|e| AppError::internal("reading an organisation", e))?;
            views.extend(found.map(OrganisationView::from));
        }
        Ok(views)
    }
    .await;
    respond(result)
}

/// Adds an organisation the user acts for. A known ИНН is joined only when nobody acts for
/// that organisation yet; otherwise its representatives must be asked, so nobody takes over
/// someone else's business by typing its ИНН.
#[server(endpoint = "organisations/add", input = Json, output = Json)]
pub async fn add_organisation(form: OrganisationForm) -> Result<OrganisationView, AppError> {
    use crate::domain::account::Role;
    use crate::domain::organisation::OrganisationField;
    use crate::server::organisation::{self, InsertOrganisationError};
    use crate::server::{account, authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let valid = form
            .validate(&OrganisationKind::BUSINESS)
            .map_err(|errors| {
                let first = errors.0.into_iter().next();
                first.map_or(AppError::Internal, |e| {
                    AppError::field(field_name(e.field), e.message)
                })
            })?;
        let taken = || {
            AppError::field(
                field_name(OrganisationField::Inn),
                "Организация с этим ИНН уже зарегистрирована на портале другим пользователем. \
                 Попросите её представителя добавить вас.",
            )
        };
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        let existing = organisation::find_by_inn(&mut *tx, valid.inn.as_str())
            .await
            .map_err(|e| AppError::internal("finding an organisation", e))?;
        let id = match existing {
            Some(found) if actor.holds(Role::Business, found.id) => {
                return Err(AppError::field(
                    field_name(OrganisationField::Inn),
                    "Эта организация уже есть в вашем кабинете.",
                ))
            }
            Some(found) if found.kind.is_business() => {
                let represented =
                    organisation::has_members_with_role(&mut *tx, found.id, Role::Business)
                        .await
                        .map_err(|e| AppError::internal("checking representatives", e))?;
                if represented {
                    return Err(taken());
                }
                found.id
            }
            Some(_) => return Err(taken()),
            None => match organisation::insert_organisation(&mut *tx, &valid).await {
                Ok(id) => id,
                // Someone registered the same ИНН a moment ago.
                Err(InsertOrganisationError::Duplicate) => return Err(taken()),
                Err(InsertOrganisationError::Db(e)) => {
                    return Err(AppError::internal("adding an organisation", e))
                }
            },
        };
        account::grant_role(&mut *tx, actor.user_id, id, Role::Business, None)
            .await
            .map_err(|e| AppError::internal("granting the business role", e))?;
        account::record_role_change(
            &mut *tx,
            actor.user_id,
            actor.user_id,
            id,
            Role::Business,
            true,
        )
        .await
        .map_err(|e| AppError::internal("recording a role change", e))?;
        let stored = organisation::find_organisation(&mut *tx, id)
            .await
            .map_err(|e| AppError::internal("reading an organisation", e))?
            .ok_or(AppError::Internal)?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing an organisation", e))?;
        Ok(stored.into())
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
