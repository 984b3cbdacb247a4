package meili

import (
	"context"
	"strconv"

	"ideenmarkt/backend"
)

// document is a backend.SearchDocument as stored in Meilisearch. Dates are
// unix seconds so that they sort; empty facet values are left out so that
// they appear in no facet.
type document struct {
	ID              int64    `json:"id"`
	ConferenceID    int64    `json:"conferenceId"`
	ConferenceSlug  string   `json:"conferenceSlug,omitempty"`
	ConferenceTitle string   `json:"conferenceTitle,omitempty"`
	Year            int      `json:"year,omitempty"`
	Title           string   `json:"title"`
	Body            string   `json:"body"`
	Topic           string   `json:"topic,omitempty"`
	Department      string   `json:"department,omitempty"`
	Status          string   `json:"status,omitempty"`
	OfficialAnswer  string   `json:"officialAnswer,omitempty"`
	ResponsibleUnit string   `json:"responsibleUnit,omitempty"`
	Sessions        []string `json:"sessions,omitempty"`
	Results         string   `json:"results,omitempty"`
	Comments        []string `json:"comments,omitempty"`
	Supports        int      `json:"supports"`
	Votes           int      `json:"votes"`
	Lineage         []int64  `json:"lineage,omitempty"`
	Hidden          bool     `json:"hidden"`
	CreatedAtUnix   int64    `json:"createdAtUnix"`
	UpdatedAtUnix   int64    `json:"updatedAtUnix"`
}

func toDocument(d backend.SearchDocument) document {
	return document{
		ID: d.ID, ConferenceID: d.ConferenceID, ConferenceSlug: d.ConferenceSlug, ConferenceTitle: d.ConferenceTitle,
		Year: d.Year, Title: d.Title, Body: d.Body, Topic: d.Topic, Department: d.Department, Status: d.Status,
		OfficialAnswer: d.OfficialAnswer, ResponsibleUnit: d.ResponsibleUnit, Sessions: nonEmpty(d.Sessions),
		Results: d.Results, Comments: nonEmpty(d.Comments), Supports: d.Supports, Votes: d.Votes,
		Lineage: d.Lineage, Hidden: d.Hidden, CreatedAtUnix: d.CreatedAt.Unix(), UpdatedAtUnix: d.UpdatedAt.Unix(),
	}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Index adds or replaces docs (POST /indexes/{uid}/documents) and returns
// once the task succeeded: only then are they searchable and may the
// indexer advance its cursor.
func (ix *Index) Index(ctx context.Context, docs []backend.SearchDocument) error {
	if len(docs) == 0 {
		return nil
	}
	batch := make([]document, len(docs))
	for i, d := range docs {
		batch[i] = toDocument(d)
	}
	task, err := ix.client.Index(ix.uid).AddDocumentsWithContext(ctx, batch, nil)
	if err != nil {
		return mapError("add documents", err)
	}
	return ix.wait(ctx, "add documents", task)
}

// Delete removes ideas by id (POST /indexes/{uid}/documents/delete-batch);
// Meilisearch ignores ids it does not hold.
func (ix *Index) Delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	task, err := ix.client.Index(ix.uid).DeleteDocumentsWithContext(ctx, keys, nil)
	if err != nil {
		return mapError("delete documents", err)
	}
	return ix.wait(ctx, "delete documents", task)
}
