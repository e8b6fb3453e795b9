package api

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/scheduler/card"
)

// cardCacheSize bounds the rendered cards kept in memory.
const cardCacheSize = 128

// cardCache keeps recently rendered cards: Instagram and feed readers ask
// for the same few new posts many times.
type cardCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (cc *cardCache) get(key string, make func() ([]byte, error)) ([]byte, error) {
	cc.mu.Lock()
	b, ok := cc.m[key]
	cc.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := make()
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	if cc.m == nil || len(cc.m) >= cardCacheSize {
		cc.m = map[string][]byte{} // start afresh: simple and bounded
	}
	cc.m[key] = b
	cc.mu.Unlock()
	return b, nil
}

func encodeCard(c card.Content, ext string) ([]byte, error) {
	if ext == "jpg" {
		return card.JPEG(c)
	}
	return card.PNG(c)
}

func cardType(ext string) string {
	if ext == "jpg" {
		return "image/jpeg"
	}
	return "image/png"
}

// handleCard serves a published post's card (SPEC §9): PNG for the web,
// sRGB JPEG for Instagram.
func (s *Server) handleCard(ext string) echo.HandlerFunc {
	return func(c echo.Context) error {
		post, err := s.publicPostByPath(c)
		if err != nil {
			return err
		}
		key := strconv.FormatInt(post.ID, 10) + "." + strconv.FormatInt(post.UpdatedAt.UnixNano(), 10) + "." + ext
		b, err := s.cards.get(key, func() ([]byte, error) {
			return encodeCard(card.Content{Question: post.Question, Answer: post.Answer, Lang: post.Lang, URL: s.mod.PostURL(post.ID)}, ext)
		})
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return c.Blob(http.StatusOK, cardType(ext), b)
	}
}

// handlePreviewCard renders the card of a post as it will be published
// (staff only).
func (s *Server) handlePreviewCard(ext string) echo.HandlerFunc {
	return idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		pv, err := s.mod.PreviewPost(ctx, a, id)
		if err != nil {
			return nil, err
		}
		b, err := encodeCard(card.Content{Question: pv.Content.Question, Answer: pv.Content.Answer, Lang: pv.Content.Lang, URL: s.mod.PostURL(id)}, ext)
		if err != nil {
			return nil, err
		}
		return rawBlob{ctype: cardType(ext), b: b}, nil
	})
}

// rawBlob is an idAction result sent as bytes, not JSON.
type rawBlob struct {
	ctype string
	b     []byte
}
