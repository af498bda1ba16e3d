-- +goose Up
-- What an administrator publishes on the public page /cong-khai: a form's
-- period, with the numeric fields whose totals are shown (never a unit's
-- free text, never a person), or a closed evaluation round. Withdrawing a
-- publication deletes its row; the audit trail keeps both acts.
CREATE TABLE publications (
    id           bigserial PRIMARY KEY,
    period_id    bigint UNIQUE REFERENCES periods (id),
    round_id     bigint UNIQUE REFERENCES evaluation_rounds (id),
    fields       text[] NOT NULL DEFAULT '{}',
    published_by text NOT NULL,
    published_at timestamptz NOT NULL,
    CHECK ((period_id IS NULL) <> (round_id IS NULL)),
    CHECK (round_id IS NULL OR cardinality(fields) = 0)
);

-- +goose Down
DROP TABLE publications;
