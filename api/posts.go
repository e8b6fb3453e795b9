package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

// Staff routes for slots and posts (SPEC §4.3); comms or admin.

type slotsBody struct {
	Slots []string `json:"slots"`
}

type schedulePostRequest struct {
	AnswerID *int64   `json:"answer_id"`
	At       *string  `json:"at"`
	Channels []string `json:"channels"`
}

type postCreatedResponse struct {
	ID          int64     `json:"id"`
	ScheduledAt time.Time `json:"scheduled_at"`
	Status      string    `json:"status"`
}

type staffPostJSON struct {
	ID          int64             `json:"id"`
	AnswerID    int64             `json:"answer_id"`
	Status      string            `json:"status"`
	ScheduledAt time.Time         `json:"scheduled_at"`
	PublishedAt *time.Time        `json:"published_at"`
	Channels    map[string]string `json:"channels"`
	Errors      map[string]string `json:"errors,omitempty"`
	Reason      string            `json:"reason,omitempty"`
	URL         string            `json:"url"`
}

type postsPageJSON struct {
	Items      []staffPostJSON `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

type previewJSON struct {
	ID       int64    `json:"id"`
	Status   string   `json:"status"`
	Question *string  `json:"question"`
	Answer   string   `json:"answer"`
	Caption  string   `json:"caption"`
	CardURL  string   `json:"card_url"`
	CardJPEG string   `json:"card_jpg_url"`
	Findings []string `json:"findings"`
}

type deletePostRequest struct {
	InstagramRemoved bool `json:"instagram_removed"`
}

func (s *Server) toStaffPost(v moderation.PostView) staffPostJSON {
	out := staffPostJSON{ID: v.ID, AnswerID: v.AnswerID, Status: string(v.Status), ScheduledAt: v.ScheduledAt.UTC(),
		Channels: v.Deliveries, Reason: v.Reason, URL: s.mod.PostURL(v.ID)}
	if v.PublishedAt != nil {
		t := v.PublishedAt.UTC()
		out.PublishedAt = &t
	}
	if len(v.Errors) > 0 {
		out.Errors = v.Errors
	}
	return out
}

func (s *Server) postRoutes(mw []echo.MiddlewareFunc) {
	e := s.echo
	const p = "/api/v1/staff"
	e.GET(p+"/slots", func(c echo.Context) error {
		slots, err := s.mod.Slots(c.Request().Context(), actorOf(c))
		if err != nil {
			return err
		}
		if slots == nil {
			slots = []string{}
		}
		return c.JSON(http.StatusOK, slotsBody{Slots: slots})
	}, mw...)
	e.PUT(p+"/slots", func(c echo.Context) error {
		var req slotsBody
		if err := decodeJSON(c, s.cfg.HTTP.BodyLimit, &req); err != nil {
			return err
		}
		if req.Slots == nil {
			return moderation.Invalid("slots_required", "The field \"slots\" is required (a list, [] for none).")
		}
		slots, err := s.mod.SetSlots(c.Request().Context(), actorOf(c), req.Slots)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, slotsBody{Slots: slots})
	}, mw...)
	e.POST(p+"/posts", func(c echo.Context) error {
		var req schedulePostRequest
		if err := decodeJSON(c, s.cfg.HTTP.BodyLimit, &req); err != nil {
			return err
		}
		if req.AnswerID == nil {
			return moderation.Invalid("answer_id_required", "The field \"answer_id\" is required.")
		}
		in := moderation.ScheduleInput{AnswerID: *req.AnswerID, Channels: req.Channels}
		if req.At != nil {
			t, err := time.Parse(time.RFC3339, *req.At)
			if err != nil {
				return moderation.Invalid("invalid_time", "The field \"at\" must be an RFC 3339 time with a zone, e.g. 2026-11-24T15:00:00+02:00.")
			}
			in.At = &t
		}
		post, err := s.mod.SchedulePost(c.Request().Context(), actorOf(c), in)
		if err != nil {
			return err
		}
		s.wakeScheduler()
		return c.JSON(http.StatusCreated, postCreatedResponse{ID: post.ID, ScheduledAt: post.ScheduledAt.UTC(), Status: string(post.Status)})
	}, mw...)
	e.GET(p+"/posts", func(c echo.Context) error {
		st, err := moderation.ParsePostStatus(c.QueryParam("status"))
		if err != nil {
			return err
		}
		limit := 50
		if v := c.QueryParam("limit"); v != "" {
			if limit, err = strconv.Atoi(v); err != nil {
				return moderation.Invalid("invalid_limit", "limit must be a whole number between 1 and 200.")
			}
		}
		page, err := s.mod.Posts(c.Request().Context(), actorOf(c), st, limit, c.QueryParam("cursor"))
		if err != nil {
			return err
		}
		out := postsPageJSON{Items: make([]staffPostJSON, len(page.Items))}
		for i, v := range page.Items {
			out.Items[i] = s.toStaffPost(v)
		}
		if page.NextCursor != "" {
			out.NextCursor = &page.NextCursor
		}
		return c.JSON(http.StatusOK, out)
	}, mw...)
	e.GET(p+"/posts/:id", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		v, err := s.mod.Post(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return s.toStaffPost(*v), nil
	}), mw...)
	e.GET(p+"/posts/:id/preview", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		pv, err := s.mod.PreviewPost(ctx, a, id)
		if err != nil {
			return nil, err
		}
		out := previewJSON{ID: id, Status: string(pv.Post.Status), Answer: pv.Content.Answer, Caption: pv.Content.Caption,
			CardURL: s.mod.PostURL(id) + "/preview/card.png", CardJPEG: s.mod.PostURL(id) + "/preview/card.jpg", Findings: pv.Findings}
		out.CardURL = strings.Replace(out.CardURL, "/posts/", "/api/v1/staff/posts/", 1)
		out.CardJPEG = strings.Replace(out.CardJPEG, "/posts/", "/api/v1/staff/posts/", 1)
		if out.Findings == nil {
			out.Findings = []string{}
		}
		if pv.Content.Question != "" {
			q := pv.Content.Question
			out.Question = &q
		}
		return out, nil
	}), mw...)
	e.GET(p+"/posts/:id/preview/card.png", s.handlePreviewCard("png"), mw...)
	e.GET(p+"/posts/:id/preview/card.jpg", s.handlePreviewCard("jpg"), mw...)
	e.POST(p+"/posts/:id/publish-now", idAction(s, http.StatusOK, func(ctx context.Context, a *moderation.Actor, id int64, _ noBody) (any, error) {
		if _, err := s.mod.PublishNow(ctx, a, id); err != nil {
			return nil, err
		}
		s.wakeScheduler()
		v, err := s.mod.Post(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return s.toStaffPost(*v), nil
	}), mw...)
	e.DELETE(p+"/posts/:id", func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var req deletePostRequest
		if c.Request().ContentLength != 0 {
			if err := decodeJSON(c, s.cfg.HTTP.BodyLimit, &req); err != nil {
				return err
			}
		}
		if v := c.QueryParam("instagram_removed"); v == "true" {
			req.InstagramRemoved = true
		}
		ctx := c.Request().Context()
		if _, err := s.mod.DeletePost(ctx, actorOf(c), id, req.InstagramRemoved); err != nil {
			return err
		}
		v, err := s.mod.Post(ctx, actorOf(c), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.toStaffPost(*v))
	}, mw...)
}

// wakeScheduler asks the scheduler for a tick, when one runs.
func (s *Server) wakeScheduler() {
	if s.Wake != nil {
		s.Wake()
	}
}

// postStats fills /stats "posts": deliveries per channel and result, the
// posts per status, and the latest failures with their reasons.
func postStats(ctx context.Context, db *store.DB) (map[string]map[string]int64, []failureJSON, error) {
	cs, err := db.DeliveryCounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]map[string]int64{}
	for _, c := range cs {
		if out[c.Channel] == nil {
			out[c.Channel] = map[string]int64{}
		}
		out[c.Channel][string(c.Status)] = c.N
	}
	fails, err := db.FailedDeliveries(ctx, 20)
	if err != nil {
		return nil, nil, err
	}
	fj := make([]failureJSON, len(fails))
	for i, d := range fails {
		fj[i] = failureJSON{PostID: d.PostID, Channel: d.Channel, Attempts: d.Attempts, Reason: d.LastError, At: d.UpdatedAt.UTC()}
	}
	return out, fj, nil
}

type failureJSON struct {
	PostID   int64     `json:"post_id"`
	Channel  string    `json:"channel"`
	Attempts int       `json:"attempts"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}
