-- +goose Up
-- The form matrix (units × periods) read from obligations has to group
-- every obligation of the form by unit on each request: 120,000 rows for
-- 10,000 units × 12 periods, too slow for its 50 ms budget. matrix_cells
-- keeps, per form, year and unit version, the facts the matrix needs of
-- each of its obligations, packed into one bytea, so the matrix reads a row
-- per unit and year instead. Triggers on obligations keep it; nothing else
-- writes it.
--
-- A cell is 26 bytes, big-endian, a row's cells in period id order:
--   period_id            int8
--   status               int2, the ASCII code of the status's first letter
--   first_submitted_at   int8, microseconds since 1970-01-01 UTC, or the
--                        smallest int8 while nothing is in
--   deadline             int8, microseconds since 1970-01-01 UTC
-- store.FormMatrix decodes it and derives the status at the moment asked
-- about, as effectiveStatus does in SQL.
-- Rows are per year (of the period's first day) as well, so that a row stays
-- small (a monthly form's year is 12 cells, 312 bytes: never compressed or
-- moved out of line) and a matrix over recent periods reads recent rows only,
-- however long the history.
CREATE TABLE matrix_cells (
    form_code       text NOT NULL REFERENCES forms (code),
    year            smallint NOT NULL,
    unit_version_id bigint NOT NULL REFERENCES unit_versions (id),
    cells           bytea NOT NULL CHECK (length(cells) % 26 = 0),
    PRIMARY KEY (form_code, year, unit_version_id)
);

CREATE FUNCTION matrix_cell(period_id bigint, status text, first_submitted_at timestamptz, deadline timestamptz)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE
RETURN int8send(period_id) || int2send(ascii(status)::int2)
    || int8send(coalesce((extract(epoch FROM first_submitted_at) * 1000000)::int8, '-9223372036854775808'::int8))
    || int8send((extract(epoch FROM deadline) * 1000000)::int8);

-- matrix_patch writes each cell of patch into cells, replacing the cell of
-- the same period or inserting it in period order. Period ids are
-- positive, so their big-endian bytes compare as the numbers do. The
-- search runs from the end: uploads, reviews and the deadline tick touch
-- the latest periods, and a new period is appended (the trigger does that
-- without calling this).
-- +goose StatementBegin
CREATE FUNCTION matrix_patch(cells bytea, patch bytea)
RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    size  constant int := 26;
    cell  bytea;
    id    bytea;
    i     int;
    found boolean;
BEGIN
    FOR j IN 0 .. length(patch) / size - 1 LOOP
        cell := substring(patch FROM j * size + 1 FOR size);
        id := substring(cell FROM 1 FOR 8);
        -- i: the last cell whose period is not after id's, -1 for none.
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

-- matrix_cells_sync patches the cells of the obligations a statement
-- inserted or updated. ON CONFLICT DO UPDATE patches the row's latest
-- version, so two transactions changing different periods of one unit
-- both land; rows are taken in key order, so two statements that touch
-- many units lock them in the same order. A transaction that writes
-- obligations of the same units in two statements, in opposite unit order
-- to another's, can deadlock on these rows where it could not before;
-- baocao's writers change obligations in one statement per transaction.
-- +goose StatementBegin
CREATE FUNCTION matrix_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), c.unit_version_id,
           string_agg(matrix_cell(c.period_id, c.status, c.first_submitted_at, c.deadline), ''::bytea ORDER BY c.period_id)
    FROM changed c
    JOIN periods p ON p.id = c.period_id
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (form_code, year, unit_version_id) DO UPDATE SET cells = CASE
        -- A newly opened period, the latest: appended without a call.
        WHEN substring(m.cells FROM length(m.cells) - 25 FOR 8) < substring(excluded.cells FROM 1 FOR 8)
        THEN m.cells || excluded.cells
        ELSE matrix_patch(m.cells, excluded.cells) END;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- matrix_cells_rebuild rebuilds the rows of the unit versions whose
-- obligations a statement deleted (baocao never deletes one; a hand-made
-- DELETE must not leave cells behind). The insert overwrites on conflict:
-- a concurrent delete's rebuild may have put the row back meanwhile.
-- +goose StatementBegin
CREATE FUNCTION matrix_cells_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM matrix_cells m
    USING (SELECT DISTINCT p.form_code, extract(year FROM p.data_from)::smallint AS year, g.unit_version_id
           FROM gone g JOIN periods p ON p.id = g.period_id) g
    WHERE (m.form_code, m.year, m.unit_version_id) = (g.form_code, g.year, g.unit_version_id);
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), o.unit_version_id,
           string_agg(matrix_cell(o.period_id, o.status, o.first_submitted_at, o.deadline), ''::bytea ORDER BY o.period_id)
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

-- +goose StatementBegin
CREATE FUNCTION matrix_cells_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM matrix_cells;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- An obligation's period, unit and unit version are fixed when its period
-- opens; matrix_cells (and the audit trail) rely on it.
-- +goose StatementBegin
CREATE FUNCTION obligations_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'obligation (%, %): period, unit and unit version cannot change', OLD.period_id, OLD.unit_code;
END
$$;
-- +goose StatementEnd

-- The same for the period's form and first day, which place its cells.
-- +goose StatementBegin
CREATE FUNCTION periods_placement_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'period %: form and data window start cannot change', OLD.id;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER periods_placement_fixed BEFORE UPDATE ON periods FOR EACH ROW
    WHEN (OLD.form_code <> NEW.form_code OR OLD.data_from <> NEW.data_from)
    EXECUTE FUNCTION periods_placement_fixed();
CREATE TRIGGER obligations_key_fixed BEFORE UPDATE ON obligations FOR EACH ROW
    WHEN (OLD.period_id <> NEW.period_id OR OLD.unit_code <> NEW.unit_code OR OLD.unit_version_id <> NEW.unit_version_id)
    EXECUTE FUNCTION obligations_key_fixed();
CREATE TRIGGER matrix_cells_insert AFTER INSERT ON obligations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_sync();
CREATE TRIGGER matrix_cells_update AFTER UPDATE ON obligations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_sync();
CREATE TRIGGER matrix_cells_delete AFTER DELETE ON obligations
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_rebuild();
CREATE TRIGGER matrix_cells_truncate AFTER TRUNCATE ON obligations
    FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_clear();

INSERT INTO matrix_cells (form_code, year, unit_version_id, cells)
SELECT p.form_code, extract(year FROM p.data_from), o.unit_version_id,
       string_agg(matrix_cell(o.period_id, o.status, o.first_submitted_at, o.deadline), ''::bytea ORDER BY o.period_id)
FROM obligations o
JOIN periods p ON p.id = o.period_id
GROUP BY 1, 2, 3;

-- +goose Down
DROP TRIGGER matrix_cells_truncate ON obligations;
DROP TRIGGER matrix_cells_delete ON obligations;
DROP TRIGGER matrix_cells_update ON obligations;
DROP TRIGGER matrix_cells_insert ON obligations;
DROP TRIGGER obligations_key_fixed ON obligations;
DROP TRIGGER periods_placement_fixed ON periods;
DROP FUNCTION periods_placement_fixed();
DROP FUNCTION obligations_key_fixed();
DROP FUNCTION matrix_cells_clear();
DROP FUNCTION matrix_cells_rebuild();
DROP FUNCTION matrix_cells_sync();
DROP FUNCTION matrix_patch(bytea, bytea);
DROP FUNCTION matrix_cell(bigint, text, timestamptz, timestamptz);
DROP TABLE matrix_cells;
