-- A stored number is one a form can accept (reporting.Limit): at most 10^15
-- either way, at most two decimals. numeric never overflows, so sums over
-- any number of units stay exact; the bound keeps out what validation
-- refuses (a 400-digit amount; 'Infinity', which numeric takes since
-- PostgreSQL 14) should any path ever skip it. NOT VALID: values stored
-- before the bounds existed stay, and consolidate exactly too.

-- +goose Up
ALTER TABLE submission_values ADD CONSTRAINT submission_values_num_bounded
    CHECK (num BETWEEN -1e15 AND 1e15 AND scale(num) <= 2) NOT VALID;

-- +goose Down
ALTER TABLE submission_values DROP CONSTRAINT submission_values_num_bounded;
