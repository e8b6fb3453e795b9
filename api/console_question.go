package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// consoleHistoryShown bounds the history on a question page; the audit log
// keeps everything.
const consoleHistoryShown = 100

// consoleTextEditable are the statuses whose text the page offers to edit; the
// moderation package decides, this only keeps useless forms off the page.
var consoleTextEditable = []store.Status{store.StatusReceived, store.StatusSpam, store.StatusAnswering,
	store.StatusChanges, store.StatusInReview}

type consoleQuestionView struct {
	ID             int64
	Status         string
	Urgent         bool
	Spam           bool
	ConsentPublish bool
	Lang           string
	Created        time.Time
	Age            time.Duration
	Signals        []string
	Segments       []consoleSegment
	RejectReason   string
	Kinds          []string
	Answer         *consoleAnswerView
	Linked         []consoleQuestionRef
	Similar        []consoleQuestionRef
	History        []consoleHistoryRow
	HistoryHidden  int
	// Reads are the staff reads by role; the history lists changes only.
	Reads []store.ReadCount

	CanEdit       bool
	CanReject     bool
	CanRestore    bool
	CanStart      bool
	CanEditAnswer bool
	CanSubmit     bool
	CanLink       bool
	CanReview     bool
	FourEyes      bool

	Form consoleQuestionForm
}

// consoleQuestionForm is what the page's forms hold: the current values, or on an
// error the values just sent.
type consoleQuestionForm struct {
	Text     string
	Phrase   string
	Kind     string
	Reason   string
	Body     string
	Comment  string
	OtherIDs string
	Checked  map[int64]bool
}

// consoleSegment is a run of question text; Mark runs are redaction
// placeholders.
type consoleSegment struct {
	Text string
	Kind string
	Mark bool
}

type consoleAnswerView struct {
	ID            int64
	QuestionID    int64
	Body          string
	Status        string
	Mine          bool
	ReviewComment string
}

type consoleQuestionRef struct {
	ID       int64
	Status   string
	Urgent   bool
	Age      time.Duration
	Preview  string
	Segments []consoleSegment
}

type consoleHistoryRow struct {
	ID         int64
	At         time.Time
	Actor      string
	Role       string
	Action     string
	TargetType string
	TargetID   int64
	Detail     string
}

// handleConsoleQuestion shows one question with everything a moderator
// does to it.
func (s *Server) handleConsoleQuestion(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	return s.renderConsoleQuestion(c, id, http.StatusOK, "", nil)
}

// renderConsoleQuestion renders the question page; on an error, msg says what
// went wrong and f keeps what was sent.
func (s *Server) renderConsoleQuestion(c echo.Context, id int64, status int, msg string, f *consoleQuestionForm) error {
	actor := actorOf(c)
	d, err := s.mod.Question(c.Request().Context(), actor, id)
	if err != nil {
		return err
	}
	p := s.newConsolePage(c, "question")
	p.Title = s.render.console.tr(p.Lang, "title_question_n", "ID", id)
	p.Path = fmt.Sprintf("/console/questions/%d", id)
	p.Error = msg
	q := d.Question
	now := s.mod.Now()
	v := &consoleQuestionView{ID: q.ID, Status: string(q.Status), Urgent: q.Urgent, Spam: q.Spam,
		ConsentPublish: q.ConsentPublish, Lang: q.Lang, Created: q.CreatedAt, Age: now.Sub(q.CreatedAt),
		Signals: consoleSignals(q.Signals), Segments: consoleSegments(q.Text, d.Spans), RejectReason: q.RejectReason}
	for _, k := range redact.Kinds {
		v.Kinds = append(v.Kinds, string(k))
	}
	for _, o := range d.Linked {
		v.Linked = append(v.Linked, toConsoleQuestionRef(o, now))
	}
	for _, o := range d.Similar {
		v.Similar = append(v.Similar, toConsoleQuestionRef(o, now))
	}
	for i := len(d.History) - 1; i >= 0 && len(v.History) < consoleHistoryShown; i-- {
		v.History = append(v.History, toConsoleHistoryRow(d.History[i]))
	}
	v.HistoryHidden = len(d.History) - len(v.History)
	v.Reads = d.Reads

	mod := actor.Has(moderation.RoleModerator)
	v.CanEdit = mod && slices.Contains(consoleTextEditable, q.Status)
	v.CanReject = mod && (q.Status == store.StatusReceived || q.Status == store.StatusSpam)
	v.CanRestore = mod && q.Status == store.StatusSpam
	v.CanStart = mod && q.Status == store.StatusReceived && d.Answer == nil
	v.Form = consoleQuestionForm{Text: q.Text, Kind: string(redact.KindName)}
	if a := d.Answer; a != nil {
		mine := a.AuthorID == actor.UserID
		v.Answer = &consoleAnswerView{ID: a.ID, QuestionID: a.QuestionID, Body: a.Body, Status: string(a.Status),
			Mine: mine, ReviewComment: a.ReviewComment}
		open := a.Status == store.AnswerDraft || a.Status == store.AnswerChanges
		v.CanEditAnswer = mod && mine && open
		v.CanSubmit = v.CanEditAnswer
		v.CanLink = mod && a.Status != store.AnswerApproved
		inReview := a.Status == store.AnswerInReview && actor.Has(moderation.RoleReviewer)
		v.CanReview = inReview && !mine
		v.FourEyes = inReview && mine
		v.Form.Body = a.Body
	}
	if f != nil {
		v.Form.Text, v.Form.Phrase, v.Form.Reason, v.Form.OtherIDs = f.Text, f.Phrase, f.Reason, f.OtherIDs
		v.Form.Checked, v.Form.Comment = f.Checked, f.Comment
		if f.Kind != "" {
			v.Form.Kind = f.Kind
		}
		if f.Body != "" {
			v.Form.Body = f.Body
		}
		if f.Text == "" {
			v.Form.Text = q.Text
		}
	}
	p.Question = v
	return c.Render(status, "question", p)
}

func toConsoleQuestionRef(q store.Question, now time.Time) consoleQuestionRef {
	var spans []redact.Span
	json.Unmarshal([]byte(q.Redactions), &spans)
	return consoleQuestionRef{ID: q.ID, Status: string(q.Status), Urgent: q.Urgent, Age: now.Sub(q.CreatedAt),
		Preview: consolePreview(q.Text), Segments: consoleSegments(q.Text, spans)}
}

func toConsoleHistoryRow(e store.AuditEntry) consoleHistoryRow {
	return consoleHistoryRow{ID: e.ID, At: e.At, Actor: e.Actor, Role: e.Role, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Detail: e.Detail}
}

// segments cuts text at its redaction spans. Spans that do not fit the
// text (out of range, overlapping, splitting a character) are left
// unmarked rather than trusted.
func consoleSegments(text string, spans []redact.Span) []consoleSegment {
	spans = slices.Clone(spans)
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var out []consoleSegment
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End <= sp.Start || sp.End > len(text) ||
			!utf8.RuneStart(text[sp.Start]) || (sp.End < len(text) && !utf8.RuneStart(text[sp.End])) {
			continue
		}
		if sp.Start > at {
			out = append(out, consoleSegment{Text: text[at:sp.Start]})
		}
		out = append(out, consoleSegment{Text: text[sp.Start:sp.End], Kind: string(sp.Kind), Mark: true})
		at = sp.End
	}
	if at < len(text) {
		out = append(out, consoleSegment{Text: text[at:]})
	}
	return out
}

// consoleQuestionResult answers a question form: 303 back to the question on
// success, the page again with the message on an error it can show.
func (s *Server) consoleQuestionResult(c echo.Context, id int64, err error, f *consoleQuestionForm, notice string) error {
	if err == nil {
		return consoleSeeOther(c, fmt.Sprintf("/console/questions/%d", id), notice)
	}
	me, status, ok := consoleShownError(err)
	if !ok {
		return err
	}
	return s.renderConsoleQuestion(c, id, status, s.consoleMessage(consoleLang(c), me.Code, me.Message), f)
}

// handleConsoleQuestionEdit replaces the question's text (redacted again).
func (s *Server) handleConsoleQuestionEdit(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	f := &consoleQuestionForm{Text: c.FormValue("text")}
	_, err = s.mod.EditQuestion(c.Request().Context(), actorOf(c), id, f.Text)
	return s.consoleQuestionResult(c, id, err, f, "saved")
}

// handleConsoleQuestionRedact removes a phrase the redactor missed.
func (s *Server) handleConsoleQuestionRedact(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	f := &consoleQuestionForm{Phrase: c.FormValue("phrase"), Kind: c.FormValue("kind")}
	_, err = s.mod.RedactMore(c.Request().Context(), actorOf(c), id, f.Phrase, redact.Kind(f.Kind))
	return s.consoleQuestionResult(c, id, err, f, "redacted")
}

// handleConsoleQuestionReject rejects the question with a reason.
func (s *Server) handleConsoleQuestionReject(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	f := &consoleQuestionForm{Reason: c.FormValue("reason")}
	_, err = s.mod.Reject(c.Request().Context(), actorOf(c), id, f.Reason)
	return s.consoleQuestionResult(c, id, err, f, "rejected")
}

// handleConsoleQuestionRestore moves a question out of spam.
func (s *Server) handleConsoleQuestionRestore(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	_, err = s.mod.Restore(c.Request().Context(), actorOf(c), id)
	return s.consoleQuestionResult(c, id, err, nil, "restored")
}

// handleConsoleAnswerStart starts a draft answer to the question.
func (s *Server) handleConsoleAnswerStart(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	f := &consoleQuestionForm{Body: c.FormValue("body")}
	_, err = s.mod.StartAnswer(c.Request().Context(), actorOf(c), id, f.Body)
	return s.consoleQuestionResult(c, id, err, f, "draft_started")
}

// consoleFormQuestionID is the question page an answer form came from.
func consoleFormQuestionID(c echo.Context) int64 {
	id, err := strconv.ParseInt(c.FormValue("question"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// consoleAnswerResult answers an answer form from a question page.
func (s *Server) consoleAnswerResult(c echo.Context, a *store.Answer, err error, f *consoleQuestionForm, notice string) error {
	qid := consoleFormQuestionID(c)
	if qid == 0 && a != nil {
		qid = a.QuestionID
	}
	if qid == 0 {
		if err != nil {
			return err
		}
		return consoleSeeOther(c, "/console", notice)
	}
	return s.consoleQuestionResult(c, qid, err, f, notice)
}

// handleConsoleAnswerEdit saves the author's answer, and sends it to
// review when the form's second button was used.
func (s *Server) handleConsoleAnswerEdit(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	ctx, actor := c.Request().Context(), actorOf(c)
	f := &consoleQuestionForm{Body: c.FormValue("body")}
	a, err := s.mod.EditAnswer(ctx, actor, id, f.Body)
	if err != nil || c.FormValue("then") != "submit" {
		return s.consoleAnswerResult(c, a, err, f, "draft_saved")
	}
	a, err = s.mod.SubmitAnswer(ctx, actor, id)
	return s.consoleAnswerResult(c, a, err, f, "submitted")
}

// handleConsoleAnswerSubmit sends the author's answer to review.
func (s *Server) handleConsoleAnswerSubmit(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	a, err := s.mod.SubmitAnswer(c.Request().Context(), actorOf(c), id)
	return s.consoleAnswerResult(c, a, err, nil, "submitted")
}

// handleConsoleAnswerLink makes the answer answer the ticked similar
// questions and any ids typed in.
func (s *Server) handleConsoleAnswerLink(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return formError(err)
	}
	f := &consoleQuestionForm{OtherIDs: c.FormValue("other_ids"), Checked: map[int64]bool{}}
	var ids []int64
	for _, raw := range c.Request().Form["question_ids"] {
		qid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || qid <= 0 {
			return s.consoleAnswerResult(c, nil, moderation.Invalid("invalid_question_ids", "Question ids are whole numbers."), f, "")
		}
		f.Checked[qid] = true
		ids = append(ids, qid)
	}
	typed, ok := consoleParseIDs(f.OtherIDs)
	if !ok {
		return s.consoleAnswerResult(c, nil, moderation.Invalid("invalid_question_ids", "Question ids are whole numbers, separated by commas or spaces."), f, "")
	}
	for _, qid := range typed {
		if !slices.Contains(ids, qid) {
			ids = append(ids, qid)
		}
	}
	_, err = s.mod.Link(c.Request().Context(), actorOf(c), id, ids)
	return s.consoleAnswerResult(c, nil, err, f, "linked")
}

// consoleParseIDs reads whole numbers separated by commas or spaces; "#12" is
// accepted as 12, since the console shows ids that way.
func consoleParseIDs(s string) ([]int64, bool) {
	var out []int64
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(part, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}
