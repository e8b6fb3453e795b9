package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kysy/store"
)

// appendN appends n entries, one transaction each, about question 1..n.
func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		err := db.InTx(ctx, func(tx *store.DB) error {
			return tx.AppendAudit(ctx, &store.AuditEntry{Actor: "anna", Role: "moderator", Action: "question.read",
				TargetType: "question", TargetID: int64(i), Detail: "detail"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainIntact(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, brk, err := db.VerifyAudit(ctx)
		if err != nil || brk != nil || n != 0 {
			t.Fatalf("empty log: %d %v %v", n, brk, err)
		}
		appendN(t, db, 5)
		// A batch in one transaction chains too.
		err = db.InTx(ctx, func(tx *store.DB) error {
			return tx.AppendAudit(ctx,
				&store.AuditEntry{Actor: "b", Role: "reviewer", Action: "answer.approve", TargetType: "answer", TargetID: 9},
				&store.AuditEntry{Actor: "b", Role: "reviewer", Action: "question.read", TargetType: "question", TargetID: 9})
		})
		if err != nil {
			t.Fatal(err)
		}
		n, brk, err = db.VerifyAudit(ctx)
		if err != nil || brk != nil || n != 7 {
			t.Fatalf("intact log: %d %v %v", n, brk, err)
		}
		reads, err := db.QuestionReads(ctx, 9)
		if err != nil || len(reads) != 1 || reads[0].Role != "reviewer" || reads[0].Count != 1 {
			t.Fatalf("reads %+v %v", reads, err)
		}
	})
}

// A rolled-back change leaves no audit entry and no gap.
func TestAuditRollsBackWithTheChange(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 2)
		err := db.InTx(ctx, func(tx *store.DB) error {
			if err := tx.AppendAudit(ctx, &store.AuditEntry{Actor: "a", Action: "x", TargetType: "question", TargetID: 1}); err != nil {
				return err
			}
			return fmt.Errorf("the change failed")
		})
		if err == nil {
			t.Fatal("want the error back")
		}
		appendN(t, db, 1)
		if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil || n != 3 {
			t.Fatalf("after rollback: %d %v %v", n, brk, err)
		}
	})
}

// Each kind of tampering, done with raw SQL, is found and named.
func TestAuditVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name   string
		sql    []string
		wantID int64
		reason string
	}{
		{"altered", []string{"UPDATE audit_log SET actor = 'someone else' WHERE id = 3"}, 3, "altered"},
		{"altered target", []string{"UPDATE audit_log SET target_id = 99 WHERE id = 4"}, 4, "altered"},
		{"removed", []string{"DELETE FROM audit_log WHERE id = 3"}, 4, "missing"},
		{"removed and renumbered", []string{"DELETE FROM audit_log WHERE id = 3", "UPDATE audit_log SET id = id - 1 WHERE id > 3"}, 3, "removed or reordered"},
		{"reordered", []string{
			"UPDATE audit_log SET id = 100 WHERE id = 2",
			"UPDATE audit_log SET id = 2 WHERE id = 3",
			"UPDATE audit_log SET id = 3 WHERE id = 100"}, 2, "removed or reordered"},
		{"tail cut", []string{"DELETE FROM audit_log WHERE id = 5"}, 5, "removed from the end"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			eachDB(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				appendN(t, db, 5)
				for _, q := range tc.sql {
					if err := db.ExecForTest(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				_, brk, err := db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if brk == nil || brk.ID != tc.wantID || !strings.Contains(brk.Error(), tc.reason) {
					t.Fatalf("break %v, want entry %d (%s)", brk, tc.wantID, tc.reason)
				}
			})
		})
	}
}

// Concurrent appends from many goroutines still form one chain.
func TestAuditConcurrentAppends(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 80)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					errs <- db.InTx(ctx, func(tx *store.DB) error {
						return tx.AppendAudit(ctx, &store.AuditEntry{Actor: fmt.Sprint("g", g), Action: "question.read",
							TargetType: "question", TargetID: int64(i)})
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil || n != 80 {
			t.Fatalf("after concurrent appends: %d %v %v", n, brk, err)
		}
	})
}

// The stored time is the hashed time on both engines (microseconds).
func TestAuditTimeRoundTrips(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		db.Now = func() time.Time { return time.Date(2026, 11, 22, 2, 47, 31, 123456789, time.UTC) }
		appendN(t, db, 2)
		rows, err := db.AuditPage(context.Background(), 0, 10)
		if err != nil || len(rows) != 2 {
			t.Fatalf("%v %v", rows, err)
		}
		if want := time.Date(2026, 11, 22, 2, 47, 31, 123456000, time.UTC); !rows[0].At.Equal(want) {
			t.Fatalf("at %v, want %v", rows[0].At, want)
		}
		if _, brk, _ := db.VerifyAudit(context.Background()); brk != nil {
			t.Fatal(brk)
		}
	})
}

// Reads are counted per question and role in the same transaction; the
// history of a target leaves them out; verify checks the counts.
func TestAuditReadCounts(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		read := func(id int64, role string) *store.AuditEntry {
			return &store.AuditEntry{Actor: "a", Role: role, Action: store.ActionQuestionRead, TargetType: "question", TargetID: id}
		}
		for i := 0; i < 3; i++ {
			err := db.InTx(ctx, func(tx *store.DB) error {
				return tx.AppendAudit(ctx, read(1, "moderator"), read(2, "moderator"), read(1, "moderator"), read(1, "reviewer"),
					&store.AuditEntry{Actor: "a", Role: "moderator", Action: "question.reject", TargetType: "question", TargetID: 1})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		reads, err := db.QuestionReads(ctx, 1)
		want := []store.ReadCount{{Role: "moderator", Count: 6}, {Role: "reviewer", Count: 3}}
		if err != nil || len(reads) != 2 || reads[0] != want[0] || reads[1] != want[1] {
			t.Fatalf("reads %+v %v, want %+v", reads, err, want)
		}
		changes, err := db.ChangesFor(ctx, "question", 1)
		if err != nil || len(changes) != 3 || changes[0].Action != "question.reject" {
			t.Fatalf("changes %+v %v", changes, err)
		}
		if _, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil {
			t.Fatalf("verify: %v %v", brk, err)
		}
		for _, tc := range []struct{ tamper, undo string }{
			{"UPDATE question_reads SET reads = reads - 1 WHERE question_id = 1 AND role = 'moderator'",
				"UPDATE question_reads SET reads = reads + 1 WHERE question_id = 1 AND role = 'moderator'"},
			{"DELETE FROM question_reads WHERE question_id = 2",
				"INSERT INTO question_reads (question_id, role, reads) VALUES (2, 'moderator', 3)"},
			{"INSERT INTO question_reads (question_id, role, reads) VALUES (7, 'admin', 1)",
				"DELETE FROM question_reads WHERE question_id = 7"},
		} {
			if err := db.ExecForTest(ctx, tc.tamper); err != nil {
				t.Fatal(err)
			}
			_, brk, err := db.VerifyAudit(ctx)
			if err != nil || brk == nil || !strings.Contains(brk.Error(), "read counts were altered") {
				t.Fatalf("after %q: %v %v", tc.tamper, brk, err)
			}
			if err := db.ExecForTest(ctx, tc.undo); err != nil {
				t.Fatal(err)
			}
			if _, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil {
				t.Fatalf("after undoing %q: %v %v", tc.tamper, brk, err)
			}
		}
	})
}

// Reads appended without waiting for the disk chain like any entry, and
// leave the pooled connection fully synchronous for the next change.
func TestAppendReads(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.SetMaxConnsForTest(1)
		appendN(t, db, 1)
		for i := 0; i < 3; i++ {
			err := db.AppendReads(ctx,
				&store.AuditEntry{Actor: "a", Role: "moderator", Action: store.ActionQuestionRead, TargetType: "question", TargetID: 5},
				&store.AuditEntry{Actor: "a", Role: "moderator", Action: store.ActionQuestionRead, TargetType: "question", TargetID: 6})
			if err != nil {
				t.Fatal(err)
			}
		}
		appendN(t, db, 1)
		if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil || n != 8 {
			t.Fatalf("verify: %d %v %v", n, brk, err)
		}
		reads, err := db.QuestionReads(ctx, 6)
		if err != nil || len(reads) != 1 || reads[0].Count != 3 {
			t.Fatalf("reads %+v %v", reads, err)
		}
		if db.Driver() == "sqlite" {
			if got, err := db.PragmaForTest(ctx, "synchronous"); err != nil || got != "2" {
				t.Fatalf("synchronous after AppendReads = %q (%v), want 2 (FULL)", got, err)
			}
		}
	})
}
