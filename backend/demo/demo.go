// Package demo seeds a demo conference with real proposals and comments from
// the Berlin Senate's online participation on the Tempelhofer Feld
// (2014–2015), so that a newcomer sees a living idea market right away. The
// data, its source and its licence (CC BY-SA 3.0) are in data/.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
)

//go:embed data/thf_proposals.csv
var proposals []byte

//go:embed data/thf_comments.csv
var comments []byte

// Slug is the demo conference's address.
const Slug = "demo-tempelhofer-feld"

const description = `Eine Beispielkonferenz zum Ausprobieren: Der Markt der Ideen ist mit echten Vorschlägen
und Kommentaren aus der Online-Beteiligung des Berliner Senats zur Zukunft des Tempelhofer Feldes
(2014–2015) gefüllt.

Quelle: THF Airport ArgMining Corpus v1.0 (Matthias Liebeck, Katharina Esau, Stefan Conrad,
Heinrich-Heine-Universität Düsseldorf, 2016). Lizenz: Creative Commons Namensnennung –
Weitergabe unter gleichen Bedingungen 3.0 (CC BY-SA 3.0).`

// Seed creates the demo conference in the ideas phase and imports the
// proposals and comments into it. If it exists already, Seed does nothing
// and reports created = false, so that it can run on every start; a demo
// left as a draft by an interrupted run is finished.
func Seed(ctx context.Context, app *backend.App, actor backend.Actor, now time.Time) (created bool, err error) {
	conf, err := app.GetConference(ctx, actor, Slug)
	switch {
	case err == nil && conf.Phase != backend.PhaseDraft:
		return false, nil
	case err == nil:
		// Still a draft: an earlier run stopped halfway. Finish it.
	case backend.ErrorCode(err) != backend.ENOTFOUND:
		return false, err
	default:
		start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 30).Add(8 * time.Hour)
		if _, err := app.CreateConference(ctx, actor, backend.ConferenceInput{
			Slug: Slug, Title: "Markt der Ideen – Demo (Tempelhofer Feld)", Description: description,
			StartsAt: start, EndsAt: start.Add(8 * time.Hour), Venue: "Tempelhofer Feld, Berlin", Capacity: 450,
			Anonymity: backend.AnonymityAllowed,
		}); err != nil {
			return false, err
		}
	}
	// The import is one transaction: either all ideas are there or none.
	if _, total, err := app.ListIdeas(ctx, actor, Slug, backend.IdeaQuery{Limit: 1}); err != nil {
		return false, err
	} else if total == 0 {
		req, err := csvimport.Read(bytes.NewReader(proposals), bytes.NewReader(comments))
		if err != nil {
			return false, err
		}
		if _, err := app.Import(ctx, actor, Slug, req); err != nil {
			return false, err
		}
	}
	if _, err := app.SetPhase(ctx, actor, Slug, backend.PhaseIdeas, nil); err != nil {
		return false, err
	}
	return true, nil
}
