-- +goose Up
-- The deadline tick flags pending obligations whose deadline has passed;
-- index just those so it does not scan every obligation each minute.
CREATE INDEX obligations_pending_deadline_idx ON obligations (deadline) WHERE status = 'pending';

-- +goose Down
DROP INDEX obligations_pending_deadline_idx;
