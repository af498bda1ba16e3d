-- +goose Up
-- A reminder whose reason went away before it could go out (the unit filed
-- or was exempted meanwhile, or the deadline of a "due in …" reminder
-- passed while mail was down) is skipped at delivery, not sent, and says
-- why in last_error.
ALTER TABLE reminders
    DROP CONSTRAINT reminders_status_check,
    ADD CONSTRAINT reminders_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped'));

-- +goose Down
UPDATE reminders SET status = 'failed' WHERE status = 'skipped';
ALTER TABLE reminders
    DROP CONSTRAINT reminders_status_check,
    ADD CONSTRAINT reminders_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed'));
