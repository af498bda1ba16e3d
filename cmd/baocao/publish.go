package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"baocao/reporting"
	"baocao/store"
)

// Publishing from the command line: what /admin/publications does, as the
// built-in administrator or --as an administrator, audited.

func newPublishCmd(a *app) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Publish on /cong-khai a period's compliance and totals or a closed evaluation round; list; withdraw",
	}
	cmd.PersistentFlags().StringVar(&as, "as", BuiltinAdmin, "act as this administrator's e-mail, or admin")

	var form, period, fields string
	periodCmd := &cobra.Command{
		Use:     "period --form F --period P --fields CODE[,CODE…]",
		Short:   "Publish a period with the totals of numeric fields",
		Example: `  baocao publish period --form DCCS-XA --period 2025 --fields ck_noi_dung_phai,ck_noi_dung_da,ck_ty_le`,
		Args:    cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			id, err := findPeriod(ctx, st, form, period)
			if err != nil {
				return err
			}
			pub, err := a.ops(st).PublishPeriod(ctx, u, a.now(), id, strings.Split(fields, ","))
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "publication %d: /cong-khai/ky/%d\n", pub, id)
			return nil
		}),
	}
	periodCmd.Flags().StringVar(&form, "form", "", "form code")
	periodCmd.Flags().StringVar(&period, "period", "", "period key or id")
	periodCmd.Flags().StringVar(&fields, "fields", "", "numeric field codes, comma-separated")
	for _, n := range []string{"form", "period", "fields"} {
		_ = periodCmd.MarkFlagRequired(n)
	}

	roundCmd := &cobra.Command{
		Use:   "round ROUND",
		Short: "Publish a closed evaluation round's ratings",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, u, err := roundAndUser(ctx, st, args[0], as)
			if err != nil {
				return err
			}
			pub, err := a.ops(st).PublishRound(ctx, u, a.now(), id)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "publication %d: /cong-khai/danh-gia/%d\n", pub, id)
			return nil
		}),
	}

	withdrawCmd := &cobra.Command{
		Use:   "withdraw PUBLICATION",
		Short: "Withdraw a publication (see publish list)",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(ctx context.Context, st *store.Store, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("publication %q: give its number (see publish list)", args[0])
			}
			u, err := actAs(ctx, st, as)
			if err != nil {
				return err
			}
			if err := a.ops(st).Unpublish(ctx, u, a.now(), id); err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "publication %d withdrawn\n", id)
			return nil
		}),
	}

	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List what is published",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			pubs, err := a.ops(st).Publications(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPAGE\tTITLE\tPERIOD\tFIELDS\tPUBLISHED")
			for _, p := range pubs {
				page := fmt.Sprintf("/cong-khai/ky/%d", p.PeriodID)
				if p.RoundID > 0 {
					page = fmt.Sprintf("/cong-khai/danh-gia/%d", p.RoundID)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", p.ID, page, p.Title, p.Label, strings.Join(p.Fields, ","),
					reporting.FormatDateTime(p.PublishedAt.In(a.cfg.Location)))
			}
			return tw.Flush()
		}),
	}
	cmd.AddCommand(periodCmd, roundCmd, withdrawCmd, listCmd)
	return cmd
}
