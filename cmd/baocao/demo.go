package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// demoData is the demo province: Bình Phước's real 2024 units, the merged
// province after the 2025 reform, and Vietnam's public holidays.
//
//go:embed demo/*.csv
var demoData embed.FS

func newDemoCmd(a *app) *cobra.Command {
	var noServe bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start baocao with a demo province, provisioning PostgreSQL when none is configured",
		Long: `Start baocao with a working demo province. With no database.url it uses the
local PostgreSQL server (database "baocao") or provisions a private cluster
under data_dir from the machine's PostgreSQL binaries. It then loads the
forms, Vietnam's public holidays, the units of Bình Phước (2024) and of the
merged Đồng Nai (from 1 July 2025), opens every due period, and serves.
Running it again duplicates nothing.`,
		Args: cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			if err := a.ensureSecret(); err != nil {
				return err
			}
			if err := a.seedDemo(ctx, st, a.now(), demoFillSince); err != nil {
				return err
			}
			if noServe {
				return nil
			}
			return a.run(ctx, st, func(url string) {
				fmt.Fprintf(a.out, "\nbaocao demo is running at %s (health: %s/healthz). Ctrl-C stops it.\n", url, url)
			})
		}),
	}
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "load the demo data and exit")
	return cmd
}

// ensureSecret gives the demo a server secret kept in data_dir, so templates
// it signed stay valid across restarts.
func (a *app) ensureSecret() error {
	if a.cfg.Secret != "" {
		return nil
	}
	path := a.cfg.Abs("secret")
	if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) >= 32 {
		a.cfg.Secret = string(bytes.TrimSpace(b))
		return nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return fmt.Errorf("generate secret: %w", err)
	}
	a.cfg.Secret = hex.EncodeToString(buf)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(a.cfg.Secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("save demo secret: %w", err)
	}
	return nil
}

// demoReformBasis is the legal basis of the demo's 2025 successions.
const demoReformBasis = "Nghị quyết 1662/NQ-UBTVQH15"

// demoFillSince is the first data window the demo files reports for.
var demoFillSince = reporting.Day(2025, time.June, 1)

// seedDemo loads everything the demo province needs as at now, filing
// reports for the periods whose data window ends on or after fillSince
// (tests take fewer); each step is idempotent, so a second run changes
// nothing.
func (a *app) seedDemo(ctx context.Context, st *store.Store, now, fillSince time.Time) error {
	if err := a.syncForms(ctx, st); err != nil {
		return err
	}

	steps := []struct {
		file      string
		effective time.Time
		close     bool
		basis     string
	}{
		{"demo/units-2024.csv", time.Time{}, false, ""},
		// Its predecessors column is the former Bình Phước's part of
		// Resolution 1662/NQ-UBTVQH15 (README, "Units").
		{"demo/units-2025.csv", reporting.Day(2025, time.July, 1), true, demoReformBasis},
	}
	for _, s := range steps {
		rows, err := readDemoUnits(s.file)
		if err != nil {
			return err
		}
		res, err := a.ops(st).ImportUnits(ctx, demoActor, now, rows, store.ImportOptions{Effective: s.effective, CloseMissing: s.close, SuccessionBasis: s.basis})
		if err != nil {
			return fmt.Errorf("import %s: %w", s.file, err)
		}
		fmt.Fprintf(a.out, "units %s: %d created, %d new versions, %d unchanged, %d closed\n",
			strings.TrimPrefix(s.file, "demo/"), res.Created, res.Versioned, res.Unchanged, res.Closed)
	}
	res, err := a.ops(st).OpenDuePeriods(ctx, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "periods: %d opened now with %d obligations\n", res.Periods, res.Obligations)
	if err := a.seedDemoUsers(ctx, st); err != nil {
		return err
	}
	start := time.Now()
	filed, err := a.fillDemoSubmissions(ctx, st, now, fillSince)
	if err != nil {
		return err
	}
	if filed > 0 {
		fmt.Fprintf(a.out, "submissions: %d reports filed through the upload pipeline for periods since mid-2025 (%s)\n", filed, time.Since(start).Round(time.Second))
	}
	if _, err := a.ops(st).FlagMissing(ctx, now); err != nil {
		return err
	}
	return nil
}

// demoActor is who the demo's loading acts as, in the audit trail.
var demoActor = reporting.User{Email: "demo", Name: "Dữ liệu mẫu", Role: reporting.RoleAdmin, Active: true}

// demoPassword signs every demo user in; the demo prints it.
const demoPassword = "baocao-demo-2026"

// demoUsers are one user of each role.
var demoUsers = []store.NewUser{
	{Email: "admin@demo.baocao.vn", Name: "Quản trị hệ thống", Role: reporting.RoleAdmin},
	{Email: "thanhtra@demo.baocao.vn", Name: "Nguyễn Thị Thanh", Role: reporting.RoleInspector},
	{Email: "dongxoai@demo.baocao.vn", Name: "Trần Văn Giám (TP Đồng Xoài, 2024)", Role: reporting.RoleSupervisor, UnitCode: "689"},
	{Email: "binhphuoc@demo.baocao.vn", Name: "Lê Thị Văn (Phường Bình Phước)", Role: reporting.RoleClerk, UnitCode: "25195"},
	{Email: "sonoivu@demo.baocao.vn", Name: "Phạm Minh Nội (Sở Nội vụ)", Role: reporting.RoleClerk, UnitCode: "70.S02"},
}

func (a *app) seedDemoUsers(ctx context.Context, st *store.Store) error {
	created := 0
	for _, u := range demoUsers {
		if _, err := st.UserByEmail(ctx, u.Email); err == nil {
			continue
		}
		u.Password = demoPassword
		if _, err := st.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		created++
	}
	fmt.Fprintf(a.out, "users: %d created; every demo user signs in with password %q:\n", created, demoPassword)
	for _, u := range demoUsers {
		unit := ""
		if u.UnitCode != "" {
			unit = " of unit " + u.UnitCode
		}
		fmt.Fprintf(a.out, "  %-26s %s%s\n", u.Email, u.Role, unit)
	}
	return nil
}

func readDemoUnits(name string) ([]reporting.UnitRow, error) {
	f, err := demoData.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	rows, err := templates.ReadUnitList(f, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return rows, nil
}
