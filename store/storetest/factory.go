package storetest

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// Password is the password of every user made by User without one.
const Password = "mat-khau-thu-nghiem"

// DefaultFrom is the first day of units made by Unit without From: early
// enough for any period a test opens.
var DefaultFrom = reporting.Day(2000, time.January, 1)

// factorySeq makes codes and e-mails unique within the test binary; the pid
// keeps them apart from another binary's on a database both can see.
var factorySeq atomic.Int64

func nextSeq() string { return fmt.Sprintf("%d-%d", os.Getpid()%100000, factorySeq.Add(1)) }

// UnitOpts describe a unit for Unit; zero fields get defaults.
type UnitOpts struct {
	Code string             // default: a unique "TU<n>"
	Name string             // default: "Đơn vị thử <code>"
	Kind reporting.UnitKind // default: commune_pc
	// Parent is the parent's code. A parent that does not exist is created
	// as a district_pc from the same day, under RootCode. "" puts a unit
	// other than the province under RootCode (a unit list gives every unit
	// but the root a parent).
	Parent string
	From   time.Time // first active day, and the version's; default DefaultFrom
}

// RootCode is the province Unit puts units without a parent under.
const RootCode = "TROOT"

// Unit inserts a unit with one open-ended version (and its parent, see
// UnitOpts.Parent) and returns it as of its first day. o may be nil.
func Unit(t testing.TB, st *store.Store, o *UnitOpts) reporting.Unit {
	t.Helper()
	var opts UnitOpts
	if o != nil {
		opts = *o
	}
	if opts.Code == "" {
		opts.Code = "TU" + nextSeq()
	}
	if opts.Name == "" {
		opts.Name = "Đơn vị thử " + opts.Code
	}
	if opts.Kind == "" {
		opts.Kind = reporting.KindCommunePC
	}
	if opts.From.IsZero() {
		opts.From = DefaultFrom
	}
	if opts.Parent == "" && opts.Kind != reporting.KindProvince {
		opts.Parent = RootCode
	}
	if _, err := st.UnitByCode(t.Context(), opts.Parent, opts.From); opts.Parent != "" && err != nil {
		insertUnit(t, st, RootCode, "UBND tỉnh Thử", reporting.KindProvince, "", DefaultFrom)
		if opts.Parent != RootCode {
			insertUnit(t, st, opts.Parent, "Đơn vị thử "+opts.Parent, reporting.KindDistrictPC, RootCode, opts.From)
		}
	}
	insertUnit(t, st, opts.Code, opts.Name, opts.Kind, opts.Parent, opts.From)
	u, err := st.UnitByCode(t.Context(), opts.Code, opts.From)
	if err != nil {
		t.Fatalf("storetest.Unit %s: %v", opts.Code, err)
	}
	return u
}

// insertUnit adds code and its version from day from unless code exists,
// through the unit import.
func insertUnit(t testing.TB, st *store.Store, code, name string, kind reporting.UnitKind, parent string, from time.Time) {
	t.Helper()
	if _, err := st.UnitByCode(t.Context(), code, from); err == nil {
		return
	}
	f := from
	_, err := st.ImportUnits(t.Context(), []reporting.UnitRow{{Row: 2, Code: code, Name: name, Kind: kind, ParentCode: parent,
		ActiveFrom: &f}}, store.ImportOptions{Effective: from, Actor: "storetest"})
	if err != nil {
		t.Fatalf("storetest.Unit %s: %v", code, err)
	}
}

// UserOpts describe a user for User; zero fields get defaults.
type UserOpts struct {
	Role  reporting.Role // default: clerk
	Email string         // default: a unique "user<n>@test.baocao.vn"
	Name  string         // default: "Người dùng thử <n>"
	// UnitCode is the user's unit; for a clerk or supervisor without one, a
	// new unit is made (see Unit).
	UnitCode string
	Password string // default: Password
}

// User creates an active user and returns it. o may be nil.
func User(t testing.TB, st *store.Store, o *UserOpts) reporting.User {
	t.Helper()
	var opts UserOpts
	if o != nil {
		opts = *o
	}
	seq := nextSeq()
	if opts.Role == "" {
		opts.Role = reporting.RoleClerk
	}
	if opts.Email == "" {
		opts.Email = "user" + seq + "@test.baocao.vn"
	}
	if opts.Name == "" {
		opts.Name = "Người dùng thử " + seq
	}
	if opts.Password == "" {
		opts.Password = Password
	}
	if opts.UnitCode == "" && opts.Role.NeedsUnit() {
		opts.UnitCode = Unit(t, st, nil).Code
	}
	u, err := st.CreateUser(t.Context(), store.NewUser{
		Email: opts.Email, Name: opts.Name, Role: opts.Role, UnitCode: opts.UnitCode, Password: opts.Password,
	})
	if err != nil {
		t.Fatalf("storetest.User %s: %v", opts.Email, err)
	}
	return u
}
