package artifact

import (
	"context"
	"errors"

	"github.com/hegui/hegui/internal/evidence"
)

// CauseOf classifies an error from reading an input: which bound stopped
// it, or what was wrong with the data. Errors it does not know are
// malformed data.
func CauseOf(err error) evidence.Cause {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return evidence.CauseTimeout
	case errors.Is(err, ErrBudget):
		return evidence.CauseBudget
	case errors.Is(err, ErrDepth):
		return evidence.CauseDepth
	case errors.Is(err, ErrLimit):
		return evidence.CauseLimit
	case errors.Is(err, ErrTruncated):
		return evidence.CauseTruncated
	case errors.Is(err, ErrUnreadable):
		return evidence.CauseUnreadable
	}
	return evidence.CauseMalformed
}
