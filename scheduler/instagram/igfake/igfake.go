// Package igfake is a fake Instagram Graph API for tests: the content
// publishing endpoints (POST /{ig-user-id}/media, GET /{container-id},
// POST /{ig-user-id}/media_publish, GET /{ig-user-id}/content_publishing_limit)
// on an httptest.Server, with knobs to fail, hang or slow down calls and a
// record of what it received. It is safe for concurrent use.
//
// Paths may carry a version prefix ("/v21.0/…"); use URL+"/v21.0" as the
// client's APIBase.
package igfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// Defaults of a new Server.
const (
	DefaultToken  = "fake-token-EAAB-0123456789"
	DefaultUserID = "17841400000000001"
)

// Endpoint names one of the fake's endpoints for the knobs.
type Endpoint string

// The endpoints.
const (
	Create Endpoint = "media"
	Status Endpoint = "status"
	// Publish is media_publish.
	Publish Endpoint = "media_publish"
	Quota   Endpoint = "content_publishing_limit"
)

// The container states (status_code).
const (
	Finished   = "FINISHED"
	InProgress = "IN_PROGRESS"
	Failed     = "ERROR"
	Expired    = "EXPIRED"
	Published  = "PUBLISHED"
)

// APIError is an error the fake answers with.
type APIError struct {
	// HTTPStatus defaults to 400.
	HTTPStatus int
	Code       int
	Subcode    int
	// Type defaults to OAuthException.
	Type      string
	Message   string
	Transient bool
	// RawBody, when set, is sent as is instead of a Graph API error body
	// (e.g. an HTML error page from a proxy).
	RawBody string
}

// Auth is how a request carried its access token.
type Auth struct {
	Endpoint Endpoint
	// Via is "bearer", "form", "query" or "" (none).
	Via string
	// OK says the token matched.
	OK bool
}

// Calls is a snapshot of what the fake received. Requests refused for a
// missing or wrong token or user id appear only in Auth/Unauthorized, not in
// the per-endpoint counts.
type Calls struct {
	Create, Status, Publish, Quota int
	// PublishByContainer counts media_publish calls per creation_id.
	PublishByContainer map[string]int
	// ImageURLs and Captions are the values of each CreateContainer call.
	ImageURLs, Captions []string
	// Auth is one entry per request, in order.
	Auth []Auth
	// TokenInURL counts requests whose URL carried the token.
	TokenInURL int
	// Unauthorized counts requests refused for a missing or wrong token.
	Unauthorized int
}

type container struct {
	status string
	detail string
	seq    []string // statuses still to be reported, in order
}

type knob struct {
	fail         []APIError // one per upcoming call
	hang         int        // upcoming calls that hang; <0 = all
	hangAfterPub int        // publish: publish, then hang (upcoming calls)
}

// Server is the fake Graph API.
type Server struct {
	// URL is the server's root, e.g. http://127.0.0.1:1234.
	URL string

	srv  *httptest.Server
	done chan struct{}
	once sync.Once

	mu         sync.Mutex
	token      string
	userID     string
	seq        []string
	containers map[string]*container
	nextID     int
	nextMedia  int
	used       int
	total      int
	knobs      map[Endpoint]*knob
	calls      Calls
}

// New starts a fake with DefaultToken and DefaultUserID, containers that
// are FINISHED at once, and a quota of 0 used of 50.
func New() *Server {
	s := &Server{
		done:       make(chan struct{}),
		token:      DefaultToken,
		userID:     DefaultUserID,
		containers: map[string]*container{},
		nextID:     17890000000000000,
		nextMedia:  17900000000000000,
		total:      50,
		knobs:      map[Endpoint]*knob{},
		calls:      Calls{PublishByContainer: map[string]int{}},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close releases hanging requests and shuts the server down.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	s.srv.Close()
}

// Token is the access token the fake accepts.
func (s *Server) Token() string { s.mu.Lock(); defer s.mu.Unlock(); return s.token }

// UserID is the ig-user-id the fake serves.
func (s *Server) UserID() string { s.mu.Lock(); defer s.mu.Unlock(); return s.userID }

// SetToken changes the accepted access token.
func (s *Server) SetToken(t string) { s.mu.Lock(); s.token = t; s.mu.Unlock() }

// SetUserID changes the served ig-user-id.
func (s *Server) SetUserID(id string) { s.mu.Lock(); s.userID = id; s.mu.Unlock() }

func (s *Server) knob(ep Endpoint) *knob {
	k := s.knobs[ep]
	if k == nil {
		k = &knob{}
		s.knobs[ep] = k
	}
	return k
}

// FailNext makes the next n calls of ep answer with e.
func (s *Server) FailNext(ep Endpoint, n int, e APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.knob(ep)
	for i := 0; i < n; i++ {
		k.fail = append(k.fail, e)
	}
}

// Hang makes the next n calls of ep (all of them if n < 0) wait until the
// request's context ends (client timeout) or the server closes.
func (s *Server) Hang(ep Endpoint, n int) {
	s.mu.Lock()
	s.knob(ep).hang = n
	s.mu.Unlock()
}

// PublishThenHang makes the next n media_publish calls really publish the
// container (it becomes PUBLISHED and counts) and then hang without
// answering: the client times out not knowing that the post went out.
func (s *Server) PublishThenHang(n int) {
	s.mu.Lock()
	s.knob(Publish).hangAfterPub = n
	s.mu.Unlock()
}

// SetStatusSequence sets the statuses a new container reports on its
// successive status checks, e.g. IN_PROGRESS, IN_PROGRESS, FINISHED; the last
// one stays. Empty means FINISHED at once.
func (s *Server) SetStatusSequence(seq ...string) {
	s.mu.Lock()
	s.seq = append([]string(nil), seq...)
	s.mu.Unlock()
}

// SetContainerStatus sets an existing (or new) container's status; detail
// is its "status" text (e.g. "Error: Media download has failed. (2207052)").
func (s *Server) SetContainerStatus(id, status, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.containers[id]
	if c == nil {
		c = &container{}
		s.containers[id] = c
	}
	c.status, c.detail, c.seq = status, detail, nil
}

// ContainerStatus is a container's current status ("" if unknown).
func (s *Server) ContainerStatus(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.containers[id]; c != nil {
		return c.status
	}
	return ""
}

// SetQuota sets content_publishing_limit's quota_usage and quota_total;
// media_publish fails with 9/2207042 once used reaches total.
func (s *Server) SetQuota(used, total int) {
	s.mu.Lock()
	s.used, s.total = used, total
	s.mu.Unlock()
}

// Calls returns a snapshot of the calls received so far.
func (s *Server) Calls() Calls {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	c.PublishByContainer = make(map[string]int, len(s.calls.PublishByContainer))
	for k, v := range s.calls.PublishByContainer {
		c.PublishByContainer[k] = v
	}
	c.ImageURLs = append([]string(nil), s.calls.ImageURLs...)
	c.Captions = append([]string(nil), s.calls.Captions...)
	c.Auth = append([]Auth(nil), s.calls.Auth...)
	return c
}

// PublishCount is how many media_publish calls named containerID.
func (s *Server) PublishCount(containerID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls.PublishByContainer[containerID]
}

var versionPrefix = regexp.MustCompile(`^v\d+(\.\d+)?$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeErr(w, APIError{Code: 100, Message: "cannot parse request: " + err.Error()})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) > 0 && versionPrefix.MatchString(parts[0]) {
		parts = parts[1:]
	}

	var ep Endpoint
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "media":
		ep = Create
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "media_publish":
		ep = Publish
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "content_publishing_limit":
		ep = Quota
	case r.Method == http.MethodGet && len(parts) == 1 && parts[0] != "":
		ep = Status
	default:
		writeErr(w, APIError{Code: 100, Message: fmt.Sprintf("Unsupported %s request.", r.Method)})
		return
	}

	s.mu.Lock()
	// Authentication.
	via, tok := "", ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		via, tok = "bearer", strings.TrimPrefix(h, "Bearer ")
	} else if v := r.PostForm.Get("access_token"); v != "" {
		via, tok = "form", v
	} else if v := r.URL.Query().Get("access_token"); v != "" {
		via, tok = "query", v
	}
	if s.token != "" && strings.Contains(r.URL.RawQuery, s.token) {
		s.calls.TokenInURL++
	}
	ok := tok != "" && tok == s.token
	s.calls.Auth = append(s.calls.Auth, Auth{Endpoint: ep, Via: via, OK: ok})
	if !ok {
		s.calls.Unauthorized++
		s.mu.Unlock()
		if tok == "" {
			writeErr(w, APIError{Code: 104, Message: "An access token is required to request this resource."})
		} else {
			writeErr(w, APIError{Code: 190, Message: "Invalid OAuth access token - Cannot parse access token"})
		}
		return
	}
	if ep != Status && parts[0] != s.userID {
		s.mu.Unlock()
		writeErr(w, APIError{Code: 100, Subcode: 33,
			Message: fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist", parts[0])})
		return
	}

	// Counting happens before the knobs: a failed or hung call was still made.
	switch ep {
	case Create:
		s.calls.Create++
		s.calls.ImageURLs = append(s.calls.ImageURLs, r.PostForm.Get("image_url"))
		s.calls.Captions = append(s.calls.Captions, r.PostForm.Get("caption"))
	case Publish:
		s.calls.Publish++
		s.calls.PublishByContainer[r.PostForm.Get("creation_id")]++
	case Status:
		s.calls.Status++
	case Quota:
		s.calls.Quota++
	}

	k := s.knob(ep)
	if k.hang != 0 {
		if k.hang > 0 {
			k.hang--
		}
		s.mu.Unlock()
		s.wait(r)
		return
	}
	if len(k.fail) > 0 {
		e := k.fail[0]
		k.fail = k.fail[1:]
		s.mu.Unlock()
		writeErr(w, e)
		return
	}

	switch ep {
	case Create:
		if r.PostForm.Get("image_url") == "" {
			s.mu.Unlock()
			writeErr(w, APIError{Code: 100, Message: "The parameter image_url is required"})
			return
		}
		s.nextID++
		id := fmt.Sprint(s.nextID)
		c := &container{status: Finished, seq: append([]string(nil), s.seq...)}
		s.containers[id] = c
		s.mu.Unlock()
		writeJSON(w, map[string]string{"id": id})

	case Status:
		c := s.containers[parts[0]]
		if c == nil {
			s.mu.Unlock()
			writeErr(w, APIError{Code: 100, Subcode: 33,
				Message: fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist", parts[0])})
			return
		}
		if len(c.seq) > 0 {
			c.status = c.seq[0]
			c.seq = c.seq[1:]
		}
		out := map[string]string{"id": parts[0], "status_code": c.status}
		if c.detail != "" {
			out["status"] = c.detail
		}
		s.mu.Unlock()
		writeJSON(w, out)

	case Publish:
		id := r.PostForm.Get("creation_id")
		c := s.containers[id]
		switch {
		case c == nil:
			s.mu.Unlock()
			writeErr(w, APIError{Code: 100, Message: "Invalid parameter creation_id"})
			return
		case c.status == Published:
			s.mu.Unlock()
			writeErr(w, APIError{Code: 100, Message: "The container has already been published"})
			return
		case c.status == Expired:
			s.mu.Unlock()
			writeErr(w, APIError{Code: -2, Subcode: 2207020, Message: "The media you are trying to access has expired. Please try to upload again."})
			return
		case c.status != Finished:
			s.mu.Unlock()
			writeErr(w, APIError{Code: 9007, Subcode: 2207027, Message: "Media ID is not available"})
			return
		case s.used >= s.total:
			s.mu.Unlock()
			writeErr(w, APIError{Code: 9, Subcode: 2207042, Message: "Application request limit reached"})
			return
		}
		c.status, c.seq = Published, nil
		s.used++
		s.nextMedia++
		media := fmt.Sprint(s.nextMedia)
		hang := k.hangAfterPub != 0
		if k.hangAfterPub > 0 {
			k.hangAfterPub--
		}
		s.mu.Unlock()
		if hang {
			s.wait(r)
			return
		}
		writeJSON(w, map[string]string{"id": media})

	case Quota:
		used, total := s.used, s.total
		s.mu.Unlock()
		writeJSON(w, map[string]any{"data": []any{map[string]any{
			"quota_usage": used,
			"config":      map[string]int{"quota_total": total, "quota_duration": 86400},
		}}})
	}
}

func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, e APIError) {
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusBadRequest
	}
	if e.RawBody != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(e.RawBody))
		return
	}
	typ := e.Type
	if typ == "" {
		typ = "OAuthException"
	}
	body := map[string]any{"message": e.Message, "type": typ, "code": e.Code, "fbtrace_id": "AfakeTrace123"}
	if e.Subcode != 0 {
		body["error_subcode"] = e.Subcode
	}
	if e.Transient {
		body["is_transient"] = true
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}
