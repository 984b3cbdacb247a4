package storetest

import (
	"testing"

	"ideenmarkt/backend"
)

// testSearchCursor: the indexer's persisted position and the feed's head.
func testSearchCursor(t *testing.T, open Opener) {
	t.Run("UnsetIsZero", func(t *testing.T) {
		s := open(t)
		got, err := s.SearchCursor(t.Context(), "bleve/ideas_v1")
		if err != nil || got != 0 {
			t.Fatalf("SearchCursor of an unknown name = %d, %v; want 0, nil", got, err)
		}
	})
	t.Run("SetReadsBackAndReplaces", func(t *testing.T) {
		s := open(t)
		for _, seq := range []int64{42, 7, 0, 1 << 40} { // a rebuild may move it back
			mustNoErr(t, s.SetSearchCursor(t.Context(), "meili/ideas_v1", seq), "set cursor")
			got, err := s.SearchCursor(t.Context(), "meili/ideas_v1")
			if err != nil || got != seq {
				t.Fatalf("SearchCursor after setting %d = %d, %v", seq, got, err)
			}
		}
	})
	t.Run("NamesAreIndependent", func(t *testing.T) {
		s := open(t)
		mustNoErr(t, s.SetSearchCursor(t.Context(), "bleve/ideas_v1", 10), "set bleve v1")
		mustNoErr(t, s.SetSearchCursor(t.Context(), "bleve/ideas_v2", 20), "set bleve v2")
		for name, want := range map[string]int64{"bleve/ideas_v1": 10, "bleve/ideas_v2": 20, "meili/ideas_v1": 0} {
			if got, err := s.SearchCursor(t.Context(), name); err != nil || got != want {
				t.Errorf("SearchCursor(%q) = %d, %v; want %d", name, got, err, want)
			}
		}
	})
	t.Run("EmptyNameIsInvalid", func(t *testing.T) {
		s := open(t)
		_, err := s.SearchCursor(t.Context(), "")
		wantCode(t, err, backend.EINVALID)
		wantCode(t, s.SetSearchCursor(t.Context(), "", 1), backend.EINVALID)
	})
	t.Run("CursorWritesRecordNoChange", func(t *testing.T) {
		s := open(t)
		MustCreateConference(t, s, "cursor")
		before, err := s.LatestChangeSeq(t.Context())
		mustNoErr(t, err, "latest change")
		mustNoErr(t, s.SetSearchCursor(t.Context(), "bleve/ideas_v1", before), "set cursor")
		after, err := s.LatestChangeSeq(t.Context())
		mustNoErr(t, err, "latest change")
		if after != before {
			t.Fatalf("LatestChangeSeq = %d after a cursor write, want %d: the cursor must not feed the feed", after, before)
		}
	})
	t.Run("LatestChangeSeqIsTheFeedsHead", func(t *testing.T) {
		s := open(t)
		if got, err := s.LatestChangeSeq(t.Context()); err != nil || got != 0 {
			t.Fatalf("LatestChangeSeq of an empty store = %d, %v; want 0", got, err)
		}
		c := MustCreateConference(t, s, "kopf")
		MustCreateIdea(t, s, c, nil, "Erste Idee")
		MustCreateIdea(t, s, c, nil, "Zweite Idee")
		all, err := s.ChangesSince(t.Context(), 0, 100)
		mustNoErr(t, err, "changes")
		got, err := s.LatestChangeSeq(t.Context())
		mustNoErr(t, err, "latest change")
		if len(all) != 3 || got != all[len(all)-1].Seq {
			t.Fatalf("LatestChangeSeq = %d with changes %+v; want the last one's seq", got, all)
		}
	})
}
