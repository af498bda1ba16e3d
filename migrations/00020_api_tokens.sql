-- +goose Up
-- API tokens are long-lived sessions for scripts: told apart from a
-- browser's sign-in so an administrator can list and revoke them, each
-- with a label saying what it is for.
ALTER TABLE sessions
    ADD COLUMN kind text NOT NULL DEFAULT 'browser' CHECK (kind IN ('browser', 'api')),
    ADD COLUMN label text NOT NULL DEFAULT '' CHECK (length(label) <= 200);

-- +goose Down
ALTER TABLE sessions DROP COLUMN kind, DROP COLUMN label;
