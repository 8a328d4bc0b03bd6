package peers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// API is the part of Telegram's API the Resolver calls. It is declared here, by its consumer;
// its methods have the shapes of *tg.Client's, so a tg.Client satisfies it.
type API interface {
	ContactsResolveUsername(ctx context.Context, req *tg.ContactsResolveUsernameRequest) (*tg.ContactsResolvedPeer, error)
	ContactsResolvePhone(ctx context.Context, req *tg.ContactsResolvePhoneRequest) (*tg.ContactsResolvedPeer, error)
	UsersGetUsers(ctx context.Context, req *tg.UsersGetUsersRequest) ([]tg.UserClass, error)
	ChannelsGetChannels(ctx context.Context, req *tg.ChannelsGetChannelsRequest) (tg.MessagesChatsClass, error)
	MessagesCheckChatInvite(ctx context.Context, req *tg.MessagesCheckChatInviteRequest) (tg.ChatInviteClass, error)
}

var _ API = (*tg.Client)(nil)

// DefaultUsernameTTL is how long a username -> peer mapping is trusted before the Resolver
// asks the server again.
const DefaultUsernameTTL = 24 * time.Hour

// ResolverOptions configure a Resolver.
type ResolverOptions struct {
	// UsernameTTL is how long a learned username or phone number is trusted; 0 means
	// DefaultUsernameTTL. Every Learn of the peer renews it.
	UsernameTTL time.Duration
}

// InputPeerer is what the Resolver accepts from higher layers' peer types (the client's
// types.User and types.Chat): anything that can name itself as an input peer.
type InputPeerer interface {
	InputPeer() tg.InputPeerClass
}

// Resolver turns peer identifiers into input peers, from its Cache when it can and from the
// server (through API) when it must, learning everything the server returns. It embeds the
// Cache, so it also offers Learn, Lookup, Add and the rest. It is safe for concurrent use.
type Resolver struct {
	*Cache
	api API
	ttl time.Duration

	names  flight[string, Peer]
	phones flight[string, Peer]
	keys   flight[Key, Peer]
	invite flight[string, Peer]
}

// NewResolver returns a Resolver over cache that asks api on a miss.
func NewResolver(cache *Cache, api API, opts ResolverOptions) *Resolver {
	ttl := opts.UsernameTTL
	if ttl <= 0 {
		ttl = DefaultUsernameTTL
	}
	return &Resolver{Cache: cache, api: api, ttl: ttl}
}

// Resolve turns id into an input peer. It accepts:
//
//   - int, int32, int64: an id in Bot API form (users positive, basic groups negative,
//     channels -100...);
//   - string: anything ParseQuery accepts ("me", ids, usernames with or without "@", phone
//     numbers, t.me and tg:// links);
//   - Key and Peer;
//   - tg values: input peers (returned as they are, with a zero access hash filled in from the
//     cache when known), peers, input users and channels, users and chats (learned first);
//   - anything with an InputPeer() tg.InputPeerClass method, such as the client's types.User
//     and types.Chat.
//
// "me" and the logged-in account give inputPeerSelf. Peers that cannot be found give an error
// matching ErrPeerNotFound; other failures (network, context) are returned as they are.
func (r *Resolver) Resolve(ctx context.Context, id any) (tg.InputPeerClass, error) {
	switch v := id.(type) {
	case int:
		return r.resolveBotAPI(ctx, int64(v))
	case int32:
		return r.resolveBotAPI(ctx, int64(v))
	case int64:
		return r.resolveBotAPI(ctx, v)
	case string:
		q, err := ParseQuery(v)
		if err != nil {
			return nil, err
		}
		return r.ResolveQuery(ctx, q)
	case Key:
		return r.resolveKeyInput(ctx, v)
	case Peer:
		if v.Addressable() {
			return v.InputPeer(), nil
		}
		return r.resolveKeyInput(ctx, v.Key)
	case tg.InputPeerClass:
		return r.fillInputPeer(v), nil
	case tg.PeerClass:
		k, ok := KeyOfPeer(v)
		if !ok {
			return nil, notFound("%T names no peer", v)
		}
		return r.resolveKeyInput(ctx, k)
	case tg.InputUserClass:
		return r.resolveInputUser(ctx, v)
	case tg.InputChannelClass:
		return r.resolveInputChannel(ctx, v)
	case tg.UserClass:
		return r.resolveObject(ctx, v, nil)
	case tg.ChatClass:
		return r.resolveObject(ctx, nil, v)
	case InputPeerer:
		p := v.InputPeer()
		if p == nil {
			return nil, notFound("%T has no input peer", v)
		}
		return r.fillInputPeer(p), nil
	case nil:
		return nil, notFound("nil peer")
	}
	return nil, fmt.Errorf("%w: %w: unsupported identifier type %T", ErrPeerNotFound, ErrInvalidQuery, id)
}

// ResolveQuery resolves a parsed identifier.
func (r *Resolver) ResolveQuery(ctx context.Context, q Query) (tg.InputPeerClass, error) {
	var (
		p   Peer
		err error
	)
	switch q.Kind {
	case QuerySelf:
		return &tg.InputPeerSelf{}, nil
	case QueryKey:
		return r.resolveKeyInput(ctx, q.Key)
	case QueryUsername:
		p, err = r.ResolveUsername(ctx, q.Username)
	case QueryPhone:
		p, err = r.ResolvePhone(ctx, q.Phone)
	case QueryInvite:
		p, err = r.ResolveInvite(ctx, q.Invite)
	default:
		return nil, notFound("empty query")
	}
	if err != nil {
		return nil, err
	}
	return r.selfOr(p), nil
}

// selfOr returns inputPeerSelf for the logged-in account, p's input peer otherwise.
func (r *Resolver) selfOr(p Peer) tg.InputPeerClass {
	if id, _, ok := r.Self(); ok && p.Key == UserKey(id) {
		return &tg.InputPeerSelf{}
	}
	return p.InputPeer()
}

func (r *Resolver) resolveBotAPI(ctx context.Context, id int64) (tg.InputPeerClass, error) {
	k, ok := KeyFromBotAPI(id)
	if !ok {
		return nil, fmt.Errorf("%w: %w: id %d names no peer", ErrPeerNotFound, ErrInvalidQuery, id)
	}
	return r.resolveKeyInput(ctx, k)
}

func (r *Resolver) resolveKeyInput(ctx context.Context, k Key) (tg.InputPeerClass, error) {
	if k.Kind == KindUser {
		if id, _, ok := r.Self(); ok && id == k.ID {
			return &tg.InputPeerSelf{}, nil
		}
	}
	if p, ok, err := r.Get(ctx, k); err == nil && ok && p.Addressable() {
		return p.InputPeer(), nil
	}
	// A min peer is addressed through the message it was seen in rather than asking the
	// server, which would not give its access hash either.
	if ip, ok := r.fromMessage(k); ok {
		return ip, nil
	}
	p, err := r.ResolveKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return p.InputPeer(), nil
}

// ResolveKey returns an addressable record of the peer with key k: from the cache, else by
// asking the server (users.getUsers or channels.getChannels with a zero access hash, which
// works for bots and for peers the server lets the account see). Basic groups need no access
// hash and are returned without a request.
func (r *Resolver) ResolveKey(ctx context.Context, k Key) (Peer, error) {
	if !k.Valid() {
		return Peer{}, notFound("invalid key %v", k)
	}
	p, ok, err := r.Get(ctx, k)
	if err != nil {
		return Peer{}, err
	}
	if ok && p.Addressable() {
		return p, nil
	}
	if k.Kind == KindChat {
		return Peer{Key: k}, nil
	}
	return r.keys.do(ctx, k, func(ctx context.Context) (Peer, error) {
		switch k.Kind {
		case KindUser:
			users, err := r.api.UsersGetUsers(ctx, &tg.UsersGetUsersRequest{
				ID: []tg.InputUserClass{&tg.InputUser{UserID: k.ID}},
			})
			if err != nil {
				return Peer{}, serverError(err, "users.getUsers %d", k.ID)
			}
			r.Learn(users, nil)
		default:
			res, err := r.api.ChannelsGetChannels(ctx, &tg.ChannelsGetChannelsRequest{
				ID: []tg.InputChannelClass{&tg.InputChannel{ChannelID: k.ID}},
			})
			if err != nil {
				return Peer{}, serverError(err, "channels.getChannels %d", k.ID)
			}
			r.LearnFrom(res)
		}
		return r.addressable(ctx, k)
	})
}

// addressable returns the cached record of k if it can be used in requests.
func (r *Resolver) addressable(ctx context.Context, k Key) (Peer, error) {
	p, ok, err := r.Get(ctx, k)
	if err != nil {
		return Peer{}, err
	}
	if !ok || !p.Addressable() {
		return Peer{}, notFound("%v", k)
	}
	return p, nil
}

// fresh reports whether a record learned at seen is still within the TTL.
func (r *Resolver) fresh(seen time.Time) bool {
	return !seen.IsZero() && r.now().Sub(seen) < r.ttl
}

// ResolveUsername returns the peer with the username (with or without "@"): from the cache if
// it was learned within the TTL, else with contacts.resolveUsername. Concurrent calls for one
// username share a request.
func (r *Resolver) ResolveUsername(ctx context.Context, username string) (Peer, error) {
	if !ValidUsername(username) {
		return Peer{}, fmt.Errorf("%w: %w: %q is not a username", ErrPeerNotFound, ErrInvalidQuery, username)
	}
	name := NormalizeUsername(username)
	p, ok, err := r.ByUsername(ctx, name)
	if err != nil {
		return Peer{}, err
	}
	if ok && p.Addressable() && r.fresh(p.Seen) {
		return p, nil
	}
	return r.names.do(ctx, name, func(ctx context.Context) (Peer, error) {
		res, err := r.api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: name})
		if err != nil {
			return Peer{}, serverError(err, "contacts.resolveUsername @%s", name)
		}
		return r.resolved(ctx, res, "@"+name)
	})
}

// ResolvePhone returns the user with the phone number (digits, with or without "+" and
// separators): from the cache if learned within the TTL, else with contacts.resolvePhone.
func (r *Resolver) ResolvePhone(ctx context.Context, phone string) (Peer, error) {
	n := NormalizePhone(phone)
	if n == "" {
		return Peer{}, fmt.Errorf("%w: %w: %q is not a phone number", ErrPeerNotFound, ErrInvalidQuery, phone)
	}
	p, ok, err := r.ByPhone(ctx, n)
	if err != nil {
		return Peer{}, err
	}
	if ok && p.Addressable() && r.fresh(p.Seen) {
		return p, nil
	}
	return r.phones.do(ctx, n, func(ctx context.Context) (Peer, error) {
		res, err := r.api.ContactsResolvePhone(ctx, &tg.ContactsResolvePhoneRequest{Phone: n})
		if err != nil {
			return Peer{}, serverError(err, "contacts.resolvePhone")
		}
		return r.resolved(ctx, res, "phone")
	})
}

// resolved learns a contacts.resolvedPeer and returns the peer it names.
func (r *Resolver) resolved(ctx context.Context, res *tg.ContactsResolvedPeer, what string) (Peer, error) {
	if res == nil {
		return Peer{}, notFound("%s: empty answer", what)
	}
	r.Learn(res.Users, res.Chats)
	k, ok := KeyOfPeer(res.Peer)
	if !ok {
		return Peer{}, notFound("%s: answer names no peer", what)
	}
	return r.addressable(ctx, k)
}

// ResolveInvite returns the chat an invite link hash leads to, with messages.checkChatInvite.
// It is found only when the account is a member (chatInviteAlready) or may peek
// (chatInvitePeek); otherwise the error matches ErrPeerNotFound.
func (r *Resolver) ResolveInvite(ctx context.Context, hash string) (Peer, error) {
	if hash == "" {
		return Peer{}, notFound("empty invite hash")
	}
	return r.invite.do(ctx, hash, func(ctx context.Context) (Peer, error) {
		res, err := r.api.MessagesCheckChatInvite(ctx, &tg.MessagesCheckChatInviteRequest{Hash: hash})
		if err != nil {
			return Peer{}, serverError(err, "messages.checkChatInvite")
		}
		var chat tg.ChatClass
		switch res := res.(type) {
		case *tg.ChatInviteAlready:
			if res != nil {
				chat = res.Chat
			}
		case *tg.ChatInvitePeek:
			if res != nil {
				chat = res.Chat
			}
		}
		if chat == nil {
			return Peer{}, notFound("invite: the account is not a member")
		}
		r.Learn(nil, []tg.ChatClass{chat})
		k, _ := KeyOfChat(chat)
		return r.addressable(ctx, k)
	})
}

// fillInputPeer returns an input peer as it is, except that a user or channel with a zero
// access hash gets the cached one when known.
func (r *Resolver) fillInputPeer(p tg.InputPeerClass) tg.InputPeerClass {
	switch v := p.(type) {
	case *tg.InputPeerUser:
		if v != nil && v.AccessHash == 0 {
			if h, ok := r.UserAccessHash(v.UserID); ok {
				return &tg.InputPeerUser{UserID: v.UserID, AccessHash: h}
			}
		}
	case *tg.InputPeerChannel:
		if v != nil && v.AccessHash == 0 {
			if h, ok := r.ChannelAccessHash(v.ChannelID); ok {
				return &tg.InputPeerChannel{ChannelID: v.ChannelID, AccessHash: h}
			}
		}
	}
	return p
}

func (r *Resolver) resolveInputUser(ctx context.Context, u tg.InputUserClass) (tg.InputPeerClass, error) {
	switch v := u.(type) {
	case *tg.InputUserSelf:
		return &tg.InputPeerSelf{}, nil
	case *tg.InputUser:
		if v != nil {
			return r.fillInputPeer(&tg.InputPeerUser{UserID: v.UserID, AccessHash: v.AccessHash}), nil
		}
	case *tg.InputUserFromMessage:
		if v != nil {
			return &tg.InputPeerUserFromMessage{Peer: v.Peer, MsgID: v.MsgID, UserID: v.UserID}, nil
		}
	}
	return nil, notFound("%T names no user", u)
}

func (r *Resolver) resolveInputChannel(ctx context.Context, c tg.InputChannelClass) (tg.InputPeerClass, error) {
	switch v := c.(type) {
	case *tg.InputChannel:
		if v != nil {
			return r.fillInputPeer(&tg.InputPeerChannel{ChannelID: v.ChannelID, AccessHash: v.AccessHash}), nil
		}
	case *tg.InputChannelFromMessage:
		if v != nil {
			return &tg.InputPeerChannelFromMessage{Peer: v.Peer, MsgID: v.MsgID, ChannelID: v.ChannelID}, nil
		}
	}
	return nil, notFound("%T names no channel", c)
}

// resolveObject learns a user or chat object and resolves its key.
func (r *Resolver) resolveObject(ctx context.Context, u tg.UserClass, c tg.ChatClass) (tg.InputPeerClass, error) {
	k, ok := KeyOfUser(u)
	if c != nil {
		k, ok = KeyOfChat(c)
	}
	if !ok {
		return nil, notFound("object names no peer")
	}
	if u != nil {
		r.Learn([]tg.UserClass{u}, nil)
		if v, isUser := u.(*tg.User); isUser && v.Self {
			return &tg.InputPeerSelf{}, nil
		}
	} else {
		r.Learn(nil, []tg.ChatClass{c})
	}
	return r.resolveKeyInput(ctx, k)
}

// InputUserOf converts an input peer naming a user into an input user.
func InputUserOf(p tg.InputPeerClass) (tg.InputUserClass, bool) {
	switch v := p.(type) {
	case *tg.InputPeerSelf:
		return &tg.InputUserSelf{}, true
	case *tg.InputPeerUser:
		if v != nil {
			return &tg.InputUser{UserID: v.UserID, AccessHash: v.AccessHash}, true
		}
	case *tg.InputPeerUserFromMessage:
		if v != nil {
			return &tg.InputUserFromMessage{Peer: v.Peer, MsgID: v.MsgID, UserID: v.UserID}, true
		}
	}
	return nil, false
}

// InputChannelOf converts an input peer naming a channel into an input channel.
func InputChannelOf(p tg.InputPeerClass) (tg.InputChannelClass, bool) {
	switch v := p.(type) {
	case *tg.InputPeerChannel:
		if v != nil {
			return &tg.InputChannel{ChannelID: v.ChannelID, AccessHash: v.AccessHash}, true
		}
	case *tg.InputPeerChannelFromMessage:
		if v != nil {
			return &tg.InputChannelFromMessage{Peer: v.Peer, MsgID: v.MsgID, ChannelID: v.ChannelID}, true
		}
	}
	return nil, false
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPeerNotFound, fmt.Sprintf(format, args...))
}

// serverError wraps a failed request. An rpc_error that means "no such peer" (any 400, and
// the channel-access errors) also matches ErrPeerNotFound; other errors keep only their cause.
func serverError(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	var rpc *rpcerr.Error
	if errors.As(err, &rpc) && (rpc.Code == 400 || rpc.Type == "CHANNEL_PRIVATE" || rpc.Type == "CHANNEL_PUBLIC_GROUP_NA") {
		return fmt.Errorf("peers: %s: %w: %w", what, ErrPeerNotFound, err)
	}
	return fmt.Errorf("peers: %s: %w", what, err)
}
