package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// BuiltinAdmin is the --as name of the built-in administrator.
const BuiltinAdmin = "admin"

// actAs resolves --as: a user's e-mail, or "admin" for the built-in
// administrator the command line stands for.
func actAs(ctx context.Context, st *store.Store, as string) (reporting.User, error) {
	if as == BuiltinAdmin {
		return ops.CLIAdmin, nil
	}
	u, err := st.UserByEmail(ctx, as)
	if err != nil {
		return reporting.User{}, userError(err)
	}
	return u, nil
}

func newTemplateCmd(a *app) *cobra.Command {
	var form, unit, out, as, periodArg string
	cmd := &cobra.Command{
		Use:   "template --form F --unit U --period P -o FILE.xlsx",
		Short: "Write the signed Excel template of unit U for period P (key or id, see `periods list`) of form F",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.requireSecret(); err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			period, err := findPeriod(ctx, st, form, periodArg)
			if err != nil {
				return err
			}
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			tp, err := a.ops(st).Template(ctx, u, a.now(), period, unit)
			if err != nil {
				return userError(err)
			}
			if out == "" {
				out = tp.ASCIIName
			}
			if err := os.WriteFile(out, tp.Data, 0o644); err != nil {
				return fmt.Errorf("write template: %w", err)
			}
			fmt.Fprintf(a.out, "%s (%d bytes)\n", out, len(tp.Data))
			return nil
		},
	}
	cmd.Flags().StringVar(&form, "form", "", "form code, e.g. DCCS-XA (required)")
	cmd.Flags().StringVar(&unit, "unit", "", "unit code (required)")
	cmd.Flags().StringVar(&periodArg, "period", "", "period key (2026-H1) or id (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: a name from the form, period and unit)")
	cmd.Flags().StringVar(&as, "as", BuiltinAdmin, "act as this user's e-mail, or admin")
	for _, f := range []string{"form", "unit", "period"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newSubmitCmd(a *app) *cobra.Command {
	var as string
	var check, asJSON bool
	cmd := &cobra.Command{
		Use:   "submit --as USER FILE.xlsx",
		Short: "File a filled template as USER (an e-mail, or admin); --check validates without storing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.requireSecret(); err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open %s: %w", args[0], err)
			}
			defer f.Close()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			res, err := a.ops(st).Submit(ctx, u, a.now(), ops.Upload{FileName: filepath.Base(args[0]), Body: f, DryRun: check})
			var pe *ops.ProblemsError
			if errors.As(err, &pe) {
				if asJSON {
					_ = json.NewEncoder(a.out).Encode(pe.Problems)
				} else {
					for _, p := range pe.Problems {
						where := p.Cell
						if p.Sheet != "" && where != "" {
							where = p.Sheet + "!" + where
						}
						fmt.Fprintf(a.out, "%-8s %-10s %-24s %s\n", p.Code, where, p.Field, p.Message)
					}
				}
				return fmt.Errorf("%s: refused with %d problems, nothing stored", args[0], len(pe.Problems))
			}
			if err != nil {
				return userError(err)
			}
			if asJSON {
				return json.NewEncoder(a.out).Encode(res)
			}
			fmt.Fprintln(a.out, res.Message)
			if !res.DryRun && !res.Duplicate {
				fmt.Fprintf(a.out, "submission %s, version %d, sha256 %s, status %s\n",
					strconv.FormatInt(res.Submission.ID, 10), res.Submission.Version, res.Submission.SHA256, res.Status)
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(a.out, "warning  %-10s %s (giải trình: %s)\n", w.Cell, w.Message, w.Note)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "the uploader: a user's e-mail, or admin for the built-in administrator (required)")
	cmd.Flags().BoolVar(&check, "check", false, "validate and answer as a real upload would, storing nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result or the problems as JSON")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// requireSecret makes sure templates can be signed and verified: the
// configured secret, or the demo's saved one.
func (a *app) requireSecret() error {
	if a.cfg.Secret != "" {
		return nil
	}
	b, err := os.ReadFile(a.cfg.Abs("secret"))
	if secret := strings.TrimSpace(string(b)); err == nil && len(secret) >= 32 {
		a.cfg.Secret = secret
		return nil
	}
	return errors.New("config: secret: not set (set BAOCAO_SECRET, or run `baocao demo` once to create the demo's)")
}
