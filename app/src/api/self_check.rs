//! Self-assessment «Электронный инспектор»: checklists for the device, the user's submitted
//! self-assessments and declarations, rewording questions, the body's overview, and the
//! published evaluations of requirements. Submitting goes through `sync/push`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::self_check::{Aggregate, Checklist, Submission};
use crate::error::AppError;

/// A submitted self-assessment as its lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AssessmentCard {
    pub id: String,
    pub organisation: String,
    pub kinds: Vec<String>,
    /// `YYYY-MM-DD`.
    pub submitted_on: String,
    pub total: i32,
    pub applicable: i32,
    pub met: i32,
    pub to_body: bool,
    /// `YYYY-MM-DD`, when it was kept as a declaration of compliance.
    pub declared_until: Option<String>,
}

/// A submitted self-assessment with its questions and answers, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentReport {
    pub card: AssessmentCard,
    pub submission: Submission,
}

/// What a body's manager sees: the self-assessments sent to the body and the requirements
/// that fail or are found unclear most often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodyOverview {
    pub body: String,
    pub assessments: Vec<AssessmentCard>,
    pub failing: Vec<Failing>,
    pub unclear: Vec<Aggregate>,
}

/// A requirement answered «не соблюдается» in self-assessments sent to the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Failing {
    pub requirement_id: String,
    pub requirement: String,
    pub kind: String,
    /// Answered «нет».
    pub failed: i64,
    /// Answered «да» or «нет».
    pub applicable: i64,
}

#[cfg(feature = "ssr")]
const CARD: &str = "SELECT s.id::text AS id, o.name AS organisation,
        ARRAY(SELECT k.name FROM self_assessment_kind sk JOIN control_kind k ON k.id = sk.kind_id
              WHERE sk.assessment_id = s.id ORDER BY k.name) AS kinds,
        (s.submitted_at AT TIME ZONE 'Asia/Vladivostok')::date::text AS submitted_on,
        s.total, s.applicable, s.met, s.to_body, s.declared_until::text AS declared_until
    FROM self_assessment s JOIN organisation o ON o.id = s.organisation_id";

/// The checklists of these kinds (every kind when the list is empty), for drafting offline.
#[server(endpoint = "self_check/checklists", input = Json, output = Json)]
pub async fn checklists(kinds: Vec<String>) -> Result<Vec<Checklist>, AppError> {
    use crate::server::{app_state, respond};
    let result = async {
        if kinds.len() > 100 {
            return Err(AppError::Invalid(
                "Не больше 100 видов контроля за раз.".to_owned(),
            ));
        }
        let state = app_state()?;
        let mut conn = state
            .pool
            .acquire()
            .await
            .map_err(|e| AppError::internal("acquiring a connection", e))?;
        let filter = (!kinds.is_empty()).then_some(kinds.as_slice());
        crate::server::self_check::checklists(&mut conn, filter)
            .await
            .map_err(|e| AppError::internal("building checklists", e))
    }
    .await;
    respond(result)
}

/// The self-assessments of the organisations the user acts for as a business, newest first.
#[server(endpoint = "self_check/mine", input = Json, output = Json)]
pub async fn my_assessments() -> Result<Vec<AssessmentCard>, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let mine = crate::server::self_check::businesses(&actor);
        sqlx::query_as::<_, AssessmentCard>(&format!(
            "{CARD} WHERE s.organisation_id = ANY($1) ORDER BY s.submitted_at DESC LIMIT 200"
        ))
        .bind(&mine)
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("listing self-assessments", e))
    }
    .await;
    respond(result)
}

/// One self-assessment with its answers: for the organisation's representatives, the managers
/// of the bodies it was sent to, and the admin. Nobody else learns it exists: someone else's
/// id answers exactly like an unknown one.
#[server(endpoint = "self_check/report", input = Json, output = Json)]
pub async fn fetch_report(id: String) -> Result<AssessmentReport, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        // Who could read no report at all is told so whatever the id, which says nothing
        // about it; everybody else gets the same «not found» for an id that does not exist
        // and for one that is not theirs to see.
        let mine = crate::server::self_check::businesses(&actor);
        let bodies = actor.managed_bodies();
        authz::ensure(!mine.is_empty() || !bodies.is_empty() || actor.is_admin())?;
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
        let row: Option<(
            uuid::Uuid,
            bool,
            Vec<uuid::Uuid>,
            sqlx::types::Json<Submission>,
        )> = sqlx::query_as(
            "SELECT s.organisation_id, s.to_body,
                        ARRAY(SELECT b.organisation_id FROM self_assessment_kind sk
                              JOIN control_kind k ON k.id = sk.kind_id
                              JOIN control_body b ON b.id = k.body_id
                              WHERE sk.assessment_id = s.id),
                        s.report
                 FROM self_assessment s WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("reading a self-assessment", e))?;
        let Some((organisation, to_body, sent_to, submission)) = row else {
            return Err(AppError::NotFound);
        };
        let owner = mine.contains(&organisation);
        let body = to_body && bodies.iter().any(|b| sent_to.contains(b));
        if !(owner || body || actor.is_admin()) {
            return Err(AppError::NotFound);
        }
        let card = sqlx::query_as::<_, AssessmentCard>(&format!("{CARD} WHERE s.id = $1"))
            .bind(id)
            .fetch_one(&state.pool)
            .await
            .map_err(|e| AppError::internal("reading a self-assessment", e))?;
        Ok(AssessmentReport {
            card,
            submission: submission.0,
        })
    }
    .await;
    respond(result)
}

/// Rewords a question of a checklist (an empty text restores the generated one); the link to
/// the requirement stays. The manager of the kind's body, or the admin.
#[server(endpoint = "self_check/reword", input = Json, output = Json)]
pub async fn reword(requirement_id: String, question: String) -> Result<(), AppError> {
    use crate::domain::self_check::validate_question;
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let id = uuid::Uuid::parse_str(requirement_id.trim()).map_err(|_| AppError::NotFound)?;
        let body: Option<uuid::Uuid> = sqlx::query_scalar(
            "SELECT b.organisation_id FROM requirement r
             JOIN control_kind k ON k.id = r.kind_id JOIN control_body b ON b.id = k.body_id
             WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a requirement", e))?;
        let Some(body) = body else {
            return Err(AppError::NotFound);
        };
        authz::ensure(actor.is_admin() || actor.managed_bodies().contains(&body))?;
        if question.trim().is_empty() {
            sqlx::query("DELETE FROM checklist_wording WHERE requirement_id = $1")
                .bind(id)
                .execute(&state.pool)
                .await
                .map_err(|e| AppError::internal("restoring a question", e))?;
            state.activity_changed();
            return Ok(());
        }
        let question =
            validate_question(&question).map_err(|p| AppError::field("question", p.to_string()))?;
        sqlx::query(
            "INSERT INTO checklist_wording (requirement_id, question, updated_by)
             VALUES ($1, $2, $3)
             ON CONFLICT (requirement_id) DO UPDATE SET question = EXCLUDED.question,
                 updated_by = EXCLUDED.updated_by, updated_at = now(),
                 version = nextval('catalogue_version')",
        )
        .bind(id)
        .bind(&question)
        .bind(actor.user_id)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("rewording a question", e))?;
        state.activity_changed();
        Ok(())
    }
    .await;
    respond(result)
}

/// The self-assessments sent to the manager's body, and its requirements that fail or are
/// found unclear most often. Managers only.
#[server(endpoint = "self_check/body_overview", input = Json, output = Json)]
pub async fn fetch_body_overview() -> Result<BodyOverview, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let bodies = actor.managed_bodies();
        authz::ensure(!bodies.is_empty())?;
        let internal = |e| AppError::internal("building the self-assessment overview", e);
        let body: String = sqlx::query_scalar(
            "SELECT name FROM control_body WHERE organisation_id = ANY($1) ORDER BY name LIMIT 1",
        )
        .bind(&bodies)
        .fetch_optional(&state.pool)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
        let assessments = sqlx::query_as::<_, AssessmentCard>(&format!(
            "{CARD} WHERE s.to_body AND EXISTS (
                 SELECT 1 FROM self_assessment_kind sk JOIN control_kind k ON k.id = sk.kind_id
                 JOIN control_body b ON b.id = k.body_id
                 WHERE sk.assessment_id = s.id AND b.organisation_id = ANY($1))
             ORDER BY s.submitted_at DESC LIMIT 100"
        ))
        .bind(&bodies)
        .fetch_all(&state.pool)
        .await
        .map_err(internal)?;
        let failing = sqlx::query_as::<_, Failing>(
            "SELECT r.id::text AS requirement_id, r.text AS requirement, k.name AS kind,
                    count(*) FILTER (WHERE a.answer = 'no') AS failed,
                    count(*) FILTER (WHERE a.answer <> 'na') AS applicable
             FROM self_assessment_answer a
             JOIN self_assessment s ON s.id = a.assessment_id AND s.to_body
             JOIN requirement r ON r.id = a.requirement_id
             JOIN control_kind k ON k.id = r.kind_id
             JOIN control_body b ON b.id = k.body_id AND b.organisation_id = ANY($1)
             GROUP BY r.id, r.text, k.name
             HAVING count(*) FILTER (WHERE a.answer = 'no') > 0
             ORDER BY failed DESC, applicable DESC, r.id LIMIT 10",
        )
        .bind(&bodies)
        .fetch_all(&state.pool)
        .await
        .map_err(internal)?;
        let kinds: Vec<String> = sqlx::query_scalar(
            "SELECT k.slug FROM control_kind k JOIN control_body b ON b.id = k.body_id
             WHERE b.organisation_id = ANY($1)",
        )
        .bind(&bodies)
        .fetch_all(&state.pool)
        .await
        .map_err(internal)?;
        let mut conn = state.pool.acquire().await.map_err(internal)?;
        // Only requirements with published figures can be ranked; the rest have too few
        // evaluations to say anything without giving away single answers.
        let mut unclear: Vec<Aggregate> =
            crate::server::self_check::aggregates(&mut conn, Some(&kinds))
                .await
                .map_err(internal)?
                .into_iter()
                .filter(|a| !a.withheld)
                .collect();
        unclear.sort_by(|a, b| {
            let clarity = |x: &Aggregate| x.clarity.unwrap_or(f64::INFINITY);
            clarity(a)
                .total_cmp(&clarity(b))
                .then(b.count.cmp(&a.count))
        });
        unclear.truncate(10);
        Ok(BodyOverview {
            body,
            assessments,
            failing,
            unclear,
        })
    }
    .await;
    respond(result)
}

/// What users think of the requirements of one kind (public).
#[server(endpoint = "self_check/evaluations", input = Json, output = Json)]
pub async fn evaluations(kind: String) -> Result<Vec<Aggregate>, AppError> {
    use crate::server::{app_state, respond};
    let result = async {
        let state = app_state()?;
        let mut conn = state
            .pool
            .acquire()
            .await
            .map_err(|e| AppError::internal("acquiring a connection", e))?;
        let kinds = [kind.trim().to_owned()];
        crate::server::self_check::aggregates(&mut conn, Some(&kinds))
            .await
            .map_err(|e| AppError::internal("reading evaluations", e))
    }
    .await;
    respond(result)
}
