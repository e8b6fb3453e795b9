package api

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// page is the view of every public page; templates read its fields and
// call T to translate.
type page struct {
	Lang         string
	Title        string
	Page         string
	Path         string
	QuickExitURL string
	ShowNav      bool
	Langs        []langLink
	Support      []contactView
	Error        string

	// The question form.
	Closed       bool
	FormText     string
	FormConsent  bool
	MaxChars     int
	ServiceHours string
	// Reopens is when a closed inbox opens again, in the page's language.
	Reopens      string
	ExpectedDays int
	// Pow shows the ALTCHA widget; PowStrings are its texts as JSON.
	Pow        bool
	PowStrings string

	// The receipt page.
	Receipt string
	Urgent  bool

	// The answer page.
	Status      *statusView
	FormReceipt string

	// The published posts.
	Posts      []publicPost
	Post       *publicPost
	NextCursor string

	// The privacy page, in days.
	RetentionRejected    int
	RetentionUnpublished int

	loc *i18n.Localizer
}

// T translates message id into the page's language; kv are name, value
// pairs for the message's placeholders.
func (p *page) T(id string, kv ...any) string { return localize(p.loc, id, kv...) }

type statusView struct {
	Status  string
	Text    string
	Reason  string
	Urgent  bool
	Answer  string
	PostURL string
	// Reads are the staff reads of the question, by role (SPEC I5).
	Reads []readView
	// ReadTotal is the sum of Reads.
	ReadTotal int64
}

type readView struct {
	Role  string
	Count int64
}

type contactView struct {
	Name, Phone, Tel, URL, URLText, Hours string
}

// newPage fills what every page shows.
func (s *Server) newPage(name, lang, path string) *page {
	return &page{
		Lang:         lang,
		Title:        s.render.tr(lang, "title_"+name),
		Page:         name,
		Path:         path,
		QuickExitURL: s.cfg.HTTP.QuickExitURL,
		ShowNav:      true,
		Langs:        langNames,
		Support:      s.contacts(lang),
		MaxChars:     s.cfg.Inbox.MaxChars,
		ServiceHours: s.serviceHours(lang),
		Reopens:      s.reopens(lang),
		ExpectedDays: s.mod.ExpectedAnswerDays(context.Background(), s.cfg.Inbox.ExpectedAnswerDays),
		Pow:          s.cfg.Inbox.Pow,
		PowStrings:   s.powStrings(lang),
	}
}

// powWidgetStrings maps the ALTCHA widget's text keys to ours.
var powWidgetStrings = map[string]string{
	"label": "pow_label", "verifying": "pow_verifying", "verified": "pow_verified",
	"error": "pow_error", "expired": "pow_expired", "waitAlert": "pow_wait",
	"verificationRequired": "pow_required", "ariaLinkLabel": "pow_link",
}

// powStrings is the widget's strings attribute in lang, or "" when proof
// of work is off.
func (s *Server) powStrings(lang string) string {
	if !s.cfg.Inbox.Pow {
		return ""
	}
	m := make(map[string]string, len(powWidgetStrings))
	for k, id := range powWidgetStrings {
		m[k] = s.render.tr(lang, id)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (s *Server) reopens(lang string) string {
	if r := s.cfg.Inbox.ReopensByLang[lang]; r != "" {
		return r
	}
	return s.cfg.Inbox.Reopens
}

func (s *Server) serviceHours(lang string) string {
	if h := s.cfg.Inbox.ServiceHoursByLang[lang]; h != "" {
		return h
	}
	return s.cfg.Inbox.ServiceHours
}

// contacts is the support list in lang, falling back to Finnish.
func (s *Server) contacts(lang string) []contactView {
	out := make([]contactView, 0, len(s.cfg.Support))
	for _, c := range s.cfg.Support {
		v := contactView{Name: inLang(c.Name, lang), Phone: c.Phone, URL: c.URL, Hours: inLang(c.Hours, lang)}
		v.Tel = strings.Map(func(r rune) rune {
			if (r >= '0' && r <= '9') || r == '+' {
				return r
			}
			return -1
		}, c.Phone)
		if u, err := url.Parse(c.URL); err == nil {
			v.URLText = strings.TrimPrefix(u.Host, "www.")
		}
		out = append(out, v)
	}
	return out
}

func inLang(m map[string]string, lang string) string {
	if v := m[lang]; v != "" {
		return v
	}
	return m["fi"]
}

// supportJSON is one entry of the support list in a JSON response.
type supportJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	URL   string `json:"url,omitempty"`
	Hours string `json:"hours,omitempty"`
}

func (s *Server) supportList(lang string) []supportJSON {
	out := make([]supportJSON, 0, len(s.cfg.Support))
	for _, c := range s.contacts(lang) {
		out = append(out, supportJSON{Name: c.Name, Phone: c.Phone, URL: c.URL, Hours: c.Hours})
	}
	return out
}
