// Package loadkit holds what the load programs (tests/loadgen,
// tests/floodgen) share: the loopback-only target check, error kinds and
// percentiles. Standard library only.
package loadkit

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// IntakeURL checks that raw names a loopback host (decided without any
// lookup: a loopback IP literal, or localhost) and returns the intake
// endpoint under it. tool names the program in the error.
func IntakeURL(raw, tool string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-url %q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip == nil && host != "localhost") || (ip != nil && !ip.IsLoopback()) {
		return "", fmt.Errorf("-url: %s is not a loopback address; %s only talks to a local server", host, tool)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/api/v1/questions"
	}
	return u.String(), nil
}

// ErrKind names a transport error by its kind, for counting.
func ErrKind(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "connection reset"):
		return "connection reset"
	case strings.Contains(err.Error(), "address already in use"), strings.Contains(err.Error(), "cannot assign requested address"):
		return "source address"
	case errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF"):
		return "EOF"
	}
	return "other"
}

// Pct is the p-th percentile (nearest rank) of sorted latencies, 0 when
// there are none.
func Pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}
