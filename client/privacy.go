package mtgo

import (
	"context"
	"fmt"
	"math"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Privacy settings, the global privacy switches and the account's self-destruction period.

// GetPrivacy returns the rules of one privacy setting. Chat ids come in the Bot API form of
// types.Chat.ID.
func (c *Client) GetPrivacy(ctx context.Context, key types.PrivacyKey) (types.PrivacyRules, error) {
	k, err := key.TL()
	if err != nil {
		return types.PrivacyRules{}, err
	}
	res, err := result(c.api().AccountGetPrivacy(ctx, &tg.AccountGetPrivacyRequest{Key: k}))("get privacy")
	if err != nil {
		return types.PrivacyRules{}, err
	}
	return privacyRulesOf(res), nil
}

// SetPrivacy replaces the rules of one privacy setting and returns them as stored. The users
// of the exceptions must be resolvable (ResolvePeer); the chats are ids of groups and
// channels (types.Chat.ID).
func (c *Client) SetPrivacy(ctx context.Context, key types.PrivacyKey, rules types.PrivacyRules) (types.PrivacyRules, error) {
	k, err := key.TL()
	if err != nil {
		return types.PrivacyRules{}, err
	}
	in, err := c.inputPrivacyRules(ctx, rules)
	if err != nil {
		return types.PrivacyRules{}, err
	}
	res, err := result(c.api().AccountSetPrivacy(ctx, &tg.AccountSetPrivacyRequest{Key: k, Rules: in}))("set privacy")
	if err != nil {
		return types.PrivacyRules{}, err
	}
	return privacyRulesOf(res), nil
}

// privacyRulesOf converts stored rules, turning raw chat ids into Bot API ids.
func privacyRulesOf(res *tg.AccountPrivacyRules) types.PrivacyRules {
	out := types.NewPrivacyRules(res.Rules)
	e := types.NewEntities(res.Users, res.Chats)
	for _, list := range []*[]int64{&out.AllowChats, &out.DisallowChats} {
		for i, id := range *list {
			if _, ok := e.Channels[id]; ok {
				(*list)[i] = types.ChannelChatID(id)
			} else {
				(*list)[i] = -id
			}
		}
	}
	return out
}

// rawChatID turns a Bot API chat id into the id of the group or channel.
func rawChatID(id int64) int64 {
	const channelBase = 1000000000000
	switch {
	case id < -channelBase:
		return -id - channelBase
	case id < 0:
		return -id
	}
	return id
}

// inputPrivacyRules builds the rule list: exceptions first, then the base.
func (c *Client) inputPrivacyRules(ctx context.Context, r types.PrivacyRules) ([]tg.InputPrivacyRuleClass, error) {
	var out []tg.InputPrivacyRuleClass
	users := func(ids []int64) ([]tg.InputUserClass, error) {
		list := make([]any, len(ids))
		for i, id := range ids {
			list[i] = id
		}
		return c.resolveUsers(ctx, list)
	}
	chats := func(ids []int64) []int64 {
		raw := make([]int64, len(ids))
		for i, id := range ids {
			raw[i] = rawChatID(id)
		}
		return raw
	}
	if len(r.DisallowUsers) > 0 {
		in, err := users(r.DisallowUsers)
		if err != nil {
			return nil, err
		}
		out = append(out, &tg.InputPrivacyValueDisallowUsers{Users: in})
	}
	if len(r.DisallowChats) > 0 {
		out = append(out, &tg.InputPrivacyValueDisallowChatParticipants{Chats: chats(r.DisallowChats)})
	}
	if r.DisallowBots {
		out = append(out, &tg.InputPrivacyValueDisallowBots{})
	}
	if len(r.AllowUsers) > 0 {
		in, err := users(r.AllowUsers)
		if err != nil {
			return nil, err
		}
		out = append(out, &tg.InputPrivacyValueAllowUsers{Users: in})
	}
	if len(r.AllowChats) > 0 {
		out = append(out, &tg.InputPrivacyValueAllowChatParticipants{Chats: chats(r.AllowChats)})
	}
	if r.AllowPremium {
		out = append(out, &tg.InputPrivacyValueAllowPremium{})
	}
	if r.AllowBots {
		out = append(out, &tg.InputPrivacyValueAllowBots{})
	}
	switch r.Base {
	case types.PrivacyEverybody:
		out = append(out, &tg.InputPrivacyValueAllowAll{})
	case types.PrivacyContacts:
		out = append(out, &tg.InputPrivacyValueAllowContacts{}, &tg.InputPrivacyValueDisallowAll{})
	case types.PrivacyCloseFriends:
		out = append(out, &tg.InputPrivacyValueAllowCloseFriends{}, &tg.InputPrivacyValueDisallowAll{})
	case types.PrivacyNobody:
		out = append(out, &tg.InputPrivacyValueDisallowAll{})
	default:
		return nil, fmt.Errorf("mtgo: set privacy: unknown base rule %d", r.Base)
	}
	return out, nil
}

// GetGlobalPrivacySettings returns the account-wide privacy switches.
func (c *Client) GetGlobalPrivacySettings(ctx context.Context) (types.GlobalPrivacySettings, error) {
	res, err := result(c.api().AccountGetGlobalPrivacySettings(ctx, &tg.AccountGetGlobalPrivacySettingsRequest{}))("get global privacy settings")
	if err != nil {
		return types.GlobalPrivacySettings{}, err
	}
	return types.NewGlobalPrivacySettings(res), nil
}

// SetGlobalPrivacySettings changes the account-wide privacy switches.
func (c *Client) SetGlobalPrivacySettings(ctx context.Context, s types.GlobalPrivacySettings) error {
	_, err := result(c.api().AccountSetGlobalPrivacySettings(ctx, &tg.AccountSetGlobalPrivacySettingsRequest{Settings: s.TL()}))("set global privacy settings")
	return err
}

// GetAccountTTL returns after how many days without activity the account deletes itself.
func (c *Client) GetAccountTTL(ctx context.Context) (int, error) {
	res, err := result(c.api().AccountGetAccountTTL(ctx, &tg.AccountGetAccountTTLRequest{}))("get account ttl")
	if err != nil {
		return 0, err
	}
	return int(res.Days), nil
}

// SetAccountTTL sets after how many days (30 to 730) without activity the account deletes
// itself (ErrOutOfRange below 1 or past 2^31-1, before asking).
func (c *Client) SetAccountTTL(ctx context.Context, days int) error {
	n, err := wirenum.Int("days", days, 1, math.MaxInt32)
	if err != nil {
		return fmt.Errorf("mtgo: set account ttl: %w", err)
	}
	return c.boolCall(ctx, "set account ttl", &tg.AccountSetAccountTTLRequest{TTL: tg.AccountDaysTTL{Days: n}})
}
