package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"baocao/ops"
)

func newReportCmd(a *app) *cobra.Command {
	var (
		in                 ops.ReportRequest
		format, output, at string
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the consolidated report of a form's period: an Excel workbook or the People's Council PDF",
		Long: `report consolidates every unit's counting submission (its latest version not
returned; with --accepted-only, accepted ones only) for one form and period and
writes the inspectors' workbook (--format xlsx) or the People's Council report in
the Decree 30/2020 layout (--format pdf). The format defaults to the output's
extension; -o - writes to standard output. Progress goes to standard error.`,
		Example: `  baocao report --form DCCS-XA --period 2026-H1 -o tong-hop.xlsx
  baocao report --form DCCS-XA --period 2026-H1 --format pdf --number 07/BC-UBND --signer "Nguyễn Văn A" -o bao-cao.pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if format == "" {
				format = strings.TrimPrefix(strings.ToLower(filepath.Ext(output)), ".")
			}
			if format != "xlsx" && format != "pdf" {
				return fmt.Errorf("--format %q: use xlsx or pdf (or an -o name ending in .xlsx or .pdf)", format)
			}
			now, err := a.parseAt(at)
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()

			p := newProgress(a.errOut)
			p.say("consolidating %s %s", in.FormCode, in.Period)
			rows := newMeter(a.errOut, "rows", 0, time.Now)
			in.Format, in.Progress = ops.ReportFormat(format), rows.Progress
			write := func(ctx context.Context, w io.Writer) error {
				c, err := a.ops(st).Report(ctx, ops.CLIAdmin, now, in, w)
				rows.Done()
				if err != nil {
					return userError(err)
				}
				p.say("%d units, %d with a counting report", len(c.Units), c.Compliance().Reported)
				return nil
			}
			if err := writeOutput(ctx, a.out, output, write); err != nil {
				return err
			}
			p.say("wrote %s", output)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.FormCode, "form", "", "form code (DCCS-XA)")
	f.StringVar(&in.Period, "period", "", "period key (2026-H1) or id, see \"baocao periods list\"")
	f.BoolVar(&in.AcceptedOnly, "accepted-only", false, "count only submissions an inspector accepted")
	f.StringVar(&format, "format", "", "xlsx or pdf (default: from the -o extension)")
	f.StringVarP(&output, "output", "o", "", "file to write; - for standard output")
	f.StringVar(&at, "at", "", "the report's date and time (default now)")
	f.StringVar(&in.PDF.Number, "number", "", "PDF: number and symbol after \"Số:\" (07/BC-UBND)")
	f.StringVar(&in.PDF.Signer, "signer", "", "PDF: the signer's name")
	f.StringVar(&in.PDF.Issuer, "issuer", "", "PDF: issuing body in capitals, \\n between lines (default: the province's People's Committee)")
	f.StringVar(&in.PDF.ParentBody, "parent-body", "", "PDF: body over the issuer (UBND TỈNH ĐỒNG NAI)")
	f.StringVar(&in.PDF.Place, "place", "", "PDF: place in the date line (default: the province)")
	f.StringVar(&in.PDF.Subject, "subject", "", "PDF: subject line under BÁO CÁO")
	for _, name := range []string{"form", "period", "output"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// writeOutput writes to standard output for "-", else to a temporary file
// beside name renamed over it once complete: a failed run leaves no half
// report behind.
func writeOutput(ctx context.Context, stdout io.Writer, name string, write func(context.Context, io.Writer) error) error {
	if name == "-" {
		return write(ctx, stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if err := write(ctx, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// progress prints the steps of a report run with the time since it
// started; the rows written show on a meter.
type progress struct {
	w     io.Writer
	start time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

func (p *progress) say(format string, args ...any) {
	fmt.Fprintf(p.w, "report: "+format+" (%.1fs)\n", append(args, time.Since(p.start).Seconds())...)
}
