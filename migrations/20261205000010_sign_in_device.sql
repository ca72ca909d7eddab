-- Browsers an account has signed in on (OWASP «device cookies»): a sign-in attempt presenting
-- one of them is limited per device, not by the account-wide limit, so that someone guessing
-- the password elsewhere cannot lock the owner out. Only the SHA-256 of the cookie is stored.
CREATE TABLE sign_in_device (
    token_hash    bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id       uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_device_user ON sign_in_device (user_id, last_used_at DESC);
