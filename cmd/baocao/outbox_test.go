package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"

	"baocao/mail"
)

// TestDeliveredReminderLooksOfficial: from the configuration to the wire,
// a reminder sent by `outbox send` to a real SMTP server carries the
// display name (RFC 2047 encoded, headers stay 7-bit), the inspectors'
// Reply-To and a List-Id that mail filters can match.
func TestDeliveredReminderLooksOfficial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, st := smallFormDB(t)
	owingCommunes(t, st, 1)
	sink, err := mail.StartSink(mail.SinkOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() }) //nolint:errcheck
	env := []string{
		"BAOCAO_DATABASE_URL=" + url, "BAOCAO_DATA_DIR=" + t.TempDir(), "BAOCAO_LOG_LEVEL=warn",
		"BAOCAO_SMTP_HOST=" + sink.Host(), "BAOCAO_SMTP_PORT=" + strconv.Itoa(sink.Port()), "BAOCAO_SMTP_TLS=none",
		"BAOCAO_SMTP_FROM=baocao@snv.dongnai.gov.vn", "BAOCAO_SMTP_REPLY_TO=thanhtra@snv.dongnai.gov.vn",
	}
	if out, err := runCLI(ctx, t, env, "outbox", "send"); err != nil || !strings.Contains(out, "sent 1,") {
		t.Fatalf("outbox send: %q, %v", out, err)
	}
	got := sink.Messages()
	if len(got) != 1 {
		t.Fatalf("sink holds %d messages, want 1", len(got))
	}
	head, _, _ := bytes.Cut(got[0].Data, []byte("\r\n\r\n"))
	for _, b := range head {
		if b >= 0x80 {
			t.Fatalf("raw header has a non-ASCII byte:\n%s", head)
		}
	}
	m, err := netmail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	decoded := func(name string) string {
		t.Helper()
		v, err := dec.DecodeHeader(m.Header.Get(name))
		if err != nil {
			t.Fatalf("decode %s %q: %v", name, m.Header.Get(name), err)
		}
		return v
	}
	if raw := m.Header.Get("From"); !strings.Contains(strings.ToLower(raw), "=?utf-8?") {
		t.Errorf("From %q: the display name is not RFC 2047 encoded", raw)
	}
	from, err := netmail.ParseAddress(decoded("From"))
	if err != nil || from.Name != "Hệ thống báo cáo dân chủ ở cơ sở" || from.Address != "baocao@snv.dongnai.gov.vn" {
		t.Errorf("From %q (%v), want the default display name and smtp.from", decoded("From"), err)
	}
	if rt := m.Header.Get("Reply-To"); !strings.Contains(rt, "thanhtra@snv.dongnai.gov.vn") {
		t.Errorf("Reply-To %q, want smtp.reply_to", rt)
	}
	if raw := m.Header.Get("List-Id"); !strings.HasSuffix(raw, " <baocao.snv.dongnai.gov.vn>") {
		t.Errorf("List-Id %q: the id must stay outside the encoded words", raw)
	}
	if id := decoded("List-Id"); id != "Nhắc báo cáo <baocao.snv.dongnai.gov.vn>" {
		t.Errorf("decoded List-Id %q", id)
	}
}
