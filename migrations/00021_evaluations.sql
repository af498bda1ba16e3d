-- +goose Up
-- The annual evaluation of units by a scorecard ("Bộ tiêu chí và thang
-- điểm"). Scorecards are versioned as forms are: a round records the
-- version it scores by. A round is opened for a scorecard and a year,
-- computes every automatic criterion for every unit as at a chosen moment,
-- takes inspectors' judgements and units' comments while open, and is
-- frozen once closed: triggers refuse any change to a closed round's units,
-- judgements and comments.
CREATE TABLE scorecards (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]*$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scorecard_versions (
    id             bigserial PRIMARY KEY,
    scorecard_code text NOT NULL REFERENCES scorecards (code),
    version        integer NOT NULL CHECK (version > 0),
    checksum       text NOT NULL,
    title          text NOT NULL,
    definition     jsonb NOT NULL,
    source         text NOT NULL,
    loaded_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (scorecard_code, version)
);

CREATE TABLE evaluation_rounds (
    id                   bigserial PRIMARY KEY,
    scorecard_code       text NOT NULL REFERENCES scorecards (code),
    scorecard_version_id bigint NOT NULL REFERENCES scorecard_versions (id),
    year                 integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- as_at: the automatic criteria are computed from what was true then;
    -- tree_day: the units evaluated are those active that day.
    as_at          timestamptz NOT NULL,
    tree_day       date NOT NULL,
    comments_until timestamptz NOT NULL,
    opened_by      text NOT NULL,
    opened_at      timestamptz NOT NULL,
    computed_at    timestamptz NOT NULL,
    closed_by      text,
    closed_at      timestamptz,
    UNIQUE (scorecard_code, year),
    CHECK ((closed_by IS NULL) = (closed_at IS NULL))
);

-- One row per unit evaluated: the unit version of the round's tree day and
-- its scorecard as last computed (reporting.UnitScore as JSON, with every
-- criterion's points and reason); score and rating copied out for sorting.
CREATE TABLE evaluation_units (
    round_id        bigint NOT NULL REFERENCES evaluation_rounds (id),
    unit_code       text NOT NULL REFERENCES units (code),
    unit_version_id bigint NOT NULL REFERENCES unit_versions (id),
    score           numeric NOT NULL,
    rating          text NOT NULL,
    card            jsonb NOT NULL,
    PRIMARY KEY (round_id, unit_code)
);

-- An inspector's points on a judgement criterion, with why and, optionally,
-- the evidence (a scanned record of inspection).
CREATE TABLE evaluation_judgements (
    round_id      bigint NOT NULL,
    unit_code     text NOT NULL,
    criterion     text NOT NULL,
    points        numeric NOT NULL CHECK (points >= 0),
    justification text NOT NULL CHECK (btrim(justification) <> ''),
    evidence      bytea,
    evidence_name text NOT NULL DEFAULT '',
    entered_by    text NOT NULL,
    entered_at    timestamptz NOT NULL,
    PRIMARY KEY (round_id, unit_code, criterion),
    FOREIGN KEY (round_id, unit_code) REFERENCES evaluation_units (round_id, unit_code),
    CHECK (evidence IS NULL OR length(evidence) <= 5242880)
);

-- A unit's comment on its provisional scorecard (on one criterion, or on
-- the whole when criterion is '').
CREATE TABLE evaluation_comments (
    id         bigserial PRIMARY KEY,
    round_id   bigint NOT NULL,
    unit_code  text NOT NULL,
    criterion  text NOT NULL DEFAULT '',
    body       text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    author     text NOT NULL,
    created_at timestamptz NOT NULL,
    FOREIGN KEY (round_id, unit_code) REFERENCES evaluation_units (round_id, unit_code)
);
CREATE INDEX evaluation_comments_unit_idx ON evaluation_comments (round_id, unit_code);

-- +goose StatementBegin
CREATE FUNCTION evaluation_round_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        rid := OLD.round_id;
    ELSE
        rid := NEW.round_id;
    END IF;
    IF EXISTS (SELECT 1 FROM evaluation_rounds WHERE id = rid AND closed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'evaluation round % is closed', rid USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION evaluation_round_reopen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'evaluation round % is closed', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER evaluation_units_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_units
    FOR EACH ROW EXECUTE FUNCTION evaluation_round_frozen();
CREATE TRIGGER evaluation_judgements_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_judgements
    FOR EACH ROW EXECUTE FUNCTION evaluation_round_frozen();
CREATE TRIGGER evaluation_comments_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_comments
    FOR EACH ROW EXECUTE FUNCTION evaluation_round_frozen();
CREATE TRIGGER evaluation_rounds_closed BEFORE UPDATE OR DELETE ON evaluation_rounds
    FOR EACH ROW EXECUTE FUNCTION evaluation_round_reopen();

-- +goose Down
DROP TABLE evaluation_comments;
DROP TABLE evaluation_judgements;
DROP TABLE evaluation_units;
DROP TABLE evaluation_rounds;
DROP FUNCTION evaluation_round_frozen();
DROP FUNCTION evaluation_round_reopen();
DROP TABLE scorecard_versions;
DROP TABLE scorecards;
