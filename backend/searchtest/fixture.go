package searchtest

import (
	"testing"
	"time"

	"ideenmarkt/backend"
)

// Conferences of the fixture. confA holds most ideas; the others exist so
// that a query restricted to one conference can be seen to stay there.
const (
	confA int64 = 1
	confB int64 = 2
	confC int64 = 3
)

// allConfs returns every conference of the fixture.
func allConfs() []int64 { return []int64{confA, confB, confC} }

// kulturTopic has a quote, a backslash and spaces: a filter on it must not
// break an engine's filter syntax.
const kulturTopic = `Kultur "Alt" \ Neu`

// day returns the n-th day of the fixture's calendar.
func day(n int) time.Time {
	return time.Date(2025, 1, 10+n, 9, 0, 0, 0, time.UTC)
}

// fixture returns eight ideas over three conferences. The numbers are
// chosen so that every sort has a tie broken by id (ideas 2 and 3 share
// supports and CreatedAt), idea 5 is hidden, and "Radweg" occurs in titles
// of confA and confB, in a hidden title and in a comment of idea 8.
//
//	id conf year topic           department      status    supports votes day
//	1  A    2024 Verkehr         Tiefbauamt      open          5    10    1
//	2  A    2024 Umwelt          Grünflächenamt  accepted     12     3    3
//	3  A    2024 Verkehr         Ordnungsamt     open         12     7    3
//	4  B    2025 Verkehr         Tiefbauamt      open          8     1    5
//	5  A    2024 Umwelt          Forstamt        open         30    30    6   hidden
//	6  A    2024 Digitalisierung Bürgeramt       rejected      2     9    2
//	7  C    2023 Umwelt          Grünflächenamt  accepted      4     4    0
//	8  A    2024 kulturTopic     Kulturamt       open          1     0    4
func fixture() []backend.SearchDocument {
	doc := func(id, conf int64, year int, topic, dept, status, title, body string, supports, votes, d int) backend.SearchDocument {
		return backend.SearchDocument{
			ID: id, ConferenceID: conf, ConferenceSlug: "konf-" + string(rune('a'+conf-1)),
			ConferenceTitle: "Ideenkonferenz", Year: year, Title: title, Body: body,
			Topic: topic, Department: dept, Status: status, Supports: supports, Votes: votes,
			Lineage: []int64{conf}, CreatedAt: day(d), UpdatedAt: day(d),
		}
	}
	docs := []backend.SearchDocument{
		doc(1, confA, 2024, "Verkehr", "Tiefbauamt", "open", "Radweg an der Hauptstraße",
			"Ein durchgehender, sicherer Radweg für Pendler.", 5, 10, 1),
		doc(2, confA, 2024, "Umwelt", "Grünflächenamt", "accepted", "Mehr Bäume im Stadtpark",
			"Schattenspender für heiße Sommer, Baumpatenschaften für Anwohner.", 12, 3, 3),
		doc(3, confA, 2024, "Verkehr", "Ordnungsamt", "open", "Tempo 30 vor Schulen",
			"Langsamer fahren rettet Leben.", 12, 7, 3),
		doc(4, confB, 2025, "Verkehr", "Tiefbauamt", "open", "Radweg am Flussufer",
			"Lückenschluss zwischen den Brücken.", 8, 1, 5),
		doc(5, confA, 2024, "Umwelt", "Forstamt", "open", "Radweg durch den Stadtwald",
			"Ein Waldweg für Radfahrer.", 30, 30, 6),
		doc(6, confA, 2024, "Digitalisierung", "Bürgeramt", "rejected", "Online-Termine im Bürgeramt",
			"Termine für Pass und Ausweis online buchen.", 2, 9, 2),
		doc(7, confC, 2023, "Umwelt", "Grünflächenamt", "accepted", "Urban Gardening auf Brachflächen",
			"Gemeinschaftsgärten mit Hochbeeten.", 4, 4, 0),
		doc(8, confA, 2024, kulturTopic, "Kulturamt", "open", "Konzerte im Innenhof",
			"Sommerkonzerte am Abend.", 1, 0, 4),
	}
	docs[0].Sessions = []string{"Mobilität"}
	docs[1].Sessions = []string{"Klima"}
	docs[2].Sessions = []string{"Mobilität", "Klima"}
	docs[3].Sessions = []string{"Mobilität"}
	docs[4].Hidden = true
	docs[5].Comments = []string{"Die Wartezeit ist viel zu lang.", "Ein Kalenderexport wäre hilfreich."}
	docs[6].Sessions = []string{"Klima"}
	docs[6].Lineage = []int64{confA, confC}
	docs[7].Sessions = []string{"Kultur & Freizeit"}
	docs[7].Comments = []string{"Ein sicherer Radweg dorthin fehlt noch."}
	return docs
}

// visible lists, by id, the fixture's ideas that a query over every
// conference without hidden ideas finds.
func visible() []int64 { return []int64{1, 2, 3, 4, 6, 7, 8} }

// fixtureIndex opens an index holding the fixture.
func (s *suite) fixtureIndex(t *testing.T) backend.SearchIndex {
	t.Helper()
	ix := s.mustOpen(t)
	MustIndex(t, ix, fixture()...)
	return ix
}
