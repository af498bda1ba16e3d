package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newMigrateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations (re-running is a no-op)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx) // applies the migrations
			if err != nil {
				return err
			}
			defer st.Close()
			state, err := st.MigrationState(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "schema at version %d (latest %d)\n", state.Current, state.Latest)
			return nil
		},
	}
}

func newConfigCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := a.cfg.Masked()
			if err != nil {
				return err
			}
			if a.cfg.File != "" {
				fmt.Fprintf(a.out, "# from %s, BAOCAO_* environment and flags\n", a.cfg.File)
			} else {
				fmt.Fprintln(a.out, "# no configuration file; defaults, BAOCAO_* environment and flags")
			}
			fmt.Fprint(a.out, out)
			return nil
		},
	}
}
