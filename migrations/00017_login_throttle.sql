-- Sign-in attempts per key ("email:…", "addr:…"), counted atomically: one
-- upsert reserves an attempt or says how long to wait, so a burst of
-- parallel guesses cannot all pass a count read before any was recorded.
-- Growing delays rather than a lock: anyone could otherwise lock anyone
-- out by typing wrong passwords for them.

-- +goose Up
CREATE TABLE login_throttle (
    key          text PRIMARY KEY CHECK (length(key) <= 300),
    attempts     integer NOT NULL,
    window_start timestamptz NOT NULL,
    next_allowed timestamptz NOT NULL
);

-- +goose Down
DROP TABLE login_throttle;
