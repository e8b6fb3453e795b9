package api_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// The speed item of the staff queue: "With 1,000,000 questions in the
// database, the first queue page (50 items, urgent first, then oldest)
// answers through the staff API in ≤ 5 ms at p99."
//
//	go test ./api -run XXX -bench BenchmarkStaffQueue -benchtime 2000x [-v]
//
// The 1M-question database is built once and kept as a template in
// $TMPDIR/kysy-bench (about 330 MB; delete it to rebuild); each run works
// on a copy, since every queue page appends 50 audit entries. TMPDIR must
// be on a real disk for the fsync of each audit commit to count. With -v
// the benchmark also logs the build time, the queue's mix and the query
// plans.

const (
	staffBenchQuestions = 1_000_000
	// staffBenchTemplate names the cached database; change the version
	// when the schema or the mix changes.
	staffBenchTemplate = "staff-queue-1m-v3.db"
)

// staffBenchStatuses is the status mix of the benchmark database, in
// per mille: mostly inbox, then what a year of answering leaves behind.
var staffBenchStatuses = []struct {
	status  store.Status
	permill int
}{
	{store.StatusReceived, 550}, {store.StatusPublished, 200}, {store.StatusRejected, 80},
	{store.StatusSpam, 50}, {store.StatusApproved, 30}, {store.StatusWithdrawn, 30},
	{store.StatusAnswering, 20}, {store.StatusInReview, 20}, {store.StatusChanges, 10},
	{store.StatusScheduled, 10},
}

// benchStatus maps a number in 0..999 onto staffBenchStatuses.
func benchStatus(p int) store.Status {
	for _, st := range staffBenchStatuses {
		if p < st.permill {
			return st.status
		}
		p -= st.permill
	}
	return store.StatusReceived
}

// staffBenchDB returns the path of the template database, building it when
// it is missing.
func staffBenchDB(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "kysy-bench")
	path := filepath.Join(dir, staffBenchTemplate)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid())
	if err := buildStaffBenchDB(b, tmp); err != nil {
		for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(f)
		}
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d questions in %s: %s", staffBenchQuestions, time.Since(start).Round(time.Millisecond), path)
	return path
}

// buildStaffBenchDB migrates a new database at path and fills it with
// staffBenchQuestions questions through a database/sql connection of its
// own: one prepared INSERT, 100,000 rows per transaction, no fsync, and
// the indexes dropped during the load and made again after it.
func buildStaffBenchDB(b *testing.B, path string) error {
	ctx := context.Background()
	sdb, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: path}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	if _, err := sdb.Migrate(ctx); err != nil {
		sdb.Close()
		return err
	}
	if err := sdb.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_synchronous=OFF&_foreign_keys=off")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return err
	}
	var indexes []string
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'questions' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		names, indexes = append(names, name), append(indexes, def)
	}
	rows.Close()
	for _, n := range names {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+n); err != nil {
			return err
		}
	}

	// Twelve realistic questions, redacted as intake would.
	red := redact.New(redact.Options{KeepNumbers: redact.DefaultKeepNumbers})
	type sample struct{ lang, text, spans string }
	samples := make([]sample, len(benchQuestions))
	for i, q := range benchQuestions {
		r := red.Redact(q.text)
		spans, _ := json.Marshal(r.Spans)
		samples[i] = sample{q.lang, r.Text, string(spans)}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / staffBenchQuestions
	const perTx = 100_000
	for lo := 0; lo < staffBenchQuestions; lo += perTx {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO questions (receipt_hash, text, lang, status, urgent, spam,
			consent_publish, redactions, signals, reject_reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := lo; i < min(lo+perTx, staffBenchQuestions); i++ {
			var seed [8]byte
			binary.BigEndian.PutUint64(seed[:], uint64(i))
			hash := sha256.Sum256(seed[:])
			s := samples[rng.IntN(len(samples))]
			status := benchStatus(rng.IntN(1000))
			urgent := rng.IntN(100) < 5 && status != store.StatusSpam
			text, spans, signals, reason := s.text, s.spans, "[]", ""
			switch {
			case urgent:
				signals = `["violence"]`
			case status == store.StatusSpam:
				signals = `["advertising"]`
			}
			switch status {
			case store.StatusWithdrawn:
				text, spans, signals = "", "[]", "[]"
			case store.StatusRejected:
				reason = "Tämä ei ole kysymys lastensuojelusta."
			}
			// Ids follow arrival, as they do in service.
			at := first.Add(time.Duration(i) * step).Truncate(time.Hour)
			if _, err := stmt.ExecContext(ctx, hash[:], text, s.lang, string(status), urgent, status == store.StatusSpam,
				i%3 == 0, spans, signals, reason, at, at); err != nil {
				return err
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	for _, def := range indexes {
		if _, err := db.ExecContext(ctx, def); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// copyFile copies src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// processWritten returns how many bytes this process has handed to
// write(2) and pwrite(2) so far (wchar in /proc/self/io), or -1 where that
// is not available. Per request it counts the WAL frames, checkpoints and
// response bytes, and does not depend on how busy the machine is.
func processWritten() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// measure runs op b.N times and reports the latency percentiles (nearest
// rank), the rate, and the process's CPU time and bytes written per
// operation.
func measure(b *testing.B, op func() error) {
	lat := make([]time.Duration, 0, b.N)
	cpu0, w0 := processCPU(), processWritten()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t0 := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cpu, w := processCPU()-cpu0, processWritten()-w0
	slices.Sort(lat)
	at := func(p float64) float64 {
		i := int(p*float64(len(lat))+0.999999) - 1
		return float64(lat[max(0, min(i, len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.90), "p90-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(at(0.999), "p99.9-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	if w0 >= 0 && w >= 0 {
		b.ReportMetric(float64(w)/1024/float64(b.N), "written-KB/op")
	}
}

// BenchmarkStaffQueue measures the first queue page over 1,000,000
// questions, one request at a time: through the staff API over HTTP with a
// bearer token (http, the target), through the moderation verb (service:
// the query and the audit of 50 reads), the bare store query (query), and
// the audit append of 50 reads alone (audit). Each reports p50, p90, p99
// and p99.9 latency, requests per second, the process's CPU per request
// (client and server share it) and the bytes it wrote per request (WAL
// frames, checkpoints and, for http, the response).
func BenchmarkStaffQueue(b *testing.B) {
	template := staffBenchDB(b)
	path := filepath.Join(b.TempDir(), "kysy.db")
	if err := copyFile(template, path); err != nil {
		b.Fatal(err)
	}
	te, mod := openStaffServer(b, path)
	ctx := context.Background()
	if _, err := mod.AddUser(ctx, moderation.CLIActor, "mika", staffPassword, []moderation.Role{moderation.RoleModerator}); err != nil {
		b.Fatal(err)
	}
	tok, err := mod.CreateToken(ctx, moderation.CLIActor, "mika", 0)
	if err != nil {
		b.Fatal(err)
	}
	actor, err := mod.AuthenticateToken(ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var n, urgent int64
	raw.QueryRow(`SELECT COUNT(*), SUM(urgent) FROM questions WHERE status = 'received'`).Scan(&n, &urgent)
	b.Logf("%d questions received, %d of them urgent", n, urgent)
	for _, q := range queueQueries {
		b.Logf("EXPLAIN QUERY PLAN (%s):\n%s", q.name, explain(b, raw, q.sql, q.args...))
	}

	ts := httptest.NewServer(te.h)
	defer ts.Close()
	client := ts.Client()
	get := func() error {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/staff/questions", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"next_cursor":"`) {
			return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
		}
		return nil
	}
	for range 20 { // warm the page cache and the connection
		if err := get(); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("http", func(b *testing.B) { measure(b, get) })
	b.Run("service", func(b *testing.B) {
		measure(b, func() error {
			p, err := mod.Queue(ctx, actor, store.StatusReceived, 50, "")
			if err == nil && len(p.Items) != 50 {
				err = fmt.Errorf("%d items", len(p.Items))
			}
			return err
		})
	})
	b.Run("query", func(b *testing.B) {
		measure(b, func() error {
			qs, err := te.db.Queue(ctx, store.StatusReceived, 51, nil)
			if err == nil && len(qs) != 51 {
				err = fmt.Errorf("%d rows", len(qs))
			}
			return err
		})
	})
	b.Run("audit", func(b *testing.B) {
		measure(b, func() error {
			entries := make([]*store.AuditEntry, 50)
			for i := range entries {
				entries[i] = &store.AuditEntry{Actor: "mika", Role: "moderator", Action: moderation.ActionRead,
					TargetType: "question", TargetID: int64(i + 1), Detail: "queue"}
			}
			return te.db.InTx(ctx, func(tx *store.DB) error { return tx.AppendAudit(ctx, entries...) })
		})
	})
	if nb, brk, err := te.db.VerifyAudit(ctx); err != nil || brk != nil {
		b.Fatalf("audit chain after the benchmark (%d entries): %v %v", nb, brk, err)
	}
}
