package store

import (
	"context"
	"fmt"
	"time"
)

// PostStatus is where a post is (SPEC §4.3, §9).
type PostStatus string

// The post statuses.
const (
	PostScheduled   PostStatus = "scheduled"   // waits for its time
	PostPublishing  PostStatus = "publishing"  // its deliveries are under way
	PostPublished   PostStatus = "published"   // every channel delivered
	PostFailed      PostStatus = "failed"      // a channel gave up after its retries
	PostMissed      PostStatus = "missed"      // later than scheduler.max_delay: waits for a new time
	PostCancelled   PostStatus = "cancelled"   // unscheduled before it went out
	PostUnpublished PostStatus = "unpublished" // taken down after it went out
	PostReturned    PostStatus = "returned"    // the last check found personal details: back to review
)

// Post publishes one approved answer on its channels. Question, Answer and
// Caption are what was (or will be) published, copied when the post goes
// out; Question is empty without the asker's consent.
type Post struct {
	ID          int64 `gorm:"primaryKey"`
	AnswerID    int64
	QuestionID  *int64
	Status      PostStatus
	ScheduledAt time.Time
	PublishedAt *time.Time
	// Channels is a comma-separated list: feed,webhook,instagram.
	Channels  string
	Lang      string
	Question  string
	Answer    string
	Caption   string
	Reason    string
	CreatedBy int64
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

// DeliveryStatus is where one channel of a post is.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending     DeliveryStatus = "pending"
	DeliverySending     DeliveryStatus = "sending"
	DeliveryPublished   DeliveryStatus = "published"
	DeliveryFailed      DeliveryStatus = "failed"
	DeliveryUnpublished DeliveryStatus = "unpublished"
)

// Delivery is one channel of one post. It is claimed (status sending, a
// lease owner and expiry) before it is sent; IdempotencyKey is fixed when
// the delivery is created, so every attempt carries the same one.
type Delivery struct {
	ID             int64 `gorm:"primaryKey"`
	PostID         int64
	Channel        string
	Status         DeliveryStatus
	IdempotencyKey string
	Attempts       int
	NextAttemptAt  time.Time
	LeaseOwner     string
	LeaseUntil     *time.Time
	// ContainerID is Instagram's media container, stored before publishing.
	ContainerID string
	ExternalID  string
	LastError   string
	DeliveredAt *time.Time
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

// CreatePost inserts p.
func (db *DB) CreatePost(ctx context.Context, p *Post) error {
	if err := db.gorm(ctx).Create(p).Error; err != nil {
		return fmt.Errorf("create post: %w", translate(err))
	}
	return nil
}

// PostByID returns the post with id, locked until the transaction ends on
// PostgreSQL, or ErrNotFound.
func (db *DB) PostByID(ctx context.Context, id int64) (*Post, error) {
	var p Post
	if err := db.forUpdate(ctx).Where("id = ?", id).Take(&p).Error; err != nil {
		return nil, fmt.Errorf("post %d: %w", id, translate(err))
	}
	return &p, nil
}

// UpdatePost writes the named columns of p if its status is still from.
// A changed status is ErrConflict.
func (db *DB) UpdatePost(ctx context.Context, p *Post, from PostStatus, columns ...string) error {
	res := db.gorm(ctx).Model(p).Where("status = ?", from).Select(columns).Updates(p)
	if res.Error != nil {
		return fmt.Errorf("update post %d: %w", p.ID, translate(res.Error))
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("update post %d: %w", p.ID, ErrConflict)
	}
	return nil
}

// ActivePostForAnswer returns the answer's post that is scheduled or
// going out, or ErrNotFound.
func (db *DB) ActivePostForAnswer(ctx context.Context, answerID int64) (*Post, error) {
	var p Post
	err := db.gorm(ctx).Where("answer_id = ? AND status IN ?", answerID,
		[]PostStatus{PostScheduled, PostPublishing, PostPublished, PostFailed}).Take(&p).Error
	if err != nil {
		return nil, fmt.Errorf("post of answer %d: %w", answerID, translate(err))
	}
	return &p, nil
}

// PostsForQuestion returns the posts that show question id's text.
func (db *DB) PostsForQuestion(ctx context.Context, questionID int64) ([]Post, error) {
	var ps []Post
	err := db.gorm(ctx).Where("question_id = ? AND status NOT IN ?", questionID,
		[]PostStatus{PostCancelled, PostUnpublished}).Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("posts of question %d: %w", questionID, translate(err))
	}
	return ps, nil
}

// ListPosts returns up to limit posts, newest id first, with an id below
// before (0: from the newest); status "" means every status.
func (db *DB) ListPosts(ctx context.Context, status PostStatus, limit int, before int64) ([]Post, error) {
	q := db.gorm(ctx).Order("id DESC").Limit(limit)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var ps []Post
	if err := q.Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list posts: %w", translate(err))
	}
	return ps, nil
}

// PostsBetween returns the posts scheduled in [from, to), by time, for the
// week view; cancelled ones are left out.
func (db *DB) PostsBetween(ctx context.Context, from, to time.Time) ([]Post, error) {
	var ps []Post
	err := db.gorm(ctx).Where("scheduled_at >= ? AND scheduled_at < ? AND status <> ?", from.UTC(), to.UTC(), PostCancelled).
		Order("scheduled_at, id").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("posts between: %w", translate(err))
	}
	return ps, nil
}

// ScheduledTimes returns the times taken by scheduled posts from from on.
func (db *DB) ScheduledTimes(ctx context.Context, from time.Time) ([]time.Time, error) {
	var ts []time.Time
	err := db.gorm(ctx).Model(&Post{}).Where("status = ? AND scheduled_at >= ?", PostScheduled, from.UTC()).
		Order("scheduled_at").Pluck("scheduled_at", &ts).Error
	if err != nil {
		return nil, fmt.Errorf("scheduled times: %w", translate(err))
	}
	return ts, nil
}

// PublicPosts returns up to limit published posts, newest first, after the
// cursor (published_at, id) when before is non-nil.
func (db *DB) PublicPosts(ctx context.Context, limit int, beforeAt *time.Time, beforeID int64) ([]Post, error) {
	q := db.gorm(ctx).Where("published_at IS NOT NULL AND status <> ?", PostUnpublished).
		Order("published_at DESC, id DESC").Limit(limit)
	if beforeAt != nil {
		q = q.Where("(published_at < ? OR (published_at = ? AND id < ?))", beforeAt.UTC(), beforeAt.UTC(), beforeID)
	}
	var ps []Post
	if err := q.Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("public posts: %w", translate(err))
	}
	return ps, nil
}

// PublicPost returns a published post, or ErrNotFound.
func (db *DB) PublicPost(ctx context.Context, id int64) (*Post, error) {
	var p Post
	err := db.gorm(ctx).Where("id = ? AND published_at IS NOT NULL AND status <> ?", id, PostUnpublished).Take(&p).Error
	if err != nil {
		return nil, fmt.Errorf("public post %d: %w", id, translate(err))
	}
	return &p, nil
}

// DuePostIDs returns up to limit scheduled posts whose time has come.
func (db *DB) DuePostIDs(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := db.gorm(ctx).Model(&Post{}).Where("status = ? AND scheduled_at <= ?", PostScheduled, now.UTC()).
		Order("scheduled_at, id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("due posts: %w", translate(err))
	}
	return ids, nil
}

// CreateDeliveries inserts ds.
func (db *DB) CreateDeliveries(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	if err := db.gorm(ctx).Create(&ds).Error; err != nil {
		return fmt.Errorf("create deliveries: %w", translate(err))
	}
	return nil
}

// DeliveriesOf returns the deliveries of the posts ids.
func (db *DB) DeliveriesOf(ctx context.Context, ids []int64) ([]Delivery, error) {
	var ds []Delivery
	if len(ids) == 0 {
		return ds, nil
	}
	if err := db.gorm(ctx).Where("post_id IN ?", ids).Order("post_id, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("deliveries: %w", translate(err))
	}
	return ds, nil
}

// ClaimDeliveries leases up to limit deliveries that are due (pending and
// their time come, or sending under a lease that ran out: its owner died)
// to owner until now+lease, and returns them. The conditions are checked
// again by the UPDATE itself, so two instances never claim one delivery:
// on PostgreSQL the row lock makes the second re-read the row and skip it;
// SQLite runs one writer at a time.
func (db *DB) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	now = now.UTC()
	until := now.Add(lease)
	due := "(status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until < ?)"
	sub := "SELECT id FROM deliveries WHERE " + due + " ORDER BY next_attempt_at, id LIMIT ?"
	if db.driver == "postgres" {
		sub += " FOR UPDATE SKIP LOCKED"
	}
	var ds []Delivery
	err := db.gorm(ctx).Raw(
		"UPDATE deliveries SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? "+
			"WHERE id IN ("+sub+") AND ("+due+") RETURNING *",
		owner, until, now, now, now, limit, now, now).Scan(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", translate(err))
	}
	return ds, nil
}

// DeliveryOutcome is the result of one attempt at a claimed delivery.
type DeliveryOutcome struct {
	ID          int64
	Status      DeliveryStatus // published, failed, or pending to retry at NextAttempt
	NextAttempt time.Time
	ExternalID  string
	Error       string
}

// FinishDeliveries records outcomes in one transaction, each only if owner
// still holds the delivery's lease; it returns the ids of the posts
// touched. An outcome whose lease was lost is dropped: another instance
// owns that delivery now.
func (db *DB) FinishDeliveries(ctx context.Context, owner string, now time.Time, outs []DeliveryOutcome) ([]int64, error) {
	now = now.UTC()
	var posts []int64
	err := db.InTx(ctx, func(tx *DB) error {
		seen := map[int64]bool{}
		for _, o := range outs {
			vals := map[string]any{"status": o.Status, "lease_owner": "", "lease_until": nil, "updated_at": now, "last_error": o.Error}
			switch o.Status {
			case DeliveryPublished:
				vals["delivered_at"] = now
				vals["external_id"] = o.ExternalID
			case DeliveryPending:
				vals["next_attempt_at"] = o.NextAttempt.UTC()
			}
			res := tx.gorm(ctx).Model(&Delivery{}).Where("id = ? AND status = ? AND lease_owner = ?", o.ID, DeliverySending, owner).Updates(vals)
			if res.Error != nil {
				return fmt.Errorf("finish delivery %d: %w", o.ID, translate(res.Error))
			}
			if res.RowsAffected == 1 {
				var pid int64
				if err := tx.gorm(ctx).Model(&Delivery{}).Where("id = ?", o.ID).Pluck("post_id", &pid).Error; err != nil {
					return err
				}
				if !seen[pid] {
					seen[pid] = true
					posts = append(posts, pid)
				}
			}
		}
		return nil
	})
	return posts, err
}

// SaveContainer stores an Instagram container id on a delivery owner
// holds, before media_publish is called.
func (db *DB) SaveContainer(ctx context.Context, id int64, owner, container string) error {
	res := db.gorm(ctx).Model(&Delivery{}).Where("id = ? AND status = ? AND lease_owner = ?", id, DeliverySending, owner).
		Update("container_id", container)
	if res.Error != nil {
		return fmt.Errorf("save container: %w", translate(res.Error))
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("save container: lease lost: %w", ErrConflict)
	}
	return nil
}

// SetDeliveries moves every delivery of post from one of from to to (for
// publish-now of a failed post, and unpublishing).
func (db *DB) SetDeliveries(ctx context.Context, postID int64, from []DeliveryStatus, to DeliveryStatus, now time.Time) error {
	vals := map[string]any{"status": to, "updated_at": now.UTC()}
	if to == DeliveryPending {
		vals["next_attempt_at"] = now.UTC()
		vals["attempts"] = 0
		vals["last_error"] = ""
	}
	err := db.gorm(ctx).Model(&Delivery{}).Where("post_id = ? AND status IN ?", postID, from).Updates(vals).Error
	if err != nil {
		return fmt.Errorf("set deliveries of post %d: %w", postID, translate(err))
	}
	return nil
}

// ExpireScheduled marks scheduled posts due before cutoff as missed and
// returns them.
func (db *DB) ExpireScheduled(ctx context.Context, cutoff, now time.Time, reason string) ([]Post, error) {
	var ps []Post
	err := db.gorm(ctx).Raw("UPDATE posts SET status = ?, reason = ?, updated_at = ? WHERE status = ? AND scheduled_at < ? RETURNING *",
		PostMissed, reason, now.UTC(), PostScheduled, cutoff.UTC()).Scan(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("expire scheduled: %w", translate(err))
	}
	return ps, nil
}

// Slots returns the posting slots in order.
func (db *DB) Slots(ctx context.Context) ([]string, error) {
	var specs []string
	if err := db.gorm(ctx).Table("slots").Order("position").Pluck("spec", &specs).Error; err != nil {
		return nil, fmt.Errorf("slots: %w", translate(err))
	}
	return specs, nil
}

// ReplaceSlots sets the posting slots.
func (db *DB) ReplaceSlots(ctx context.Context, specs []string) error {
	return db.InTx(ctx, func(tx *DB) error {
		if err := tx.gorm(ctx).Exec("DELETE FROM slots").Error; err != nil {
			return fmt.Errorf("replace slots: %w", err)
		}
		for i, s := range specs {
			if err := tx.gorm(ctx).Exec("INSERT INTO slots (position, spec) VALUES (?, ?)", i, s).Error; err != nil {
				return fmt.Errorf("replace slots: %w", err)
			}
		}
		return nil
	})
}

// AcquireJob takes or renews the lease of job name for owner until
// now+ttl, if nobody else holds it. It reports whether owner holds it.
func (db *DB) AcquireJob(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error) {
	now = now.UTC()
	res := db.gorm(ctx).Exec("INSERT INTO job_leases (name, owner, lease_until) VALUES (?, ?, ?) "+
		"ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until "+
		"WHERE job_leases.owner = excluded.owner OR job_leases.lease_until < ?",
		name, owner, now.Add(ttl), now)
	if res.Error != nil {
		return false, fmt.Errorf("acquire job %s: %w", name, translate(res.Error))
	}
	return res.RowsAffected == 1, nil
}

// ChannelCount is the number of deliveries of one channel in one status.
type ChannelCount struct {
	Channel string
	Status  DeliveryStatus
	N       int64
}

// DeliveryCounts counts deliveries by channel and status.
func (db *DB) DeliveryCounts(ctx context.Context) ([]ChannelCount, error) {
	var cs []ChannelCount
	err := db.gorm(ctx).Model(&Delivery{}).Select("channel, status, COUNT(*) AS n").Group("channel, status").Order("channel, status").Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("delivery counts: %w", translate(err))
	}
	return cs, nil
}

// FailedDeliveries returns the latest failed deliveries with their reason.
func (db *DB) FailedDeliveries(ctx context.Context, limit int) ([]Delivery, error) {
	var ds []Delivery
	err := db.gorm(ctx).Where("status = ?", DeliveryFailed).Order("updated_at DESC, id DESC").Limit(limit).Find(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("failed deliveries: %w", translate(err))
	}
	return ds, nil
}

// PostCounts counts posts by status.
func (db *DB) PostCounts(ctx context.Context) (map[PostStatus]int64, error) {
	var rows []struct {
		Status PostStatus
		N      int64
	}
	if err := db.gorm(ctx).Model(&Post{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("post counts: %w", translate(err))
	}
	m := map[PostStatus]int64{}
	for _, r := range rows {
		m[r.Status] = r.N
	}
	return m, nil
}

// RetentionCandidates returns up to limit ids of questions in one of
// statuses last changed before cutoff.
func (db *DB) RetentionCandidates(ctx context.Context, statuses []Status, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := db.gorm(ctx).Model(&Question{}).Where("status IN ? AND updated_at < ?", statuses, cutoff.UTC()).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("retention candidates: %w", translate(err))
	}
	return ids, nil
}

// DeleteQuestions deletes the questions ids for good, with what hangs on
// them: their read counts, the answers written for them that no other
// question shares (and those answers' posts that never went out or were
// taken down), and their place in posts that remain. Run it in InTx.
func (db *DB) DeleteQuestions(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	g := db.gorm(ctx)
	if err := g.Exec("DELETE FROM question_reads WHERE question_id IN ?", ids).Error; err != nil {
		return fmt.Errorf("delete reads: %w", err)
	}
	if err := g.Exec("UPDATE posts SET question_id = NULL WHERE question_id IN ?", ids).Error; err != nil {
		return fmt.Errorf("detach posts: %w", err)
	}
	var answers []Answer
	if err := g.Where("question_id IN ?", ids).Find(&answers).Error; err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	if err := g.Exec("UPDATE questions SET answer_id = NULL WHERE id IN ?", ids).Error; err != nil {
		return fmt.Errorf("detach answers: %w", err)
	}
	for _, a := range answers {
		// Another question shares the answer: it becomes the answer's own.
		var other []int64
		if err := g.Model(&Question{}).Where("answer_id = ?", a.ID).Order("id").Limit(1).Pluck("id", &other).Error; err != nil {
			return err
		}
		if len(other) == 1 {
			if err := g.Exec("UPDATE answers SET question_id = ? WHERE id = ?", other[0], a.ID).Error; err != nil {
				return err
			}
			continue
		}
		var live int64
		if err := g.Model(&Post{}).Where("answer_id = ? AND status IN ?", a.ID,
			[]PostStatus{PostScheduled, PostPublishing, PostPublished, PostFailed}).Count(&live).Error; err != nil {
			return err
		}
		if live > 0 {
			return fmt.Errorf("delete questions: answer %d has a live post: %w", a.ID, ErrConflict)
		}
		if err := g.Exec("DELETE FROM deliveries WHERE post_id IN (SELECT id FROM posts WHERE answer_id = ?)", a.ID).Error; err != nil {
			return err
		}
		if err := g.Exec("DELETE FROM posts WHERE answer_id = ?", a.ID).Error; err != nil {
			return err
		}
		if err := g.Exec("DELETE FROM answers WHERE id = ?", a.ID).Error; err != nil {
			return err
		}
	}
	if err := g.Exec("DELETE FROM questions WHERE id IN ?", ids).Error; err != nil {
		return fmt.Errorf("delete questions: %w", err)
	}
	return nil
}

// CountScheduledOn counts scheduled posts going to channel in [from, to).
func (db *DB) CountScheduledOn(ctx context.Context, channel string, from, to time.Time) (int64, error) {
	var n int64
	err := db.gorm(ctx).Model(&Post{}).Where("status = ? AND scheduled_at >= ? AND scheduled_at < ? AND (channels = ? OR channels LIKE ? OR channels LIKE ? OR channels LIKE ?)",
		PostScheduled, from.UTC(), to.UTC(), channel, channel+",%", "%,"+channel, "%,"+channel+",%").Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count scheduled: %w", translate(err))
	}
	return n, nil
}

// PostsOfAnswer returns the answer's posts in status.
func (db *DB) PostsOfAnswer(ctx context.Context, answerID int64, status PostStatus) ([]Post, error) {
	var ps []Post
	if err := db.gorm(ctx).Where("answer_id = ? AND status = ?", answerID, status).Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("posts of answer %d: %w", answerID, translate(err))
	}
	return ps, nil
}
