package indexer

import (
	"context"
	"fmt"

	"ideenmarkt/backend"
)

// Rebuild indexes every idea of every conference (drafts and hidden ideas
// included; merged ones are not listed and stay out), calling progress, if
// not nil, with the ideas done and the total after each batch. It returns
// the number of ideas it went through.
//
// The feed position is read before the first idea: when Rebuild is done the
// cursor is set to it, so every change committed during the rebuild is
// applied again afterwards (harmless: documents are rebuilt from the Store).
// While it runs the stored cursor is 0, so that a rebuild cut short (crash,
// Ctrl-C) is started over by the next Init instead of leaving a half-filled
// index that looks complete.
//
// Documents of ideas that no longer exist in the Store are not looked for
// (ideas are never deleted today); to drop everything, delete the index (the
// bleve directory, or the Meilisearch index) and start again.
func (x *Indexer) Rebuild(ctx context.Context, progress func(done, total int)) (int, error) {
	x.work.Lock()
	defer x.work.Unlock()
	if err := x.init(ctx); err != nil {
		return 0, err
	}
	return x.rebuild(ctx, progress)
}

func (x *Indexer) rebuild(ctx context.Context, progress func(done, total int)) (int, error) {
	x.setState(backend.IndexerRebuilding, nil)
	before, err := x.app.Store.LatestChangeSeq(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the feed position: %w", err)
	}
	if err := x.app.Store.SetSearchCursor(ctx, x.opts.Name, 0); err != nil {
		return 0, fmt.Errorf("reset search cursor: %w", err)
	}
	x.mu.Lock()
	x.cursor = 0
	x.needRebuild = true
	x.mu.Unlock()

	// The ids are listed first (one query per conference) so that the total
	// is known and ideas merged meanwhile shift no page.
	var ids [][]int64
	total := 0
	for offset := 0; ; offset += backend.MaxPageSize {
		confs, n, err := x.app.Store.FindConferences(ctx, backend.ConferenceFilter{IncludeDrafts: true, Offset: offset, Limit: backend.MaxPageSize})
		if err != nil {
			return 0, fmt.Errorf("list conferences: %w", err)
		}
		for _, c := range confs {
			titles, err := x.app.Store.FindIdeaTitles(ctx, c.ID)
			if err != nil {
				return 0, fmt.Errorf("list ideas of conference %d: %w", c.ID, err)
			}
			list := make([]int64, len(titles))
			for i, t := range titles {
				list[i] = t.ID
			}
			ids = append(ids, list)
			total += len(list)
		}
		if len(confs) == 0 || offset+len(confs) >= n {
			break
		}
	}
	if progress != nil {
		progress(0, total)
	}
	done := 0
	for _, list := range ids {
		for start := 0; start < len(list); start += x.opts.BatchSize {
			chunk := list[start:min(start+x.opts.BatchSize, len(list))]
			if err := x.apply(ctx, chunk); err != nil {
				return done, err
			}
			done += len(chunk)
			if progress != nil {
				progress(done, total)
			}
		}
	}
	if err := x.app.Store.SetSearchCursor(ctx, x.opts.Name, before); err != nil {
		return done, fmt.Errorf("save search cursor: %w", err)
	}
	x.mu.Lock()
	x.cursor, x.needRebuild = before, false
	// Documents were built from whatever the conferences said while the
	// rebuild ran; the replayed changes must not be judged by a stale memo.
	x.known = map[int64]conferenceKey{}
	x.mu.Unlock()
	x.rebuilds.Add(1)
	return done, nil
}
