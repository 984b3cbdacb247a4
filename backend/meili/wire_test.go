package meili_test

// Wire tests: a fake server (fake_test.go) checks the exact HTTP requests
// the adapter sends against Meilisearch's documented API and answers as
// Meilisearch would. They test the translation (settings, documents,
// filters, facets, sort, paging, task waiting, errors), not the search
// engine: no Meilisearch runs here. live_test.go runs the contract suite
// against a real server when one is configured.

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/meili"
)

const uid = "t_ideas_v1"

func newIndex(t *testing.T, url string) *meili.Index {
	t.Helper()
	ix, err := meili.New(meili.Options{URL: url, APIKey: "secret", Prefix: "t_", TaskPoll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// settingsBody is the PATCH /indexes/{uid}/settings body Init sends.
const settingsBody = `{
	"rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness", "id:desc"],
	"searchableAttributes": ["title", "body", "comments", "officialAnswer", "results", "topic", "department", "conferenceTitle", "sessions"],
	"displayedAttributes": ["id", "title", "body", "comments"],
	"filterableAttributes": ["conferenceId", "year", "topic", "department", "status", "sessions", "hidden"],
	"sortableAttributes": ["supports", "votes", "createdAtUnix", "id"],
	"stopWords": ["aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "da", "das", "dass", "dem",
		"den", "der", "des", "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "doch", "du",
		"durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "für", "hat", "hier",
		"ich", "ihr", "im", "in", "ist", "ja", "man", "mit", "nach", "noch", "nur", "oder", "sich",
		"sie", "sind", "so", "um", "und", "uns", "vom", "von", "vor", "war", "was", "wenn", "wie",
		"wir", "wird", "zu", "zum", "zur"],
	"synonyms": {"fahrrad": ["rad"], "rad": ["fahrrad"], "fahrradweg": ["radweg"], "radweg": ["fahrradweg"],
		"wc": ["toilette"], "toilette": ["wc"], "müll": ["abfall"], "abfall": ["müll"]},
	"typoTolerance": {"enabled": true, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
		"disableOnWords": [], "disableOnAttributes": [], "disableOnNumbers": false},
	"faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "count"}},
	"pagination": {"maxTotalHits": 100000},
	"localizedAttributes": [{"attributePatterns": ["*"], "locales": ["deu"]}]
}`

func get(path string) request { return request{Method: "GET", Path: path, Auth: "Bearer secret"} }

func TestWireInit(t *testing.T) {
	t.Run("CreatesIndexAndAppliesSettings", func(t *testing.T) {
		f := newFake(t)
		f.on("GET /indexes/"+uid, apiError(http.StatusNotFound, "index_not_found"))
		f.on("POST /indexes", taskReply(1, "indexCreation"))
		f.on("GET /tasks/1", taskState(1, "enqueued"), taskState(1, "processing"), taskState(1, "succeeded"))
		f.on("PATCH /indexes/"+uid+"/settings", taskReply(2, "settingsUpdate"))
		f.on("GET /tasks/2", taskState(2, "processing"), taskState(2, "succeeded"))
		existed, err := newIndex(t, f.srv.URL).Init(t.Context())
		if err != nil || existed {
			t.Fatalf("Init: existed %v, err %v; want false, nil", existed, err)
		}
		wantRequests(t, f.requests(),
			get("/indexes/"+uid),
			request{Method: "POST", Path: "/indexes", Auth: "Bearer secret", Body: `{"uid": "` + uid + `", "primaryKey": "id"}`},
			get("/tasks/1"), get("/tasks/1"), get("/tasks/1"),
			request{Method: "PATCH", Path: "/indexes/" + uid + "/settings", Auth: "Bearer secret", Body: settingsBody},
			get("/tasks/2"), get("/tasks/2"),
		)
	})
	t.Run("ExistingIndexGetsSettings", func(t *testing.T) {
		f := newFake(t)
		f.on("GET /indexes/"+uid, reply{http.StatusOK, `{"uid":"` + uid + `","primaryKey":"id","createdAt":"2026-12-01T10:00:00Z","updatedAt":"2026-12-01T10:00:00Z"}`})
		f.on("PATCH /indexes/"+uid+"/settings", taskReply(2, "settingsUpdate"))
		f.on("GET /tasks/2", taskState(2, "succeeded"))
		existed, err := newIndex(t, f.srv.URL).Init(t.Context())
		if err != nil || !existed {
			t.Fatalf("Init: existed %v, err %v; want true, nil", existed, err)
		}
		wantRequests(t, f.requests(), get("/indexes/"+uid),
			request{Method: "PATCH", Path: "/indexes/" + uid + "/settings", Body: settingsBody}, get("/tasks/2"))
	})
	t.Run("LostCreateRace", func(t *testing.T) {
		f := newFake(t)
		f.on("GET /indexes/"+uid, apiError(http.StatusNotFound, "index_not_found"))
		f.on("POST /indexes", taskReply(1, "indexCreation"))
		f.on("GET /tasks/1", taskFailed(1, "index_already_exists"))
		f.on("PATCH /indexes/"+uid+"/settings", taskReply(2, "settingsUpdate"))
		f.on("GET /tasks/2", taskState(2, "succeeded"))
		existed, err := newIndex(t, f.srv.URL).Init(t.Context())
		if err != nil || !existed {
			t.Fatalf("Init after another instance created the index: existed %v, err %v; want true, nil", existed, err)
		}
	})
	t.Run("FailedSettingsTask", func(t *testing.T) {
		f := newFake(t)
		f.on("GET /indexes/"+uid, reply{http.StatusOK, `{"uid":"` + uid + `","primaryKey":"id"}`})
		f.on("PATCH /indexes/"+uid+"/settings", taskReply(2, "settingsUpdate"))
		f.on("GET /tasks/2", taskFailed(2, "invalid_settings_ranking_rules"))
		_, err := newIndex(t, f.srv.URL).Init(t.Context())
		if backend.ErrorCode(err) != backend.EINTERNAL || !strings.Contains(err.Error(), "invalid_settings_ranking_rules") {
			t.Errorf("Init with a failed settings task: %v; want %s naming the task's error code", err, backend.EINTERNAL)
		}
	})
}

func TestWireIndex(t *testing.T) {
	full := backend.SearchDocument{
		ID: 7, ConferenceID: 2, ConferenceSlug: "ik-2026", ConferenceTitle: "Ideenkonferenz 2026", Year: 2026,
		Title: `Radweg "neu"`, Body: "<b>Text</b>", Topic: "Verkehr", Department: "Tiefbauamt", Status: "open",
		OfficialAnswer: "Wird geprüft.", ResponsibleUnit: "Amt 66", Sessions: []string{"Mobilität", ""},
		Results: "Platz 2 von 8", Comments: []string{"Gut", ""}, Supports: 5, Votes: 9, Lineage: []int64{1, 2},
		Hidden: true, CreatedAt: time.Unix(1_790_000_000, 0), UpdatedAt: time.Unix(1_790_000_100, 0),
	}
	minimal := backend.SearchDocument{ID: 8, ConferenceID: 2, Title: "Bank"}
	const docsBody = `[{"id": 7, "conferenceId": 2, "conferenceSlug": "ik-2026", "conferenceTitle": "Ideenkonferenz 2026",
		"year": 2026, "title": "Radweg \"neu\"", "body": "<b>Text</b>", "topic": "Verkehr", "department": "Tiefbauamt",
		"status": "open", "officialAnswer": "Wird geprüft.", "responsibleUnit": "Amt 66", "sessions": ["Mobilität"],
		"results": "Platz 2 von 8", "comments": ["Gut"], "supports": 5, "votes": 9, "lineage": [1, 2], "hidden": true,
		"createdAtUnix": 1790000000, "updatedAtUnix": 1790000100},
		{"id": 8, "conferenceId": 2, "title": "Bank", "body": "", "supports": 0, "votes": 0, "hidden": false,
		"createdAtUnix": -62135596800, "updatedAtUnix": -62135596800}]`

	t.Run("AddsAndWaitsForTask", func(t *testing.T) {
		f := newFake(t)
		f.on("POST /indexes/"+uid+"/documents", taskReply(3, "documentAdditionOrUpdate"))
		f.on("GET /tasks/3", taskState(3, "enqueued"), taskState(3, "processing"), taskState(3, "succeeded"))
		if err := newIndex(t, f.srv.URL).Index(t.Context(), []backend.SearchDocument{full, minimal}); err != nil {
			t.Fatal(err)
		}
		wantRequests(t, f.requests(),
			request{Method: "POST", Path: "/indexes/" + uid + "/documents", Body: docsBody},
			get("/tasks/3"), get("/tasks/3"), get("/tasks/3"))
	})
	t.Run("FailedTaskIsAnError", func(t *testing.T) {
		f := newFake(t)
		f.on("POST /indexes/"+uid+"/documents", taskReply(3, "documentAdditionOrUpdate"))
		f.on("GET /tasks/3", taskState(3, "processing"), taskFailed(3, "invalid_document_id"))
		err := newIndex(t, f.srv.URL).Index(t.Context(), []backend.SearchDocument{minimal})
		if backend.ErrorCode(err) != backend.EINTERNAL || !strings.Contains(err.Error(), "invalid_document_id") {
			t.Errorf("Index with a failed task: %v; want %s naming the task's error", err, backend.EINTERNAL)
		}
	})
	t.Run("NothingToDo", func(t *testing.T) {
		f := newFake(t)
		ix := newIndex(t, f.srv.URL)
		if err := ix.Index(t.Context(), nil); err != nil {
			t.Error(err)
		}
		if err := ix.Delete(t.Context(), []int64{}); err != nil {
			t.Error(err)
		}
		wantRequests(t, f.requests())
	})
	t.Run("Delete", func(t *testing.T) {
		f := newFake(t)
		f.on("POST /indexes/"+uid+"/documents/delete-batch", taskReply(4, "documentDeletion"))
		f.on("GET /tasks/4", taskState(4, "succeeded"))
		if err := newIndex(t, f.srv.URL).Delete(t.Context(), []int64{7, 999}); err != nil {
			t.Fatal(err)
		}
		wantRequests(t, f.requests(),
			request{Method: "POST", Path: "/indexes/" + uid + "/documents/delete-batch", Body: `["7", "999"]`},
			get("/tasks/4"))
	})
}

// emptySearch is a search answer with no hits.
var emptySearch = reply{http.StatusOK, `{"hits":[],"query":"","processingTimeMs":1,"hitsPerPage":20,"page":1,"totalPages":0,"totalHits":0}`}

func TestWireSearchRequest(t *testing.T) {
	const highlight = `"attributesToRetrieve": ["id", "title", "body", "comments"],
		"attributesToHighlight": ["title", "body", "comments"], "attributesToCrop": ["body", "comments"],
		"cropLength": 30, "cropMarker": "…", "highlightPreTag": "\uE000", "highlightPostTag": "\uE001"`
	cases := []struct {
		name string
		q    backend.SearchQuery
		body string
	}{
		{"TextFiltersFacetsSortPage", backend.SearchQuery{
			Text: "Radweg", ConferenceIDs: []int64{1, 2},
			Filters: map[string][]string{
				backend.FacetTopic:   {`Kultur "Alt" \ Neu`, "Verkehr"},
				backend.FacetYear:    {"2024", " 2025"},
				backend.FacetSession: {"Klima"},
				backend.FacetStatus:  {},
			},
			Facets: []string{backend.FacetTopic, backend.FacetConference}, Sort: backend.SearchSupports, Offset: 20, Limit: 10,
		}, `{"q": "Radweg",
			"filter": ["conferenceId IN [1, 2]", "sessions IN [\"Klima\"]",
				"topic IN [\"Kultur \\\"Alt\\\" \\\\ Neu\", \"Verkehr\"]", "year IN [2024, 2025]", "hidden = false"],
			"facets": ["topic", "conferenceId"], "sort": ["supports:desc", "id:desc"], "page": 3, "hitsPerPage": 10,
			` + highlight + `, "locales": ["deu"], "hybrid": null}`},
		{"ListingWithHidden", backend.SearchQuery{ConferenceIDs: []int64{3}, IncludeHidden: true},
			`{"q": "", "filter": ["conferenceId IN [3]"], "page": 1, "hitsPerPage": 20,
			"attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"Newest", backend.SearchQuery{ConferenceIDs: []int64{3}, Sort: backend.SearchNewest, Limit: 5},
			`{"q": "", "filter": ["conferenceId IN [3]", "hidden = false"], "sort": ["createdAtUnix:desc", "id:desc"],
			"page": 1, "hitsPerPage": 5, "attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"Votes", backend.SearchQuery{ConferenceIDs: []int64{3}, Sort: backend.SearchVotes, Limit: 5},
			`{"q": "", "filter": ["conferenceId IN [3]", "hidden = false"], "sort": ["votes:desc", "id:desc"],
			"page": 1, "hitsPerPage": 5, "attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"UnalignedOffsetAsksForMore", backend.SearchQuery{ConferenceIDs: []int64{3}, Offset: 5, Limit: 10},
			`{"q": "", "filter": ["conferenceId IN [3]", "hidden = false"], "page": 1, "hitsPerPage": 15,
			"attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"StopWordsOnlyAreEmpty", backend.SearchQuery{Text: "der die das", ConferenceIDs: []int64{3}},
			`{"q": "", "filter": ["conferenceId IN [3]", "hidden = false"], "page": 1, "hitsPerPage": 20,
			"attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"QuoteBackslashAndSyntaxInValues", backend.SearchQuery{ConferenceIDs: []int64{3},
			Filters: map[string][]string{
				backend.FacetDepartment: {`Amt\`, `"`, `x" OR hidden = true OR topic = "y`},
				backend.FacetConference: {"3"},
			}},
			`{"q": "", "filter": ["conferenceId IN [3]", "conferenceId IN [3]",
				"department IN [\"Amt\\\\\", \"\\\"\", \"x\\\" OR hidden = true OR topic = \\\"y\"]", "hidden = false"],
			"page": 1, "hitsPerPage": 20, "attributesToRetrieve": ["id"], "locales": ["deu"], "hybrid": null}`},
		{"TextIsSentAsTyped", backend.SearchQuery{Text: `  "Bäume" auf dem Feld  `, ConferenceIDs: []int64{3}},
			`{"q": "\"Bäume\" auf dem Feld", "filter": ["conferenceId IN [3]", "hidden = false"], "page": 1, "hitsPerPage": 20,
			` + highlight + `, "locales": ["deu"], "hybrid": null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			f.on("POST /indexes/"+uid+"/search", emptySearch)
			if _, err := newIndex(t, f.srv.URL).Search(t.Context(), c.q); err != nil {
				t.Fatal(err)
			}
			wantRequests(t, f.requests(), request{Method: "POST", Path: "/indexes/" + uid + "/search", Body: c.body})
		})
	}
}

func TestWireSearchResponse(t *testing.T) {
	f := newFake(t)
	f.on("POST /indexes/"+uid+"/search", reply{http.StatusOK, `{
		"hits": [
			{"id": 12, "title": "x", "_formatted": {"id": "12",
				"title": "Sicher & \uE000Radweg\uE001 <b>jetzt</b>",
				"body": "…<script>alert(1)</script> \uE000Radweg\uE001 am Fluss…",
				"comments": ["Ohne Treffer", "Der \uE000Rad\uE001weg ist \"gut\"", "\uE000A\uE001", "\uE000B\uE001", "\uE000C\uE001"]}},
			{"id": 3, "_formatted": {"id": "3", "title": "Nichts markiert", "body": "", "comments": null}}
		],
		"query": "Radweg", "processingTimeMs": 2, "hitsPerPage": 2, "page": 1, "totalPages": 4, "totalHits": 7,
		"facetDistribution": {"topic": {"Verkehr": 2, "Umwelt": 5, "Alt": 2}, "conferenceId": {"1": 3, "2": 4}}
	}`})
	res, err := newIndex(t, f.srv.URL).Search(t.Context(), backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{1, 2},
		Facets: []string{backend.FacetTopic, backend.FacetConference, backend.FacetDepartment}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := &backend.SearchResult{
		Total: 7,
		Hits: []backend.SearchHit{
			{ID: 12, Highlights: map[string][]string{
				"title":    {"Sicher &amp; <mark>Radweg</mark> &lt;b&gt;jetzt&lt;/b&gt;"},
				"body":     {"…&lt;script&gt;alert(1)&lt;/script&gt; <mark>Radweg</mark> am Fluss…"},
				"comments": {"Der <mark>Rad</mark>weg ist &#34;gut&#34;", "<mark>A</mark>", "<mark>B</mark>"},
			}},
			{ID: 3},
		},
		Facets: map[string][]backend.FacetCount{
			backend.FacetTopic:      {{Value: "Umwelt", Count: 5}, {Value: "Alt", Count: 2}, {Value: "Verkehr", Count: 2}},
			backend.FacetConference: {{Value: "2", Count: 4}, {Value: "1", Count: 3}},
			backend.FacetDepartment: {},
		},
	}
	if dump(res) != dump(want) {
		t.Errorf("result\n got %s\nwant %s", dump(res), dump(want))
	}
}

func TestWireSearchUnalignedOffset(t *testing.T) {
	f := newFake(t)
	var hits []string
	for id := 15; id >= 1; id-- {
		hits = append(hits, `{"id": `+itoa(id)+`}`)
	}
	f.on("POST /indexes/"+uid+"/search", reply{http.StatusOK, `{"hits": [` + strings.Join(hits, ",") +
		`], "query": "", "processingTimeMs": 1, "hitsPerPage": 15, "page": 1, "totalPages": 3, "totalHits": 40}`})
	res, err := newIndex(t, f.srv.URL).Search(t.Context(), backend.SearchQuery{ConferenceIDs: []int64{1}, Offset: 5, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	if want := []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}; !slices.Equal(got, want) || res.Total != 40 {
		t.Errorf("offset 5 limit 10 of a page of 15: ids %v total %d; want %v total 40", got, res.Total, want)
	}
}

// Invalid queries are refused before anything is sent, and a query without
// conferences is answered without asking the server.
func TestWireSearchSendsNothing(t *testing.T) {
	f := newFake(t)
	ix := newIndex(t, f.srv.URL)
	for name, q := range map[string]backend.SearchQuery{
		"NegativeOffset": {ConferenceIDs: []int64{1}, Offset: -1},
		"LimitTooLarge":  {ConferenceIDs: []int64{1}, Limit: backend.SearchMaxLimit + 1},
		"UnknownSort":    {ConferenceIDs: []int64{1}, Sort: "title"},
		"UnknownFilter":  {ConferenceIDs: []int64{1}, Filters: map[string][]string{"hidden": {"true"}}},
		"UnknownFacet":   {ConferenceIDs: []int64{1}, Facets: []string{"title"}},
		"YearNotNumber":  {ConferenceIDs: []int64{1}, Filters: map[string][]string{backend.FacetYear: {"2024 OR 1=1"}}},
		"ConfNotNumber":  {ConferenceIDs: []int64{1}, Filters: map[string][]string{backend.FacetConference: {"1]"}}},
	} {
		if _, err := ix.Search(t.Context(), q); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("%s: %v, want %s", name, err, backend.EINVALID)
		}
	}
	res, err := ix.Search(t.Context(), backend.SearchQuery{Text: "Radweg", Facets: []string{backend.FacetTopic}})
	if err != nil || res.Total != 0 || len(res.Hits) != 0 || res.Facets[backend.FacetTopic] == nil {
		t.Errorf("no conferences: %+v, %v; want an empty result with an empty topic facet", res, err)
	}
	wantRequests(t, f.requests())
}

func TestWirePing(t *testing.T) {
	f := newFake(t)
	f.on("GET /health", reply{http.StatusOK, `{"status":"available"}`})
	if err := newIndex(t, f.srv.URL).Ping(t.Context()); err != nil {
		t.Error(err)
	}
	wantRequests(t, f.requests(), get("/health"))
}

// A server that cannot be reached or fails is EUNAVAILABLE, so that the
// indexer retries later.
func TestWireUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()

	broken := newFake(t)
	for _, route := range []string{"GET /indexes/" + uid, "GET /health", "POST /indexes/" + uid + "/documents",
		"POST /indexes/" + uid + "/documents/delete-batch", "POST /indexes/" + uid + "/search"} {
		broken.on(route, reply{http.StatusInternalServerError, `{"message":"boom","code":"internal","type":"internal","link":""}`})
	}
	for name, url := range map[string]string{"ConnectionRefused": refused, "Status500": broken.srv.URL} {
		t.Run(name, func(t *testing.T) {
			ix := newIndex(t, url)
			_, initErr := ix.Init(t.Context())
			_, searchErr := ix.Search(t.Context(), backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{1}})
			for op, err := range map[string]error{
				"Init": initErr, "Ping": ix.Ping(t.Context()), "Search": searchErr,
				"Index":  ix.Index(t.Context(), []backend.SearchDocument{{ID: 1, ConferenceID: 1}}),
				"Delete": ix.Delete(t.Context(), []int64{1}),
			} {
				if code := backend.ErrorCode(err); code != backend.EUNAVAILABLE {
					t.Errorf("%s: code %q (%v), want %q", op, code, err, backend.EUNAVAILABLE)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	ix, err := meili.New(meili.Options{URL: "http://127.0.0.1:7700", Prefix: "ci-42_"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "ci-42_ideas_v" + itoa(backend.SearchSchemaVersion); ix.UID() != want {
		t.Errorf("uid %q, want %q", ix.UID(), want)
	}
	for name, o := range map[string]meili.Options{
		"NoURL":     {},
		"BadPrefix": {URL: "http://127.0.0.1:7700", Prefix: "a/b"},
	} {
		if _, err := meili.New(o); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("%s: %v, want %s", name, err, backend.EINVALID)
		}
	}
}
