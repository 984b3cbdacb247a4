package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

func TestSubmitIdeaPhases(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	tests := []struct {
		name      string
		lateIdeas bool
		moves     []backend.Phase // after joining in the ideas phase
		want      string
	}{
		{"ideas is open", false, nil, ""},
		{"live without late ideas is a conflict", false, []backend.Phase{backend.PhaseLive}, backend.ECONFLICT},
		{"live with late ideas is open", true, []backend.Phase{backend.PhaseLive}, ""},
		{"closed is a conflict", false, []backend.Phase{backend.PhaseLive, backend.PhaseClosed}, backend.ECONFLICT},
		{"closed with late ideas is a conflict", true, []backend.Phase{backend.PhaseLive, backend.PhaseClosed}, backend.ECONFLICT},
		{"archived is a conflict", true, []backend.Phase{backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived}, backend.ECONFLICT},
		// A draft is invisible to everyone but organisers, participants included.
		{"back in draft is not found", false, []backend.Phase{backend.PhaseDraft}, backend.ENOTFOUND},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := fmt.Sprintf("phase-%d", n)
			in := marketInput(slug)
			in.LateIdeas = tt.lateIdeas
			conf := MustCreateMarket(t, app, orga, in, backend.PhaseIdeas)
			actor, _ := MustJoin(t, app, slug, conf.JoinCode, "Anna", "")
			MustSetPhases(t, app, orga, slug, tt.moves...)
			v, err := app.SubmitIdea(t.Context(), actor, slug, idea("Digitale Akte"))
			wantCode(t, err, tt.want)
			_, total, lerr := app.ListIdeas(t.Context(), orga, slug, backend.IdeaQuery{})
			if lerr != nil {
				t.Fatal(lerr)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.want == ""]; total != want {
				t.Errorf("stored ideas = %d, want %d", total, want)
			}
			if tt.want == "" && (v.ID == 0 || v.Version != 1 || v.Status != backend.IdeaNew || !v.Mine || !v.CanEdit) {
				t.Errorf("view = %+v (mine %v, canEdit %v), want a new idea at version 1, mine and editable", *v.Idea, v.Mine, v.CanEdit)
			}
		})
	}
}

func TestSubmitIdeaActors(t *testing.T) {
	m := MustMarket(t, nil)
	tests := []struct {
		name  string
		actor backend.Actor
		want  string
	}{
		{"a visitor must join first", backend.Actor{}, backend.EUNAUTHORIZED},
		{"an unknown browser key must join first", backend.Actor{ParticipantKey: backend.RandomToken()}, backend.EUNAUTHORIZED},
		{"an organiser without participation is forbidden", m.orga, backend.EFORBIDDEN},
		{"a participant may", m.other, ""},
		{"a moderator may", m.moderator, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, before, _ := m.app.ListIdeas(t.Context(), m.orga, "markt", backend.IdeaQuery{})
			_, err := m.app.SubmitIdea(t.Context(), tt.actor, "markt", idea("Eine Idee von "+tt.name))
			wantCode(t, err, tt.want)
			_, after, _ := m.app.ListIdeas(t.Context(), m.orga, "markt", backend.IdeaQuery{})
			if want := before + map[bool]int{true: 1, false: 0}[tt.want == ""]; after != want {
				t.Errorf("stored ideas = %d, want %d", after, want)
			}
		})
	}
	t.Run("an organiser who joined submits as that participant", func(t *testing.T) {
		joined := m.orga
		joined.ParticipantKey = backend.RandomToken()
		if _, _, err := m.app.Join(t.Context(), joined, "markt", backend.JoinInput{Code: m.conf.JoinCode, DisplayName: "Olga Orga"}); err != nil {
			t.Fatal(err)
		}
		v, err := m.app.SubmitIdea(t.Context(), joined, "markt", idea("Idee der Orga"))
		if err != nil || v.AuthorName != "Olga Orga" || !v.Mine {
			t.Fatalf("submit = author %q mine %v (%v), want Olga Orga and mine", v.AuthorName, v.Mine, err)
		}
	})
	t.Run("an unknown conference is not found", func(t *testing.T) {
		_, err := m.app.SubmitIdea(t.Context(), m.author, "gibt-es-nicht", idea("Irgendwo"))
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestSubmitIdeaValidation(t *testing.T) {
	m := MustMarket(t, nil)
	rep := strings.Repeat
	tests := []struct {
		name   string
		modify func(in *backend.IdeaInput)
		want   []string // sorted "field:code"; nil means valid
	}{
		{"title: 2 characters are too short", func(in *backend.IdeaInput) { in.Title = "äö" }, []string{"title:too_short"}},
		{"title: 3 characters are fine", func(in *backend.IdeaInput) { in.Title = "äöü" }, nil},
		{"title: 140 characters are fine", func(in *backend.IdeaInput) { in.Title = rep("ß", 140) }, nil},
		{"title: 141 characters are too long", func(in *backend.IdeaInput) { in.Title = rep("ß", 141) }, []string{"title:too_long"}},
		{"title: empty is required", func(in *backend.IdeaInput) { in.Title = "  " }, []string{"title:required"}},
		{"body: 10,000 characters are fine", func(in *backend.IdeaInput) { in.Body = rep("ä", 10000) }, nil},
		{"body: 10,001 characters are too long", func(in *backend.IdeaInput) { in.Body = rep("ä", 10001) }, []string{"body:too_long"}},
		{"body: NUL is a control character", func(in *backend.IdeaInput) { in.Body = "a\x00b" }, []string{"body:control_char"}},
		{"topic: required when the conference has topics", func(in *backend.IdeaInput) { in.Topic = "" }, []string{"topic:required"}},
		{"topic: one not in the list is unknown", func(in *backend.IdeaInput) { in.Topic = "Sport" }, []string{"topic:unknown"}},
		{"topic: surrounding spaces are trimmed", func(in *backend.IdeaInput) { in.Topic = " Umwelt " }, nil},
		{"department: one from the list is fine", func(in *backend.IdeaInput) { in.Department = "Personalamt" }, nil},
		{"department: one not in the list is unknown", func(in *backend.IdeaInput) { in.Department = "Zoo" }, []string{"department:unknown"}},
		{"everything wrong is reported at once", func(in *backend.IdeaInput) { *in = backend.IdeaInput{Title: "x", Topic: "Sport", Department: "Zoo"} },
			[]string{"department:unknown", "title:too_short", "topic:unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := idea("Gültige Idee")
			tt.modify(&in)
			_, before, _ := m.app.ListIdeas(t.Context(), m.orga, "markt", backend.IdeaQuery{})
			v, err := m.app.SubmitIdea(t.Context(), m.author, "markt", in)
			_, after, _ := m.app.ListIdeas(t.Context(), m.orga, "markt", backend.IdeaQuery{})
			if tt.want != nil {
				wantFields(t, err, tt.want...)
				if after != before {
					t.Errorf("stored ideas = %d after a rejected submit, want %d", after, before)
				}
				return
			}
			wantCode(t, err, "")
			got, err := m.app.GetIdea(t.Context(), m.author, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != strings.TrimSpace(in.Title) || got.Body != strings.TrimSpace(in.Body) || got.Topic != strings.TrimSpace(in.Topic) {
				t.Errorf("stored title %q topic %q body of %d bytes, want the input trimmed", got.Title, got.Topic, len(got.Body))
			}
			if after != before+1 {
				t.Errorf("stored ideas = %d, want %d", after, before+1)
			}
		})
	}
	t.Run("without topics in the conference no topic is needed, and none fits", func(t *testing.T) {
		app, _ := MustNewApp(t)
		orga := MustOrganizer(t, app)
		conf := MustCreateMarket(t, app, orga, validInput("ohne-themen"), backend.PhaseIdeas)
		actor, _ := MustJoin(t, app, "ohne-themen", conf.JoinCode, "Anna", "")
		if _, err := app.SubmitIdea(t.Context(), actor, "ohne-themen", backend.IdeaInput{Title: "Ohne Thema", Body: "Text"}); err != nil {
			t.Errorf("submit without topic: %v, want success", err)
		}
		_, err := app.SubmitIdea(t.Context(), actor, "ohne-themen", backend.IdeaInput{Title: "Mit Thema", Body: "Text", Topic: "Umwelt"})
		wantFields(t, err, "topic:unknown")
	})
}

func TestSubmitIdeaStoresMarkupVerbatim(t *testing.T) {
	m := MustMarket(t, nil)
	title := `<img src=x onerror="alert(1)"> & "Quotes" 'n' <b>fett</b>`
	body := "<script>alert(document.cookie)</script>\n\n" +
		"[Klick mich](javascript:alert(1)) <a href=\"javascript:alert('x')\">Link</a>\n" +
		"<iframe src=\"https://evil.example\"></iframe> ' OR 1=1; -- \u00e4\u00f6\u00fc \U0001F5F3"
	v := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: title, Body: body, Topic: "Umwelt"})
	if v.Title != title || v.Body != body {
		t.Errorf("submit answer: title %q body %q, want them verbatim", v.Title, v.Body)
	}
	t.Run("GetIdea", func(t *testing.T) {
		got, err := m.app.GetIdea(t.Context(), backend.Actor{}, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != title || got.Body != body {
			t.Errorf("title %q body %q\nwant title %q body %q", got.Title, got.Body, title, body)
		}
	})
	t.Run("ListIdeas", func(t *testing.T) {
		list, _, err := m.app.ListIdeas(t.Context(), backend.Actor{}, "markt", backend.IdeaQuery{})
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %d ideas (%v), want 1", len(list), err)
		}
		if list[0].Title != title || list[0].Body != body {
			t.Errorf("title %q body %q\nwant title %q body %q", list[0].Title, list[0].Body, title, body)
		}
	})
}

func TestSubmitIdeaDepartment(t *testing.T) {
	m := MustMarket(t, nil)
	noDeptActor, _ := MustJoin(t, m.app, "markt", m.conf.JoinCode, "Ohne Amt", "")
	tests := []struct {
		name      string
		actor     backend.Actor
		dept      string
		want      string
		anonymous bool
	}{
		{"empty takes the participant's department", m.author, "", "Bauamt", false},
		{"blank takes the participant's department", m.author, "  ", "Bauamt", false},
		{"an explicit department wins", m.author, "Personalamt", "Personalamt", false},
		{"a participant without department leaves it empty", noDeptActor, "", "", false},
		// A small department could give an anonymous author away.
		{"an anonymous idea does not take the participant's department", m.author, "", "", true},
		{"an anonymous idea keeps an explicit department", m.author, "Ordnungsamt", "Ordnungsamt", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := idea("Abteilung " + tt.name)
			in.Department, in.Anonymous = tt.dept, tt.anonymous
			v := MustSubmit(t, m.app, tt.actor, "markt", in)
			if got := MustStoredIdea(t, m.app, v.ID).Department; got != tt.want || v.Department != tt.want {
				t.Errorf("department stored %q, answered %q; want %q", got, v.Department, tt.want)
			}
		})
	}
}

func TestSubmitIdeaAnonymity(t *testing.T) {
	tests := []struct {
		policy    backend.Anonymity
		requested bool
		want      bool   // stored Anonymous
		wantErr   string // a field error on anonymous instead
	}{
		{backend.AnonymityNever, false, false, ""},
		{backend.AnonymityNever, true, false, "anonymous:not_allowed"},
		{backend.AnonymityAllowed, false, false, ""},
		{backend.AnonymityAllowed, true, true, ""},
		{backend.AnonymityAlways, false, true, ""},
		{backend.AnonymityAlways, true, true, ""},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/requested %v/", tt.policy, tt.requested)
		if tt.wantErr != "" {
			name += "rejected"
		} else {
			name += fmt.Sprintf("anonymous %v", tt.want)
		}
		t.Run(name, func(t *testing.T) {
			m := MustMarket(t, func(in *backend.ConferenceInput) { in.Anonymity = tt.policy })
			in := idea("Anonym oder nicht")
			in.Anonymous = tt.requested
			v, err := m.app.SubmitIdea(t.Context(), m.author, "markt", in)
			_, total, _ := m.app.ListIdeas(t.Context(), m.orga, "markt", backend.IdeaQuery{})
			if tt.wantErr != "" {
				wantFields(t, err, tt.wantErr)
				if total != 0 {
					t.Errorf("stored ideas = %d, want 0", total)
				}
				return
			}
			wantCode(t, err, "")
			stored := MustStoredIdea(t, m.app, v.ID)
			if stored.Anonymous != tt.want || v.Anonymous != tt.want {
				t.Errorf("anonymous stored %v, answered %v; want %v", stored.Anonymous, v.Anonymous, tt.want)
			}
			wantName := map[bool]string{false: "Anna Autorin", true: ""}[tt.want]
			if v.AuthorName != wantName {
				t.Errorf("answered author %q, want %q", v.AuthorName, wantName)
			}
			if stored.AuthorID == nil || *stored.AuthorID != m.authorP.ID {
				t.Errorf("stored author id %v, want %d (anonymous ideas still know their author)", stored.AuthorID, m.authorP.ID)
			}
		})
	}
}

func TestAnonymousIdeas(t *testing.T) {
	m := MustMarket(t, nil)
	anon := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Anonyme Idee", Body: "Geheim", Topic: "Umwelt", Anonymous: true})
	named := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Benannte Idee", Body: "Offen", Topic: "Umwelt"})
	if anon.AuthorName != "" || !anon.Mine || !anon.CanEdit {
		t.Errorf("submit answer: author %q mine %v canEdit %v; want no name, mine, editable", anon.AuthorName, anon.Mine, anon.CanEdit)
	}
	viewers := []struct {
		name          string
		actor         backend.Actor
		mine, canEdit bool
	}{
		{"visitor", backend.Actor{}, false, false},
		{"another participant", m.other, false, false},
		{"moderator", m.moderator, false, true},
		{"organiser", m.orga, false, true},
		{"author", m.author, true, true},
	}
	for _, vw := range viewers {
		t.Run(vw.name, func(t *testing.T) {
			got, err := m.app.GetIdea(t.Context(), vw.actor, anon.ID)
			if err != nil {
				t.Fatal(err)
			}
			list, _, err := m.app.ListIdeas(t.Context(), vw.actor, "markt", backend.IdeaQuery{})
			if err != nil {
				t.Fatal(err)
			}
			views := map[string]backend.IdeaView{"GetIdea": got}
			for _, v := range list {
				views[fmt.Sprintf("ListIdeas #%d", v.ID)] = v
			}
			if len(views) != 3 {
				t.Fatalf("views = %d, want GetIdea and two listed ideas", len(views))
			}
			for where, v := range views {
				wantName := map[int64]string{anon.ID: "", named.ID: "Anna Autorin"}[v.ID]
				if v.AuthorName != wantName {
					t.Errorf("%s: idea %d author %q, want %q", where, v.ID, v.AuthorName, wantName)
				}
				if v.Mine != vw.mine || v.CanEdit != vw.canEdit {
					t.Errorf("%s: idea %d mine %v canEdit %v, want %v %v", where, v.ID, v.Mine, v.CanEdit, vw.mine, vw.canEdit)
				}
			}
		})
	}
	t.Run("the author can edit it and it stays anonymous", func(t *testing.T) {
		title := "Anonyme Idee, überarbeitet"
		v, err := m.app.UpdateIdea(t.Context(), m.author, anon.ID, backend.IdeaUpdate{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		if v.Title != title || v.AuthorName != "" || !v.Anonymous || !v.Mine {
			t.Errorf("after edit: title %q author %q anonymous %v mine %v; want %q, no name, anonymous, mine", v.Title, v.AuthorName, v.Anonymous, v.Mine, title)
		}
		if stored := MustStoredIdea(t, m.app, anon.ID); stored.Title != title {
			t.Errorf("stored title %q, want %q", stored.Title, title)
		}
	})
	t.Run("a stored name of an anonymous idea is not shown either", func(t *testing.T) {
		// Imports and older rows may carry a name; the view must still hide it.
		imported := &backend.Idea{ConferenceID: m.conf.ID, Title: "Importierte Idee", Body: "Aus der Umfrage", Topic: "Umwelt",
			AuthorName: "Ingrid Import", Anonymous: true, Status: backend.IdeaNew, CreatedAt: t0, UpdatedAt: t0}
		if err := m.app.Store.CreateIdea(t.Context(), imported); err != nil {
			t.Fatal(err)
		}
		for _, actor := range []backend.Actor{{}, m.other, m.moderator, m.orga} {
			got, err := m.app.GetIdea(t.Context(), actor, imported.ID)
			if err != nil || got.AuthorName != "" {
				t.Errorf("GetIdea: author %q (%v), want none", got.AuthorName, err)
			}
			list, _, err := m.app.ListIdeas(t.Context(), actor, "markt", backend.IdeaQuery{})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range list {
				if v.ID == imported.ID && v.AuthorName != "" {
					t.Errorf("ListIdeas: author %q, want none", v.AuthorName)
				}
			}
		}
	})
	t.Run("the name is not even stored, the author id is", func(t *testing.T) {
		stored := MustStoredIdea(t, m.app, anon.ID)
		if stored.AuthorName != "" || stored.AuthorID == nil || *stored.AuthorID != m.authorP.ID {
			t.Errorf("stored author name %q id %v, want no name and id %d", stored.AuthorName, stored.AuthorID, m.authorP.ID)
		}
		if stored := MustStoredIdea(t, m.app, named.ID); stored.AuthorName != "Anna Autorin" {
			t.Errorf("named idea: stored author name %q, want %q", stored.AuthorName, "Anna Autorin")
		}
	})
}
