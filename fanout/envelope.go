package fanout

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A message on the stream is one update as a TL-encoded updates#74ae4240 (tg.Updates) with
// the users and chats of the batch it came in, so a worker's peer cache learns them as the
// gateway's would. Its Nats-Msg-Id is mtgo.UpdateKey of the update.

// HeaderChat names the chat key an update was sharded by (decimal), for tools that read the
// stream.
const HeaderChat = "Mtgo-Chat"

// unpack returns the updates of a batch and what came with them.
func unpack(u tg.UpdatesClass) (list []tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass, date int32) {
	switch u := u.(type) {
	case *tg.Updates:
		return u.Updates, u.Users, u.Chats, u.Date
	case *tg.UpdatesCombined:
		return u.Updates, u.Users, u.Chats, u.Date
	case *tg.UpdateShort:
		return []tg.UpdateClass{u.Update}, nil, nil, u.Date
	}
	return nil, nil, nil, 0
}

// encodeOne encodes update u of a batch for the stream.
func encodeOne(u tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass, date int32) ([]byte, error) {
	var b tl.Buffer
	one := &tg.Updates{Updates: []tg.UpdateClass{u}, Users: users, Chats: chats, Date: date}
	if err := one.Encode(&b); err != nil {
		return nil, fmt.Errorf("fanout: encode %T: %w", u, err)
	}
	return b.Raw(), nil
}

// decodeOne decodes a message of the stream. Anything but a tg.Updates with exactly one
// update is refused: the stream is shared, its content untrusted.
func decodeOne(data []byte) (*tg.Updates, error) {
	var b tl.Buffer
	b.ResetTo(data)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		return nil, fmt.Errorf("fanout: decode message: %w", err)
	}
	one, ok := u.(*tg.Updates)
	if !ok || len(one.Updates) != 1 || one.Updates[0] == nil {
		return nil, fmt.Errorf("fanout: decode message: want updates with one update, got %T", u)
	}
	if b.Len() != 0 {
		return nil, fmt.Errorf("fanout: decode message: %d bytes after the updates", b.Len())
	}
	return one, nil
}
