package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"kysy/moderation"
	"kysy/moderation/triage"
)

// maxTriageInput bounds what `kysy triage` reads from stdin; a question is
// at most inbox.max_chars characters, this is far above any config.
const maxTriageInput = 1 << 20

// triageCmd is `kysy triage`: classify one question from stdin and print
// {"urgent", "spam", "signals"}. It needs no configuration and no database,
// so a missing config file does not stop it; flood detection, which needs
// a stream of questions, does not apply to a single one.
func triageCmd(_ loader) *cobra.Command {
	return &cobra.Command{
		Use:   "triage",
		Short: `Classify one question from stdin; print {"urgent", "spam", "signals"}`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxTriageInput))
			if err != nil {
				return fmt.Errorf("read stdin: %w", err)
			}
			c, err := triage.New()
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(c.Classify(string(in)))
		},
	}
}

// intakeTriager adapts triage.Triager, which knows nothing of moderation,
// to the moderation.Triager hook of the intake pipeline.
type intakeTriager struct{ t *triage.Triager }

func (a intakeTriager) Triage(text string) moderation.Triage {
	r := a.t.Triage(text)
	return moderation.Triage{Urgent: r.Urgent, Spam: r.Spam, Signals: r.Signals}
}

// newTriager returns the intake triager of a running process: the
// embedded rules plus a flood guard whose key lives only in memory.
func newTriager() (moderation.Triager, error) {
	c, err := triage.New()
	if err != nil {
		return nil, err
	}
	return intakeTriager{triage.NewTriager(c, triage.NewFloodGuard(triage.FloodOptions{}))}, nil
}
