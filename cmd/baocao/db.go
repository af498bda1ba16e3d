package main

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"baocao/store/pglocal"
)

func newDBCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "db", Short: "The database baocao uses"}
	var admin bool
	u := &cobra.Command{
		Use:   "url",
		Short: "Print the database URL in use: database.url, or the local server or private cluster the demo uses (provisioned if needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dbURL := a.cfg.Database.URL
			if dbURL == "" {
				res, err := pglocal.Ensure(cmd.Context(), pglocal.Options{DataDir: a.pgDataDir(), Logger: a.log})
				if err != nil {
					return err
				}
				dbURL = res.URL
			}
			if admin {
				// The same server's maintenance database, for tools that
				// create databases (the test suite).
				pu, err := url.Parse(dbURL)
				if err != nil {
					return fmt.Errorf("parse database url: %w", err)
				}
				pu.Path = "/postgres"
				dbURL = pu.String()
			}
			fmt.Fprintln(a.out, dbURL)
			return nil
		},
	}
	u.Flags().BoolVar(&admin, "admin", false, "print the server's maintenance database (postgres) instead")
	cmd.AddCommand(u)
	return cmd
}
