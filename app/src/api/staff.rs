//! Managing control bodies, consulting firms and the people in them: the admin registers bodies
//! and firms and assigns their roles; a body's manager manages the units and staff of their own
//! body. Managers see the names and emails of their own staff only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::organisations::OrganisationView;
use crate::domain::{account::Role, organisation::OrganisationForm};
use crate::error::AppError;

/// Someone holding a role in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

/// The bodies, units and firms the user manages: all of them for the admin, their own body
/// and its units for a manager.
#[server(endpoint = "institutions/list", input = Json, output = Json)]
pub async fn institutions() -> Result<Vec<OrganisationView>, AppError> {
    use crate::server::{authz, organisation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let list = if actor.is_admin() {
            organisation::list_institutions(&state.pool).await
        } else {
            let mut all = Vec::new();
            for grant in actor.roles.iter().filter(|g| g.role == Role::KnoManager) {
                let found = if grant.parent_id.is_some() {
                    organisation::find_organisation(&state.pool, grant.organisation_id)
                        .await
                        .map(|o| o.into_iter().collect())
                } else {
                    organisation::list_body_with_units(&state.pool, grant.organisation_id).await
                };
                all.extend(found.map_err(|e| AppError::internal("listing a body", e))?);
            }
            authz::ensure(!all.is_empty())?;
            Ok(all)
        }
        .map_err(|e| AppError::internal("listing institutions", e))?;
        Ok(list.into_iter().map(OrganisationView::from).collect())
    }
    .await;
    respond(result)
}

/// Registers a control body or a consulting firm (admin only).
#[server(endpoint = "institutions/create", input = Json, output = Json)]
pub async fn create_institution(form: OrganisationForm) -> Result<OrganisationView, AppError> {
    use crate::api::organisations::field_name;
    use crate::domain::organisation::{OrganisationField, OrganisationKind};
    use crate::server::organisation::{self, InsertOrganisationError};
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        authz::ensure(actor.is_admin())?;
        let kinds = [
            OrganisationKind::ControlBody,
            OrganisationKind::ConsultingFirm,
        ];
        let valid = form.validate(&kinds).map_err(|errors| {
            errors.0.into_iter().next().map_or(AppError::Internal, |e| {
                AppError::field(field_name(e.field), e.message)
            })
        })?;
        let id = match organisation::insert_organisation(&state.pool, &valid).await {
            Ok(id) => id,
            Err(InsertOrganisationError::Duplicate) => {
                return Err(AppError::field(
                    field_name(OrganisationField::Inn),
                    "Организация с этим ИНН уже зарегистрирована на портале.",
                ))
            }
            Err(InsertOrganisationError::Db(e)) => {
                return Err(AppError::internal("registering an institution", e))
            }
        };
        tracing::info!(%id, by = %actor.user_id, "institution registered");
        let stored = organisation::find_organisation(&state.pool, id)
            .await
            .map_err(|e| AppError::internal("reading an institution", e))?
            .ok_or(AppError::Internal)?;
        Ok(stored.into())
    }
    .await;
    respond(result)
}

/// The organisation behind an id, if the actor manages it; 404 for an unknown id, 403 for
/// someone else's.
#[cfg(feature = "ssr")]
async fn managed(
    state: &crate::server::AppState,
    actor: &crate::server::authz::Actor,
    organisation_id: &str,
) -> Result<crate::server::organisation::Organisation, AppError> {
    let id = crate::server::parse_id(organisation_id)?;
    let organisation = crate::server::organisation::find_organisation(&state.pool, id)
        .await
        .map_err(|e| AppError::internal("reading an organisation", e))?;
    // Whoever manages nothing learns nothing about which ids exist.
    let organisation = match organisation {
        Some(o) if actor.manages(&o) => o,
        Some(_) => return Err(AppError::Forbidden),
        None if actor.is_admin() => return Err(AppError::NotFound),
        None => return Err(AppError::Forbidden),
    };
    Ok(organisation)
}

/// Adds a unit to a control body (the admin, or the body's manager).
#[server(endpoint = "institutions/add_unit", input = Json, output = Json)]
pub async fn add_unit(body_id: String, name: String) -> Result<OrganisationView, AppError> {
    use crate::domain::organisation::{validate_unit_name, OrganisationKind};
    use crate::server::organisation::{self, InsertOrganisationError};
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let body = managed(&state, &actor, &body_id).await?;
        if body.kind != OrganisationKind::ControlBody || body.parent_id.is_some() {
            return Err(AppError::Invalid(
                "Подразделения добавляются только контрольному органу.".to_owned(),
            ));
        }
        let name = validate_unit_name(&name).map_err(|m| AppError::field("name", m))?;
        let id = match organisation::insert_unit(&state.pool, body.id, &name).await {
            Ok(id) => id,
            Err(InsertOrganisationError::Duplicate) => {
                return Err(AppError::field(
                    "name",
                    "Подразделение с таким наименованием уже есть.",
                ))
            }
            Err(InsertOrganisationError::Db(e)) => {
                return Err(AppError::internal("adding a unit", e))
            }
        };
        let stored = organisation::find_organisation(&state.pool, id)
            .await
            .map_err(|e| AppError::internal("reading a unit", e))?
            .ok_or(AppError::Internal)?;
        Ok(stored.into())
    }
    .await;
    respond(result)
}

/// The people holding roles in an organisation the user manages.
#[server(endpoint = "members/list", input = Json, output = Json)]
pub async fn members(organisation_id: String) -> Result<Vec<MemberView>, AppError> {
    use crate::server::{authz, organisation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let organisation = managed(&state, &actor, &organisation_id).await?;
        let members = organisation::list_members(&state.pool, organisation.id)
            .await
            .map_err(|e| AppError::internal("listing members", e))?;
        Ok(members
            .into_iter()
            .map(|m| MemberView {
                user_id: m.user_id.to_string(),
                display_name: m.display_name,
                email: m.email,
                role: m.role,
            })
            .collect())
    }
    .await;
    respond(result)
}

/// Which roles the actor may grant and revoke in this organisation: the admin any role the
/// organisation's kind admits, a manager only `kno_staff`.
#[cfg(feature = "ssr")]
fn may_assign(
    actor: &crate::server::authz::Actor,
    organisation: &crate::server::organisation::Organisation,
    role: Role,
) -> Result<(), AppError> {
    if !organisation.kind.admits(role) {
        return Err(AppError::field(
            "role",
            "Эту роль нельзя назначить в организации такого вида.",
        ));
    }
    crate::server::authz::ensure(actor.is_admin() || role == Role::KnoStaff)
}

/// Gives a registered user a role in an organisation the actor manages.
#[server(endpoint = "members/grant", input = Json, output = Json)]
pub async fn grant_role(
    organisation_id: String,
    email: String,
    role: Role,
) -> Result<MemberView, AppError> {
    use crate::domain::account::Email;
    use crate::server::{account, authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let organisation = managed(&state, &actor, &organisation_id).await?;
        may_assign(&actor, &organisation, role)?;
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let user = account::find_user_by_email(&state.pool, &email)
            .await
            .map_err(|e| AppError::internal("finding a user", e))?
            .ok_or_else(|| {
                AppError::field(
                    "email",
                    "Пользователь с этим адресом не зарегистрирован на портале: попросите его сначала зарегистрироваться.",
                )
            })?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        account::grant_role(&mut *tx, user.id, organisation.id, role, Some(actor.user_id))
            .await
            .map_err(|e| AppError::internal("granting a role", e))?;
        account::record_role_change(&mut *tx, actor.user_id, user.id, organisation.id, role, true)
            .await
            .map_err(|e| AppError::internal("recording a role change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a grant", e))?;
        Ok(MemberView {
            user_id: user.id.to_string(),
            display_name: user.display_name,
            email: user.email,
            role,
        })
    }
    .await;
    respond(result)
}

/// Takes a role away in an organisation the actor manages. Nobody revokes their own admin role
/// (the portal would be left without one).
#[server(endpoint = "members/revoke", input = Json, output = Json)]
pub async fn revoke_role(
    organisation_id: String,
    user_id: String,
    role: Role,
) -> Result<(), AppError> {
    use crate::server::{account, authz, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let organisation = managed(&state, &actor, &organisation_id).await?;
        may_assign(&actor, &organisation, role)?;
        let user_id = parse_id(&user_id)?;
        if user_id == actor.user_id && role == Role::Admin {
            return Err(AppError::Invalid(
                "Нельзя снять роль администратора с самого себя.".to_owned(),
            ));
        }
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        let revoked = account::revoke_role(&mut *tx, user_id, organisation.id, role)
            .await
            .map_err(|e| AppError::internal("revoking a role", e))?;
        if !revoked {
            return Err(AppError::NotFound);
        }
        account::record_role_change(
            &mut *tx,
            actor.user_id,
            user_id,
            organisation.id,
            role,
            false,
        )
        .await
        .map_err(|e| AppError::internal("recording a role change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a revocation", e))
    }
    .await;
    respond(result)
}
