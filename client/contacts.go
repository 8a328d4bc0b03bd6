package mtgo

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Contacts, the block list and top peers.

// peerChats returns the chats of peers that e holds, users as their private chats.
func peerChats(e types.Entities, peers []tg.PeerClass) []*types.Chat {
	out := make([]*types.Chat, 0, len(peers))
	for _, p := range peers {
		if v := e.Chat(p); v != nil {
			out = append(out, v)
		}
	}
	return out
}

// GetContacts returns the account's contacts.
func (c *Client) GetContacts(ctx context.Context) ([]*types.User, error) {
	res, err := result(c.api().ContactsGetContacts(ctx, &tg.ContactsGetContactsRequest{}))("get contacts")
	if err != nil {
		return nil, err
	}
	list, ok := res.(*tg.ContactsContacts)
	if !ok {
		return nil, nil // contacts.contactsNotModified: never asked with a hash
	}
	ix := types.NewEntities(list.Users, nil)
	out := make([]*types.User, 0, len(list.Contacts))
	for _, ct := range list.Contacts {
		if u := ix.User(ct.UserID); u != nil {
			out = append(out, u)
		}
	}
	return out, nil
}

// AddContact saves user as a contact under the names given; phone may be empty. share
// shows the account's own phone number to the user.
func (c *Client) AddContact(ctx context.Context, user any, firstName, lastName, phone string, share bool) error {
	in, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "add contact", &tg.ContactsAddContactRequest{
		ID: in, FirstName: firstName, LastName: lastName, Phone: phone, AddPhonePrivacyException: share,
	})
	return err
}

// ImportContacts adds phone book entries; the result lists the entries that matched an
// account.
func (c *Client) ImportContacts(ctx context.Context, contacts ...types.PhoneContact) ([]types.ImportedContact, error) {
	in := make([]tg.InputPhoneContact, 0, len(contacts))
	for i, ct := range contacts {
		in = append(in, tg.InputPhoneContact{ClientID: int64(i), Phone: ct.Phone, FirstName: ct.FirstName, LastName: ct.LastName})
	}
	res, err := result(c.api().ContactsImportContacts(ctx, &tg.ContactsImportContactsRequest{Contacts: in}))("import contacts")
	if err != nil {
		return nil, err
	}
	ix := types.NewEntities(res.Users, nil)
	out := make([]types.ImportedContact, 0, len(res.Imported))
	for _, im := range res.Imported {
		if u := ix.User(im.UserID); u != nil && im.ClientID >= 0 && im.ClientID < int64(len(contacts)) {
			out = append(out, types.ImportedContact{Index: int(im.ClientID), User: u})
		}
	}
	return out, nil
}

// DeleteContacts removes users from the account's contacts.
func (c *Client) DeleteContacts(ctx context.Context, users ...any) error {
	in, err := c.resolveUsers(ctx, users)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "delete contacts", &tg.ContactsDeleteContactsRequest{ID: in})
	return err
}

// SearchContacts looks query up among the account's contacts and chats and among public
// usernames; limit bounds each list (1..100).
func (c *Client) SearchContacts(ctx context.Context, query string, limit int) (*types.ContactsFound, error) {
	res, err := result(c.api().ContactsSearch(ctx, &tg.ContactsSearchRequest{Q: query, Limit: clampLimit(limit)}))("search contacts")
	if err != nil {
		return nil, err
	}
	ix := types.NewEntities(res.Users, res.Chats)
	return &types.ContactsFound{Mine: peerChats(ix, res.MyResults), Global: peerChats(ix, res.Results)}, nil
}

// BlockUser blocks user: it can no longer write to the account nor see its presence.
func (c *Client) BlockUser(ctx context.Context, user any) error {
	in, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "block user", &tg.ContactsBlockRequest{ID: in})
}

// UnblockUser unblocks user.
func (c *Client) UnblockUser(ctx context.Context, user any) error {
	in, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "unblock user", &tg.ContactsUnblockRequest{ID: in})
}

// blockedPage is how many entries GetBlocked asks for at a time.
const blockedPage = 100

// GetBlocked iterates over the account's block list, most recently blocked first. Iteration
// stops at the first error, which is yielded.
func (c *Client) GetBlocked(ctx context.Context) iter.Seq2[*types.BlockedPeer, error] {
	return pages(ctx, func(ctx context.Context, seen int) (listPage[*types.BlockedPeer, int], error) {
		var pg listPage[*types.BlockedPeer, int]
		off, err := wireOffset(seen)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get blocked: %w", err)
		}
		res, err := result(c.api().ContactsGetBlocked(ctx, &tg.ContactsGetBlockedRequest{Offset: off, Limit: blockedPage}))("get blocked")
		if err != nil {
			return pg, err
		}
		var list []tg.PeerBlocked
		var e types.Entities
		switch r := res.(type) {
		case *tg.ContactsBlocked:
			list, e = r.Blocked, types.NewEntities(r.Users, r.Chats)
		case *tg.ContactsBlockedSlice:
			list, e = r.Blocked, types.NewEntities(r.Users, r.Chats)
			pg.more = seen+len(list) < int(r.Count)
		}
		pg.sent, pg.next = len(list), seen+len(list)
		out := make([]*types.BlockedPeer, 0, len(list))
		for _, b := range list {
			v := &types.BlockedPeer{Date: time.Unix(int64(b.Date), 0)}
			if p, ok := b.PeerID.(*tg.PeerUser); ok {
				v.User = e.User(p.UserID)
			} else {
				v.Chat = e.Chat(b.PeerID)
			}
			out = append(out, v)
		}
		pg.items = out
		return pg, nil
	})
}

// topCategories maps the categories to their TL forms and request flags.
var topCategories = map[types.TopPeerCategory]func(*tg.ContactsGetTopPeersRequest){
	types.TopCorrespondents: func(r *tg.ContactsGetTopPeersRequest) { r.Correspondents = true },
	types.TopBotsPM:         func(r *tg.ContactsGetTopPeersRequest) { r.BotsPm = true },
	types.TopGroups:         func(r *tg.ContactsGetTopPeersRequest) { r.Groups = true },
	types.TopChannels:       func(r *tg.ContactsGetTopPeersRequest) { r.Channels = true },
}

func topCategoryOf(c tg.TopPeerCategoryClass) types.TopPeerCategory {
	switch c.(type) {
	case *tg.TopPeerCategoryCorrespondents:
		return types.TopCorrespondents
	case *tg.TopPeerCategoryBotsPM:
		return types.TopBotsPM
	case *tg.TopPeerCategoryGroups:
		return types.TopGroups
	case *tg.TopPeerCategoryChannels:
		return types.TopChannels
	}
	return 0
}

// GetTopPeers returns the chats the account uses most in each category asked (all four when
// none), at most limit per category, best first.
func (c *Client) GetTopPeers(ctx context.Context, limit int, categories ...types.TopPeerCategory) ([]types.TopPeer, error) {
	req := &tg.ContactsGetTopPeersRequest{Limit: clampLimit(limit)}
	if len(categories) == 0 {
		categories = []types.TopPeerCategory{types.TopCorrespondents, types.TopBotsPM, types.TopGroups, types.TopChannels}
	}
	for _, cat := range categories {
		if set := topCategories[cat]; set != nil {
			set(req)
		}
	}
	res, err := result(c.api().ContactsGetTopPeers(ctx, req))("get top peers")
	if err != nil {
		return nil, err
	}
	top, ok := res.(*tg.ContactsTopPeers)
	if !ok {
		return nil, nil // disabled or not modified
	}
	ix := types.NewEntities(top.Users, top.Chats)
	var out []types.TopPeer
	for _, cat := range top.Categories {
		kind := topCategoryOf(cat.Category)
		for _, p := range cat.Peers {
			if ch := ix.Chat(p.Peer); ch != nil {
				out = append(out, types.TopPeer{Category: kind, Chat: ch, Rating: p.Rating})
			}
		}
	}
	return out, nil
}
