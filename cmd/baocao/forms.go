package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"baocao/store"
	"baocao/templates"
)

func newFormsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "forms", Short: "Load and list report forms"}
	var dir string
	load := &cobra.Command{
		Use:   "load",
		Short: "Load the embedded form definitions (or those in --dir) into the database; a changed file becomes a new version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			files, err := a.formFiles(dir)
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.SyncForms(ctx, formSources(files))
			if err != nil {
				return err
			}
			for _, r := range res {
				fmt.Fprintln(a.out, r)
			}
			return nil
		},
	}
	load.Flags().StringVar(&dir, "dir", "", "a folder of *.yaml form definitions instead of the embedded ones")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the current version of every form",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			forms, err := st.CurrentForms(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tVERSION\tFIELDS\tRULES\tUNIT KINDS\tSCHEDULES\tTITLE")
			for _, f := range forms {
				var sch []string
				for _, s := range f.Schedules {
					sch = append(sch, string(s.Periodicity))
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%v\t%v\t%s\n", f.Code, f.Version, len(f.Fields()), len(f.Rules), f.UnitKinds, sch, f.Title)
			}
			return tw.Flush()
		}),
	}
	cmd.AddCommand(load, list)
	return cmd
}

func (a *app) formFiles(dir string) ([]templates.FormFile, error) {
	if dir == "" {
		return templates.EmbeddedForms()
	}
	return templates.LoadForms(os.DirFS(dir))
}

func formSources(files []templates.FormFile) []store.FormSource {
	out := make([]store.FormSource, len(files))
	for i, f := range files {
		out[i] = store.FormSource{Definition: f.Form, Source: string(f.Source), Checksum: f.Checksum}
	}
	return out
}

// syncForms loads the embedded forms and scorecards, as serve and demo do
// at start.
func (a *app) syncForms(ctx context.Context, st *store.Store) error {
	files, err := templates.EmbeddedForms()
	if err != nil {
		return err
	}
	res, err := st.SyncShippedForms(ctx, formSources(files))
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Status != store.FormUnchanged {
			a.log.InfoContext(ctx, "form loaded", "form", r.Code, "status", r.Status, "version", r.Version)
		}
	}
	// The shipped scorecards score by these forms' fields.
	scs, err := templates.EmbeddedScorecards(templates.FormsByCode(files))
	if err != nil {
		return err
	}
	srcs := make([]store.ScorecardSource, len(scs))
	for i, f := range scs {
		srcs[i] = store.ScorecardSource{Definition: f.Scorecard, Source: string(f.Source), Checksum: f.Checksum}
	}
	res, err = st.SyncShippedScorecards(ctx, srcs)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Status != store.FormUnchanged {
			a.log.InfoContext(ctx, "scorecard loaded", "scorecard", r.Code, "status", r.Status, "version", r.Version)
		}
	}
	return nil
}
