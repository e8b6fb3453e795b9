package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

// consoleQueueTabs are the queue's tabs, in the order work flows.
var consoleQueueTabs = []store.Status{store.StatusReceived, store.StatusAnswering, store.StatusChanges,
	store.StatusInReview, store.StatusApproved, store.StatusSpam, store.StatusRejected}

// consolePreviewChars bounds a question's preview in the queue.
const consolePreviewChars = 200

type consoleQueueView struct {
	Status  string
	Label   string
	Tabs    []consoleQueueTab
	Items   []consoleQueueItem
	NextURL string
	Paged   bool // a later page: offer the way back to the first
}

type consoleQueueTab struct {
	Status  string
	Label   string
	Current bool
}

type consoleQueueItem struct {
	ID      int64
	Created time.Time
	Age     time.Duration
	Urgent  bool
	Spam    bool
	Lang    string
	Signals []string
	Preview string
}

// handleConsoleHome is the console's front page: the queue for those who
// work it, the figures for everyone else.
func (s *Server) handleConsoleHome(c echo.Context) error {
	a := actorOf(c)
	if !a.Has(moderation.RoleModerator) && !a.Has(moderation.RoleReviewer) {
		if a.Has(moderation.RoleComms) {
			return consoleSeeOther(c, "/console/schedule", "")
		}
		return consoleSeeOther(c, "/console/stats", "")
	}
	return s.handleConsoleQueue(c)
}

// handleConsoleQueue shows one status's questions, urgent first, then
// oldest, a page at a time.
func (s *Server) handleConsoleQueue(c echo.Context) error {
	status, err := moderation.ParseStatus(c.QueryParam("status"))
	if err != nil {
		return err
	}
	cursor := c.QueryParam("cursor")
	pg, err := s.mod.Queue(c.Request().Context(), actorOf(c), status, consoleQueueLimit, cursor)
	if err != nil {
		return err
	}
	p := s.newConsolePage(c, "queue")
	now := s.mod.Now()
	tr := s.render.console.tr
	v := &consoleQueueView{Status: string(status), Label: tr(p.Lang, "tab_"+string(status)), Paged: cursor != ""}
	if !s.render.console.has(p.Lang, "tab_"+string(status)) {
		v.Label = tr(p.Lang, "status_"+string(status))
	}
	for _, st := range consoleQueueTabs {
		v.Tabs = append(v.Tabs, consoleQueueTab{Status: string(st), Label: tr(p.Lang, "tab_"+string(st)), Current: st == status})
	}
	for _, q := range pg.Items {
		v.Items = append(v.Items, consoleQueueItem{ID: q.ID, Created: q.CreatedAt, Age: now.Sub(q.CreatedAt), Urgent: q.Urgent,
			Spam: q.Spam, Lang: q.Lang, Signals: consoleSignals(q.Signals), Preview: consolePreview(q.Text)})
	}
	if pg.NextCursor != "" {
		v.NextURL = "/console/queue?status=" + url.QueryEscape(string(status)) + "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
	p.Queue = v
	return c.Render(http.StatusOK, "queue", p)
}

// consoleSignals decodes a question's triage signals; a broken list shows none.
func consoleSignals(raw string) []string {
	var out []string
	if raw == "" || json.Unmarshal([]byte(raw), &out) != nil {
		return nil
	}
	return out
}

// preview is the start of a question on one line.
func consolePreview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= consolePreviewChars {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:consolePreviewChars])) + "…"
}
