package moderation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kysy/moderation/redact"
	"kysy/store"
)

// The question lifecycle of SPEC §3 lives here and only here: every verb
// checks the actor's role, validates the transition, and writes the change
// and its audit entry in one transaction.

// Audit actions. question.read entries are what the receipt page counts.
const (
	ActionRead = store.ActionQuestionRead
)

// audit appends one entry inside tx.
func (s *Service) audit(ctx context.Context, tx *store.DB, actor *Actor, role Role, action, targetType string, targetID int64, detail string) error {
	return tx.AppendAudit(ctx, &store.AuditEntry{Actor: actor.Name, Role: string(role), Action: action,
		TargetType: targetType, TargetID: targetID, Detail: detail})
}

func invalidTransition(what string, status any) error {
	return Conflict("invalid_transition", fmt.Sprintf("Cannot %s: the current status is %s.", what, status))
}

var errQuestionNotFound = NotFound("not_found", "There is no question with this id.")
var errAnswerNotFound = NotFound("not_found", "There is no answer with this id.")

// notFoundAs turns store.ErrNotFound into nf.
func notFoundAs(err error, nf error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nf
	}
	return err
}

// conflictAs turns a lost race (the row changed under us) into a clear
// invalid_transition.
func conflictAs(err error, what string) error {
	if errors.Is(err, store.ErrConflict) {
		return Conflict("invalid_transition", fmt.Sprintf("Cannot %s: someone changed it a moment ago. Reload and try again.", what))
	}
	return err
}

// QueueLimit bounds a queue page.
const QueueLimit = 200

// queueStatuses are the statuses a queue can be asked for.
var queueStatuses = []store.Status{store.StatusReceived, store.StatusAnswering, store.StatusInReview,
	store.StatusChanges, store.StatusApproved, store.StatusScheduled, store.StatusPublished,
	store.StatusSpam, store.StatusRejected, store.StatusWithdrawn}

// ParseStatus checks a status name; empty means received, the inbox.
func ParseStatus(s string) (store.Status, error) {
	if s == "" {
		return store.StatusReceived, nil
	}
	st := store.Status(s)
	if !slices.Contains(queueStatuses, st) {
		return "", Invalid("invalid_status", fmt.Sprintf("%q is not a status.", s))
	}
	return st, nil
}

func encodeCursor(q *store.Question) string {
	u := "0"
	if q.Urgent {
		u = "1"
	}
	raw := u + "." + strconv.FormatInt(q.CreatedAt.UTC().UnixMicro(), 10) + "." + strconv.FormatInt(q.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

var errBadCursor = Invalid("invalid_cursor", "The cursor is not one this server gave out.")

func decodeCursor(c string) (*store.QueueCursor, error) {
	if c == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, errBadCursor
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || (parts[0] != "0" && parts[0] != "1") {
		return nil, errBadCursor
	}
	micro, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return nil, errBadCursor
	}
	return &store.QueueCursor{Urgent: parts[0] == "1", CreatedAt: time.UnixMicro(micro).UTC(), ID: id}, nil
}

// QueuePage is one page of a queue.
type QueuePage struct {
	Items      []store.Question
	NextCursor string
}

// Queue returns a page of questions of one status, urgent first, then
// oldest. Each question shown is a staff read and is audited.
func (s *Service) Queue(ctx context.Context, actor *Actor, status store.Status, limit int, cursor string) (*QueuePage, error) {
	role, err := actor.roleFor(RoleModerator, RoleReviewer)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > QueueLimit {
		return nil, Invalid("invalid_limit", fmt.Sprintf("The limit must be 1–%d.", QueueLimit))
	}
	cur, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	items, err := s.db.Queue(ctx, status, limit+1, cur)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	page := &QueuePage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = encodeCursor(&items[limit-1])
	}
	if len(page.Items) > 0 {
		entries := make([]*store.AuditEntry, len(page.Items))
		for i, q := range page.Items {
			entries[i] = &store.AuditEntry{Actor: actor.Name, Role: string(role), Action: ActionRead,
				TargetType: "question", TargetID: q.ID, Detail: "queue"}
		}
		if err := s.db.AppendReads(ctx, entries...); err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
	}
	return page, nil
}

// QuestionDetail is one question as a moderator or reviewer sees it.
type QuestionDetail struct {
	Question store.Question
	Spans    []redact.Span
	Answer   *store.Answer
	// Linked are the other questions the answer also answers.
	Linked []store.Question
	// Similar are other waiting questions of the same cluster.
	Similar []store.Question
	// History is every change to the question and its answer.
	History []store.AuditEntry
	// Reads counts the staff reads of the question by role.
	Reads []store.ReadCount
}

// Question returns one question with its answer and history; the read is
// audited before anything is returned.
func (s *Service) Question(ctx context.Context, actor *Actor, id int64) (*QuestionDetail, error) {
	role, err := actor.roleFor(RoleModerator, RoleReviewer)
	if err != nil {
		return nil, err
	}
	q, err := s.db.QuestionByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, errQuestionNotFound)
	}
	if err := s.db.AppendReads(ctx, &store.AuditEntry{Actor: actor.Name, Role: string(role), Action: ActionRead,
		TargetType: "question", TargetID: id, Detail: "detail"}); err != nil {
		return nil, fmt.Errorf("question: %w", err)
	}
	d := &QuestionDetail{Question: *q}
	if err := json.Unmarshal([]byte(q.Redactions), &d.Spans); err != nil {
		return nil, fmt.Errorf("question %d: decode spans: %w", id, err)
	}
	if q.AnswerID != nil {
		as, err := s.db.AnswersByIDs(ctx, []int64{*q.AnswerID})
		if err != nil {
			return nil, err
		}
		if len(as) == 1 {
			d.Answer = &as[0]
			qs, err := s.db.QuestionsByAnswer(ctx, d.Answer.ID)
			if err != nil {
				return nil, err
			}
			for _, o := range qs {
				if o.ID != id {
					d.Linked = append(d.Linked, o)
				}
			}
		}
	}
	cluster := id // a question without a cluster id may be the first of one
	if q.ClusterID != nil {
		cluster = *q.ClusterID
	}
	if d.Similar, err = s.db.OtherInCluster(ctx, cluster, id, 20); err != nil {
		return nil, err
	}
	if d.History, err = s.db.ChangesFor(ctx, "question", id); err != nil {
		return nil, err
	}
	if d.Reads, err = s.db.QuestionReads(ctx, id); err != nil {
		return nil, err
	}
	if d.Answer != nil {
		ah, err := s.db.ChangesFor(ctx, "answer", d.Answer.ID)
		if err != nil {
			return nil, err
		}
		d.History = append(d.History, ah...)
		slices.SortFunc(d.History, func(a, b store.AuditEntry) int { return int(a.ID - b.ID) })
	}
	return d, nil
}

// editable are the statuses in which a moderator may still change the
// question text: after approval, the reviewer's verdict covers the text as
// it was.
var editable = []store.Status{store.StatusReceived, store.StatusSpam, store.StatusAnswering,
	store.StatusChanges, store.StatusInReview}

// EditQuestion replaces a question's redacted text. The new text passes
// the same checks as at intake and is redacted again, so a moderator can
// add detail back only in a form the redactor accepts.
func (s *Service) EditQuestion(ctx context.Context, actor *Actor, id int64, text string) (*store.Question, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	clean, err := CleanQuestionText(text, s.cfg.MaxChars)
	if err != nil {
		return nil, err
	}
	red := s.red.Redact(clean)
	spans, err := json.Marshal(allPlaceholders(red.Text))
	if err != nil {
		return nil, fmt.Errorf("edit question: %w", err)
	}
	var q *store.Question
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if q, err = tx.QuestionForUpdate(ctx, id); err != nil {
			return notFoundAs(err, errQuestionNotFound)
		}
		if !slices.Contains(editable, q.Status) {
			return invalidTransition("edit the question", q.Status)
		}
		from := q.Status
		q.Text, q.Redactions, q.UpdatedAt = red.Text, string(spans), s.hour()
		if err := tx.UpdateQuestion(ctx, q, from, "text", "redactions", "updated_at"); err != nil {
			return conflictAs(err, "edit the question")
		}
		return s.audit(ctx, tx, actor, role, "question.edit", "question", id, fmt.Sprintf("redactions=%d", len(red.Spans)))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// RedactMore replaces every occurrence of phrase in a question's text
// with the placeholder of kind: the moderator's way to remove what the
// redactor missed.
func (s *Service) RedactMore(ctx context.Context, actor *Actor, id int64, phrase string, kind redact.Kind) (*store.Question, error) {
	if _, err := actor.roleFor(RoleModerator); err != nil {
		return nil, err
	}
	phrase = strings.TrimSpace(phrase)
	if phrase == "" || !utf8.ValidString(phrase) {
		return nil, Invalid("phrase_required", "Give the words to remove.")
	}
	if !slices.Contains(redact.Kinds, kind) {
		return nil, Invalid("invalid_kind", fmt.Sprintf("%q is not a kind of personal detail.", kind))
	}
	q, err := s.db.QuestionByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, errQuestionNotFound)
	}
	if !strings.Contains(q.Text, phrase) {
		return nil, Invalid("phrase_not_found", "These words are not in the question.")
	}
	return s.EditQuestion(ctx, actor, id, strings.ReplaceAll(q.Text, phrase, "["+string(kind)+"]"))
}

// allPlaceholders are the spans of every placeholder in redacted text,
// those from intake as well as new ones.
func allPlaceholders(text string) []redact.Span {
	return redact.Placeholders(text)
}

// MaxReasonChars bounds a rejection reason or review comment.
const MaxReasonChars = 1000

func cleanNote(s, code, what string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(code, fmt.Sprintf("Write %s.", what))
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, isForbiddenControl) {
		return "", Invalid("invalid_characters", "The text contains characters that are not allowed.")
	}
	if utf8.RuneCountInString(s) > MaxReasonChars {
		return "", Invalid("text_too_long", fmt.Sprintf("Keep it under %d characters.", MaxReasonChars))
	}
	return s, nil
}

// moveQuestion changes a question's status from one of from to to, with
// extra changes by edit, audited as action.
func (s *Service) moveQuestion(ctx context.Context, actor *Actor, id int64, what string, role Role, from []store.Status,
	to store.Status, action string, edit func(q *store.Question) []string) (*store.Question, error) {
	var q *store.Question
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		if q, err = tx.QuestionForUpdate(ctx, id); err != nil {
			return notFoundAs(err, errQuestionNotFound)
		}
		if !slices.Contains(from, q.Status) {
			return invalidTransition(what, q.Status)
		}
		was := q.Status
		q.Status, q.UpdatedAt = to, s.hour()
		cols := append([]string{"status", "updated_at"}, edit(q)...)
		if err := tx.UpdateQuestion(ctx, q, was, cols...); err != nil {
			return conflictAs(err, what)
		}
		return s.audit(ctx, tx, actor, role, action, "question", id, string(was)+"→"+string(to))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// Reject rejects a question that nobody is answering, with a reason the
// young person is shown.
func (s *Service) Reject(ctx context.Context, actor *Actor, id int64, reason string) (*store.Question, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	if reason, err = cleanNote(reason, "reason_required", "the reason the young person will see"); err != nil {
		return nil, err
	}
	return s.moveQuestion(ctx, actor, id, "reject the question", role,
		[]store.Status{store.StatusReceived, store.StatusSpam}, store.StatusRejected, "question.reject",
		func(q *store.Question) []string { q.RejectReason = reason; return []string{"reject_reason"} })
}

// Restore moves a question that triage took for spam into the inbox.
func (s *Service) Restore(ctx context.Context, actor *Actor, id int64) (*store.Question, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	return s.moveQuestion(ctx, actor, id, "restore the question", role,
		[]store.Status{store.StatusSpam}, store.StatusReceived, "question.restore",
		func(q *store.Question) []string { q.Spam = false; return []string{"spam"} })
}

// MaxAnswerChars bounds an answer.
const MaxAnswerChars = 5000

func cleanAnswer(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return "", Invalid("body_required", "Write the answer.")
	}
	if !utf8.ValidString(body) || strings.ContainsFunc(body, isForbiddenControl) {
		return "", Invalid("invalid_characters", "The answer contains characters that are not allowed.")
	}
	if utf8.RuneCountInString(body) > MaxAnswerChars {
		return "", Invalid("text_too_long", fmt.Sprintf("An answer has at most %d characters.", MaxAnswerChars))
	}
	return body, nil
}

// StartAnswer creates a draft answer to a question in the inbox; the
// question moves to answering.
func (s *Service) StartAnswer(ctx context.Context, actor *Actor, questionID int64, body string) (*store.Answer, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	if body, err = cleanAnswer(body); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	a := &store.Answer{QuestionID: questionID, Body: body, Status: store.AnswerDraft, AuthorID: actor.UserID,
		CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		q, err := tx.QuestionForUpdate(ctx, questionID)
		if err != nil {
			return notFoundAs(err, errQuestionNotFound)
		}
		if q.Status != store.StatusReceived || q.AnswerID != nil {
			return invalidTransition("start an answer", q.Status)
		}
		if err := tx.CreateAnswer(ctx, a); err != nil {
			return err
		}
		q.Status, q.AnswerID, q.UpdatedAt = store.StatusAnswering, &a.ID, s.hour()
		if err := tx.UpdateQuestion(ctx, q, store.StatusReceived, "status", "answer_id", "updated_at"); err != nil {
			return conflictAs(err, "start an answer")
		}
		if err := s.audit(ctx, tx, actor, role, "answer.create", "answer", a.ID, fmt.Sprintf("question=%d", questionID)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, role, "question.answering", "question", questionID, fmt.Sprintf("answer=%d", a.ID))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// answerStatusOf is the question status that mirrors an answer status.
var answerStatusOf = map[store.AnswerStatus]store.Status{
	store.AnswerDraft:    store.StatusAnswering,
	store.AnswerInReview: store.StatusInReview,
	store.AnswerChanges:  store.StatusChanges,
	store.AnswerApproved: store.StatusApproved,
}

// moveAnswer runs one answer transition: it loads and locks the answer,
// lets check refuse it (role, author, four eyes), applies edit, and moves
// the answer and every question it answers to the matching status.
func (s *Service) moveAnswer(ctx context.Context, actor *Actor, id int64, what, action string, role Role,
	from []store.AnswerStatus, to store.AnswerStatus,
	check func(a *store.Answer) error, edit func(a *store.Answer) []string) (*store.Answer, error) {
	var a *store.Answer
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		if a, err = tx.AnswerByID(ctx, id); err != nil {
			return notFoundAs(err, errAnswerNotFound)
		}
		if err := check(a); err != nil {
			return err
		}
		if !slices.Contains(from, a.Status) {
			return invalidTransition(what, a.Status)
		}
		was := a.Status
		if to == "" {
			to = was // an edit in place
		}
		a.Status, a.UpdatedAt = to, s.Now().UTC()
		cols := append([]string{"status", "updated_at"}, edit(a)...)
		if err := tx.UpdateAnswer(ctx, a, was, cols...); err != nil {
			return conflictAs(err, what)
		}
		if was != to {
			if err := tx.SetAnswerQuestionsStatus(ctx, a.ID, answerStatusOf[to], s.hour()); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, role, action, "answer", id, string(was)+"→"+string(to))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func onlyAuthor(actor *Actor) func(a *store.Answer) error {
	return func(a *store.Answer) error {
		if a.AuthorID != actor.UserID {
			return Forbidden("forbidden", "Only the author of an answer can change it.")
		}
		return nil
	}
}

// notAuthor is the four-eyes rule (SPEC I4): nobody reviews their own
// answer, whatever roles they hold.
func notAuthor(actor *Actor) func(a *store.Answer) error {
	return func(a *store.Answer) error {
		if a.AuthorID == actor.UserID {
			return Forbidden("four_eyes", "You wrote this answer: another reviewer must review it.")
		}
		return nil
	}
}

// EditAnswer changes the body of a draft, or of an answer sent back for
// changes; only its author may.
func (s *Service) EditAnswer(ctx context.Context, actor *Actor, id int64, body string) (*store.Answer, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	if body, err = cleanAnswer(body); err != nil {
		return nil, err
	}
	return s.moveAnswer(ctx, actor, id, "edit the answer", "answer.edit", role,
		[]store.AnswerStatus{store.AnswerDraft, store.AnswerChanges}, "", onlyAuthor(actor),
		func(a *store.Answer) []string { a.Body = body; return []string{"body"} })
}

// SubmitAnswer sends the author's draft (or changed answer) to review.
func (s *Service) SubmitAnswer(ctx context.Context, actor *Actor, id int64) (*store.Answer, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	return s.moveAnswer(ctx, actor, id, "send the answer to review", "answer.submit", role,
		[]store.AnswerStatus{store.AnswerDraft, store.AnswerChanges}, store.AnswerInReview, onlyAuthor(actor),
		func(a *store.Answer) []string {
			t := a.UpdatedAt
			a.SubmittedAt = &t
			return []string{"submitted_at"}
		})
}

// Approve approves an answer in review. The reviewer must not be its
// author (four eyes).
func (s *Service) Approve(ctx context.Context, actor *Actor, id int64) (*store.Answer, error) {
	role, err := actor.roleFor(RoleReviewer)
	if err != nil {
		return nil, err
	}
	return s.moveAnswer(ctx, actor, id, "approve the answer", "answer.approve", role,
		[]store.AnswerStatus{store.AnswerInReview}, store.AnswerApproved, notAuthor(actor),
		func(a *store.Answer) []string {
			t := a.UpdatedAt
			a.ApprovedAt, a.ReviewerID, a.ReviewComment = &t, &actor.UserID, ""
			return []string{"approved_at", "reviewer_id", "review_comment"}
		})
}

// RequestChanges sends an answer in review back to its author with a
// comment.
func (s *Service) RequestChanges(ctx context.Context, actor *Actor, id int64, comment string) (*store.Answer, error) {
	role, err := actor.roleFor(RoleReviewer)
	if err != nil {
		return nil, err
	}
	if comment, err = cleanNote(comment, "comment_required", "what should change"); err != nil {
		return nil, err
	}
	return s.moveAnswer(ctx, actor, id, "request changes", "answer.request_changes", role,
		[]store.AnswerStatus{store.AnswerInReview}, store.AnswerChanges, notAuthor(actor),
		func(a *store.Answer) []string {
			a.ReviewerID, a.ReviewComment = &actor.UserID, comment
			return []string{"reviewer_id", "review_comment"}
		})
}

// MaxLink bounds how many questions one request links.
const MaxLink = 100

// Link makes an answer answer more questions (near-duplicates). Linking
// is allowed until the answer is approved, so that the reviewer approves
// it for every question it answers; each linked question must be in the
// inbox (or spam) with no answer of its own.
func (s *Service) Link(ctx context.Context, actor *Actor, answerID int64, questionIDs []int64) ([]store.Question, error) {
	role, err := actor.roleFor(RoleModerator)
	if err != nil {
		return nil, err
	}
	if len(questionIDs) == 0 || len(questionIDs) > MaxLink {
		return nil, Invalid("question_ids_required", fmt.Sprintf("Give 1–%d question ids.", MaxLink))
	}
	var linked []store.Question
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		a, err := tx.AnswerByID(ctx, answerID)
		if err != nil {
			return notFoundAs(err, errAnswerNotFound)
		}
		if a.Status == store.AnswerApproved {
			return invalidTransition("link questions to an approved answer", a.Status)
		}
		to := answerStatusOf[a.Status]
		for _, qid := range questionIDs {
			q, err := tx.QuestionForUpdate(ctx, qid)
			if err != nil {
				return notFoundAs(err, NotFound("not_found", fmt.Sprintf("There is no question %d.", qid)))
			}
			if q.AnswerID != nil && *q.AnswerID == answerID {
				continue
			}
			if q.AnswerID != nil || (q.Status != store.StatusReceived && q.Status != store.StatusSpam) {
				return invalidTransition(fmt.Sprintf("link question %d", qid), q.Status)
			}
			was := q.Status
			q.Status, q.AnswerID, q.Spam, q.UpdatedAt = to, &answerID, false, s.hour()
			if err := tx.UpdateQuestion(ctx, q, was, "status", "answer_id", "spam", "updated_at"); err != nil {
				return conflictAs(err, "link the question")
			}
			if err := s.audit(ctx, tx, actor, role, "question.link", "question", qid, fmt.Sprintf("answer=%d", answerID)); err != nil {
				return err
			}
			linked = append(linked, *q)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return linked, nil
}

// AnswersInReview lists answers waiting for a reviewer, with the question
// each was written for; answers by the actor are left out, since four eyes
// forbid reviewing them.
func (s *Service) AnswersInReview(ctx context.Context, actor *Actor, limit int) ([]store.Answer, error) {
	if _, err := actor.roleFor(RoleReviewer); err != nil {
		return nil, err
	}
	as, err := s.db.AnswersInReview(ctx, limit+50)
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if a.AuthorID != actor.UserID && len(out) < limit {
			out = append(out, a)
		}
	}
	return out, nil
}

// Answer returns one answer to a moderator or reviewer.
func (s *Service) Answer(ctx context.Context, actor *Actor, id int64) (*store.Answer, error) {
	if _, err := actor.roleFor(RoleModerator, RoleReviewer); err != nil {
		return nil, err
	}
	as, err := s.db.AnswersByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, errAnswerNotFound
	}
	return &as[0], nil
}
