-- +goose Up
-- The whole schema of baocao. Constraints carry the integrity rules: a period is
-- unique per (form, periodicity, start), an obligation per (period, unit), a
-- reminder per (period, unit, kind); enums are CHECKed; history is never deleted.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A unit is a stable code. What it is called, what kind it is and who its
-- parent is are versioned in unit_versions, because reforms rename and move
-- units while their codes live on. active_until is the last day the unit is
-- active (inclusive); NULL means still active.
CREATE TABLE units (
    code         text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]*$'),
    active_from  date NOT NULL,
    active_until date CHECK (active_until IS NULL OR active_until >= active_from),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE unit_versions (
    id          bigserial PRIMARY KEY,
    unit_code   text NOT NULL REFERENCES units (code),
    valid_from  date NOT NULL,
    valid_until date CHECK (valid_until IS NULL OR valid_until >= valid_from),
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('province', 'agency', 'psu', 'district_pc', 'commune_pc')),
    parent_code text REFERENCES units (code),
    emails      text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_code IS NULL OR parent_code <> unit_code),
    EXCLUDE USING gist (unit_code WITH =, daterange(valid_from, valid_until, '[]') WITH &&)
);
CREATE INDEX unit_versions_parent_idx ON unit_versions (parent_code);

-- A merger or split: from_code's history continues under to_code.
CREATE TABLE unit_successions (
    id          bigserial PRIMARY KEY,
    from_code   text NOT NULL REFERENCES units (code),
    to_code     text NOT NULL REFERENCES units (code),
    effective   date NOT NULL,
    legal_basis text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (from_code, to_code),
    CHECK (from_code <> to_code)
);

-- Days off besides weekends, kept by the administrator.
CREATE TABLE holidays (
    day  date PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE forms (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]*$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every distinct definition a form has had. definition is the parsed form as
-- JSON (reporting.Form); source is the YAML it came from.
CREATE TABLE form_versions (
    id         bigserial PRIMARY KEY,
    form_code  text NOT NULL REFERENCES forms (code),
    version    integer NOT NULL CHECK (version > 0),
    checksum   text NOT NULL,
    title      text NOT NULL,
    definition jsonb NOT NULL,
    source     text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (form_code, version)
);

CREATE TABLE periods (
    id              bigserial PRIMARY KEY,
    form_code       text NOT NULL REFERENCES forms (code),
    form_version_id bigint NOT NULL REFERENCES form_versions (id),
    periodicity     text NOT NULL CHECK (periodicity IN ('monthly', 'quarterly', 'half_year', 'nine_months', 'annual', 'adhoc')),
    key             text NOT NULL,
    label           text NOT NULL,
    data_from       date NOT NULL,
    data_to         date NOT NULL CHECK (data_to >= data_from),
    opens_at        timestamptz NOT NULL,
    deadline        timestamptz NOT NULL,
    locks_at        timestamptz NOT NULL CHECK (locks_at >= deadline),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (form_code, periodicity, data_from),
    UNIQUE (form_code, key)
);

-- One row per unit that owes a report for a period. unit_version_id records
-- the unit as it was when the period opened, so old periods consolidate under
-- the old tree. deadline is per unit kind and moves with extensions.
CREATE TABLE obligations (
    period_id          bigint NOT NULL REFERENCES periods (id),
    unit_code          text NOT NULL REFERENCES units (code),
    unit_version_id    bigint NOT NULL REFERENCES unit_versions (id),
    deadline           timestamptz NOT NULL,
    status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'submitted', 'late', 'missing', 'returned', 'accepted', 'exempt')),
    status_reason      text NOT NULL DEFAULT '',
    first_submitted_at timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, unit_code)
);
CREATE INDEX obligations_unit_idx ON obligations (unit_code);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'inspector', 'supervisor', 'clerk')),
    unit_code     text REFERENCES units (code),
    password_hash text NOT NULL DEFAULT '',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role NOT IN ('supervisor', 'clerk') OR unit_code IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Every uploaded version, byte for byte.
CREATE TABLE submissions (
    id          bigserial PRIMARY KEY,
    period_id   bigint NOT NULL,
    unit_code   text NOT NULL,
    version     integer NOT NULL CHECK (version > 0),
    form_version_id bigint NOT NULL REFERENCES form_versions (id),
    file        bytea NOT NULL,
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    file_name   text NOT NULL,
    size        bigint NOT NULL CHECK (size >= 0),
    uploaded_by bigint REFERENCES users (id),
    uploaded_at timestamptz NOT NULL,
    late        boolean NOT NULL,
    FOREIGN KEY (period_id, unit_code) REFERENCES obligations (period_id, unit_code),
    UNIQUE (period_id, unit_code, version)
);
CREATE INDEX submissions_sha_idx ON submissions (period_id, unit_code, sha256);

-- One parsed value per field of a submission, typed for aggregation.
CREATE TABLE submission_values (
    submission_id bigint NOT NULL REFERENCES submissions (id),
    field_code    text NOT NULL,
    num           numeric,
    txt           text,
    day           date,
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, field_code)
);

CREATE TABLE reviews (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    reviewer_id   bigint REFERENCES users (id),
    decision      text NOT NULL CHECK (decision IN ('accepted', 'returned')),
    reason        text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (decision <> 'returned' OR reason <> '')
);
CREATE INDEX reviews_submission_idx ON reviews (submission_id);

-- The e-mail outbox and the business record of reminders: one per
-- (period, unit, kind), ever.
CREATE TABLE reminders (
    id         bigserial PRIMARY KEY,
    period_id  bigint NOT NULL,
    unit_code  text NOT NULL,
    kind       text NOT NULL,
    due_at     timestamptz NOT NULL,
    recipients text[] NOT NULL DEFAULT '{}',
    cc         text[] NOT NULL DEFAULT '{}',
    subject    text NOT NULL DEFAULT '',
    body_text  text NOT NULL DEFAULT '',
    body_html  text NOT NULL DEFAULT '',
    message_id text NOT NULL DEFAULT '',
    status     text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT '',
    next_try_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (period_id, unit_code) REFERENCES obligations (period_id, unit_code),
    UNIQUE (period_id, unit_code, kind)
);
CREATE INDEX reminders_queue_idx ON reminders (next_try_at) WHERE status = 'queued';

-- Append-only record of who did what.
CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    object_type text NOT NULL,
    object_id   text NOT NULL,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id);

-- +goose Down
DROP TABLE audit_events, reminders, reviews, submission_values, submissions, sessions, users,
    obligations, periods, form_versions, forms, holidays, unit_successions, unit_versions, units;
