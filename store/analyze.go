package store

import (
	"context"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
)

// BulkRows is how many rows one write must change before the tables it
// touched are analyzed at once. Opening a period for a province adds
// thousands of obligations in one statement, and autovacuum's analyze
// comes only after a threshold and a nap: until then the planner costs
// the next queries (the deadline tick, the first compliance page) on
// statistics of a nearly empty table. Small writes leave it to autovacuum.
const BulkRows = 500

// AnalyzeAfter refreshes the planner statistics of tables after a
// committed write that changed rows rows, if that is at least BulkRows.
// Inside a transaction it does nothing: the rows are not committed yet,
// and ANALYZE would hold its lock to the end; the caller that commits
// calls it after. A failure is logged, not returned: the write stands.
func (s *Store) AnalyzeAfter(ctx context.Context, rows int, tables ...string) {
	if rows < BulkRows || len(tables) == 0 {
		return
	}
	if _, inTx := s.q.(pgx.Tx); inTx {
		return
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = pgx.Identifier{t}.Sanitize()
	}
	if _, err := s.q.Exec(ctx, "ANALYZE "+strings.Join(names, ", ")); err != nil {
		slog.WarnContext(ctx, "analyze after bulk write", "tables", tables, "rows", rows, "err", err)
	}
}
