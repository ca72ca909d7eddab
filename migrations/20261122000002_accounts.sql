-- Accounts, organisations and the roles users hold in them (user × organisation × role).

CREATE TABLE app_user (
    id             uuid        PRIMARY KEY,
    email          text        NOT NULL,
    password_hash  text        NOT NULL,
    display_name   text        NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_user_email_key UNIQUE (email),
    -- The application normalises emails; the database refuses anything else.
    CONSTRAINT app_user_email_normalised CHECK (email = lower(btrim(email)))
);

CREATE TABLE organisation (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN
                    ('legal_entity', 'sole_trader', 'self_employed', 'control_body', 'consulting_firm')),
    name        text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 500),
    inn         text        CHECK (inn ~ '^[0-9]{10}([0-9]{2})?$'),
    ogrn        text        CHECK (ogrn ~ '^[0-9]{13}([0-9]{2})?$'),
    -- Units of a control body point to the body; they share its ИНН.
    parent_id   uuid        REFERENCES organisation (id) ON DELETE RESTRICT,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One organisation per ИНН (units excepted).
CREATE UNIQUE INDEX organisation_inn_key ON organisation (inn) WHERE parent_id IS NULL;
CREATE INDEX organisation_parent_idx ON organisation (parent_id);

CREATE TABLE membership (
    user_id          uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    role             text        NOT NULL CHECK (role IN
                         ('business', 'kno_staff', 'kno_manager', 'consultant', 'admin')),
    granted_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organisation_id, role)
);

CREATE INDEX membership_organisation_idx ON membership (organisation_id);
