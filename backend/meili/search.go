package meili

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/meilisearch/meilisearch-go"

	"ideenmarkt/backend"
)

// Highlight markers: characters from Unicode's private use area, which no
// idea contains in practice. Meilisearch puts them around matches in the
// raw text; highlight.go escapes the text and only then turns them into
// <mark>, so the idea's own text can never become markup.
const (
	preTag     = "\uE000"
	postTag    = "\uE001"
	cropLength = 30 // words around the matches in body and comments
)

// facetAttributes maps the contract's facet names to document attributes.
func facetAttributes() map[string]string {
	return map[string]string{
		backend.FacetConference: aConferenceID, backend.FacetYear: aYear, backend.FacetTopic: aTopic,
		backend.FacetDepartment: aDepartment, backend.FacetStatus: aStatus, backend.FacetSession: aSessions,
	}
}

// Search translates q into one POST /indexes/{uid}/search.
func (ix *Index) Search(ctx context.Context, q backend.SearchQuery) (*backend.SearchResult, error) {
	req, skip, err := ix.request(q)
	if err != nil {
		return nil, err
	}
	if len(q.ConferenceIDs) == 0 {
		return emptyResult(q.Facets), nil
	}
	res, err := ix.client.Index(ix.uid).SearchWithContext(ctx, req.Query, req)
	if err != nil {
		return nil, mapError("search", err)
	}
	return toResult(res, q.Facets, skip)
}

// request builds the search request. Pages are asked for with page and
// hitsPerPage rather than offset and limit, because only then does
// Meilisearch count the matches exactly (totalHits) instead of estimating
// them; an offset that is not a multiple of the limit is served from the
// first page of offset+limit hits, of which the first skip are dropped.
func (ix *Index) request(q backend.SearchQuery) (req *meilisearch.SearchRequest, skip int, err error) {
	offset, limit, err := pageOf(q)
	if err != nil {
		return nil, 0, err
	}
	sort, err := sortOf(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	filter, err := filterOf(q)
	if err != nil {
		return nil, 0, err
	}
	attrs := facetAttributes()
	var facets []string
	for _, f := range q.Facets {
		a, ok := attrs[f]
		if !ok {
			return nil, 0, backend.Errorf(backend.EINVALID, "Unknown facet %q.", f)
		}
		facets = append(facets, a)
	}
	page, perPage := int64(offset/limit+1), int64(limit)
	if offset%limit != 0 {
		page, perPage, skip = 1, int64(offset+limit), offset
	}
	req = &meilisearch.SearchRequest{
		Query: queryText(q.Text), Filter: filter, Facets: facets, Sort: sort,
		Page: page, HitsPerPage: &perPage,
		AttributesToRetrieve: []string{aID},
		Locales:              []string{"deu"},
	}
	if req.Query != "" {
		req.AttributesToRetrieve = []string{aID, aTitle, aBody, aComments}
		req.AttributesToHighlight = []string{aTitle, aBody, aComments}
		req.AttributesToCrop = []string{aBody, aComments}
		req.CropLength = cropLength
		req.CropMarker = "…"
		req.HighlightPreTag = preTag
		req.HighlightPostTag = postTag
	}
	return req, skip, nil
}

// queryText returns the text to send: "" for a blank text or one made of
// stop words only, which the contract treats as empty (list everything),
// as bleve does, rather than leaving it to the server.
func queryText(text string) string {
	stop := map[string]bool{}
	for _, w := range germanStopWords() {
		stop[w] = true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stop[w] {
			return strings.TrimSpace(text)
		}
	}
	return ""
}

// filterOf returns the filter as an array of expressions, which Meilisearch
// joins with AND; each facet's values are one IN [...] (OR within a
// facet). Numbers are validated and written as numbers; strings are quoted
// with quote, so a value can never end the string early.
func filterOf(q backend.SearchQuery) ([]string, error) {
	confs := make([]string, len(q.ConferenceIDs))
	for i, id := range q.ConferenceIDs {
		confs[i] = strconv.FormatInt(id, 10)
	}
	filter := []string{fmt.Sprintf("%s IN [%s]", aConferenceID, strings.Join(confs, ", "))}
	attrs := facetAttributes()
	facets := make([]string, 0, len(q.Filters))
	for f := range q.Filters {
		if _, ok := attrs[f]; !ok {
			return nil, backend.Errorf(backend.EINVALID, "Unknown filter %q.", f)
		}
		facets = append(facets, f)
	}
	slices.Sort(facets) // a stable request, for logs and tests
	for _, f := range facets {
		values := q.Filters[f]
		if len(values) == 0 {
			continue
		}
		quoted := make([]string, len(values))
		for i, v := range values {
			if f == backend.FacetConference || f == backend.FacetYear {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return nil, backend.Errorf(backend.EINVALID, "Filter %s: %q is not a number.", f, v)
				}
				quoted[i] = strconv.FormatInt(n, 10)
				continue
			}
			quoted[i] = quote(v)
		}
		filter = append(filter, fmt.Sprintf("%s IN [%s]", attrs[f], strings.Join(quoted, ", ")))
	}
	if !q.IncludeHidden {
		filter = append(filter, aHidden+" = false")
	}
	return filter, nil
}

// quote writes s as a double-quoted filter string: backslash and double
// quote are escaped with a backslash, as Meilisearch's filter grammar reads
// them.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// sortOf returns the sort of a contract sort. Relevance sends none: the
// ranking rules end with id:desc, which breaks its ties.
func sortOf(s backend.SearchSort) ([]string, error) {
	byID := aID + ":desc"
	switch s {
	case "", backend.SearchRelevance:
		return nil, nil
	case backend.SearchSupports:
		return []string{aSupports + ":desc", byID}, nil
	case backend.SearchVotes:
		return []string{aVotes + ":desc", byID}, nil
	case backend.SearchNewest:
		return []string{aCreatedAtUnix + ":desc", byID}, nil
	}
	return nil, backend.Errorf(backend.EINVALID, "Unknown sort %q.", s)
}

// pageOf validates offset and limit and applies the default limit.
func pageOf(q backend.SearchQuery) (offset, limit int, err error) {
	switch {
	case q.Offset < 0:
		return 0, 0, backend.Errorf(backend.EINVALID, "Offset must not be negative.")
	case q.Limit < 0 || q.Limit > backend.SearchMaxLimit:
		return 0, 0, backend.Errorf(backend.EINVALID, "Limit must be between 0 and %d.", backend.SearchMaxLimit)
	case q.Limit == 0:
		return q.Offset, backend.SearchDefaultLimit, nil
	}
	return q.Offset, q.Limit, nil
}

func emptyResult(facets []string) *backend.SearchResult {
	out := &backend.SearchResult{Hits: []backend.SearchHit{}, Facets: map[string][]backend.FacetCount{}}
	for _, f := range facets {
		out.Facets[f] = []backend.FacetCount{}
	}
	return out
}

// formatted is the part of a hit's _formatted object we read.
type formatted struct {
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Comments []string `json:"comments"`
}

func toResult(res *meilisearch.SearchResponse, facets []string, skip int) (*backend.SearchResult, error) {
	out := emptyResult(facets)
	out.Total = int(res.TotalHits)
	hits := res.Hits
	if skip > 0 {
		hits = hits[min(skip, len(hits)):]
	}
	for _, h := range hits {
		var id int64
		if err := json.Unmarshal(h[aID], &id); err != nil {
			return nil, mapError("read hit id", err)
		}
		hit := backend.SearchHit{ID: id}
		if raw, ok := h["_formatted"]; ok {
			var f formatted
			if err := json.Unmarshal(raw, &f); err != nil {
				return nil, mapError("read highlights", err)
			}
			hit.Highlights = highlights(f)
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(facets) > 0 && len(res.FacetDistribution) > 0 {
		var dist map[string]map[string]int
		if err := json.Unmarshal(res.FacetDistribution, &dist); err != nil {
			return nil, mapError("read facets", err)
		}
		attrs := facetAttributes()
		for _, f := range facets {
			counts := []backend.FacetCount{}
			for v, n := range dist[attrs[f]] {
				counts = append(counts, backend.FacetCount{Value: v, Count: n})
			}
			slices.SortFunc(counts, func(a, b backend.FacetCount) int {
				return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
			})
			out.Facets[f] = counts[:min(len(counts), maxFacetValues)]
		}
	}
	return out, nil
}
