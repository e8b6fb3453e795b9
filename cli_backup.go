package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"kysy/store"
)

func backupCmd(load loader) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent copy of the SQLite database to a new file, also while serve runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := load(cmd)
			if err != nil {
				return err
			}
			// On SIGINT/SIGTERM the copy is abandoned and its temporary
			// file removed, rather than left behind by a killed process.
			ctx, stop := untilSignal(cmd.Context())
			defer stop()
			db, err := store.Open(ctx, cfg.Database, log)
			if err != nil {
				return err
			}
			defer db.Close()
			info, err := db.Backup(ctx, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written: %s (%d bytes, schema version %d)\n", info.Path, info.Bytes, info.SchemaVersion)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the new file to write (never overwritten; mode 0600)")
	cmd.MarkFlagRequired("out")
	return cmd
}
