package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/store"
)

func newPeriodsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "periods", Short: "Open and list reporting periods"}
	var at string
	open := &cobra.Command{
		Use:   "open",
		Short: "Open every period due at --at (default now) with its obligations, and bring the open ones in line with the unit list",
		Args:  cobra.NoArgs,
		RunE: a.withStoreAt(&at, func(ctx context.Context, st *store.Store, now time.Time) error {
			if err := a.syncForms(ctx, st); err != nil {
				return err
			}
			res, err := a.ops(st).OpenDuePeriods(ctx, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "opened %d periods with %d obligations at %s\n", res.Periods, res.Obligations, a.moment(now))
			rec, err := a.ops(st).ReconcileOpenPeriods(ctx, now)
			if err != nil {
				return err
			}
			a.printReconciled(rec)
			return nil
		}),
	}
	open.Flags().StringVar(&at, "at", "", "the moment to open periods for (2026-07-01, \"2026-07-01 08:00\", RFC 3339)")
	var form string
	list := &cobra.Command{
		Use:   "list",
		Short: "List stored periods",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			ps, err := st.Periods(ctx, store.PeriodFilter{FormCode: form})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tFORM\tV\tKEY\tLABEL\tDATA\tDEADLINE\tLOCKS\tUNITS")
			for _, p := range ps {
				fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s..%s\t%s\t%s\t%d\n", p.ID, p.FormCode, p.FormVersion, p.Key, p.Label,
					p.DataFrom.Format("02/01/2006"), p.DataTo.Format("02/01/2006"),
					p.Deadline.In(a.cfg.Location).Format("02/01/2006 15:04"), p.LocksAt.In(a.cfg.Location).Format("02/01/2006"), p.Obligations)
			}
			return tw.Flush()
		}),
	}
	list.Flags().StringVar(&form, "form", "", "only this form's periods")
	cmd.AddCommand(open, list)
	return cmd
}

// printReconciled reports what a reconciliation of the open periods with
// the unit list changed, if anything.
func (a *app) printReconciled(r ops.ReconcileResult) {
	if r.Periods == 0 {
		return
	}
	fmt.Fprintf(a.out, "open periods reconciled with the unit list: %d periods, %d obligations added, %d moved to the units' new versions, %d released (units closed before the cut-off), %d owed again (units reopened)\n",
		r.Periods, r.Added, r.Moved, r.Released, r.Restored)
}
