package backend

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// CreateAccount validates in, hashes the password and stores the account.
func (a *App) CreateAccount(ctx context.Context, in AccountInput) (*Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	acc := &Account{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash, CreatedAt: a.now()}
	if err := a.Store.CreateAccount(ctx, acc); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, &Error{Code: ECONFLICT, Message: "An account with this e-mail address already exists.", Fields: []FieldError{{
				Field: "email", Code: "taken", DE: "Für diese E-Mail-Adresse gibt es schon ein Konto.", EN: "An account with this e-mail address already exists.",
			}}}
		}
		return nil, err
	}
	return acc, nil
}

// EnsureFirstOrganizer creates an organiser only when no account exists yet,
// so that restarting with the same environment never adds or resets accounts.
// It reports whether it created one.
func (a *App) EnsureFirstOrganizer(ctx context.Context, in AccountInput) (bool, error) {
	n, err := a.Store.CountAccounts(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	in.Role = RoleOrganizer
	if _, err := a.CreateAccount(ctx, in); err != nil {
		return false, err
	}
	return true, nil
}

// Login checks the credentials and opens a session. It returns the session
// token for the cookie; only its hash is stored. Unknown e-mail and wrong
// password give the same error after the same work.
func (a *App) Login(ctx context.Context, email, password string) (*Account, string, error) {
	var v Validation
	if NormalizeEmail(email) == "" {
		v.Add("email", "required", "Bitte die E-Mail-Adresse angeben.", "Please enter your e-mail address.")
	}
	if password == "" {
		v.Add("password", "required", "Bitte das Passwort angeben.", "Please enter your password.")
	}
	if len(email) > 254 {
		v.Add("email", "too_long", "Die E-Mail-Adresse ist zu lang.", "The e-mail address is too long.")
	}
	if len(password) > 1024 {
		v.Add("password", "too_long", "Das Passwort ist zu lang.", "The password is too long.")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	acc, err := a.Store.FindAccountByEmail(ctx, NormalizeEmail(email))
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, "", err
	}
	if acc == nil {
		CheckPassword(dummyHash(), password)
		return nil, "", Errorf(EUNAUTHORIZED, "E-mail address or password is wrong.")
	}
	if !CheckPassword(acc.PasswordHash, password) {
		return nil, "", Errorf(EUNAUTHORIZED, "E-mail address or password is wrong.")
	}
	token := RandomToken()
	now := a.now()
	sess := &Session{TokenHash: HashToken(token), AccountID: acc.ID, CreatedAt: now, ExpiresAt: now.Add(a.SessionTTL)}
	if err := a.Store.CreateSession(ctx, sess); err != nil {
		return nil, "", err
	}
	return acc, token, nil
}

// Authenticate returns the account of a live session token, or EUNAUTHORIZED.
func (a *App) Authenticate(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 128 {
		return nil, Errorf(EUNAUTHORIZED, "Please log in.")
	}
	sess, err := a.Store.FindSession(ctx, HashToken(token), a.now())
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EUNAUTHORIZED, "Your session has expired. Please log in again.")
	}
	if err != nil {
		return nil, err
	}
	acc, err := a.Store.FindAccountByID(ctx, sess.AccountID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EUNAUTHORIZED, "Please log in.")
	}
	return acc, err
}

// Logout ends a session; ending an unknown one is not an error.
func (a *App) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return a.Store.DeleteSession(ctx, HashToken(token))
}

// HashToken is how session tokens are stored: SHA-256 suffices because tokens
// are 256 random bits, not guessable passwords.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomToken returns 256 random bits, URL-safe: session tokens, CSRF tokens,
// participant keys and generated passwords.
func RandomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
