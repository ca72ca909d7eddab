-- The public list of ratings is read newest first across bodies (`/ratings/feedback`).
CREATE INDEX rating_created_idx ON rating (created_at DESC, id);
