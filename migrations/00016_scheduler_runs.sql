-- The last run of each scheduled job, whichever instance led then: what the
-- administrator's system page shows (a job that stopped running, or fails,
-- is visible without reading the logs of every instance).

-- +goose Up
CREATE TABLE scheduler_runs (
    job         text PRIMARY KEY,
    instance    text NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    ok          boolean NOT NULL,
    error       text NOT NULL DEFAULT '' CHECK (length(error) <= 2000),
    -- The last run that succeeded, kept when a later one fails.
    last_ok_at  timestamptz
);

-- +goose Down
DROP TABLE scheduler_runs;
