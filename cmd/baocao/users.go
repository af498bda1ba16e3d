package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"baocao/reporting"
	"baocao/store"
)

// cliActor is the audit actor of changes made from the command line, which
// has no signed-in user: whoever can run it can reach the database anyway.
const cliActor = "cli"

func newUsersCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "users", Short: "Manage users, their passwords and API tokens"}
	var nu store.NewUser
	var role string
	add := &cobra.Command{
		Use:   "add --email E --name N --role R [--unit CODE]",
		Short: "Create a user; without --password one is generated and printed once",
		Long: `Create a user. Roles: admin, inspector (whole province), supervisor (a unit's
subtree; needs --unit), clerk (one unit; needs --unit). Without --password a
random password is generated and printed once: a password typed on the command
line stays in the shell history.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			r, err := reporting.ParseRole(role)
			if err != nil {
				return userError(err)
			}
			nu.Role = r
			generated := nu.Password == ""
			if generated {
				nu.Password = rand.Text()
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			var u reporting.User
			err = st.InTx(ctx, func(tx *store.Store) error {
				var err error
				if u, err = tx.CreateUser(ctx, nu); err != nil {
					return err
				}
				return tx.Audit(ctx, store.AuditEvent{Actor: cliActor, Action: "user.create", ObjectType: "user",
					ObjectID: strconv.FormatInt(u.ID, 10), Details: map[string]string{"email": u.Email, "role": string(u.Role), "unit": u.UnitCode}})
			})
			if err != nil {
				return userError(err)
			}
			fmt.Fprintf(a.out, "created user %d %s (%s)\n", u.ID, u.Email, u.Role.Label())
			if generated {
				fmt.Fprintf(a.out, "password: %s\n", nu.Password)
			}
			return nil
		},
	}
	add.Flags().StringVar(&nu.Email, "email", "", "e-mail address, the sign-in name")
	add.Flags().StringVar(&nu.Name, "name", "", "full name")
	add.Flags().StringVar(&role, "role", "", "admin, inspector, supervisor or clerk")
	add.Flags().StringVar(&nu.UnitCode, "unit", "", "the user's unit code (required for supervisor and clerk)")
	add.Flags().StringVar(&nu.Password, "password", "", "password (default: generate one)")
	for _, f := range []string{"email", "name", "role"} {
		_ = add.MarkFlagRequired(f)
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(ctx context.Context, st *store.Store, _ []string) error {
			users, err := st.Users(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tUNIT\tACTIVE")
			for _, u := range users {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.Name, u.Role, u.UnitCode, u.Active)
			}
			return tw.Flush()
		}),
	}

	var password string
	passwd := &cobra.Command{
		Use:   "passwd EMAIL",
		Short: "Set a user's password (generated and printed without --password); ends their sessions and API tokens",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw := password
			if pw == "" {
				pw = rand.Text()
			}
			err := a.withUser(cmd.Context(), args[0], func(ctx context.Context, tx *store.Store, u reporting.User) error {
				if err := tx.SetPassword(ctx, u.ID, pw); err != nil {
					return err
				}
				return tx.Audit(ctx, store.AuditEvent{Actor: cliActor, Action: "user.password", ObjectType: "user",
					ObjectID: strconv.FormatInt(u.ID, 10)})
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "password of %s changed; their sessions and API tokens are ended\n", args[0])
			if password == "" {
				fmt.Fprintf(a.out, "password: %s\n", pw)
			}
			return nil
		},
	}
	passwd.Flags().StringVar(&password, "password", "", "the new password (default: generate one)")

	var (
		ttl   time.Duration
		label string
	)
	token := &cobra.Command{
		Use:   "token EMAIL",
		Short: "Print a new API token for scripts (Authorization: Bearer <token>), valid for --ttl",
		Long: `Print a new API token acting as the user, for scripts:
    curl -H "Authorization: Bearer $TOKEN" …/api/v1/me
An API token is a long-lived session: it ends after --ttl, or sooner when the
user's password changes or the user is disabled. Only the token's SHA-256 is
stored, so it cannot be shown again. The token goes to standard output alone;
the rest to standard error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ttl <= 0 {
				return fmt.Errorf("--ttl %s: must be positive", ttl)
			}
			var (
				tok     string
				expires time.Time
			)
			err := a.withUser(cmd.Context(), args[0], func(ctx context.Context, tx *store.Store, u reporting.User) error {
				if !u.Active {
					return fmt.Errorf("user %s is disabled: `baocao users enable %s` first", u.Email, u.Email)
				}
				var err error
				if tok, expires, err = tx.CreateAPIToken(ctx, u.ID, label, ttl, a.now()); err != nil {
					return err
				}
				return tx.Audit(ctx, store.AuditEvent{Actor: cliActor, Action: "user.token", ObjectType: "user",
					ObjectID: strconv.FormatInt(u.ID, 10), Details: map[string]any{"expires_at": expires, "label": label}})
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, tok)
			fmt.Fprintf(a.errOut, "API token for %s, valid until %s\n", args[0], expires.In(a.cfg.Location).Format("02/01/2006 15:04 MST"))
			return nil
		},
	}
	token.Flags().DurationVar(&ttl, "ttl", 720*time.Hour, "how long the token is valid")
	token.Flags().StringVar(&label, "label", "script", "what the token is for, as the users page lists it")

	setActive := func(use, short string, active bool) *cobra.Command {
		return &cobra.Command{
			Use: use + " EMAIL", Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				err := a.withUser(cmd.Context(), args[0], func(ctx context.Context, tx *store.Store, u reporting.User) error {
					if err := tx.SetUserActive(ctx, u.ID, active); err != nil {
						return err
					}
					return tx.Audit(ctx, store.AuditEvent{Actor: cliActor, Action: "user." + use, ObjectType: "user",
						ObjectID: strconv.FormatInt(u.ID, 10)})
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "%s: %sd\n", args[0], use)
				return nil
			},
		}
	}
	unlock := &cobra.Command{
		Use:   "unlock EMAIL",
		Short: "Let a user sign in again at once: forget the failed attempts that make their sign-ins wait",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var had bool
			err := a.withUser(cmd.Context(), args[0], func(ctx context.Context, tx *store.Store, u reporting.User) error {
				var err error
				if had, err = tx.ClearAttempts(ctx, "email:"+u.Email); err != nil {
					return err
				}
				return tx.Audit(ctx, store.AuditEvent{Actor: cliActor, Action: "user.unlock", ObjectType: "user",
					ObjectID: strconv.FormatInt(u.ID, 10)})
			})
			if err != nil {
				return err
			}
			if had {
				fmt.Fprintf(a.out, "%s: sign-in attempts forgotten; they may sign in now\n", args[0])
			} else {
				fmt.Fprintf(a.out, "%s: no recent sign-in attempts to forget\n", args[0])
			}
			return nil
		},
	}
	cmd.AddCommand(add, list, passwd, token, unlock,
		setActive("disable", "Disable a user and end their sessions and API tokens", false),
		setActive("enable", "Enable a disabled user", true))
	return cmd
}

// withUser opens the store and runs fn in one transaction with the user
// whose e-mail is given.
func (a *app) withUser(ctx context.Context, email string, fn func(ctx context.Context, tx *store.Store, u reporting.User) error) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.InTx(ctx, func(tx *store.Store) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		return fn(ctx, tx, u)
	})
	return userError(err)
}
