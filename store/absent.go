package store

import "baocao/reporting"

// The answers for an object that is not there. Callers that refuse to show
// an object a user may not see answer with the same error, word for word,
// so that an outsider cannot tell which ids exist.

// ErrNoObligation is the error Obligation gives for (period, unit).
func ErrNoObligation(unitCode string, periodID int64) error {
	return reporting.Errorf(reporting.ENOTFOUND, msgNoObligation, unitCode, periodID)
}

// ErrSubmissionAbsent is the error Submission gives for id.
func ErrSubmissionAbsent(id int64) error {
	return reporting.Errorf(reporting.ENOTFOUND, msgSubmissionAbsent, id)
}

// ErrUnitAbsent is the error UnitHistory gives for code.
func ErrUnitAbsent(code string) error {
	return reporting.Errorf(reporting.ENOTFOUND, msgUnitNotFound, code)
}
