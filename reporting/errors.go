package reporting

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses in one place in web/.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	// EUNAVAILABLE: the service is busy or a part of it is down; the
	// same request may succeed later (HTTP 503 with Retry-After).
	EUNAVAILABLE = "unavailable"
)

// Error is an error a user sees: a code and a message in Vietnamese.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode is the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage is the user-facing message of err, or a generic one for
// internal errors, whose details belong in the logs only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Lỗi hệ thống. Xin thử lại sau hoặc liên hệ quản trị viên."
}
