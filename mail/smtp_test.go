package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bmail "baocao/mail"
)

var hcm = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func startSink(t *testing.T, opts bmail.SinkOptions) *bmail.Sink {
	t.Helper()
	opts.Logger = quiet
	s, err := bmail.StartSink(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) //nolint:errcheck
	return s
}

func senderTo(t *testing.T, s *bmail.Sink) *bmail.SMTP {
	t.Helper()
	snd, err := bmail.NewSMTP(bmail.SMTPOptions{
		Host: s.Host(), Port: s.Port(), From: "Hệ thống báo cáo <baocao@snv.dongnai.gov.vn>",
		TLS: bmail.TLSNone, Timeout: 5 * time.Second, HELO: "localhost",
	})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// decoded is a received message read back the way a mail client reads it.
type decoded struct {
	Subject, MessageID, From, Cc string
	Text, HTML                   string
}

func decode(t *testing.T, raw []byte) decoded {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	var dec mime.WordDecoder
	var d decoded
	if d.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatalf("decode subject %q: %v", m.Header.Get("Subject"), err)
	}
	if d.From, err = dec.DecodeHeader(m.Header.Get("From")); err != nil {
		t.Fatalf("decode from: %v", err)
	}
	d.Cc = m.Header.Get("Cc")
	d.MessageID = m.Header.Get("Message-Id")
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, pp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(pp["charset"], "utf-8") {
			t.Fatalf("part %s has charset %q, want UTF-8", pt, pp["charset"])
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		switch pt {
		case "text/plain":
			d.Text = string(b)
		case "text/html":
			d.HTML = string(b)
		}
	}
	return d
}

func TestSMTPDeliversVietnameseThatDecodesBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sink := startSink(t, bmail.SinkOptions{Dir: dir})
	deadline := time.Date(2026, time.June, 16, 23, 59, 59, 999999000, hcm)
	c, err := bmail.Reminder(bmail.ReminderData{
		UnitName: "UBND xã Tân Lập", FormTitle: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)",
		PeriodLabel: "6 tháng đầu năm 2026", Deadline: deadline, Status: "pending",
		Link: "https://baocao.example/units/25195/periods/7", Now: time.Date(2026, time.June, 9, 8, 0, 0, 0, hcm), Location: hcm,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := bmail.MessageID("reminder-42", "Hệ thống báo cáo <baocao@snv.dongnai.gov.vn>")
	err = senderTo(t, sink).Send(context.Background(), bmail.Message{
		ID: id, To: []string{"vanphong@tanlap.gov.vn"}, Cc: []string{"ubnd@dongxoai.gov.vn"},
		Subject: c.Subject, Text: c.Text, HTML: c.HTML,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.Messages()
	if len(got) != 1 {
		t.Fatalf("sink holds %d messages, want 1", len(got))
	}
	r := got[0]
	if strings.Join(r.To, ",") != "vanphong@tanlap.gov.vn,ubnd@dongxoai.gov.vn" {
		t.Fatalf("envelope recipients %v", r.To)
	}
	if r.MessageID != "reminder-42@snv.dongnai.gov.vn" {
		t.Fatalf("sink saw Message-ID %q", r.MessageID)
	}
	// Headers are 7-bit on the wire; the Vietnamese is in encoded words.
	head, _, _ := bytes.Cut(r.Data, []byte("\r\n\r\n"))
	for _, b := range head {
		if b >= 0x80 {
			t.Fatalf("raw header has a non-ASCII byte:\n%s", head)
		}
	}

	d := decode(t, r.Data)
	wantSubject := "[Nhắc hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: còn 7 ngày (hạn 16/06/2026)"
	if d.Subject != wantSubject {
		t.Fatalf("decoded subject\n %q\nwant\n %q", d.Subject, wantSubject)
	}
	if d.MessageID != "<reminder-42@snv.dongnai.gov.vn>" {
		t.Fatalf("Message-ID header %q", d.MessageID)
	}
	if d.From != `"Hệ thống báo cáo" <baocao@snv.dongnai.gov.vn>` && d.From != "Hệ thống báo cáo <baocao@snv.dongnai.gov.vn>" {
		t.Fatalf("decoded From %q", d.From)
	}
	if !strings.Contains(d.Cc, "ubnd@dongxoai.gov.vn") {
		t.Fatalf("Cc header %q", d.Cc)
	}
	for _, want := range []string{
		"Kính gửi: UBND xã Tân Lập",
		"hạn nộp còn 7 ngày",
		"- Biểu mẫu: Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)",
		"- Kỳ báo cáo: 6 tháng đầu năm 2026",
		"- Hạn nộp: 16/06/2026 23:59",
		"- Tình trạng: Chưa nộp báo cáo",
		"https://baocao.example/units/25195/periods/7",
	} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("plain part lacks %q:\n%s", want, d.Text)
		}
	}
	for _, want := range []string{
		`<html lang="vi">`,
		"Kính gửi: <strong>UBND xã Tân Lập</strong>",
		"<strong>16/06/2026 23:59</strong>",
		`<a href="https://baocao.example/units/25195/periods/7">`,
		"Chưa nộp báo cáo",
	} {
		if !strings.Contains(d.HTML, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, d.HTML)
		}
	}
	// The folder holds the same bytes as an .eml file.
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 || files[0] != r.File {
		t.Fatalf(".eml files %v, message saved as %q", files, r.File)
	}
	if b, err := os.ReadFile(files[0]); err != nil || !bytes.Equal(b, r.Data) {
		t.Fatalf("saved .eml differs from the received message (%v)", err)
	}
}

func TestSMTPErrorsSayWhetherToRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sink := startSink(t, bmail.SinkOptions{Reject: func(rcpt string) bool { return rcpt == "khongton@tai.vn" }})
	snd := senderTo(t, sink)
	msg := func(to ...string) bmail.Message {
		return bmail.Message{ID: "x@baocao.local", To: to, Subject: "Thử", Text: "Nội dung"}
	}

	err := snd.Send(ctx, msg("khongton@tai.vn"))
	if !bmail.IsPermanent(err) || !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), "khongton@tai.vn") {
		t.Fatalf("rejected recipient: err = %v, want a permanent 550 naming the address", err)
	}
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("sink received %d messages, want 0", n)
	}
	// A refused copy address does not silence the message: the others
	// get it, once, and the refusal is said.
	withCc := msg("ok@tai.vn")
	withCc.Cc = []string{"khongton@tai.vn", "giamsat@tai.vn"}
	err = snd.Send(ctx, withCc)
	var pe *bmail.PartialError
	if !errors.As(err, &pe) || bmail.IsPermanent(err) || !slices.Equal(pe.Refused, []string{"khongton@tai.vn"}) || !strings.Contains(pe.Reason, "550") {
		t.Fatalf("a refused Cc: err = %v, want a partial delivery naming it", err)
	}
	got := sink.Messages()
	if len(got) != 1 || !slices.Equal(got[0].To, []string{"ok@tai.vn", "giamsat@tai.vn"}) {
		t.Fatalf("delivered %d messages to %v, want one to the two accepted", len(got), got)
	}
	// So does a refused one of two main recipients.
	if err := snd.Send(ctx, msg("ok@tai.vn", "khongton@tai.vn")); !errors.As(err, &pe) {
		t.Fatalf("one refused main recipient of two: err = %v, want partial", err)
	}

	// A server that is down is worth retrying.
	sink.Close() //nolint:errcheck
	err = snd.Send(ctx, msg("ok@tai.vn"))
	if err == nil || bmail.IsPermanent(err) {
		t.Fatalf("server down: err = %v, want a temporary error", err)
	}
}

func TestNewSMTPChecksOptions(t *testing.T) {
	t.Parallel()
	good := bmail.SMTPOptions{Host: "smtp.example", Port: 587, From: "a@b.vn", TLS: bmail.TLSStartTLSRequired}
	tests := []struct {
		name string
		edit func(o *bmail.SMTPOptions)
		ok   bool
	}{
		{"valid", func(*bmail.SMTPOptions) {}, true},
		{"default tls", func(o *bmail.SMTPOptions) { o.TLS = "" }, true},
		{"no host", func(o *bmail.SMTPOptions) { o.Host = "" }, false},
		{"bad port", func(o *bmail.SMTPOptions) { o.Port = 0 }, false},
		{"bad from", func(o *bmail.SMTPOptions) { o.From = "not an address" }, false},
		{"unknown tls", func(o *bmail.SMTPOptions) { o.TLS = "ssl" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := good
			tt.edit(&o)
			_, err := bmail.NewSMTP(o)
			if (err == nil) != tt.ok {
				t.Fatalf("NewSMTP(%+v) error = %v, want ok=%v", o, err, tt.ok)
			}
		})
	}
}

func TestMessageIDTakesTheSendersDomain(t *testing.T) {
	t.Parallel()
	tests := []struct{ from, want string }{
		{"baocao@SNV.DongNai.gov.vn", "reminder-7@snv.dongnai.gov.vn"},
		{"Sở Nội vụ <bc@snv.gov.vn>", "reminder-7@snv.gov.vn"},
		{"baocao@localhost", "reminder-7@localhost"},
		{"", "reminder-7@baocao.local"},
		{"no-at-sign", "reminder-7@baocao.local"},
	}
	for _, tt := range tests {
		if got := bmail.MessageID("reminder-7", tt.from); got != tt.want {
			t.Errorf("MessageID(reminder-7, %q) = %q, want %q", tt.from, got, tt.want)
		}
	}
}

func TestFromNameShowsUnlessFromCarriesItsOwn(t *testing.T) {
	t.Parallel()
	tests := []struct{ from, name, want string }{
		{"baocao@snv.gov.vn", "Hệ thống báo cáo dân chủ ở cơ sở", "Hệ thống báo cáo dân chủ ở cơ sở"},
		{"Sở Nội vụ <baocao@snv.gov.vn>", "Hệ thống báo cáo dân chủ ở cơ sở", "Sở Nội vụ"},
		{"baocao@snv.gov.vn", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.from+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			sink := startSink(t, bmail.SinkOptions{})
			snd, err := bmail.NewSMTP(bmail.SMTPOptions{Host: sink.Host(), Port: sink.Port(), From: tt.from, FromName: tt.name,
				TLS: bmail.TLSNone, Timeout: 5 * time.Second, HELO: "localhost"})
			if err != nil {
				t.Fatal(err)
			}
			if err := snd.Send(context.Background(), bmail.Message{ID: "x@snv.gov.vn", To: []string{"a@b.vn"}, Subject: "Thử", Text: "x"}); err != nil {
				t.Fatal(err)
			}
			m, err := mail.ReadMessage(bytes.NewReader(sink.Messages()[0].Data))
			if err != nil {
				t.Fatal(err)
			}
			a, err := (&mail.AddressParser{WordDecoder: &mime.WordDecoder{}}).Parse(m.Header.Get("From"))
			if err != nil || a.Name != tt.want || a.Address != "baocao@snv.gov.vn" {
				t.Fatalf("From %q decodes to %+v (%v), want name %q", m.Header.Get("From"), a, err, tt.want)
			}
			if m.Header.Get("Reply-To") != "" || m.Header.Get("List-Id") != "" {
				t.Fatalf("Reply-To %q, List-Id %q on a message that set neither", m.Header.Get("Reply-To"), m.Header.Get("List-Id"))
			}
		})
	}
}
