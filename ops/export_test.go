package ops

// SetBeforeStore makes s call f between reading an upload and storing it:
// the window a race test puts a concurrent decision in.
func SetBeforeStore(s *Service, f func()) { s.beforeStore = f }

// SetParsing makes s call f while an upload holds its parse slot.
func SetParsing(s *Service, f func()) { s.parsing = f }

// SetSignalRead makes s call f as each fresh read of a period's signals
// starts: a test holds the read there.
func SetSignalRead(s *Service, f func()) { s.signalRead = f }
