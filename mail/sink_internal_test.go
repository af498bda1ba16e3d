package mail

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"
)

// TestSinkLeavesNothingWhenTheDiskIsFull: a message whose file cannot be
// written whole (the disk fills midway) is refused to the sender, who may
// retry, and leaves no empty or partial file in the folder.
func TestSinkLeavesNothingWhenTheDiskIsFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sink, err := StartSink(SinkOptions{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close() //nolint:errcheck
	sink.writeFile = func(name string, data []byte, perm os.FileMode) error {
		// Half the message reaches the disk, then it is full.
		if err := os.WriteFile(name, data[:len(data)/2], perm); err != nil {
			return err
		}
		return errors.New("write: no space left on device")
	}
	snd, err := NewSMTP(SMTPOptions{Host: sink.Host(), Port: sink.Port(), From: "baocao@snv.test", TLS: TLSNone, Timeout: 5 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	err = snd.Send(context.Background(), Message{ID: "x@snv.test", To: []string{"vanthu@xa.vn"}, Subject: "Thử", Text: "Nội dung"})
	if err == nil || IsPermanent(err) {
		t.Errorf("a full disk: %v, want a temporary failure", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
	if len(sink.Messages()) != 0 {
		t.Errorf("the sink kept %d messages", len(sink.Messages()))
	}
}
