package backend

import (
	"context"
	"time"
)

// Store persists the domain. It is implemented by backend/sqlite and
// backend/postgres, and both must pass backend/storetest.
//
// Error contract, for every method:
//   - a missing row is an *Error with code ENOTFOUND, never (nil, nil);
//   - a unique-key violation or a stale Version is ECONFLICT;
//   - a value outside its column's range (a CHECK, e.g. progress 0–100) is
//     EINVALID; the App validates first, so users never see it;
//   - any other driver error is wrapped as EINTERNAL and never leaks driver types.
//
// Every mutating method of a domain entity writes its rows and one Change row in
// the same transaction, so that consumers of ChangesSince never see a change
// whose data is not committed, nor miss one that is. Sessions are login
// plumbing, not domain data, and write no Change.
//
// The Store holds no business rules: phases, permissions and validation live in
// App, above storage.
type Store interface {
	RegistrationStore // registrations and the mail outbox (registration.go)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// SchemaVersion returns the applied migration version.
	SchemaVersion(ctx context.Context) (int, error)
	Close() error

	// FindConferenceBySlug returns the conference or ENOTFOUND.
	FindConferenceBySlug(ctx context.Context, slug string) (*Conference, error)
	// FindConferenceByID returns the conference or ENOTFOUND.
	FindConferenceByID(ctx context.Context, id int64) (*Conference, error)
	// FindConferences lists conferences, soonest start first, then by id, and
	// returns the total that match the filter without paging.
	FindConferences(ctx context.Context, f ConferenceFilter) ([]*Conference, int, error)
	// CreateConference inserts c and sets its ID, Version (1) and timestamps.
	// A taken slug or join code is ECONFLICT.
	CreateConference(ctx context.Context, c *Conference) error
	// UpdateConference writes every mutable field of c (not Slug, ID, CreatedAt)
	// if the stored Version equals c.Version, then increments c.Version and sets
	// UpdatedAt. A stale version is ECONFLICT; a missing id is ENOTFOUND.
	UpdateConference(ctx context.Context, c *Conference) error

	// CreateParticipant inserts p and sets its ID. A KeyHash already used in
	// the same conference is ECONFLICT; an unknown conference is ENOTFOUND.
	// With inviteID > 0 it also marks that invite used by p (UsedAt =
	// p.CreatedAt) in the same transaction; an invite already used, or not of
	// p's conference, is ECONFLICT and nothing is written.
	CreateParticipant(ctx context.Context, p *Participant, inviteID int64) error
	FindParticipantByID(ctx context.Context, id int64) (*Participant, error)
	// FindParticipants lists a conference's participants by id, including
	// those who left (their personal data is already erased).
	FindParticipants(ctx context.Context, conferenceID int64) ([]*Participant, error)
	// FindParticipantByKey finds the membership of a browser key in a conference.
	FindParticipantByKey(ctx context.Context, conferenceID int64, keyHash string) (*Participant, error)
	// UpdateParticipant writes DisplayName, Department, Role, KeyHash ("" is
	// stored as NULL) and LeftAt.
	UpdateParticipant(ctx context.Context, p *Participant) error
	// EraseParticipant removes a participant's personal data in one
	// transaction: the participant's DisplayName and Department become "",
	// KeyHash NULL and LeftAt at; the AuthorName of their ideas and comments
	// becomes ""; the e-mail of the invite they joined with is erased (NULL).
	// Ideas, comments and supports stay. Records a change for the participant
	// and for each idea whose author name was cleared. Unknown id: ENOTFOUND.
	EraseParticipant(ctx context.Context, id int64, at time.Time) error

	// SaveInvites creates invites or, for an e-mail already invited to the
	// conference, replaces its TokenHash and CreatedAt (a new link; the old
	// one stops working) while UsedAt and ParticipantID stay. All in one
	// transaction; sets each invite's ID (and UsedAt/ParticipantID of
	// existing ones). Unknown conference: ENOTFOUND.
	SaveInvites(ctx context.Context, conferenceID int64, invites []*Invite) error
	// FindInvites lists a conference's invites by id.
	FindInvites(ctx context.Context, conferenceID int64) ([]*Invite, error)
	// FindInviteByToken finds an invite of a conference by its token hash.
	FindInviteByToken(ctx context.Context, conferenceID int64, tokenHash string) (*Invite, error)

	// CreateIdea inserts i and sets ID, Version (1), SupportCount and
	// CommentCount (0). An unknown conference or author is ENOTFOUND.
	CreateIdea(ctx context.Context, i *Idea) error
	FindIdeaByID(ctx context.Context, id int64) (*Idea, error)
	// FindIdeasByIDs returns the ideas with these ids that exist, by id, in
	// one query (a page of search hits, the ideas carried out of a
	// conference); unknown ids are left out, not an error.
	FindIdeasByIDs(ctx context.Context, ids []int64) (map[int64]*Idea, error)
	// FindIdeas lists the ideas of one conference, filtered and sorted as f
	// says (ties broken by id descending; SortRandom is a stable permutation
	// per Seed), with the total matching count before paging. Hidden ideas
	// only with IncludeHidden; merged ideas are never listed.
	FindIdeas(ctx context.Context, f IdeaFilter) ([]*Idea, int, error)
	// UpdateIdea writes Title, Body, Topic, Department, Anonymous, Status,
	// Hidden, HiddenReason, MergedIntoID, CommentsLocked, Tags, Reviewed and
	// the follow-up fields (StatusReason, OfficialAnswer, ResponsibleUnit,
	// Progress) if the stored Version equals i.Version, then increments
	// i.Version (stale: ECONFLICT). With
	// keepVersion, the stored title, body, topic and department are first
	// copied into an IdeaVersion, in the same transaction.
	UpdateIdea(ctx context.Context, i *Idea, keepVersion bool) error
	// FindIdeaVersions returns an idea's earlier versions, oldest first.
	FindIdeaVersions(ctx context.Context, ideaID int64) ([]IdeaVersion, error)
	// FindIdeaTitles returns id, title, support count and hidden flag of
	// every idea of a conference that is not merged, by id: the material of
	// duplicate hints.
	FindIdeaTitles(ctx context.Context, conferenceID int64) ([]IdeaTitle, error)

	// MergeIdeas merges m.SourceID into m.TargetID in one transaction (see
	// Merge): source supports move to the target unless the person already
	// supports it (then dropped), the source's comments move, the source's
	// ImportedSupports are added to the target's, the source gets Status
	// IdeaMerged, MergedIntoID and zero counts, both ideas' counts are
	// recounted and versions incremented; audit is written (its ID set).
	// Sets m.ID, m.PreviousStatus and the counts. Source and target must be
	// different ideas of m.ConferenceID, neither merged (else ECONFLICT);
	// unknown ids are ENOTFOUND. Records changes for both ideas and the
	// moved comments.
	MergeIdeas(ctx context.Context, m *Merge, audit *AuditEntry) error
	// FindMerge returns a merge with its counts, or ENOTFOUND.
	FindMerge(ctx context.Context, id int64) (*Merge, error)
	// FindActiveMerge returns the merge that currently holds an idea as its
	// source (not undone), or ENOTFOUND.
	FindActiveMerge(ctx context.Context, sourceID int64) (*Merge, error)
	// UndoMerge reverses a merge in one transaction: every recorded support
	// returns to the source (if the person still exists), the moved ones
	// leave the target, the moved comments that are still on the target
	// return (with replies written to them on the target since, so that no
	// thread is split), the imported supports go back, the source gets its previous
	// status and no MergedIntoID, both are recounted and versions
	// incremented, UndoneAt is set, and audit is written. A merge already
	// undone, or whose target has since been merged itself, is ECONFLICT.
	UndoMerge(ctx context.Context, mergeID int64, audit *AuditEntry) error

	// RecordFollowUp writes an organiser's follow-up in one transaction:
	// i's Status, StatusReason, OfficialAnswer, ResponsibleUnit, Progress
	// and UpdatedAt if the stored Version equals i.Version (stale:
	// ECONFLICT; unknown id: ENOTFOUND), then increments i.Version; the
	// timeline entry e (its ID set; its ConferenceID becomes the idea's
	// stored conference); audit (its ID set; conference and entity filled
	// in when empty); and a change for the idea. Any failure writes nothing.
	RecordFollowUp(ctx context.Context, i *Idea, e *FollowUpEntry, audit *AuditEntry) error
	// ListFollowUps returns an idea's timeline entries, oldest first (by id);
	// an unknown idea has none.
	ListFollowUps(ctx context.Context, ideaID int64) ([]FollowUpEntry, error)
	// CarryOver moves every idea of c into c.TargetConferenceID in one
	// transaction, all or nothing. Per idea: it must be of
	// c.SourceConferenceID, at the given version and not merged (else
	// ECONFLICT; an unknown idea is ENOTFOUND), and must not have a stage in
	// the target already (ECONFLICT: it would pass through a conference
	// twice). It writes the idea's stage in the source (status, support and
	// comment counts at this moment, the target, c.Entry.CreatedAt), moves
	// the idea (conference_id, version + 1, updated_at), writes a timeline
	// entry and an audit entry (see CarryOver), and records two idea
	// changes: one in the source conference (the idea left its listing) and
	// one in the target. An unknown target conference is ENOTFOUND.
	CarryOver(ctx context.Context, c CarryOver) error
	// ListIdeaStages returns the stages of an idea (the conferences it
	// left), oldest first.
	ListIdeaStages(ctx context.Context, ideaID int64) ([]IdeaStage, error)
	// ListStagesOfIdeas is ListIdeaStages for several ideas at once (a page
	// of search hits), by idea id, then oldest first.
	ListStagesOfIdeas(ctx context.Context, ideaIDs []int64) ([]IdeaStage, error)
	// ListConferenceStages returns the stages recorded in a conference: the
	// ideas carried out of it, by carry time, then idea id.
	ListConferenceStages(ctx context.Context, conferenceID int64) ([]IdeaStage, error)
	// ListIdeasOfKey returns the ideas that any participant with this key
	// hash wrote or supports (a browser's participant key is the same for
	// all its memberships), in every conference, merged and hidden ones
	// included (the App decides what to show), newest UpdatedAt first, then
	// by id descending. An empty key hash has no ideas.
	ListIdeasOfKey(ctx context.Context, keyHash string) ([]KeyIdea, error)

	// ImportIdeas writes conf (like UpdateConference, version-checked: the
	// import may add topics and departments) and all items in one
	// transaction: either everything is stored or nothing. Ideas keep the
	// given CreatedAt, AuthorName and ImportedSupports (SupportCount =
	// ImportedSupports); comments are attached to their idea (replies to
	// their parent) and counted. progress, if not nil, is called with the
	// number of ideas written so far, now and then. Records a change per idea.
	ImportIdeas(ctx context.Context, conf *Conference, items []ImportIdea, progress func(done int)) error

	// SetSupport adds (on) or removes a participant's support for an idea,
	// idempotently, and keeps Idea.SupportCount equal to the number of
	// supports in the same transaction. It returns the new count and writes a
	// change only when something changed.
	SetSupport(ctx context.Context, ideaID, participantID int64, on bool, at time.Time) (int, error)
	// SupportedBy returns which of ideaIDs the participant supports.
	SupportedBy(ctx context.Context, participantID int64, ideaIDs []int64) (map[int64]bool, error)

	// CreateComment inserts c, sets its ID and, in the same transaction, sets
	// the idea's CommentCount to its number of comments that are neither
	// deleted nor hidden. An unknown idea, parent or author is ENOTFOUND.
	CreateComment(ctx context.Context, c *Comment) error
	FindCommentByID(ctx context.Context, id int64) (*Comment, error)
	// FindComments returns all comments of an idea (hidden and deleted ones
	// included; the App decides what to show), oldest first by id.
	FindComments(ctx context.Context, ideaID int64) ([]*Comment, error)
	// UpdateComment writes Body, Hidden, HiddenReason, Deleted, Reviewed and UpdatedAt
	// and recounts the idea's CommentCount as CreateComment does.
	UpdateComment(ctx context.Context, c *Comment) error

	// FindUnreviewedComments returns the comments of a conference's ideas
	// that no moderator has reviewed and that are not deleted, oldest first.
	FindUnreviewedComments(ctx context.Context, conferenceID int64) ([]*Comment, error)

	// CreateReport stores a report and sets its ID; the same participant
	// reporting the same entity again is ECONFLICT. Records a change with
	// Entity "report".
	CreateReport(ctx context.Context, r *Report) error
	// FindReports lists a conference's reports by id; openOnly leaves out
	// resolved ones.
	FindReports(ctx context.Context, conferenceID int64, openOnly bool) ([]*Report, error)
	// Moderate applies a ModerationChange in one transaction: the idea and/or
	// comment write (with the same checks, counts and change rows as
	// UpdateIdea without keepVersion and UpdateComment), the audit entry
	// (its ID is set), and the report resolution. Any failure writes nothing.
	Moderate(ctx context.Context, m *ModerationChange) error
	// FindAuditLog lists a conference's audit entries, newest first, with
	// the total before paging.
	FindAuditLog(ctx context.Context, conferenceID int64, offset, limit int) ([]*AuditEntry, int, error)

	// CreateAgendaSession inserts s and sets ID, Version (1) and timestamps.
	// An unknown conference is ENOTFOUND.
	CreateAgendaSession(ctx context.Context, s *AgendaSession) error
	FindAgendaSessionByID(ctx context.Context, id int64) (*AgendaSession, error)
	// FindAgendaSessions lists a conference's sessions by start, then id.
	FindAgendaSessions(ctx context.Context, conferenceID int64) ([]*AgendaSession, error)
	// UpdateAgendaSession writes Title, Room, Description, StartsAt, EndsAt
	// and ModeratorIDs if the stored Version equals s.Version, then
	// increments it (stale: ECONFLICT).
	UpdateAgendaSession(ctx context.Context, s *AgendaSession) error
	// DeleteAgendaSession removes a session that has no rounds; one with
	// rounds is ECONFLICT.
	DeleteAgendaSession(ctx context.Context, id int64) error

	// CreateRound inserts r and sets ID, Version (1) and timestamps. An
	// unknown session is ENOTFOUND.
	CreateRound(ctx context.Context, r *Round) error
	FindRoundByID(ctx context.Context, id int64) (*Round, error)
	// FindRounds lists a session's rounds by id.
	FindRounds(ctx context.Context, sessionID int64) ([]*Round, error)
	// FindOpenRounds lists the rounds of every conference whose State is
	// open, by id: the countdown closer and the live hub watch them.
	FindOpenRounds(ctx context.Context) ([]*Round, error)
	// UpdateRound writes every mutable field of r (Title, Method, Options,
	// the settings, State, ClosesAt, OpenedAt, ClosedAt, RevealedAt and
	// VoterKey, nil stored as NULL) if the stored Version equals r.Version,
	// then increments it (stale: ECONFLICT). With deleteBallots the round's
	// ballots and stored results go in the same transaction (a reset); a
	// non-nil audit is written too (its ID set). A write that leaves the open
	// state waits for ballots being cast, so none commits after it.
	UpdateRound(ctx context.Context, r *Round, deleteBallots bool, audit *AuditEntry) error
	// DeleteRound removes a round without ballots; one with ballots is
	// ECONFLICT, a missing one ENOTFOUND.
	DeleteRound(ctx context.Context, id int64) error

	// CastBallot stores b (RoundID, VoterKey, ParticipantID, ClientID,
	// Values, CastAt) in one transaction, only while the round's State is
	// open (else ECONFLICT). When the voter already has a ballot in the
	// round: the same ClientID is CastSame and writes nothing (b gets the
	// stored Values, CastAt and UpdatedAt); with replace, its values are
	// replaced and UpdatedAt = b.CastAt (CastReplaced); otherwise ECONFLICT.
	// Else b is inserted (CastCreated, ID set). Of concurrent first ballots
	// of one voter exactly one is created. Ballots write no change row: they
	// are the one high-rate write, and the live hub recounts open rounds.
	CastBallot(ctx context.Context, b *Ballot, replace bool) (CastOutcome, error)
	// FindBallot returns a voter's ballot in a round, or ENOTFOUND.
	FindBallot(ctx context.Context, roundID int64, voterKey string) (*Ballot, error)
	// TallyRound counts a round's ballots and their values per option and value.
	TallyRound(ctx context.Context, roundID int64) (Tally, error)
	// CountActiveParticipants returns how many participants of a conference
	// joined and have not left.
	CountActiveParticipants(ctx context.Context, conferenceID int64) (int, error)
	// SaveRoundResults stores a round's final results (replacing earlier
	// ones) and, per option that is an idea, that idea's votes, points, mean
	// and rank in this round; records a change per such idea.
	SaveRoundResults(ctx context.Context, res *Results) error
	// FindRoundResults returns a round's stored results, or ENOTFOUND.
	FindRoundResults(ctx context.Context, roundID int64) (*Results, error)
	// FindIdeaRoundResults lists an idea's stored results, one per round,
	// newest round first.
	FindIdeaRoundResults(ctx context.Context, ideaID int64) ([]IdeaRoundResult, error)

	// CountAccounts returns how many accounts exist (zero means first start).
	CountAccounts(ctx context.Context) (int, error)
	// CreateAccount inserts a; a taken e-mail is ECONFLICT.
	CreateAccount(ctx context.Context, a *Account) error
	FindAccountByID(ctx context.Context, id int64) (*Account, error)
	// FindAccountByEmail looks up a normalized address.
	FindAccountByEmail(ctx context.Context, email string) (*Account, error)

	// CreateSession stores a login.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns a session that has not expired at now, or ENOTFOUND.
	FindSession(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions expired before now and returns how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// ChangesSince returns up to limit changes with Seq > seq in ascending Seq
	// order. Seq order is commit order: a reader that remembers the last Seq it
	// saw never misses a change committed later.
	ChangesSince(ctx context.Context, seq int64, limit int) ([]Change, error)
	// Subscribe returns a channel that receives a value (coalesced, never
	// blocking the writer) after changes were committed, by this process or, on
	// PostgreSQL, by any process sharing the database. cancel releases it.
	Subscribe() (ch <-chan struct{}, cancel func())
	// LatestChangeSeq returns the Seq of the newest committed change, or 0
	// when there is none: where a consumer that skips the history starts,
	// and what its lag is measured against.
	LatestChangeSeq(ctx context.Context) (int64, error)

	// SearchCursor returns the change-feed position stored under name by
	// SetSearchCursor, or 0 when none is stored. An empty name is EINVALID.
	SearchCursor(ctx context.Context, name string) (int64, error)
	// SetSearchCursor stores seq under name, replacing what was there (also
	// with a smaller value: a rebuild moves the cursor back). It is indexer
	// plumbing, not domain data, and records no Change (which would wake the
	// indexer again). An empty name is EINVALID.
	SetSearchCursor(ctx context.Context, name string, seq int64) error
}

// Change is one entry of the change feed (outbox). It carries ids, not data:
// consumers reload the entity, so a change can never be applied out of date.
type Change struct {
	Seq          int64     `json:"seq"`
	Entity       string    `json:"entity"`
	EntityID     int64     `json:"entityId"`
	Op           string    `json:"op"`
	ConferenceID int64     `json:"conferenceId"`
	CreatedAt    time.Time `json:"createdAt"`
}

// Change entities and operations.
const (
	EntityConference  = "conference"
	EntityAccount     = "account"
	EntityParticipant = "participant"
	EntityIdea        = "idea"
	EntityComment     = "comment"
	EntityReport      = "report"
	EntityInvite      = "invite"
	EntitySession     = "session"
	EntityRound       = "round"

	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// ErrStaleVersion is returned by updates whose expected version is outdated.
var ErrStaleVersion = &Error{Code: ECONFLICT, Message: "This was changed by someone else in the meantime. Please reload and try again."}

// Default and maximum page sizes of listings.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Page clamps an offset and limit from a request to sane values.
func Page(offset, limit int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	if limit > MaxPageSize {
		limit = MaxPageSize
	}
	return offset, limit
}
