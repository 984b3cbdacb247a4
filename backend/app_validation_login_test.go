package backend_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func TestCreateConferenceValidation(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	rep := strings.Repeat
	tests := []struct {
		name   string
		modify func(in *backend.ConferenceInput)
		want   []string // sorted "field:code"; nil means valid
	}{
		{"slug: empty is required", func(in *backend.ConferenceInput) { in.Slug = "" }, []string{"slug:required"}},
		{"slug: blank is required", func(in *backend.ConferenceInput) { in.Slug = "   " }, []string{"slug:required"}},
		{"slug: upper case is normalised", func(in *backend.ConferenceInput) { in.Slug = " Herbst-2026 " }, nil},
		{"slug: umlaut is a format error", func(in *backend.ConferenceInput) { in.Slug = "ä" }, []string{"slug:format"}},
		{"slug: double hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "a--b" }, []string{"slug:format"}},
		{"slug: leading hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "-a" }, []string{"slug:format"}},
		{"slug: trailing hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "a-" }, []string{"slug:format"}},
		{"slug: underscore is a format error", func(in *backend.ConferenceInput) { in.Slug = "a_b" }, []string{"slug:format"}},
		{"slug: 60 characters are fine", func(in *backend.ConferenceInput) { in.Slug = rep("a", 60) }, nil},
		{"slug: 61 characters are too long", func(in *backend.ConferenceInput) { in.Slug = rep("a", 61) }, []string{"slug:too_long"}},
		{"title: empty is required", func(in *backend.ConferenceInput) { in.Title = "" }, []string{"title:required"}},
		{"title: blank is required", func(in *backend.ConferenceInput) { in.Title = " \t " }, []string{"title:required"}},
		{"title: 2 characters are too short", func(in *backend.ConferenceInput) { in.Title = "ab" }, []string{"title:too_short"}},
		{"title: 3 characters are fine", func(in *backend.ConferenceInput) { in.Title = "abc" }, nil},
		{"title: 2 emoji are too short", func(in *backend.ConferenceInput) { in.Title = "🗳🗳" }, []string{"title:too_short"}},
		{"title: 140 characters are fine", func(in *backend.ConferenceInput) { in.Title = rep("x", 140) }, nil},
		{"title: 141 characters are too long", func(in *backend.ConferenceInput) { in.Title = rep("x", 141) }, []string{"title:too_long"}},
		{"title: 140 emoji (560 bytes) are fine", func(in *backend.ConferenceInput) { in.Title = rep("🗳", 140) }, nil},
		{"title: 141 emoji are too long", func(in *backend.ConferenceInput) { in.Title = rep("🗳", 141) }, []string{"title:too_long"}},
		{"title: 140 runes with combining marks are fine", func(in *backend.ConferenceInput) { in.Title = rep("e\u0301", 70) }, nil},
		{"title: 141 runes with combining marks are too long", func(in *backend.ConferenceInput) { in.Title = rep("e\u0301", 70) + "e" }, []string{"title:too_long"}},
		{"title: a tab is a control character", func(in *backend.ConferenceInput) { in.Title = "Tab\there" }, []string{"title:control_char"}},
		{"title: a line break is a control character", func(in *backend.ConferenceInput) { in.Title = "Zeile\nzwei" }, []string{"title:control_char"}},
		{"title: an ANSI escape is a control character", func(in *backend.ConferenceInput) { in.Title = "\x1b[31mrot" }, []string{"title:control_char"}},
		{"title: DEL is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel\x7f" }, []string{"title:control_char"}},
		{"title: NUL is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel\x00Rest" }, []string{"title:control_char"}},
		{"title: C1 control U+009B (CSI) is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel \u009b31m" }, []string{"title:control_char"}},
		{"title: invalid UTF-8 is an encoding error", func(in *backend.ConferenceInput) { in.Title = "Titel \xff\xfe" }, []string{"title:encoding"}},
		{"description: 10,000 characters are fine", func(in *backend.ConferenceInput) { in.Description = rep("ä", 10000) }, nil},
		{"description: 10,001 characters are too long", func(in *backend.ConferenceInput) { in.Description = rep("ä", 10001) }, []string{"description:too_long"}},
		{"description: line breaks and tabs are fine", func(in *backend.ConferenceInput) { in.Description = "Zeile 1\r\nZeile 2\n\tEingerückt" }, nil},
		{"description: NUL is a control character", func(in *backend.ConferenceInput) { in.Description = "a\x00b" }, []string{"description:control_char"}},
		{"description: invalid UTF-8 is an encoding error", func(in *backend.ConferenceInput) { in.Description = "a\xc3" }, []string{"description:encoding"}},
		{"venue: empty is fine", func(in *backend.ConferenceInput) { in.Venue = "" }, nil},
		{"venue: 200 characters are fine", func(in *backend.ConferenceInput) { in.Venue = rep("ß", 200) }, nil},
		{"venue: 201 characters are too long", func(in *backend.ConferenceInput) { in.Venue = rep("ß", 201) }, []string{"venue:too_long"}},
		{"venue: NUL is a control character", func(in *backend.ConferenceInput) { in.Venue = "Saal\x00" }, []string{"venue:control_char"}},
		{"schedule: missing start is required", func(in *backend.ConferenceInput) { in.StartsAt = time.Time{} }, []string{"startsAt:required"}},
		{"schedule: missing end is required", func(in *backend.ConferenceInput) { in.EndsAt = time.Time{} }, []string{"endsAt:required"}},
		{"schedule: end before start", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }, []string{"endsAt:before_start"}},
		{"schedule: end equal to start", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt }, []string{"endsAt:before_start"}},
		{"schedule: end one microsecond after start is fine", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt.Add(time.Microsecond) }, nil},
		{"schedule: a start in 1999 is out of range", func(in *backend.ConferenceInput) {
			in.StartsAt = time.Date(1999, 12, 31, 9, 0, 0, 0, time.UTC)
			in.EndsAt = in.StartsAt.Add(time.Hour)
		}, []string{"startsAt:out_of_range"}},
		{"capacity: -1 is out of range", func(in *backend.ConferenceInput) { in.Capacity = -1 }, []string{"capacity:out_of_range"}},
		{"capacity: 0 (unlimited) is fine", func(in *backend.ConferenceInput) { in.Capacity = 0 }, nil},
		{"capacity: 100000 is fine", func(in *backend.ConferenceInput) { in.Capacity = 100000 }, nil},
		{"capacity: 100001 is out of range", func(in *backend.ConferenceInput) { in.Capacity = 100001 }, []string{"capacity:out_of_range"}},
		{"everything missing is reported at once", func(in *backend.ConferenceInput) { *in = backend.ConferenceInput{} },
			[]string{"endsAt:required", "slug:required", "startsAt:required", "title:required"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput("v-" + strconv.Itoa(i))
			tt.modify(&in)
			_, totalBefore, _ := app.ListConferences(t.Context(), orga, 0, 1)
			got, err := app.CreateConference(t.Context(), orga, in)
			_, totalAfter, _ := app.ListConferences(t.Context(), orga, 0, 1)
			if tt.want == nil {
				wantCode(t, err, "")
				if totalAfter != totalBefore+1 {
					t.Errorf("total = %d, want %d", totalAfter, totalBefore+1)
				}
				stored, err := app.GetConference(t.Context(), orga, got.Slug)
				if err != nil {
					t.Fatalf("read back %q: %v", got.Slug, err)
				}
				if stored.Title != strings.TrimSpace(in.Title) || stored.Description != strings.TrimSpace(in.Description) || stored.Slug != strings.ToLower(strings.TrimSpace(in.Slug)) {
					t.Errorf("stored slug %q title %q (%d bytes), want the input trimmed", stored.Slug, stored.Title, len(stored.Title))
				}
				return
			}
			wantCode(t, err, backend.EINVALID)
			if got := fieldCodes(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("fields = %v, want %v", got, tt.want)
			}
			if totalAfter != totalBefore {
				t.Errorf("total = %d after a rejected create, want %d", totalAfter, totalBefore)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	app, clk := MustNewApp(t)
	orga := MustOrganizer(t, app)
	ctx := t.Context()

	t.Run("the right password opens a session for the account", func(t *testing.T) {
		acc, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil || acc.ID != orga.Account.ID || len(token) < 40 {
			t.Fatalf("login = %+v, token %q, %v; want account %d and a long token", acc, token, err, orga.Account.ID)
		}
		got, err := app.Authenticate(ctx, token)
		if err != nil || got.ID != orga.Account.ID || got.Role != backend.RoleOrganizer {
			t.Fatalf("authenticate = %+v, %v; want organiser %d", got, err, orga.Account.ID)
		}
	})
	t.Run("the e-mail address is case-insensitive and trimmed", func(t *testing.T) {
		acc, _, err := app.Login(ctx, "  ORGA@Stadt.Example ", orgaPassword)
		if err != nil || acc.ID != orga.Account.ID {
			t.Fatalf("login = %+v, %v; want account %d", acc, err, orga.Account.ID)
		}
	})
	t.Run("two logins get different tokens", func(t *testing.T) {
		_, a, err1 := app.Login(ctx, orgaEmail, orgaPassword)
		_, b, err2 := app.Login(ctx, orgaEmail, orgaPassword)
		if err1 != nil || err2 != nil || a == b {
			t.Fatalf("tokens %q and %q (%v, %v), want two different ones", a, b, err1, err2)
		}
	})
	t.Run("wrong password and unknown e-mail fail alike", func(t *testing.T) {
		_, tok1, wrong := app.Login(ctx, orgaEmail, orgaPassword+"!")
		_, tok2, unknown := app.Login(ctx, "niemand@stadt.example", orgaPassword)
		wantCode(t, wrong, backend.EUNAUTHORIZED)
		wantCode(t, unknown, backend.EUNAUTHORIZED)
		if tok1 != "" || tok2 != "" {
			t.Errorf("tokens %q, %q on failure, want none", tok1, tok2)
		}
		if a, b := backend.ErrorMessage(wrong), backend.ErrorMessage(unknown); a != b {
			t.Errorf("messages differ: wrong password %q, unknown e-mail %q", a, b)
		}
	})
	t.Run("missing credentials are validation errors per field", func(t *testing.T) {
		_, _, err := app.Login(ctx, " ", "")
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"email:required", "password:required"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("an over-long e-mail address is reported on field email", func(t *testing.T) {
		_, _, err := app.Login(ctx, strings.Repeat("a", 300)+"@stadt.example", orgaPassword)
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"email:too_long"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("an over-long password is reported on field password", func(t *testing.T) {
		_, _, err := app.Login(ctx, orgaEmail, strings.Repeat("p", 1025))
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"password:too_long"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("a session expires after SessionTTL", func(t *testing.T) {
		clk.Set(t0)
		t.Cleanup(func() { clk.Set(t0) })
		_, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(t0.Add(app.SessionTTL - time.Second))
		if _, err := app.Authenticate(ctx, token); err != nil {
			t.Fatalf("one second before expiry: %v, want a live session", err)
		}
		clk.Set(t0.Add(app.SessionTTL + time.Second))
		_, err = app.Authenticate(ctx, token)
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("logout ends the session and may be repeated", func(t *testing.T) {
		_, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Logout(ctx, token); err != nil {
			t.Fatalf("logout: %v", err)
		}
		_, err = app.Authenticate(ctx, token)
		wantCode(t, err, backend.EUNAUTHORIZED)
		if err := app.Logout(ctx, token); err != nil {
			t.Errorf("second logout: %v, want nil", err)
		}
		if err := app.Logout(ctx, ""); err != nil {
			t.Errorf("logout without token: %v, want nil", err)
		}
	})
	t.Run("made-up tokens are unauthorized", func(t *testing.T) {
		for _, tok := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("A", 129), "'; DROP TABLE sessions; --"} {
			_, err := app.Authenticate(ctx, tok)
			wantCode(t, err, backend.EUNAUTHORIZED)
		}
	})
}

func TestEnsureFirstOrganizer(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	count := func() int {
		t.Helper()
		n, err := app.Store.CountAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("invalid input creates nothing", func(t *testing.T) {
		created, err := app.EnsureFirstOrganizer(ctx, backend.AccountInput{Email: "admin@stadt.example", Password: "kurz"})
		wantCode(t, err, backend.EINVALID)
		if created || count() != 0 {
			t.Fatalf("created = %v, accounts = %d; want nothing", created, count())
		}
	})
	t.Run("creates an organiser when no account exists", func(t *testing.T) {
		created, err := app.EnsureFirstOrganizer(ctx, backend.AccountInput{Email: "Admin@Stadt.Example", Password: "erstes-passwort-123"})
		if err != nil || !created || count() != 1 {
			t.Fatalf("created = %v (%v), accounts = %d; want true, 1", created, err, count())
		}
		acc, _, err := app.Login(ctx, "admin@stadt.example", "erstes-passwort-123")
		if err != nil || acc.Role != backend.RoleOrganizer {
			t.Fatalf("login as the first organiser: %+v, %v", acc, err)
		}
	})
	t.Run("creates nothing and resets nothing once an account exists", func(t *testing.T) {
		for _, in := range []backend.AccountInput{
			{Email: "zweite@stadt.example", Password: "zweites-passwort-1"},
			{Email: "admin@stadt.example", Password: "anderes-passwort-2"},
		} {
			created, err := app.EnsureFirstOrganizer(ctx, in)
			if err != nil || created {
				t.Fatalf("EnsureFirstOrganizer(%s) = %v, %v; want false, nil", in.Email, created, err)
			}
		}
		if count() != 1 {
			t.Fatalf("accounts = %d, want 1", count())
		}
		if _, _, err := app.Login(ctx, "admin@stadt.example", "erstes-passwort-123"); err != nil {
			t.Errorf("original password: %v, want it still valid", err)
		}
		_, _, err := app.Login(ctx, "admin@stadt.example", "anderes-passwort-2")
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("a second account with the same address is a conflict on field email", func(t *testing.T) {
		_, err := app.CreateAccount(ctx, backend.AccountInput{Email: "ADMIN@stadt.example", Password: "noch-ein-passwort"})
		wantCode(t, err, backend.ECONFLICT)
		if got := fieldCodes(t, err); !slices.Equal(got, []string{"email:taken"}) {
			t.Errorf("fields = %v, want [email:taken]", got)
		}
	})
}
