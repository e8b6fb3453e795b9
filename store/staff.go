package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is a staff account. Roles is a comma-separated list; moderation
// owns what a role may do.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Name         string
	PasswordHash string
	Roles        string
	Disabled     bool
	// TOTPSecret is the base32 TOTP secret, empty when TOTP is off.
	TOTPSecret   string `gorm:"column:totp_secret"`
	FailedLogins int
	LockedUntil  *time.Time
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

// TableName is the table of User.
func (User) TableName() string { return "staff_users" }

// RoleList returns the user's roles.
func (u *User) RoleList() []string {
	if u.Roles == "" {
		return nil
	}
	return strings.Split(u.Roles, ",")
}

// Token is an API bearer token; only its SHA-256 is stored.
type Token struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	TokenHash []byte
	ExpiresAt *time.Time
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

// TableName is the table of Token.
func (Token) TableName() string { return "api_tokens" }

// Session is a console login; only the SHA-256 of its cookie is stored.
type Session struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	TokenHash []byte
	CSRFToken string `gorm:"column:csrf_token"`
	ExpiresAt time.Time
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

// TableName is the table of Session.
func (Session) TableName() string { return "staff_sessions" }

// CreateUser inserts u; a taken name is ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	if err := db.orm.WithContext(ctx).Create(u).Error; err != nil {
		return fmt.Errorf("create user: %w", translate(err))
	}
	return nil
}

// UserByName returns the account called name, or ErrNotFound.
func (db *DB) UserByName(ctx context.Context, name string) (*User, error) {
	var u User
	if err := db.orm.WithContext(ctx).Where("name = ?", name).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("user by name: %w", translate(err))
	}
	return &u, nil
}

// UserByID returns the account with id, or ErrNotFound.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := db.orm.WithContext(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("user %d: %w", id, translate(err))
	}
	return &u, nil
}

// Users returns every account by name.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	var us []User
	if err := db.orm.WithContext(ctx).Order("name").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", translate(err))
	}
	return us, nil
}

// UpdateUser writes the named columns of u.
func (db *DB) UpdateUser(ctx context.Context, u *User, columns ...string) error {
	res := db.orm.WithContext(ctx).Model(u).Select(columns).Updates(u)
	if res.Error != nil {
		return fmt.Errorf("update user %d: %w", u.ID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// DeleteUserSessions ends every console session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if err := db.orm.WithContext(ctx).Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("delete sessions: %w", translate(err))
	}
	return nil
}

// CreateToken inserts t.
func (db *DB) CreateToken(ctx context.Context, t *Token) error {
	if err := db.orm.WithContext(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// UserByToken returns the account whose unexpired token hashes to hash, or
// ErrNotFound. Disabled accounts are returned; the caller refuses them.
func (db *DB) UserByToken(ctx context.Context, hash []byte, now time.Time) (*User, error) {
	var u User
	err := db.orm.WithContext(ctx).
		Joins("JOIN api_tokens t ON t.user_id = staff_users.id").
		Where("t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)", hash, now).
		Take(&u).Error
	if err != nil {
		return nil, fmt.Errorf("user by token: %w", translate(err))
	}
	return &u, nil
}

// CreateSession inserts s.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	if err := db.orm.WithContext(ctx).Create(s).Error; err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// SessionByHash returns the unexpired session whose cookie hashes to hash
// with its user, or ErrNotFound.
func (db *DB) SessionByHash(ctx context.Context, hash []byte, now time.Time) (*Session, *User, error) {
	var s Session
	err := db.orm.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", hash, now).Take(&s).Error
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", translate(err))
	}
	u, err := db.UserByID(ctx, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// DeleteSession ends the session whose cookie hashes to hash.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	if err := db.orm.WithContext(ctx).Where("token_hash = ?", hash).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", translate(err))
	}
	return nil
}

// DeleteExpiredSessions removes sessions that ended before now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := db.orm.WithContext(ctx).Where("expires_at <= ?", now).Delete(&Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", translate(res.Error))
	}
	return res.RowsAffected, nil
}

// orm exposes the GORM handle to the store's own files.
func (db *DB) gorm(ctx context.Context) *gorm.DB { return db.orm.WithContext(ctx) }
