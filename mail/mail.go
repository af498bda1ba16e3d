// Package mail is baocao's e-mail: the Sender seam, its SMTP implementation
// (go-mail), the Vietnamese reminder messages, and Sink, an in-process SMTP
// server on loopback that the demo and the tests send to.
//
// It knows nothing of the database. The outbox is the reminders table
// (store), and the scheduler claims rows there and hands them to a Sender.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Message is one e-mail, ready to send. From is the Sender's.
type Message struct {
	// ID is the Message-ID without angle brackets. It is derived from the
	// outbox row (see MessageID), so a message sent twice after a crash
	// carries the same ID both times and mail clients can fold the copies.
	ID      string
	To, Cc  []string
	Subject string
	// Text and HTML are the two alternative bodies, both UTF-8.
	Text, HTML string
	// Date is the Date header; zero means the moment of sending.
	Date time.Time
	// ReplyTo, when set, is the Reply-To address: where a clerk's answer
	// goes, since the sender address is usually not read.
	ReplyTo string
	// ListID, when set, is the List-Id header (RFC 2919) as written by
	// ListID: "Nhắc báo cáo <baocao.snv.gov.vn>". Mail clients and
	// servers filter on it, so the province's mail can be sorted apart.
	ListID string
}

// Sender delivers one message. An error means it was not accepted; a
// *RejectedError (see IsPermanent) means retrying will not help.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// RejectedError is a permanent refusal of recipients by the SMTP server
// (a 5xx reply to RCPT TO): the address does not exist or is not allowed.
type RejectedError struct {
	Code   int    // the SMTP reply code, 5xx
	Reason string // the server's reply and the recipients concerned
	// Recipients are the addresses refused.
	Recipients []string
}

// PartialError says a message was delivered, but not to every recipient:
// the server refused Refused for good (Reason), and the message went to
// the others. It is not a failure of the message.
type PartialError struct {
	Refused []string
	Reason  string
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("delivered, except to %s: %s", strings.Join(e.Refused, ", "), e.Reason)
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("recipient rejected permanently (%d): %s", e.Code, e.Reason)
}

// IsPermanent reports whether err says the message can never be delivered
// as addressed, so the outbox should stop retrying.
func IsPermanent(err error) bool {
	var r *RejectedError
	return errors.As(err, &r)
}

// listName is the List-Id's description, the one Vietnamese string here.
const listName = "Nhắc báo cáo"

// ListID is the List-Id of every e-mail baocao sends from the address
// from: "Nhắc báo cáo <baocao.snv.gov.vn>" (see Domain).
func ListID(from string) string {
	return listName + " <baocao." + Domain(from) + ">"
}

// DefaultMessageIDDomain is the right-hand side of Message-IDs when the
// sender address gives none.
const DefaultMessageIDDomain = "baocao.local"

// MessageID is a stable Message-ID (without brackets) for an outbox row:
// local at the domain of from, "reminder-42@so-noi-vu.gov.vn", or at
// DefaultMessageIDDomain when from has no usable domain.
func MessageID(local, from string) string {
	return local + "@" + Domain(from)
}

// Domain is the domain of the address from ("Sở Nội vụ <bc@snv.gov.vn>"
// gives snv.gov.vn), or DefaultMessageIDDomain.
func Domain(from string) string {
	addr := from
	if a, err := mail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	_, d, ok := strings.Cut(addr, "@")
	if !ok || d == "" || strings.ContainsAny(d, "<> \t") {
		return DefaultMessageIDDomain
	}
	return strings.ToLower(d)
}
