package web

import (
	"context"
	"net/http"
	"time"
)

type healthReport struct {
	Status     string `json:"status"` // ok or error
	Database   string `json:"database"`
	Migrations struct {
		Current int64 `json:"current"`
		Latest  int64 `json:"latest"`
	} `json:"migrations"`
	Version string `json:"version,omitempty"`
}

// handleHealth answers 200 when the database answers and the schema is
// current, 503 otherwise, with the details as JSON.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	rep := healthReport{Status: "ok", Database: "ok", Version: s.opts.Version}
	status := http.StatusOK
	if err := s.opts.Store.Pool().Ping(ctx); err != nil {
		rep.Status, rep.Database, status = "error", "unreachable: "+err.Error(), http.StatusServiceUnavailable
	} else if st, err := s.opts.Store.MigrationState(ctx); err != nil {
		rep.Status, status = "error", http.StatusServiceUnavailable
		rep.Database = "migration state unknown: " + err.Error()
	} else {
		rep.Migrations.Current, rep.Migrations.Latest = st.Current, st.Latest
		if !st.UpToDate() {
			rep.Status, status = "error", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, status, rep)
}
