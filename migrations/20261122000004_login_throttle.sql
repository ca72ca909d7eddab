-- Failed sign-in attempts per key ("ip:…" or "email:…"), shared by every instance.
CREATE TABLE login_throttle (
    key             text        PRIMARY KEY,
    failures        integer     NOT NULL CHECK (failures > 0),
    window_started  timestamptz NOT NULL,
    blocked_until   timestamptz
);
