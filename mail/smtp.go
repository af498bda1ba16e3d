package mail

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode says whether the SMTP connection is upgraded with STARTTLS.
type TLSMode string

// TLS modes, as written in smtp.tls.
const (
	TLSNone             TLSMode = "none"              // plain text, for a relay on the same host or the sink
	TLSStartTLS         TLSMode = "starttls"          // upgrade when the server offers it
	TLSStartTLSRequired TLSMode = "starttls_required" // refuse to send without it
)

// SMTPOptions configure an SMTP sender.
type SMTPOptions struct {
	// Host and Port of the SMTP server (submission is usually port 587).
	Host string
	Port int
	// Username and Password, when set, authenticate with the strongest
	// mechanism the server offers.
	Username, Password string
	// From is the sender address, "baocao@snv.gov.vn" or with its own
	// display name, "Sở Nội vụ <baocao@snv.gov.vn>".
	From string
	// FromName is the display name shown for From when From has none
	// ("Hệ thống báo cáo dân chủ ở cơ sở"); it is sent RFC 2047 encoded.
	FromName string
	// TLS is TLSNone, TLSStartTLS or TLSStartTLSRequired; empty is
	// TLSStartTLS.
	TLS TLSMode
	// Timeout bounds connecting and every SMTP command; 0 is
	// DefaultSMTPTimeout.
	Timeout time.Duration
	// HELO is the name given in EHLO; empty is the machine's host name.
	HELO string
}

// DefaultSMTPTimeout is SMTPOptions.Timeout's default: long enough for a
// slow relay, short enough that one dead server does not stall a batch.
const DefaultSMTPTimeout = 30 * time.Second

// SMTP sends messages to one SMTP server, one connection per message.
type SMTP struct {
	opts   SMTPOptions
	policy gomail.TLSPolicy
}

// NewSMTP checks opts and returns a sender; nothing is dialled yet.
func NewSMTP(opts SMTPOptions) (*SMTP, error) {
	if opts.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	if opts.Port < 1 || opts.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d is not a TCP port", opts.Port)
	}
	if _, err := mail.ParseAddress(opts.From); err != nil {
		return nil, fmt.Errorf("smtp: from %q is not an e-mail address: %w", opts.From, err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultSMTPTimeout
	}
	s := &SMTP{opts: opts}
	switch opts.TLS {
	case TLSNone:
		s.policy = gomail.NoTLS
	case TLSStartTLS, "":
		s.policy = gomail.TLSOpportunistic
	case TLSStartTLSRequired:
		s.policy = gomail.TLSMandatory
	default:
		return nil, fmt.Errorf("smtp: tls %q is not one of none, starttls, starttls_required", opts.TLS)
	}
	return s, nil
}

// From is the configured sender address.
func (s *SMTP) From() string { return s.opts.From }

// Send delivers m. A 5xx refusal of a recipient comes back as a
// *RejectedError; any other failure (server down, 4xx, timeout) is worth
// retrying.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	err := s.send(ctx, m)
	var rej *RejectedError
	if !errors.As(err, &rej) || len(rej.Recipients) == 0 {
		return err
	}
	// Some recipients refused for good: the others still get the message
	// — a supervisor's dead mailbox in Cc must not silence the unit's
	// reminder — unless every main recipient is among the refused.
	keep := func(addrs []string) []string {
		var out []string
		for _, a := range addrs {
			if !slices.ContainsFunc(rej.Recipients, func(r string) bool { return strings.EqualFold(r, a) }) {
				out = append(out, a)
			}
		}
		return out
	}
	rest := m
	rest.To, rest.Cc = keep(m.To), keep(m.Cc)
	if len(rest.To) == 0 {
		return err
	}
	if err := s.send(ctx, rest); err != nil {
		return err
	}
	return &PartialError{Refused: rej.Recipients, Reason: rej.Reason}
}

// send delivers m as addressed, in one SMTP transaction.
func (s *SMTP) send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{
		gomail.WithPort(s.opts.Port),
		gomail.WithTLSPolicy(s.policy),
		gomail.WithTimeout(s.opts.Timeout),
	}
	if s.opts.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.opts.HELO))
	}
	if s.opts.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.opts.Username),
			gomail.WithPassword(s.opts.Password))
	}
	c, err := gomail.NewClient(s.opts.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client for %s: %w", s.opts.Host, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() && se.ErrorCode() >= 500 {
			return &RejectedError{Code: se.ErrorCode(), Reason: se.Error(), Recipients: refusedRecipients(se.Error())}
		}
		return fmt.Errorf("send %s via %s:%d: %w", m.ID, s.opts.Host, s.opts.Port, err)
	}
	return nil
}

// build turns m into a go-mail message: UTF-8, quoted-printable, subject
// encoded per RFC 2047, plain text with an HTML alternative.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := s.setFrom(msg); err != nil {
		return nil, fmt.Errorf("message %s: from: %w", m.ID, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("message %s: reply-to: %w", m.ID, err)
		}
	}
	if m.ListID != "" {
		msg.SetGenHeaderPreformatted("List-Id", encodeListID(m.ListID))
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("message %s: to: %w", m.ID, err)
	}
	if len(m.Cc) > 0 {
		if err := msg.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("message %s: cc: %w", m.ID, err)
		}
	}
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID)
	}
	if m.Date.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Date)
	}
	msg.Subject(m.Subject)
	// An automatic message (RFC 3834): no out-of-office replies to it.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetUserAgent("baocao")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// setFrom writes From with FromName as its display name, unless From
// carries its own.
func (s *SMTP) setFrom(msg *gomail.Msg) error {
	a, err := mail.ParseAddress(s.opts.From)
	if err != nil {
		return err
	}
	if a.Name == "" && s.opts.FromName != "" {
		return msg.FromFormat(s.opts.FromName, a.Address)
	}
	return msg.From(s.opts.From)
}

// encodeListID encodes a List-Id's description per RFC 2047 and leaves its
// <id> as it is: encoded words may not contain the angle brackets, and a
// filter matches the id.
func encodeListID(v string) string {
	i := strings.LastIndex(v, "<")
	if i < 0 {
		return v
	}
	desc := strings.TrimSpace(v[:i])
	if desc == "" {
		return v[i:]
	}
	return mime.QEncoding.Encode("utf-8", desc) + " " + v[i:]
}

// refusedRecipients reads the recipients a go-mail SendError names ("…,
// affected recipient(s): a@x.vn, b@x.vn[, affected message ID: …]"): it
// has no accessor for them. The sink test holds the format to it.
func refusedRecipients(msg string) []string {
	const head, tail = ", affected recipient(s): ", ", affected message ID"
	i := strings.Index(msg, head)
	if i < 0 {
		return nil
	}
	list := msg[i+len(head):]
	if j := strings.Index(list, tail); j >= 0 {
		list = list[:j]
	}
	var out []string
	for _, a := range strings.Split(list, ", ") {
		if a = strings.Trim(strings.TrimSpace(a), "<>"); a != "" {
			out = append(out, a)
		}
	}
	return out
}
