package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

// formSource is a one-line test form whose checksum follows its source, as
// it would from a file.
func formSource(code, title string) store.FormSource {
	src := "code: " + code + "\ntitle: " + title + "\n"
	sum := sha256.Sum256([]byte(src))
	return store.FormSource{
		Definition: reporting.Form{
			Code:      code,
			Title:     title,
			UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
			Sections: []reporting.Section{{Title: "I", Fields: []reporting.Field{
				{Code: "so_cuoc", Label: "Số cuộc", Type: reporting.TypeInt, Aggregate: reporting.AggSum},
			}}},
		},
		Source:   src,
		Checksum: hex.EncodeToString(sum[:]),
	}
}

func syncForms(t *testing.T, s *store.Store, files ...store.FormSource) []store.FormSync {
	t.Helper()
	got, err := s.SyncForms(context.Background(), files)
	if err != nil {
		t.Fatalf("SyncForms: %v", err)
	}
	return got
}

func statuses(res []store.FormSync) string {
	var out []string
	for _, r := range res {
		out = append(out, r.String())
	}
	return strings.Join(out, "; ")
}

func TestSyncForms(t *testing.T) {
	t.Parallel()
	a1, b1 := formSource("T-SYNC-A", "Biểu A"), formSource("T-SYNC-B", "Biểu B")
	a2 := formSource("T-SYNC-A", "Biểu A, sửa đổi")
	c1 := formSource("T-SYNC-C", "Biểu C")
	tests := []struct {
		name  string
		syncs [][]store.FormSource
		want  string // statuses of the last sync
	}{
		{"first sync creates version 1", [][]store.FormSource{{a1, b1}},
			"T-SYNC-A: created (version 1); T-SYNC-B: created (version 1)"},
		{"re-sync of unchanged files is a no-op", [][]store.FormSource{{a1, b1}, {a1, b1}},
			"T-SYNC-A: unchanged (version 1); T-SYNC-B: unchanged (version 1)"},
		{"changed source adds a version, in input order, among others", [][]store.FormSource{{a1, b1}, {c1, b1, a2}},
			"T-SYNC-C: created (version 1); T-SYNC-B: unchanged (version 1); T-SYNC-A: new version 2"},
		{"changing back is a new version too, not a return to v1", [][]store.FormSource{{a1}, {a2}, {a1}},
			"T-SYNC-A: new version 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := storetest.Tx(t)
			var got []store.FormSync
			for _, files := range tt.syncs {
				got = syncForms(t, s, files...)
			}
			if statuses(got) != tt.want {
				t.Errorf("last sync: %s\nwant:      %s", statuses(got), tt.want)
			}
			for _, r := range got {
				f, err := s.FormVersion(context.Background(), r.VersionID)
				if err != nil || f.Code != r.Code || f.Version != r.Version {
					t.Errorf("FormVersion(%d) = %s v%d, %v; want %s v%d", r.VersionID, f.Code, f.Version, err, r.Code, r.Version)
				}
			}
		})
	}
}

func TestSyncFormsKeepsOldVersionsReadable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	v1 := syncForms(t, s, formSource("T-KEEP", "Tên cũ"))[0]
	v2 := syncForms(t, s, formSource("T-KEEP", "Tên mới"))[0]
	if v2.Status != store.FormNewVersion || v2.Version != 2 || v2.VersionID == v1.VersionID {
		t.Fatalf("second sync %+v, want a new version 2", v2)
	}

	old, err := s.FormVersion(ctx, v1.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Title != "Tên cũ" || old.Version != 1 || old.VersionID != v1.VersionID {
		t.Errorf("version 1 reads %q v%d (id %d), want the old title as version 1", old.Title, old.Version, old.VersionID)
	}
	latest, err := s.FormByCode(ctx, "T-KEEP")
	if err != nil {
		t.Fatal(err)
	}
	if latest.Title != "Tên mới" || latest.Version != 2 || latest.VersionID != v2.VersionID {
		t.Errorf("FormByCode reads %q v%d, want the new title as version 2", latest.Title, latest.Version)
	}
	if id, version, err := s.LatestFormVersion(ctx, "T-KEEP"); err != nil || id != v2.VersionID || version != 2 {
		t.Errorf("LatestFormVersion = id %d v%d, %v; want id %d v2", id, version, err, v2.VersionID)
	}
	if _, _, err := s.LatestFormVersion(ctx, "T-NONE"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("LatestFormVersion of an unknown form: %v, want ENOTFOUND", err)
	}
	current, err := s.CurrentForms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range current {
		if f.Code == "T-KEEP" {
			n++
			if f.Version != 2 {
				t.Errorf("CurrentForms has T-KEEP v%d, want v2", f.Version)
			}
		}
	}
	if n != 1 {
		t.Errorf("CurrentForms lists T-KEEP %d times, want once", n)
	}
}

func TestFormNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	tests := []struct {
		name string
		get  func() error
		want string
	}{
		{"by code", func() error { _, err := s.FormByCode(ctx, "T-KHONG-CO"); return err }, "Không tìm thấy biểu mẫu T-KHONG-CO."},
		{"by version id", func() error { _, err := s.FormVersion(ctx, -1); return err }, "Không tìm thấy phiên bản biểu mẫu (mã -1)."},
	}
	for _, tt := range tests {
		// Not parallel: the subtests share one transaction.
		t.Run(tt.name, func(t *testing.T) {
			err := tt.get()
			if reporting.ErrorCode(err) != reporting.ENOTFOUND || reporting.ErrorMessage(err) != tt.want {
				t.Errorf("error %v, want %s %q", err, reporting.ENOTFOUND, tt.want)
			}
		})
	}
}

// TestEmbeddedFormsRoundTrip stores the shipped forms and reads them back
// unchanged: the JSON definition must keep schedules (day offsets, per-kind
// deadlines), ranges and rules exactly.
func TestEmbeddedFormsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	ffs, err := templates.EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	var files []store.FormSource
	for _, ff := range ffs {
		files = append(files, store.FormSource{Definition: ff.Form, Source: string(ff.Source), Checksum: ff.Checksum})
	}
	syncForms(t, s, files...)
	for _, ff := range ffs {
		got, err := s.FormByCode(ctx, ff.Form.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.VersionID == 0 {
			t.Errorf("%s: version %d (id %d), want 1", ff.Form.Code, got.Version, got.VersionID)
		}
		got.Version, got.VersionID = 0, 0
		if !reflect.DeepEqual(got, ff.Form) {
			t.Errorf("%s changed on the way through the database:\n got %+v\nwant %+v", ff.Form.Code, got, ff.Form)
		}
	}
}

// TestSyncFormsConcurrent starts two instances on one database and, for a
// few successive changes of one file, lets several callers sync the change
// at once: each change must add exactly one version.
func TestSyncFormsConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	const callers = 8
	var instances []*store.Store
	for range 2 {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		// Open the connections now, so the callers below really overlap
		// instead of queueing behind connection set-up.
		var conns []*pgxpool.Conn
		for range callers / 2 {
			c, err := s.Pool().Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Release()
		}
		instances = append(instances, s)
	}
	syncForms(t, instances[0], formSource("T-RACE", "Bản 1"))

	for version := 2; version <= 6; version++ {
		file := formSource("T-RACE", fmt.Sprintf("Bản %d", version))
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results = make([]store.FormSync, callers)
			errs    = make([]error, callers)
		)
		for i := range callers {
			wg.Go(func() {
				<-start
				res, err := instances[i%2].SyncForms(ctx, []store.FormSource{file})
				errs[i] = err
				if err == nil {
					results[i] = res[0]
				}
			})
		}
		close(start)
		wg.Wait()

		added := 0
		for i := range callers {
			if errs[i] != nil {
				t.Fatalf("change to version %d, caller %d: %v", version, i, errs[i])
			}
			if results[i].Version != version {
				t.Errorf("change to version %d: caller %d sees %s", version, i, results[i])
			}
			if results[i].Status == store.FormNewVersion {
				added++
			}
		}
		if added != 1 {
			t.Errorf("change to version %d: %d callers added a version, want exactly 1", version, added)
		}
	}
	var versions int
	if err := instances[0].Pool().QueryRow(ctx, `SELECT count(*) FROM form_versions WHERE form_code = 'T-RACE'`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if versions != 6 {
		t.Errorf("%d versions stored, want 6", versions)
	}
}

// TestSyncShippedFormsKeepsAnAdministratorsVersion: at every start the
// shipped definitions are synced; one the form already had in any version
// adds nothing, so a version loaded by an administrator since stays the
// latest; a shipped file that changed (an upgrade) becomes the latest; an
// administrator going back to an old text gets a new version of it.
func TestSyncShippedFormsKeepsAnAdministratorsVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	shipped1, admin2, shipped3 := formSource("T-SHIP", "Biểu gốc"), formSource("T-SHIP", "Biểu do quản trị sửa"), formSource("T-SHIP", "Biểu gốc, bản nâng cấp")
	steps := []struct {
		name    string
		sync    func(context.Context, []store.FormSource) ([]store.FormSync, error)
		file    store.FormSource
		want    string
		current string
	}{
		{"first start", s.SyncShippedForms, shipped1, "T-SHIP: created (version 1)", "Biểu gốc"},
		{"the administrator loads a version", s.SyncForms, admin2, "T-SHIP: new version 2", "Biểu do quản trị sửa"},
		{"a restart with the same binary", s.SyncShippedForms, shipped1, "T-SHIP: unchanged (version 2)", "Biểu do quản trị sửa"},
		{"an upgrade ships a changed form", s.SyncShippedForms, shipped3, "T-SHIP: new version 3", "Biểu gốc, bản nâng cấp"},
		{"the administrator goes back to the first text", s.SyncForms, shipped1, "T-SHIP: new version 4", "Biểu gốc"},
		{"and restarts", s.SyncShippedForms, shipped3, "T-SHIP: unchanged (version 4)", "Biểu gốc"},
	}
	for _, st := range steps {
		got, err := st.sync(ctx, []store.FormSource{st.file})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := s.FormByCode(ctx, "T-SHIP")
		if statuses(got) != st.want || err != nil || cur.Title != st.current {
			t.Errorf("%s: %s, current %q (%v); want %s, %q", st.name, statuses(got), cur.Title, err, st.want, st.current)
		}
	}
}
