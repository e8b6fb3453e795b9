package moderation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/pquerna/otp/totp"

	"kysy/store"
)

// Role is what a staff member may do (SPEC §1). One account may hold
// several.
type Role string

// The staff roles.
const (
	RoleModerator Role = "moderator"
	RoleReviewer  Role = "reviewer"
	RoleComms     Role = "comms"
	RoleAdmin     Role = "admin"
)

// Roles lists every role in a fixed order.
var Roles = []Role{RoleModerator, RoleReviewer, RoleComms, RoleAdmin}

// Actor is an authenticated staff member, or the command line.
type Actor struct {
	UserID int64 // 0 for the command line
	Name   string
	Roles  []Role
}

// CLIActor is the operator at the command line, who holds the admin role.
var CLIActor = &Actor{Name: "cli", Roles: []Role{RoleAdmin}}

// Has reports whether the actor holds role.
func (a *Actor) Has(role Role) bool { return slices.Contains(a.Roles, role) }

// roleFor returns the first of allowed that the actor holds, or a
// forbidden error naming what is needed.
func (a *Actor) roleFor(allowed ...Role) (Role, error) {
	for _, r := range allowed {
		if a.Has(r) {
			return r, nil
		}
	}
	names := make([]string, len(allowed))
	for i, r := range allowed {
		names[i] = string(r)
	}
	return "", Forbidden("forbidden", fmt.Sprintf("This needs the %s role.", strings.Join(names, " or ")))
}

// ParseRoles reads a comma-separated role list.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(part))
		if r == "" {
			continue
		}
		if !slices.Contains(Roles, r) {
			return nil, Invalid("invalid_role", fmt.Sprintf("%q is not a role; the roles are moderator, reviewer, comms and admin.", r))
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, Invalid("invalid_role", "Give at least one role: moderator, reviewer, comms or admin.")
	}
	return out, nil
}

func actorOf(u *store.User) *Actor {
	a := &Actor{UserID: u.ID, Name: u.Name}
	for _, r := range u.RoleList() {
		a.Roles = append(a.Roles, Role(r))
	}
	return a
}

// MinPasswordChars is the shortest password accepted.
const MinPasswordChars = 12

// passwordParams are OWASP's argon2id settings (19 MiB, 2 passes, 1
// lane): strong, and cheap enough that a burst of logins does not exhaust
// memory.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is compared against when a login names no account, so that
// the answer takes as long as for a real one.
var dummyHash = func() string {
	h, err := argon2id.CreateHash("no such account, but the same cost", passwordParams)
	if err != nil {
		panic(err)
	}
	return h
}()

func validUserName(name string) bool {
	if n := utf8.RuneCountInString(name); n < 2 || n > 64 {
		return false
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// AddUser creates a staff account with an argon2id password hash.
func (s *Service) AddUser(ctx context.Context, actor *Actor, name, password string, roles []Role) (*store.User, error) {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return nil, err
	}
	if !validUserName(name) {
		return nil, Invalid("invalid_name", "A user name is 2–64 letters, digits, dots, dashes or underscores.")
	}
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return nil, Invalid("weak_password", fmt.Sprintf("The password must have at least %d characters.", MinPasswordChars))
	}
	if len(roles) == 0 {
		return nil, Invalid("invalid_role", "Give at least one role.")
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	now := s.Now().UTC()
	u := &store.User{Name: name, PasswordHash: hash, Roles: strings.Join(names, ","), CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, RoleAdmin, "user.add", "user", u.ID, "roles="+u.Roles)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, Conflict("name_taken", fmt.Sprintf("There is already a user called %s.", name))
	}
	if err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

// Users lists every staff account.
func (s *Service) Users(ctx context.Context, actor *Actor) ([]store.User, error) {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return nil, err
	}
	return s.db.Users(ctx)
}

func (s *Service) userByName(ctx context.Context, name string) (*store.User, error) {
	u, err := s.db.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, NotFound("user_not_found", fmt.Sprintf("There is no user called %s.", name))
	}
	return u, err
}

// DisableUser disables an account and ends its sessions; its tokens stop
// working at once.
func (s *Service) DisableUser(ctx context.Context, actor *Actor, name string) error {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return err
	}
	u, err := s.userByName(ctx, name)
	if err != nil {
		return err
	}
	u.Disabled = true
	u.UpdatedAt = s.Now().UTC()
	return s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.UpdateUser(ctx, u, "disabled", "updated_at"); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, RoleAdmin, "user.disable", "user", u.ID, "")
	})
}

// EnableTOTP gives an account a new TOTP secret and returns its otpauth://
// URL for an authenticator app. From then on the login asks for a code.
func (s *Service) EnableTOTP(ctx context.Context, actor *Actor, name string) (string, error) {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return "", err
	}
	u, err := s.userByName(ctx, name)
	if err != nil {
		return "", err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Kysy", AccountName: u.Name})
	if err != nil {
		return "", fmt.Errorf("enable totp: %w", err)
	}
	u.TOTPSecret = key.Secret()
	u.UpdatedAt = s.Now().UTC()
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.UpdateUser(ctx, u, "totp_secret", "updated_at"); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, RoleAdmin, "user.totp", "user", u.ID, "")
	})
	if err != nil {
		return "", fmt.Errorf("enable totp: %w", err)
	}
	return key.URL(), nil
}

// secret returns a fresh 256-bit random value, base64url without padding.
func secret(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

func hashSecret(v string) []byte {
	h := sha256.Sum256([]byte(v))
	return h[:]
}

// tokenPrefix marks Kysy API tokens so that secret scanners can find a
// leaked one.
const tokenPrefix = "kysy_"

// CreateToken makes a new API token for an account and returns it; only its
// hash is stored. ttl 0 means it never expires.
func (s *Service) CreateToken(ctx context.Context, actor *Actor, name string, ttl time.Duration) (string, error) {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return "", err
	}
	if ttl < 0 {
		return "", Invalid("invalid_ttl", "The lifetime of a token cannot be negative.")
	}
	u, err := s.userByName(ctx, name)
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", Conflict("user_disabled", fmt.Sprintf("The user %s is disabled.", name))
	}
	tok := secret(tokenPrefix)
	now := s.Now().UTC()
	t := &store.Token{UserID: u.ID, TokenHash: hashSecret(tok), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, RoleAdmin, "token.create", "user", u.ID, "")
	})
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return tok, nil
}

var errUnauthenticated = Unauthenticated("unauthenticated", "Sign in, or send a valid API token.")

// AuthenticateToken returns the actor of a bearer token. Unknown, expired
// and disabled accounts' tokens are all unauthenticated.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Actor, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 128 {
		return nil, errUnauthenticated
	}
	u, err := s.db.UserByToken(ctx, hashSecret(token), s.Now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate token: %w", err)
	}
	if u.Disabled {
		return nil, errUnauthenticated
	}
	return actorOf(u), nil
}

// LoginResult is a new console session.
type LoginResult struct {
	// Cookie is the session secret for the cookie; only its hash is stored.
	Cookie  string
	CSRF    string
	Expires time.Time
	Actor   *Actor
}

var errBadLogin = Unauthenticated("bad_login", "The name, password or code is wrong.")

// Login checks a name, password and (when the account has TOTP) code, and
// opens a session. After cfg.LockoutAfter failures in a row the account
// is locked for cfg.LockoutFor; a locked account is refused even with the
// right password, and says so.
func (s *Service) Login(ctx context.Context, name, password, code string) (*LoginResult, error) {
	now := s.Now().UTC()
	u, err := s.db.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		argon2id.ComparePasswordAndHash(password, dummyHash)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return nil, &Error{Kind: KindLocked, Code: "account_locked",
			Message: fmt.Sprintf("Too many failed sign-ins: this account is locked until %s UTC.", u.LockedUntil.Format("15:04"))}
	}
	ok, err := argon2id.ComparePasswordAndHash(password, u.PasswordHash)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if ok && u.TOTPSecret != "" {
		ok = totp.Validate(strings.ReplaceAll(code, " ", ""), u.TOTPSecret)
	}
	if !ok || u.Disabled {
		if !u.Disabled {
			u.FailedLogins++
			cols := []string{"failed_logins", "updated_at"}
			if u.FailedLogins >= s.cfg.LockoutAfter {
				until := now.Add(s.cfg.LockoutFor)
				u.LockedUntil, u.FailedLogins = &until, 0
				cols = append(cols, "locked_until")
			}
			u.UpdatedAt = now
			err := s.db.InTx(ctx, func(tx *store.DB) error {
				if err := tx.UpdateUser(ctx, u, cols...); err != nil {
					return err
				}
				return s.audit(ctx, tx, actorOf(u), "", "login.fail", "user", u.ID, "")
			})
			if err != nil {
				return nil, fmt.Errorf("login: %w", err)
			}
		}
		return nil, errBadLogin
	}
	res := &LoginResult{Cookie: secret(""), CSRF: secret(""), Expires: now.Add(s.cfg.SessionTTL), Actor: actorOf(u)}
	sess := &store.Session{UserID: u.ID, TokenHash: hashSecret(res.Cookie), CSRFToken: res.CSRF,
		ExpiresAt: res.Expires, CreatedAt: now}
	u.FailedLogins, u.LockedUntil, u.UpdatedAt = 0, nil, now
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.UpdateUser(ctx, u, "failed_logins", "locked_until", "updated_at"); err != nil {
			return err
		}
		// Sign-ins are rare: a good moment to drop sessions that ended.
		if _, err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.audit(ctx, tx, res.Actor, "", "login", "user", u.ID, "")
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return res, nil
}

// Session returns the actor and CSRF token of a session cookie.
func (s *Service) Session(ctx context.Context, cookie string) (*Actor, string, error) {
	if cookie == "" || len(cookie) > 128 {
		return nil, "", errUnauthenticated
	}
	sess, u, err := s.db.SessionByHash(ctx, hashSecret(cookie), s.Now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errUnauthenticated
	}
	if err != nil {
		return nil, "", fmt.Errorf("session: %w", err)
	}
	if u.Disabled {
		return nil, "", errUnauthenticated
	}
	return actorOf(u), sess.CSRFToken, nil
}

// Logout ends the session of a cookie.
func (s *Service) Logout(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	return s.db.DeleteSession(ctx, hashSecret(cookie))
}
