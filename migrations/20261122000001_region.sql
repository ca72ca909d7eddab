-- The region the portal serves. One portal instance serves one region, hence the single row.
CREATE TABLE region (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    name        text        NOT NULL CHECK (length(btrim(name)) > 0),
    is_demo     boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
