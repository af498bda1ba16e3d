package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"baocao/mail"
	"baocao/ops"
	"baocao/store"
)

func newRemindCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "remind",
		Short: "Enqueue every reminder due at --at (default now), as the scheduler tick does",
		Long: `Enqueue the reminder e-mails that have come due at --at for every obligation
still owing a report in an open period. Each (period, unit, kind) is stored once
ever, so running it again, or alongside the scheduler, adds nothing. Sending is
"baocao outbox send".`,
		Args: cobra.NoArgs,
		RunE: a.withStoreAt(&at, func(ctx context.Context, st *store.Store, now time.Time) error {
			res, err := a.ops(st).EnqueueReminders(ctx, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "enqueued %d reminders at %s", res.Enqueued, a.moment(now))
			if res.NoAddress > 0 {
				fmt.Fprintf(a.out, " (%d failed at once: the unit has no e-mail address)", res.NoAddress)
			}
			fmt.Fprintln(a.out)
			return nil
		}),
	}
	cmd.Flags().StringVar(&at, "at", "", "the moment to enqueue for (2026-06-09, \"2026-06-09 08:00\", RFC 3339)")
	return cmd
}

func newOutboxCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "outbox", Short: "The e-mail outbox: reminders queued, sent and failed"}

	var at string
	send := &cobra.Command{
		Use:   "send",
		Short: "Deliver every queued e-mail due at --at (default now) over the configured SMTP server",
		Long: `Deliver the outbox once, as the scheduler's send-outbox job does: skip e-mails
whose reason went away (the unit filed, or a "due in" reminder's deadline
passed), claim due e-mails, send them over smtp.host, mark them sent, or queue
them again with backoff, or fail them after the last attempt or a permanent
refusal. With no smtp.host, as in the demo, mail goes to a local sink that
keeps each message under data_dir/mail. Safe to run while the service runs:
each e-mail goes to one sender.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			now, err := a.parseAt(at)
			if err != nil {
				return err
			}
			sender, _, stopMail, err := a.mailSender()
			if err != nil {
				return err
			}
			defer stopMail() //nolint:errcheck
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			m := newMeter(a.errOut, "e-mails", 0, time.Now)
			opts := a.opsOptions()
			opts.Outbox.Progress = m.Set
			res, err := ops.New(st, opts).DeliverOutbox(ctx, sender, now)
			m.Done()
			fmt.Fprintf(a.out, "sent %d, to retry %d, failed %d, skipped %d (no longer owed)\n", res.Sent, res.Retried, res.Failed, res.Skipped)
			return err
		},
	}
	send.Flags().StringVar(&at, "at", "", "the moment to deliver for (default now)")

	var (
		status string
		period int64
		unit   string
		limit  int
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List outbox e-mails, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			switch store.ReminderStatus(status) {
			case "", store.ReminderQueued, store.ReminderSending, store.ReminderSent, store.ReminderFailed, store.ReminderSkipped:
			default:
				return fmt.Errorf("--status %q: use queued, sending, sent, failed or skipped", status)
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := a.ops(st).Outbox(ctx, ops.CLIAdmin, store.ReminderFilter{
				Status: store.ReminderStatus(status), PeriodID: period, UnitCode: unit, Limit: limit,
			})
			if err != nil {
				return err
			}
			counts, err := st.ReminderCounts(ctx)
			if err != nil {
				return err
			}
			loc := a.cfg.Location
			tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tTRIES\tWHEN\tPERIOD\tUNIT\tKIND\tTO\tSUBJECT\tERROR")
			for _, r := range rows {
				when := r.NextTryAt.In(loc).Format("02/01/2006 15:04")
				if r.SentAt != nil {
					when = r.SentAt.In(loc).Format("02/01/2006 15:04")
				}
				fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Attempts, when,
					r.PeriodID, r.UnitCode, r.Kind, strings.Join(slices.Concat(r.Recipients, r.Cc), ","),
					clip(r.Subject, 60), clip(r.LastError, 60))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "\n%d queued, %d sending, %d sent, %d failed, %d skipped in all\n",
				counts[store.ReminderQueued], counts[store.ReminderSending], counts[store.ReminderSent], counts[store.ReminderFailed],
				counts[store.ReminderSkipped])
			return nil
		},
	}
	list.Flags().StringVar(&status, "status", "", "only e-mails in this state: queued, sending, sent or failed")
	list.Flags().Int64Var(&period, "period", 0, "only this period's (its id, see periods list)")
	list.Flags().StringVar(&unit, "unit", "", "only this unit's")
	list.Flags().IntVar(&limit, "limit", 50, "at most this many")

	cmd.AddCommand(send, list)
	return cmd
}

// smtpSender is the configured SMTP server as a mail sender.
func (a *app) smtpSender() (*mail.SMTP, error) {
	c := a.cfg.SMTP
	if c.Host == "" {
		return nil, errors.New("config: smtp.host: not set, so there is no server to send to (set BAOCAO_SMTP_HOST; `baocao demo` starts a local mail sink instead)")
	}
	return mail.NewSMTP(mail.SMTPOptions{
		Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password,
		From: c.From, FromName: c.FromName, TLS: mail.TLSMode(c.TLS),
	})
}

// mailSender is where the service sends mail: the configured SMTP server,
// or, when smtp.host is empty, a sink on loopback that keeps every message
// in memory and as .eml files under data_dir/mail (the demo's case). stop
// closes the sink; it is a no-op for a real server.
func (a *app) mailSender() (sender mail.Sender, sink *mail.Sink, stop func() error, err error) {
	if a.cfg.SMTP.Host != "" {
		s, err := a.smtpSender()
		return s, nil, func() error { return nil }, err
	}
	sink, err = mail.StartSink(mail.SinkOptions{Dir: a.cfg.Abs("mail"), Logger: a.log})
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := mail.NewSMTP(mail.SMTPOptions{
		Host: sink.Host(), Port: sink.Port(), From: a.cfg.SMTP.From, FromName: a.cfg.SMTP.FromName, TLS: mail.TLSNone,
	})
	if err != nil {
		sink.Close() //nolint:errcheck
		return nil, nil, nil, err
	}
	a.log.Info("no smtp.host configured: mail goes to a local sink", "addr", sink.Addr(), "folder", a.cfg.Abs("mail"))
	return s, sink, sink.Close, nil
}

// clip shortens s to n characters for a table cell.
func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
