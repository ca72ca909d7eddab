-- Managing accounts: "log out everywhere", the portal operator as its own kind of organisation,
-- and who changed which role when.

-- A session carries the generation it was signed in under; "log out everywhere" moves the
-- user to the next generation, voiding every session of the previous ones.
ALTER TABLE app_user
    ADD COLUMN session_generation integer NOT NULL DEFAULT 0;

-- The operator of the portal holds the admin role; it is not a control body and must not be
-- listed among them.
ALTER TABLE organisation DROP CONSTRAINT organisation_kind_check;
ALTER TABLE organisation ADD CONSTRAINT organisation_kind_check CHECK (kind IN
    ('legal_entity', 'sole_trader', 'self_employed', 'control_body', 'consulting_firm',
     'portal_operator'));
UPDATE organisation SET kind = 'portal_operator'
 WHERE parent_id IS NULL
   AND id IN (SELECT organisation_id FROM membership WHERE role = 'admin')
   AND id NOT IN (SELECT organisation_id FROM membership WHERE role <> 'admin');

-- Units of a body are named uniquely within it.
CREATE UNIQUE INDEX organisation_unit_name_key ON organisation (parent_id, lower(name))
    WHERE parent_id IS NOT NULL;

-- Every grant and revocation, for accountability of admins and managers.
CREATE TABLE role_change (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    user_id          uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    role             text        NOT NULL,
    granted          boolean     NOT NULL,
    changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX role_change_organisation_idx ON role_change (organisation_id, changed_at DESC);
