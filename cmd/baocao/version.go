package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"baocao/web"
)

// version, when set at build time with -ldflags "-X main.version=…", wins
// over the module version the build info records.
var version = ""

// build is this binary's version and VCS revision, from the build info
// (buildOf).
func build() web.Build {
	bi, ok := debug.ReadBuildInfo()
	return buildOf(bi, ok, version)
}

// buildOf reads bi: the module version ("dev" for a build from a work
// tree, where Go records "(devel)"), and the revision, commit time and
// dirtiness go build records from git (not with -buildvcs=false).
func buildOf(bi *debug.BuildInfo, ok bool, override string) web.Build {
	b := web.Build{Version: override}
	if !ok || bi == nil {
		if b.Version == "" {
			b.Version = "dev"
		}
		return b
	}
	if b.Version == "" {
		b.Version = bi.Main.Version
	}
	if b.Version == "" || b.Version == "(devel)" {
		b.Version = "dev"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the VCS revision this binary was built from",
		Args:  cobra.NoArgs,
		// No configuration needed: the version prints even when it is bad.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(a.out, "baocao", build())
			return nil
		},
	}
}
