package backend_test

import (
	"fmt"
	"testing"

	"ideenmarkt/backend"
)

// roleCase is one kind of actor in the permission matrix.
type roleCase struct {
	name   string
	member func(author *backend.Participant, other *backend.Participant) backend.Member
}

var roleCases = []roleCase{
	{"visitor", func(_, _ *backend.Participant) backend.Member { return backend.Member{Role: backend.MemberVisitor} }},
	{"participant", func(_, other *backend.Participant) backend.Member {
		return backend.Member{Role: backend.MemberParticipant, Participant: other}
	}},
	{"author", func(author, _ *backend.Participant) backend.Member {
		return backend.Member{Role: backend.MemberParticipant, Participant: author}
	}},
	{"moderator", func(_, other *backend.Participant) backend.Member {
		return backend.Member{Role: backend.MemberModerator, Participant: other}
	}},
	{"organiser", func(_, _ *backend.Participant) backend.Member { return backend.Member{Role: backend.MemberOrganizer} }},
}

// want lists the expected error code per role, in roleCases order:
// visitor, participant, author, moderator, organiser. "" means allowed.
type want [5]string

const (
	ok     = ""
	unauth = backend.EUNAUTHORIZED
	forb   = backend.EFORBIDDEN
	confl  = backend.ECONFLICT
	nf     = backend.ENOTFOUND
)

// TestPermitMatrix walks every role × phase × action on a visible idea, a
// hidden idea and an idea of another conference. The expectations are written
// out by hand: they are the specification.
func TestPermitMatrix(t *testing.T) {
	author := &backend.Participant{ID: 1, ConferenceID: 7}
	other := &backend.Participant{ID: 2, ConferenceID: 7}
	authorID := author.ID
	visible := &backend.Idea{ID: 10, ConferenceID: 7, AuthorID: &authorID}
	hidden := &backend.Idea{ID: 11, ConferenceID: 7, AuthorID: &authorID, Hidden: true}
	foreign := &backend.Idea{ID: 12, ConferenceID: 8, AuthorID: &authorID}
	merged := &backend.Idea{ID: 13, ConferenceID: 7, AuthorID: &authorID, MergedIntoID: &visible.ID}
	locked := &backend.Idea{ID: 14, ConferenceID: 7, AuthorID: &authorID, CommentsLocked: true}

	type row struct {
		phase  backend.Phase
		act    backend.Action
		idea   *backend.Idea
		expect want
	}
	rows := []row{
		// Drafts exist only for organisers.
		{backend.PhaseDraft, backend.ActViewIdeas, nil, want{nf, nf, nf, nf, ok}},
		{backend.PhaseDraft, backend.ActSubmitIdea, nil, want{nf, nf, nf, nf, forb}},
		// The idea market.
		{backend.PhaseIdeas, backend.ActViewIdeas, nil, want{ok, ok, ok, ok, ok}},
		{backend.PhaseIdeas, backend.ActViewIdeas, visible, want{ok, ok, ok, ok, ok}},
		{backend.PhaseIdeas, backend.ActViewIdeas, hidden, want{nf, nf, ok, ok, ok}},
		{backend.PhaseIdeas, backend.ActViewIdeas, foreign, want{nf, nf, nf, nf, nf}},
		{backend.PhaseIdeas, backend.ActSubmitIdea, nil, want{unauth, ok, ok, ok, forb}},
		{backend.PhaseIdeas, backend.ActEditIdea, visible, want{unauth, forb, ok, ok, ok}},
		{backend.PhaseIdeas, backend.ActEditIdea, hidden, want{nf, nf, ok, ok, ok}},
		{backend.PhaseIdeas, backend.ActEditIdea, merged, want{unauth, forb, confl, confl, confl}},
		{backend.PhaseIdeas, backend.ActEditIdea, foreign, want{nf, nf, nf, nf, nf}},
		{backend.PhaseIdeas, backend.ActSupport, visible, want{unauth, ok, ok, ok, forb}},
		{backend.PhaseIdeas, backend.ActSupport, merged, want{unauth, confl, confl, confl, forb}},
		{backend.PhaseIdeas, backend.ActSupport, foreign, want{nf, nf, nf, nf, nf}},
		{backend.PhaseIdeas, backend.ActModerate, visible, want{unauth, forb, forb, ok, ok}},
		{backend.PhaseIdeas, backend.ActComment, visible, want{unauth, ok, ok, ok, forb}},
		{backend.PhaseIdeas, backend.ActComment, hidden, want{nf, nf, ok, ok, forb}},
		{backend.PhaseIdeas, backend.ActComment, locked, want{unauth, confl, confl, ok, forb}},
		{backend.PhaseIdeas, backend.ActComment, merged, want{unauth, confl, confl, confl, forb}},
		{backend.PhaseIdeas, backend.ActComment, foreign, want{nf, nf, nf, nf, nf}},
		// The conference day: no new ideas (unless late ideas), supports still count.
		{backend.PhaseLive, backend.ActSubmitIdea, nil, want{unauth, confl, confl, confl, forb}},
		{backend.PhaseLive, backend.ActEditIdea, visible, want{unauth, forb, confl, ok, ok}},
		{backend.PhaseLive, backend.ActSupport, visible, want{unauth, ok, ok, ok, forb}},
		// Afterwards: read-only for participants.
		{backend.PhaseClosed, backend.ActSupport, visible, want{unauth, confl, confl, confl, forb}},
		{backend.PhaseClosed, backend.ActModerate, visible, want{unauth, forb, forb, ok, ok}},
		{backend.PhaseClosed, backend.ActComment, visible, want{unauth, confl, confl, confl, forb}},
		{backend.PhaseArchived, backend.ActModerate, visible, want{unauth, forb, forb, confl, confl}},
		{backend.PhaseArchived, backend.ActEditIdea, visible, want{unauth, forb, confl, confl, confl}},
		{backend.PhaseArchived, backend.ActViewIdeas, visible, want{ok, ok, ok, ok, ok}},
	}
	for _, r := range rows {
		for n, rc := range roleCases {
			name := fmt.Sprintf("%s/%s/%s/%s", r.phase, r.act, ideaLabel(r.idea, visible, hidden, foreign, merged, locked), rc.name)
			t.Run(name, func(t *testing.T) {
				c := &backend.Conference{ID: 7, Phase: r.phase}
				got := backend.ErrorCode(backend.Permit(rc.member(author, other), c, r.act, r.idea))
				if got != r.expect[n] {
					t.Fatalf("Permit = %q, want %q", got, r.expect[n])
				}
			})
		}
	}
}

func TestPermitLateIdeas(t *testing.T) {
	p := &backend.Participant{ID: 2, ConferenceID: 7}
	m := backend.Member{Role: backend.MemberParticipant, Participant: p}
	c := &backend.Conference{ID: 7, Phase: backend.PhaseLive}
	if got := backend.ErrorCode(backend.Permit(m, c, backend.ActSubmitIdea, nil)); got != confl {
		t.Fatalf("submit on the day without late ideas = %q, want %q", got, confl)
	}
	c.LateIdeas = true
	if err := backend.Permit(m, c, backend.ActSubmitIdea, nil); err != nil {
		t.Fatalf("submit on the day with late ideas: %v, want allowed", err)
	}
	c.Phase = backend.PhaseClosed
	if got := backend.ErrorCode(backend.Permit(m, c, backend.ActSubmitIdea, nil)); got != confl {
		t.Fatalf("submit after the conference with late ideas = %q, want %q", got, confl)
	}
}

func ideaLabel(i, visible, hidden, foreign, merged, locked *backend.Idea) string {
	switch i {
	case nil:
		return "conference"
	case visible:
		return "idea"
	case hidden:
		return "hidden-idea"
	case foreign:
		return "other-conference-idea"
	case merged:
		return "merged-idea"
	case locked:
		return "locked-idea"
	}
	return "?"
}
