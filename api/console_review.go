package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
)

type consoleReviewView struct {
	Items []consoleReviewItem
}

type consoleReviewItem struct {
	Answer    consoleAnswerView
	Questions []consoleQuestionRef
	Comment   string // what was sent, after an error
}

// handleConsoleReview lists the answers the reviewer may review: in
// review, and written by someone else.
func (s *Server) handleConsoleReview(c echo.Context) error {
	return s.renderConsoleReview(c, http.StatusOK, "", 0, "")
}

// renderConsoleReview renders the review page; on an error, msg says what went
// wrong and comment is kept for the answer failed.
func (s *Server) renderConsoleReview(c echo.Context, status int, msg string, failed int64, comment string) error {
	ctx, actor := c.Request().Context(), actorOf(c)
	as, err := s.mod.AnswersInReview(ctx, actor, consoleReviewLimit)
	if err != nil {
		return err
	}
	now := s.mod.Now()
	v := &consoleReviewView{}
	for _, a := range as {
		d, err := s.mod.Question(ctx, actor, a.QuestionID)
		var me *moderation.Error
		if errors.As(err, &me) && me.Kind == moderation.KindNotFound {
			continue
		}
		if err != nil {
			return err
		}
		it := consoleReviewItem{Answer: consoleAnswerView{ID: a.ID, QuestionID: a.QuestionID, Body: a.Body, Status: string(a.Status)}}
		it.Questions = append(it.Questions, toConsoleQuestionRef(d.Question, now))
		for _, o := range d.Linked {
			it.Questions = append(it.Questions, toConsoleQuestionRef(o, now))
		}
		if a.ID == failed {
			it.Comment = comment
		}
		v.Items = append(v.Items, it)
	}
	p := s.newConsolePage(c, "review")
	p.Path = "/console/review"
	p.Error = msg
	p.Review = v
	return c.Render(status, "review", p)
}

// consoleReviewResult answers a review form: back to the review list (or the
// question page it came from) on success; the page again with the message
// on an error it can show.
func (s *Server) consoleReviewResult(c echo.Context, answerID int64, err error, comment, notice string) error {
	qid := consoleFormQuestionID(c)
	fromQuestion := c.FormValue("back") == "question" && qid > 0
	if err == nil {
		if fromQuestion {
			return consoleSeeOther(c, fmt.Sprintf("/console/questions/%d", qid), notice)
		}
		return consoleSeeOther(c, "/console/review", notice)
	}
	me, status, ok := consoleShownError(err)
	if !ok {
		return err
	}
	msg := s.consoleMessage(consoleLang(c), me.Code, me.Message)
	if fromQuestion {
		return s.renderConsoleQuestion(c, qid, status, msg, &consoleQuestionForm{Comment: comment})
	}
	return s.renderConsoleReview(c, status, msg, answerID, comment)
}

// handleConsoleAnswerApprove approves an answer; moderation refuses the
// author (four eyes).
func (s *Server) handleConsoleAnswerApprove(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	_, err = s.mod.Approve(c.Request().Context(), actorOf(c), id)
	return s.consoleReviewResult(c, id, err, "", "approved")
}

// handleConsoleAnswerRequestChanges sends an answer back with a comment.
func (s *Server) handleConsoleAnswerRequestChanges(c echo.Context) error {
	id, err := consoleID(c)
	if err != nil {
		return err
	}
	comment := c.FormValue("comment")
	_, err = s.mod.RequestChanges(c.Request().Context(), actorOf(c), id, comment)
	return s.consoleReviewResult(c, id, err, comment, "changes_requested")
}
