package teletest

import (
	"encoding/binary"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Layer is the API layer the server speaks (the layer of tl/tg).
const Layer = tg.Layer

// Layer170 is the layer gotd/td v0.93.0 announces. For clients that announce it, results
// and updates carrying users are re-encoded in layer 170's forms (see downgrade); everything
// else is answered in Layer, which works for the constructors the two layers share.
const Layer170 = 170

// Constructor ids of layer 170 that differ from Layer.
const (
	user170ID = 0x215c4438 // user#215c4438
)

// forLayer returns v as a client announcing layer expects it.
func forLayer(layer int32, v tl.Encoder) (tl.Encoder, error) {
	switch layer {
	case Layer227:
		return to227(v)
	case Layer170:
		return downgrade(layer, v), nil
	}
	return v, nil
}

// downgrade returns v as a client announcing layer expects it. Only Layer170 has a
// translation, and only for the results that carry users: auth.authorization,
// Vector<User>, contacts.resolvedPeer, updates and updatesCombined, users.
func downgrade(layer int32, v tl.Encoder) tl.Encoder {
	if layer != Layer170 {
		return v
	}
	switch r := v.(type) {
	case *tg.AuthAuthorization:
		return authorization170{r}
	case *tg.UserClassVector:
		return users170(r.Elems)
	case *tg.ContactsResolvedPeer:
		return resolvedPeer170{r}
	case *tg.Updates:
		return updates170{r}
	case *tg.User:
		return user170{r}
	}
	return v
}

// user170 encodes a user as user#215c4438: the fields added after layer 170 are left out
// (their flag bits stay clear) and stories_max_id, emoji_status and userStatusRecently,
// whose types changed, are dropped.
type user170 struct{ u *tg.User }

func (w user170) Encode(b *tl.Buffer) error {
	if w.u == nil {
		return tl.NilObjectError("user")
	}
	u := *w.u
	u.ContactRequirePremium, u.BotBusiness, u.BotHasMainApp = false, false, false
	u.BotForumView, u.BotForumCanManageTopics, u.BotCanManageBots = false, false, false
	u.BotGuestchat, u.BotGuard = false, false
	u.StoriesMaxID = nil
	u.EmojiStatus = nil // emojiStatus changed constructor
	u.BotActiveUsers, u.BotVerificationIcon = tl.Opt[int32]{}, tl.Opt[int64]{}
	u.SendPaidMessagesStars, u.LinkedCommunityID = tl.Opt[int64]{}, tl.Opt[int64]{}
	if _, ok := u.Status.(*tg.UserStatusRecently); ok {
		// userStatusRecently gained a field after layer 170; leave the status out.
		u.Status = nil
	}
	return patchID(b, &u, user170ID)
}

// patchID encodes v and overwrites its constructor id.
func patchID(b *tl.Buffer, v tl.Encoder, id uint32) error {
	start := len(b.Buf)
	if err := v.Encode(b); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b.Buf[start:], id)
	return nil
}

// users170 encodes Vector<User> with every user in layer 170's form.
type users170 []tg.UserClass

func (us users170) Encode(b *tl.Buffer) error {
	b.PutVectorHeader(len(us))
	for _, u := range us {
		if err := encodeUser170(b, u); err != nil {
			return err
		}
	}
	return b.WriteErr()
}

func encodeUser170(b *tl.Buffer, u tg.UserClass) error {
	if u == nil {
		return tl.NilFieldError("Vector", "User")
	}
	if full, ok := u.(*tg.User); ok {
		return user170{full}.Encode(b)
	}
	return u.Encode(b) // userEmpty is the same in both layers
}

// authorization170 encodes auth.authorization (unchanged since layer 170) around a layer 170
// user.
type authorization170 struct{ a *tg.AuthAuthorization }

func (w authorization170) Encode(b *tl.Buffer) error {
	a := w.a
	if a == nil {
		return tl.NilObjectError("auth.authorization")
	}
	var flags uint32
	if a.TmpSessions.Set {
		flags |= 1 << 0
	}
	if a.SetupPasswordRequired || a.OtherwiseReloginDays.Set {
		flags |= 1 << 1
	}
	if a.FutureAuthToken.Set {
		flags |= 1 << 2
	}
	b.PutID(tg.AuthAuthorizationTypeID)
	b.PutUint32(flags)
	if flags&(1<<1) != 0 {
		b.PutInt32(a.OtherwiseReloginDays.Value)
	}
	if a.TmpSessions.Set {
		b.PutInt32(a.TmpSessions.Value)
	}
	if a.FutureAuthToken.Set {
		b.PutBytes(a.FutureAuthToken.Value)
	}
	if err := encodeUser170(b, a.User); err != nil {
		return err
	}
	return b.WriteErr()
}

// resolvedPeer170 encodes contacts.resolvedPeer with layer 170 users.
type resolvedPeer170 struct{ r *tg.ContactsResolvedPeer }

func (w resolvedPeer170) Encode(b *tl.Buffer) error {
	if w.r == nil {
		return tl.NilObjectError("contacts.resolvedPeer")
	}
	b.PutID(tg.ContactsResolvedPeerTypeID)
	if w.r.Peer == nil {
		return tl.NilFieldError("contacts.resolvedPeer", "peer")
	}
	if err := w.r.Peer.Encode(b); err != nil {
		return err
	}
	if err := encodeVector(b, w.r.Chats); err != nil {
		return err
	}
	return users170(w.r.Users).Encode(b)
}

// updates170 encodes updates#74ae4240 with layer 170 users.
type updates170 struct{ u *tg.Updates }

func (w updates170) Encode(b *tl.Buffer) error {
	if w.u == nil {
		return tl.NilObjectError("updates")
	}
	b.PutID(tg.UpdatesTypeID)
	if err := encodeVector(b, w.u.Updates); err != nil {
		return err
	}
	if err := users170(w.u.Users).Encode(b); err != nil {
		return err
	}
	if err := encodeVector(b, w.u.Chats); err != nil {
		return err
	}
	b.PutInt32(w.u.Date)
	b.PutInt32(w.u.Seq)
	return b.WriteErr()
}

// encodeVector encodes a boxed vector of objects.
func encodeVector[T tl.Encoder](b *tl.Buffer, elems []T) error {
	b.PutVectorHeader(len(elems))
	for _, e := range elems {
		if any(e) == nil {
			return tl.NilFieldError("Vector", "")
		}
		if err := e.Encode(b); err != nil {
			return err
		}
	}
	return b.WriteErr()
}
