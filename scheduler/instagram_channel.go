package scheduler

import (
	"context"
	"errors"

	"kysy/scheduler/instagram"
	"kysy/store"
)

// Instagram publishes through the Graph API (SPEC §9, I7): the container id
// is stored (save) before media_publish, and a retry with a stored id asks
// the container's status instead of publishing again.
type Instagram struct {
	client *instagram.Client
	links  Links
}

// NewInstagram returns the Instagram channel.
func NewInstagram(client *instagram.Client, links Links) *Instagram {
	return &Instagram{client: client, links: links}
}

// Name is "instagram".
func (i *Instagram) Name() string { return "instagram" }

// Deliver creates or resumes the post's container and publishes it once.
// Errors carry the explanation a comms worker needs.
func (i *Instagram) Deliver(ctx context.Context, d store.Delivery, p store.Post, save func(string) error) (string, error) {
	res, err := i.client.Deliver(ctx, d.ContainerID, i.links.Card(p.ID, "jpg"), p.Caption, save)
	if err != nil {
		msg := errors.New(instagram.Explain(err, "en"))
		var ie *instagram.Error
		if errors.As(err, &ie) && !ie.Retryable() {
			return "", &Permanent{msg}
		}
		return "", msg
	}
	if res.MediaID != "" {
		return res.MediaID, nil
	}
	return "container " + res.ContainerID, nil
}
