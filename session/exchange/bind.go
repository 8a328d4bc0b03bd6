package exchange

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// Binding a temporary key (perfect forward secrecy): after a key exchange with
// ClientConfig.Temp, the client sends auth.bindTempAuthKey over the temporary key with
// perm_auth_key_id = KeyID(perm), the same nonce and expires_at, and encrypted_message from
// BindMessage. The msg_id inside encrypted_message must be the msg_id of that request.

// KeyID returns an auth key's id as the long that TL fields such as perm_auth_key_id carry.
func KeyID(k *crypto.AuthKey) int64 { return int64(binary.LittleEndian.Uint64(k.ID[:])) }

// Bind describes one auth.bindTempAuthKey call.
type Bind struct {
	// Perm is the permanent key; Temp the temporary key being bound to it.
	Perm, Temp *crypto.AuthKey
	// Nonce is a random value repeated in the request.
	Nonce int64
	// TempSessionID is the session_id of the temporary-key session that sends the request.
	TempSessionID int64
	// ExpiresAt is when the binding expires, repeated in the request (unix seconds on the wire).
	ExpiresAt time.Time
	// MsgID is the msg_id of the auth.bindTempAuthKey message.
	MsgID int64
}

// bindHeader is the inner message header before bind_auth_key_inner: random salt, random
// session_id, msg_id, seq_no 0 and the length.
const bindHeader = 8 + 8 + 8 + 4 + 4

// BindMessage returns auth.bindTempAuthKey's encrypted_message: bind_auth_key_inner in an
// MTProto 1.0 envelope under the permanent key (crypto.EncryptBindMessage). rnd supplies the
// salt, session id and padding.
func BindMessage(b Bind, rnd io.Reader) ([]byte, error) {
	if b.Perm == nil || b.Temp == nil {
		return nil, fmt.Errorf("%w: bind needs both keys", ErrConfig)
	}
	inner, err := encode(&mt.BindAuthKeyInner{
		Nonce:         b.Nonce,
		TempAuthKeyID: KeyID(b.Temp),
		PermAuthKeyID: KeyID(b.Perm),
		TempSessionID: b.TempSessionID,
		ExpiresAt:     int32(b.ExpiresAt.Unix()),
	})
	if err != nil {
		return nil, err
	}
	plain := make([]byte, 16, bindHeader+len(inner))
	if err := readRandom(rnd, plain); err != nil {
		return nil, err
	}
	plain = binary.LittleEndian.AppendUint64(plain, uint64(b.MsgID))
	plain = binary.LittleEndian.AppendUint32(plain, 0)
	plain = binary.LittleEndian.AppendUint32(plain, uint32(len(inner)))
	plain = append(plain, inner...)
	msg, err := crypto.EncryptBindMessage(b.Perm, plain, rnd)
	if err != nil {
		return nil, fmt.Errorf("exchange: bind message: %w", err)
	}
	return msg, nil
}

// CheckBind is the server's side of BindMessage: it decrypts encrypted with perm and checks that
// it binds temp, carries want's nonce, session, expiry and msg_id (want.Perm and want.Temp are
// ignored in favour of perm and temp).
func CheckBind(perm, temp *crypto.AuthKey, want Bind, encrypted []byte) error {
	plain, err := crypto.DecryptBindMessage(perm, encrypted)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBind, err)
	}
	if len(plain) < bindHeader {
		return fmt.Errorf("%w: %d bytes", ErrBind, len(plain))
	}
	msgID := int64(binary.LittleEndian.Uint64(plain[16:]))
	n := binary.LittleEndian.Uint32(plain[28:])
	if int(n) != len(plain)-bindHeader {
		return fmt.Errorf("%w: inner length %d, %d bytes follow", ErrBind, n, len(plain)-bindHeader)
	}
	var got mt.BindAuthKeyInner
	var buf tl.Buffer
	buf.ResetTo(plain[bindHeader:])
	if err := got.Decode(&buf); err != nil || buf.Len() != 0 {
		return fmt.Errorf("%w: bind_auth_key_inner does not decode", ErrBind)
	}
	switch {
	case msgID != want.MsgID:
		return fmt.Errorf("%w: msg_id %#x, request %#x", ErrBind, msgID, want.MsgID)
	case got.PermAuthKeyID != KeyID(perm):
		return fmt.Errorf("%w: perm_auth_key_id", ErrBind)
	case got.TempAuthKeyID != KeyID(temp):
		return fmt.Errorf("%w: temp_auth_key_id", ErrBind)
	case got.Nonce != want.Nonce:
		return fmt.Errorf("%w: nonce", ErrBind)
	case got.TempSessionID != want.TempSessionID:
		return fmt.Errorf("%w: temp_session_id", ErrBind)
	case int64(got.ExpiresAt) != want.ExpiresAt.Unix():
		return fmt.Errorf("%w: expires_at", ErrBind)
	}
	return nil
}
