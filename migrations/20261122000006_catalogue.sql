-- The information portal's catalogue: control bodies, kinds of control and everything an
-- entrepreneur needs to know about them, plus discussions, programmes, reports and news.
--
-- Devices keep a copy of the catalogue and ask for what changed since the version they have:
-- every row carries the catalogue version of its last change, taken from one sequence on insert
-- and on every update (trigger), and deletions leave a tombstone with their own version.

CREATE SEQUENCE catalogue_version AS bigint;

CREATE FUNCTION catalogue_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := nextval('catalogue_version');
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE catalogue_tombstone (
    entity      text        NOT NULL,
    id          uuid        NOT NULL,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    deleted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity, id)
);
CREATE INDEX catalogue_tombstone_version_idx ON catalogue_tombstone (version);

CREATE FUNCTION catalogue_bury() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalogue_tombstone (entity, id) VALUES (TG_ARGV[0], OLD.id)
    ON CONFLICT (entity, id) DO UPDATE
        SET version = nextval('catalogue_version'), deleted_at = now();
    RETURN OLD;
END $$;

-- Who changed what in the catalogue, and when.
CREATE TABLE catalogue_change (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity      text        NOT NULL,
    entity_id   uuid        NOT NULL,
    changed_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    action      text        NOT NULL CHECK (action IN ('insert', 'update', 'delete'))
);
CREATE INDEX catalogue_change_entity_idx ON catalogue_change (entity, entity_id, changed_at DESC);

CREATE TABLE control_body (
    id               uuid        PRIMARY KEY,
    organisation_id  uuid        NOT NULL UNIQUE REFERENCES organisation (id) ON DELETE RESTRICT,
    slug             text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name             text        NOT NULL,
    short_name       text        NOT NULL,
    head_name        text        NOT NULL,
    head_position    text        NOT NULL,
    address          text        NOT NULL,
    phones           text[]      NOT NULL DEFAULT '{}',
    email            text        NOT NULL,
    website          text        NOT NULL,
    working_hours    jsonb       NOT NULL,
    version          bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search           tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', name || ' ' || short_name), 'A') ||
        setweight(to_tsvector('russian', head_name || ' ' || address), 'C')) STORED
);

CREATE TABLE control_kind (
    id           uuid        PRIMARY KEY,
    body_id      uuid        NOT NULL REFERENCES control_body (id) ON DELETE RESTRICT,
    slug         text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name         text        NOT NULL,
    short_name   text        NOT NULL,
    description  text        NOT NULL,
    version      bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search       tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', name || ' ' || short_name), 'A') ||
        setweight(to_tsvector('russian', description), 'B')) STORED
);
CREATE INDEX control_kind_body_idx ON control_kind (body_id);

CREATE TABLE kind_official (
    id          uuid        PRIMARY KEY,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    position    text        NOT NULL,
    full_name   text        NOT NULL,
    phone       text        NOT NULL,
    sort        integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL
);
CREATE INDEX kind_official_kind_idx ON kind_official (kind_id);

CREATE TABLE kind_document (
    id          uuid        PRIMARY KEY,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    title       text        NOT NULL,
    sort        integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL
);
CREATE INDEX kind_document_kind_idx ON kind_document (kind_id);

CREATE TABLE legal_act (
    id          uuid        PRIMARY KEY,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    title       text        NOT NULL,
    number      text        NOT NULL,
    adopted_on  date        NOT NULL,
    url         text        NOT NULL,
    sort        integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search      tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', title || ' ' || number), 'A')) STORED
);
CREATE INDEX legal_act_kind_idx ON legal_act (kind_id);

CREATE TABLE requirement (
    id               uuid        PRIMARY KEY,
    kind_id          uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    act_id           uuid        NOT NULL REFERENCES legal_act (id) ON DELETE CASCADE,
    text             text        NOT NULL,
    structural_unit  text        NOT NULL,
    sort             integer     NOT NULL DEFAULT 0,
    version          bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search           tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', text), 'B')) STORED
);
CREATE INDEX requirement_kind_idx ON requirement (kind_id);
CREATE INDEX requirement_act_idx ON requirement (act_id);

CREATE TABLE risk_indicator (
    id          uuid        PRIMARY KEY,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    text        text        NOT NULL,
    sort        integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL
);
CREATE INDEX risk_indicator_kind_idx ON risk_indicator (kind_id);

CREATE TABLE faq (
    id          uuid        PRIMARY KEY,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    question    text        NOT NULL,
    answer      text        NOT NULL,
    updated_on  date        NOT NULL,
    sort        integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search      tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', question), 'A') ||
        setweight(to_tsvector('russian', answer), 'B')) STORED
);
CREATE INDEX faq_kind_idx ON faq (kind_id);

CREATE TABLE typical_violation (
    id               uuid        PRIMARY KEY,
    kind_id          uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    requirement_id   uuid        NOT NULL REFERENCES requirement (id) ON DELETE CASCADE,
    what_goes_wrong  text        NOT NULL,
    how_to_avoid     text        NOT NULL,
    how_to_fix       text        NOT NULL,
    sort             integer     NOT NULL DEFAULT 0,
    version          bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search           tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', what_goes_wrong), 'A') ||
        setweight(to_tsvector('russian', how_to_avoid || ' ' || how_to_fix), 'B')) STORED
);
CREATE INDEX typical_violation_kind_idx ON typical_violation (kind_id);

CREATE TABLE public_discussion (
    id          uuid        PRIMARY KEY,
    body_id     uuid        NOT NULL REFERENCES control_body (id) ON DELETE CASCADE,
    kind_id     uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    held_on     date        NOT NULL,
    starts_at   time        NOT NULL,
    topic       text        NOT NULL,
    place       text        NOT NULL,
    link        text,
    status      text        NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    version     bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search      tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', topic), 'A') ||
        setweight(to_tsvector('russian', place), 'C')) STORED
);
CREATE INDEX public_discussion_date_idx ON public_discussion (held_on DESC);

CREATE TABLE prevention_programme (
    id            uuid        PRIMARY KEY,
    body_id       uuid        NOT NULL REFERENCES control_body (id) ON DELETE CASCADE,
    kind_id       uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    year          integer     NOT NULL CHECK (year BETWEEN 2020 AND 2100),
    title         text        NOT NULL,
    document_url  text        NOT NULL,
    measures      text[]      NOT NULL DEFAULT '{}',
    version       bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search        tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', title), 'A')) STORED
);

CREATE TABLE practice_report (
    id            uuid        PRIMARY KEY,
    body_id       uuid        NOT NULL REFERENCES control_body (id) ON DELETE CASCADE,
    kind_id       uuid        NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    period        text        NOT NULL,
    summary       text        NOT NULL,
    document_url  text        NOT NULL,
    version       bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search        tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', period), 'A') ||
        setweight(to_tsvector('russian', summary), 'B')) STORED
);

CREATE TABLE news (
    id            uuid        PRIMARY KEY,
    body_id       uuid        NOT NULL REFERENCES control_body (id) ON DELETE CASCADE,
    published_on  date        NOT NULL,
    title         text        NOT NULL,
    text          text        NOT NULL,
    version       bigint      NOT NULL DEFAULT nextval('catalogue_version'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    search        tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', title), 'A') ||
        setweight(to_tsvector('russian', text), 'B')) STORED
);
CREATE INDEX news_date_idx ON news (published_on DESC);

-- Risk categories of organisations per kind of control (248-ФЗ art. 23). Online only: not
-- part of what devices store.
CREATE TABLE risk_assignment (
    organisation_id  uuid    NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    kind_id          uuid    NOT NULL REFERENCES control_kind (id) ON DELETE CASCADE,
    category         text    NOT NULL CHECK (category IN
                        ('extremely_high', 'high', 'significant', 'medium', 'moderate', 'low')),
    assigned_on      date    NOT NULL,
    PRIMARY KEY (organisation_id, kind_id)
);
CREATE INDEX risk_assignment_kind_idx ON risk_assignment (kind_id);
CREATE INDEX organisation_name_lower_idx ON organisation (lower(name) text_pattern_ops);

-- Versions, timestamps and tombstones for every table devices store.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['control_body', 'control_kind', 'kind_official', 'kind_document',
        'legal_act', 'requirement', 'risk_indicator', 'faq', 'typical_violation',
        'public_discussion', 'prevention_programme', 'practice_report', 'news']
    LOOP
        EXECUTE format('CREATE INDEX %I ON %I (version)', t || '_version_idx', t);
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_name = t AND column_name = 'search') THEN
            EXECUTE format('CREATE INDEX %I ON %I USING gin (search)', t || '_search_idx', t);
        END IF;
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION catalogue_touch()',
                       t || '_touch', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION catalogue_bury(%L)',
                       t || '_bury', t, t);
    END LOOP;
END $$;
