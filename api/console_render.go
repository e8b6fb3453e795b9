package api

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"

	"kysy/moderation"
	"kysy/templates"
)

// The console speaks Finnish and English only; its messages live in their
// own files (i18n/console.fi.toml, console.en.toml), so the public pages'
// fi/sv/en parity check is not concerned with them.

var consolePageNames = []string{"login", "queue", "question", "review", "stats", "audit", "error",
	"schedule", "posts", "post", "slots", "week"}

var consoleLangs = []langLink{{"fi", "Suomeksi"}, {"en", "In English"}}

var consoleLangMatcher = language.NewMatcher([]language.Tag{language.Finnish, language.English})

// consoleZone is where staff work; times in the console are shown in it.
const consoleZone = "Europe/Helsinki"

// consoleRenderer parses the console's pages and messages once at start-up.
type consoleRenderer struct {
	pages      map[string]*template.Template
	localizers map[string]*i18n.Localizer
	zone       *time.Location
}

func newConsoleRenderer() (*consoleRenderer, error) {
	bundle := i18n.NewBundle(language.Finnish)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	r := &consoleRenderer{pages: map[string]*template.Template{}, localizers: map[string]*i18n.Localizer{}, zone: time.UTC}
	if z, err := time.LoadLocation(consoleZone); err == nil {
		r.zone = z
	}
	keys := map[string]map[string]bool{}
	for _, l := range consoleLangs {
		file := "i18n/console." + l.Code + ".toml"
		if _, err := bundle.LoadMessageFileFS(templates.FS, file); err != nil {
			return nil, fmt.Errorf("load console messages %s: %w", l.Code, err)
		}
		r.localizers[l.Code] = i18n.NewLocalizer(bundle, l.Code)
		b, err := fs.ReadFile(templates.FS, file)
		if err != nil {
			return nil, fmt.Errorf("read console messages %s: %w", l.Code, err)
		}
		var m map[string]any
		if err := toml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse console messages %s: %w", l.Code, err)
		}
		keys[l.Code] = map[string]bool{}
		for k := range m {
			keys[l.Code][k] = true
		}
	}
	for _, a := range consoleLangs {
		for k := range keys[a.Code] {
			for _, b := range consoleLangs {
				if !keys[b.Code][k] {
					return nil, fmt.Errorf("message %q is in console.%s.toml but not in console.%s.toml", k, a.Code, b.Code)
				}
			}
		}
	}
	for _, name := range consolePageNames {
		t, err := template.New(name).ParseFS(templates.FS, "console/layout.html", "console/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse console template %s: %w", name, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// render writes one console page.
func (r *consoleRenderer) render(w io.Writer, name string, p *consolePage) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("render: no console page %q", name)
	}
	p.loc = r.localizers[p.Lang]
	p.zone = r.zone
	return t.ExecuteTemplate(w, "layout", p)
}

// tr translates one console message.
func (r *consoleRenderer) tr(lang, id string, kv ...any) string {
	return localize(r.localizers[lang], id, kv...)
}

// has reports whether the console has a message id.
func (r *consoleRenderer) has(lang, id string) bool {
	return r.tr(lang, id) != id
}

// consolePage is the view of every console page: the frame (language,
// actor, navigation, CSRF token, messages) and the page's own view.
type consolePage struct {
	Lang   string
	Title  string
	Page   string
	Path   string // the page's path and query without lang, for the language links
	Actor  *moderation.Actor
	CSRF   string
	Error  string
	Notice string
	Langs  []langLink

	Login    *consoleLoginView
	Queue    *consoleQueueView
	Question *consoleQuestionView
	Review   *consoleReviewView
	Stats    *consoleStatsView
	Audit    *consoleAuditView
	Schedule *consoleScheduleView
	Posts    *consolePostsView
	Post     *consolePostView
	Slots    *consoleSlotsView
	Week     *consoleWeekView

	loc  *i18n.Localizer
	zone *time.Location
}

// T translates message id into the page's language; kv are name, value
// pairs for the message's placeholders.
func (p *consolePage) T(id string, kv ...any) string { return localize(p.loc, id, kv...) }

// URL joins parts into a console URL that keeps the page's language.
func (p *consolePage) URL(parts ...any) string {
	var b strings.Builder
	for _, x := range parts {
		fmt.Fprint(&b, x)
	}
	return consoleWithLang(b.String(), p.Lang)
}

// LangURL is the current page in another language.
func (p *consolePage) LangURL(lang string) string { return consoleWithLang(p.Path, lang) }

// Can reports whether the signed-in actor holds role.
func (p *consolePage) Can(role string) bool {
	return p.Actor != nil && p.Actor.Has(moderation.Role(role))
}

// Time formats t for staff: date and time where they work.
func (p *consolePage) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	z := p.zone
	if z == nil {
		z = time.UTC
	}
	return t.In(z).Format("2006-01-02 15:04 MST")
}

// ISOTime is t in RFC 3339 for a <time datetime> attribute.
func (p *consolePage) ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Duration formats a waiting time as "< 1 h", "5 h" or "3 d".
func (p *consolePage) Duration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return p.T("dur_under_hour")
	case d < 48*time.Hour:
		return p.T("dur_hours", "N", int(d/time.Hour))
	default:
		return p.T("dur_days", "N", int(d/(24*time.Hour)))
	}
}

// consoleWithLang sets the lang query parameter of a path.
func consoleWithLang(path, lang string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}
