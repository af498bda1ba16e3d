package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// Data-quality signals from the command line: a period's, unit by unit,
// or how many each period's counting reports raise.

func newSignalsCmd(a *app) *cobra.Command {
	var form, period, at string
	cmd := &cobra.Command{
		Use:   "signals [--form F] [--period P] [--at TIME]",
		Short: "Print the data-quality signals of a period's reports, or how many each period raises",
		Long: `signals runs the data-quality detectors (far from the unit's own previous
periods, far from the units of its kind in the period, figures that do not match,
a higher unit's own figure against its children's sum) over the counting reports.
With --form and --period it lists every signal of the period unit by unit; without
--period it prints, per period with reports (of --form, or of every form), how many
reports were read, how many raise a signal and the signals by kind and by field,
then the totals: the share of reports with a signal on data known to be normal is
the false-positive rate. Thresholds are the configuration's signals.* keys.`,
		Example: `  baocao signals
  baocao signals --form DCCS-QUY
  baocao signals --form DCCS-XA --period 2026-H1`,
		Args: cobra.NoArgs,
		RunE: a.withStoreAt(&at, func(ctx context.Context, st *store.Store, now time.Time) error {
			svc := a.ops(st)
			if period != "" {
				id, err := findPeriod(ctx, st, form, period)
				if err != nil {
					return err
				}
				rows, err := svc.PeriodSignals(ctx, ops.CLIAdmin, now, id)
				if err != nil {
					return userError(err)
				}
				return printSignals(a.out, rows)
			}
			periods, err := st.Periods(ctx, store.PeriodFilter{FormCode: form})
			if err != nil {
				return err
			}
			slices.Reverse(periods) // oldest first
			var stats []periodStats
			for _, p := range periods {
				s, err := svc.PeriodSignalStats(ctx, ops.CLIAdmin, now, p.ID)
				if err != nil {
					return userError(err)
				}
				if s.Submissions > 0 {
					stats = append(stats, periodStats{p, s})
				}
			}
			return printSignalStats(a.out, stats)
		}),
	}
	cmd.Flags().StringVar(&form, "form", "", "form code, e.g. DCCS-XA (required with --period)")
	cmd.Flags().StringVar(&period, "period", "", "period key (2026-H1) or id: list its signals")
	cmd.Flags().StringVar(&at, "at", "", "the moment to read at (2026-06-17, \"2026-06-17 08:00\", RFC 3339)")
	return cmd
}

type periodStats struct {
	p store.PeriodRow
	s ops.SignalStats
}

func printSignals(w io.Writer, rows []ops.SignalRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UNIT\tNAME\tFIELD\tVALUE\tKIND\tEXPLAINED\tREASON")
	for _, r := range rows {
		for _, sg := range r.Signals {
			explained := "no"
			if sg.Explained() {
				explained = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.UnitCode, r.UnitName, sg.Field, sg.Value, sg.Kind, explained, sg.Reason)
		}
	}
	return tw.Flush()
}

func printSignalStats(w io.Writer, stats []periodStats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FORM\tPERIOD\tREPORTS\tWITH SIGNALS\tSIGNALS\tBY KIND")
	var total ops.SignalStats
	total.ByKind, total.ByField = map[reporting.SignalKind]int{}, map[string]int{}
	for _, ps := range stats {
		s := ps.s
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d (%s)\t%d\t%s\n", ps.p.FormCode, ps.p.Key, s.Submissions, s.WithSignals, share(s.WithSignals, s.Submissions),
			s.Signals, kinds(s.ByKind))
		total.Submissions += s.Submissions
		total.WithSignals += s.WithSignals
		total.Signals += s.Signals
		for k, n := range s.ByKind {
			total.ByKind[k] += n
		}
		for f, n := range s.ByField {
			total.ByField[f] += n
		}
	}
	fmt.Fprintf(tw, "TOTAL\t\t%d\t%d (%s)\t%d\t%s\n", total.Submissions, total.WithSignals, share(total.WithSignals, total.Submissions),
		total.Signals, kinds(total.ByKind))
	if err := tw.Flush(); err != nil {
		return err
	}
	fields := slices.SortedFunc(maps.Keys(total.ByField), func(a, b string) int {
		return cmp.Or(cmp.Compare(total.ByField[b], total.ByField[a]), cmp.Compare(a, b))
	})
	fmt.Fprintln(w, "\nSignals by field, most first:")
	for _, f := range fields[:min(len(fields), 15)] {
		fmt.Fprintf(w, "  %5d  %s\n", total.ByField[f], f)
	}
	return nil
}

func share(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(of))
}

func kinds(by map[reporting.SignalKind]int) string {
	s := ""
	for _, k := range reporting.SignalKinds {
		if by[k] > 0 {
			s += fmt.Sprintf("%s %d  ", k, by[k])
		}
	}
	return s
}
