-- The calendar as data that ships: a day is off (a holiday) or, for a
-- weekend day worked in exchange for a day swapped off, working; and the
-- official calendar embedded in the binary is loaded once per version of
-- it (calendar_sources), so an administrator's later changes stay.

-- +goose Up
ALTER TABLE holidays ADD COLUMN kind text NOT NULL DEFAULT 'off' CHECK (kind IN ('off', 'working'));

CREATE TABLE calendar_sources (
    checksum  text PRIMARY KEY,
    name      text NOT NULL,
    days      integer NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE calendar_sources;
ALTER TABLE holidays DROP COLUMN kind;
