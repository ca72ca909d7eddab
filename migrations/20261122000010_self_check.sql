-- Self-assessment «Электронный инспектор» and the evaluation of mandatory requirements
-- (seeds 000 and 001).
--
-- A checklist is not stored: it is the kind's requirements, one question each. Only a question
-- the admin or the body's manager reworded is kept here; the link to the requirement stays.

CREATE TABLE checklist_wording (
    requirement_id  uuid        PRIMARY KEY REFERENCES requirement (id) ON DELETE CASCADE,
    question        text        NOT NULL CHECK (length(question) BETWEEN 10 AND 1000),
    -- From the catalogue's sequence, so that a question's revision moves with a rewording as
    -- it does with an edit of the requirement.
    version         bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid        REFERENCES app_user (id) ON DELETE SET NULL
);

-- A submitted self-assessment of one organisation against the checklists of some kinds.
CREATE TABLE self_assessment (
    id               uuid        PRIMARY KEY,
    op_id            uuid        NOT NULL UNIQUE REFERENCES sync_op (op_id) ON DELETE CASCADE,
    user_id          uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    started_on       date        NOT NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    -- Sent to the bodies of its kinds (counts for good faith).
    to_body          boolean     NOT NULL,
    total            integer     NOT NULL CHECK (total >= 0),
    applicable       integer     NOT NULL CHECK (applicable BETWEEN 0 AND total),
    met              integer     NOT NULL CHECK (met BETWEEN 0 AND applicable),
    -- A declaration of compliance: only a fully met checklist, valid one year.
    declared_until   date,
    -- The questions as the device showed them and the answers, for the report.
    report           jsonb       NOT NULL
);
CREATE INDEX self_assessment_user_idx ON self_assessment (user_id, submitted_at DESC);
CREATE INDEX self_assessment_org_idx ON self_assessment (organisation_id, submitted_at DESC);

CREATE TABLE self_assessment_kind (
    assessment_id  uuid NOT NULL REFERENCES self_assessment (id) ON DELETE CASCADE,
    kind_id        uuid NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    PRIMARY KEY (assessment_id, kind_id)
);
CREATE INDEX self_assessment_kind_kind_idx ON self_assessment_kind (kind_id);

-- One answer per question, for the bodies' statistics of what fails most often. A question
-- whose requirement was deleted after the device started keeps its answer only in `report`.
CREATE TABLE self_assessment_answer (
    assessment_id   uuid NOT NULL REFERENCES self_assessment (id) ON DELETE CASCADE,
    requirement_id  uuid NOT NULL REFERENCES requirement (id) ON DELETE CASCADE,
    answer          text NOT NULL CHECK (answer IN ('yes', 'no', 'na')),
    PRIMARY KEY (assessment_id, requirement_id)
);
CREATE INDEX self_assessment_answer_req_idx ON self_assessment_answer (requirement_id, answer);

-- A user's evaluation of a requirement (seed 001); a later one by the same user replaces it,
-- so the published figures count people, not clicks.
CREATE TABLE requirement_evaluation (
    id              uuid        PRIMARY KEY,
    op_id           uuid        NOT NULL REFERENCES sync_op (op_id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    requirement_id  uuid        NOT NULL REFERENCES requirement (id) ON DELETE CASCADE,
    clarity         smallint    NOT NULL CHECK (clarity BETWEEN 1 AND 5),
    feasibility     smallint    NOT NULL CHECK (feasibility BETWEEN 1 AND 5),
    contradicts_id  uuid        REFERENCES requirement (id) ON DELETE SET NULL
                                CHECK (contradicts_id <> requirement_id),
    contradicts     boolean     NOT NULL,
    hours           numeric(12, 2),
    hourly_rate     numeric(12, 2),
    direct_costs    numeric(14, 2),
    yearly_cost     numeric(16, 2),
    proposal        text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, requirement_id)
);
CREATE INDEX requirement_evaluation_req_idx ON requirement_evaluation (requirement_id);
