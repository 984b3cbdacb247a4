package backend

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is an account's standing across the installation. Per-conference roles
// (moderator, participant) come with conference membership.
type Role string

const (
	RoleOrganizer Role = "organizer" // manages conferences and the idea market
)

// Account is a staff member who logs in with e-mail and password (organisers).
// Participants join conferences without an account.
type Account struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
}

// AccountInput is what is needed to create an account.
type AccountInput struct {
	Email    string
	Name     string
	Password string
	Role     Role
}

// MinPasswordLen follows BSI guidance for passwords without further factors.
const MinPasswordLen = 12

// NormalizeEmail lower-cases and trims an address so that logins are case-insensitive.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account before it is created.
func (in *AccountInput) Validate() error {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	var v Validation
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email || len(in.Email) > 254 {
		v.Add("email", "format", "Bitte eine gültige E-Mail-Adresse angeben.", "Please enter a valid e-mail address.")
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		v.Add("name", "too_long", "Der Name darf höchstens 100 Zeichen lang sein.", "The name may be at most 100 characters long.")
	}
	if utf8.RuneCountInString(in.Password) < MinPasswordLen {
		v.Add("password", "too_short", "Das Passwort muss mindestens 12 Zeichen lang sein.", "The password must be at least 12 characters long.")
	}
	if len(in.Password) > 1024 {
		v.Add("password", "too_long", "Das Passwort ist zu lang.", "The password is too long.")
	}
	if in.Role == "" {
		in.Role = RoleOrganizer
	}
	if in.Role != RoleOrganizer {
		v.Add("role", "invalid", "Unbekannte Rolle.", "Unknown role.")
	}
	return v.Err()
}

// Session is a server-side login. The cookie carries a random token; the store
// keeps only its SHA-256 so that a leaked database does not leak live sessions.
type Session struct {
	TokenHash string
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
}
