package meili

import (
	"github.com/meilisearch/meilisearch-go"
)

// Document attribute names, as document.go writes them.
const (
	aID              = "id"
	aConferenceID    = "conferenceId"
	aConferenceTitle = "conferenceTitle"
	aYear            = "year"
	aTitle           = "title"
	aBody            = "body"
	aComments        = "comments"
	aOfficialAnswer  = "officialAnswer"
	aResults         = "results"
	aTopic           = "topic"
	aDepartment      = "department"
	aStatus          = "status"
	aSessions        = "sessions"
	aHidden          = "hidden"
	aSupports        = "supports"
	aVotes           = "votes"
	aCreatedAtUnix   = "createdAtUnix"
)

// maxFacetValues is the number of values per facet the contract promises.
const maxFacetValues = 100

// settings are the index settings Init applies.
//
//   - searchableAttributes in order of importance: the "attribute" ranking
//     rule ranks a match in the title above one in the body or a comment.
//   - rankingRules put "sort" first, so that an explicit sort (supports,
//     votes, newest) orders all matches instead of only breaking relevance
//     ties, and end with "id:desc", which breaks relevance ties by id as the
//     contract asks (with an empty query every rule ties, so listings come
//     by id, newest id first). "attribute" is kept rather than its 1.36
//     split (attributeRank, wordPosition): every version accepts it.
//   - typo tolerance as in bleve: one typo from 5 letters, two from 9.
//   - German stop words and a few synonyms the engine cannot infer;
//     inflection (Baum/Bäume) is left to prefix matching and typos, and
//     umlauts are folded by Meilisearch's normaliser.
//   - localizedAttributes tells the tokeniser the text is German.
func (ix *Index) settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		RankingRules: []string{"sort", "words", "typo", "proximity", "attribute", "exactness", aID + ":desc"},
		SearchableAttributes: []string{aTitle, aBody, aComments, aOfficialAnswer, aResults,
			aTopic, aDepartment, aConferenceTitle, aSessions},
		DisplayedAttributes:  []string{aID, aTitle, aBody, aComments},
		FilterableAttributes: []string{aConferenceID, aYear, aTopic, aDepartment, aStatus, aSessions, aHidden},
		SortableAttributes:   []string{aSupports, aVotes, aCreatedAtUnix, aID},
		StopWords:            germanStopWords(),
		Synonyms:             synonyms(),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: maxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": "count"},
		},
		Pagination:          &meilisearch.Pagination{MaxTotalHits: ix.opts.MaxTotalHits},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{{AttributePatterns: []string{"*"}, Locales: []string{"deu"}}},
	}
}

// synonyms are words staff use for the same thing. Meilisearch applies
// them both ways only if both directions are listed.
func synonyms() map[string][]string {
	return map[string][]string{
		"fahrrad":    {"rad"},
		"rad":        {"fahrrad"},
		"fahrradweg": {"radweg"},
		"radweg":     {"fahrradweg"},
		"wc":         {"toilette"},
		"toilette":   {"wc"},
		"müll":       {"abfall"},
		"abfall":     {"müll"},
	}
}

// germanStopWords are function words that carry no meaning in a query
// ("Bäume auf dem Feld" searches Bäume and Feld). The list is short on
// purpose: a stop word is never matched, so "nicht" or "kein" stay.
func germanStopWords() []string {
	return []string{
		"aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "da", "das", "dass", "dem",
		"den", "der", "des", "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "doch", "du",
		"durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "für", "hat", "hier",
		"ich", "ihr", "im", "in", "ist", "ja", "man", "mit", "nach", "noch", "nur", "oder", "sich",
		"sie", "sind", "so", "um", "und", "uns", "vom", "von", "vor", "war", "was", "wenn", "wie",
		"wir", "wird", "zu", "zum", "zur",
	}
}
