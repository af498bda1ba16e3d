-- +goose Up
-- A link to set one's password, e-mailed to a new user (invite) or to one
-- whose password an administrator reset (reset): only its hash is kept;
-- it works once, until it expires, and a newer link of the same user
-- supersedes it.
CREATE TABLE password_links (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_links_user_idx ON password_links (user_id);

-- +goose Down
DROP TABLE password_links;
