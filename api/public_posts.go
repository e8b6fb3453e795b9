package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"

	"kysy/store"
)

// Published posts: pages, feeds and JSON (SPEC §4.1, §4.2). A post shows
// the question only when its asker consented (the post's copy is empty
// otherwise).

const (
	postsPerPage = 20
	feedItems    = 50
)

type publicPost struct {
	ID          int64
	Question    string
	Answer      string
	PublishedAt time.Time
	ISO, Date   string
}

type publicPostJSON struct {
	ID          int64     `json:"id"`
	Question    *string   `json:"question"`
	Answer      string    `json:"answer"`
	PublishedAt time.Time `json:"published_at"`
	URL         string    `json:"url"`
	CardURL     string    `json:"card_url"`
}

type publicPostsJSON struct {
	Items      []publicPostJSON `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

var errBadPostsCursor = newError(http.StatusBadRequest, "invalid_cursor", "The cursor is not one this server gave.")

// postsCursor encodes the last post of a page: its time and id.
func postsCursor(p store.Post) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.PublishedAt.UnixNano(), 10) + ":" + strconv.FormatInt(p.ID, 10)))
}

func parsePostsCursor(c string) (*time.Time, int64, error) {
	if c == "" {
		return nil, 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) > 64 {
		return nil, 0, errBadPostsCursor
	}
	ns, id, ok := strings.Cut(string(raw), ":")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || i < 1 {
		return nil, 0, errBadPostsCursor
	}
	t := time.Unix(0, n).UTC()
	return &t, i, nil
}

// publicPage reads one page of published posts after cursor.
func (s *Server) publicPage(c echo.Context, limit int) ([]store.Post, string, error) {
	at, id, err := parsePostsCursor(c.QueryParam("cursor"))
	if err != nil {
		return nil, "", err
	}
	ps, err := s.db.PublicPosts(c.Request().Context(), limit+1, at, id)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ps) > limit {
		ps = ps[:limit]
		next = postsCursor(ps[len(ps)-1])
	}
	return ps, next, nil
}

func (s *Server) toPublicPost(p store.Post) publicPost {
	loc := s.loc()
	at := p.PublishedAt.In(loc)
	return publicPost{ID: p.ID, Question: p.Question, Answer: p.Answer, PublishedAt: at,
		ISO: at.Format(time.RFC3339), Date: at.Format("2.1.2006")}
}

func (s *Server) loc() *time.Location {
	if s.cfg.Location != nil {
		return s.cfg.Location
	}
	return time.UTC
}

func (s *Server) handlePostsPage(c echo.Context) error {
	ps, next, err := s.publicPage(c, postsPerPage)
	if err != nil {
		return err
	}
	p := s.newPage("posts", s.lang(c), "/posts")
	for _, post := range ps {
		p.Posts = append(p.Posts, s.toPublicPost(post))
	}
	p.NextCursor = next
	return c.Render(http.StatusOK, "posts", p)
}

func (s *Server) publicPostByPath(c echo.Context) (*store.Post, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	post, err := s.db.PublicPost(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, newError(http.StatusNotFound, "not_found", "There is no published post with this id.")
	}
	return post, err
}

func (s *Server) handlePostPage(c echo.Context) error {
	post, err := s.publicPostByPath(c)
	if err != nil {
		return err
	}
	p := s.newPage("post", s.lang(c), fmt.Sprintf("/posts/%d", post.ID))
	v := s.toPublicPost(*post)
	p.Post = &v
	return c.Render(http.StatusOK, "post", p)
}

func (s *Server) handlePostsJSON(c echo.Context) error {
	limit := postsPerPage
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return newError(http.StatusBadRequest, "invalid_limit", "limit must be a whole number between 1 and 100.")
		}
		limit = n
	}
	ps, next, err := s.publicPage(c, limit)
	if err != nil {
		return err
	}
	out := publicPostsJSON{Items: make([]publicPostJSON, len(ps))}
	for i, p := range ps {
		out.Items[i] = publicPostJSON{ID: p.ID, Answer: p.Answer, PublishedAt: p.PublishedAt.UTC(),
			URL: s.mod.PostURL(p.ID), CardURL: s.mod.PostURL(p.ID) + "/card.png"}
		if p.Question != "" {
			q := p.Question
			out.Items[i].Question = &q
		}
	}
	if next != "" {
		out.NextCursor = &next
	}
	return c.JSON(http.StatusOK, out)
}

// feed builds the newest posts as a gorilla/feeds feed.
func (s *Server) feed(c echo.Context) (*feeds.Feed, error) {
	ps, err := s.db.PublicPosts(c.Request().Context(), feedItems, nil, 0)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(s.cfg.HTTP.BaseURL, "/")
	f := &feeds.Feed{
		Title:       "Kysy – " + s.render.tr("fi", "posts_heading"),
		Link:        &feeds.Link{Href: base + "/posts"},
		Description: s.render.tr("fi", "posts_intro"),
		Id:          base + "/posts",
	}
	for _, p := range ps {
		title := p.Question
		if title == "" {
			title = s.render.tr(p.Lang, "post_answer_only")
		}
		if r := []rune(title); len(r) > 120 {
			title = string(r[:119]) + "…"
		}
		content := p.Answer
		if p.Question != "" {
			content = p.Question + "\n\n" + p.Answer
		}
		url := s.mod.PostURL(p.ID)
		f.Items = append(f.Items, &feeds.Item{
			Id: url, Title: title, Link: &feeds.Link{Href: url}, Description: content,
			Created: p.PublishedAt.UTC(), Updated: p.PublishedAt.UTC(),
			Enclosure: &feeds.Enclosure{Url: url + "/card.png", Type: "image/png", Length: "0"},
		})
		if f.Updated.Before(*p.PublishedAt) {
			f.Updated = p.PublishedAt.UTC()
		}
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	f.Created = f.Updated
	return f, nil
}

func (s *Server) handleFeed(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, err := s.feed(c)
		if err != nil {
			return err
		}
		var body, ctype string
		switch kind {
		case "atom":
			body, err = f.ToAtom()
			ctype = "application/atom+xml; charset=utf-8"
		case "rss":
			body, err = f.ToRss()
			ctype = "application/rss+xml; charset=utf-8"
		default:
			body, err = jsonFeed(f)
			ctype = "application/feed+json; charset=utf-8"
		}
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=300")
		return c.Blob(http.StatusOK, ctype, []byte(body))
	}
}

// jsonFeed is f as JSON Feed 1.1. gorilla/feeds leaves "items" out when
// there are none, but the format requires the key: an empty feed gets [].
func jsonFeed(f *feeds.Feed) (string, error) {
	body, err := f.ToJSON()
	if err != nil || len(f.Items) > 0 {
		return body, err
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return "", err
	}
	m["items"] = []any{}
	b, err := json.MarshalIndent(m, "", "  ")
	return string(b), err
}
