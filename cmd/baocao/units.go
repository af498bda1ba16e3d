package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
	"baocao/vi"
)

func newUnitsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "units", Short: "Import, list and merge reporting units"}

	var effective string
	var closeMissing, reopen bool
	var importAt, importBasis string
	var importCrossLevel bool
	imp := &cobra.Command{
		Use:   "import FILE.xlsx|FILE.csv",
		Short: "Import a unit list in one transaction (header code,name,kind,parent_code,email,active_from,active_until)",
		Long: `Import a unit list (.xlsx, first sheet, or .csv) in one transaction.
A new code creates a unit; a known code whose name, kind, parent or e-mails
differ gets a new version from --effective (history is kept). With
--close-missing, units active on --effective that the file does not list are
closed the day before. With --reopen, a row naming a unit closed by mistake,
with no active_until (or a later one) and taking effect by the day after it
closed, reopens it; the open periods it owes again are reconciled (a release
the system recorded is withdrawn, an exemption given by hand stays). Without
--reopen a closed unit stays closed. An optional predecessors column lists, ";"-separated,
the codes of the units a row's unit was formed from: each is recorded as a
succession from the unit's first day, with --basis as its legal basis (a
predecessor of another kind is refused unless --allow-level-change). Any bad row
rejects the whole file, listing every problem by row number; nothing is
stored then. Units are never deleted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var eff time.Time
			if effective != "" {
				var err error
				if eff, err = parseDay("--effective", effective); err != nil {
					return err
				}
			}
			now, err := a.parseAt(importAt)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open %s: %w", args[0], err)
			}
			defer f.Close()
			rows, err := templates.ReadUnitList(f, filepath.Base(args[0]))
			if err != nil {
				return userError(err)
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := a.ops(st).ImportUnits(ctx, ops.CLIAdmin, now, rows, store.ImportOptions{Effective: eff, CloseMissing: closeMissing, Reopen: reopen,
				SuccessionBasis: importBasis, CrossLevel: importCrossLevel})
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "%s: %d rows; %d created, %d new versions, %d unchanged, %d closed, %d reopened, %d successions recorded\n",
				args[0], len(rows), res.Created, res.Versioned, res.Unchanged, res.Closed, res.Reopened, res.Successions)
			a.printReconciled(res.Reconciled)
			return nil
		},
	}
	imp.Flags().StringVar(&effective, "effective", "", "date the rows take effect, YYYY-MM-DD (default: the file's active_from)")
	imp.Flags().BoolVar(&closeMissing, "close-missing", false, "the file is the full list: close units it does not name")
	imp.Flags().BoolVar(&reopen, "reopen", false, "reopen units closed by mistake that the file lists without active_until (or with a later one)")
	imp.Flags().StringVar(&importBasis, "basis", "", "legal basis of the successions in the predecessors column, e.g. Nghị quyết 1662/NQ-UBTVQH15")
	levelChangeFlags(imp, &importCrossLevel, "allow predecessors of another kind than their successor (a district whose territory became a commune)")
	imp.Flags().StringVar(&importAt, "at", "", "the moment of the import, for reconciling the periods open then (default now)")

	var at string
	list := &cobra.Command{
		Use:   "list",
		Short: "Print the unit tree as of a day (default today)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			day := reporting.DayOf(a.now(), a.cfg.Location)
			if at != "" {
				var err error
				if day, err = parseDay("--at", at); err != nil {
					return err
				}
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			units, err := st.UnitsAt(ctx, day)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%d units active on %s\n", len(units), day.Format("2006-01-02"))
			return reporting.FormatUnitTree(a.out, units, vi.NewKeyer().Key)
		},
	}
	list.Flags().StringVar(&at, "at", "", "the day, YYYY-MM-DD")

	history := &cobra.Command{
		Use:   "history CODE",
		Short: "Print every version of one unit, and the mergers it took part in",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			vs, err := st.UnitHistory(ctx, args[0])
			if err != nil {
				return userError(err)
			}
			for _, v := range vs {
				until := "…"
				if v.ValidUntil != nil {
					until = v.ValidUntil.Format("2006-01-02")
				}
				fmt.Fprintf(a.out, "%s..%s\t%s\t%s\tparent %s\n", v.ValidFrom.Format("2006-01-02"), until, v.Name, v.Kind, v.ParentCode)
			}
			// The mergers it took part in, either side.
			succ, err := st.Successions(ctx, args[0])
			if err != nil {
				return err
			}
			for _, x := range succ {
				basis := ""
				if x.LegalBasis != "" {
					basis = " (" + x.LegalBasis + ")"
				}
				fmt.Fprintf(a.out, "%s\tsuccession: %s %s continues as %s %s%s\n",
					x.Effective.Format("2006-01-02"), x.From, x.FromName, x.To, x.ToName, basis)
			}
			return nil
		}),
	}

	var basis string
	var crossLevel bool
	merge := &cobra.Command{
		Use:   "merge OLD NEW --effective DATE",
		Short: "Record that unit OLD continues as unit NEW from DATE (a merger), so history shows under NEW",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eff, err := parseDay("--effective", effective)
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := a.ops(st).RecordSuccession(ctx, ops.CLIAdmin, args[0], args[1], eff, basis, crossLevel); err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "%s continues as %s from %s\n", args[0], args[1], eff.Format("2006-01-02"))
			return nil
		},
	}
	merge.Flags().StringVar(&effective, "effective", "", "date of the merger, YYYY-MM-DD (required)")
	merge.Flags().StringVar(&basis, "basis", "", "legal basis, e.g. Nghị quyết 1662/NQ-UBTVQH15")
	levelChangeFlags(merge, &crossLevel, "confirm a merger between units of different kinds, e.g. a district into a commune (refused otherwise)")
	_ = merge.MarkFlagRequired("effective")

	cmd.AddCommand(imp, list, history, merge)
	return cmd
}

// levelChangeFlags adds --allow-level-change to cmd, with --cross-level,
// its first name, kept as a hidden alias.
func levelChangeFlags(cmd *cobra.Command, allow *bool, usage string) {
	cmd.Flags().BoolVar(allow, "allow-level-change", false, usage)
	cmd.Flags().BoolVar(allow, "cross-level", false, "same as --allow-level-change")
	_ = cmd.Flags().MarkHidden("cross-level")
}
