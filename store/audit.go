package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// AuditEvent is one entry of the append-only record of who did what to
// which object. There is no way to change or delete one: the store has no
// such method.
type AuditEvent struct {
	ID int64 `json:"id"`
	// At is when it happened; zero on Audit means the database's now().
	At time.Time `json:"at"`
	// Actor is who: a user's e-mail, or "system", "cli" for jobs and the
	// command line.
	Actor string `json:"actor"`
	// Action is what, as noun.verb: "units.import", "auth.login",
	// "submission.upload".
	Action string `json:"action"`
	// ObjectType and ObjectID name the object acted on ("user", "42").
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	// Details is anything JSON-encodable; nil is {}. Read back, it is a
	// json.RawMessage.
	Details any `json:"details"`
}

// Bounds of what an audit event keeps: keys (actor, object id) and each
// text value of the details, in characters; the details in all, in bytes
// of JSON.
const (
	maxAuditKey     = 256
	maxAuditValue   = 512
	maxAuditDetails = 16 << 10
)

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// boundDetails truncates the text values of the details shapes events use
// (maps of strings or of anything, one level deep); other values go as
// they are, under the bound on the whole.
func boundDetails(d any) any {
	switch m := d.(type) {
	case map[string]string:
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[truncate(k, maxAuditKey)] = truncate(v, maxAuditValue)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			if s, ok := v.(string); ok {
				v = truncate(s, maxAuditValue)
			}
			out[truncate(k, maxAuditKey)] = v
		}
		return out
	}
	return d
}

// DefaultAuditActor is the actor of events recorded without one.
const DefaultAuditActor = "system"

// Audit records e. It runs on the store's connection, so inside InTx it is
// part of the transaction: the event exists exactly when the change it
// describes was committed.
func (s *Store) Audit(ctx context.Context, e AuditEvent) error {
	if e.Action == "" || e.ObjectType == "" {
		return fmt.Errorf("audit event %+v: action and object type are required", e)
	}
	if e.Actor == "" {
		e.Actor = DefaultAuditActor
	}
	// Bounded: events are kept for good, and some come from requests no
	// one signed (a failed sign-in's e-mail and user agent).
	e.Actor, e.ObjectID = truncate(e.Actor, maxAuditKey), truncate(e.ObjectID, maxAuditKey)
	details := []byte("{}")
	if e.Details != nil {
		var err error
		if details, err = json.Marshal(boundDetails(e.Details)); err != nil {
			return fmt.Errorf("audit %s %s/%s: encode details: %w", e.Action, e.ObjectType, e.ObjectID, err)
		}
		if len(details) > maxAuditDetails {
			details, _ = json.Marshal(map[string]any{"truncated": true, "bytes": len(details)})
		}
	}
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := s.q.Exec(ctx, `
		INSERT INTO audit_events (at, actor, action, object_type, object_id, details)
		VALUES (coalesce($1, now()), $2, $3, $4, $5, $6::jsonb)`,
		at, e.Actor, e.Action, e.ObjectType, e.ObjectID, string(details))
	if err != nil {
		return fmt.Errorf("audit %s %s/%s: %w", e.Action, e.ObjectType, e.ObjectID, err)
	}
	return nil
}

// AuditFilter selects audit events; zero fields select everything.
type AuditFilter struct {
	Actor      string
	Action     string // exact, or a prefix ending in "." ("auth." for every sign-in event)
	ObjectType string
	ObjectID   string
	Since      time.Time // at >= Since
	Until      time.Time // at < Until
	// Limit caps the count, newest first; 0 is 1000.
	Limit int
}

// AuditEvents lists the events matching f, newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if strings.HasSuffix(f.Action, ".") {
		add("starts_with(action, $%d)", f.Action)
	} else if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since)
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	sql := `SELECT id, at, actor, action, object_type, object_id, details FROM audit_events`
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sql += fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT %d`, limit)
	rows, err := s.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEvent, error) {
		var (
			e       AuditEvent
			details []byte
		)
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &details)
		e.Details = json.RawMessage(details)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return events, nil
}

// PurgeAuditBefore deletes the audit events older than before and says
// how many it deleted.
func (s *Store) PurgeAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.q.Exec(ctx, `DELETE FROM audit_events WHERE at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("purge audit events before %s: %w", before.Format(time.RFC3339), err)
	}
	return tag.RowsAffected(), nil
}
