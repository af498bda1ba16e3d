package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// The annual evaluation from the command line: the same actions as the
// evaluation pages, each acting --as a user (default the built-in
// administrator) and audited.

func newEvaluationsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evaluations",
		Short: "Annual evaluation of units by a scorecard: open a round, score, comment, close, report",
		Long: `A scorecard (templates/scorecards/*.yaml, loaded at start like the forms) gives
each criterion's points from reporting discipline, from reported figures or by an
inspector. A round evaluates one year: "open" computes every automatic criterion
for every unit as at a moment; "judge" records an inspector's points with a
justification; units comment on their provisional scorecard in the web until the
round's comment deadline; "close" freezes the round.`,
	}
	cmd.AddCommand(newEvalScorecardsCmd(a), newEvalCheckCmd(a), newEvalOpenCmd(a), newEvalListCmd(a), newEvalShowCmd(a),
		newEvalJudgeCmd(a), newEvalRecomputeCmd(a), newEvalCloseCmd(a), newEvalReportCmd(a))
	return cmd
}

func newEvalScorecardsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "scorecards",
		Short: "List the scorecards with their criteria",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			scs, err := st.CurrentScorecards(ctx)
			if err != nil {
				return err
			}
			for _, sc := range scs {
				kinds := make([]string, len(sc.UnitKinds))
				for i, k := range sc.UnitKinds {
					kinds[i] = string(k)
				}
				fmt.Fprintf(a.out, "%s (version %d, from %d, %s): %s\n", sc.Code, sc.Version, sc.FromYear, strings.Join(kinds, ", "), sc.Title)
				for _, c := range sc.Criteria() {
					fmt.Fprintf(a.out, "  %-22s %5s  %-10s %s\n", c.Code, reporting.FormatPoints(c.Max), c.Kind(), c.Title)
				}
			}
			return nil
		}),
	}
}

func newEvalCheckCmd(a *app) *cobra.Command {
	var load bool
	cmd := &cobra.Command{
		Use:   "check FILE.yaml [--load]",
		Short: "Check a scorecard definition against the forms in the database (every mistake listed); --load stores it",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			forms, err := st.CurrentForms(ctx)
			if err != nil {
				return err
			}
			byCode := map[string]*reporting.Form{}
			for i := range forms {
				byCode[forms[i].Code] = &forms[i]
			}
			sf, err := templates.ParseScorecard(filepath.Base(args[0]), src, byCode)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%s: %s is valid: %d criteria, %s points\n", args[0], sf.Scorecard.Code, len(sf.Scorecard.Criteria()),
				reporting.FormatPoints(sf.Scorecard.MaxPoints()))
			if !load {
				return nil
			}
			res, err := st.SyncShippedScorecards(ctx, []store.ScorecardSource{{Definition: sf.Scorecard, Source: string(src), Checksum: sf.Checksum}})
			if err != nil {
				return err
			}
			if err := st.Audit(ctx, store.AuditEvent{Actor: "cli", Action: "scorecard.load", ObjectType: "scorecard", ObjectID: res[0].Code,
				Details: map[string]any{"file": filepath.Base(args[0]), "version": res[0].Version, "status": res[0].Status}}); err != nil {
				return err
			}
			fmt.Fprintln(a.out, res[0].String())
			return nil
		}),
	}
	cmd.Flags().BoolVar(&load, "load", false, "store it as the scorecard's next version (rounds opened later score by it)")
	return cmd
}

func newEvalOpenCmd(a *app) *cobra.Command {
	var (
		as, at, until string
		in            ops.OpenRoundInput
	)
	cmd := &cobra.Command{
		Use:     "open --scorecard CODE --year YYYY",
		Short:   "Open a year's evaluation and compute every unit's scorecard",
		Example: `  baocao evaluations open --scorecard DGDC-XA --year 2025 --comments-until 2026-01-20`,
		Args:    cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			if at != "" {
				if in.AsAt, err = a.parseAt(at); err != nil {
					return err
				}
			}
			if until != "" {
				if in.CommentsUntil, err = endOfDayOrMoment(a, until); err != nil {
					return err
				}
			}
			r, err := a.ops(st).OpenRound(ctx, u, a.now(), in)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "round %d: %s %d, %d units scored as at %s; comments until %s\n", r.ID, r.ScorecardCode, r.Year, r.Units,
				reporting.FormatDateTime(r.AsAt.In(a.cfg.Location)), reporting.FormatDateTime(r.CommentsUntil.In(a.cfg.Location)))
			return nil
		}),
	}
	cmd.Flags().StringVar(&in.Scorecard, "scorecard", "", "scorecard code (see evaluations scorecards)")
	cmd.Flags().IntVar(&in.Year, "year", 0, "the year evaluated")
	cmd.Flags().StringVar(&at, "at", "", "compute as at this moment (default now)")
	cmd.Flags().StringVar(&until, "comments-until", "", "units may comment until this day (default 15 days from now)")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	_ = cmd.MarkFlagRequired("scorecard")
	_ = cmd.MarkFlagRequired("year")
	return cmd
}

// endOfDayOrMoment reads a day as its end (23:59:59 local) or a moment.
func endOfDayOrMoment(a *app, s string) (time.Time, error) {
	t, err := a.parseAt(s)
	if err != nil {
		return t, err
	}
	if len(strings.TrimSpace(s)) == len("2006-01-02") {
		t = t.AddDate(0, 0, 1).Add(-1)
	}
	return t, nil
}

func newEvalListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the evaluation rounds",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			rounds, err := a.ops(st).Rounds(ctx, ops.CLIAdmin)
			if err != nil {
				return userError(err)
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSCORECARD\tYEAR\tUNITS\tAS AT\tSTATE")
			for _, r := range rounds {
				state := "open, comments until " + reporting.FormatDateTime(r.CommentsUntil.In(a.cfg.Location))
				if r.Closed() {
					state = "closed " + reporting.FormatDateTime(r.ClosedAt.In(a.cfg.Location)) + " by " + r.ClosedBy
				}
				fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\n", r.ID, r.ScorecardCode, r.Year, r.Units, reporting.FormatDateTime(r.AsAt.In(a.cfg.Location)), state)
			}
			return tw.Flush()
		}),
	}
}

func roundArg(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("round %q: give the round's number (see evaluations list)", s)
	}
	return id, nil
}

// roundAndUser resolves a round argument and --as.
func roundAndUser(ctx context.Context, st *store.Store, arg, as string) (int64, reporting.User, error) {
	id, err := roundArg(arg)
	if err != nil {
		return 0, reporting.User{}, err
	}
	u, err := actAs(ctx, st, as)
	return id, u, err
}

func newEvalShowCmd(a *app) *cobra.Command {
	var unit string
	cmd := &cobra.Command{
		Use:   "show ROUND [--unit CODE]",
		Short: "Print a round's ranking, or one unit's scorecard with the reason of each point",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, err := roundArg(args[0])
			if err != nil {
				return err
			}
			if unit != "" {
				c, err := a.ops(st).UnitCard(ctx, ops.CLIAdmin, a.now(), id, unit)
				if err != nil {
					return userError(err)
				}
				printUnitCard(a.out, c)
				return nil
			}
			v, err := a.ops(st).RoundResults(ctx, ops.CLIAdmin, id)
			if err != nil {
				return userError(err)
			}
			printRanking(a.out, v)
			return nil
		}),
	}
	cmd.Flags().StringVar(&unit, "unit", "", "show this unit's scorecard")
	return cmd
}

func printRanking(w io.Writer, v ops.RoundView) {
	fmt.Fprintf(w, "%s %d: %d units", v.Round.ScorecardCode, v.Year, len(v.Units))
	for i, rb := range v.Scorecard.Ratings {
		fmt.Fprintf(w, ", %s %d", rb.Label, v.Ratings[i])
	}
	fmt.Fprintln(w)
	if v.PreviousYear > 0 {
		fmt.Fprintf(w, "compared with %d: %d units (%d through successions)\n", v.PreviousYear, v.Compared, v.Regrouped)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tCODE\tUNIT\tPOINTS\tSCORE\tRATING\tRANK IN PARENT\tCHANGE")
	units := slices.Clone(v.Units)
	slices.SortStableFunc(units, func(a, b reporting.EvaluatedUnit) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.RankKind, b.RankKind))
	})
	for _, u := range units {
		change := ""
		if u.Change != nil {
			change = strconv.FormatFloat(*u.Change, 'f', -1, 64)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s/%s\t%s\t%s\t%d\t%s\n", u.RankKind, u.Code, u.Name, reporting.FormatPoints(u.Total),
			reporting.FormatPoints(u.MaxApplicable), reporting.FormatPoints(u.Score), u.Rating, u.RankParent, change)
	}
	_ = tw.Flush()
}

func printUnitCard(w io.Writer, c ops.UnitCardView) {
	fmt.Fprintf(w, "%s (%s), %s %d: %s/%s points, %s on 100, %s; rank %d of %d %s, %d of %d under %s\n", c.Unit.Name, c.Unit.Code,
		c.Round.ScorecardCode, c.Round.Year, reporting.FormatPoints(c.Unit.Total), reporting.FormatPoints(c.Unit.MaxApplicable),
		reporting.FormatPoints(c.Unit.Score), c.Unit.Rating, c.Unit.RankKind, c.OfKind, c.Unit.Kind.Label(), c.Unit.RankParent, c.OfParent, c.ParentName)
	crits := c.Scorecard.Criteria()
	for i, s := range c.Unit.Criteria {
		title := s.Code
		if i < len(crits) {
			title = crits[i].Title
		}
		pts := reporting.FormatPoints(s.Points) + "/" + reporting.FormatPoints(s.Max)
		if !s.Applicable {
			pts = "n/a"
		}
		fmt.Fprintf(w, "  %-10s %s — %s\n", pts, title, s.Reason)
	}
	for _, cm := range c.Comments {
		fmt.Fprintf(w, "  comment by %s on %s: %s\n", cm.Author, cm.At.Format("02/01/2006 15:04"), cm.Body)
	}
}

func newEvalJudgeCmd(a *app) *cobra.Command {
	var (
		as, evidence, file string
		in                 ops.JudgeInput
	)
	cmd := &cobra.Command{
		Use:   "judge ROUND (--unit CODE --criterion CODE --points N --justification TEXT [--evidence FILE] | --file SCORES.csv)",
		Short: "Record an inspector's points on a judgement criterion, with why; or a whole inspection's from a CSV file",
		Long: `judge records one judgement, or with --file every line of a CSV file with the
header ma_don_vi,tieu_chi,diem,can_cu (unit code, criterion code, points with a
point or a comma, justification): all of them or, when one line is refused, none,
the refusal naming its line.`,
		Example: `  baocao evaluations judge 1 --unit 25195 --criterion kiem_tra_thuc_te --points 17 --justification "Biên bản kiểm tra số 12/BB-ĐKT ngày 05/01/2026"
  baocao evaluations judge 1 --file diem-kiem-tra.csv`,
		Args: cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, u, err := roundAndUser(ctx, st, args[0], as)
			if err != nil {
				return err
			}
			if file != "" {
				ins, err := readJudgements(file)
				if err != nil {
					return err
				}
				if err := a.ops(st).JudgeAll(ctx, u, a.now(), id, ins); err != nil {
					return userError(err)
				}
				fmt.Fprintf(a.out, "round %d: %d judgements recorded\n", id, len(ins))
				return nil
			}
			in.RoundID = id
			if evidence != "" {
				if in.Evidence, err = os.ReadFile(evidence); err != nil {
					return err
				}
				in.EvidenceName = filepath.Base(evidence)
			}
			card, err := a.ops(st).Judge(ctx, u, a.now(), in)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "%s: %s points on %s; now %s/%s = %s on 100, %s\n", in.Unit, reporting.FormatPoints(in.Points), in.Criterion,
				reporting.FormatPoints(card.Total), reporting.FormatPoints(card.MaxApplicable), reporting.FormatPoints(card.Score), card.Rating)
			return nil
		}),
	}
	cmd.Flags().StringVar(&in.Unit, "unit", "", "unit code")
	cmd.Flags().StringVar(&in.Criterion, "criterion", "", "criterion code (see evaluations scorecards)")
	cmd.Flags().Float64Var(&in.Points, "points", 0, "points, from 0 to the criterion's maximum")
	cmd.Flags().StringVar(&in.Justification, "justification", "", "why (required; the unit reads it)")
	cmd.Flags().StringVar(&evidence, "evidence", "", "a file of evidence (at most 5 MB)")
	cmd.Flags().StringVar(&file, "file", "", "a CSV file of judgements (header ma_don_vi,tieu_chi,diem,can_cu)")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	cmd.MarkFlagsRequiredTogether("unit", "criterion", "points", "justification")
	cmd.MarkFlagsOneRequired("unit", "file")
	cmd.MarkFlagsMutuallyExclusive("unit", "file")
	return cmd
}

// readJudgements reads a CSV file of judgements: header
// ma_don_vi,tieu_chi,diem,can_cu, then one judgement a line.
func readJudgements(name string) ([]ops.JudgeInput, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 || strings.TrimPrefix(strings.Join(rows[0], ","), "\ufeff") != "ma_don_vi,tieu_chi,diem,can_cu" {
		return nil, fmt.Errorf("%s: the first line must be the header ma_don_vi,tieu_chi,diem,can_cu", name)
	}
	var out []ops.JudgeInput
	for i, row := range rows[1:] {
		points, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(row[2]), ",", ".", 1), 64)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: points %q are not a number", name, i+2, row[2])
		}
		out = append(out, ops.JudgeInput{Unit: strings.TrimSpace(row[0]), Criterion: strings.TrimSpace(row[1]), Points: points, Justification: row[3]})
	}
	return out, nil
}

func newEvalRecomputeCmd(a *app) *cobra.Command {
	var as, at, reason string
	cmd := &cobra.Command{
		Use:   "recompute ROUND --reason TEXT [--at TIME]",
		Short: "Compute a round's automatic criteria again, as at a moment (default now), keeping the judgements",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, u, err := roundAndUser(ctx, st, args[0], as)
			if err != nil {
				return err
			}
			asAt, err := a.parseAt(at)
			if err != nil {
				return err
			}
			r, err := a.ops(st).Recompute(ctx, u, a.now(), id, asAt, reason)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "round %d: %d units scored again as at %s\n", r.ID, r.Units, reporting.FormatDateTime(r.AsAt.In(a.cfg.Location)))
			return nil
		}),
	}
	cmd.Flags().StringVar(&at, "at", "", "compute as at this moment (default now)")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required, audited)")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	return cmd
}

func newEvalCloseCmd(a *app) *cobra.Command {
	var as string
	var zero bool
	cmd := &cobra.Command{
		Use:   "close ROUND [--zero-pending]",
		Short: "Close a round: its scores are frozen",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, u, err := roundAndUser(ctx, st, args[0], as)
			if err != nil {
				return err
			}
			r, err := a.ops(st).CloseRound(ctx, u, a.now(), id, zero)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "round %d closed at %s\n", r.ID, reporting.FormatDateTime(r.ClosedAt.In(a.cfg.Location)))
			return nil
		}),
	}
	cmd.Flags().BoolVar(&zero, "zero-pending", false, "close even with judgement criteria unscored; they count 0")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	return cmd
}

func newEvalReportCmd(a *app) *cobra.Command {
	var (
		format, output string
		text           ops.PDFText
	)
	cmd := &cobra.Command{
		Use:   "report ROUND -o FILE.pdf|FILE.xlsx",
		Short: "Write a round's results: the People's Council PDF or the workbook",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, err := roundArg(args[0])
			if err != nil {
				return err
			}
			if format == "" {
				format = strings.TrimPrefix(strings.ToLower(filepath.Ext(output)), ".")
			}
			if format != "xlsx" && format != "pdf" {
				return fmt.Errorf("--format %q: use xlsx or pdf (or an -o name ending in .xlsx or .pdf)", format)
			}
			return writeOutput(ctx, a.out, output, func(ctx context.Context, w io.Writer) error {
				_, err := a.ops(st).RoundReport(ctx, ops.CLIAdmin, a.now(), id, ops.ReportFormat(format), text, w)
				return userError(err)
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "", "xlsx or pdf (default: from the -o extension)")
	f.StringVarP(&output, "output", "o", "", "file to write; - for standard output")
	f.StringVar(&text.Number, "number", "", "PDF: number and symbol after \"Số:\"")
	f.StringVar(&text.Signer, "signer", "", "PDF: the signer's name")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}
