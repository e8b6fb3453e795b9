// Command kysy is Kysy's one binary: the HTTP server and scheduler, and
// the operator's commands. main wires packages together; it holds no rules.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/scheduler"
	"kysy/scheduler/instagram"
	"kysy/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "kysy:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	var cfgPath string
	root := &cobra.Command{
		Use:           "kysy",
		Short:         "Kysy: anonymous questions about child protection, answered by social workers",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&cfgPath, "config", "config.yaml", "configuration file")
	load := func(cmd *cobra.Command) (Config, *slog.Logger, error) {
		cfg, err := loadConfig(cfgPath, cmd.Flags().Changed("config"))
		if err != nil {
			return Config{}, nil, err
		}
		return cfg, newLogger(cfg.Log, os.Stderr), nil
	}
	root.AddCommand(
		&cobra.Command{
			Use:   "serve",
			Short: "Run the HTTP server and the scheduler until SIGINT or SIGTERM",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, log, err := load(cmd)
				if err != nil {
					return err
				}
				return serve(cmd.Context(), cfg, log)
			},
		},
		&cobra.Command{
			Use:   "migrate",
			Short: "Apply database migrations and exit",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, log, err := load(cmd)
				if err != nil {
					return err
				}
				db, err := store.Open(cmd.Context(), cfg.Database, log)
				if err != nil {
					return err
				}
				defer db.Close()
				applied, err := db.Migrate(cmd.Context())
				if err != nil {
					return err
				}
				v, err := db.SchemaVersion(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "applied %d migration(s); schema version %d\n", len(applied), v)
				return nil
			},
		},
		&cobra.Command{
			Use:   "version",
			Short: "Print version and build information",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				fmt.Fprintf(cmd.OutOrStdout(), "kysy %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
				if bi, ok := debug.ReadBuildInfo(); ok {
					for _, s := range bi.Settings {
						if s.Key == "vcs.revision" || s.Key == "vcs.time" || s.Key == "CGO_ENABLED" {
							fmt.Fprintf(cmd.OutOrStdout(), "%s=%s\n", s.Key, s.Value)
						}
					}
				}
				return nil
			},
		},
		redactCmd(&cfgPath),
		userCmd(load),
		tokenCmd(load),
		auditCmd(load),
		triageCmd(load),
		backupCmd(load),
	)
	return root
}

func redactCmd(cfgPath *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "redact",
		Short: "Redact personal details from stdin to stdout",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keep := redact.DefaultKeepNumbers
			if cfg, err := loadConfig(*cfgPath, cmd.Flags().Changed("config")); err == nil {
				keep = cfg.Redaction.KeepNumbers
			} else if cmd.Flags().Changed("config") {
				return err
			}
			in, err := io.ReadAll(cmd.InOrStdin())
			if err != nil {
				return fmt.Errorf("read stdin: %w", err)
			}
			res := redact.New(redact.Options{KeepNumbers: keep}).Redact(string(in))
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
			}
			_, err = io.WriteString(cmd.OutOrStdout(), res.Text)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"text", "redactions": [{"kind", "start", "end"}]}`)
	return cmd
}

func newLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// untilSignal is parent (or the background, when nil) cancelled on
// SIGINT or SIGTERM.
func untilSignal(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
}

// serve runs the HTTP server until SIGINT or SIGTERM, then shuts down in
// order: HTTP (in-flight requests finish), then the store.
func serve(parent context.Context, cfg Config, log *slog.Logger) error {
	ctx, stop := untilSignal(parent)
	defer stop()

	db, err := store.Open(ctx, cfg.Database, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "count", len(applied))
	}
	red := redact.New(redact.Options{KeepNumbers: cfg.Redaction.KeepNumbers})
	tri, err := newTriager()
	if err != nil {
		return err
	}
	mod := moderation.New(db, cfg.moderation(), red, tri, log)
	if cfg.Channels.Alert.Enabled {
		alert := scheduler.NewUrgentAlert(cfg.Channels.Alert, mod.UrgentWaiting, time.Minute, log)
		mod.OnUrgent = alert.Notify
		go alert.Run(ctx)
	}
	sch, loc, err := startScheduler(ctx, cfg, db, mod, log)
	if err != nil {
		return err
	}
	srv, err := api.New(api.Config{
		HTTP: cfg.HTTP, Inbox: cfg.Inbox, Support: cfg.Support,
		RetentionRejected:    cfg.Scheduler.Retention.Rejected,
		RetentionUnpublished: cfg.Scheduler.Retention.UnpublishedAnswered,
		Location:             loc,
		Metrics:              cfg.Metrics,
	}, mod, db, log)
	if err != nil {
		return err
	}
	srv.Wake = sch.Wake
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http.addr: listen: %w", err)
	}
	metricsDone := make(chan error, 1)
	if cfg.Metrics.Enabled && cfg.Metrics.Addr != "" {
		mln, err := net.Listen("tcp", cfg.Metrics.Addr)
		if err != nil {
			ln.Close()
			stop()
			<-sch.Done()
			return fmt.Errorf("metrics.addr: listen: %w", err)
		}
		log.Info("metrics listening", "addr", mln.Addr().String())
		go func() { metricsDone <- srv.ServeMetrics(ctx, mln) }()
	} else {
		metricsDone <- nil
	}
	log.Info("listening", "addr", ln.Addr().String(), "version", version)
	err = srv.Serve(ctx, ln, 15*time.Second)
	stop() // the scheduler and metrics too, when the server ended on its own
	<-sch.Done()
	if merr := <-metricsDone; merr != nil {
		log.Error("metrics server", "err", merr)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("stopped")
	return nil
}

// startScheduler sets up the channels of channels.*, tells moderation how
// posts are made, and starts the publishing jobs.
func startScheduler(ctx context.Context, cfg Config, db *store.DB, mod *moderation.Service, log *slog.Logger) (*scheduler.Scheduler, *time.Location, error) {
	links := scheduler.Links{BaseURL: cfg.HTTP.BaseURL}
	var channels []scheduler.Channel
	var names []string
	if cfg.Channels.Feed.Enabled {
		channels, names = append(channels, scheduler.Feed{}), append(names, moderation.ChannelFeed)
	}
	if cfg.Channels.Webhook.Enabled {
		channels, names = append(channels, scheduler.NewWebhook(cfg.Channels.Webhook, links)), append(names, moderation.ChannelWebhook)
	}
	pub := moderation.PublishConfig{Channels: names, BaseURL: cfg.HTTP.BaseURL, MaxDelay: cfg.Scheduler.MaxDelay,
		MaxHashtags: cfg.Channels.Instagram.MaxHashtags}
	if ig := cfg.Channels.Instagram; ig.Enabled {
		client := instagram.New(instagram.Config{APIBase: ig.APIBase, UserID: ig.UserID, AccessToken: string(ig.AccessToken)})
		channels, names = append(channels, scheduler.NewInstagram(client, links)), append(names, moderation.ChannelInstagram)
		pub.Channels = names
		pub.Quota = client.Quota
	}
	sch, err := scheduler.New(cfg.Scheduler, db, mod, channels, scheduler.Options{
		Lease: cfg.Scheduler.Lease, MaxAttempts: cfg.Scheduler.MaxAttempts, Backoff: cfg.Scheduler.RetryBackoff}, log)
	if err != nil {
		return nil, nil, err
	}
	pub.Location = sch.Location()
	mod.ConfigurePublishing(pub)
	if err := sch.Start(ctx); err != nil {
		return nil, nil, err
	}
	return sch, sch.Location(), nil
}
