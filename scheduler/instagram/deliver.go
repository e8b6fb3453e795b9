package instagram

import (
	"context"
	"fmt"
	"time"
)

// Result is what Deliver did.
type Result struct {
	// ContainerID is the container that was (or already had been) published;
	// on error, the container the caller has stored, if any.
	ContainerID string
	// MediaID is the published media's id. It is empty when
	// AlreadyPublished: a container's status does not name its media.
	MediaID string
	// AlreadyPublished is set when the stored container turned out to be
	// PUBLISHED already (an earlier attempt got through before a crash or
	// timeout): nothing was published again.
	AlreadyPublished bool
}

// Deliver runs the whole flow idempotently. storedContainer is the
// container id saved by an earlier attempt ("" on the first one).
//
//   - With a stored id it asks Status first: PUBLISHED → done, returned with
//     AlreadyPublished and without publishing again; FINISHED → published;
//     IN_PROGRESS → checked again up to MaxPolls times, PollInterval apart
//     (honouring ctx), then a retryable KindNotReady error; EXPIRED or ERROR
//     → a new container is made as on a first attempt.
//   - Without one it creates the container and calls save(containerID) right
//     away, BEFORE publishing; if save fails nothing is published (the
//     unused container expires by itself after 24 h). It then waits for
//     FINISHED as above and publishes.
//
// Any error from media_publish leaves it unknown whether the post went out;
// the caller keeps the stored id and calls Deliver again later, which asks
// the container's status instead of publishing twice. Errors are *Error
// unless save failed (then save's error is wrapped).
func (c *Client) Deliver(ctx context.Context, storedContainer, imageURL, caption string, save func(containerID string) error) (Result, error) {
	res := Result{ContainerID: storedContainer}
	if storedContainer != "" {
		st, _, err := c.waitReady(ctx, storedContainer)
		if err != nil {
			return res, err
		}
		switch st {
		case StatusPublished:
			res.AlreadyPublished = true
			return res, nil
		case StatusFinished:
			return c.publish(ctx, res)
		case StatusInProgress:
			return res, notReady(storedContainer)
		}
		// EXPIRED or ERROR: the old container is abandoned; a new one follows.
	}

	id, err := c.CreateContainer(ctx, imageURL, caption)
	if err != nil {
		return res, err
	}
	if save == nil {
		return res, &Error{Op: "create container", Kind: KindConfig, ContainerID: id,
			Message: "Deliver needs a save function to store the container id before publishing"}
	}
	if err := save(id); err != nil {
		return res, fmt.Errorf("instagram: storing container id %s failed, not publishing it: %w", id, err)
	}
	res.ContainerID = id

	st, detail, err := c.waitReady(ctx, id)
	if err != nil {
		return res, err
	}
	switch st {
	case StatusFinished:
		return c.publish(ctx, res)
	case StatusPublished: // cannot happen for a new container; never publish twice
		res.AlreadyPublished = true
		return res, nil
	case StatusInProgress:
		return res, notReady(id)
	default: // ERROR or EXPIRED right after creation
		return res, &Error{Op: "container status", Kind: KindContainerFailed, ContainerID: id,
			Subcode: subcodeFrom(detail),
			Message: fmt.Sprintf("new container is %s: %s", st, truncate(detail, 300))}
	}
}

func (c *Client) publish(ctx context.Context, res Result) (Result, error) {
	media, err := c.Publish(ctx, res.ContainerID)
	if err != nil {
		if e, ok := err.(*Error); ok && e.ContainerID == "" {
			e.ContainerID = res.ContainerID
		}
		return res, err
	}
	res.MediaID = media
	return res, nil
}

// waitReady asks the status until it is not IN_PROGRESS, at most
// c.maxPolls times, c.interval apart.
func (c *Client) waitReady(ctx context.Context, id string) (ContainerStatus, string, error) {
	for i := 0; ; i++ {
		st, detail, err := c.status(ctx, id)
		if err != nil {
			if e, ok := err.(*Error); ok && e.ContainerID == "" {
				e.ContainerID = id
			}
			return "", "", err
		}
		if st != StatusInProgress || i+1 >= c.maxPolls {
			return st, detail, nil
		}
		t := time.NewTimer(c.interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", "", &Error{Op: "container status", Kind: KindNetwork, ContainerID: id, Err: ctx.Err(),
				Timeout: ctx.Err() == context.DeadlineExceeded,
				Message: "stopped waiting for the container to finish: " + ctx.Err().Error()}
		case <-t.C:
		}
	}
}

func notReady(id string) error {
	return &Error{Op: "container status", Kind: KindNotReady, ContainerID: id,
		Message: "container is still IN_PROGRESS; try again later"}
}
