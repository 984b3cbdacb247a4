package storetest

import (
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testAccount(t *testing.T, open Opener) {
	t.Run("CreateFindCount", func(t *testing.T) {
		s := open(t)
		n, err := s.CountAccounts(t.Context())
		mustNoErr(t, err, "count")
		if n != 0 {
			t.Fatalf("count on empty store = %d, want 0", n)
		}
		a := MustCreateAccount(t, s, "orga@example.org")
		if a.ID == 0 {
			t.Fatal("account id not set after create")
		}
		byID, err := s.FindAccountByID(t.Context(), a.ID)
		mustNoErr(t, err, "find by id")
		byEmail, err := s.FindAccountByEmail(t.Context(), "orga@example.org")
		mustNoErr(t, err, "find by email")
		for _, got := range []*backend.Account{byID, byEmail} {
			if got.ID != a.ID || got.Email != a.Email || got.Name != a.Name || got.Role != a.Role || got.PasswordHash != a.PasswordHash || !got.CreatedAt.Equal(a.CreatedAt) {
				t.Fatalf("account = %+v, want %+v", got, a)
			}
		}
		if n, _ := s.CountAccounts(t.Context()); n != 1 {
			t.Fatalf("count = %d, want 1", n)
		}
	})
	t.Run("DuplicateEmailIsConflict", func(t *testing.T) {
		s := open(t)
		MustCreateAccount(t, s, "a@example.org")
		err := s.CreateAccount(t.Context(), &backend.Account{Email: "a@example.org", Role: backend.RoleOrganizer, PasswordHash: "x", CreatedAt: now})
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.FindAccountByID(t.Context(), 99)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindAccountByEmail(t.Context(), "nobody@example.org")
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func testSession(t *testing.T, open Opener) {
	t.Run("FindUntilExpiry", func(t *testing.T) {
		s := open(t)
		a := MustCreateAccount(t, s, "s@example.org")
		sess := &backend.Session{TokenHash: "h1", AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		mustNoErr(t, s.CreateSession(t.Context(), sess), "create session")
		got, err := s.FindSession(t.Context(), "h1", now.Add(59*time.Minute))
		mustNoErr(t, err, "find before expiry")
		if got.AccountID != a.ID || !got.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Fatalf("session = %+v, want %+v", got, sess)
		}
		_, err = s.FindSession(t.Context(), "h1", now.Add(time.Hour))
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindSession(t.Context(), "other", now)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("DeleteIsIdempotent", func(t *testing.T) {
		s := open(t)
		a := MustCreateAccount(t, s, "d@example.org")
		mustNoErr(t, s.CreateSession(t.Context(), &backend.Session{TokenHash: "h", AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}), "create")
		mustNoErr(t, s.DeleteSession(t.Context(), "h"), "delete")
		mustNoErr(t, s.DeleteSession(t.Context(), "h"), "delete again")
		_, err := s.FindSession(t.Context(), "h", now)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("DeleteExpired", func(t *testing.T) {
		s := open(t)
		a := MustCreateAccount(t, s, "e@example.org")
		for i, exp := range []time.Duration{-time.Hour, -time.Minute, time.Hour} {
			sess := &backend.Session{TokenHash: string(rune('a' + i)), AccountID: a.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(exp)}
			mustNoErr(t, s.CreateSession(t.Context(), sess), "create")
		}
		n, err := s.DeleteExpiredSessions(t.Context(), now)
		mustNoErr(t, err, "delete expired")
		if n != 2 {
			t.Fatalf("deleted %d expired sessions, want 2", n)
		}
		if _, err := s.FindSession(t.Context(), "c", now); err != nil {
			t.Fatalf("live session gone after cleanup: %v", err)
		}
	})
	t.Run("UnknownAccountIsRejected", func(t *testing.T) {
		s := open(t)
		err := s.CreateSession(t.Context(), &backend.Session{TokenHash: "x", AccountID: 12345, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		wantCode(t, err, backend.ENOTFOUND)
	})
}
