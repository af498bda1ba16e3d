package main

import (
	"context"
	"runtime/debug"
	"testing"

	"baocao/web"
)

func TestBuildOf(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-07-01T08:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name     string
		bi       *debug.BuildInfo
		override string
		want     web.Build
		line     string
	}{
		{"no build info", nil, "", web.Build{Version: "dev"}, "dev"},
		{"work tree without vcs", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", web.Build{Version: "dev"}, "dev"},
		{"work tree with git", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "",
			web.Build{Version: "dev", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-07-01T08:00:00Z", Modified: true},
			"dev (0123456789ab+modified, 2026-07-01T08:00:00Z)"},
		{"go install of a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "", web.Build{Version: "v1.4.0"}, "v1.4.0"},
		{"ldflags win", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "2026.07-rc1", web.Build{Version: "2026.07-rc1"}, "2026.07-rc1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := buildOf(tt.bi, tt.bi != nil, tt.override)
			if got != tt.want {
				t.Errorf("buildOf = %+v, want %+v", got, tt.want)
			}
			if got.String() != tt.line {
				t.Errorf("String() = %q, want %q", got.String(), tt.line)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	// A bad configuration does not stop it.
	out, err := runCLI(context.Background(), t, []string{"BAOCAO_LOG_LEVEL=loud"}, "version")
	if err != nil {
		t.Fatal(err)
	}
	if want := "baocao " + build().String() + "\n"; out != want || build().Version == "" {
		t.Errorf("version printed %q, want %q", out, want)
	}
}
