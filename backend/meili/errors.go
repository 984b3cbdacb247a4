package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/meilisearch/meilisearch-go"

	"ideenmarkt/backend"
)

// taskError is a task that ended without success; code is Meilisearch's
// error code (e.g. "invalid_document_id").
type taskError struct {
	what, status, code, message string
	uid                         int64
}

func (e *taskError) Error() string {
	return fmt.Sprintf("%s: task %d %s: %s (%s)", e.what, e.uid, e.status, e.message, e.code)
}

// apiCode returns Meilisearch's error code carried by err, if any: from an
// API response or from a failed task.
func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.MeilisearchApiError.Code
	}
	var te *taskError
	if errors.As(err, &te) {
		return te.code
	}
	return ""
}

// mapError wraps a client error with the contract's code: a server that
// cannot be reached, times out or answers 5xx is EUNAVAILABLE (the indexer
// retries); anything else is EINTERNAL, since this package builds every
// request itself and validates the caller's input before sending.
func mapError(what string, err error) error {
	wrapped := fmt.Errorf("%s: %w", what, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &backend.Error{Code: backend.EUNAVAILABLE, Message: "Search timed out.", Err: wrapped}
	}
	var me *meilisearch.Error
	if errors.As(err, &me) {
		switch {
		case me.ErrCode == meilisearch.MeilisearchCommunicationError,
			me.ErrCode == meilisearch.MeilisearchTimeoutError,
			me.ErrCode == meilisearch.MeilisearchMaxRetriesExceeded,
			me.StatusCode >= http.StatusInternalServerError:
			return &backend.Error{Code: backend.EUNAVAILABLE, Message: "The search server is not reachable.", Err: wrapped}
		}
	}
	return &backend.Error{Code: backend.EINTERNAL, Message: "Search failed.", Err: wrapped}
}
