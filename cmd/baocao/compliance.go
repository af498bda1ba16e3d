package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// Compliance from the command line: the period table, the deadline tick
// run by hand, and the inspector's actions (review, exempt, extend), each
// acting --as a user (default the built-in administrator) and audited
// like the same action in the web.

func newComplianceCmd(a *app) *cobra.Command {
	var form, period, at string
	cmd := &cobra.Command{
		Use:   "compliance --form F --period P [--at TIME]",
		Short: "Print who has reported for a period: counts and rates for the province, per parent unit and per unit kind",
		Long: `compliance counts a period's obligations by status at --at (default now):
pending, submitted on time, late, missing, returned, accepted, exempt. The on-time
rate is the units whose first version came by their deadline over those not
exempt; the filed rate counts late ones too. Units are grouped under the parent
their period recorded (a district in 2024, the province after the 2025 reform).
--period is the period's key (2026-H1) or id (see "periods list").`,
		Example: `  baocao compliance --form DCCS-XA --period 2026-H1
  baocao compliance --form DCCS-XA --period 2026-H1 --at "2026-06-16 17:00"`,
		Args: cobra.NoArgs,
		RunE: a.withStoreAt(&at, func(ctx context.Context, st *store.Store, now time.Time) error {
			id, err := findPeriod(ctx, st, form, period)
			if err != nil {
				return err
			}
			c, err := a.ops(st).Compliance(ctx, ops.CLIAdmin, now, id)
			if err != nil {
				return userError(err)
			}
			return printCompliance(a.out, c, a.cfg.Location)
		}),
	}
	cmd.Flags().StringVar(&form, "form", "", "form code, e.g. DCCS-XA (required)")
	cmd.Flags().StringVar(&period, "period", "", "period key (2026-H1) or id (required)")
	cmd.Flags().StringVar(&at, "at", "", "the moment to count at (2026-06-17, \"2026-06-17 08:00\", RFC 3339)")
	_ = cmd.MarkFlagRequired("form")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

// findPeriod resolves --period, a key or an id, within form.
func findPeriod(ctx context.Context, st *store.Store, form, period string) (int64, error) {
	ps, err := st.Periods(ctx, store.PeriodFilter{FormCode: form})
	if err != nil {
		return 0, err
	}
	id, _ := strconv.ParseInt(period, 10, 64)
	var byKey []store.PeriodRow
	for _, p := range ps {
		if id > 0 && p.ID == id {
			return p.ID, nil
		}
		if p.Key == period {
			byKey = append(byKey, p)
		}
	}
	switch {
	case len(byKey) == 1:
		return byKey[0].ID, nil
	case len(byKey) > 1:
		var forms []string
		for _, p := range byKey {
			forms = append(forms, fmt.Sprintf("%s (id %d)", p.FormCode, p.ID))
		}
		return 0, fmt.Errorf("period %q is a period of several forms: %s; add --form or give the id", period, strings.Join(forms, ", "))
	case form == "":
		return 0, fmt.Errorf("no period %q (see baocao periods list)", period)
	}
	return 0, fmt.Errorf("form %s has no period %q (see baocao periods list --form %s)", form, period, form)
}

// printCompliance writes c as one table: the province, then each parent
// unit, then each unit kind; names to the left, numbers to the right.
func printCompliance(w io.Writer, c store.Compliance, loc *time.Location) error {
	p := c.Period
	fmt.Fprintf(w, "%s %s — %s (period %d): deadline %s, counted at %s\n\n", p.FormCode, p.Key, p.Label, p.ID,
		p.Deadline.In(loc).Format("02/01/2006 15:04"), c.At.In(loc).Format("02/01/2006 15:04"))
	type line struct {
		name   string
		counts *store.ComplianceCounts // nil for a section title
	}
	lines := []line{{"GROUP", nil}, {"Toàn tỉnh", &c.Total}}
	if len(c.ByParent) > 0 {
		lines = append(lines, line{"by parent unit", nil})
	}
	for i, g := range c.ByParent {
		name := "(no parent)"
		if g.Code != "" {
			name = g.Code + " " + g.Name
		}
		lines = append(lines, line{"  " + name, &c.ByParent[i].ComplianceCounts})
	}
	if len(c.ByKind) > 0 {
		lines = append(lines, line{"by unit kind", nil})
	}
	for i, g := range c.ByKind {
		lines = append(lines, line{"  " + g.Name, &c.ByKind[i].ComplianceCounts})
	}
	width := 0
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l.name))
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	for i, l := range lines {
		name := l.name + strings.Repeat(" ", width-utf8.RuneCountInString(l.name))
		switch {
		case i == 0:
			fmt.Fprintf(tw, "%s\tOBLIGED\tPENDING\tON TIME\tLATE\tMISSING\tRETURNED\tACCEPTED\tEXEMPT\tON-TIME RATE\tFILED RATE\t\n", name)
		case l.counts == nil:
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t\t\t\t\t\t\n", name)
		default:
			n := l.counts
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f%%\t%.1f%%\t\n", name, n.Obliged, n.Pending, n.OnTime, n.FiledLate,
				n.Missing, n.Returned, n.Accepted, n.Exempt, 100*n.OnTimeRate, 100*n.FiledRate)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nON TIME and LATE count first versions (accepted and returned ones included); rates leave exempt units out.")
	return nil
}

func newDeadlinesCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "deadlines",
		Short: "Record in their history the obligations whose deadline passed by --at (default now) with nothing in, as the scheduler tick does",
		Long: `deadlines runs the scheduler's deadline job once: every obligation of an unlocked
period whose deadline passed by --at with nothing in gets a "flagged missing" event
in its history, once per deadline. Statuses need no job — missing follows from the
deadline at any moment — so this only records when the system saw it.`,
		Args: cobra.NoArgs,
		RunE: a.withStoreAt(&at, func(ctx context.Context, st *store.Store, now time.Time) error {
			n, err := a.ops(st).FlagMissing(ctx, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%d obligations past their deadline flagged in their history at %s\n", n, a.moment(now))
			return nil
		}),
	}
	cmd.Flags().StringVar(&at, "at", "", "the moment to flag for (2026-06-17, \"2026-06-17 08:00\", RFC 3339)")
	return cmd
}

func newReviewCmd(a *app) *cobra.Command {
	var as, reason string
	cmd := &cobra.Command{
		Use:   "review --as USER SUBMISSION_ID accept|return [--reason TEXT]",
		Short: "Accept a submission, or return it to its unit with a reason (the unit is told by e-mail)",
		Example: `  baocao review --as thanh.tra@snv.gov.vn 42 accept
  baocao review --as thanh.tra@snv.gov.vn 42 return --reason "Mục IV thiếu số kiến nghị đã giải quyết"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("submission id %q: not a number", args[0])
			}
			d, err := reporting.ParseDecision(args[1])
			if err != nil {
				return userError(err)
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			res, err := a.ops(st).Review(ctx, u, a.now(), ops.ReviewInput{SubmissionID: id, Decision: d, Reason: reason})
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "submission %d (%s, period %d, version %d): %s; the obligation is now %s\n", id,
				res.Submission.UnitCode, res.Submission.PeriodID, res.Submission.Version, d.Label(), res.Status.Label())
			if res.Notified {
				fmt.Fprintln(a.out, "the return e-mail to the unit is in the outbox (baocao outbox list)")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	cmd.Flags().StringVar(&reason, "reason", "", "why it is returned (required to return; Vietnamese, the unit reads it)")
	return cmd
}

func newExemptCmd(a *app) *cobra.Command {
	var as, unit, reason, form, periodArg string
	var undo bool
	cmd := &cobra.Command{
		Use:   "exempt --period P --unit U --reason TEXT",
		Short: "Exempt a unit from a period's report (--undo withdraws the exemption)",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			period, err := findPeriod(ctx, st, form, periodArg)
			if err != nil {
				return err
			}
			status := reporting.StatusExempt
			if undo {
				status, err = a.ops(st).Unexempt(ctx, u, a.now(), period, unit, reason)
			} else {
				err = a.ops(st).Exempt(ctx, u, a.now(), period, unit, reason)
			}
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "unit %s, period %d: %s\n", unit, period, status.Label())
			return nil
		}),
	}
	cmd.Flags().StringVar(&periodArg, "period", "", "period id, or key (2026-H1) with --form when several forms have it (required; see periods list)")
	cmd.Flags().StringVar(&form, "form", "", "the period's form, to find a period by key")
	cmd.Flags().StringVar(&unit, "unit", "", "unit code (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the unit need not report (required to exempt)")
	cmd.Flags().BoolVar(&undo, "undo", false, "withdraw the unit's exemption")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	_ = cmd.MarkFlagRequired("period")
	_ = cmd.MarkFlagRequired("unit")
	return cmd
}

func newExtendCmd(a *app) *cobra.Command {
	var as, subtree, deadline, reason, form, periodArg string
	var units []string
	cmd := &cobra.Command{
		Use:   "extend --period P (--unit U ... | --subtree U) --deadline DATE --reason TEXT",
		Short: "Extend the deadline (gia hạn) of some units of a period, or of every unit below one",
		Long: `extend moves the deadline of the listed units (--unit, repeatable) and/or of
every unit below --subtree (a district's communes, as the period's unit tree
has it). A date means the end of that day, local time. Missing units whose new
deadline is ahead become pending again; late first versions that now meet it
count as on time; reminders follow the new deadline. A deadline earlier than a
unit's current one, or after the period's lock, is refused.`,
		Example: `  baocao extend --period 12 --subtree 690 --deadline 2026-06-30 --reason "Lũ lụt tháng 6/2026"
  baocao extend --period 12 --unit 25195 --unit 25198 --deadline "2026-06-25 17:00" --reason "Thay đổi nhân sự"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			newDeadline, err := a.parseDeadline(deadline)
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			period, err := findPeriod(ctx, st, form, periodArg)
			if err != nil {
				return err
			}
			res, err := a.ops(st).Extend(ctx, u, a.now(), ops.ExtendInput{PeriodID: period, UnitCodes: units, Subtree: subtree,
				NewDeadline: newDeadline, Reason: reason})
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "deadline of %d units moved to %s: %s\n", len(res.Units),
				newDeadline.In(a.cfg.Location).Format("02/01/2006 15:04"), strings.Join(res.Units, ", "))
			fmt.Fprintf(a.out, "%d missing back to pending, %d late now on time\n", res.Reopened, res.OnTime)
			return nil
		},
	}
	cmd.Flags().StringVar(&periodArg, "period", "", "period id, or key (2026-H1) with --form when several forms have it (required; see periods list)")
	cmd.Flags().StringVar(&form, "form", "", "the period's form, to find a period by key")
	cmd.Flags().StringArrayVar(&units, "unit", nil, "a unit to extend (repeatable)")
	cmd.Flags().StringVar(&subtree, "subtree", "", "extend every unit below this one")
	cmd.Flags().StringVar(&deadline, "deadline", "", "the new deadline: a date (end of that day), \"2026-06-30 17:00\" or RFC 3339 (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required)")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	for _, f := range []string{"period", "deadline", "reason"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

// parseDeadline reads --deadline: a bare date is the end of that day in
// the configured zone, as every deadline is; otherwise a moment as --at.
func (a *app) parseDeadline(s string) (time.Time, error) {
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), a.cfg.Location); err == nil {
		return reporting.EndOfDay(d, a.cfg.Location), nil
	}
	t, err := a.parseAt(s)
	if err != nil || s == "" {
		return time.Time{}, fmt.Errorf("--deadline %q: use 2026-06-30, \"2026-06-30 17:00\" or RFC 3339", s)
	}
	return t, nil
}
