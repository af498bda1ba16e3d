package reporting

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Status is where an obligation stands at a moment (DESIGN.md §2, flow 4).
// Timeliness counts the first version, completeness the latest one that
// was not returned.
type Status string

// The statuses of an obligation.
const (
	// StatusPending: nothing in yet, and the deadline has not passed.
	StatusPending Status = "pending"
	// StatusSubmitted: the first version came by the deadline.
	StatusSubmitted Status = "submitted"
	// StatusLate: the first version came after the deadline.
	StatusLate Status = "late"
	// StatusMissing: the deadline has passed with nothing in.
	StatusMissing Status = "missing"
	// StatusReturned: the latest version was sent back; a new one is owed.
	StatusReturned Status = "returned"
	// StatusAccepted: the latest version was accepted.
	StatusAccepted Status = "accepted"
	// StatusExempt: the unit need not report this period.
	StatusExempt Status = "exempt"
)

// Statuses lists every status in the order reports show them.
var Statuses = []Status{StatusPending, StatusSubmitted, StatusLate, StatusMissing, StatusReturned, StatusAccepted, StatusExempt}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Label is the status's Vietnamese name.
func (s Status) Label() string {
	switch s {
	case StatusPending:
		return labelPending
	case StatusSubmitted:
		return labelSubmitted
	case StatusLate:
		return labelLate
	case StatusMissing:
		return labelMissing
	case StatusReturned:
		return labelReturned
	case StatusAccepted:
		return labelAccepted
	case StatusExempt:
		return labelExempt
	}
	return string(s)
}

// Decision is a reviewer's verdict on a submission.
type Decision string

// The decisions. A returned submission needs a reason and asks the unit for
// a new version.
const (
	DecisionAccepted Decision = "accepted"
	DecisionReturned Decision = "returned"
)

// Label is the decision's Vietnamese name.
func (d Decision) Label() string {
	switch d {
	case DecisionAccepted:
		return labelDecisionAccepted
	case DecisionReturned:
		return labelDecisionReturned
	}
	return string(d)
}

// ParseDecision reads a decision as typed: "accepted" or "accept",
// "returned" or "return", or the Vietnamese "chấp nhận", "trả lại"; case
// and surrounding spaces ignored. Anything else is an EINVALID *Error.
func ParseDecision(s string) (Decision, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "accepted", "accept", "chấp nhận":
		return DecisionAccepted, nil
	case "returned", "return", "trả lại":
		return DecisionReturned, nil
	}
	return "", Errorf(EINVALID, msgDecisionInvalid, s)
}

// ValidateReview checks a decision and its reason: returning a submission
// needs a reason the unit can act on.
func ValidateReview(d Decision, reason string) error {
	if d != DecisionAccepted && d != DecisionReturned {
		return Errorf(EINVALID, msgDecisionInvalid, string(d))
	}
	if d == DecisionReturned && strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, msgReturnReason)
	}
	return nil
}

// ValidateExemption checks an exemption's reason, which is required.
func ValidateExemption(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, msgExemptReason)
	}
	return nil
}

// LockException is how far past its period's lock an administrator may
// extend a unit's deadline: a lock exception, under which the unit may
// still file until its new deadline.
const LockException = 90 * 24 * time.Hour

// ValidateExtension checks a deadline extension: a reason, and a new
// deadline no later than the period's lock (after it nobody may file) or,
// with pastLock (an administrator's lock exception), no later than
// LockException after it.
func ValidateExtension(newDeadline, locksAt time.Time, reason string, pastLock bool) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return Errorf(EINVALID, msgExtendReason)
	case newDeadline.IsZero():
		return Errorf(EINVALID, msgExtendNoDeadline)
	case !pastLock && newDeadline.After(locksAt):
		return Errorf(EINVALID, msgExtendPastLock, FormatDateTime(locksAt))
	case pastLock && newDeadline.After(locksAt.Add(LockException)):
		return Errorf(EINVALID, msgExtendPastException, FormatDateTime(locksAt), int(LockException/(24*time.Hour)))
	}
	return nil
}

// FormatDateTime writes a moment the Vietnamese way, in its own location:
// "16/06/2026 23:59".
func FormatDateTime(t time.Time) string { return t.Format("02/01/2006 15:04") }

// DaysLate counts the days by which an obligation is late at moment at:
// from the deadline to the first version, or to at while nothing is in;
// 0 when on time or not yet due. A day started counts whole, so a version
// one second after a 23:59:59 deadline is one day late.
func DaysLate(deadline time.Time, first *time.Time, at time.Time) int {
	end := at
	if first != nil && !first.After(at) {
		end = *first
	}
	if !end.After(deadline) {
		return 0
	}
	return int(math.Ceil(end.Sub(deadline).Hours() / 24))
}

// Rate is part/whole as a fraction, 0 when whole is 0 (a period where
// every unit was exempt has nothing to be late with).
func Rate(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// The Vietnamese labels and messages of obligation status, review,
// exemption and extension, in one place for review. The labels read as the
// consolidated report's do (consolidate.go), so a unit's status is worded
// the same on every page and sheet.
const (
	labelPending   = "Chưa đến hạn"
	labelSubmitted = "Đã gửi đúng hạn"
	labelLate      = "Gửi muộn"
	labelMissing   = "Quá hạn, chưa gửi"
	labelReturned  = "Bị trả lại, chưa gửi lại"
	labelAccepted  = "Đã được chấp nhận"
	labelExempt    = "Được miễn báo cáo"

	labelDecisionAccepted = "Chấp nhận"
	labelDecisionReturned = "Trả lại"

	msgDecisionInvalid     = "Quyết định %q không hợp lệ; chọn \"accepted\" (chấp nhận) hoặc \"returned\" (trả lại)."
	msgReturnReason        = "Xin ghi rõ lý do trả lại báo cáo để đơn vị sửa và gửi lại."
	msgExemptReason        = "Xin ghi rõ lý do miễn báo cáo cho đơn vị."
	msgExtendReason        = "Xin ghi rõ lý do gia hạn."
	msgExtendNoDeadline    = "Xin nhập hạn nộp mới."
	msgExtendPastLock      = "Hạn nộp mới không được sau thời điểm khóa sổ của kỳ báo cáo (%s); chỉ quản trị viên được mở khóa sổ cho từng đơn vị."
	msgExtendPastException = "Mở khóa sổ cho đơn vị được tối đa %[2]d ngày sau thời điểm khóa sổ của kỳ (%[1]s)."
)
