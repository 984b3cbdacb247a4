package backend_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// lineCodes returns "line:field:code" for every field error, in the order
// reported, and fails if one lacks a message.
func lineCodes(tb testing.TB, err error) []string {
	tb.Helper()
	var be *backend.Error
	if !errors.As(err, &be) {
		tb.Fatalf("error = %v, want a *backend.Error", err)
	}
	var out []string
	for _, f := range be.Fields {
		if strings.TrimSpace(f.DE) == "" || strings.TrimSpace(f.EN) == "" {
			tb.Errorf("field %s/%s: DE = %q, EN = %q; want both messages", f.Field, f.Code, f.DE, f.EN)
		}
		out = append(out, fmt.Sprintf("%d:%s:%s", f.Line, f.Field, f.Code))
	}
	return out
}

func TestParseInviteList(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // addresses; nil when the list is rejected
		errs []string // "line:field:code" in order
	}{
		{"one per line", "anna@stadt.de\nben@stadt.de\n", []string{"anna@stadt.de", "ben@stadt.de"}, nil},
		{"commas, semicolons, tabs and blanks", "a@x.de, b@x.de;c@x.de\td@x.de e@x.de ;; ,", []string{"a@x.de", "b@x.de", "c@x.de", "d@x.de", "e@x.de"}, nil},
		{"addresses are lower-cased and trimmed", "  Anna.Muster@Stadt.DE  ", []string{"anna.muster@stadt.de"}, nil},
		{"name with angle brackets", "Erika Muster <Erika.Muster@Stadt.de>", []string{"erika.muster@stadt.de"}, nil},
		{"Outlook's last name, first name", "Muster, Erika <e@x.de>; Mustermann, Max <m@x.de>", []string{"e@x.de", "m@x.de"}, nil},
		{"Outlook's quoted display name", `"Muster, Erika" <e@x.de>; "Mustermann, Max" <m@x.de>`, []string{"e@x.de", "m@x.de"}, nil},
		{"a header line email is skipped", "email\na@x.de\nb@x.de", []string{"a@x.de", "b@x.de"}, nil},
		{"a header line E-Mail in any case is skipped", "E-Mail\nA@x.de", []string{"a@x.de"}, nil},
		{"a header line with more columns is skipped", "email;name\na@x.de", []string{"a@x.de"}, nil},
		{"a name column before the address is dropped", "Name,E-Mail\nAnna,a@x.de\nBen,b@x.de", []string{"a@x.de", "b@x.de"}, nil},
		{"BOM and CRLF", "\ufeffemail\r\na@x.de\r\nb@x.de\r\n", []string{"a@x.de", "b@x.de"}, nil},
		{"BOM before an address", "\ufeffa@x.de", []string{"a@x.de"}, nil},
		{"duplicates are dropped, first kept", "b@x.de\na@x.de\nA@X.DE\nAnna <a@x.de>\nb@x.de", []string{"b@x.de", "a@x.de"}, nil},
		{"the word email after line 1 is an error", "a@x.de\nemail", nil, []string{"2:emails:invalid"}},
		{"invalid ones with their lines (CRLF)", "a@x.de\r\n\r\nkaputt\r\nb@x.de, c@d\r\n", nil, []string{"3:emails:invalid", "4:emails:invalid"}},
		{"a@b without a dot is invalid", "a@b", nil, []string{"1:emails:invalid"}},
		{"a missing local part is invalid", "@x.de", nil, []string{"1:emails:invalid"}},
		{"two @ are invalid", "a@b@x.de", nil, []string{"1:emails:invalid"}},
		{"a name column after the address is dropped", "E-Mail;Name\na@x.de;Anna\nb@x.de\tBen Beispiel", []string{"a@x.de", "b@x.de"}, nil},
		{"a line of words without any address is invalid", "a@x.de\nAnna Beispiel", nil, []string{"2:emails:invalid"}},
		{"a name before a bare address needs angle brackets", "Anna a@x.de", nil, []string{"1:emails:invalid"}},
		{"quoted CSV fields", `"a@x.de","b@x.de"`, []string{"a@x.de", "b@x.de"}, nil},
		{"a quoted CSV field with a display name", "email;name\n\"Erika Muster <e@x.de>\";Erika\n\"\"\"Muster, Max\"\" <m@x.de>\";Max", []string{"e@x.de", "m@x.de"}, nil},
		{"an unclosed quote spoils only its line", "\"a@x.de, b@x.de\nc@x.de", nil, []string{"1:emails:invalid"}},
		{"HTML is not an address", "<script>alert(1)</script>", nil, []string{"1:emails:invalid", "1:emails:invalid"}},
		{"empty", "", nil, []string{"0:emails:required"}},
		{"only separators and blank lines", " \n;,\n\t\r\n", nil, []string{"0:emails:required"}},
		{"only a header", "email\n", nil, []string{"0:emails:required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := backend.ParseInviteList(tt.text)
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("ParseInviteList(%q) = %v", tt.text, err)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("ParseInviteList(%q) = %q, want %q", tt.text, got, tt.want)
				}
				return
			}
			wantCode(t, err, backend.EINVALID)
			if gotErrs := lineCodes(t, err); !slices.Equal(gotErrs, tt.errs) {
				t.Errorf("errors = %v, want %v", gotErrs, tt.errs)
			}
			if got != nil {
				t.Errorf("addresses = %q on error, want nil", got)
			}
		})
	}

	t.Run("the message quotes the bad entry", func(t *testing.T) {
		_, err := backend.ParseInviteList("ok@x.de\nkeine-adresse")
		var be *backend.Error
		if !errors.As(err, &be) || len(be.Fields) != 1 {
			t.Fatalf("err = %v, want one field error", err)
		}
		if f := be.Fields[0]; f.EN != "Not a valid e-mail address: keine-adresse" || f.DE != "Keine gültige E-Mail-Adresse: keine-adresse" {
			t.Errorf("messages = %q / %q", f.DE, f.EN)
		}
	})
	t.Run("a very long entry is clipped in the message", func(t *testing.T) {
		_, err := backend.ParseInviteList(strings.Repeat("x", 500))
		var be *backend.Error
		if !errors.As(err, &be) || len(be.Fields) != 1 {
			t.Fatalf("err = %v, want one field error", err)
		}
		if want := "Not a valid e-mail address: " + strings.Repeat("x", 80) + "…"; be.Fields[0].EN != want {
			t.Errorf("EN = %q, want %q", be.Fields[0].EN, want)
		}
	})
	t.Run("5000 addresses are fine, 5001 are too many", func(t *testing.T) {
		var b strings.Builder
		for i := range backend.MaxInvitesPerRequest {
			fmt.Fprintf(&b, "person%d@stadt.de\n", i)
		}
		got, err := backend.ParseInviteList(b.String())
		if err != nil || len(got) != 5000 || got[4999] != "person4999@stadt.de" {
			t.Fatalf("5000: %d addresses (%v)", len(got), err)
		}
		b.WriteString("noch.eine@stadt.de")
		_, err = backend.ParseInviteList(b.String())
		wantCode(t, err, backend.EINVALID)
		if got := lineCodes(t, err); !slices.Equal(got, []string{"0:emails:too_many"}) {
			t.Errorf("errors = %v, want [0:emails:too_many]", got)
		}
	})
	t.Run("a wrong file gives the first 200 problems and a count", func(t *testing.T) {
		_, err := backend.ParseInviteList(strings.Repeat("x,", 1000))
		got := lineCodes(t, err)
		if len(got) != 201 || got[199] != "1:emails:invalid" || got[200] != "0:emails:more_errors" {
			t.Fatalf("%d errors, last %v", len(got), got[len(got)-2:])
		}
		var be *backend.Error
		errors.As(err, &be)
		if be.Fields[200].EN != "… and 800 more invalid addresses." {
			t.Errorf("summary = %q", be.Fields[200].EN)
		}
	})
	t.Run("2 MiB of words on one line take linear time", func(t *testing.T) {
		start := time.Now()
		_, err := backend.ParseInviteList(strings.Repeat("wort ", 2<<20/5))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if got := lineCodes(t, err); !slices.Equal(got, []string{"1:emails:invalid"}) { // no "@", so one entry
			t.Errorf("errors = %v", got)
		}
	})
	t.Run("6000 lines of one address are fine", func(t *testing.T) {
		text := strings.Repeat("dieselbe@stadt.de\n", 6000)
		got, err := backend.ParseInviteList(text)
		if err != nil || !slices.Equal(got, []string{"dieselbe@stadt.de"}) {
			t.Fatalf("got %q (%v), want one address", got, err)
		}
	})
}

// inviteMarket is a conference in the ideas phase with its organiser.
func inviteMarket(t *testing.T) (*backend.App, *clock, backend.Actor, backend.ConferenceView) {
	t.Helper()
	app, clk := MustNewApp(t)
	orga := MustOrganizer(t, app)
	conf := MustCreateMarket(t, app, orga, marketInput("einladung"), backend.PhaseIdeas)
	return app, clk, orga, conf
}

// MustInvite creates invites and returns them by address.
func MustInvite(tb testing.TB, app *backend.App, orga backend.Actor, slug, text string) map[string]backend.IssuedInvite {
	tb.Helper()
	issued, err := app.CreateInvites(tb.Context(), orga, slug, text)
	if err != nil {
		tb.Fatalf("invite %q: %v", text, err)
	}
	out := map[string]backend.IssuedInvite{}
	for _, inv := range issued {
		out[inv.Email] = inv
	}
	return out
}

func TestCreateInvites(t *testing.T) {
	app, _, orga, conf := inviteMarket(t)
	ctx := t.Context()

	issued, err := app.CreateInvites(ctx, orga, "einladung", "Anna Autorin <Anna@Stadt.de>\nben@stadt.de, anna@stadt.de")
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != 2 {
		t.Fatalf("issued %d invites, want 2", len(issued))
	}
	for n, want := range []string{"anna@stadt.de", "ben@stadt.de"} {
		inv := issued[n]
		if inv.Email != want || inv.ID == 0 || inv.ConferenceID != conf.ID || !inv.CreatedAt.Equal(t0) || inv.UsedAt != nil ||
			inv.ParticipantID != nil || inv.Reissued || len(inv.Token) < 40 || inv.TokenHash != backend.HashToken(inv.Token) {
			t.Errorf("invite %d = %+v (token %q, reissued %v), want a fresh invite for %s", n, *inv.Invite, inv.Token, inv.Reissued, want)
		}
	}
	if issued[0].Token == issued[1].Token || issued[0].ID == issued[1].ID {
		t.Errorf("two invites share a token or id: %+v", issued)
	}

	t.Run("the list has the invites without tokens", func(t *testing.T) {
		list, err := app.ListInvites(ctx, orga, "einladung")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != issued[0].ID || list[0].Email != "anna@stadt.de" || list[1].ID != issued[1].ID || list[1].Email != "ben@stadt.de" {
			t.Fatalf("list = %+v", list)
		}
		if list[0].TokenHash == issued[0].Token {
			t.Error("the store keeps the raw token")
		}
	})
	t.Run("an invalid list stores nothing and reports every line", func(t *testing.T) {
		_, err := app.CreateInvites(ctx, orga, "einladung", "neu@stadt.de\nkaputt\n\nauch kaputt@")
		wantCode(t, err, backend.EINVALID)
		if got := lineCodes(t, err); !slices.Equal(got, []string{"2:emails:invalid", "4:emails:invalid"}) {
			t.Errorf("errors = %v", got)
		}
		list, _ := app.ListInvites(ctx, orga, "einladung")
		if len(list) != 2 {
			t.Errorf("%d invites after a rejected list, want 2", len(list))
		}
	})
	t.Run("HTML and SQL in an address that is valid are stored verbatim", func(t *testing.T) {
		got := MustInvite(t, app, orga, "einladung", `o'brien+'--@stadt.de`)
		if _, ok := got[`o'brien+'--@stadt.de`]; !ok {
			t.Fatalf("issued %v", got)
		}
		list, _ := app.ListInvites(ctx, orga, "einladung")
		if len(list) != 3 || list[2].Email != `o'brien+'--@stadt.de` {
			t.Fatalf("list = %+v", list)
		}
	})
	t.Run("who may invite", func(t *testing.T) {
		participant, _ := MustJoin(t, app, "einladung", conf.JoinCode, "Paula", "")
		for name, tt := range map[string]struct {
			actor backend.Actor
			want  string
		}{
			"a visitor must log in":                  {backend.Actor{}, backend.EUNAUTHORIZED},
			"a participant must log in":              {participant, backend.EUNAUTHORIZED},
			"an account that is no organiser":        {backend.Actor{Account: &backend.Account{ID: 99, Email: "gast@stadt.example", Role: "participant"}}, backend.EFORBIDDEN},
			"an organiser who also joined may":       {backend.Actor{Account: orga.Account, ParticipantKey: participant.ParticipantKey}, ""},
			"the organiser in an unknown conference": {orga, backend.ENOTFOUND},
		} {
			t.Run(name, func(t *testing.T) {
				slug := "einladung"
				if strings.Contains(name, "unknown") {
					slug = "gibt-es-nicht"
				}
				_, err := app.CreateInvites(ctx, tt.actor, slug, "wer@stadt.de")
				wantCode(t, err, tt.want)
				_, err = app.ListInvites(ctx, tt.actor, slug)
				wantCode(t, err, tt.want)
			})
		}
	})
	t.Run("a draft may be invited to, an archived conference not", func(t *testing.T) {
		MustCreateMarket(t, app, orga, marketInput("entwurf"), backend.PhaseDraft)
		if _, err := app.CreateInvites(ctx, orga, "entwurf", "a@stadt.de"); err != nil {
			t.Errorf("invite to a draft: %v", err)
		}
		MustCreateMarket(t, app, orga, marketInput("archiv"), backend.PhaseArchived)
		_, err := app.CreateInvites(ctx, orga, "archiv", "a@stadt.de")
		wantCode(t, err, backend.ECONFLICT)
		list, err := app.ListInvites(ctx, orga, "archiv")
		if err != nil || len(list) != 0 {
			t.Errorf("archived list = %+v (%v), want empty", list, err)
		}
	})
}

func TestJoinWithInvite(t *testing.T) {
	app, clk, orga, conf := inviteMarket(t)
	ctx := t.Context()
	invites := MustInvite(t, app, orga, "einladung", "anna@stadt.de\nben@stadt.de\ncarla@stadt.de")
	anna := invites["anna@stadt.de"]

	browser := backend.Actor{ParticipantKey: backend.RandomToken()}
	var annaP *backend.Participant
	t.Run("the link joins without the code", func(t *testing.T) {
		clk.Set(t0.Add(time.Hour))
		p, key, err := app.Join(ctx, browser, "einladung", backend.JoinInput{Invite: anna.Token, DisplayName: "Anna", Department: "Bauamt"})
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || key != browser.ParticipantKey || p.DisplayName != "Anna" || p.Department != "Bauamt" || p.Role != backend.RoleParticipant {
			t.Fatalf("participant %+v key %q", p, key)
		}
		annaP = p
		list, _ := app.ListInvites(ctx, orga, "einladung")
		if list[0].UsedAt == nil || !list[0].UsedAt.Equal(t0.Add(time.Hour)) || list[0].ParticipantID == nil || *list[0].ParticipantID != p.ID {
			t.Errorf("invite after use = %+v, want used at %v by %d", *list[0], t0.Add(time.Hour), p.ID)
		}
		if list[1].UsedAt != nil || list[1].ParticipantID != nil {
			t.Errorf("Ben's invite = %+v, want unused", *list[1])
		}
	})
	t.Run("the same browser may use the link again and keeps its membership", func(t *testing.T) {
		p, _, err := app.Join(ctx, browser, "einladung", backend.JoinInput{Invite: " " + anna.Token + " ", DisplayName: "Anna Autorin"})
		if err != nil || p.ID != annaP.ID || p.DisplayName != "Anna Autorin" {
			t.Fatalf("second use = %+v (%v), want participant %d renamed", p, err, annaP.ID)
		}
	})
	t.Run("another browser with the same link is refused", func(t *testing.T) {
		before := countChanges(t, app, backend.EntityParticipant, backend.OpCreate)
		other := backend.Actor{ParticipantKey: backend.RandomToken()}
		p, key, err := app.Join(ctx, other, "einladung", backend.JoinInput{Invite: anna.Token, DisplayName: "Mallory"})
		wantFields(t, err, "invite:used")
		if p != nil || key != "" {
			t.Errorf("participant %+v key %q on failure", p, key)
		}
		if n := countChanges(t, app, backend.EntityParticipant, backend.OpCreate) - before; n != 0 {
			t.Errorf("%d participants created", n)
		}
		_, err = app.Membership(ctx, other, "einladung")
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a member of the conference cannot take over someone else's used link", func(t *testing.T) {
		ben, _ := MustJoin(t, app, "einladung", conf.JoinCode, "Ben", "")
		_, _, err := app.Join(ctx, ben, "einladung", backend.JoinInput{Invite: anna.Token, DisplayName: "Ben"})
		wantFields(t, err, "invite:used")
	})
	t.Run("an unknown token is refused on field invite, with the other problems", func(t *testing.T) {
		_, _, err := app.Join(ctx, backend.Actor{}, "einladung", backend.JoinInput{Invite: "erfunden", Department: "Zoo"})
		wantFields(t, err, "department:unknown", "displayName:required", "invite:unknown")
	})
	t.Run("an invite works only in its conference", func(t *testing.T) {
		MustCreateMarket(t, app, orga, marketInput("andere"), backend.PhaseIdeas)
		_, _, err := app.Join(ctx, backend.Actor{}, "andere", backend.JoinInput{Invite: invites["ben@stadt.de"].Token, DisplayName: "Ben"})
		wantFields(t, err, "invite:unknown")
	})
	t.Run("reissuing makes the old link fail and the new one work", func(t *testing.T) {
		clk.Set(t0.Add(2 * time.Hour))
		old := invites["ben@stadt.de"]
		again := MustInvite(t, app, orga, "einladung", "ben@stadt.de\nanna@stadt.de\nneu@stadt.de")
		ben, annaAgain, neu := again["ben@stadt.de"], again["anna@stadt.de"], again["neu@stadt.de"]
		if !ben.Reissued || ben.ID != old.ID || ben.Token == old.Token || !ben.CreatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("reissued Ben = %+v reissued %v, want the same invite with a new token", *ben.Invite, ben.Reissued)
		}
		if !annaAgain.Reissued || annaAgain.ID != anna.ID || annaAgain.UsedAt == nil || annaAgain.ParticipantID == nil || *annaAgain.ParticipantID != annaP.ID {
			t.Errorf("reissued Anna = %+v, want used by %d still", *annaAgain.Invite, annaP.ID)
		}
		if neu.Reissued {
			t.Error("a new address is reported as reissued")
		}
		if list, _ := app.ListInvites(ctx, orga, "einladung"); len(list) != 4 {
			t.Errorf("%d invites after reissuing, want 4 (anna, ben, carla, neu)", len(list))
		}
		_, _, err := app.Join(ctx, backend.Actor{}, "einladung", backend.JoinInput{Invite: old.Token, DisplayName: "Ben"})
		wantFields(t, err, "invite:unknown")
		p, _, err := app.Join(ctx, backend.Actor{}, "einladung", backend.JoinInput{Invite: ben.Token, DisplayName: "Ben"})
		if err != nil || p.DisplayName != "Ben" {
			t.Fatalf("join with the new link: %+v, %v", p, err)
		}
	})
	t.Run("an invite does not open an archived conference", func(t *testing.T) {
		carla := invites["carla@stadt.de"]
		MustSetPhases(t, app, orga, "einladung", backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived)
		_, _, err := app.Join(ctx, backend.Actor{}, "einladung", backend.JoinInput{Invite: carla.Token, DisplayName: "Carla"})
		wantCode(t, err, backend.ECONFLICT)
		list, _ := app.ListInvites(ctx, orga, "einladung")
		if list[2].Email != "carla@stadt.de" || list[2].UsedAt != nil {
			t.Errorf("Carla's invite = %+v, want unused", *list[2])
		}
	})
}

// Several browsers opening the same link at the same moment: one gets the
// membership, the others are told the link was used.
func TestJoinWithInviteConcurrently(t *testing.T) {
	app, _, orga, _ := inviteMarket(t)
	token := MustInvite(t, app, orga, "einladung", "geteilt@stadt.de")["geteilt@stadt.de"].Token
	before := countChanges(t, app, backend.EntityParticipant, backend.OpCreate)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, _, errs[i] = app.Join(t.Context(), backend.Actor{ParticipantKey: backend.RandomToken()}, "einladung",
				backend.JoinInput{Invite: token, DisplayName: fmt.Sprintf("Browser %d", i)})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if got := fieldCodes(t, err); !slices.Equal(got, []string{"invite:used"}) {
			t.Errorf("join %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d joins succeeded, want 1", ok)
	}
	if got := countChanges(t, app, backend.EntityParticipant, backend.OpCreate) - before; got != 1 {
		t.Errorf("%d participants created, want 1", got)
	}
}

func TestLeave(t *testing.T) {
	m := MustMarket(t, nil)
	app, ctx := m.app, t.Context()
	issued := MustInvite(t, app, m.orga, "markt", "leaver@stadt.de")
	leaver := backend.Actor{ParticipantKey: backend.RandomToken()}
	leaverP, _, err := app.Join(ctx, leaver, "markt", backend.JoinInput{Invite: issued["leaver@stadt.de"].Token, DisplayName: "Lea Löschmich", Department: "Bauamt"})
	if err != nil {
		t.Fatal(err)
	}
	own := MustSubmit(t, app, leaver, "markt", idea("Weniger Papier im Amt"))
	otherIdea := MustSubmit(t, app, m.other, "markt", idea("Mehr Pflanzen im Büro"))
	comment, err := app.AddComment(ctx, leaver, otherIdea.ID, backend.CommentInput{Body: "Gute Idee, Lea findet das auch."})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := app.AddComment(ctx, m.other, otherIdea.ID, backend.CommentInput{Body: "Danke!", ParentID: &comment.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []backend.Actor{leaver, m.other} {
		if _, err := app.SetSupport(ctx, a, own.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.SetSupport(ctx, leaver, otherIdea.ID, true); err != nil {
		t.Fatal(err)
	}

	t.Run("not joined is not found", func(t *testing.T) {
		for _, a := range []backend.Actor{{}, {ParticipantKey: backend.RandomToken()}, m.orga} { // visitor, unknown key, organiser
			wantCode(t, app.Leave(ctx, a, "markt"), backend.ENOTFOUND)
		}
		wantCode(t, app.Leave(ctx, leaver, "gibt-es-nicht"), backend.ENOTFOUND)
	})
	t.Run("a member of another conference cannot leave this one", func(t *testing.T) {
		MustCreateMarket(t, app, m.orga, marketInput("andere"), backend.PhaseIdeas)
		wantCode(t, app.Leave(ctx, leaver, "andere"), backend.ENOTFOUND)
	})

	if err := app.Leave(ctx, leaver, "markt"); err != nil {
		t.Fatalf("leave: %v", err)
	}

	t.Run("the membership is gone", func(t *testing.T) {
		_, err := app.Membership(ctx, leaver, "markt")
		wantCode(t, err, backend.ENOTFOUND)
		stored, err := app.Store.FindParticipantByID(ctx, leaverP.ID)
		if err != nil || stored.DisplayName != "" || stored.Department != "" || stored.KeyHash != "" || stored.LeftAt == nil || !stored.LeftAt.Equal(t0) {
			t.Errorf("stored participant = %+v (%v), want erased and left at %v", stored, err, t0)
		}
		list, _ := app.ListParticipants(ctx, m.orga, "markt")
		for _, p := range list {
			if p.ID == leaverP.ID {
				t.Errorf("participant list still has %+v", p)
			}
		}
		if len(list) != 3 {
			t.Errorf("%d participants listed, want 3", len(list))
		}
		wantCode(t, app.Leave(ctx, leaver, "markt"), backend.ENOTFOUND)
	})
	t.Run("the idea stays without a name and keeps its supports", func(t *testing.T) {
		for name, a := range map[string]backend.Actor{"organiser": m.orga, "colleague": m.other, "visitor": {}} {
			got, err := app.GetIdea(ctx, a, own.ID)
			if err != nil || got.AuthorName != "" || got.Title != "Weniger Papier im Amt" || got.SupportCount != 2 || got.Mine {
				t.Errorf("%s sees %+v (%v), want the idea without a name and 2 supports", name, got.Idea, err)
			}
		}
		got, _ := app.GetIdea(ctx, m.other, otherIdea.ID)
		if got.SupportCount != 1 {
			t.Errorf("support count of the idea the leaver supported = %d, want 1", got.SupportCount)
		}
	})
	t.Run("comments stay without a name", func(t *testing.T) {
		list, err := app.ListComments(ctx, m.other, otherIdea.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("comments = %+v (%v)", list, err)
		}
		if list[0].ID != comment.ID || list[0].AuthorName != "" || list[0].Body != "Gute Idee, Lea findet das auch." || list[0].Mine {
			t.Errorf("leaver's comment = %+v", *list[0].Comment)
		}
		if list[1].ID != reply.ID || list[1].AuthorName != "Otto Andere" {
			t.Errorf("reply = %+v, want Otto's name kept", *list[1].Comment)
		}
	})
	t.Run("the invite keeps its use but loses the address", func(t *testing.T) {
		list, _ := app.ListInvites(ctx, m.orga, "markt")
		if len(list) != 1 || list[0].Email != "" || list[0].ParticipantID == nil || *list[0].ParticipantID != leaverP.ID {
			t.Fatalf("invites = %+v", list)
		}
	})
	t.Run("the address can be invited again, with a new invite", func(t *testing.T) {
		again := MustInvite(t, app, m.orga, "markt", "leaver@stadt.de")["leaver@stadt.de"]
		if again.Reissued || again.ID == issued["leaver@stadt.de"].ID || again.UsedAt != nil {
			t.Fatalf("invite after leaving = %+v (reissued %v), want a new one", *again.Invite, again.Reissued)
		}
		p, _, err := app.Join(ctx, backend.Actor{ParticipantKey: backend.RandomToken()}, "markt", backend.JoinInput{Invite: again.Token, DisplayName: "Lea"})
		if err != nil || p.ID == leaverP.ID {
			t.Fatalf("join with the new invite = %+v, %v", p, err)
		}
		wantCode(t, app.Leave(ctx, backend.Actor{ParticipantKey: "x"}, "markt"), backend.ENOTFOUND)
	})
	t.Run("the same browser can join again as a new participant", func(t *testing.T) {
		p, _, err := app.Join(ctx, leaver, "markt", backend.JoinInput{Code: m.conf.JoinCode, DisplayName: "Lea Neu"})
		if err != nil || p.ID == leaverP.ID || p.ID == 0 {
			t.Fatalf("rejoin = %+v (%v), want a new participant (old %d)", p, err, leaverP.ID)
		}
		got, _ := app.GetIdea(ctx, leaver, own.ID)
		if got.Mine || got.Supported || got.CanEdit {
			t.Errorf("the new membership owns the old idea: %+v", got)
		}
	})
	t.Run("leaving works in the closed and archived phases", func(t *testing.T) {
		m2 := MustMarket(t, nil)
		MustSetPhases(t, m2.app, m2.orga, "markt", backend.PhaseLive, backend.PhaseClosed)
		if err := m2.app.Leave(ctx, m2.author, "markt"); err != nil {
			t.Errorf("leave a closed conference: %v", err)
		}
		MustSetPhases(t, m2.app, m2.orga, "markt", backend.PhaseArchived)
		if err := m2.app.Leave(ctx, m2.other, "markt"); err != nil {
			t.Errorf("leave an archived conference: %v", err)
		}
		_, err := m2.app.Membership(ctx, m2.other, "markt")
		wantCode(t, err, backend.ENOTFOUND)
	})
}
