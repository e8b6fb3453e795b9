package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

type loader func(cmd *cobra.Command) (Config, *slog.Logger, error)

// moderation is the part of the configuration the moderation service reads.
func (c Config) moderation() moderation.Config {
	return moderation.Config{MaxChars: c.Inbox.MaxChars, SessionTTL: c.Staff.SessionTTL,
		LockoutAfter: c.Staff.LockoutAfter, LockoutFor: c.Staff.LockoutFor}
}

// withService opens and migrates the database and runs fn with a
// moderation service on it.
func withService(cmd *cobra.Command, load loader, fn func(ctx context.Context, mod *moderation.Service) error) error {
	cfg, log, err := load(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	db, err := store.Open(ctx, cfg.Database, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	red := redact.New(redact.Options{KeepNumbers: cfg.Redaction.KeepNumbers})
	tri, err := newTriager()
	if err != nil {
		return err
	}
	return fn(ctx, moderation.New(db, cfg.moderation(), red, tri, log))
}

// readPassword reads the first line of r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("give the password on stdin, e.g. `kysy user add NAME --roles moderator < passwordfile`")
	}
	return line, nil
}

func userCmd(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage staff accounts"}
	var roles string
	var withTOTP bool
	add := &cobra.Command{
		Use:   "add NAME --roles moderator,reviewer",
		Short: "Create a staff account; the password (at least 12 characters) is read from stdin",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rs, err := moderation.ParseRoles(roles)
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd.InOrStdin())
			if err != nil {
				return err
			}
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				u, err := mod.AddUser(ctx, moderation.CLIActor, args[0], pw, rs)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s with roles %s\n", u.Name, u.Roles)
				if withTOTP {
					url, err := mod.EnableTOTP(ctx, moderation.CLIActor, u.Name)
					if err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "TOTP: add this to an authenticator app, then keep it nowhere else:\n%s\n", url)
				}
				return nil
			})
		},
	}
	add.Flags().StringVar(&roles, "roles", "", "comma-separated roles: moderator, reviewer, comms, admin")
	add.Flags().BoolVar(&withTOTP, "totp", false, "also require a TOTP code at sign-in (prints the otpauth:// URL)")
	add.MarkFlagRequired("roles")

	list := &cobra.Command{
		Use:   "list",
		Short: "List staff accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				us, err := mod.Users(ctx, moderation.CLIActor)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tROLES\tSTATE\tTOTP\tCREATED")
				for _, u := range us {
					state := "active"
					switch {
					case u.Disabled:
						state = "disabled"
					case u.LockedUntil != nil && u.LockedUntil.After(time.Now()):
						state = "locked until " + u.LockedUntil.UTC().Format("15:04 UTC")
					}
					totp := "no"
					if u.TOTPSecret != "" {
						totp = "yes"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Roles, state, totp, u.CreatedAt.UTC().Format("2006-01-02"))
				}
				return w.Flush()
			})
		},
	}
	disable := &cobra.Command{
		Use:   "disable NAME",
		Short: "Disable an account: its sessions end and its tokens stop working",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				if err := mod.DisableUser(ctx, moderation.CLIActor, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "disabled %s\n", args[0])
				return nil
			})
		},
	}
	totpCmd := &cobra.Command{
		Use:   "totp NAME",
		Short: "Require a TOTP code at sign-in; prints a new otpauth:// URL",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				url, err := mod.EnableTOTP(ctx, moderation.CLIActor, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), url)
				return nil
			})
		},
	}
	cmd.AddCommand(add, list, disable, totpCmd)
	return cmd
}

func tokenCmd(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage staff API tokens"}
	var ttl time.Duration
	create := &cobra.Command{
		Use:   "create NAME [--ttl 720h]",
		Short: "Print a new API token for NAME, once, alone on stdout; only its hash is kept",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				tok, err := mod.CreateToken(ctx, moderation.CLIActor, args[0], ttl)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), tok)
				return nil
			})
		},
	}
	create.Flags().DurationVar(&ttl, "ttl", 720*time.Hour, "lifetime of the token; 0 never expires")
	cmd.AddCommand(create)
	return cmd
}

func auditCmd(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Work with the audit log"}
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit hash chain; exit 1 naming the first bad entry",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(cmd, load, func(ctx context.Context, mod *moderation.Service) error {
				n, brk, err := mod.VerifyAudit(ctx)
				if err != nil {
					return err
				}
				if brk != nil {
					return fmt.Errorf("audit log broken after %d good entries: %w", n, brk)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "audit log intact: %d entries\n", n)
				return nil
			})
		},
	}
	cmd.AddCommand(verify)
	return cmd
}
