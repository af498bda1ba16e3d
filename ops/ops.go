// Package ops holds every action a person or a job can take on the
// reporting regime, one method each on Service: download a template, check
// and submit an upload, review, exempt, extend, remind, open the periods
// that are due, flag passed deadlines, deliver the outbox, consolidate,
// and the reads the pages, the API and the command line show. Each takes
// the context, the acting user (System for jobs) and the moment; checks
// permission with reporting's rules; validates; writes through store in
// one transaction with its audit event and the obligation's history; and
// writes any e-mail (mail's texts). web, cmd and scheduler translate
// requests, flags and ticks into these calls and nothing else.
package ops

import (
	"log/slog"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// DefaultMaxUploadBytes is the largest upload when Options leave it unset:
// a filled template is tens of KB.
const DefaultMaxUploadBytes = 10 << 20

// DefaultHeldUploadBytes is Options.HeldUploadBytes when unset.
const DefaultHeldUploadBytes = 128 << 20

// DefaultParseWait is how long an upload waits for a parse slot when
// Options leave ParseWait unset.
const DefaultParseWait = 30 * time.Second

// Options configure a Service. Only cmd fills them, from the
// configuration.
type Options struct {
	// Secret signs templates and verifies uploads: the one they were
	// built with.
	Secret []byte
	// MaxUploadBytes is the largest upload accepted (upload.max_bytes),
	// enforced once, before the file is parsed; 0 is
	// DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// ParseLimit bounds how many uploads are parsed at once
	// (upload.parse_limit); 0 is the number of CPUs. Uploads beyond it
	// wait their turn, in order, up to ParseWait (upload.parse_wait; 0 is
	// DefaultParseWait), then are answered "busy, try again later".
	ParseLimit int
	ParseWait  time.Duration
	// HeldUploadBytes bounds the uploads' bytes held in memory between
	// their parse and their storing (upload.memory_budget; 0 is
	// DefaultHeldUploadBytes, and never less than MaxUploadBytes): past
	// it, an upload keeps its parse slot and waits for room, up to
	// ParseWait, then is answered "busy".
	HeldUploadBytes int64
	// AuditRetention is how long audit events are kept
	// (audit.retention_days); 0, the default, keeps them for good: they
	// are the legal trail of who did what.
	AuditRetention time.Duration
	// Location is the time zone of deadlines, reminders and dates shown.
	Location *time.Location
	// BaseURL is the public address e-mails link to
	// ("https://baocao.dongnai.gov.vn"); "" leaves links out.
	BaseURL string
	// Outbox configures delivery (see OutboxOptions).
	Outbox OutboxOptions
	// Logger receives what jobs and delivery report.
	Logger *slog.Logger
	// Observer, when set, is told what the actions did, for metrics
	// (package metrics implements it).
	Observer Observer
	// Signals are the data-quality signals' thresholds (signals.*); zero
	// fields take reporting.DefaultSignalOptions'.
	Signals reporting.SignalOptions
}

// Observer is told the outcome of every upload. ops keeps to this one
// method so that it needs no metrics library.
type Observer interface {
	Upload(outcome UploadOutcome)
}

// UploadOutcome is how an upload ended.
type UploadOutcome string

// The outcomes of an upload.
const (
	UploadStored    UploadOutcome = "stored"    // a new version was stored
	UploadDuplicate UploadOutcome = "duplicate" // identical to the latest version; nothing stored
	UploadRefused   UploadOutcome = "refused"   // problems for the clerk to fix
	UploadForbidden UploadOutcome = "forbidden" // the user may not file for the unit
	UploadTooLarge  UploadOutcome = "too_large" // over upload.max_bytes
	UploadBusy      UploadOutcome = "busy"      // no parse slot within upload.parse_wait
	UploadDryRun    UploadOutcome = "dry_run"   // checked, not meant to be stored
	UploadFailed    UploadOutcome = "error"     // an internal error
)

// UploadOutcomes lists every outcome, for metrics to start each at 0.
var UploadOutcomes = []UploadOutcome{UploadStored, UploadDuplicate, UploadRefused, UploadForbidden, UploadTooLarge, UploadBusy, UploadDryRun, UploadFailed}

// Service performs the actions on one database.
type Service struct {
	st   *store.Store
	opts Options
	log  *slog.Logger
	// beforeStore, when set (by this package's tests), runs after an
	// upload was read and validated and before its transaction: the
	// moment a concurrent decision can come between them.
	beforeStore func()
	// parses holds a token per upload being parsed (ParseLimit).
	parses chan struct{}
	// parsing, when set (by this package's tests), runs while an upload
	// holds its parse slot.
	parsing func()
	// readForms are the form versions uploads were read with, by id
	// (uploadForm).
	readForms sync.Map
	// held weighs the uploads' bytes held between parse and store
	// (HeldUploadBytes).
	held *semaphore.Weighted
	// signals keeps each period's signal detector until its data change;
	// signalRead, set by tests, is called as a fresh read starts.
	signals    signalCache
	signalRead func()
}

// New builds a Service on st.
func New(st *store.Store, opts Options) *Service {
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ParseLimit <= 0 {
		opts.ParseLimit = runtime.NumCPU()
	}
	if opts.ParseWait <= 0 {
		opts.ParseWait = DefaultParseWait
	}
	if opts.HeldUploadBytes <= 0 {
		opts.HeldUploadBytes = DefaultHeldUploadBytes
	}
	opts.HeldUploadBytes = max(opts.HeldUploadBytes, opts.MaxUploadBytes)
	opts.Outbox = opts.Outbox.withDefaults()
	return &Service{st: st, opts: opts, log: opts.Logger, parses: make(chan struct{}, opts.ParseLimit),
		held: semaphore.NewWeighted(opts.HeldUploadBytes)}
}

// MaxUploadBytes is the largest upload accepted, for transports that
// bound a request body before handing the file over.
func (s *Service) MaxUploadBytes() int64 { return s.opts.MaxUploadBytes }

// BaseURL is the public address of the service ("" when not configured).
func (s *Service) BaseURL() string { return s.opts.BaseURL }

// Location is the time zone the service shows dates in.
func (s *Service) Location() *time.Location { return s.opts.Location }

// System is the actor of scheduled jobs: it may do what the regime's
// calendar does (open periods, flag deadlines, send reminders).
var System = reporting.User{Email: store.DefaultAuditActor, Name: "Hệ thống", Role: reporting.RoleAdmin, Active: true}

// CLIAdmin is the built-in administrator the command line acts as unless
// told otherwise (--as).
var CLIAdmin = reporting.User{Email: "admin (cli)", Name: "Quản trị hệ thống", Role: reporting.RoleAdmin, Active: true}

func (s *Service) readOptions() templates.ReadOptions {
	return templates.ReadOptions{Secret: s.opts.Secret}
}

// userID is u's id for a foreign key, nil for a built-in actor.
func userID(u reporting.User) *int64 {
	if u.ID == 0 {
		return nil
	}
	return &u.ID
}
