package reporting

import (
	"strings"
	"testing"
)

func TestPermissions(t *testing.T) {
	t.Parallel()
	// The tree: province 75 > district 731 > communes 26001, 26002;
	// province 75 > district 732 > commune 26101.
	chain := map[string][]string{
		"75":    nil,
		"731":   {"75"},
		"732":   {"75"},
		"26001": {"731", "75"},
		"26002": {"731", "75"},
		"26101": {"732", "75"},
	}
	user := func(r Role, unit string) User { return User{ID: 1, Role: r, UnitCode: unit, Active: true} }
	inactive := user(RoleAdmin, "")
	inactive.Active = false
	tests := []struct {
		name               string
		u                  User
		unit               string
		file, review, view bool
	}{
		{"clerk, own unit", user(RoleClerk, "26001"), "26001", true, false, true},
		{"clerk, sibling unit", user(RoleClerk, "26001"), "26002", false, false, false},
		{"clerk, its parent", user(RoleClerk, "26001"), "731", false, false, false},
		{"supervisor, own unit", user(RoleSupervisor, "731"), "731", true, false, true},
		{"supervisor, commune below", user(RoleSupervisor, "731"), "26001", true, true, true},
		{"supervisor, commune of another district", user(RoleSupervisor, "731"), "26101", false, false, false},
		{"supervisor, the province above", user(RoleSupervisor, "731"), "75", false, false, false},
		{"supervisor of the province, a commune two levels down", user(RoleSupervisor, "75"), "26101", true, true, true},
		{"inspector, any commune", user(RoleInspector, ""), "26101", false, true, true},
		{"inspector with a unit, its own unit", user(RoleInspector, "75"), "75", false, true, true},
		{"admin, any unit", user(RoleAdmin, ""), "26002", true, true, true},
		{"inactive admin", inactive, "26002", false, false, false},
		{"unknown role", user(Role("guest"), "26001"), "26001", false, false, false},
		{"supervisor without a unit", user(RoleSupervisor, ""), "26001", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			anc := chain[tt.unit]
			if got := CanFileFor(tt.u, tt.unit, anc); got != tt.file {
				t.Errorf("CanFileFor = %v, want %v", got, tt.file)
			}
			if got := CanReview(tt.u, tt.unit, anc); got != tt.review {
				t.Errorf("CanReview = %v, want %v", got, tt.review)
			}
			if got := CanViewUnit(tt.u, tt.unit, anc); got != tt.view {
				t.Errorf("CanViewUnit = %v, want %v", got, tt.view)
			}
			// A chain that also names the unit itself changes nothing.
			withSelf := append([]string{tt.unit}, anc...)
			if got := CanReview(tt.u, tt.unit, withSelf); got != tt.review {
				t.Errorf("CanReview with the unit in its own chain = %v, want %v", got, tt.review)
			}
			err := AuthorizeFile(tt.u, tt.unit, anc)
			if (err == nil) != tt.file {
				t.Fatalf("AuthorizeFile = %v, want allowed %v", err, tt.file)
			}
			if err != nil && tt.u.Active && (ErrorCode(err) != EFORBIDDEN || ErrorMessage(err) != "Bạn không có quyền gửi báo cáo cho đơn vị "+tt.unit+".") {
				t.Errorf("AuthorizeFile error %v: want EFORBIDDEN naming the unit", err)
			}
		})
	}
}

func TestAuthorizeRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		u       User
		wantMsg string // "" when allowed
	}{
		{"admin allowed", User{Role: RoleAdmin, Active: true}, ""},
		{"clerk refused, told who may", User{Role: RoleClerk, Active: true}, "Chức năng này chỉ dành cho: Quản trị hệ thống, Chuyên viên theo dõi, tổng hợp."},
		{"inactive admin refused", User{Role: RoleAdmin}, "Tài khoản của bạn đã bị khóa. Xin liên hệ quản trị viên."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := AuthorizeRole(tt.u, RoleAdmin, RoleInspector)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("AuthorizeRole = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EFORBIDDEN || ErrorMessage(err) != tt.wantMsg {
				t.Fatalf("AuthorizeRole = %v, want EFORBIDDEN %q", err, tt.wantMsg)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  Clerk.Xa@TanPhu.gov.VN ", "clerk.xa@tanphu.gov.vn"},
		{"a@b", "a@b"},
		{"Nguyễn Văn A <a@b.vn>", ""},
		{"no-at-sign", ""},
		{"two@@ats.vn", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeEmail(%q) error code %s, want EINVALID", tt.in, ErrorCode(err))
		}
	}
}

func TestValidateUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		u       User
		wantErr string
	}{
		{"clerk with unit", User{Name: "Lê Thị B", Role: RoleClerk, UnitCode: "26001"}, ""},
		{"inspector without unit", User{Name: "Trần C", Role: RoleInspector}, ""},
		{"clerk without unit", User{Name: "Lê Thị B", Role: RoleClerk}, "phải thuộc một đơn vị"},
		{"supervisor without unit", User{Name: "Lê Thị B", Role: RoleSupervisor}, "phải thuộc một đơn vị"},
		{"no name", User{Name: " ", Role: RoleAdmin}, "họ và tên"},
		{"unknown role", User{Name: "X", Role: "root"}, `Vai trò "root" không hợp lệ`},
	}
	for _, tt := range tests {
		err := ValidateUser(tt.u)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.wantErr) {
			t.Errorf("%s: error %v, want EINVALID containing %q", tt.name, err, tt.wantErr)
		}
	}
	for _, pw := range []string{"", "1234567", strings.Repeat("x", MaxPasswordLen+1)} {
		if ValidatePassword(pw) == nil {
			t.Errorf("ValidatePassword(%d chars) = nil, want an error", len(pw))
		}
	}
	if err := ValidatePassword("mật khẩu"); err != nil { // 8 characters, more bytes
		t.Errorf("ValidatePassword(8 Vietnamese characters) = %v", err)
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	if r, err := ParseRole(" Supervisor "); err != nil || r != RoleSupervisor {
		t.Errorf("ParseRole(Supervisor) = %q, %v", r, err)
	}
	_, err := ParseRole("boss")
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "clerk (Cán bộ báo cáo của đơn vị)") {
		t.Errorf("ParseRole(boss) = %v, want EINVALID listing the roles", err)
	}
}
