-- An obligation's unit version may change while its period is open: a
-- reorganisation imported after a period opened renames and re-parents
-- units that keep their codes, and the period is owed by the units as they
-- stand on its cut-off (ops.ReconcileOpenPeriods). The period and the unit
-- of an obligation stay fixed.

-- +goose Up
DROP TRIGGER obligations_key_fixed ON obligations;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION obligations_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'obligation (%, %): period and unit cannot change', OLD.period_id, OLD.unit_code;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER obligations_key_fixed BEFORE UPDATE ON obligations FOR EACH ROW
    WHEN (OLD.period_id <> NEW.period_id OR OLD.unit_code <> NEW.unit_code)
    EXECUTE FUNCTION obligations_key_fixed();

-- matrix_cells rows are per unit version: an obligation that moves to
-- another version leaves its former row and joins the new one. Both rows
-- are rebuilt from the obligations (an update that moves nothing costs one
-- join of the transition tables). The trigger runs after
-- matrix_cells_update (triggers fire in name order), so the rebuild has
-- the last word.
-- +goose StatementBegin
CREATE FUNCTION matrix_cells_version_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM before b JOIN changed c ON c.period_id = b.period_id AND c.unit_code = b.unit_code
                   WHERE b.unit_version_id <> c.unit_version_id) THEN
        RETURN NULL;
    END IF;
    DELETE FROM matrix_cells m
    USING (SELECT DISTINCT p.form_code, extract(year FROM p.data_from)::smallint, x.v
          FROM before b
          JOIN changed c ON c.period_id = b.period_id AND c.unit_code = b.unit_code
          JOIN periods p ON p.id = c.period_id
          CROSS JOIN LATERAL (VALUES (b.unit_version_id), (c.unit_version_id)) AS x (v)
          WHERE b.unit_version_id <> c.unit_version_id) AS g (form_code, year, unit_version_id)
    WHERE (m.form_code, m.year, m.unit_version_id) = (g.form_code, g.year, g.unit_version_id);
    INSERT INTO matrix_cells AS m (form_code, year, unit_version_id, cells)
    SELECT p.form_code, extract(year FROM p.data_from), o.unit_version_id,
           string_agg(matrix_cell(o.period_id, o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at),
                      ''::bytea ORDER BY o.period_id)
    FROM obligations o
    JOIN periods p ON p.id = o.period_id
    WHERE (p.form_code, extract(year FROM p.data_from)::smallint, o.unit_version_id) IN (SELECT DISTINCT p.form_code, extract(year FROM p.data_from)::smallint, x.v
          FROM before b
          JOIN changed c ON c.period_id = b.period_id AND c.unit_code = b.unit_code
          JOIN periods p ON p.id = c.period_id
          CROSS JOIN LATERAL (VALUES (b.unit_version_id), (c.unit_version_id)) AS x (v)
          WHERE b.unit_version_id <> c.unit_version_id)
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    -- Another transaction (opening another period of the form and year)
    -- may have written the row meanwhile: merge, as the other triggers do.
    ON CONFLICT (form_code, year, unit_version_id) DO UPDATE SET cells = matrix_patch(m.cells, excluded.cells);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER matrix_cells_version_moved AFTER UPDATE ON obligations
    REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION matrix_cells_version_moved();

-- +goose Down
DROP TRIGGER matrix_cells_version_moved ON obligations;
DROP FUNCTION matrix_cells_version_moved();
DROP TRIGGER obligations_key_fixed ON obligations;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION obligations_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'obligation (%, %): period, unit and unit version cannot change', OLD.period_id, OLD.unit_code;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER obligations_key_fixed BEFORE UPDATE ON obligations FOR EACH ROW
    WHEN (OLD.period_id <> NEW.period_id OR OLD.unit_code <> NEW.unit_code OR OLD.unit_version_id <> NEW.unit_version_id)
    EXECUTE FUNCTION obligations_key_fixed();
