//! The demo rating: criteria and reasons, inspectors for every body, 5,000 events over the last
//! two years (some of them of «ООО «Демо Амур»» for the demo business to rate), and a history of
//! ratings, replies and actions so the public views have something to show. Runs only while
//! there are no events, in the caller's transaction, so loading twice changes nothing.
//! Deterministic except for dates, which count back from the day of loading.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::PgConnection;
use uuid::Uuid;

use app::domain::{account::Email, account::Role};
use app::server::account;

use super::catalogue_content::Rng;

/// What a run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RatingReport {
    pub inspectors: usize,
    pub events: usize,
    pub ratings: usize,
}

pub const EVENTS: usize = 5_000;
/// Inspectors seeded per body (the demo inspector adds one to the main body).
const INSPECTORS_PER_BODY: usize = 4;
/// Events of the demo business; the newest [`UNRATED_DEMO_EVENTS`] are left for it to rate.
const DEMO_EVENTS: usize = 12;
const UNRATED_DEMO_EVENTS: usize = 6;
pub const DEMO_INN: &str = "2721001237";

/// (side, code, Russian, English)
const CRITERIA: [(&str, &str, &str, &str); 9] = [
    (
        "business",
        "courtesy",
        "Вежливость и корректность",
        "Courtesy",
    ),
    ("business", "competence", "Компетентность", "Competence"),
    (
        "business",
        "procedure",
        "Соблюдение процедуры и сроков",
        "Keeping to procedure and deadlines",
    ),
    (
        "business",
        "clarity",
        "Понятность разъяснений",
        "Clarity of explanations",
    ),
    (
        "business",
        "usefulness",
        "Полезность рекомендаций",
        "Usefulness of advice",
    ),
    (
        "body",
        "readiness",
        "Готовность к мероприятию",
        "Readiness for the event",
    ),
    (
        "body",
        "documents",
        "Полнота документов",
        "Completeness of documents",
    ),
    ("body", "cooperation", "Взаимодействие", "Cooperation"),
    (
        "body",
        "remedy",
        "Устранение нарушений",
        "Remedying violations",
    ),
];

const REASONS: [(&str, &str, &str, &str); 14] = [
    (
        "business",
        "rude",
        "Некорректное поведение",
        "Rude behaviour",
    ),
    (
        "business",
        "incompetent",
        "Недостаточная компетентность",
        "Lack of competence",
    ),
    (
        "business",
        "deadlines",
        "Нарушение сроков",
        "Deadlines not kept",
    ),
    (
        "business",
        "procedure",
        "Нарушение процедуры",
        "Procedure not followed",
    ),
    (
        "business",
        "unclear",
        "Непонятные разъяснения",
        "Unclear explanations",
    ),
    (
        "business",
        "excessive_documents",
        "Запрошены лишние документы",
        "Needless documents requested",
    ),
    (
        "business",
        "useless",
        "Бесполезные рекомендации",
        "Useless advice",
    ),
    ("business", "other", "Другое", "Other"),
    (
        "body",
        "not_ready",
        "Не готовы к мероприятию",
        "Not ready for the event",
    ),
    (
        "body",
        "missing_documents",
        "Не представлены документы",
        "Documents not provided",
    ),
    (
        "body",
        "obstruction",
        "Препятствие проведению",
        "Obstruction",
    ),
    ("body", "late", "Нарушены сроки ответа", "Late answers"),
    (
        "body",
        "not_remedied",
        "Нарушения не устранены",
        "Violations not remedied",
    ),
    ("body", "other", "Другое", "Other"),
];

const SURNAMES: [&str; 20] = [
    "Алексеев",
    "Белова",
    "Воронин",
    "Григорьева",
    "Дмитриев",
    "Ершова",
    "Жуков",
    "Зайцева",
    "Ильин",
    "Ковалёва",
    "Лебедев",
    "Морозова",
    "Никитин",
    "Орлова",
    "Павлов",
    "Романова",
    "Соколов",
    "Тарасова",
    "Успенский",
    "Фёдорова",
];

const REPLIES: [&str; 3] = [
    "Спасибо за отзыв. Мы разобрали ситуацию с инспектором и уточнили порядок разъяснений.",
    "Благодарим за оценку. Сроки мероприятия были продлены по закону; мы сообщим о причинах заранее.",
    "Приносим извинения. Проведена беседа с сотрудником, замечания учтены.",
];

const ACTIONS: [&str; 3] = [
    "Проведена беседа с инспектором.",
    "Назначено обучение по порядку проведения КНМ.",
    "Проверены материалы мероприятия, нарушений процедуры не выявлено.",
];

/// `None` when events are there already.
pub async fn load(
    tx: &mut PgConnection,
    password_hash: &str,
) -> anyhow::Result<Option<RatingReport>> {
    let (loaded,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM control_event)")
        .fetch_one(&mut *tx)
        .await?;
    if loaded {
        return Ok(None);
    }
    let mut report = RatingReport::default();
    let mut rng = Rng(0x5EED_0002_2026);

    for (i, (side, code, ru, en)) in CRITERIA.iter().enumerate() {
        sqlx::query(
            "INSERT INTO rating_criterion (id, side, code, title_ru, title_en, position)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (side, code) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(side)
        .bind(code)
        .bind(ru)
        .bind(en)
        .bind(i as i32)
        .execute(&mut *tx)
        .await?;
    }
    for (i, (side, code, ru, en)) in REASONS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO rating_reason (id, side, code, title_ru, title_en, position)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (side, code) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(side)
        .bind(code)
        .bind(ru)
        .bind(en)
        .bind(i as i32)
        .execute(&mut *tx)
        .await?;
    }

    // Bodies with their kinds and inspectors.
    let bodies: Vec<(Uuid, Uuid, String)> =
        sqlx::query_as("SELECT id, organisation_id, slug FROM control_body ORDER BY slug")
            .fetch_all(&mut *tx)
            .await?;
    let kinds: Vec<(Uuid, Uuid)> =
        sqlx::query_as("SELECT id, body_id FROM control_kind ORDER BY slug")
            .fetch_all(&mut *tx)
            .await?;
    let mut inspectors: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (n, (body_id, organisation_id, slug)) in bodies.iter().enumerate() {
        let mut staff: Vec<Uuid> = sqlx::query_scalar(
            "SELECT user_id FROM membership WHERE organisation_id = $1 AND role = 'kno_staff'
             ORDER BY user_id",
        )
        .bind(organisation_id)
        .fetch_all(&mut *tx)
        .await?;
        for i in 0..INSPECTORS_PER_BODY {
            let email = Email::parse(&format!("inspector{}.{slug}@demo.knd.local", i + 1))
                .expect("a valid demo email");
            let surname = SURNAMES[(n * INSPECTORS_PER_BODY + i) % SURNAMES.len()];
            let user_id = match account::find_user_by_email(&mut *tx, &email).await? {
                Some(user) => user.id,
                None => {
                    report.inspectors += 1;
                    account::insert_user(
                        &mut *tx,
                        &email,
                        password_hash,
                        &format!("Инспектор {surname} (демо)"),
                    )
                    .await?
                }
            };
            account::grant_role(&mut *tx, user_id, *organisation_id, Role::KnoStaff, None).await?;
            if !staff.contains(&user_id) {
                staff.push(user_id);
            }
        }
        inspectors.insert(*body_id, staff);
    }

    // Controlled organisations; the demo business gets its own events.
    let organisations: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT organisation_id FROM risk_assignment ORDER BY organisation_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let demo: Uuid =
        sqlx::query_scalar("SELECT id FROM organisation WHERE inn = $1 AND parent_id IS NULL")
            .bind(DEMO_INN)
            .fetch_one(&mut *tx)
            .await
            .context("the demo business")?;
    let demo_user: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM app_user WHERE email = 'business@demo.knd.local'")
            .fetch_optional(&mut *tx)
            .await?;
    // The demo business's events: first the kinds of the demo manager's body (so the manager
    // sees the demo business's ratings), then the kinds it has a risk category in.
    let demo_kinds: Vec<Uuid> = sqlx::query_scalar(
        "SELECT kind_id FROM (
             SELECT k.id AS kind_id, 0 AS rank, k.slug AS slug FROM control_kind k
             JOIN control_body b ON b.id = k.body_id
             JOIN membership m ON m.organisation_id = b.organisation_id AND m.role = 'kno_manager'
             JOIN app_user u ON u.id = m.user_id AND u.email = 'manager@demo.knd.local'
             UNION
             SELECT r.kind_id, 1, k.slug FROM risk_assignment r
             JOIN control_kind k ON k.id = r.kind_id WHERE r.organisation_id = $1) d
         GROUP BY kind_id ORDER BY min(rank), min(slug)",
    )
    .bind(demo)
    .fetch_all(&mut *tx)
    .await?;
    let body_index: HashMap<Uuid, usize> =
        bodies.iter().enumerate().map(|(i, b)| (b.0, i)).collect();

    struct Event {
        id: Uuid,
        number: String,
        event_type: &'static str,
        kind: Uuid,
        body: Uuid,
        organisation: Uuid,
        /// Days before today.
        starts_ago: i32,
        length: i32,
        inspectors: Vec<Uuid>,
    }
    let mut events = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        let is_demo = i < DEMO_EVENTS;
        let (kind, body) = if is_demo && !demo_kinds.is_empty() {
            let kind = demo_kinds[i % demo_kinds.len()];
            *kinds.iter().find(|k| k.0 == kind).context("a demo kind")?
        } else {
            kinds[rng.below(kinds.len())]
        };
        let event_type = match rng.below(20) {
            0..=8 => "knm",
            9..=17 => "pm",
            _ => "consultation",
        };
        // The demo business's events: newest first, a few weeks apart, the newest last week.
        let starts_ago = if is_demo {
            7 + 30 * i as i32
        } else {
            rng.below(725) as i32 + 5
        };
        let length = if event_type == "consultation" {
            0
        } else {
            rng.below(10) as i32
        };
        let staff = &inspectors[&body];
        let mut chosen = vec![staff[rng.below(staff.len())]];
        if rng.below(4) == 0 {
            let second = staff[rng.below(staff.len())];
            if second != chosen[0] {
                chosen.push(second);
            }
        }
        events.push(Event {
            id: Uuid::now_v7(),
            number: format!(
                "2722{:02}{:04}{:010}",
                body_index[&body] + 1,
                2024 + i % 3,
                i + 1
            ),
            event_type,
            kind,
            body,
            organisation: if is_demo {
                demo
            } else {
                organisations[rng.below(organisations.len())]
            },
            starts_ago: starts_ago.min(729),
            length,
            inspectors: chosen,
        });
    }
    sqlx::query(
        "INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                    organisation_id, starts_on, ends_on)
         SELECT id, number, event_type, kind_id, body_id, organisation_id,
                current_date - starts_ago, current_date - starts_ago + length
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[],
                     $7::int4[], $8::int4[])
              AS e (id, number, event_type, kind_id, body_id, organisation_id, starts_ago, length)",
    )
    .bind(events.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.number.clone()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.event_type).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.kind).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.body).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.organisation).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.starts_ago).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.length.min(e.starts_ago))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;
    report.events = events.len();
    let pairs: Vec<(Uuid, Uuid)> = events
        .iter()
        .flat_map(|e| e.inspectors.iter().map(move |u| (e.id, *u)))
        .collect();
    sqlx::query(
        "INSERT INTO event_inspector (event_id, user_id)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[])",
    )
    .bind(pairs.iter().map(|p| p.0).collect::<Vec<_>>())
    .bind(pairs.iter().map(|p| p.1).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;

    // A history of ratings. Each body has its own level, so the rating tells them apart.
    let criteria: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, side FROM rating_criterion ORDER BY side, position")
            .fetch_all(&mut *tx)
            .await?;
    let mut ratings = RatingRows::default();
    for (i, e) in events.iter().enumerate() {
        let is_demo = i < DEMO_EVENTS;
        if is_demo && i < UNRATED_DEMO_EVENTS {
            continue;
        }
        let level = 5 + (body_index[&e.body] * 7 % 5) as i32; // 5..9
        let rated_after = e.length + 1 + rng.below(5) as i32;
        if rated_after >= e.starts_ago {
            continue;
        }
        if is_demo || rng.below(100) < 55 {
            let rater = if is_demo { demo_user } else { None };
            ratings.add(
                &mut rng,
                e.id,
                "business",
                rater,
                level,
                rated_after,
                &criteria,
            );
        }
        if e.event_type != "consultation" && !is_demo && rng.below(100) < 40 {
            let rater = Some(e.inspectors[0]);
            ratings.add(&mut rng, e.id, "body", rater, 7, rated_after, &criteria);
        }
    }
    report.ratings = ratings.ids.len();
    ratings.insert(tx).await?;

    // Bodies answer most low ratings: a public reply or an internal action within hours or days.
    let low: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT r.id, b.organisation_id FROM rating r JOIN control_body b ON b.id = r.body_id
         WHERE r.low AND r.side = 'business' ORDER BY r.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let managers: HashMap<Uuid, Uuid> = sqlx::query_as::<_, (Uuid, Uuid)>(
        "SELECT DISTINCT ON (organisation_id) organisation_id, user_id FROM membership
         WHERE role = 'kno_manager' ORDER BY organisation_id, user_id",
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    for (n, (rating_id, organisation)) in low.iter().enumerate() {
        let author = managers
            .get(organisation)
            .copied()
            .or_else(|| inspectors.values().next().and_then(|v| v.first().copied()))
            .context("somebody to answer")?;
        let hours = 2 + rng.below(96) as i32;
        match n % 4 {
            0 | 1 => {
                sqlx::query(
                    "INSERT INTO rating_reply (rating_id, author_user_id, text, created_at)
                     SELECT id, $2, $3, created_at + make_interval(hours => $4)
                     FROM rating WHERE id = $1",
                )
                .bind(rating_id)
                .bind(author)
                .bind(REPLIES[n % REPLIES.len()])
                .bind(hours)
                .execute(&mut *tx)
                .await?;
            }
            2 => {
                sqlx::query(
                    "INSERT INTO rating_action (id, rating_id, author_user_id, note, created_at)
                     SELECT $5, id, $2, $3, created_at + make_interval(hours => $4)
                     FROM rating WHERE id = $1",
                )
                .bind(rating_id)
                .bind(author)
                .bind(ACTIONS[n % ACTIONS.len()])
                .bind(hours)
                .bind(Uuid::now_v7())
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
    }
    Ok(Some(report))
}

/// Ratings and scores gathered for two bulk inserts.
#[derive(Default)]
struct RatingRows {
    ids: Vec<Uuid>,
    sides: Vec<&'static str>,
    events: Vec<Uuid>,
    raters: Vec<Option<Uuid>>,
    averages: Vec<f64>,
    lows: Vec<bool>,
    days_after_start: Vec<i32>,
    score_rating: Vec<Uuid>,
    score_criterion: Vec<Uuid>,
    score_value: Vec<i16>,
    score_reasons: Vec<String>,
}

impl RatingRows {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        rng: &mut Rng,
        event: Uuid,
        side: &'static str,
        rater: Option<Uuid>,
        level: i32,
        rated_after: i32,
        criteria: &[(Uuid, String)],
    ) {
        // Random like the ratings devices send: a rating's id is public.
        let id = Uuid::new_v4();
        let mut sum = 0;
        let mut count = 0;
        let mut low = false;
        for (criterion, _) in criteria.iter().filter(|c| c.1 == side) {
            // Mostly around the body's level, now and then a bad experience.
            let score = if rng.below(100) < 8 {
                1 + rng.below(4) as i32
            } else {
                (level + rng.below(5) as i32 - 1).clamp(1, 10)
            };
            sum += score;
            count += 1;
            let reasons = if score < 5 {
                low = true;
                if side == "business" {
                    ["procedure", "unclear", "deadlines", "excessive_documents"][rng.below(4)]
                } else {
                    ["missing_documents", "not_ready", "late"][rng.below(3)]
                }
            } else {
                ""
            };
            self.score_rating.push(id);
            self.score_criterion.push(*criterion);
            self.score_value.push(score as i16);
            self.score_reasons.push(reasons.to_owned());
        }
        self.ids.push(id);
        self.sides.push(side);
        self.events.push(event);
        self.raters.push(rater);
        self.averages
            .push((f64::from(sum) / f64::from(count.max(1)) * 100.0).round() / 100.0);
        self.lows.push(low);
        self.days_after_start.push(rated_after);
    }

    async fn insert(&self, tx: &mut PgConnection) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO rating (id, side, event_id, event_type, event_date, body_id, kind_id,
                                 organisation_id, rater_user_id, average, low, created_at)
             SELECT r.id, r.side, e.id, e.event_type, e.starts_on, e.body_id, e.kind_id,
                    e.organisation_id, r.rater, r.average, r.low,
                    (e.starts_on + r.after)::timestamptz + interval '10 hours'
             FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::float8[],
                         $6::bool[], $7::int4[]) AS r (id, side, event_id, rater, average, low, after)
             JOIN control_event e ON e.id = r.event_id",
        )
        .bind(&self.ids)
        .bind(&self.sides)
        .bind(&self.events)
        .bind(&self.raters)
        .bind(&self.averages)
        .bind(&self.lows)
        .bind(&self.days_after_start)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO rating_score (rating_id, criterion_id, score, reasons)
             SELECT rating_id, criterion_id, score,
                    CASE WHEN reasons = '' THEN '{}'::text[] ELSE ARRAY[reasons] END
             FROM UNNEST($1::uuid[], $2::uuid[], $3::int2[], $4::text[])
                  AS s (rating_id, criterion_id, score, reasons)",
        )
        .bind(&self.score_rating)
        .bind(&self.score_criterion)
        .bind(&self.score_value)
        .bind(&self.score_reasons)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
