package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
)

type createQuestionRequest struct {
	Text           *string `json:"text"`
	Lang           *string `json:"lang"`
	ConsentPublish *bool   `json:"consent_publish"`
	// Altcha is the proof-of-work solution when inbox.pow is on.
	Altcha *string `json:"altcha"`
}

type createQuestionResponse struct {
	Receipt string        `json:"receipt"`
	Status  string        `json:"status"`
	Urgent  bool          `json:"urgent"`
	Support []supportJSON `json:"support"`
}

var errInboxClosed = newError(http.StatusServiceUnavailable, "inbox_closed",
	"We are not taking new questions right now. If you need help now, call 112 or 116 111.")

// handleQuestionCreate accepts an anonymous question (SPEC §4.2).
func (s *Server) handleQuestionCreate(c echo.Context) error {
	if !s.cfg.Inbox.Open {
		return errInboxClosed
	}
	var req createQuestionRequest
	if err := decodeJSON(c, s.cfg.HTTP.BodyLimit, &req); err != nil {
		return err
	}
	in := moderation.SubmitInput{}
	if req.Text == nil {
		return moderation.Invalid("text_required", "The field \"text\" is required.")
	}
	in.Text = *req.Text
	if req.Lang != nil {
		if !moderation.ValidLang(*req.Lang) {
			return moderation.Invalid("invalid_lang", "The field \"lang\" must be fi, sv or en.")
		}
		in.Lang = *req.Lang
	}
	if req.ConsentPublish != nil {
		in.ConsentPublish = *req.ConsentPublish
	}
	var solution string
	if req.Altcha != nil {
		solution = *req.Altcha
	}
	admit, err := s.admission(c, solution)
	if err != nil {
		return err
	}
	in.Admit = admit
	sub, err := s.mod.Submit(c.Request().Context(), in)
	if err != nil {
		return err
	}
	resp := createQuestionResponse{Receipt: sub.Receipt, Status: string(sub.Status), Urgent: sub.Urgent, Support: []supportJSON{}}
	if sub.Urgent {
		resp.Support = s.supportList(sub.Lang)
	}
	return c.JSON(http.StatusCreated, resp)
}

type receiptRequest struct {
	Receipt *string `json:"receipt"`
}

// receiptCode decodes a {"receipt"} body and returns the code.
func (s *Server) receiptCode(c echo.Context) (string, error) {
	var req receiptRequest
	if err := decodeJSON(c, s.cfg.HTTP.BodyLimit, &req); err != nil {
		return "", err
	}
	if req.Receipt == nil || *req.Receipt == "" {
		return "", moderation.Invalid("receipt_required", "The field \"receipt\" is required.")
	}
	return *req.Receipt, nil
}

type lookupResponse struct {
	Status  string  `json:"status"`
	Answer  *string `json:"answer"`
	PostURL *string `json:"post_url"`
	Reason  *string `json:"reason,omitempty"`
	// StaffReads says how often staff in each role read the question
	// (an extension of SPEC §4.2 serving I5); never names.
	StaffReads []staffRead `json:"staff_reads"`
}

type staffRead struct {
	Role  string `json:"role"`
	Count int64  `json:"count"`
}

// handleReceiptLookup tells a receipt holder the status of their question.
func (s *Server) handleReceiptLookup(c echo.Context) error {
	code, err := s.receiptCode(c)
	if err != nil {
		return err
	}
	st, err := s.mod.Lookup(c.Request().Context(), code)
	if err != nil {
		return err
	}
	resp := lookupResponse{Status: string(st.Status), Answer: st.Answer, PostURL: st.PostURL, StaffReads: []staffRead{}}
	for _, r := range st.Reads {
		resp.StaffReads = append(resp.StaffReads, staffRead{Role: r.Role, Count: r.Count})
	}
	if st.RejectReason != "" {
		resp.Reason = &st.RejectReason
	}
	return c.JSON(http.StatusOK, resp)
}

// handleReceiptWithdraw withdraws the question of a receipt.
func (s *Server) handleReceiptWithdraw(c echo.Context) error {
	code, err := s.receiptCode(c)
	if err != nil {
		return err
	}
	if err := s.mod.Withdraw(c.Request().Context(), code); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "withdrawn"})
}
