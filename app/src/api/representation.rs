//! Representation requests: a user claims an organisation (never becoming its representative by
//! typing its ИНН), an approved representative of it or the regional admin decides, and a
//! representative may invite a colleague through a one-time link.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::files::FileView;
use crate::domain::organisation::{OrganisationForm, OrganisationKind};
use crate::domain::representation::{Decision, Status};
use crate::error::AppError;

/// A representation request as its requester and its deciders see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub organisation_kind: OrganisationKind,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    /// `false` for an organisation that became known only through this claim.
    pub verified: bool,
    pub status: Status,
    /// `claim`, `invitation` or `esia`.
    pub origin: String,
    pub note: String,
    pub reason: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// Shown to deciders only; the requester's own list leaves them empty.
    pub requester_name: String,
    pub requester_email: String,
    /// The documents attached as evidence (downloadable by the requester, the organisation's
    /// representatives and the admin).
    pub evidence: Vec<FileView>,
}

#[cfg(feature = "ssr")]
impl RequestView {
    fn from_request(r: crate::server::representation::Request, with_requester: bool) -> Self {
        RequestView {
            id: r.id.to_string(),
            organisation_id: r.organisation_id.to_string(),
            status: r.status(),
            organisation_kind: OrganisationKind::parse(&r.organisation_kind)
                .unwrap_or(OrganisationKind::LegalEntity),
            organisation_name: r.organisation_name,
            inn: r.inn,
            ogrn: r.ogrn,
            verified: r.verified,
            origin: r.origin,
            note: r.note,
            reason: r.decision_reason,
            created_at: r.created_at,
            decided_at: r.decided_at,
            requester_name: if with_requester {
                r.requester_name
            } else {
                String::new()
            },
            requester_email: if with_requester {
                r.requester_email
            } else {
                String::new()
            },
            evidence: Vec::new(),
        }
    }

    /// The views of these requests with their evidence, read in one query.
    async fn with_evidence(
        db: &sqlx::PgPool,
        rows: Vec<crate::server::representation::Request>,
        with_requester: bool,
    ) -> Result<Vec<RequestView>, AppError> {
        let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
        let files = crate::server::files::evidence_of(db, &ids)
            .await
            .map_err(|e| AppError::internal("reading evidence", e))?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let id = r.id;
                let mut view = RequestView::from_request(r, with_requester);
                view.evidence = files
                    .iter()
                    .filter(|(request, _)| *request == id)
                    .map(|(_, f)| FileView::from(f.clone()))
                    .collect();
                view
            })
            .collect())
    }
}

/// Asks to act for an organisation, with the evidence uploaded before (`POST /api/files`; up
/// to three PDF/JPEG/PNG files). A known ИНН must come with the ОГРН the register has; an
/// unknown one creates the organisation, unverified. Either way the request waits for a
/// representative of the organisation or the admin: nobody acts for a business by typing its
/// numbers.
#[server(endpoint = "representation/claim", input = Json, output = Json)]
pub async fn claim_organisation(
    form: OrganisationForm,
    note: String,
    files: Vec<String>,
) -> Result<RequestView, AppError> {
    use crate::api::organisations::field_name;
    use crate::domain::account::Role;
    use crate::domain::organisation::OrganisationField;
    use crate::domain::representation::validate_note;
    use crate::server::files::AttachError;
    use crate::server::representation::{self, CreateError};
    use crate::server::{authz, organisation, respond};
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
        let note = validate_note(&note).map_err(|p| AppError::field("note", p.to_string()))?;
        let not_attachable = || {
            AppError::field(
                "files",
                "Приложенные файлы не найдены: приложите их ещё раз.",
            )
        };
        let files = files
            .iter()
            .map(|f| uuid::Uuid::parse_str(f.trim()).map_err(|_| not_attachable()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        let found = organisation::find_or_insert_unverified(&mut tx, &valid)
            .await
            .map_err(|e| AppError::internal("finding or adding an organisation", e))?;
        if !found.kind.is_business() {
            return Err(AppError::field(
                field_name(OrganisationField::Inn),
                "С этим ИНН на портале зарегистрирован контрольный орган или иная организация, \
                 а не субъект предпринимательства.",
            ));
        }
        if actor.holds(Role::Business, found.id) {
            return Err(AppError::field(
                field_name(OrganisationField::Inn),
                "Эта организация уже есть в вашем кабинете.",
            ));
        }
        // The register's numbers are the truth: a different ОГРН means a mistake or a guess.
        let typed_ogrn = valid.ogrn.as_ref().map(|o| o.as_str());
        if let (Some(registered), Some(typed)) = (found.ogrn.as_deref(), typed_ogrn) {
            if registered != typed {
                return Err(AppError::field(
                    field_name(OrganisationField::Ogrn),
                    "ОГРН не совпадает с ОГРН организации с этим ИНН. Проверьте номер по выписке \
                     из ЕГРЮЛ или ЕГРИП.",
                ));
            }
        }
        let id =
            match representation::create_request(&mut *tx, actor.user_id, found.id, "claim", &note)
                .await
            {
                Ok(id) => id,
                Err(CreateError::AlreadyPending) => return Err(AppError::field(
                    field_name(OrganisationField::Inn),
                    "Запрос на представительство этой организации уже отправлен и ждёт решения.",
                )),
                Err(CreateError::Db(e)) => return Err(AppError::internal("creating a request", e)),
            };
        match crate::server::files::attach_evidence(&mut tx, id, actor.user_id, &files).await {
            Ok(()) => {}
            Err(AttachError::NotAttachable) => return Err(not_attachable()),
            Err(AttachError::TooMany) => {
                return Err(AppError::field(
                    "files",
                    format!(
                        "Можно приложить не больше {} файлов.",
                        crate::domain::files::MAX_FILES
                    ),
                ))
            }
            Err(AttachError::Db(e)) => return Err(AppError::internal("attaching evidence", e)),
        }
        let stored = representation::find_request(&mut *tx, id)
            .await
            .map_err(|e| AppError::internal("reading a request", e))?
            .ok_or(AppError::Internal)?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a request", e))?;
        let mut views = RequestView::with_evidence(&state.pool, vec![stored], false).await?;
        views.pop().ok_or(AppError::Internal)
    }
    .await;
    respond(result)
}

/// The user's own requests, newest first, with the decisions and their reasons.
#[server(endpoint = "representation/mine", input = Json, output = Json)]
pub async fn my_requests() -> Result<Vec<RequestView>, AppError> {
    use crate::server::{authz, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let rows = representation::list_for_user(&state.pool, actor.user_id)
            .await
            .map_err(|e| AppError::internal("listing requests", e))?;
        RequestView::with_evidence(&state.pool, rows, false).await
    }
    .await;
    respond(result)
}

/// Takes back one's own pending request.
#[server(endpoint = "representation/withdraw", input = Json, output = Json)]
pub async fn withdraw_request(request_id: String) -> Result<(), AppError> {
    use crate::server::{authz, parse_id, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let id = parse_id(&request_id)?;
        let done = representation::withdraw(&state.pool, id, actor.user_id)
            .await
            .map_err(|e| AppError::internal("withdrawing a request", e))?;
        // Someone else's request, an unknown one and a decided one answer alike.
        if done {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
    .await;
    respond(result)
}

/// Pending requests the user may decide: all of them for the admin, else those of the
/// organisations the user represents. Oldest first.
#[server(endpoint = "representation/queue", input = Json, output = Json)]
pub async fn request_queue() -> Result<Vec<RequestView>, AppError> {
    use crate::domain::account::Role;
    use crate::server::{authz, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let represented: Vec<uuid::Uuid> = actor
            .roles
            .iter()
            .filter(|g| g.role == Role::Business)
            .map(|g| g.organisation_id)
            .collect();
        let rows =
            representation::queue(&state.pool, actor.user_id, actor.is_admin(), &represented)
                .await
                .map_err(|e| AppError::internal("listing the queue", e))?;
        RequestView::with_evidence(&state.pool, rows, true).await
    }
    .await;
    respond(result)
}

/// Approves or declines a pending request: the admin any, a representative those of their
/// organisation; nobody their own. A refusal needs a reason.
#[server(endpoint = "representation/decide", input = Json, output = Json)]
pub async fn decide_request(request_id: String, decision: Decision) -> Result<Status, AppError> {
    use crate::domain::account::Role;
    use crate::server::{authz, parse_id, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let id = parse_id(&request_id)?;
        // A request the user may not decide answers exactly like an unknown one; only the
        // admin, who may see every request, learns that an id does not exist.
        let request = representation::find_request(&state.pool, id)
            .await
            .map_err(|e| AppError::internal("reading a request", e))?
            .ok_or(if actor.is_admin() {
                AppError::NotFound
            } else {
                AppError::Forbidden
            })?;
        let entitled = actor.is_admin() || actor.holds(Role::Business, request.organisation_id);
        if !entitled {
            return Err(AppError::Forbidden);
        }
        if request.user_id == actor.user_id {
            return Err(AppError::Invalid(
                "Свой запрос на представительство решает другой представитель или \
                 администратор."
                    .to_owned(),
            ));
        }
        let reason = decision
            .validate()
            .map_err(|p| AppError::field("reason", p.to_string()))?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        let decided = representation::decide(
            &mut tx,
            id,
            actor.user_id,
            decision.approve,
            &reason,
            actor.is_admin(),
        )
        .await
        .map_err(|e| AppError::internal("deciding a request", e))?;
        if decided.is_none() {
            return Err(AppError::Invalid(
                "Запрос уже рассмотрен или отозван заявителем.".to_owned(),
            ));
        }
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a decision", e))?;
        Ok(if decision.approve {
            Status::Approved
        } else {
            Status::Declined
        })
    }
    .await;
    respond(result)
}

/// A new invitation: the link to pass to the colleague (shown once) and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLink {
    pub path: String,
    pub email: String,
    pub expires_at: String,
}

/// A representative invites a colleague by e-mail. The colleague opens the link while signed
/// in with that address (signing up first if needed) and becomes a representative.
#[server(endpoint = "representation/invite", input = Json, output = Json)]
pub async fn invite_representative(
    organisation_id: String,
    email: String,
) -> Result<InvitationLink, AppError> {
    use crate::domain::account::{Email, Role};
    use crate::domain::representation::INVITATION_DAYS;
    use crate::server::{authz, parse_id, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        // An organisation the user does not represent answers like an unknown one.
        let organisation = parse_id(&organisation_id).map_err(|_| AppError::Forbidden)?;
        if !actor.holds(Role::Business, organisation) {
            return Err(AppError::Forbidden);
        }
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        if email.as_str() == actor.email {
            return Err(AppError::field(
                "email",
                "Это ваш собственный адрес: укажите адрес коллеги.",
            ));
        }
        let (token, hash) = representation::new_token();
        let expires_at = representation::create_invitation(
            &state.pool,
            organisation,
            email.as_str(),
            &hash,
            actor.user_id,
            INVITATION_DAYS,
        )
        .await
        .map_err(|e| AppError::internal("creating an invitation", e))?;
        Ok(InvitationLink {
            path: format!("/invitation/{token}"),
            email: email.as_str().to_owned(),
            expires_at,
        })
    }
    .await;
    respond(result)
}

/// What an invitation link offers, as the signed-in user opening it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub organisation_name: String,
    pub expires_at: String,
    /// Neither accepted, revoked nor expired.
    pub open: bool,
    /// Whether it names the e-mail of the user opening it.
    pub for_me: bool,
}

/// Reads an invitation by its token; an unknown token answers 404.
#[server(endpoint = "representation/invitation", input = Json, output = Json)]
pub async fn invitation(token: String) -> Result<InvitationInfo, AppError> {
    use crate::server::{authz, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let found =
            representation::find_invitation(&state.pool, &representation::token_hash(&token))
                .await
                .map_err(|e| AppError::internal("reading an invitation", e))?
                .ok_or(AppError::NotFound)?;
        Ok(InvitationInfo {
            organisation_name: found.organisation_name,
            expires_at: found.expires_at,
            open: found.open,
            for_me: found.email == actor.email,
        })
    }
    .await;
    respond(result)
}

/// Accepts an invitation addressed to the signed-in user's e-mail.
#[server(endpoint = "representation/accept", input = Json, output = Json)]
pub async fn accept_invitation(token: String) -> Result<String, AppError> {
    use crate::server::{authz, representation, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let hash = representation::token_hash(&token);
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        let accepted =
            representation::accept_invitation(&mut tx, &hash, actor.user_id, &actor.email)
                .await
                .map_err(|e| AppError::internal("accepting an invitation", e))?;
        let Some(organisation) = accepted else {
            return Err(AppError::Invalid(
                "Приглашение недействительно: оно уже принято, отозвано, истекло или выписано \
                 на другой адрес электронной почты."
                    .to_owned(),
            ));
        };
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing an invitation", e))?;
        Ok(organisation.to_string())
    }
    .await;
    respond(result)
}
