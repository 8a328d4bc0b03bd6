package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrBind reports that the server refused to bind the temporary key (auth.bindTempAuthKey).
var ErrBind = errors.New("session: binding the temporary key failed")

// errBindAnswer is the refusal of a binding answered with something else than boolTrue.
var errBindAnswer = errors.New("unexpected answer")

// errTempKeyRenewal ends a connection whose temporary key is about to expire; the next one
// creates a fresh key. It is not a failure.
var errTempKeyRenewal = errors.New("session: temporary key renewal")

// bindTimeout bounds the wait for the answer to auth.bindTempAuthKey, which every other call
// of the connection waits for: a server that takes the binding and never answers it (it may
// still answer pings) costs a reconnect, counted like a refused binding, instead of a hang. It
// is longer than keepalive takes by default to find a connection dead (a ping after 60 s, its
// pong within 30 s), so a connection that merely went silent is still reported as lost.
const bindTimeout = 2 * time.Minute

// tempKey is the loop's perfect-forward-secrecy state.
type tempKey struct {
	key      *crypto.AuthKey
	expires  time.Time // local clock
	bound    bool      // the server accepted the binding of key
	binding  mtp.CallID
	draining bool  // renewal due: new calls wait, the connection ends once in-flight ones finish
	err      error // set by the binding's answer when it failed
}

// renewAt is when the temporary key is replaced: a quarter of its lifetime (at most five
// minutes) before it expires.
func (t *tempKey) renewAt(ttl time.Duration) time.Time {
	return t.expires.Add(-min(ttl/4, 5*time.Minute))
}

// ensureTempKey creates a temporary key on pc when there is none or it is due for renewal, and
// starts a new engine under it; the binding is sent when the connection is served.
func (l *loop) ensureTempKey(ctx context.Context, pc PacketConn) error {
	ttl := l.c.opts.TempKeyTTL
	if l.pfs.key != nil && l.now().Before(l.pfs.renewAt(ttl)) && l.eng != nil {
		return nil
	}
	res, err := exchange.RunClient(ctx, pc, exchange.ClientConfig{
		Keys: l.c.opts.PublicKeys, DC: l.dcID(), Temp: ttl, Rand: l.c.opts.Rand, Now: l.c.opts.Now,
	})
	if err != nil {
		return fmt.Errorf("session: temporary key exchange: %w", err)
	}
	key := res.AuthKey
	l.pfs = tempKey{key: &key, expires: res.ExpiresAt}
	// The exchange just measured the server clock: a stored offset may have gone stale (the
	// local clock was set since), and the binding's msg_id and expires_at are numbered from
	// it. The loop stores the new offset as it does any change of the engine's.
	return l.newEngine(key, res.ServerSalt, res.TimeOffset)
}

// startBind sends auth.bindTempAuthKey as the first call on a temporary key not bound yet. Other
// calls wait until it is answered.
func (l *loop) startBind() error {
	if l.pfs.key == nil || l.pfs.bound || l.pfs.binding != 0 {
		return nil // no temporary key, bound already, or the binding is being re-sent
	}
	now := l.now()
	nonce, err := randomID(l.c.opts.Rand)
	if err != nil {
		return err
	}
	perm := crypto.NewAuthKey([AuthKeySize]byte(l.sess.AuthKey))
	msgID := l.eng.ReserveMsgID(now)
	expires := l.pfs.expires.Add(l.eng.TimeOffset()) // server clock
	enc, err := exchange.BindMessage(exchange.Bind{
		Perm: &perm, Temp: l.pfs.key, Nonce: nonce, TempSessionID: l.eng.SessionID(),
		ExpiresAt: expires, MsgID: msgID,
	}, l.c.opts.Rand)
	if err != nil {
		return err
	}
	var b tl.Buffer
	req := &tg.AuthBindTempAuthKeyRequest{
		PermAuthKeyID: exchange.KeyID(&perm), Nonce: nonce, ExpiresAt: int32(expires.Unix()), EncryptedMessage: enc,
	}
	if err := req.Encode(&b); err != nil {
		return fmt.Errorf("session: encode auth.bindTempAuthKey: %w", err)
	}
	id := mtp.CallID(l.c.nextID.Add(1))
	if err := l.eng.Enqueue(id, b.Buf, mtp.CallOptions{MsgID: msgID, NoInit: true, Timeout: bindTimeout}); err != nil {
		return err
	}
	l.pfs.binding = id
	return nil
}

// bound handles the answer to auth.bindTempAuthKey.
func (l *loop) bound(ev mtp.Event) {
	l.pfs.binding = 0
	switch {
	case ev.Kind == mtp.EventResult && len(ev.Body) == 4 && le32(ev.Body) == tl.BoolTrueID:
		l.pfs.bound = true
		l.keyAccepted, l.refusals = true, 0
		l.release()
	case ev.Kind == mtp.EventRPCError:
		l.pfs.err = fmt.Errorf("%w: %w", ErrBind, ParseRPCError(ev.ErrorCode, ev.ErrorMessage))
	case ev.Kind == mtp.EventFailed:
		l.pfs.err = fmt.Errorf("%w: %w", ErrBind, ev.Err)
	default:
		l.pfs.err = fmt.Errorf("%w: %w", ErrBind, errBindAnswer)
	}
}

func le32(p []byte) uint32 {
	return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24
}

// bindRefused reports whether err is the server's refusal of a binding: an rpc_error, or an
// answer other than boolTrue. A failure to get the answer (the connection broke, the call
// failed locally) is none, and neither is an answer that says to try later (a flood wait, a
// server error): a redial may mend those.
func bindRefused(err error) bool {
	if !errors.Is(err, ErrBind) {
		return false
	}
	if e, ok := rpcerr.As(err); ok {
		return e.Code != 420 && e.Code < 500 && e.Code >= 0
	}
	return errors.Is(err, errBindAnswer)
}
