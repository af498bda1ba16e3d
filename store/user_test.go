package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		nu       func(unit string) store.NewUser
		wantCode string // "" for success
		wantMsg  string // part of the message
	}{
		{"clerk of an existing unit, e-mail lower-cased", func(unit string) store.NewUser {
			return store.NewUser{Email: " Van.A@TanPhu.GOV.vn ", Name: "Nguyễn Văn A", Role: reporting.RoleClerk, UnitCode: unit, Password: "mật khẩu đủ dài"}
		}, "", ""},
		{"inspector without a unit or password", func(string) store.NewUser {
			return store.NewUser{Email: "tt@snv.gov.vn", Name: "Trần Thị B", Role: reporting.RoleInspector}
		}, "", ""},
		{"bad e-mail", func(unit string) store.NewUser {
			return store.NewUser{Email: "van.a-at-tanphu", Name: "A", Role: reporting.RoleClerk, UnitCode: unit}
		}, reporting.EINVALID, "không hợp lệ"},
		{"clerk without a unit", func(string) store.NewUser {
			return store.NewUser{Email: "c@x.vn", Name: "C", Role: reporting.RoleClerk}
		}, reporting.EINVALID, "phải thuộc một đơn vị"},
		{"supervisor of a unit that does not exist", func(string) store.NewUser {
			return store.NewUser{Email: "d@x.vn", Name: "D", Role: reporting.RoleSupervisor, UnitCode: "NO-SUCH"}
		}, reporting.EINVALID, "Không có đơn vị mã NO-SUCH."},
		{"short password", func(unit string) store.NewUser {
			return store.NewUser{Email: "e@x.vn", Name: "E", Role: reporting.RoleClerk, UnitCode: unit, Password: "1234"}
		}, reporting.EINVALID, "Mật khẩu phải có từ 8"},
		{"unknown role", func(string) store.NewUser {
			return store.NewUser{Email: "f@x.vn", Name: "F", Role: "owner"}
		}, reporting.EINVALID, `Vai trò "owner"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Tx(t)
			unit := storetest.Unit(t, st, nil)
			nu := tt.nu(unit.Code)
			u, err := st.CreateUser(ctx, nu)
			if tt.wantCode != "" {
				if reporting.ErrorCode(err) != tt.wantCode || !strings.Contains(reporting.ErrorMessage(err), tt.wantMsg) {
					t.Fatalf("CreateUser = %v, want %s containing %q", err, tt.wantCode, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := reporting.User{ID: u.ID, Email: strings.ToLower(strings.TrimSpace(nu.Email)), Name: nu.Name, Role: nu.Role, UnitCode: nu.UnitCode, Active: true}
			if u != want || u.ID == 0 {
				t.Fatalf("CreateUser = %+v, want %+v", u, want)
			}
			for _, get := range []func() (reporting.User, error){
				func() (reporting.User, error) { return st.UserByID(ctx, u.ID) },
				func() (reporting.User, error) { return st.UserByEmail(ctx, strings.ToUpper(u.Email)) },
			} {
				if got, err := get(); err != nil || got != want {
					t.Errorf("read back %+v, %v; want %+v", got, err, want)
				}
			}
		})
	}
}

func TestCreateUserDuplicateEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	first := storetest.User(t, st, &storetest.UserOpts{Email: "trung@x.vn"})
	_, err := st.CreateUser(ctx, store.NewUser{Email: "TRUNG@x.vn", Name: "Người khác", Role: reporting.RoleAdmin})
	if reporting.ErrorCode(err) != reporting.ECONFLICT || reporting.ErrorMessage(err) != "Địa chỉ e-mail trung@x.vn đã được dùng." {
		t.Fatalf("second user with the same e-mail: %v, want ECONFLICT naming it", err)
	}
	// The transaction is still usable and the first user unchanged.
	if got, err := st.UserByEmail(ctx, "trung@x.vn"); err != nil || got != first {
		t.Fatalf("after the conflict: %+v, %v; want %+v", got, err, first)
	}
	users, err := st.Users(ctx)
	if err != nil || len(users) != 1 {
		t.Fatalf("Users = %v, %v; want the one user", users, err)
	}
}

func TestUserNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	if _, err := st.UserByEmail(ctx, "ai@dau.vn"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("UserByEmail(unknown) = %v, want ENOTFOUND", err)
	}
	if _, err := st.UserByID(ctx, 987654321); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("UserByID(unknown) = %v, want ENOTFOUND", err)
	}
	if err := st.SetPassword(ctx, 987654321, "mật khẩu mới đủ dài"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("SetPassword(unknown) = %v, want ENOTFOUND", err)
	}
}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	h1, err := store.HashPassword("mật khẩu bí mật")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := store.HashPassword("mật khẩu bí mật")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h1, "$") != 5 {
		t.Errorf("hash %q is not a PHC argon2id string with the current parameters", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no random salt")
	}
	// A hash with other parameters (as after raising them) still verifies.
	weaker := "$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$" // + key computed below
	tests := []struct {
		name    string
		hash    string
		pw      string
		want    bool
		wantErr bool
	}{
		{"right password", h1, "mật khẩu bí mật", true, false},
		{"right password, other salt", h2, "mật khẩu bí mật", true, false},
		{"wrong password", h1, "mật khẩu bí mậT", false, false},
		{"empty password", h1, "", false, false},
		{"tampered hash", h1[:len(h1)-2] + "AA", "mật khẩu bí mật", false, false},
		{"not argon2id", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"absurd memory", strings.Replace(weaker, "m=4096", "m=99999999", 1) + "AAAA", "x", false, true},
	}
	for _, tt := range tests {
		got, err := store.VerifyPassword(tt.hash, tt.pw)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: VerifyPassword = %v, %v; want %v, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := store.HashPassword("ngắn"); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("HashPassword(short) = %v, want EINVALID", err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	const badCredentials = "E-mail hoặc mật khẩu không đúng."
	tests := []struct {
		name     string
		setup    func(t *testing.T, st *store.Store, u reporting.User)
		email    string // "" is the user's, upper-cased
		password string
		wantCode string
		wantMsg  string
	}{
		{"right password, e-mail in another case", nil, "", storetest.Password, "", ""},
		{"wrong password", nil, "", "mat-khau-sai-roi", reporting.EUNAUTHORIZED, badCredentials},
		{"unknown e-mail, same message", nil, "khong-co@x.vn", storetest.Password, reporting.EUNAUTHORIZED, badCredentials},
		{"disabled user with the right password", func(t *testing.T, st *store.Store, u reporting.User) {
			if err := st.SetUserActive(context.Background(), u.ID, false); err != nil {
				t.Fatal(err)
			}
		}, "", storetest.Password, reporting.EFORBIDDEN, "đã bị khóa"},
		{"disabled user with a wrong password learns nothing", func(t *testing.T, st *store.Store, u reporting.User) {
			if err := st.SetUserActive(context.Background(), u.ID, false); err != nil {
				t.Fatal(err)
			}
		}, "", "mat-khau-sai-roi", reporting.EUNAUTHORIZED, badCredentials},
		{"old password after a change", func(t *testing.T, st *store.Store, u reporting.User) {
			if err := st.SetPassword(context.Background(), u.ID, "mật khẩu mới 2026"); err != nil {
				t.Fatal(err)
			}
		}, "", storetest.Password, reporting.EUNAUTHORIZED, badCredentials},
		{"new password after a change", func(t *testing.T, st *store.Store, u reporting.User) {
			if err := st.SetPassword(context.Background(), u.ID, "mật khẩu mới 2026"); err != nil {
				t.Fatal(err)
			}
		}, "", "mật khẩu mới 2026", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := storetest.Tx(t)
			u := storetest.User(t, st, nil)
			if tt.setup != nil {
				tt.setup(t, st, u)
			}
			email := tt.email
			if email == "" {
				email = strings.ToUpper(u.Email)
			}
			got, err := st.Authenticate(context.Background(), email, tt.password)
			if tt.wantCode == "" {
				if err != nil || got.ID != u.ID {
					t.Fatalf("Authenticate = %+v, %v; want user %d", got, err, u.ID)
				}
				return
			}
			if reporting.ErrorCode(err) != tt.wantCode || !strings.Contains(reporting.ErrorMessage(err), tt.wantMsg) {
				t.Fatalf("Authenticate = %v, want %s %q", err, tt.wantCode, tt.wantMsg)
			}
		})
	}
}

func TestAuthenticateUserWithoutPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	u, err := st.CreateUser(ctx, store.NewUser{Email: "chua-co-mk@x.vn", Name: "Chưa có", Role: reporting.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", storetest.Password} {
		if _, err := st.Authenticate(ctx, u.Email, pw); reporting.ErrorCode(err) != reporting.EUNAUTHORIZED {
			t.Errorf("Authenticate(%q) of a user without a password = %v, want EUNAUTHORIZED", pw, err)
		}
	}
}

func TestUnitAncestors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	// Province > district > commune until the 2025 reform; from 1/7/2025
	// the commune is directly under the province and the district closed.
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince})
	dist := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov.Code})
	commune := storetest.Unit(t, st, &storetest.UnitOpts{Parent: dist.Code})
	reform := reporting.Day(2025, time.July, 1)
	// The reform, as the unit import records it: the district closes the
	// day before, the commune gets a version under the province from that
	// day (each row takes effect on its own first day).
	lastDay, from := reform.AddDate(0, 0, -1), dist.ValidFrom
	if _, err := st.ImportUnits(ctx, []reporting.UnitRow{
		{Row: 2, Code: dist.Code, Name: dist.Name, Kind: dist.Kind, ParentCode: dist.ParentCode, ActiveFrom: &from, ActiveUntil: &lastDay},
		{Row: 3, Code: commune.Code, Name: "Phường mới", Kind: reporting.KindCommunePC, ParentCode: prov.Code, ActiveFrom: &reform},
	}, store.ImportOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		unit string
		day  time.Time
		want []string
	}{
		{"commune before the reform", commune.Code, reporting.Day(2025, time.June, 30), []string{dist.Code, prov.Code}},
		{"commune on the reform day", commune.Code, reform, []string{prov.Code}},
		{"district before the reform", dist.Code, reporting.Day(2024, time.January, 1), []string{prov.Code}},
		{"the root", prov.Code, reform, []string{}},
	}
	for _, tt := range tests {
		got, err := st.UnitAncestors(ctx, tt.unit, tt.day)
		if err != nil || strings.Join(got, ">") != strings.Join(tt.want, ">") {
			t.Errorf("%s: UnitAncestors = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if _, err := st.UnitAncestors(ctx, dist.Code, reform); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("UnitAncestors(closed district) = %v, want ENOTFOUND", err)
	}
}

// TestPermissionsOnUnitTree asks the permission checks with ancestors read
// from a stored tree, as the upload and review handlers do.
func TestPermissionsOnUnitTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince})
	distA := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov.Code})
	distB := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov.Code})
	communeA := storetest.Unit(t, st, &storetest.UnitOpts{Parent: distA.Code})
	communeB := storetest.Unit(t, st, &storetest.UnitOpts{Parent: distB.Code})
	clerk := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: communeA.Code})
	super := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleSupervisor, UnitCode: distA.Code})
	inspector := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	admin := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleAdmin})
	day := reporting.Day(2026, time.March, 1)
	tests := []struct {
		name         string
		u            reporting.User
		unit         string
		file, review bool
	}{
		{"clerk, own commune", clerk, communeA.Code, true, false},
		{"clerk, other commune", clerk, communeB.Code, false, false},
		{"supervisor, commune in its district", super, communeA.Code, true, true},
		{"supervisor, its own district", super, distA.Code, true, false},
		{"supervisor, commune of another district", super, communeB.Code, false, false},
		{"inspector, any commune", inspector, communeB.Code, false, true},
		{"admin, any commune", admin, communeB.Code, true, true},
	}
	for _, tt := range tests {
		anc, err := st.UnitAncestors(ctx, tt.unit, day)
		if err != nil {
			t.Fatal(err)
		}
		if got := reporting.CanFileFor(tt.u, tt.unit, anc); got != tt.file {
			t.Errorf("%s: CanFileFor = %v, want %v", tt.name, got, tt.file)
		}
		if got := reporting.CanReview(tt.u, tt.unit, anc); got != tt.review {
			t.Errorf("%s: CanReview = %v, want %v", tt.name, got, tt.review)
		}
	}
}
