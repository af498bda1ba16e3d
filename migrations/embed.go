// Package migrations holds baocao's numbered SQL migrations, embedded in the
// binary and applied in order by goose (see store.Migrate).
package migrations

import "embed"

// FS holds every *.sql migration file.
//
//go:embed *.sql
var FS embed.FS
