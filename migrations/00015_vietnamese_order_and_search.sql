-- Vietnamese order and accent-free search in SQL, so pages can filter, sort
-- and page a 10,000-unit period in the database instead of reading every
-- row into the server.
--
-- vi_natural is ICU's Vietnamese collation with numeric ordering ("Xã 2"
-- before "Xã 10"): the order of package vi (golang.org/x/text's collator
-- for Vietnamese with collate.Numeric); a test compares the two on the
-- province's real unit names.
--
-- vi_fold is vi.Fold in SQL: tone marks and other combining diacritics
-- removed, đ as d, lower case; unit_versions.name_folded keeps it stored,
-- so a search is a substring test, not a regular expression per row.

-- +goose Up
CREATE COLLATION IF NOT EXISTS vi_natural (provider = icu, locale = 'vi-u-kn-true');

CREATE FUNCTION vi_fold(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(regexp_replace(normalize(s, NFD), '[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'), 'đĐ', 'dd'));

ALTER TABLE unit_versions ADD COLUMN name_folded text GENERATED ALWAYS AS (vi_fold(name)) STORED;

-- +goose Down
ALTER TABLE unit_versions DROP COLUMN name_folded;
DROP FUNCTION vi_fold(text);
DROP COLLATION IF EXISTS vi_natural;
