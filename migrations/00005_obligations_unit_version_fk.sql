-- +goose Up
-- An obligation names its unit twice: by code, and by the unit version in
-- effect when its period opened. One composite key now checks both and
-- that they agree (the version is of that unit), where two separate keys
-- checked neither the agreement nor anything the composite one misses
-- (the version's unit must exist). Opening a period for 10,000 units does
-- one key check per row fewer.
ALTER TABLE unit_versions ADD CONSTRAINT unit_versions_id_unit_code_key UNIQUE (id, unit_code);
ALTER TABLE obligations
    DROP CONSTRAINT obligations_unit_code_fkey,
    DROP CONSTRAINT obligations_unit_version_id_fkey,
    ADD CONSTRAINT obligations_unit_version_fkey FOREIGN KEY (unit_version_id, unit_code) REFERENCES unit_versions (id, unit_code);

-- +goose Down
ALTER TABLE obligations
    DROP CONSTRAINT obligations_unit_version_fkey,
    ADD CONSTRAINT obligations_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES units (code),
    ADD CONSTRAINT obligations_unit_version_id_fkey FOREIGN KEY (unit_version_id) REFERENCES unit_versions (id);
ALTER TABLE unit_versions DROP CONSTRAINT unit_versions_id_unit_code_key;
