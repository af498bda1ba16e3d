-- +goose Up
-- A reviewer's explanation of a data-quality signal (reporting/signal.go):
-- signals are computed when read, so what is stored is only the judgement
-- on one, by the submission and the signal's key ("peers:tcd_luot"). A
-- signal explained again keeps its latest note here; every note, old and
-- new, is in the audit trail (signal.explain).
CREATE TABLE signal_explanations (
    submission_id bigint NOT NULL REFERENCES submissions (id),
    signal_key    text NOT NULL CHECK (signal_key <> '' AND length(signal_key) <= 500),
    note          text NOT NULL CHECK (btrim(note) <> '' AND length(note) <= 2000),
    explained_by  bigint REFERENCES users (id),
    explained_at  timestamptz NOT NULL,
    PRIMARY KEY (submission_id, signal_key)
);

-- +goose Down
DROP TABLE signal_explanations;
