package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

// consoleStatsStatuses is the order of the per-status table.
var consoleStatsStatuses = []store.Status{store.StatusReceived, store.StatusAnswering, store.StatusChanges,
	store.StatusInReview, store.StatusApproved, store.StatusScheduled, store.StatusPublished,
	store.StatusSpam, store.StatusRejected, store.StatusWithdrawn}

type consoleStatsView struct {
	ByStatus      []consoleStatusCount
	UrgentWaiting int64
	Oldest        *time.Time
	OldestAge     time.Duration
	Windows       []consoleTTARow
	// Deliveries per channel and result, and the latest failures.
	Channels []consoleChannelRow
	Failures []failureJSON
}

type consoleChannelRow struct {
	Channel                            string
	Published, Pending, Failed, Undone int64
}

type consoleStatusCount struct {
	Status string
	Count  int64
}

type consoleTTARow struct {
	Window string // 7d, 30d
	Count  int
	Median time.Duration
	P90    time.Duration
}

// handleConsoleStats shows the queue and the time to answer at a glance.
func (s *Server) handleConsoleStats(c echo.Context) error {
	st, err := s.mod.Stats(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	v := &consoleStatsView{UrgentWaiting: st.UrgentWaiting, Oldest: st.OldestWaiting}
	if st.OldestWaiting != nil {
		v.OldestAge = st.Now.Sub(*st.OldestWaiting)
	}
	for _, status := range consoleStatsStatuses {
		v.ByStatus = append(v.ByStatus, consoleStatusCount{Status: string(status), Count: st.ByStatus[status]})
	}
	for _, w := range []string{"7d", "30d"} {
		t := st.TimeToAnswer[w]
		v.Windows = append(v.Windows, consoleTTARow{Window: w, Count: t.Count, Median: t.Median, P90: t.P90})
	}
	posts, fails, err := postStats(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	for _, ch := range []string{moderation.ChannelFeed, moderation.ChannelWebhook, moderation.ChannelInstagram} {
		m, ok := posts[ch]
		if !ok {
			continue
		}
		v.Channels = append(v.Channels, consoleChannelRow{Channel: ch, Published: m[string(store.DeliveryPublished)],
			Pending: m[string(store.DeliveryPending)] + m[string(store.DeliverySending)], Failed: m[string(store.DeliveryFailed)],
			Undone: m[string(store.DeliveryUnpublished)]})
	}
	v.Failures = fails
	p := s.newConsolePage(c, "stats")
	p.Stats = v
	return c.Render(http.StatusOK, "stats", p)
}

type consoleAuditView struct {
	Entries []consoleHistoryRow
	NextURL string
	Paged   bool
}

// handleConsoleAudit pages through the audit log, oldest first; admins
// only (moderation checks).
func (s *Server) handleConsoleAudit(c echo.Context) error {
	var after int64
	if raw := c.QueryParam("after"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return moderation.Invalid("invalid_cursor", "The cursor is not one this server gave out.")
		}
		after = n
	}
	es, err := s.mod.AuditPage(c.Request().Context(), actorOf(c), after, consoleAuditLimit)
	if err != nil {
		return err
	}
	v := &consoleAuditView{Paged: after > 0}
	for _, e := range es {
		v.Entries = append(v.Entries, toConsoleHistoryRow(e))
	}
	if len(es) == consoleAuditLimit {
		v.NextURL = "/console/audit?after=" + strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	p := s.newConsolePage(c, "audit")
	p.Audit = v
	return c.Render(http.StatusOK, "audit", p)
}
