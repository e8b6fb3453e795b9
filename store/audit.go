package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ActionQuestionRead is the action of a staff read of a question; these
// entries are also counted in question_reads.
const ActionQuestionRead = "question.read"

// AuditEntry is one link of the hash-chained audit log (SPEC I5). Hash is
// SHA-256 over PrevHash and every other field, ID included, so an edited,
// removed or reordered entry breaks the chain.
type AuditEntry struct {
	ID         int64 `gorm:"primaryKey;autoIncrement:false"`
	At         time.Time
	Actor      string
	Role       string
	Action     string
	TargetType string
	TargetID   int64
	Detail     string
	PrevHash   []byte
	Hash       []byte
}

// TableName is the table of AuditEntry.
func (AuditEntry) TableName() string { return "audit_log" }

type auditHead struct {
	ID     int64 `gorm:"primaryKey"`
	LastID int64
	Hash   []byte
}

func (auditHead) TableName() string { return "audit_head" }

// computeHash returns the entry's chain hash. Fields are length-prefixed,
// so no two different entries encode alike.
func (e *AuditEntry) computeHash() []byte {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	field := func(b []byte) {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(b)))])
		h.Write(b)
	}
	field(e.PrevHash)
	field(strconv.AppendInt(nil, e.ID, 10))
	field([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	field([]byte(e.Actor))
	field([]byte(e.Role))
	field([]byte(e.Action))
	field([]byte(e.TargetType))
	field(strconv.AppendInt(nil, e.TargetID, 10))
	field([]byte(e.Detail))
	return h.Sum(nil)
}

// AppendAudit chains entries onto the log and writes them. It must run
// inside InTx with the change it records, so that a change and its entry
// commit together. Entries get their ID, time, PrevHash and Hash here.
func (db *DB) AppendAudit(ctx context.Context, entries ...*AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	q := db.gorm(ctx)
	if db.driver == "postgres" {
		// The head row's lock serialises appends across instances; on
		// SQLite the immediate transaction already holds the write lock.
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var head auditHead
	if err := q.Where("id = 1").Take(&head).Error; err != nil {
		return fmt.Errorf("append audit: read head: %w", translate(err))
	}
	// Both engines keep microseconds; the hash must cover what is stored.
	at := db.Now().UTC().Truncate(time.Microsecond)
	prev := head.Hash
	for i, e := range entries {
		e.ID = head.LastID + int64(i) + 1
		e.At = at
		e.PrevHash = prev
		e.Hash = e.computeHash()
		prev = e.Hash
	}
	// One multi-row INSERT: GORM's reflection over 50 entries cost more
	// than the write itself.
	var ins strings.Builder
	args := make([]any, 0, 10*len(entries))
	ins.WriteString("INSERT INTO audit_log (id, at, actor, role, action, target_type, target_id, detail, prev_hash, hash) VALUES ")
	for i, e := range entries {
		if i > 0 {
			ins.WriteString(", ")
		}
		ins.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.ID, e.At, e.Actor, e.Role, e.Action, e.TargetType, e.TargetID, e.Detail, e.PrevHash, e.Hash)
	}
	if err := db.gorm(ctx).Exec(ins.String(), args...).Error; err != nil {
		return fmt.Errorf("append audit: %w", translate(err))
	}
	if err := db.countReads(ctx, entries); err != nil {
		return err
	}
	last := entries[len(entries)-1]
	res := db.gorm(ctx).Model(&auditHead{}).Where("id = 1 AND last_id = ?", head.LastID).
		Updates(map[string]any{"last_id": last.ID, "hash": last.Hash})
	if res.Error != nil {
		return fmt.Errorf("append audit: move head: %w", translate(res.Error))
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("append audit: head moved: %w", ErrConflict)
	}
	return nil
}

// countReads adds the question.read entries among entries to
// question_reads, one upsert per (question, role), in key order so that
// concurrent transactions on PostgreSQL lock rows in the same order.
func (db *DB) countReads(ctx context.Context, entries []*AuditEntry) error {
	type key struct {
		id   int64
		role string
	}
	counts := map[key]int64{}
	for _, e := range entries {
		if e.Action == ActionQuestionRead && e.TargetType == "question" {
			counts[key{e.TargetID, e.Role}]++
		}
	}
	if len(counts) == 0 {
		return nil
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.id, b.id); c != 0 {
			return c
		}
		return strings.Compare(a.role, b.role)
	})
	var sql strings.Builder
	args := make([]any, 0, 3*len(keys))
	sql.WriteString("INSERT INTO question_reads (question_id, role, reads) VALUES ")
	for i, k := range keys {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?)")
		args = append(args, k.id, k.role, counts[k])
	}
	sql.WriteString(" ON CONFLICT (question_id, role) DO UPDATE SET reads = question_reads.reads + excluded.reads")
	if err := db.gorm(ctx).Exec(sql.String(), args...).Error; err != nil {
		return fmt.Errorf("append audit: count reads: %w", translate(err))
	}
	return nil
}

// AuditBreak describes the first entry at which the chain fails.
type AuditBreak struct {
	// ID is the entry that fails, or the head's last id when entries are
	// missing from the end.
	ID     int64
	Reason string
}

func (b *AuditBreak) Error() string {
	if b.ID == 0 {
		return "audit log: " + b.Reason
	}
	return fmt.Sprintf("audit entry %d: %s", b.ID, b.Reason)
}

// VerifyAudit walks the whole chain in id order and returns how many
// entries it checked, and the first break or nil.
func (db *DB) VerifyAudit(ctx context.Context) (int64, *AuditBreak, error) {
	var head auditHead
	if err := db.gorm(ctx).Where("id = 1").Take(&head).Error; err != nil {
		return 0, nil, fmt.Errorf("verify audit: read head: %w", translate(err))
	}
	prev := []byte{}
	var lastID, n int64
	const batch = 1000
	for {
		var rows []AuditEntry
		if err := db.gorm(ctx).Where("id > ?", lastID).Order("id").Limit(batch).Find(&rows).Error; err != nil {
			return n, nil, fmt.Errorf("verify audit: %w", translate(err))
		}
		for i := range rows {
			e := &rows[i]
			switch {
			case e.ID != lastID+1:
				return n, &AuditBreak{ID: e.ID, Reason: fmt.Sprintf("expected entry %d next: entries are missing or renumbered", lastID+1)}, nil
			case !bytes.Equal(e.PrevHash, prev):
				return n, &AuditBreak{ID: e.ID, Reason: "previous hash does not match the entry before it: an entry was removed or reordered"}, nil
			case !bytes.Equal(e.Hash, e.computeHash()):
				return n, &AuditBreak{ID: e.ID, Reason: "hash does not match the entry's content: the entry was altered"}, nil
			}
			prev, lastID = e.Hash, e.ID
			n++
		}
		if len(rows) < batch {
			break
		}
	}
	if head.LastID != lastID || !bytes.Equal(head.Hash, prev) {
		return n, &AuditBreak{ID: head.LastID, Reason: fmt.Sprintf(
			"the log ends at entry %d but its head records entry %d (%s…): entries were removed from the end or the head was altered",
			lastID, head.LastID, hex.EncodeToString(head.Hash)[:min(12, 2*len(head.Hash))])}, nil
	}
	brk, err := db.verifyReadCounts(ctx)
	return n, brk, err
}

// verifyReadCounts checks question_reads against the question.read
// entries of the (intact) chain, which are the truth.
func (db *DB) verifyReadCounts(ctx context.Context) (*AuditBreak, error) {
	type row struct {
		QuestionID int64
		Role       string
		Reads      int64
	}
	var fromLog, counted []row
	err := db.gorm(ctx).Raw(`SELECT target_id AS question_id, role, COUNT(*) AS reads FROM audit_log
		WHERE action = ? AND target_type = 'question' GROUP BY target_id, role ORDER BY target_id, role`,
		ActionQuestionRead).Scan(&fromLog).Error
	if err != nil {
		return nil, fmt.Errorf("verify read counts: %w", translate(err))
	}
	err = db.gorm(ctx).Raw(`SELECT question_id, role, reads FROM question_reads WHERE reads <> 0
		ORDER BY question_id, role`).Scan(&counted).Error
	if err != nil {
		return nil, fmt.Errorf("verify read counts: %w", translate(err))
	}
	for i := 0; i < max(len(fromLog), len(counted)); i++ {
		switch {
		case i >= len(counted):
			r := fromLog[i]
			return &AuditBreak{Reason: fmt.Sprintf("question %d has %d reads by %s in the log but none counted: the read counts were altered", r.QuestionID, r.Reads, r.Role)}, nil
		case i >= len(fromLog) || fromLog[i] != counted[i]:
			r := counted[i]
			return &AuditBreak{Reason: fmt.Sprintf("question %d is counted as read %d times by %s, which the log does not show: the read counts were altered", r.QuestionID, r.Reads, r.Role)}, nil
		}
	}
	return nil, nil
}

// AuditPage returns up to limit entries after id afterID, oldest first.
func (db *DB) AuditPage(ctx context.Context, afterID int64, limit int) ([]AuditEntry, error) {
	var rows []AuditEntry
	if err := db.gorm(ctx).Where("id > ?", afterID).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit page: %w", translate(err))
	}
	return rows, nil
}

// ChangesFor returns the entries about one target other than reads (which
// QuestionReads counts), oldest first.
func (db *DB) ChangesFor(ctx context.Context, targetType string, targetID int64) ([]AuditEntry, error) {
	var rows []AuditEntry
	// The literal condition matches the partial index audit_log_changes.
	err := db.gorm(ctx).Where("target_type = ? AND target_id = ? AND action <> 'question.read'", targetType, targetID).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("audit for %s %d: %w", targetType, targetID, translate(err))
	}
	return rows, nil
}

// ReadCount is how many times staff in one role read a target.
type ReadCount struct {
	Role  string
	Count int64
}

// QuestionReads returns how often staff in each role read a question.
func (db *DB) QuestionReads(ctx context.Context, questionID int64) ([]ReadCount, error) {
	var rows []ReadCount
	err := db.gorm(ctx).Raw("SELECT role, reads AS count FROM question_reads WHERE question_id = ? ORDER BY role",
		questionID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("audit reads: %w", translate(err))
	}
	return rows, nil
}

// AppendReads appends staff reads to the audit log in a transaction of
// their own that does not wait for the disk: on SQLite with
// synchronous=NORMAL, on PostgreSQL with synchronous_commit off. A read
// entry is written before the caller shows anything, survives a crash of
// the process at once, and survives a power cut from the next background
// checkpoint on (at most checkpointEvery later; on PostgreSQL the WAL
// writer's 3×wal_writer_delay). Changes keep the full, synchronous commit
// of InTx. The fsync of each read's commit was most of a queue page's time.
func (db *DB) AppendReads(ctx context.Context, entries ...*AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if db.driver == "postgres" {
		return db.InTx(ctx, func(tx *DB) error {
			if err := tx.gorm(ctx).Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
				return fmt.Errorf("append reads: %w", translate(err))
			}
			return tx.AppendAudit(ctx, entries...)
		})
	}
	return db.gorm(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("PRAGMA synchronous = NORMAL").Error; err != nil {
			return fmt.Errorf("append reads: %w", translate(err))
		}
		// The connection goes back to the pool: it must be FULL again.
		defer func() {
			if err := conn.Exec("PRAGMA synchronous = FULL").Error; err != nil {
				db.log.Error("restore synchronous=FULL on a pooled connection", "err", err)
			}
		}()
		return conn.Transaction(func(tx *gorm.DB) error {
			return (&DB{orm: tx, sqlDB: db.sqlDB, driver: db.driver, log: db.log, Now: db.Now, writer: db.writer}).
				AppendAudit(ctx, entries...)
		})
	})
}
