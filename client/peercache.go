package mtgo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// peerCache is the client's PeerCache: input peers by Bot API id and by username, bounded by
// LRU, resolving unknown usernames with contacts.resolveUsername.
type peerCache struct {
	api    *tg.Client
	byID   *lru.Cache[int64, tg.InputPeerClass]
	byName *lru.Cache[string, int64]
}

// newPeerCache is the constructor of the peer layer; inv reaches the server.
func newPeerCache(cfg Config, inv tg.Invoker) (*peerCache, error) {
	size := max(cfg.PeerCacheSize, 16)
	byID, err := lru.New[int64, tg.InputPeerClass](size)
	if err != nil {
		return nil, err
	}
	byName, err := lru.New[string, int64](size)
	if err != nil {
		return nil, err
	}
	return &peerCache{api: tg.NewClient(inv), byID: byID, byName: byName}, nil
}

// Learn implements PeerCache. Min users and channels never replace a full access hash.
func (p *peerCache) Learn(users []tg.UserClass, chats []tg.ChatClass) {
	for _, u := range users {
		u, ok := u.(*tg.User)
		if !ok || u == nil {
			continue
		}
		if u.Min && p.byID.Contains(u.ID) {
			continue
		}
		if u.AccessHash.Set {
			p.byID.Add(u.ID, &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value})
		}
		if name := types.NewUser(u).Username; name != "" {
			p.byName.Add(strings.ToLower(name), u.ID)
		}
	}
	for _, c := range chats {
		ch := types.NewChat(c)
		if ch == nil {
			continue
		}
		switch c := c.(type) {
		case *tg.Channel:
			if (c.Min && p.byID.Contains(ch.ID)) || !c.AccessHash.Set {
				continue
			}
		}
		p.byID.Add(ch.ID, ch.InputPeer())
		if ch.Username != "" {
			p.byName.Add(strings.ToLower(ch.Username), ch.ID)
		}
	}
}

// Lookup implements PeerCache.
func (p *peerCache) Lookup(id int64) (tg.InputPeerClass, bool) { return p.byID.Get(id) }

// Add implements PeerCache.
func (p *peerCache) Add(id int64, peer tg.InputPeerClass) { p.byID.Add(id, peer) }

// Resolve implements PeerCache.
func (p *peerCache) Resolve(ctx context.Context, id any) (tg.InputPeerClass, error) {
	switch v := id.(type) {
	case int64:
		return p.byNumber(v)
	case int:
		return p.byNumber(int64(v))
	case int32:
		return p.byNumber(int64(v))
	case string:
		return p.byString(ctx, v)
	case *types.User:
		if v == nil {
			break
		}
		return v.InputPeer(), nil
	case *types.Chat:
		if v == nil {
			break
		}
		return v.InputPeer(), nil
	case tg.InputPeerClass:
		return v, nil
	case *tg.PeerUser:
		return p.byNumber(v.UserID)
	case *tg.PeerChat:
		return &tg.InputPeerChat{ChatID: v.ChatID}, nil
	case *tg.PeerChannel:
		return p.byNumber(types.ChannelChatID(v.ChannelID))
	case *tg.User:
		return types.NewUser(v).InputPeer(), nil
	case tg.ChatClass:
		if c := types.NewChat(v); c != nil {
			return c.InputPeer(), nil
		}
	}
	return nil, fmt.Errorf("%w: %T %v", ErrPeerNotFound, id, id)
}

func (p *peerCache) byNumber(id int64) (tg.InputPeerClass, error) {
	if peer, ok := p.byID.Get(id); ok {
		return peer, nil
	}
	if id < 0 && id > -1000000000000 {
		return &tg.InputPeerChat{ChatID: -id}, nil // basic groups need no access hash
	}
	return nil, fmt.Errorf("%w: id %d", ErrPeerNotFound, id)
}

// byString resolves "me"/"self", numbers, "@name", "name" and t.me links.
func (p *peerCache) byString(ctx context.Context, s string) (tg.InputPeerClass, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "me", "self":
		return &tg.InputPeerSelf{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return p.byNumber(n)
	}
	name := s
	for _, prefix := range [...]string{"https://", "http://", "www."} {
		name = strings.TrimPrefix(name, prefix)
	}
	for _, host := range [...]string{"t.me/", "telegram.me/", "telegram.dog/"} {
		name = strings.TrimPrefix(name, host)
	}
	name = strings.TrimPrefix(name, "@")
	if i := strings.IndexAny(name, "/?"); i >= 0 {
		name = name[:i]
	}
	if name == "" {
		return nil, fmt.Errorf("%w: %q", ErrPeerNotFound, s)
	}
	key := strings.ToLower(name)
	if id, ok := p.byName.Get(key); ok {
		if peer, ok := p.byID.Get(id); ok {
			return peer, nil
		}
	}
	res, err := p.api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: name})
	if err != nil {
		return nil, fmt.Errorf("%w: @%s: %w", ErrPeerNotFound, name, err)
	}
	p.Learn(res.Users, res.Chats)
	switch peer := res.Peer.(type) {
	case *tg.PeerUser:
		return p.byNumber(peer.UserID)
	case *tg.PeerChat:
		return &tg.InputPeerChat{ChatID: peer.ChatID}, nil
	case *tg.PeerChannel:
		return p.byNumber(types.ChannelChatID(peer.ChannelID))
	}
	return nil, fmt.Errorf("%w: @%s", ErrPeerNotFound, name)
}
