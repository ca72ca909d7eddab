-- Tombstones are kept for a while, then pruned; a device that last synced before the pruned
-- range cannot learn of those deletions and gets the whole catalogue instead.
CREATE TABLE catalogue_horizon (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through  bigint  NOT NULL DEFAULT 0
);
INSERT INTO catalogue_horizon DEFAULT VALUES;
