package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

func newHolidaysCmd(a *app) *cobra.Command {
	var importAt string
	cmd := &cobra.Command{Use: "holidays", Short: "The working-day calendar: days off besides weekends, and weekend days worked (the official calendar ships in the binary)"}
	imp := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Add or change calendar days from a CSV file with header day,name[,kind] (day as YYYY-MM-DD; kind off, the default, or working for a make-up Saturday)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open %s: %w", args[0], err)
			}
			defer f.Close()
			days, err := reporting.ParseHolidaysCSV(f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			now, err := a.parseAt(importAt)
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := a.ops(st).ChangeCalendar(ctx, ops.CLIAdmin, now, days)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "%d calendar days stored; %d deadlines of open periods moved; %d units told by e-mail\n", res.Days, res.Moved, res.Announced)
			return nil
		},
	}
	imp.Flags().StringVar(&importAt, "at", "", "the moment of the change: deadlines still ahead then move (default now)")
	var year int
	list := &cobra.Command{
		Use:   "list",
		Short: "List the holidays of a year",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			if year == 0 {
				year = a.now().In(a.cfg.Location).Year()
			}
			hs, err := st.Holidays(ctx, reporting.Day(year, time.January, 1), reporting.Day(year, time.December, 31))
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
			for _, h := range hs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Day.Format("2006-01-02"), h.Day.Weekday().String()[:3], h.Kind, h.Name)
			}
			return tw.Flush()
		}),
	}
	list.Flags().IntVar(&year, "year", 0, "the year to list (default this year)")
	cmd.AddCommand(imp, list)
	return cmd
}
