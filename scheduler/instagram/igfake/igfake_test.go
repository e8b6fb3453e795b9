package igfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func post(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestFakeFlow(t *testing.T) {
	s := New()
	defer s.Close()
	base := s.URL + "/v21.0/" + DefaultUserID
	s.SetStatusSequence(InProgress, Finished)

	code, out := post(t, base+"/media", url.Values{"image_url": {"https://x/c.png"}, "caption": {"hei"}, "access_token": {DefaultToken}})
	id, _ := out["id"].(string)
	if code != 200 || id == "" {
		t.Fatalf("create %d %v", code, out)
	}
	// The status sequence advances on status checks; publishing an
	// IN_PROGRESS container is 9007/2207027.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v21.0/"+id+"?fields=status_code", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s.ContainerStatus(id) != InProgress {
		t.Fatalf("status %s", s.ContainerStatus(id))
	}
	code, out = post(t, base+"/media_publish", url.Values{"creation_id": {id}, "access_token": {DefaultToken}})
	if e, _ := out["error"].(map[string]any); code != 400 || e["code"] != float64(9007) || e["error_subcode"] != float64(2207027) {
		t.Fatalf("publish in progress: %d %v", code, out)
	}
	s.SetContainerStatus(id, Finished, "")
	code, out = post(t, base+"/media_publish", url.Values{"creation_id": {id}, "access_token": {DefaultToken}})
	if code != 200 || out["id"] == nil || s.ContainerStatus(id) != Published {
		t.Fatalf("publish %d %v", code, out)
	}
	if s.PublishCount(id) != 2 {
		t.Fatalf("publish count %d", s.PublishCount(id))
	}

	// Token in the URL is noticed; a wrong token is refused with 190.
	resp, err = http.Get(s.URL + "/v21.0/" + DefaultUserID + "/content_publishing_limit?access_token=" + DefaultToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code, out = post(t, base+"/media", url.Values{"image_url": {"x"}, "access_token": {"nope"}})
	if e, _ := out["error"].(map[string]any); code != 400 || e["code"] != float64(190) {
		t.Fatalf("wrong token: %d %v", code, out)
	}
	c := s.Calls()
	if c.TokenInURL != 1 || c.Unauthorized != 1 || c.Quota != 1 || c.Create != 1 { // refused calls are not counted as calls of the endpoint
		t.Fatalf("calls %+v", c)
	}
	if !strings.Contains(c.Captions[0], "hei") {
		t.Fatalf("captions %v", c.Captions)
	}
}

func TestFakeFailNext(t *testing.T) {
	s := New()
	defer s.Close()
	s.FailNext(Create, 2, APIError{HTTPStatus: 500, Code: 2, Message: "down", Transient: true})
	u := s.URL + "/" + DefaultUserID + "/media"
	form := url.Values{"image_url": {"x"}, "access_token": {DefaultToken}}
	for i := 0; i < 2; i++ {
		if code, out := post(t, u, form); code != 500 || out["error"] == nil {
			t.Fatalf("call %d: %d %v", i, code, out)
		}
	}
	if code, _ := post(t, u, form); code != 200 {
		t.Fatalf("third call %d", code)
	}
}
