-- +goose Up
-- The outbox claim takes queued rows that are due and 'sending' rows whose
-- lease (held in next_try_at) ran out; index both.
DROP INDEX reminders_queue_idx;
CREATE INDEX reminders_due_idx ON reminders (next_try_at) WHERE status IN ('queued', 'sending');

-- +goose Down
DROP INDEX reminders_due_idx;
CREATE INDEX reminders_queue_idx ON reminders (next_try_at) WHERE status = 'queued';
