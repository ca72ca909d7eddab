-- Files people attach: the bytes live in the file store (a local directory or an S3-compatible
-- bucket), the metadata and a checksum here. A file belongs to its uploader until it is
-- attached to something; who else may read it follows from what it is attached to.
CREATE TABLE stored_file (
    id            uuid        PRIMARY KEY,
    owner_id      uuid        REFERENCES app_user (id) ON DELETE SET NULL,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    content_type  text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size          bigint      NOT NULL CHECK (size > 0),
    sha256        bytea       NOT NULL CHECK (length(sha256) = 32),
    storage_key   text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stored_file_owner_idx ON stored_file (owner_id, created_at DESC);

-- The evidence a requester attached to a representation request (a power of attorney, an
-- extract from the register). A file is evidence of at most one request.
CREATE TABLE representation_evidence (
    request_id  uuid NOT NULL REFERENCES representation_request (id) ON DELETE CASCADE,
    file_id     uuid NOT NULL REFERENCES stored_file (id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, file_id),
    CONSTRAINT representation_evidence_file_key UNIQUE (file_id)
);
