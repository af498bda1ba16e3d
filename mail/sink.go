package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// SinkOptions configure a Sink.
type SinkOptions struct {
	// Addr to listen on; empty is "127.0.0.1:0", a free loopback port.
	// Give the address of a closed sink to start a new one in its place.
	Addr string
	// Dir, when set, receives every message as an .eml file as well.
	Dir string
	// Reject, when set, refuses a recipient with "550 5.1.1" when it
	// returns true: a mailbox that does not exist.
	Reject func(rcpt string) bool
	// Logger receives one line per message; nil is slog.Default().
	Logger *slog.Logger
}

// Received is one message the sink accepted.
type Received struct {
	From string
	To   []string // the envelope recipients, Cc included
	// MessageID is the Message-ID header without brackets.
	MessageID string
	Data      []byte // the message as sent, headers and body
	At        time.Time
	// File is the .eml it was saved to, when SinkOptions.Dir is set.
	File string
}

// Sink is an SMTP server on loopback that accepts every message (except
// recipients Reject refuses) and keeps it in memory and optionally in a
// folder. The demo sends its mail there when no SMTP server is configured;
// tests use it to see what a real SMTP client delivered. It offers no TLS
// and no authentication.
type Sink struct {
	srv  *smtp.Server
	ln   net.Listener
	opts SinkOptions
	log  *slog.Logger

	mu   sync.Mutex
	msgs []Received
	seq  int
	// writeFile writes a file (os.WriteFile; a test puts a failing disk
	// in its place).
	writeFile func(name string, data []byte, perm os.FileMode) error
}

// StartSink listens on opts.Addr and serves in the background until Close.
func StartSink(opts SinkOptions) (*Sink, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("mail sink folder: %w", err)
		}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail sink: listen on %s: %w", opts.Addr, err)
	}
	s := &Sink{ln: ln, opts: opts, log: opts.Logger}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.MaxMessageBytes = 25 << 20
	s.srv.MaxRecipients = 1000
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = sinkErrorLog{log: opts.Logger}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.log.Error("mail sink stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return s, nil
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Host and Port split Addr, for an SMTP sender's options.
func (s *Sink) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port is the TCP port the sink listens on.
func (s *Sink) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// Messages is a copy of everything received so far, oldest first.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Close stops listening and drops open connections. Messages stay readable.
func (s *Sink) Close() error {
	err := s.srv.Close()
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	// The server knows the listener only once its Serve goroutine has
	// started; close it here too, so the port is shut when Close returns.
	if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) && err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("close mail sink: %w", err)
	}
	return nil
}

func (s *Sink) store(r Received) error {
	if m, err := mail.ReadMessage(bytes.NewReader(r.Data)); err == nil {
		r.MessageID = strings.Trim(m.Header.Get("Message-Id"), "<> ")
	}
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	if s.opts.Dir != "" {
		name := fmt.Sprintf("%s-%06d.eml", r.At.UTC().Format("20060102T150405Z"), seq)
		path := filepath.Join(s.opts.Dir, name)
		// Written aside and renamed, so a reader of the folder never sees
		// half a message.
		// A write that fails midway (a full disk) leaves nothing behind:
		// the client is told to try again, and no empty or half file
		// waits in the folder.
		tmp := path + ".tmp"
		write := s.writeFile
		if write == nil {
			write = os.WriteFile
		}
		if err := write(tmp, r.Data, 0o644); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("save message: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("save message: %w", err)
		}
		r.File = path
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, r)
	s.mu.Unlock()
	s.log.Info("mail sink received a message", "message_id", r.MessageID, "to", strings.Join(r.To, ", "), "file", r.File)
	return nil
}

// sinkSession is one SMTP transaction's state.
type sinkSession struct {
	sink *Sink
	from string
	to   []string
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.sink.opts.Reject != nil && ss.sink.opts.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox " + to + " unavailable"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.sink.store(Received{From: ss.from, To: slices.Clone(ss.to), Data: b, At: time.Now()}); err != nil {
		ss.sink.log.Error("mail sink could not keep a message", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot store the message now"}
	}
	return nil
}

// sinkErrorLog sends go-smtp's connection errors to slog at debug level:
// a client hanging up is no news.
type sinkErrorLog struct{ log *slog.Logger }

func (l sinkErrorLog) Printf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l sinkErrorLog) Println(v ...any)               { l.log.Debug(fmt.Sprint(v...)) }
