package ops

// SetBeforeStore makes s call f between reading an upload and storing it:
// the window a race test puts a concurrent decision in.
func SetBeforeStore(s *Service, f func()) { s.beforeStore = f }

// SetParsing makes s call f while an upload holds its parse slot.
func SetParsing(s *Service, f func()) { s.parsing = f }
