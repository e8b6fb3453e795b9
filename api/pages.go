package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

func (s *Server) lang(c echo.Context) string {
	explicit := c.QueryParam("lang")
	if c.Request().Method == http.MethodPost {
		if v := c.FormValue("lang"); v != "" {
			explicit = v
		}
	}
	return pickLang(explicit, c.Request().Header.Get("Accept-Language"))
}

// handleAskPage shows the question form.
func (s *Server) handleAskPage(c echo.Context) error {
	p := s.newPage("ask", s.lang(c), "/")
	p.Closed = !s.cfg.Inbox.Open
	return c.Render(http.StatusOK, "ask", p)
}

// handleAskForm takes the form post of a question. It answers with the
// receipt page itself, never a redirect, so the code stays out of URLs.
func (s *Server) handleAskForm(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return formError(err)
	}
	lang := s.lang(c)
	if !s.cfg.Inbox.Open {
		return errInboxClosed
	}
	text := c.FormValue("question")
	consent := c.FormValue("consent_publish") != ""
	admit, err := s.admission(c, c.FormValue("altcha"))
	var sub *moderation.Submission
	if err == nil {
		sub, err = s.mod.Submit(c.Request().Context(), moderation.SubmitInput{Text: text, Lang: lang, ConsentPublish: consent, Admit: admit})
	}
	var me *moderation.Error
	if errors.As(err, &me) && me.Kind == moderation.KindInvalid {
		p := s.newPage("ask", lang, "/")
		p.Error = s.render.tr(lang, "err_"+me.Code)
		p.FormText = text
		p.FormConsent = consent
		return c.Render(http.StatusUnprocessableEntity, "ask", p)
	}
	if err != nil {
		return err
	}
	p := s.newPage("receipt", lang, "/")
	p.ShowNav = false
	p.Receipt = sub.Receipt
	p.Urgent = sub.Urgent
	return c.Render(http.StatusOK, "receipt", p)
}

// handleAnswerPage shows the form for a receipt code.
func (s *Server) handleAnswerPage(c echo.Context) error {
	return c.Render(http.StatusOK, "answer", s.newPage("answer", s.lang(c), "/answer"))
}

// handleAnswerForm shows the status for a receipt, or withdraws the
// question when the form says so.
func (s *Server) handleAnswerForm(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return formError(err)
	}
	lang := s.lang(c)
	code := c.FormValue("receipt")
	ctx := c.Request().Context()
	p := s.newPage("answer", lang, "/answer")
	if c.FormValue("action") == "withdraw" {
		if c.FormValue("confirm") == "" {
			st, err := s.mod.Lookup(ctx, code)
			if err != nil {
				return s.answerError(c, p, err)
			}
			p.Status = s.statusView(lang, st)
			p.FormReceipt = code
			p.Error = s.render.tr(lang, "err_confirm_required")
			return c.Render(http.StatusUnprocessableEntity, "answer", p)
		}
		if err := s.mod.Withdraw(ctx, code); err != nil {
			return s.answerError(c, p, err)
		}
	}
	st, err := s.mod.Lookup(ctx, code)
	if err != nil {
		return s.answerError(c, p, err)
	}
	p.Status = s.statusView(lang, st)
	p.FormReceipt = code
	return c.Render(http.StatusOK, "answer", p)
}

// answerError re-renders the receipt form with a readable error for an
// unknown code; anything else goes to the error handler.
func (s *Server) answerError(c echo.Context, p *page, err error) error {
	var me *moderation.Error
	if !errors.As(err, &me) || (me.Kind != moderation.KindNotFound && me.Kind != moderation.KindInvalid) {
		return err
	}
	p.Error = s.render.tr(p.Lang, "err_"+me.Code)
	st := http.StatusNotFound
	if me.Kind == moderation.KindInvalid {
		st = http.StatusUnprocessableEntity
	}
	return c.Render(st, "answer", p)
}

func (s *Server) statusView(lang string, st *moderation.Status) *statusView {
	key := string(st.Status)
	switch st.Status {
	case store.StatusChanges:
		key = string(store.StatusInReview)
	case store.StatusScheduled:
		key = string(store.StatusApproved)
	}
	v := &statusView{Status: string(st.Status), Text: s.render.tr(lang, "status_"+key), Reason: st.RejectReason, Urgent: st.Urgent}
	if st.Answer != nil {
		v.Answer = *st.Answer
	}
	if st.PostURL != nil {
		v.PostURL = *st.PostURL
	}
	for _, r := range st.Reads {
		v.Reads = append(v.Reads, readView{Role: s.render.tr(lang, "role_"+r.Role), Count: r.Count})
		v.ReadTotal += r.Count
	}
	return v
}

// handlePrivacyPage tells young people what is kept and for how long.
func (s *Server) handlePrivacyPage(c echo.Context) error {
	p := s.newPage("privacy", s.lang(c), "/privacy")
	p.RetentionRejected = int(s.cfg.RetentionRejected.Hours() / 24)
	p.RetentionUnpublished = int(s.cfg.RetentionUnpublished.Hours() / 24)
	return c.Render(http.StatusOK, "privacy", p)
}

func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errBodyTooLarge
	}
	return newError(http.StatusBadRequest, "bad_request", "The form could not be read.")
}
