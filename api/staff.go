package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// The staff JSON API (SPEC §4.3). Every route needs staff credentials
// (requireStaff) and refuses cross-site requests (sameOrigin); the
// moderation verbs check the role, validate the transition and write the
// audit entry, so the handlers here only decode, call one verb and shape
// the answer. Slots and posts come with the scheduler.

const (
	// staffQueueLimit is a queue page's size when the request names none.
	staffQueueLimit = 50
	// staffAuditLimit and staffAuditMax bound a page of the audit log.
	staffAuditLimit = 100
	staffAuditMax   = 1000
	// staffReviewLimit and staffReviewMax bound the review list.
	staffReviewLimit = 50
	staffReviewMax   = 200
)

// staffRoutes mounts the staff JSON API (SPEC §4.3). Middleware sits on
// each route, not on a group, so that an unknown path is 404 and a wrong
// method 405 (see routes).
func (s *Server) staffRoutes() {
	e := s.echo
	mw := []echo.MiddlewareFunc{s.sameOrigin, s.requireStaff}
	const p = "/api/v1/staff"

	e.GET(p+"/questions", s.handleStaffQueue, mw...)
	e.GET(p+"/questions/:id", s.handleStaffQuestion, mw...)
	// PATCH /questions/:id {"text"}: edit the redacted text (redacted again).
	e.PATCH(p+"/questions/:id", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r editQuestionRequest) (any, error) {
		return questionOut(s.mod.EditQuestion(ctx, a, id, r.Text))
	}), mw...)
	// POST /questions/:id/reject {"reason"}: the young person sees the reason.
	e.POST(p+"/questions/:id/reject", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r rejectRequest) (any, error) {
		return questionOut(s.mod.Reject(ctx, a, id, r.Reason))
	}), mw...)
	// POST /questions/:id/restore: spam back to the inbox (extension).
	e.POST(p+"/questions/:id/restore", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		return questionOut(s.mod.Restore(ctx, a, id))
	}), mw...)
	// POST /questions/:id/redact {"phrase","kind"}: redact more by hand
	// (extension); kind is a placeholder kind of SPEC §5, in any case.
	e.POST(p+"/questions/:id/redact", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r redactRequest) (any, error) {
		kind := redact.Kind(strings.ToUpper(strings.TrimSpace(r.Kind)))
		return questionOut(s.mod.RedactMore(ctx, a, id, r.Phrase, kind))
	}), mw...)
	// POST /questions/:id/answers {"body"} → 201 {"id", "status": "draft"}.
	e.POST(p+"/questions/:id/answers", idAction(s, http.StatusCreated, func(ctx context.Context, a *moderation.Actor, id int64, r answerBodyRequest) (any, error) {
		ans, err := s.mod.StartAnswer(ctx, a, id, r.Body)
		if err != nil {
			return nil, err
		}
		return answerCreatedResponse{ID: ans.ID, Status: string(ans.Status)}, nil
	}), mw...)

	// GET /answers/:id (extension).
	e.GET(p+"/answers/:id", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		return answerOut(s.mod.Answer(ctx, a, id))
	}), mw...)
	// PUT /answers/:id {"body"}: the author edits a draft or a sent-back answer.
	e.PUT(p+"/answers/:id", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r answerBodyRequest) (any, error) {
		return answerOut(s.mod.EditAnswer(ctx, a, id, r.Body))
	}), mw...)
	// POST /answers/:id/submit: the author sends it to review.
	e.POST(p+"/answers/:id/submit", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		return answerOut(s.mod.SubmitAnswer(ctx, a, id))
	}), mw...)
	// POST /answers/:id/approve: a reviewer who is not the author (403 four_eyes).
	e.POST(p+"/answers/:id/approve", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		return answerOut(s.mod.Approve(ctx, a, id))
	}), mw...)
	// POST /answers/:id/request-changes {"comment"}: back to the author.
	e.POST(p+"/answers/:id/request-changes", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r requestChangesRequest) (any, error) {
		return answerOut(s.mod.RequestChanges(ctx, a, id, r.Comment))
	}), mw...)
	// POST /answers/:id/link {"question_ids": […]}: near-duplicates.
	e.POST(p+"/answers/:id/link", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, r linkRequest) (any, error) {
		qs, err := s.mod.Link(ctx, a, id, r.QuestionIDs)
		if err != nil {
			return nil, err
		}
		resp := linkResponse{AnswerID: id, Linked: make([]int64, len(qs))}
		for i, q := range qs {
			resp.Linked[i] = q.ID
		}
		return resp, nil
	}), mw...)

	e.GET(p+"/review", s.handleStaffReview, mw...)
	e.GET(p+"/audit", s.handleStaffAudit, mw...)
	e.GET(p+"/stats", s.handleStaffStats, mw...)
	s.postRoutes(mw)
}

// errNoSuchID answers a path whose id cannot be one.
var errNoSuchID = newError(http.StatusNotFound, "not_found", "There is nothing at this address.")

// pathID reads the :id path parameter. Anything but a positive decimal
// integer in canonical form is not an address that exists: 404.
func pathID(c echo.Context) (int64, error) {
	v := c.Param("id")
	if v == "" || len(v) > 18 || v[0] == '0' {
		return 0, errNoSuchID
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, errNoSuchID
		}
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNoSuchID
	}
	return id, nil
}

// queryLimit reads the limit query parameter: def when absent, else an
// integer in 1..most.
func queryLimit(c echo.Context, def, most int) (int, error) {
	v := c.QueryParam("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > most {
		return 0, moderation.Invalid("invalid_limit", fmt.Sprintf("The limit must be a number from 1 to %d.", most))
	}
	return n, nil
}

// decodeNoBody accepts a request without a body, or with a JSON body that
// holds an empty object; anything else in it is refused as strictly as
// any other body.
// noBody is the request type of a route that takes no body (or "{}").
type noBody struct{}

// idAction is the shape of most staff routes: an id in the path, a body
// decoded strictly into Req (none at all for noBody), one moderation
// verb, and its result as JSON with status.
func idAction[Req any](s *Server, status int, verb func(ctx context.Context, a *moderation.Actor, id int64, req Req) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var req Req
		if _, none := any(req).(noBody); none {
			err = s.decodeNoBody(c)
		} else {
			err = decodeJSON(c, s.cfg.HTTP.BodyLimit, &req)
		}
		if err != nil {
			return err
		}
		out, err := verb(c.Request().Context(), actorOf(c), id, req)
		if err != nil {
			return err
		}
		if b, ok := out.(rawBlob); ok {
			c.Response().Header().Set("Cache-Control", "no-store")
			return c.Blob(status, b.ctype, b.b)
		}
		return c.JSON(status, out)
	}
}

// questionOut and answerOut turn a verb's result into its JSON shape.
func questionOut(q *store.Question, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return toStaffQuestion(q), nil
}

func answerOut(a *store.Answer, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return toStaffAnswer(a), nil
}

func (s *Server) decodeNoBody(c echo.Context) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	var empty struct{}
	return decodeJSON(c, s.cfg.HTTP.BodyLimit, &empty)
}

// staffQuestionJSON is a question as staff see it in the queue (SPEC
// §4.3), plus the answer it has, if any.
type staffQuestionJSON struct {
	ID             int64           `json:"id"`
	Text           string          `json:"text"`
	Status         string          `json:"status"`
	Urgent         bool            `json:"urgent"`
	Spam           bool            `json:"spam"`
	Lang           string          `json:"lang"`
	ConsentPublish bool            `json:"consent_publish"`
	CreatedAt      time.Time       `json:"created_at"`
	Redactions     json.RawMessage `json:"redactions"`
	Signals        json.RawMessage `json:"signals"`
	ClusterID      *int64          `json:"cluster_id"`
	AnswerID       *int64          `json:"answer_id"`
}

var emptyJSONArray = json.RawMessage("[]")

// jsonArray passes a JSON array stored by moderation through as it is:
// decoding and encoding it again for every queue item would cost time
// and change nothing. Anything that is not an array becomes [].
func jsonArray(v string) json.RawMessage {
	v = strings.TrimSpace(v)
	if len(v) < 2 || v[0] != '[' || !json.Valid([]byte(v)) {
		return emptyJSONArray
	}
	return json.RawMessage(v)
}

func toStaffQuestion(q *store.Question) staffQuestionJSON {
	return staffQuestionJSON{
		ID: q.ID, Text: q.Text, Status: string(q.Status), Urgent: q.Urgent, Spam: q.Spam, Lang: q.Lang,
		ConsentPublish: q.ConsentPublish, CreatedAt: q.CreatedAt.UTC(),
		Redactions: jsonArray(q.Redactions), Signals: jsonArray(q.Signals),
		ClusterID: q.ClusterID, AnswerID: q.AnswerID,
	}
}

type staffQueueResponse struct {
	Items      []staffQuestionJSON `json:"items"`
	NextCursor *string             `json:"next_cursor"`
}

// handleStaffQueue lists a page of one status's questions, urgent first,
// then oldest (GET /questions?status=&limit=&cursor=). Every question
// listed is audited as read.
func (s *Server) handleStaffQueue(c echo.Context) error {
	status, err := moderation.ParseStatus(c.QueryParam("status"))
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, staffQueueLimit, moderation.QueueLimit)
	if err != nil {
		return err
	}
	page, err := s.mod.Queue(c.Request().Context(), actorOf(c), status, limit, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	resp := staffQueueResponse{Items: make([]staffQuestionJSON, len(page.Items))}
	for i := range page.Items {
		resp.Items[i] = toStaffQuestion(&page.Items[i])
	}
	if page.NextCursor != "" {
		resp.NextCursor = &page.NextCursor
	}
	return c.JSON(http.StatusOK, resp)
}

// staffQuestionRefJSON names another question without its text: showing
// the text would be a read of that question, and reads are audited one
// question at a time (GET /questions/:id).
type staffQuestionRefJSON struct {
	ID        int64     `json:"id"`
	Status    string    `json:"status"`
	Urgent    bool      `json:"urgent"`
	CreatedAt time.Time `json:"created_at"`
}

func toQuestionRefs(qs []store.Question) []staffQuestionRefJSON {
	out := make([]staffQuestionRefJSON, len(qs))
	for i, q := range qs {
		out[i] = staffQuestionRefJSON{ID: q.ID, Status: string(q.Status), Urgent: q.Urgent, CreatedAt: q.CreatedAt.UTC()}
	}
	return out
}

type staffHistoryJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Role       string    `json:"role"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type"`
	TargetID   int64     `json:"target_id"`
	Detail     string    `json:"detail"`
}

func toHistory(es []store.AuditEntry) []staffHistoryJSON {
	out := make([]staffHistoryJSON, len(es))
	for i, e := range es {
		out[i] = staffHistoryJSON{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Role: e.Role, Action: e.Action,
			TargetType: e.TargetType, TargetID: e.TargetID, Detail: e.Detail}
	}
	return out
}

type staffQuestionDetailJSON struct {
	staffQuestionJSON
	RejectReason string                 `json:"reject_reason"`
	UpdatedAt    time.Time              `json:"updated_at"`
	Answer       *staffAnswerJSON       `json:"answer"`
	Linked       []staffQuestionRefJSON `json:"linked"`
	Similar      []staffQuestionRefJSON `json:"similar"`
	History      []staffHistoryJSON     `json:"history"`
	// Reads counts the staff reads by role; reads are in the audit log
	// but not in the history, which lists changes.
	Reads []staffReadJSON `json:"reads"`
}

type staffReadJSON struct {
	Role  string `json:"role"`
	Count int64  `json:"count"`
}

// handleStaffQuestion shows one question with its redaction spans, its
// answer, the questions linked to that answer, similar waiting questions
// and its history (GET /questions/:id). The read is audited.
func (s *Server) handleStaffQuestion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.mod.Question(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	resp := staffQuestionDetailJSON{
		staffQuestionJSON: toStaffQuestion(&d.Question),
		RejectReason:      d.Question.RejectReason,
		UpdatedAt:         d.Question.UpdatedAt.UTC(),
		Linked:            toQuestionRefs(d.Linked),
		Similar:           toQuestionRefs(d.Similar),
		History:           toHistory(d.History),
		Reads:             []staffReadJSON{},
	}
	for _, r := range d.Reads {
		resp.Reads = append(resp.Reads, staffReadJSON{Role: r.Role, Count: r.Count})
	}
	if d.Answer != nil {
		a := toStaffAnswer(d.Answer)
		resp.Answer = &a
	}
	return c.JSON(http.StatusOK, resp)
}

type editQuestionRequest struct {
	Text string `json:"text"`
}

type rejectRequest struct {
	Reason string `json:"reason"`
}

type redactRequest struct {
	Phrase string `json:"phrase"`
	Kind   string `json:"kind"`
}

// staffAnswerJSON is an answer as staff see it.
type staffAnswerJSON struct {
	ID            int64      `json:"id"`
	QuestionID    int64      `json:"question_id"`
	Body          string     `json:"body"`
	Status        string     `json:"status"`
	AuthorID      int64      `json:"author_id"`
	ReviewerID    *int64     `json:"reviewer_id"`
	ReviewComment string     `json:"review_comment"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	ApprovedAt    *time.Time `json:"approved_at"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toStaffAnswer(a *store.Answer) staffAnswerJSON {
	return staffAnswerJSON{
		ID: a.ID, QuestionID: a.QuestionID, Body: a.Body, Status: string(a.Status), AuthorID: a.AuthorID,
		ReviewerID: a.ReviewerID, ReviewComment: a.ReviewComment,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		SubmittedAt: utcPtr(a.SubmittedAt), ApprovedAt: utcPtr(a.ApprovedAt),
	}
}

type answerBodyRequest struct {
	Body string `json:"body"`
}

type answerCreatedResponse struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

type requestChangesRequest struct {
	Comment string `json:"comment"`
}

type linkRequest struct {
	QuestionIDs []int64 `json:"question_ids"`
}

type linkResponse struct {
	AnswerID int64 `json:"answer_id"`
	// Linked are the questions this request linked; ones linked before
	// are left out.
	Linked []int64 `json:"linked"`
}

type staffReviewResponse struct {
	Items []staffAnswerJSON `json:"items"`
}

// handleStaffReview lists the answers waiting for review that the caller
// may review, oldest submission first: their own are left out (GET
// /review?limit=; an extension of SPEC §4.3).
func (s *Server) handleStaffReview(c echo.Context) error {
	limit, err := queryLimit(c, staffReviewLimit, staffReviewMax)
	if err != nil {
		return err
	}
	as, err := s.mod.AnswersInReview(c.Request().Context(), actorOf(c), limit)
	if err != nil {
		return err
	}
	resp := staffReviewResponse{Items: make([]staffAnswerJSON, len(as))}
	for i := range as {
		resp.Items[i] = toStaffAnswer(&as[i])
	}
	return c.JSON(http.StatusOK, resp)
}

type staffAuditJSON struct {
	staffHistoryJSON
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

type staffAuditResponse struct {
	Items      []staffAuditJSON `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

var errBadAuditCursor = moderation.Invalid("invalid_cursor", "The cursor is not one this server gave out.")

// handleStaffAudit pages through the audit log, oldest first (GET
// /audit?cursor=&limit=; admins only). The cursor is the id of the last
// entry seen; next_cursor is null on the last page.
func (s *Server) handleStaffAudit(c echo.Context) error {
	limit, err := queryLimit(c, staffAuditLimit, staffAuditMax)
	if err != nil {
		return err
	}
	var after int64
	if v := c.QueryParam("cursor"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return errBadAuditCursor
		}
	}
	es, err := s.mod.AuditPage(c.Request().Context(), actorOf(c), after, limit)
	if err != nil {
		return err
	}
	resp := staffAuditResponse{Items: make([]staffAuditJSON, len(es))}
	hist := toHistory(es)
	for i, e := range es {
		resp.Items[i] = staffAuditJSON{staffHistoryJSON: hist[i],
			PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}
	}
	if len(es) == limit {
		next := strconv.FormatInt(es[len(es)-1].ID, 10)
		resp.NextCursor = &next
	}
	return c.JSON(http.StatusOK, resp)
}

type timeToAnswerJSON struct {
	// Answered is how many questions got an approved answer in the window.
	Answered      int    `json:"answered"`
	MedianSeconds *int64 `json:"median_seconds"`
	P90Seconds    *int64 `json:"p90_seconds"`
}

type staffStatsResponse struct {
	// QueueDepth counts questions per status, every status named.
	QueueDepth    map[string]int64 `json:"queue_depth"`
	UrgentWaiting int64            `json:"urgent_waiting"`
	// OldestWaitingSeconds is the age of the oldest question still
	// waiting for an approved answer, null when none waits.
	OldestWaitingSeconds *int64                      `json:"oldest_waiting_seconds"`
	TimeToAnswer         map[string]timeToAnswerJSON `json:"time_to_answer"`
	// Posts counts deliveries per channel and result.
	Posts map[string]map[string]int64 `json:"posts"`
	// PostFailures are the latest failed deliveries with their reasons.
	PostFailures []failureJSON `json:"post_failures"`
	At           time.Time     `json:"at"`
}

func seconds(d time.Duration) *int64 {
	v := int64(d / time.Second)
	return &v
}

// handleStaffStats shows the service at a glance (GET /stats; any staff
// role).
func (s *Server) handleStaffStats(c echo.Context) error {
	st, err := s.mod.Stats(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	posts, fails, err := postStats(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	resp := staffStatsResponse{
		PostFailures:  fails,
		QueueDepth:    make(map[string]int64, len(st.ByStatus)),
		UrgentWaiting: st.UrgentWaiting,
		TimeToAnswer:  make(map[string]timeToAnswerJSON, len(st.TimeToAnswer)),
		Posts:         posts,
		At:            st.Now.UTC(),
	}
	for k, v := range st.ByStatus {
		resp.QueueDepth[string(k)] = v
	}
	if st.OldestWaiting != nil {
		resp.OldestWaitingSeconds = seconds(max(0, st.Now.Sub(*st.OldestWaiting)))
	}
	for k, v := range st.TimeToAnswer {
		t := timeToAnswerJSON{Answered: v.Count}
		if v.Count > 0 {
			t.MedianSeconds, t.P90Seconds = seconds(v.Median), seconds(v.P90)
		}
		resp.TimeToAnswer[k] = t
	}
	return c.JSON(http.StatusOK, resp)
}
