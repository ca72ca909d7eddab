-- Representation must be proven, not typed: claiming an organisation creates a request that an
-- approved representative of it, or the regional admin after checking the evidence, decides.
-- An approved request grants the `business` membership; the membership stays the one source of
-- who may act for an organisation, so every existing check keeps holding.

-- Organisations created by a claim (the ИНН was not known yet) are unverified until the admin
-- approves their first representative. Registry and demo organisations are verified.
ALTER TABLE organisation ADD COLUMN verified boolean NOT NULL DEFAULT true;

CREATE TABLE representation_request (
    id               uuid        PRIMARY KEY,
    user_id          uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    status           text        NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    -- How the request came: a claim in the cabinet, an invitation by a representative, or (in
    -- production later) an identity check through ЕСИА, which approves without a manual step.
    origin           text        NOT NULL DEFAULT 'claim'
                         CHECK (origin IN ('claim', 'invitation', 'esia')),
    note             text        NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    decided_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    decided_at       timestamptz,
    decision_reason  text        NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT representation_request_decided CHECK ((status = 'pending') = (decided_at IS NULL))
);

-- One open request per user and organisation; a declined one may be followed by a new one.
CREATE UNIQUE INDEX representation_request_open_key
    ON representation_request (user_id, organisation_id) WHERE status = 'pending';
CREATE INDEX representation_request_queue_idx
    ON representation_request (created_at) WHERE status = 'pending';
CREATE INDEX representation_request_organisation_idx
    ON representation_request (organisation_id, created_at DESC);
CREATE INDEX representation_request_user_idx
    ON representation_request (user_id, created_at DESC);

-- An approved representative invites a colleague: the invitee opens the one-time link while
-- signed in with the invited e-mail and becomes a representative. Only a hash of the token is
-- kept, so the table does not hand out working links.
CREATE TABLE representation_invitation (
    id               uuid        PRIMARY KEY,
    organisation_id  uuid        NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    email            text        NOT NULL CHECK (email = lower(btrim(email))),
    token_hash       bytea       NOT NULL,
    invited_by       uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    accepted_by      uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    accepted_at      timestamptz,
    revoked_at       timestamptz,
    CONSTRAINT representation_invitation_token_key UNIQUE (token_hash)
);
CREATE INDEX representation_invitation_organisation_idx
    ON representation_invitation (organisation_id, created_at DESC);
