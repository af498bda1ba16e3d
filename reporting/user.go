package reporting

import (
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// Role is what a user may do, and where.
type Role string

// The roles. An admin runs the system; an inspector follows the whole
// province (reviews, reminders, reports); a supervisor follows the subtree
// under its unit (a district over its communes); a clerk files its own
// unit's reports.
const (
	RoleAdmin      Role = "admin"
	RoleInspector  Role = "inspector"
	RoleSupervisor Role = "supervisor"
	RoleClerk      Role = "clerk"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleInspector, RoleSupervisor, RoleClerk}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// NeedsUnit reports whether a user of role r must belong to a unit: a
// supervisor's and a clerk's rights are defined by it.
func (r Role) NeedsUnit() bool { return r == RoleSupervisor || r == RoleClerk }

// Label is the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Quản trị hệ thống"
	case RoleInspector:
		return "Chuyên viên theo dõi, tổng hợp"
	case RoleSupervisor:
		return "Cán bộ theo dõi đơn vị cấp dưới"
	case RoleClerk:
		return "Cán bộ báo cáo của đơn vị"
	}
	return string(r)
}

// User is a person who signs in. UnitCode is "" for an admin or inspector
// who belongs to no particular unit.
type User struct {
	ID       int64
	Email    string
	Name     string
	Role     Role
	UnitCode string
	Active   bool
}

// The Vietnamese messages of users and permissions, in one place for review.
const (
	msgRoleInvalid       = "Vai trò %q không hợp lệ; chọn một trong: %s."
	msgUserEmailInvalid  = "Địa chỉ e-mail %q không hợp lệ."
	msgNameRequired      = "Xin nhập họ và tên người dùng."
	msgUnitRequired      = "Người dùng có vai trò %q phải thuộc một đơn vị."
	msgPasswordLength    = "Mật khẩu phải có từ %d đến %d ký tự."
	msgForbiddenFile     = "Bạn không có quyền gửi báo cáo cho đơn vị %s."
	msgForbiddenReview   = "Bạn không có quyền duyệt báo cáo của đơn vị %s."
	msgForbiddenView     = "Bạn không có quyền xem thông tin của đơn vị %s."
	msgForbiddenRole     = "Chức năng này chỉ dành cho: %s."
	msgForbiddenInactive = "Tài khoản của bạn đã bị khóa. Xin liên hệ quản trị viên."
)

// Password length bounds, in characters. The upper bound keeps hashing a
// submitted password cheap enough to not be a lever for denial of service.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// ParseRole reads a role name as typed (case and spaces ignored); an
// unknown one is an EINVALID *Error listing the roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.Valid() {
		return r, nil
	}
	choices := make([]string, len(Roles))
	for i, x := range Roles {
		choices[i] = string(x) + " (" + x.Label() + ")"
	}
	return "", Errorf(EINVALID, msgRoleInvalid, s, strings.Join(choices, ", "))
}

// NormalizeEmail trims and lower-cases an e-mail address and checks that it
// is a bare address (no display name); otherwise an EINVALID *Error.
// Addresses are compared lower-cased everywhere: people do not remember the
// case they typed.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e || len(e) > 254 {
		return "", Errorf(EINVALID, msgUserEmailInvalid, s)
	}
	return e, nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		return Errorf(EINVALID, msgPasswordLength, MinPasswordLen, MaxPasswordLen)
	}
	return nil
}

// ValidateUser checks what a new user needs besides a password: a name, a
// known role, and a unit for the roles that need one. It does not look the
// unit up; the store does.
func ValidateUser(u User) error {
	if strings.TrimSpace(u.Name) == "" {
		return Errorf(EINVALID, msgNameRequired)
	}
	if !u.Role.Valid() {
		_, err := ParseRole(string(u.Role))
		return err
	}
	if u.Role.NeedsUnit() && u.UnitCode == "" {
		return Errorf(EINVALID, msgUnitRequired, u.Role.Label())
	}
	return nil
}

// The permission checks. ancestors is the parent chain of unitCode on the
// day that matters (parent first, up to the root; see store.UnitAncestors);
// unitCode itself may or may not be in it. An inactive user may do nothing.

// CanFileFor reports whether u may upload unitCode's reports. A clerk files
// for its own unit only; a supervisor for its unit and every unit below it;
// an admin for any unit (entering a report that came on paper). An inspector
// never files: it reviews what units send, and reviewing its own filings
// would defeat the review.
func CanFileFor(u User, unitCode string, ancestors []string) bool {
	if !u.Active {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleSupervisor:
		return u.UnitCode == unitCode || inSubtree(u.UnitCode, unitCode, ancestors)
	case RoleClerk:
		return u.UnitCode == unitCode
	}
	return false
}

// CanReview reports whether u may accept or return unitCode's submissions.
// Inspectors and admins review anywhere; a supervisor reviews the units
// below its own but not its own unit, whose reports go up for review.
func CanReview(u User, unitCode string, ancestors []string) bool {
	if !u.Active {
		return false
	}
	switch u.Role {
	case RoleAdmin, RoleInspector:
		return true
	case RoleSupervisor:
		return inSubtree(u.UnitCode, unitCode, ancestors)
	}
	return false
}

// CanViewUnit reports whether u may see unitCode's obligations and
// submissions: whoever may file or review them, so admins and inspectors
// everywhere, a supervisor its unit and subtree, a clerk its unit.
func CanViewUnit(u User, unitCode string, ancestors []string) bool {
	return CanFileFor(u, unitCode, ancestors) || CanReview(u, unitCode, ancestors)
}

// inSubtree reports whether unitCode lies strictly below root.
func inSubtree(root, unitCode string, ancestors []string) bool {
	return root != "" && root != unitCode && slices.Contains(ancestors, root)
}

// AuthorizeFile is CanFileFor as an error: nil, or an EFORBIDDEN *Error.
func AuthorizeFile(u User, unitCode string, ancestors []string) error {
	return authorize(u, CanFileFor(u, unitCode, ancestors), msgForbiddenFile, unitCode)
}

// AuthorizeReview is CanReview as an error: nil, or an EFORBIDDEN *Error.
func AuthorizeReview(u User, unitCode string, ancestors []string) error {
	return authorize(u, CanReview(u, unitCode, ancestors), msgForbiddenReview, unitCode)
}

// AuthorizeView is CanViewUnit as an error: nil, or an EFORBIDDEN *Error.
func AuthorizeView(u User, unitCode string, ancestors []string) error {
	return authorize(u, CanViewUnit(u, unitCode, ancestors), msgForbiddenView, unitCode)
}

// AuthorizeRole is nil when u is active and has one of roles, otherwise an
// EFORBIDDEN *Error naming the roles allowed.
func AuthorizeRole(u User, roles ...Role) error {
	labels := make([]string, len(roles))
	for i, r := range roles {
		labels[i] = r.Label()
	}
	return authorize(u, slices.Contains(roles, u.Role), msgForbiddenRole, strings.Join(labels, ", "))
}

func authorize(u User, ok bool, format, arg string) error {
	switch {
	case !u.Active:
		return Errorf(EFORBIDDEN, msgForbiddenInactive)
	case !ok:
		return Errorf(EFORBIDDEN, format, arg)
	}
	return nil
}

// ScopeOf is the units u may see in compliance queries, unit histories,
// matrices and reports, as CanViewUnit has it: admins and inspectors
// everything, a supervisor its unit and the units below it, a clerk its
// unit. An inactive user sees nothing (the zero scope).
func ScopeOf(u User) UnitScope {
	if !u.Active {
		return UnitScope{}
	}
	switch u.Role {
	case RoleAdmin, RoleInspector:
		return AllUnits
	case RoleSupervisor:
		return UnitScope{Subtree: u.UnitCode}
	case RoleClerk:
		return UnitScope{Codes: []string{u.UnitCode}}
	}
	return UnitScope{}
}

// Empty reports whether the scope shows nothing.
func (sc UnitScope) Empty() bool { return !sc.All && len(sc.Codes) == 0 && sc.Subtree == "" }

// AuthorizeDeadlines lets u exempt units and move deadlines if it is an
// inspector or administrator: the province's office sets the regime.
func AuthorizeDeadlines(u User) error { return AuthorizeRole(u, RoleAdmin, RoleInspector) }
