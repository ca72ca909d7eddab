-- Server-side sessions (tower-sessions' PostgreSQL store). Created here rather than by the store
-- at startup, so the schema has one owner: the migrations.
CREATE SCHEMA IF NOT EXISTS tower_sessions;

CREATE TABLE tower_sessions.session (
    id           text        PRIMARY KEY NOT NULL,
    data         bytea       NOT NULL,
    expiry_date  timestamptz NOT NULL
);

CREATE INDEX session_expiry_idx ON tower_sessions.session (expiry_date);
