package ops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// formV1 is a valid definition; formV2 changes a label and adds a field.
const formV1 = `code: NAP-THU
title: Biểu nạp thử
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2026-01-01"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0}
`

// formThreeMistakes has an unknown field type, a rule over a field that
// does not exist and a missing section title.
const formThreeMistakes = `code: NAP-THU
title: Biểu nạp thử
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2026-01-01"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: integer}
  - title: ""
    fields:
      - {code: so_nguoi, label: Số người, type: int}
rules:
  - {expr: "so_nguoi <= khong_co", message: "Số người không quá số không có"}
`

// TestLoadFormYAML: an administrator's file with three mistakes gets all
// three, each with its place, and nothing is stored; a good one is shown
// against the current version, then stored as a new version and audited;
// loading the current text again stores nothing; other roles, an empty,
// a huge or a non-YAML file are refused.
func TestLoadFormYAML(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	svc := storetest.Ops(st, hcm)
	now := time.Date(2026, time.December, 3, 9, 0, 0, 0, hcm)
	admin := reporting.User{Email: "quantri@tinh.gov.vn", Role: reporting.RoleAdmin, Active: true}

	bad, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.yaml", []byte(formThreeMistakes), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad.Problems) != 3 || bad.Stored != nil {
		t.Fatalf("three mistakes: %d problems %+v, stored %v", len(bad.Problems), bad.Problems, bad.Stored)
	}
	wantWhere := []string{"section 2", "field so_cuoc", "rule 1"}
	for _, w := range wantWhere {
		found := false
		for _, p := range bad.Problems {
			found = found || p.File == "nap-thu.yaml" && strings.HasPrefix(p.Where, w) && p.Reason != ""
		}
		if !found {
			t.Errorf("no problem at %q in %+v", w, bad.Problems)
		}
	}
	if _, err := st.FormByCode(ctx, "NAP-THU"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("a refused file stored the form: %v", err)
	}

	check, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.yaml", []byte(formV1), false)
	if err != nil || len(check.Problems) > 0 || check.Stored != nil || check.Current != nil || len(check.Diff.Added) != 1 {
		t.Fatalf("check of a new form: %+v, %v", check, err)
	}
	if _, err := st.FormByCode(ctx, "NAP-THU"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("a check stored the form: %v", err)
	}
	v1, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.yaml", []byte(formV1), true)
	if err != nil || v1.Stored == nil || v1.Stored.Status != store.FormCreated || v1.Stored.Version != 1 {
		t.Fatalf("load v1: %+v, %v", v1.Stored, err)
	}
	formV2 := strings.Replace(formV1, "label: Số cuộc,", "label: Số cuộc đã tổ chức,", 1) + "      - {code: so_nguoi, label: Số người, type: int, min: 0}\n"
	v2, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu-2.yml", []byte(formV2), true)
	if err != nil || v2.Stored == nil || v2.Stored.Version != 2 || v2.Current == nil || v2.Current.Version != 1 ||
		len(v2.Diff.Added) != 1 || v2.Diff.Added[0].Code != "so_nguoi" || len(v2.Diff.Changed) != 1 || v2.Diff.Changed[0].Code != "so_cuoc" {
		t.Fatalf("load v2: %+v, %v", v2, err)
	}
	again, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu-2.yml", []byte(formV2), true)
	if err != nil || again.Stored == nil || again.Stored.Status != store.FormUnchanged || !again.Diff.Empty() {
		t.Errorf("the current text again: %+v, %v", again.Stored, err)
	}
	events, err := svc.AuditTrail(ctx, admin, store.AuditFilter{Action: "forms.load"})
	if err != nil || len(events) != 2 || events[0].Actor != admin.Email || events[0].ObjectID != "NAP-THU" {
		t.Errorf("audit: %+v, %v", events, err)
	}
	h, err := svc.FormHistory(ctx, admin, "NAP-THU")
	if err != nil || len(h) != 2 || h[0].Form.Version != 2 || !strings.Contains(h[0].Source, "Số cuộc đã tổ chức") {
		t.Errorf("history: %+v, %v", h, err)
	}

	inspector := reporting.User{Email: "thanhtra@tinh.gov.vn", Role: reporting.RoleInspector, Active: true}
	for name, try := range map[string]func() error{
		"inspector": func() error {
			_, err := svc.LoadFormYAML(ctx, inspector, now, "nap-thu.yaml", []byte(formV1), false)
			return err
		},
		"inspector's history": func() error { _, err := svc.FormHistory(ctx, inspector, "NAP-THU"); return err },
		"empty":               func() error { _, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.yaml", nil, false); return err },
		"huge": func() error {
			_, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.yaml", []byte(formV1+strings.Repeat("#", ops.MaxFormYAML)), false)
			return err
		},
		"not yaml": func() error {
			_, err := svc.LoadFormYAML(ctx, admin, now, "nap-thu.xlsx", []byte(formV1), false)
			return err
		},
	} {
		if err := try(); err == nil {
			t.Errorf("%s: accepted", name)
		} else if msg := reporting.ErrorMessage(err); !strings.ContainsAny(msg, "ýạệ") {
			t.Errorf("%s: %q is not a Vietnamese message", name, msg)
		}
	}
}
