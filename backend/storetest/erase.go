package storetest

import (
	"context"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testErase(t *testing.T, open Opener) {
	t.Run("ErasesPersonalDataOnly", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "erase")
		inv := MustSaveInvite(t, s, c, "anna@example.org", "token-anna")
		otherInv := MustSaveInvite(t, s, c, "bernd@example.org", "token-bernd")
		p := NewParticipant(c, "anna-key")
		p.DisplayName, p.Department, p.Role = "Anna Ärger 🚲", c.Departments[1], backend.RoleModerator
		mustNoErr(t, s.CreateParticipant(t.Context(), p, inv.ID), "join with invite")
		q := NewParticipant(c, "bernd-key")
		mustNoErr(t, s.CreateParticipant(t.Context(), q, otherInv.ID), "join q with invite")

		mine := MustCreateIdea(t, s, c, p, "Annas Idee")
		anon := NewIdea(c, p, "Annas anonyme Idee")
		anon.Anonymous = true
		mustNoErr(t, s.CreateIdea(t.Context(), anon), "create anonymous idea")
		theirs := MustCreateIdea(t, s, c, q, "Bernds Idee")
		imported := MustCreateIdea(t, s, c, nil, "Importiert")

		myComment := NewComment(theirs, p, "Annas Kommentar")
		mustNoErr(t, s.CreateComment(t.Context(), myComment), "comment by p")
		theirComment := NewComment(mine, q, "Bernds Kommentar")
		mustNoErr(t, s.CreateComment(t.Context(), theirComment), "comment by q")
		for _, sup := range []struct{ idea, who int64 }{{theirs.ID, p.ID}, {mine.ID, q.ID}, {mine.ID, p.ID}} {
			_, err := s.SetSupport(t.Context(), sup.idea, sup.who, true, now)
			mustNoErr(t, err, "support")
		}

		start := lastSeq(t, s)
		at := now.Add(48 * time.Hour)
		mustNoErr(t, s.EraseParticipant(t.Context(), p.ID, at), "erase")

		// The participant keeps its id, conference, role and join time; the rest is gone.
		want := *p
		want.DisplayName, want.Department, want.KeyHash, want.LeftAt = "", "", "", &at
		got, err := s.FindParticipantByID(t.Context(), p.ID)
		mustNoErr(t, err, "find erased")
		sameParticipant(t, got, &want)
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "anna-key")
		wantCode(t, err, backend.ENOTFOUND)
		gotQ, err := s.FindParticipantByID(t.Context(), q.ID)
		mustNoErr(t, err, "find other")
		sameParticipant(t, gotQ, q)

		// Ideas and comments stay, without the name; other people's keep theirs.
		for _, i := range []*backend.Idea{mine, anon} {
			got, err := s.FindIdeaByID(t.Context(), i.ID)
			mustNoErr(t, err, "find idea")
			if got.AuthorName != "" || got.AuthorID == nil || *got.AuthorID != p.ID || got.Title != i.Title {
				t.Fatalf("erased author's idea: author %q (id %s), title %q; want no name, author id %d and the title kept",
					got.AuthorName, fmtID(got.AuthorID), got.Title, p.ID)
			}
		}
		for _, i := range []*backend.Idea{theirs, imported} {
			got, err := s.FindIdeaByID(t.Context(), i.ID)
			mustNoErr(t, err, "find idea")
			if got.AuthorName != i.AuthorName {
				t.Fatalf("idea %d author name = %q, want %q untouched", i.ID, got.AuthorName, i.AuthorName)
			}
		}
		gotComment, err := s.FindCommentByID(t.Context(), myComment.ID)
		mustNoErr(t, err, "find comment")
		wantComment := *myComment
		wantComment.AuthorName = ""
		sameComment(t, gotComment, &wantComment)
		gotComment, err = s.FindCommentByID(t.Context(), theirComment.ID)
		mustNoErr(t, err, "find other comment")
		sameComment(t, gotComment, theirComment)

		// Supports stay and keep counting.
		if n := supportCount(t, s, mine.ID); n != 2 {
			t.Fatalf("support count of the erased author's idea = %d, want 2", n)
		}
		if n := supportCount(t, s, theirs.ID); n != 1 {
			t.Fatalf("support count of the idea the erased person supported = %d, want 1", n)
		}
		wantSupported(t, s, p.ID, []int64{mine.ID, theirs.ID, anon.ID}, mine.ID, theirs.ID)

		// The invite forgets the address but remembers that it was used.
		usedAt := p.CreatedAt
		inv.Email, inv.UsedAt, inv.ParticipantID = "", &usedAt, &p.ID
		otherInv.UsedAt, otherInv.ParticipantID = &q.CreatedAt, &q.ID
		wantInvites(t, s, c.ID, inv, otherInv)

		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: mine.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: anon.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)

		// Erased once, the address can be invited again: a new invite.
		again := MustSaveInvite(t, s, c, "anna@example.org", "token-anna-2")
		if again.ID == inv.ID || again.UsedAt != nil {
			t.Fatalf("re-invited address: invite %d used at %v, want a new unused invite (old one %d)", again.ID, again.UsedAt, inv.ID)
		}
	})
	t.Run("WithoutInviteOrIdeas", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "plain")
		p := MustCreateParticipant(t, s, c, "k")
		start := lastSeq(t, s)
		at := now.Add(time.Hour)
		mustNoErr(t, s.EraseParticipant(t.Context(), p.ID, at), "erase")
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
		got, err := s.FindParticipantByID(context.Background(), p.ID)
		mustNoErr(t, err, "find")
		if got.DisplayName != "" || got.KeyHash != "" || got.LeftAt == nil || !got.LeftAt.Equal(at) {
			t.Fatalf("erased participant = %+v, want no name, no key, left at %v", got, at)
		}
		again := MustCreateParticipant(t, s, c, "k") // the key is free again
		if again.ID == p.ID {
			t.Fatalf("rejoining reused id %d", p.ID)
		}
	})
	t.Run("UnknownIsNotFound", func(t *testing.T) {
		s := open(t)
		MustCreateConference(t, s, "nf")
		start := lastSeq(t, s)
		wantCode(t, s.EraseParticipant(t.Context(), 4711, now), backend.ENOTFOUND)
		wantChanges(t, s, start)
	})
}
