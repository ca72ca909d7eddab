-- The two-way regional rating: control and preventive events, rating criteria (reference data),
-- ratings with their scores, replies and internal actions, and the exactly-once record of every
-- operation devices push through /api/sync/push.

-- Every operation a device pushed, recorded in the transaction that applied it: a repeat of the
-- same id answers the stored outcome instead of applying it again.
CREATE TABLE sync_op (
    op_id        uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    status       text        NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'rejected')),
    result       jsonb,
    reason       text,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_op_user_idx ON sync_op (user_id, received_at DESC);

-- A control event (КНМ), a preventive event (ПМ) or a consultation, as the unified register
-- (ЕРКНМ) knows it.
CREATE TABLE control_event (
    id               uuid    PRIMARY KEY,
    erknm_number     text    NOT NULL UNIQUE CHECK (erknm_number ~ '^[0-9]{20}$'),
    event_type       text    NOT NULL CHECK (event_type IN ('knm', 'pm', 'consultation')),
    kind_id          uuid    NOT NULL REFERENCES control_kind (id) ON DELETE RESTRICT,
    body_id          uuid    NOT NULL REFERENCES control_body (id) ON DELETE RESTRICT,
    organisation_id  uuid    NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT,
    starts_on        date    NOT NULL,
    ends_on          date    NOT NULL CHECK (ends_on >= starts_on)
);
CREATE INDEX control_event_organisation_idx ON control_event (organisation_id, starts_on DESC);
CREATE INDEX control_event_body_idx ON control_event (body_id, starts_on DESC);

CREATE TABLE event_inspector (
    event_id  uuid NOT NULL REFERENCES control_event (id) ON DELETE CASCADE,
    user_id   uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_inspector_user_idx ON event_inspector (user_id);

-- Who rates whom: a business rates the body, or the body rates the business.
-- Criteria and the reasons for a low score are reference data the admin manages.
CREATE TABLE rating_criterion (
    id        uuid    PRIMARY KEY,
    side      text    NOT NULL CHECK (side IN ('business', 'body')),
    code      text    NOT NULL CHECK (code ~ '^[a-z_]+$'),
    title_ru  text    NOT NULL,
    title_en  text    NOT NULL,
    position  integer NOT NULL DEFAULT 0,
    active    boolean NOT NULL DEFAULT true,
    UNIQUE (side, code)
);

CREATE TABLE rating_reason (
    id        uuid    PRIMARY KEY,
    side      text    NOT NULL CHECK (side IN ('business', 'body')),
    code      text    NOT NULL CHECK (code ~ '^[a-z_]+$'),
    title_ru  text    NOT NULL,
    title_en  text    NOT NULL,
    position  integer NOT NULL DEFAULT 0,
    active    boolean NOT NULL DEFAULT true,
    UNIQUE (side, code)
);

CREATE TABLE rating (
    id               uuid        PRIMARY KEY,
    -- The device operation that brought it; NULL for ratings imported with the demo history.
    op_id            uuid        UNIQUE REFERENCES sync_op (op_id) ON DELETE RESTRICT,
    side             text        NOT NULL CHECK (side IN ('business', 'body')),
    -- NULL for an event the register does not know here: the rating is then unconfirmed.
    event_id         uuid        REFERENCES control_event (id) ON DELETE RESTRICT,
    event_type       text        NOT NULL CHECK (event_type IN ('knm', 'pm', 'consultation')),
    event_date       date        NOT NULL,
    body_id          uuid        NOT NULL REFERENCES control_body (id) ON DELETE RESTRICT,
    kind_id          uuid        NOT NULL REFERENCES control_kind (id) ON DELETE RESTRICT,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT,
    -- Never shown publicly: a rater's identity stays private. Kept when the account goes.
    rater_user_id    uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    average          numeric(4, 2) NOT NULL CHECK (average BETWEEN 1 AND 10),
    low              boolean     NOT NULL,
    comment          text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    hidden_reason    text,
    hidden_by        uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    hidden_at        timestamptz
);
-- One rating per event per side.
CREATE UNIQUE INDEX rating_event_side_idx ON rating (event_id, side) WHERE event_id IS NOT NULL;
CREATE INDEX rating_body_idx ON rating (body_id, created_at DESC) WHERE side = 'business';
CREATE INDEX rating_organisation_idx ON rating (organisation_id, created_at DESC) WHERE side = 'body';
CREATE INDEX rating_low_idx ON rating (body_id, created_at DESC) WHERE low AND side = 'business';

CREATE TABLE rating_score (
    rating_id     uuid     NOT NULL REFERENCES rating (id) ON DELETE CASCADE,
    criterion_id  uuid     NOT NULL REFERENCES rating_criterion (id) ON DELETE RESTRICT,
    score         smallint NOT NULL CHECK (score BETWEEN 1 AND 10),
    reasons       text[]   NOT NULL DEFAULT '{}',
    note          text,
    PRIMARY KEY (rating_id, criterion_id)
);

-- The rated party's one public answer to a rating (right to reply).
CREATE TABLE rating_reply (
    rating_id       uuid        PRIMARY KEY REFERENCES rating (id) ON DELETE CASCADE,
    author_user_id  uuid        NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    text            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- What a body's manager did about a low rating, for the body only.
CREATE TABLE rating_action (
    id              uuid        PRIMARY KEY,
    rating_id       uuid        NOT NULL REFERENCES rating (id) ON DELETE CASCADE,
    author_user_id  uuid        NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    note            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rating_action_rating_idx ON rating_action (rating_id, created_at);
