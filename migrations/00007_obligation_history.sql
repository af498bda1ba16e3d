-- +goose Up
-- The history of every obligation, and the status rule over it.
--
-- Until now obligations.status was a stored status kept current by each
-- writer, and "as at" questions patched it with the first version's time
-- and the current deadline: a past moment saw later reviews, exemptions and
-- extensions. Now every change is an event in obligation_events (append
-- only), and an obligation's status at a moment is a function of the
-- events up to that moment:
--
--   facts at t  = the events with at <= t, folded in the order they were
--                 appended (id): present (opened), exempt (last of
--                 exempted/unexempted), decision of the latest version (an
--                 upload clears it; returned/accepted set it), the first
--                 upload's time, the deadline (last of opened/extended);
--   status at t = obligation_status(facts at t, t), the one rule, which
--                 reporting.Facts.StatusAt is in Go (a test runs a table of
--                 histories through both).
--
-- obligations keeps the fold of all its events (exempt, decision,
-- first_submitted_at, deadline) and changed_at, the latest event time that
-- changes a status; writers update them in the statement that appends the
-- event. For a moment at or after changed_at the summary is the fold, so
-- the set-based queries read it directly and fold the history only for
-- obligations changed after the moment asked about.

CREATE TABLE obligation_events (
    id                bigserial PRIMARY KEY,
    period_id         bigint NOT NULL,
    unit_code         text NOT NULL,
    at                timestamptz NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('opened', 'uploaded', 'returned', 'accepted',
                                                    'exempted', 'unexempted', 'extended', 'flagged_missing')),
    actor             text NOT NULL DEFAULT 'system',
    submission_id     bigint REFERENCES submissions (id),
    version           integer,
    late              boolean,
    -- opened, extended: the deadline from then on; flagged_missing: the
    -- deadline that passed. extended also keeps the previous one.
    deadline          timestamptz,
    previous_deadline timestamptz,
    reason            text NOT NULL DEFAULT '',
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (period_id, unit_code) REFERENCES obligations (period_id, unit_code),
    CHECK ((kind IN ('opened', 'extended', 'flagged_missing')) = (deadline IS NOT NULL)),
    CHECK (kind NOT IN ('uploaded', 'returned', 'accepted') OR (submission_id IS NOT NULL AND version IS NOT NULL)),
    CHECK (kind NOT IN ('returned', 'exempted') OR reason <> '')
);
CREATE INDEX obligation_events_obligation_idx ON obligation_events (period_id, unit_code, id);

-- +goose StatementBegin
CREATE FUNCTION obligation_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'obligation_events is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER obligation_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON obligation_events
    FOR EACH STATEMENT EXECUTE FUNCTION obligation_events_append_only();

ALTER TABLE obligations
    ADD COLUMN exempt boolean NOT NULL DEFAULT false,
    ADD COLUMN decision text NOT NULL DEFAULT '' CHECK (decision IN ('', 'accepted', 'returned')),
    ADD COLUMN changed_at timestamptz,
    -- the deadline the deadline tick last flagged as passed with nothing in
    ADD COLUMN flagged_deadline timestamptz;

-- The history of the obligations stored so far, from what they kept: the
-- period's opening with today's deadline (an earlier extension's old
-- deadline was not kept), every version, every review, a standing
-- exemption.
INSERT INTO obligation_events (period_id, unit_code, at, kind, deadline, recorded_at)
SELECT o.period_id, o.unit_code, p.opens_at, 'opened', o.deadline, o.updated_at
FROM obligations o JOIN periods p ON p.id = o.period_id;
INSERT INTO obligation_events (period_id, unit_code, at, kind, actor, submission_id, version, late, recorded_at)
SELECT s.period_id, s.unit_code, s.uploaded_at, 'uploaded', coalesce(u.email, 'admin (cli)'), s.id, s.version, s.late, s.uploaded_at
FROM submissions s LEFT JOIN users u ON u.id = s.uploaded_by
ORDER BY s.uploaded_at, s.id;
INSERT INTO obligation_events (period_id, unit_code, at, kind, actor, submission_id, version, reason, recorded_at)
SELECT s.period_id, s.unit_code, r.created_at, r.decision, coalesce(u.email, 'admin (cli)'), s.id, s.version,
       CASE WHEN r.decision = 'returned' THEN r.reason ELSE '' END, r.created_at
FROM reviews r JOIN submissions s ON s.id = r.submission_id LEFT JOIN users u ON u.id = r.reviewer_id
ORDER BY r.created_at, r.id;
INSERT INTO obligation_events (period_id, unit_code, at, kind, reason, recorded_at)
SELECT period_id, unit_code, updated_at, 'exempted', coalesce(nullif(status_reason, ''), '(không ghi lý do)'), updated_at
FROM obligations WHERE status = 'exempt';

UPDATE obligations o SET
    exempt = (o.status = 'exempt'),
    decision = coalesce((SELECT r.decision FROM submissions s JOIN reviews r ON r.submission_id = s.id
                         WHERE s.period_id = o.period_id AND s.unit_code = o.unit_code
                           AND s.version = (SELECT max(version) FROM submissions s2
                                            WHERE s2.period_id = o.period_id AND s2.unit_code = o.unit_code)
                         ORDER BY r.id DESC LIMIT 1), ''),
    changed_at = (SELECT max(e.at) FROM obligation_events e WHERE e.period_id = o.period_id AND e.unit_code = o.unit_code),
    flagged_deadline = CASE WHEN o.status = 'missing' THEN o.deadline END;
ALTER TABLE obligations ALTER COLUMN changed_at SET NOT NULL;

-- obligation_status is the status rule: reporting.Facts.StatusAt in SQL.
CREATE FUNCTION obligation_status(exempt boolean, decision text, first_at timestamptz, deadline timestamptz, at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN exempt THEN 'exempt'
    WHEN first_at IS NULL OR first_at > at THEN CASE WHEN at > deadline THEN 'missing' ELSE 'pending' END
    WHEN decision = 'returned' THEN 'returned'
    WHEN decision = 'accepted' THEN 'accepted'
    WHEN first_at > deadline THEN 'late'
    ELSE 'submitted' END;

-- obligation_history_at folds an obligation's events up to t (see the top
-- of this file): reporting.FactsAt in SQL. reason is why it is exempt
-- (while exempt) or returned (while the latest version is).
-- +goose StatementBegin
CREATE FUNCTION obligation_history_at(p bigint, u text, t timestamptz)
RETURNS TABLE (present boolean, exempt boolean, decision text, first_at timestamptz, deadline timestamptz, reason text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_or(kind = 'opened'), false),
           coalesce((array_agg(kind = 'exempted' ORDER BY id DESC) FILTER (WHERE kind IN ('exempted', 'unexempted')))[1], false),
           coalesce((array_agg(CASE WHEN kind = 'uploaded' THEN '' ELSE kind END ORDER BY id DESC)
                     FILTER (WHERE kind IN ('uploaded', 'returned', 'accepted')))[1], ''),
           min(at) FILTER (WHERE kind = 'uploaded'),
           (array_agg(deadline ORDER BY id DESC) FILTER (WHERE kind IN ('opened', 'extended')))[1],
           coalesce(CASE
               WHEN (array_agg(kind = 'exempted' ORDER BY id DESC) FILTER (WHERE kind IN ('exempted', 'unexempted')))[1]
               THEN (array_agg(reason ORDER BY id DESC) FILTER (WHERE kind = 'exempted'))[1]
               WHEN (array_agg(kind ORDER BY id DESC) FILTER (WHERE kind IN ('uploaded', 'returned', 'accepted')))[1] = 'returned'
               THEN (array_agg(reason ORDER BY id DESC) FILTER (WHERE kind = 'returned'))[1]
           END, '')
    FROM obligation_events
    WHERE period_id = p AND unit_code = u AND at <= t
$$;
-- +goose StatementEnd

-- The deadline tick looks for obligations with nothing in, not exempt,
-- whose deadline it has not flagged yet.
DROP INDEX obligations_pending_deadline_idx;
CREATE INDEX obligations_unflagged_deadline_idx ON obligations (deadline)
    WHERE first_submitted_at IS NULL AND NOT exempt AND flagged_deadline IS DISTINCT FROM deadline;

-- matrix_cells now packs each obligation's facts rather than a stored
-- status, 34 bytes a cell, big-endian:
--   period_id           int8
--   state               int2: bit 0 exempt; bits 1-2 the decision
--                       (0 none, 1 accepted, 2 returned)
--   first_submitted_at  int8, microseconds since 1970-01-01 UTC, or the
--                       smallest int8 while nothing is in
--   deadline            int8, microseconds
--   changed_at          int8, microseconds
-- store.FormMatrix derives each cell's status with reporting's rule when
-- the moment asked about is at or after changed_at, and asks
-- obligation_history_at for the others.
DROP TRIGGER matrix_cells_insert ON obligations;
DROP TRIGGER matrix_cells_update ON obligations;
DROP FUNCTION matrix_cells_sync();

DROP FUNCTION matrix_patch(bytea, bytea);
DROP FUNCTION matrix_cell(bigint, text, timestamptz, timestamptz);
TRUNCATE matrix_cells;
ALTER TABLE matrix_cells DROP CONSTRAINT matrix_cells_cells_check,
    ADD CONSTRAINT matrix_cells_cells_check CHECK (length(cells) % 34 = 0);
ALTER TABLE obligations DROP COLUMN status, DROP COLUMN status_reason, DROP COLUMN updated_at;

CREATE FUNCTION matrix_cell(period_id bigint, exempt boolean, decision text, first_at timestamptz,
                            deadline timestamptz, changed_at timestamptz)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN int8send(period_id)
    || int2send((CASE WHEN exempt THEN 1 ELSE 0 END
                 + CASE decision WHEN 'accepted' THEN 2 WHEN 'returned' THEN 4 ELSE 0 END)::int2)
    || int8send(coalesce((extract(epoch FROM first_at) * 1000000)::int8, '-9223372036854775808'::int8))
    || int8send((extract(epoch FROM deadline) * 1000000)::int8)
    || int8send((extract(epoch FROM changed_at) * 1000000)::int8);

-- matrix_patch writes each cell of patch into cells, replacing the cell of
-- the same period or inserting it in period order. Period ids are
-- positive, so their big-endian bytes compare as the numbers do. The
-- search runs from the end: writes touch the latest periods.
-- +goose StatementBegin
CREATE FUNCTION matrix_patch(cells bytea, patch bytea)
RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    size  constant int := 34;
    cell  bytea;
    id    bytea;
    i     int;
    found boolean;
BEGIN
    FOR j IN 0 .. length(patch) / size - 1 LOOP
        cell := substring(patch FROM j * size + 1 FOR size);
        id := substring(cell FROM 1 FOR 8);
        i := length(cells) / size - 1;
        WHILE i >= 0 AND substring(cells FROM i * size + 1 FOR 8) > id LOOP
            i := i - 1;
        END LOOP;
        found := i >= 0 AND substring(cells FROM i * size + 1 FOR 8) = id;
        IF found THEN
            cells := overlay(cells PLACING cell FROM i * size + 1 FOR size);
        ELSE
            cells := substring(cells FROM 1 FOR (i + 1) * size) || cell || substring(cells FROM (i + 1) * size + 1);
        END IF;
    END LOOP;
    RETURN cells;
END
$$;
-- +goose StatementEnd

-- matrix_cells_insert_sync patches the cells of the obligations a
-- statement inserted. ON CONFLICT DO UPDATE patches the row's latest version, so
-- two transactions changing different periods of one unit both land; rows
-- are taken in key order, so two statements that touch many units lock
-- them in the same order.
-- +goose StatementBegin
CREATE FUNCTION matrix_cells_insert_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), c.unit_version_id,
           string_agg(matrix_cell(c.period_id, c.exempt, c.decision, c.first_submitted_at, c.deadline, c.changed_at),
                      ''::bytea ORDER BY c.period_id)
    FROM changed c
    JOIN periods p ON p.id = c.period_id
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (form_code, year, unit_version_id) DO UPDATE SET cells = CASE
        -- A newly opened period, the latest: appended without a call.
        WHEN substring(m.cells FROM length(m.cells) - 33 FOR 8) < substring(excluded.cells FROM 1 FOR 8)
        THEN m.cells || excluded.cells
        ELSE matrix_patch(m.cells, excluded.cells) END;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- The same for an update, limited to the rows whose cell changed: the
-- deadline tick's flag (flagged_deadline) is not in a cell, and
-- transition tables cannot go with a column list.
-- +goose StatementBegin
CREATE FUNCTION matrix_cells_update_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), c.unit_version_id,
           string_agg(matrix_cell(c.period_id, c.exempt, c.decision, c.first_submitted_at, c.deadline, c.changed_at),
                      ''::bytea ORDER BY c.period_id)
    FROM changed c
    JOIN before b ON b.period_id = c.period_id AND b.unit_code = c.unit_code
    JOIN periods p ON p.id = c.period_id
    WHERE (c.exempt, c.decision, c.first_submitted_at, c.deadline, c.changed_at)
          IS DISTINCT FROM (b.exempt, b.decision, b.first_submitted_at, b.deadline, b.changed_at)
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (form_code, year, unit_version_id) DO UPDATE SET cells = matrix_patch(m.cells, excluded.cells);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION matrix_cells_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM matrix_cells m
    USING (SELECT DISTINCT p.form_code, extract(year FROM p.data_from)::smallint AS year, g.unit_version_id
           FROM gone g JOIN periods p ON p.id = g.period_id) g
    WHERE (m.form_code, m.year, m.unit_version_id) = (g.form_code, g.year, g.unit_version_id);
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), o.unit_version_id,
           string_agg(matrix_cell(o.period_id, o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at),
                      ''::bytea ORDER BY o.period_id)
    FROM obligations o
    JOIN periods p ON p.id = o.period_id
    WHERE (p.form_code, extract(year FROM p.data_from)::smallint, o.unit_version_id) IN (
        SELECT p.form_code, extract(year FROM p.data_from)::smallint, g.unit_version_id
        FROM gone g JOIN periods p ON p.id = g.period_id)
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (form_code, year, unit_version_id) DO UPDATE SET cells = excluded.cells;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER matrix_cells_insert AFTER INSERT ON obligations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_insert_sync();
CREATE TRIGGER matrix_cells_update AFTER UPDATE ON obligations
    REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_update_sync();

INSERT INTO matrix_cells (form_code, year, unit_version_id, cells)
SELECT p.form_code, extract(year FROM p.data_from), o.unit_version_id,
       string_agg(matrix_cell(o.period_id, o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at),
                  ''::bytea ORDER BY o.period_id)
FROM obligations o
JOIN periods p ON p.id = o.period_id
GROUP BY 1, 2, 3;

-- +goose Down
SELECT 'obligation history cannot be undone: restore a backup taken before migration 00007';
