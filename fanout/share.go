package fanout

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
)

// maxDC is the highest data center whose session ShareAuthorization copies (Telegram's are
// 1..5).
const maxDC = 5

// ShareAuthorization copies the logged-in account of from (the sessions of data centers
// 1..5, the home data center and the identity) into to, so a worker's client connects with
// the gateway's authorization: Telegram allows one authorization on several connections,
// each with its own MTProto session. Workers need this when the shared store's session lock
// is the gateway's; the update state and peers are not copied (a worker runs no update
// engine and learns peers from the updates).
func ShareAuthorization(ctx context.Context, from, to storage.Storage) error {
	id, err := from.Identity(ctx)
	if err != nil {
		return fmt.Errorf("fanout: share authorization: identity: %w", err)
	}
	if id.UserID == 0 {
		return errors.New("fanout: share authorization: the source store has no logged-in account")
	}
	home, err := from.HomeDC(ctx)
	if err != nil {
		return fmt.Errorf("fanout: share authorization: home DC: %w", err)
	}
	copied := 0
	for dc := 1; dc <= maxDC; dc++ {
		s, err := from.LoadSession(ctx, dc)
		if errors.Is(err, session.ErrNoSession) {
			continue
		}
		if err != nil {
			return fmt.Errorf("fanout: share authorization: session of DC %d: %w", dc, err)
		}
		if err := to.SaveSession(ctx, s); err != nil {
			return fmt.Errorf("fanout: share authorization: save session of DC %d: %w", dc, err)
		}
		copied++
	}
	if copied == 0 {
		return errors.New("fanout: share authorization: the source store has no session")
	}
	if home != 0 {
		if err := to.SetHomeDC(ctx, home); err != nil {
			return fmt.Errorf("fanout: share authorization: save home DC: %w", err)
		}
	}
	if err := to.SetIdentity(ctx, id); err != nil {
		return fmt.Errorf("fanout: share authorization: save identity: %w", err)
	}
	return nil
}
