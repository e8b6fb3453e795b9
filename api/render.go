package api

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"

	"kysy/templates"
)

var pageNames = []string{"ask", "receipt", "answer", "privacy", "error", "posts", "post"}

var langNames = []langLink{{"fi", "Suomeksi"}, {"sv", "På svenska"}, {"en", "In English"}}

var langMatcher = language.NewMatcher([]language.Tag{language.Finnish, language.Swedish, language.English})

type langLink struct{ Code, Name string }

// renderer parses every page once at start-up and renders it in the
// page's language.
type renderer struct {
	pages      map[string]*template.Template
	localizers map[string]*i18n.Localizer
	console    *consoleRenderer
}

func newRenderer() (*renderer, error) {
	bundle := i18n.NewBundle(language.Finnish)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	r := &renderer{pages: map[string]*template.Template{}, localizers: map[string]*i18n.Localizer{}}
	for _, l := range langNames {
		if _, err := bundle.LoadMessageFileFS(templates.FS, "i18n/"+l.Code+".toml"); err != nil {
			return nil, fmt.Errorf("load messages %s: %w", l.Code, err)
		}
		r.localizers[l.Code] = i18n.NewLocalizer(bundle, l.Code)
	}
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(templates.FS, "layout.html", name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		r.pages[name] = t
	}
	if err := r.checkMessages(); err != nil {
		return nil, err
	}
	c, err := newConsoleRenderer()
	if err != nil {
		return nil, err
	}
	r.console = c
	return r, nil
}

// checkMessages fails start-up when a language lacks a message another one
// has, so a page can never show a bare message ID.
func (r *renderer) checkMessages() error {
	keys := map[string]map[string]bool{}
	for _, l := range langNames {
		b, err := fs.ReadFile(templates.FS, "i18n/"+l.Code+".toml")
		if err != nil {
			return fmt.Errorf("read messages %s: %w", l.Code, err)
		}
		var m map[string]any
		if err := toml.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("parse messages %s: %w", l.Code, err)
		}
		keys[l.Code] = map[string]bool{}
		for k := range m {
			keys[l.Code][k] = true
		}
	}
	for _, a := range langNames {
		for k := range keys[a.Code] {
			for _, b := range langNames {
				if !keys[b.Code][k] {
					return fmt.Errorf("message %q is in %s.toml but not in %s.toml", k, a.Code, b.Code)
				}
			}
		}
	}
	return nil
}

// Render implements echo.Renderer; data is a *page, or a *consolePage for
// the staff console.
func (r *renderer) Render(w io.Writer, name string, data any, _ echo.Context) error {
	if cp, ok := data.(*consolePage); ok {
		return r.console.render(w, name, cp)
	}
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	p, ok := data.(*page)
	if !ok {
		return fmt.Errorf("render %s: data is %T, not *page", name, data)
	}
	p.loc = r.localizers[p.Lang]
	return t.ExecuteTemplate(w, "layout", p)
}

// tr translates one message for lang.
func (r *renderer) tr(lang, id string) string {
	return localize(r.localizers[lang], id)
}

func localize(loc *i18n.Localizer, id string, kv ...any) string {
	if loc == nil {
		return id
	}
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// pickLang chooses the page language: an explicit fi/sv/en (query or form
// field) wins, then Accept-Language, then Finnish.
func pickLang(explicit, acceptLanguage string) string {
	explicit = strings.ToLower(strings.TrimSpace(explicit))
	if explicit == "fi" || explicit == "sv" || explicit == "en" {
		return explicit
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return langNames[idx].Code
			}
		}
	}
	return "fi"
}
