package teletest

import (
	"context"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Errors of auth.bindTempAuthKey, as Telegram names them.
var (
	// ErrEncryptedMessageInvalid answers a binding whose encrypted_message does not check out.
	ErrEncryptedMessageInvalid = &services.RPCError{Code: 400, Message: "ENCRYPTED_MESSAGE_INVALID"}
	// ErrTempAuthKeyEmpty answers a binding sent under a permanent key.
	ErrTempAuthKeyEmpty = &services.RPCError{Code: 400, Message: "TEMP_AUTH_KEY_EMPTY"}
	// ErrTempAuthKeyAlreadyBound answers a second binding of one temporary key.
	ErrTempAuthKeyAlreadyBound = &services.RPCError{Code: 400, Message: "TEMP_AUTH_KEY_ALREADY_BOUND"}
)

// bindTempAuthKey is the dispatcher's handler for auth.bindTempAuthKey. It needs the
// connection (the temporary key, the session and the request's msg_id), which the network
// layer puts in the context; the services cannot answer it.
func bindTempAuthKey(ctx context.Context, _ *services.Caller, req tl.Object) (tl.Encoder, error) {
	r, ok := req.(*tg.AuthBindTempAuthKeyRequest)
	c, _ := ctx.Value(connCtxKey{}).(*conn)
	if !ok || c == nil {
		return nil, services.ErrInternal
	}
	return c.bind(services.MsgID(ctx), r)
}

// bind checks a binding request received on this connection and, if it holds, makes the
// connection act as the permanent key's account.
func (c *conn) bind(msgID int64, r *tg.AuthBindTempAuthKeyRequest) (tl.Encoder, error) {
	temp := c.key
	if temp.expires.IsZero() {
		return nil, ErrTempAuthKeyEmpty
	}
	if c.srv.keys.account(temp) != world.KeyID(temp.key.ID) {
		return nil, ErrTempAuthKeyAlreadyBound
	}
	var permID [8]byte
	for i := range permID {
		permID[i] = byte(uint64(r.PermAuthKeyID) >> (8 * i))
	}
	perm, ok := c.srv.keys.lookup(permID, c.now())
	if !ok || !perm.expires.IsZero() {
		return nil, ErrEncryptedMessageInvalid
	}
	want := exchange.Bind{
		Nonce:         r.Nonce,
		TempSessionID: c.sess.key.id,
		ExpiresAt:     time.Unix(int64(r.ExpiresAt), 0),
		MsgID:         msgID,
	}
	if err := exchange.CheckBind(&perm.key, &temp.key, want, r.EncryptedMessage); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEncryptedMessageInvalid, err)
	}
	if err := c.srv.keys.bind(temp, world.KeyID(permID)); err != nil {
		return nil, err
	}
	c.caller = c.caller.ForAccount(world.KeyID(permID)) // calls waiting for a bot keep theirs
	c.resubscribe()
	return &tg.BoolTrue{}, nil
}
