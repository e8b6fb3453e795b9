package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

// The communications staff's console pages (SPEC §4.3): approved answers
// to schedule, the posts and their channels, one post's preview with
// publish-now and unschedule/unpublish, the posting slots, and a week's
// posts. Every time on these pages is in scheduler.timezone, where slots
// are read. Moderation checks the role (comms or admin) of every call.

// consoleScheduleLimit is how many approved answers the schedule page lists.
const consoleScheduleLimit = 50

// consolePostsLimit is how many posts a page of the post list shows.
const consolePostsLimit = 25

// consoleMaxSlots is moderation's bound on the slots, for the message.
const consoleMaxSlots = 50

// consoleNextSlots is how many coming slot times the slots page shows.
const consoleNextSlots = 5

// consolePostStatuses are the post list's filters, after "all".
var consolePostStatuses = []store.PostStatus{store.PostScheduled, store.PostPublished, store.PostFailed,
	store.PostMissed, store.PostReturned, store.PostCancelled, store.PostUnpublished}

// consolePostsRoutes mounts the comms pages; post is the console's POST
// route helper (same origin, staff, CSRF).
func (s *Server) consolePostsRoutes(post func(string, echo.HandlerFunc)) {
	e := s.echo
	e.GET("/console/schedule", s.handleConsoleSchedule, s.requireStaff)
	post("/console/schedule/:id", s.handleConsoleScheduleAnswer)
	e.GET("/console/posts", s.handleConsolePosts, s.requireStaff)
	e.GET("/console/posts/:id", s.handleConsolePost, s.requireStaff)
	post("/console/posts/:id/publish-now", s.handleConsolePublishNow)
	post("/console/posts/:id/remove", s.handleConsolePostRemove)
	e.GET("/console/slots", s.handleConsoleSlots, s.requireStaff)
	post("/console/slots", s.handleConsoleSlotsSave)
	e.GET("/console/week", s.handleConsoleWeek, s.requireStaff)
}

// consoleZoneTime formats t in loc as the console does elsewhere.
func consoleZoneTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// ---- To publish --------------------------------------------------------

type consoleScheduleView struct {
	Items    []consoleScheduleItem
	Channels []string
	Zone     string
	// NextSlot is when "next free slot" would post now; empty without slots.
	NextSlot    string
	NextSlotISO string
}

type consoleScheduleItem struct {
	AnswerID      int64
	QuestionID    int64
	Preview       string
	Lang          string
	QuestionShown bool
	Form          consoleScheduleForm
	Failed        bool // the form sent for this answer was refused
}

// consoleScheduleForm is what a schedule form holds: when ("next" or "at"),
// the date and time for "at", and the channels ticked.
type consoleScheduleForm struct {
	When     string
	Date     string
	Time     string
	Channels map[string]bool
}

// handleConsoleSchedule lists the approved answers without a post, each with
// a form to schedule it.
func (s *Server) handleConsoleSchedule(c echo.Context) error {
	return s.renderConsoleSchedule(c, http.StatusOK, "", 0, nil)
}

func (s *Server) renderConsoleSchedule(c echo.Context, status int, msg string, failed int64, form *consoleScheduleForm) error {
	ctx, actor := c.Request().Context(), actorOf(c)
	items, err := s.mod.Schedulable(ctx, actor, consoleScheduleLimit)
	if err != nil {
		return err
	}
	loc := s.mod.PublishLocation()
	v := &consoleScheduleView{Channels: s.mod.PublishChannels(), Zone: loc.String()}
	if next, err := s.consoleNextFreeSlot(ctx, actor); err != nil {
		return err
	} else if !next.IsZero() {
		v.NextSlot, v.NextSlotISO = consoleZoneTime(next, loc), next.UTC().Format(time.RFC3339)
	}
	all := map[string]bool{}
	for _, ch := range v.Channels {
		all[ch] = true
	}
	for _, it := range items {
		row := consoleScheduleItem{AnswerID: it.Answer.ID, QuestionID: it.Answer.QuestionID, Preview: consolePreview(it.Answer.Body),
			Lang: it.Lang, QuestionShown: it.QuestionShown, Form: consoleScheduleForm{When: "next", Channels: all}}
		if it.Answer.ID == failed && form != nil {
			row.Form, row.Failed = *form, true
		}
		v.Items = append(v.Items, row)
	}
	p := s.newConsolePage(c, "schedule")
	p.Path = "/console/schedule"
	p.Error = msg
	p.Schedule = v
	return c.Render(status, "schedule", p)
}

// consoleNextFreeSlot is the slot "next free slot" would take now, as
// SchedulePost picks it; zero without slots.
func (s *Server) consoleNextFreeSlot(ctx context.Context, actor *moderation.Actor) (time.Time, error) {
	specs, err := s.mod.Slots(ctx, actor)
	if err != nil {
		return time.Time{}, err
	}
	scheds, err := moderation.ParseSlots(specs)
	if err != nil {
		return time.Time{}, nil // stored slots that no longer parse: none to offer
	}
	now := s.mod.Now().UTC()
	taken, err := s.db.ScheduledTimes(ctx, now)
	if err != nil {
		return time.Time{}, err
	}
	return moderation.NextSlot(scheds, s.mod.PublishLocation(), now, taken), nil
}

// handleConsoleScheduleAnswer schedules approved answer :id in the next free
// slot or at a date and time in scheduler.timezone, on the channels ticked.
func (s *Server) handleConsoleScheduleAnswer(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return formError(err)
	}
	lang := consoleLang(c)
	form := consoleScheduleForm{When: c.FormValue("when"), Date: strings.TrimSpace(c.FormValue("date")),
		Time: strings.TrimSpace(c.FormValue("time")), Channels: map[string]bool{}}
	if form.When != "at" {
		form.When = "next"
	}
	chans := c.Request().PostForm["channels"]
	for _, ch := range chans {
		form.Channels[ch] = true
	}
	fail := func(status int, msg string) error {
		return s.renderConsoleSchedule(c, status, msg, id, &form)
	}
	tr := s.render.console.tr
	if len(chans) == 0 {
		return fail(http.StatusUnprocessableEntity, tr(lang, "err_channels_required"))
	}
	in := moderation.ScheduleInput{AnswerID: id, Channels: chans}
	if form.When == "at" {
		if form.Date == "" || form.Time == "" {
			return fail(http.StatusUnprocessableEntity, tr(lang, "err_datetime_required"))
		}
		at, err := time.ParseInLocation("2006-01-02 15:04", form.Date+" "+form.Time, s.mod.PublishLocation())
		if err != nil {
			return fail(http.StatusUnprocessableEntity, tr(lang, "err_invalid_datetime"))
		}
		in.At = &at
	}
	post, err := s.mod.SchedulePost(c.Request().Context(), actorOf(c), in)
	if err == nil {
		s.wakeScheduler()
		return consoleSeeOther(c, fmt.Sprintf("/console/posts/%d", post.ID), "scheduled")
	}
	me, status, ok := consoleShownError(err)
	if !ok {
		return err
	}
	return fail(status, s.consoleMessage(lang, me.Code, me.Message))
}

// ---- Posts -------------------------------------------------------------

type consolePostsView struct {
	Status  string
	Label   string
	Tabs    []consoleQueueTab
	Items   []consolePostRow
	NextURL string
	Paged   bool
	Zone    string
}

type consolePostRow struct {
	ID       int64
	At       string
	ISO      string
	Status   string
	Channels []consoleChannelState
	Reason   string
}

type consoleChannelState struct {
	Channel string
	State   string
	Error   string
}

// consoleChannelStates lists a post's channels in the post's own order.
func consoleChannelStates(v moderation.PostView) []consoleChannelState {
	var out []consoleChannelState
	for _, ch := range strings.Split(v.Channels, ",") {
		if ch == "" {
			continue
		}
		out = append(out, consoleChannelState{Channel: ch, State: v.Deliveries[ch], Error: v.Errors[ch]})
	}
	return out
}

// consolePostReason is the reason a list shows: why a post failed, was
// missed or returned, or was taken down.
func consolePostReason(v moderation.PostView) string {
	switch v.Status {
	case store.PostFailed, store.PostMissed, store.PostReturned, store.PostUnpublished:
		return v.Reason
	}
	return ""
}

// handleConsolePosts lists posts, newest first, one status or all.
func (s *Server) handleConsolePosts(c echo.Context) error {
	status, err := moderation.ParsePostStatus(c.QueryParam("status"))
	if err != nil {
		return err
	}
	cursor := c.QueryParam("cursor")
	pg, err := s.mod.Posts(c.Request().Context(), actorOf(c), status, consolePostsLimit, cursor)
	if err != nil {
		return err
	}
	p := s.newConsolePage(c, "posts")
	tr := s.render.console.tr
	loc := s.mod.PublishLocation()
	v := &consolePostsView{Status: string(status), Paged: cursor != "", Zone: loc.String()}
	v.Tabs = append(v.Tabs, consoleQueueTab{Status: "", Label: tr(p.Lang, "posts_all"), Current: status == ""})
	for _, st := range consolePostStatuses {
		v.Tabs = append(v.Tabs, consoleQueueTab{Status: string(st), Label: tr(p.Lang, "pstate_"+string(st)), Current: st == status})
	}
	v.Label = tr(p.Lang, "posts_all")
	if status != "" {
		v.Label = tr(p.Lang, "pstate_"+string(status))
	}
	for _, it := range pg.Items {
		v.Items = append(v.Items, consolePostRow{ID: it.ID, At: consoleZoneTime(it.ScheduledAt, loc), ISO: it.ScheduledAt.UTC().Format(time.RFC3339),
			Status: string(it.Status), Channels: consoleChannelStates(it), Reason: consolePostReason(it)})
	}
	if pg.NextCursor != "" {
		v.NextURL = "/console/posts?status=" + url.QueryEscape(string(status)) + "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
	p.Posts = v
	return c.Render(http.StatusOK, "posts", p)
}

// ---- One post ----------------------------------------------------------

type consolePostView struct {
	ID            int64
	AnswerID      int64
	Status        string
	Lang          string
	At            string
	ISO           string
	PublishedAt   string
	PublishedISO  string
	Zone          string
	Channels      []consoleChannelState
	Reason        string
	Question      string
	QuestionShown bool
	Answer        string
	Caption       string
	CardURL       string
	Findings      []string
	PublicURL     string
	WeekURL       string

	CanPublishNow bool
	CanUnschedule bool // not gone out yet: cancel
	CanUnpublish  bool // gone out: take down, after a confirmation
	Confirm       bool // show the confirmation of unpublishing
	OnInstagram   bool // went out on Instagram: deleting there is by hand
}

// handleConsolePost shows one post as it will be (or was) published, with
// what the last check would find, and its actions.
func (s *Server) handleConsolePost(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	return s.renderConsolePost(c, id, http.StatusOK, "", c.QueryParam("confirm") == "remove")
}

func (s *Server) renderConsolePost(c echo.Context, id int64, status int, msg string, confirm bool) error {
	ctx, actor := c.Request().Context(), actorOf(c)
	pv, err := s.mod.Post(ctx, actor, id)
	if err != nil {
		return err
	}
	prev, err := s.mod.PreviewPost(ctx, actor, id)
	if err != nil {
		return err
	}
	p := s.newConsolePage(c, "post")
	p.Title = s.render.console.tr(p.Lang, "title_post_n", "ID", id)
	p.Path = fmt.Sprintf("/console/posts/%d", id)
	p.Error = msg
	loc := s.mod.PublishLocation()
	v := &consolePostView{ID: pv.ID, AnswerID: pv.AnswerID, Status: string(pv.Status), Lang: prev.Content.Lang,
		At: consoleZoneTime(pv.ScheduledAt, loc), ISO: pv.ScheduledAt.UTC().Format(time.RFC3339), Zone: loc.String(),
		Channels: consoleChannelStates(*pv), Reason: pv.Reason,
		Question: prev.Content.Question, QuestionShown: prev.Content.Question != "", Answer: prev.Content.Answer,
		Caption: prev.Content.Caption, CardURL: fmt.Sprintf("/api/v1/staff/posts/%d/preview/card.png", id),
		WeekURL: "/console/week?day=" + pv.ScheduledAt.In(loc).Format("2006-01-02")}
	if pv.PublishedAt != nil {
		v.PublishedAt, v.PublishedISO = consoleZoneTime(*pv.PublishedAt, loc), pv.PublishedAt.UTC().Format(time.RFC3339)
	}
	if pv.Status == store.PostPublished {
		v.PublicURL = s.mod.PostURL(id)
	}
	for _, k := range prev.Findings {
		label := strings.ToUpper(k)
		if s.render.console.has(p.Lang, "kind_"+label) {
			label = s.render.console.tr(p.Lang, "kind_"+label)
		}
		v.Findings = append(v.Findings, label)
	}
	switch pv.Status {
	case store.PostScheduled, store.PostMissed:
		v.CanPublishNow, v.CanUnschedule = true, true
	case store.PostFailed:
		v.CanPublishNow, v.CanUnpublish = true, true
	case store.PostPublishing, store.PostPublished:
		v.CanUnpublish = true
	}
	if st := pv.Deliveries[moderation.ChannelInstagram]; st == string(store.DeliveryPublished) || st == string(store.DeliverySending) {
		v.OnInstagram = true
	}
	v.Confirm = confirm && v.CanUnpublish
	p.Post = v
	return c.Render(status, "post", p)
}

// consolePostResult answers a post's action: back to the post with a notice,
// or the post page again with the message.
func (s *Server) consolePostResult(c echo.Context, id int64, err error, notice string, confirm bool) error {
	if err == nil {
		return consoleSeeOther(c, fmt.Sprintf("/console/posts/%d", id), notice)
	}
	me, status, ok := consoleShownError(err)
	if !ok {
		return err
	}
	if me.Kind == moderation.KindNotFound {
		return err
	}
	return s.renderConsolePost(c, id, status, s.consoleMessage(consoleLang(c), me.Code, me.Message), confirm)
}

// handleConsolePublishNow sends a scheduled or missed post at once, or
// retries a failed one's channels.
func (s *Server) handleConsolePublishNow(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	_, err = s.mod.PublishNow(c.Request().Context(), actorOf(c), id)
	if err == nil {
		s.wakeScheduler()
	}
	return s.consolePostResult(c, id, err, "published_now", false)
}

// handleConsolePostRemove unschedules a post that has not gone out, or,
// once confirmed, unpublishes one that has. A post that went out on
// Instagram needs instagram_removed: deleting it there is done by hand.
func (s *Server) handleConsolePostRemove(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	ctx, actor := c.Request().Context(), actorOf(c)
	pv, err := s.mod.Post(ctx, actor, id)
	if err != nil {
		return err
	}
	out := pv.Status == store.PostPublishing || pv.Status == store.PostPublished || pv.Status == store.PostFailed
	if out && c.FormValue("confirm") != "yes" {
		return s.renderConsolePost(c, id, http.StatusOK, "", true)
	}
	igRemoved := c.FormValue("instagram_removed") == "true"
	_, err = s.mod.DeletePost(ctx, actor, id, igRemoved)
	notice := "unscheduled"
	if out {
		notice = "unpublished"
	}
	if errors.Is(err, moderation.ErrInstagramUnpublish) {
		return s.renderConsolePost(c, id, http.StatusConflict, s.consoleMessage(consoleLang(c), "instagram_unpublish_refused", ""), true)
	}
	return s.consolePostResult(c, id, err, notice, out)
}

// ---- Slots -------------------------------------------------------------

type consoleSlotsView struct {
	Text    string
	Invalid bool
	Next    []consoleTimeView
	Zone    string
}

type consoleTimeView struct {
	At  string
	ISO string
}

// handleConsoleSlots shows the posting slots and the next slot times.
func (s *Server) handleConsoleSlots(c echo.Context) error {
	slots, err := s.mod.Slots(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return s.renderConsoleSlots(c, http.StatusOK, "", strings.Join(slots, "\n"), slots)
}

// renderConsoleSlots renders the slots page with text in the editor and
// the next times of the saved slots.
func (s *Server) renderConsoleSlots(c echo.Context, status int, msg, text string, saved []string) error {
	loc := s.mod.PublishLocation()
	v := &consoleSlotsView{Text: text, Invalid: msg != "", Zone: loc.String()}
	if scheds, err := moderation.ParseSlots(saved); err == nil {
		t := s.mod.Now()
		for range consoleNextSlots {
			n := moderation.NextSlot(scheds, loc, t, nil)
			if n.IsZero() {
				break
			}
			v.Next = append(v.Next, consoleTimeView{At: consoleZoneTime(n, loc), ISO: n.UTC().Format(time.RFC3339)})
			t = n
		}
	}
	p := s.newConsolePage(c, "slots")
	p.Path = "/console/slots"
	p.Error = msg
	p.Slots = v
	return c.Render(status, "slots", p)
}

// consoleSlotLines are the slots of the editor, one a line, blank lines
// left out.
func consoleSlotLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// handleConsoleSlotsSave replaces the slots; a slot that does not parse is
// named in the message and nothing changes.
func (s *Server) handleConsoleSlotsSave(c echo.Context) error {
	ctx, actor := c.Request().Context(), actorOf(c)
	text := strings.ReplaceAll(c.FormValue("slots"), "\r\n", "\n")
	lines := consoleSlotLines(text)
	_, err := s.mod.SetSlots(ctx, actor, lines)
	if err == nil {
		return consoleSeeOther(c, "/console/slots", "slots_saved")
	}
	me, status, ok := consoleShownError(err)
	if !ok {
		return err
	}
	lang := consoleLang(c)
	msg := s.consoleMessage(lang, me.Code, me.Message)
	if me.Code == "invalid_slots" {
		msg = s.consoleSlotsMessage(lang, lines)
	}
	saved, err := s.mod.Slots(ctx, actor)
	if err != nil {
		return err
	}
	return s.renderConsoleSlots(c, status, msg, text, saved)
}

// consoleSlotsMessage says which slot is wrong, in the console's language.
func (s *Server) consoleSlotsMessage(lang string, lines []string) string {
	tr := s.render.console.tr
	if len(lines) > consoleMaxSlots {
		return tr(lang, "err_too_many_slots", "N", consoleMaxSlots)
	}
	for i := range lines {
		if _, err := moderation.ParseSlots(lines[:i+1]); err != nil {
			return tr(lang, "err_invalid_slot_line", "N", i+1, "Slot", lines[i])
		}
	}
	return tr(lang, "err_invalid_slots")
}

// ---- Week --------------------------------------------------------------

type consoleWeekView struct {
	Caption  string
	Zone     string
	Days     []consoleWeekDay
	PrevURL  string
	NextURL  string
	TodayURL string
	Empty    bool
}

type consoleWeekDay struct {
	N     int // 1 (Monday) … 7
	Name  string
	Date  string
	ISO   string
	Today bool
	Posts []consoleWeekPost
}

type consoleWeekPost struct {
	ID     int64
	Time   string
	ISO    string
	Status string
}

// handleConsoleWeek shows the posts of the week (Monday to Sunday in
// scheduler.timezone) that holds ?day=YYYY-MM-DD, today by default.
func (s *Server) handleConsoleWeek(c echo.Context) error {
	loc := s.mod.PublishLocation()
	today := s.mod.Now().In(loc)
	day := today
	if raw := strings.TrimSpace(c.QueryParam("day")); raw != "" {
		d, err := time.ParseInLocation("2006-01-02", raw, loc)
		if err != nil {
			return moderation.Invalid("invalid_day", "day must be a date, YYYY-MM-DD.")
		}
		day = d.Add(12 * time.Hour) // midday: clear of any DST change at midnight
	}
	start, posts, err := s.mod.WeekPosts(c.Request().Context(), actorOf(c), day)
	if err != nil {
		return err
	}
	p := s.newConsolePage(c, "week")
	tr := s.render.console.tr
	start = start.In(loc)
	end := start.AddDate(0, 0, 6)
	_, week := start.ISOWeek()
	v := &consoleWeekView{Zone: loc.String(), Empty: len(posts) == 0,
		Caption:  tr(p.Lang, "week_caption", "N", week, "From", start.Format("2006-01-02"), "To", end.Format("2006-01-02")),
		PrevURL:  "/console/week?day=" + start.AddDate(0, 0, -7).Format("2006-01-02"),
		NextURL:  "/console/week?day=" + start.AddDate(0, 0, 7).Format("2006-01-02"),
		TodayURL: "/console/week"}
	dateLayout := tr(p.Lang, "week_date_layout")
	todayISO := today.Format("2006-01-02")
	for i := range 7 {
		d := start.AddDate(0, 0, i)
		v.Days = append(v.Days, consoleWeekDay{N: i + 1, Name: tr(p.Lang, fmt.Sprintf("weekday_%d", i+1)),
			Date: d.Format(dateLayout), ISO: d.Format("2006-01-02"), Today: d.Format("2006-01-02") == todayISO})
	}
	for _, pv := range posts {
		at := pv.ScheduledAt.In(loc)
		key := at.Format("2006-01-02")
		for i := range v.Days {
			if v.Days[i].ISO == key {
				v.Days[i].Posts = append(v.Days[i].Posts, consoleWeekPost{ID: pv.ID, Time: at.Format("15:04"),
					ISO: pv.ScheduledAt.UTC().Format(time.RFC3339), Status: string(pv.Status)})
			}
		}
	}
	p.Path = "/console/week?day=" + start.Format("2006-01-02")
	if c.QueryParam("day") == "" {
		p.Path = "/console/week"
	}
	p.Week = v
	return c.Render(http.StatusOK, "week", p)
}
