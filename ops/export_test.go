package ops

// SetBeforeStore makes s call f between reading an upload and storing it:
// the window a race test puts a concurrent decision in.
func SetBeforeStore(s *Service, f func()) { s.beforeStore = f }
