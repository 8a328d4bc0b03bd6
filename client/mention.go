package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// inputEntities returns ents as a request must carry them: a messageEntityMentionName (what
// ParseText makes of a tg://user?id=N link) becomes inputMessageEntityMentionName with the
// user's access hash from the peer cache, or, when the user cannot be resolved, stays a plain
// link to tg://user?id=N so the message still goes out. ents itself is not changed.
func (c *Client) inputEntities(ctx context.Context, ents []tg.MessageEntityClass) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	for i, e := range ents {
		m, ok := e.(*tg.MessageEntityMentionName)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]tg.MessageEntityClass(nil), ents...)
		}
		out[i] = c.inputMention(ctx, m)
	}
	if out == nil {
		return ents
	}
	return out
}

func (c *Client) inputMention(ctx context.Context, m *tg.MessageEntityMentionName) tg.MessageEntityClass {
	var user tg.InputUserClass
	if m.UserID == c.selfID() {
		user = &tg.InputUserSelf{}
	} else if p, err := c.peers.Resolve(ctx, m.UserID); err == nil {
		if u, ok := p.(*tg.InputPeerUser); ok {
			user = &tg.InputUser{UserID: u.UserID, AccessHash: u.AccessHash}
		}
	}
	if user == nil {
		c.Log.Debug("mention of an unknown user sent as a link", "user_id", m.UserID)
		return &tg.MessageEntityTextURL{Offset: m.Offset, Length: m.Length, URL: markup.MentionURL(m.UserID)}
	}
	return &tg.InputMessageEntityMentionName{Offset: m.Offset, Length: m.Length, UserID: user}
}
