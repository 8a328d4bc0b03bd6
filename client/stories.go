package mtgo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// NewStoryHandler builds a handler of stories for AddHandler.
func NewStoryHandler(cb func(*Context, *types.Story) error, fs ...Filter) *Handler {
	return handlerOf(kindStory, cb, func(ctx *Context) *types.Story { return ctx.Story }, fs)
}

// NewChatBoostHandler builds a handler of chat boosts for AddHandler.
func NewChatBoostHandler(cb func(*Context, *types.ChatBoost) error, fs ...Filter) *Handler {
	return handlerOf(kindChatBoost, cb, func(ctx *Context) *types.ChatBoost { return ctx.ChatBoost }, fs)
}

// OnStory registers cb in group 0 for stories posted or changed (updateStory).
func (c *Client) OnStory(cb func(*Context, *types.Story) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewStoryHandler(cb, fs...))
}

// OnChatBoost registers cb in group 0 for boosts of chats the bot administers
// (updateBotChatBoost).
func (c *Client) OnChatBoost(cb func(*Context, *types.ChatBoost) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatBoostHandler(cb, fs...))
}

// StoryOption configures SendStory, RepostStory and the story edits.
type StoryOption func(*storyParams)

type storyParams struct {
	caption    string
	captionSet bool
	text       option.Text
	privacy    []tg.InputPrivacyRuleClass
	period     time.Duration
	pinned     bool
	protected  bool
	kind       types.MediaKind
}

// WithStoryCaption sets the story's caption, read with Config.ParseMode unless
// WithStoryParseMode or WithStoryEntities say otherwise.
func WithStoryCaption(caption string) StoryOption {
	return func(p *storyParams) { p.caption, p.captionSet = caption, true }
}

// WithStoryParseMode reads the caption with mode instead of Config.ParseMode.
func WithStoryParseMode(mode int) StoryOption {
	return func(p *storyParams) { p.text.ParseMode, p.text.ParseModeSet = mode, true }
}

// WithStoryEntities sends the caption as it is with these entities.
func WithStoryEntities(e []tg.MessageEntityClass) StoryOption {
	return func(p *storyParams) { p.text.Entities, p.text.EntitiesSet = e, true }
}

// WithStoryPrivacy sets who may see the story (privacy rules, such as
// tg.InputPrivacyValueAllowContacts with tg.InputPrivacyValueDisallowUsers); by default
// everybody may.
func WithStoryPrivacy(rules ...tg.InputPrivacyRuleClass) StoryOption {
	return func(p *storyParams) { p.privacy = append(p.privacy, rules...) }
}

// WithStoryCloseFriends shows the story to the account's close friends only
// (SetCloseFriends).
func WithStoryCloseFriends() StoryOption {
	return WithStoryPrivacy(&tg.InputPrivacyValueAllowCloseFriends{})
}

// WithStoryContacts shows the story to the account's contacts only.
func WithStoryContacts() StoryOption {
	return WithStoryPrivacy(&tg.InputPrivacyValueAllowContacts{})
}

// WithStoryPeriod sets how long the story stays active: 6, 12, 24 (the default) or 48 hours
// (the longer ones for premium accounts; 0 or less: the default, ErrOutOfRange past 2^31-1
// seconds).
func WithStoryPeriod(d time.Duration) StoryOption { return func(p *storyParams) { p.period = d } }

// WithStoryPinned keeps the story on the profile after it expires.
func WithStoryPinned() StoryOption { return func(p *storyParams) { p.pinned = true } }

// WithStoryProtected forbids forwarding and saving the story.
func WithStoryProtected() StoryOption { return func(p *storyParams) { p.protected = true } }

// WithStoryVideo uploads a local file given as story media as a video (the default is a
// photo).
func WithStoryVideo() StoryOption { return func(p *storyParams) { p.kind = types.KindVideo } }

func collectStory(opts []StoryOption) storyParams {
	p := storyParams{kind: types.KindPhoto}
	for _, o := range opts {
		if o != nil {
			o(&p)
		}
	}
	return p
}

// storyCall invokes a story method, absorbing its answer; an answer saying the server does
// not know the method or one of its constructors, or an answer holding a constructor this
// client's schema does not know, is reported as ErrStorySchema.
func (c *Client) storyCall(ctx context.Context, what string, in tl.Encoder, out tl.Decoder) error {
	err := c.invoker().Invoke(ctx, in, out)
	switch {
	case err == nil:
		return nil
	case rpcerr.IsType(err, "INPUT_METHOD_INVALID", "INPUT_CONSTRUCTOR_INVALID", "METHOD_INVALID", "API_LAYER_INVALID"),
		errors.Is(err, tl.ErrUnexpectedID): // an answer with a constructor the schema lacks
		return fmt.Errorf("mtgo: %s: %w: %w", what, ErrStorySchema, err)
	}
	return fmt.Errorf("mtgo: %s: %w", what, err)
}

// storyUpdate returns the story of peer an Updates answer carries (ErrStoryNotInUpdates
// when none does).
func storyUpdate(u tg.UpdatesClass, self int64, peer tg.InputPeerClass) (*types.Story, error) {
	list, users, chats, _ := updatesParts(u)
	want := inputToPeer(peer, self)
	e := types.NewEntities(users, chats)
	for _, x := range list {
		if s, ok := x.(*tg.UpdateStory); ok && s.Peer != nil && (want == nil || samePeer(s.Peer, want)) {
			if _, full := s.Story.(*tg.StoryItem); full {
				return types.NewStory(s, e), nil
			}
		}
	}
	return nil, ErrStoryNotInUpdates
}

// samePeer reports whether a and b name the same user, chat or channel.
func samePeer(a, b tg.PeerClass) bool {
	switch a := a.(type) {
	case *tg.PeerUser:
		b, ok := b.(*tg.PeerUser)
		return ok && a.UserID == b.UserID
	case *tg.PeerChat:
		b, ok := b.(*tg.PeerChat)
		return ok && a.ChatID == b.ChatID
	case *tg.PeerChannel:
		b, ok := b.(*tg.PeerChannel)
		return ok && a.ChannelID == b.ChannelID
	}
	return false
}

// storyText is the caption of p as it is sent, with its entities.
func (c *Client) storyText(ctx context.Context, p storyParams) (tl.Opt[string], []tg.MessageEntityClass, error) {
	if !p.captionSet {
		return tl.Opt[string]{}, nil, nil
	}
	text, ents, err := c.messageText(ctx, p.caption, p.text)
	if err != nil {
		return tl.Opt[string]{}, nil, err
	}
	return tl.Some(text), ents, nil
}

// SendStory posts a story as chat (the account itself, "me", or a channel it may post stories
// to) and returns it. media is a photo or video in any form SendMedia takes (a local file is
// uploaded as a photo unless WithStoryVideo); nil is ErrMediaRequired. The StoryOptions set
// the caption, who sees it, how long it stays, and whether it is pinned or protected.
func (c *Client) SendStory(ctx context.Context, chat any, media any, opts ...StoryOption) (*types.Story, error) {
	if media == nil {
		return nil, ErrMediaRequired
	}
	p := collectStory(opts)
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	in, err := c.mediaOf(ctx, p.kind, media, option.Media{})
	if err != nil {
		return nil, err
	}
	return c.postStory(ctx, "send story", peer, in, p, nil, 0)
}

// RepostStory posts again, as chat, story storyID of fromChat (one the account sees and that
// is not protected) and returns the repost; the StoryOptions apply as for SendStory.
func (c *Client) RepostStory(ctx context.Context, chat, fromChat any, storyID int, opts ...StoryOption) (*types.Story, error) {
	id, err := wireStoryID(storyID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: repost story: %w", err)
	}
	p := collectStory(opts)
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	from, err := c.ResolvePeer(ctx, fromChat)
	if err != nil {
		return nil, err
	}
	orig, err := c.storiesByID(ctx, from, []int{storyID})
	if err != nil {
		return nil, err
	}
	if len(orig) == 0 || orig[0].Media == nil {
		return nil, fmt.Errorf("mtgo: repost story %d: %w", storyID, ErrMediaRequired)
	}
	in, err := inputMediaOf(orig[0].Media)
	if err != nil {
		return nil, err
	}
	return c.postStory(ctx, "repost story", peer, in, p, from, id)
}

// postStory sends stories.sendStory.
func (c *Client) postStory(ctx context.Context, what string, peer tg.InputPeerClass, in tg.InputMediaClass, p storyParams, from tg.InputPeerClass, fromID int32) (*types.Story, error) {
	caption, ents, err := c.storyText(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.StoriesSendStoryRequest{
		Peer: peer, Media: in, Caption: caption, Entities: ents, PrivacyRules: p.privacy,
		RandomID: randomID(), Pinned: p.pinned, Noforwards: p.protected,
	}
	if req.PrivacyRules == nil {
		req.PrivacyRules = []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}
	}
	if p.period > 0 {
		secs, err := wirenum.Seconds("story period", p.period, 0, math.MaxInt32)
		if err != nil {
			return nil, fmt.Errorf("mtgo: %s: %w", what, err)
		}
		req.Period = tl.Some(secs)
	}
	if from != nil {
		req.FwdFromID, req.FwdFromStory = from, tl.Some(fromID)
	}
	var res tg.UpdatesClassBox
	if err := c.storyCall(ctx, what, req, &res); err != nil {
		return nil, err
	}
	return storyUpdate(res.Updates, c.selfID(), peer)
}

// editStory sends stories.editStory.
func (c *Client) editStory(ctx context.Context, what string, chat any, storyID int, build func(tg.InputPeerClass, *tg.StoriesEditStoryRequest) error) (*types.Story, error) {
	id, err := wireStoryID(storyID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	req := &tg.StoriesEditStoryRequest{Peer: peer, ID: id}
	if err := build(peer, req); err != nil {
		return nil, err
	}
	var res tg.UpdatesClassBox
	if err := c.storyCall(ctx, what, req, &res); err != nil {
		return nil, err
	}
	return storyUpdate(res.Updates, c.selfID(), peer)
}

// EditStoryCaption replaces the caption of story storyID of chat (read like SendStory's;
// WithStoryParseMode and WithStoryEntities apply) and returns the story. An empty caption is
// ErrCaptionRequired.
func (c *Client) EditStoryCaption(ctx context.Context, chat any, storyID int, caption string, opts ...StoryOption) (*types.Story, error) {
	if caption == "" {
		return nil, ErrCaptionRequired
	}
	p := collectStory(opts)
	p.caption, p.captionSet = caption, true
	return c.editStory(ctx, "edit story caption", chat, storyID, func(_ tg.InputPeerClass, req *tg.StoriesEditStoryRequest) error {
		text, ents, err := c.storyText(ctx, p)
		if ents == nil {
			ents = []tg.MessageEntityClass{}
		}
		req.Caption, req.Entities = text, ents
		return err
	})
}

// EditStoryMedia replaces the photo or video of story storyID of chat (media as SendStory
// takes it; nil is ErrMediaRequired) and returns the story.
func (c *Client) EditStoryMedia(ctx context.Context, chat any, storyID int, media any, opts ...StoryOption) (*types.Story, error) {
	if media == nil {
		return nil, ErrMediaRequired
	}
	p := collectStory(opts)
	return c.editStory(ctx, "edit story media", chat, storyID, func(_ tg.InputPeerClass, req *tg.StoriesEditStoryRequest) error {
		in, err := c.mediaOf(ctx, p.kind, media, option.Media{})
		req.Media = in
		return err
	})
}

// EditStoryPrivacy replaces who may see story storyID of chat (no rules: everybody) and
// returns the story.
func (c *Client) EditStoryPrivacy(ctx context.Context, chat any, storyID int, rules ...tg.InputPrivacyRuleClass) (*types.Story, error) {
	return c.editStory(ctx, "edit story privacy", chat, storyID, func(_ tg.InputPeerClass, req *tg.StoriesEditStoryRequest) error {
		req.PrivacyRules = rules
		if len(rules) == 0 {
			req.PrivacyRules = []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}
		}
		return nil
	})
}

// storyIDs converts story ids for a request; none is ErrStoryIDsRequired, one out of range
// ErrStoryID.
func storyIDs(ids []int) ([]int32, error) {
	if len(ids) == 0 {
		return nil, ErrStoryIDsRequired
	}
	return wireInt32s(ids, 1, ErrStoryID)
}

// storyTarget resolves chat and converts ids (none: ErrStoryIDsRequired, checked first).
func (c *Client) storyTarget(ctx context.Context, chat any, ids []int) (tg.InputPeerClass, []int32, error) {
	in, err := storyIDs(ids)
	if err != nil {
		return nil, nil, err
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, nil, err
	}
	return peer, in, nil
}

func intsOf(ids []int32) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = int(id)
	}
	return out
}

// DeleteStories deletes stories of chat (the account or a channel it posts stories to) and
// returns the ids deleted. No ids is ErrStoryIDsRequired.
func (c *Client) DeleteStories(ctx context.Context, chat any, ids []int) ([]int, error) {
	return c.storyIDsCall(ctx, "delete stories", chat, ids, func(p tg.InputPeerClass, ids []int32) tl.Encoder {
		return &tg.StoriesDeleteStoriesRequest{Peer: p, ID: ids}
	})
}

// PinStories pins stories of chat to its profile (they stay after they expire) or, with
// pinned false, unpins them; it returns the ids changed. No ids is ErrStoryIDsRequired.
func (c *Client) PinStories(ctx context.Context, chat any, ids []int, pinned bool) ([]int, error) {
	return c.storyIDsCall(ctx, "pin stories", chat, ids, func(p tg.InputPeerClass, ids []int32) tl.Encoder {
		return &tg.StoriesTogglePinnedRequest{Peer: p, ID: ids, Pinned: pinned}
	})
}

// storyIDsCall resolves chat and invokes the request build makes, answered with a vector of
// story ids.
func (c *Client) storyIDsCall(ctx context.Context, what string, chat any, ids []int, build func(tg.InputPeerClass, []int32) tl.Encoder) ([]int, error) {
	peer, in, err := c.storyTarget(ctx, chat, ids)
	if err != nil {
		return nil, err
	}
	var res tg.IntVector
	if err := c.storyCall(ctx, what, build(peer, in), &res); err != nil {
		return nil, err
	}
	return intsOf(res.Elems), nil
}

// PinChatStories shows stories of chat (already pinned to its profile, at most 3) first on
// the profile; the list replaces the previous one. No ids is ErrStoryIDsRequired.
func (c *Client) PinChatStories(ctx context.Context, chat any, ids []int) error {
	return c.storyBoolCall(ctx, "pin stories to top", chat, ids, func(p tg.InputPeerClass, ids []int32) tl.Encoder {
		return &tg.StoriesTogglePinnedToTopRequest{Peer: p, ID: ids}
	})
}

// ReadChatStories marks stories of chat as viewed by the account (its view counts, unless
// stealth mode is on). No ids is ErrStoryIDsRequired.
func (c *Client) ReadChatStories(ctx context.Context, chat any, ids []int) error {
	return c.storyBoolCall(ctx, "view stories", chat, ids, func(p tg.InputPeerClass, ids []int32) tl.Encoder {
		return &tg.StoriesIncrementStoryViewsRequest{Peer: p, ID: ids}
	})
}

// storyBoolCall is storyIDsCall for methods answered with a Bool.
func (c *Client) storyBoolCall(ctx context.Context, what string, chat any, ids []int, build func(tg.InputPeerClass, []int32) tl.Encoder) error {
	peer, in, err := c.storyTarget(ctx, chat, ids)
	if err != nil {
		return err
	}
	var res tg.BoolBox
	return c.storyCall(ctx, what, build(peer, in), &res)
}

// MarkStoriesRead marks the active stories of chat up to maxID as read (and viewed) and
// returns the ids newly read.
func (c *Client) MarkStoriesRead(ctx context.Context, chat any, maxID int) ([]int, error) {
	max32, err := wireInt32(maxID, 0, ErrStoryID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: read stories: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	var res tg.IntVector
	if err := c.storyCall(ctx, "read stories", &tg.StoriesReadStoriesRequest{Peer: peer, MaxID: max32}, &res); err != nil {
		return nil, err
	}
	return intsOf(res.Elems), nil
}

// GetStories returns stories of chat by id, leaving out those that do not exist or that the
// account may not see. No ids is ErrStoryIDsRequired.
func (c *Client) GetStories(ctx context.Context, chat any, ids []int) ([]*types.Story, error) {
	if len(ids) == 0 {
		return nil, ErrStoryIDsRequired
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.storiesByID(ctx, peer, ids)
}

func (c *Client) storiesByID(ctx context.Context, peer tg.InputPeerClass, ids []int) ([]*types.Story, error) {
	in, err := storyIDs(ids)
	if err != nil {
		return nil, err
	}
	var res tg.StoriesStories
	if err := c.storyCall(ctx, "get stories", &tg.StoriesGetStoriesByIDRequest{Peer: peer, ID: in}, &res); err != nil {
		return nil, err
	}
	list, _, err := storiesOf(res.Stories, res.Users, res.Chats, inputToPeer(peer, c.selfID()))
	return list, err
}

// storiesOf types the items of one peer's stories; an item of a kind this client does not
// know is ErrStorySchema. It also returns the smallest id of the items, deleted ones included
// (for paging).
func storiesOf(items []tg.StoryItemClass, users []tg.UserClass, chats []tg.ChatClass, peer tg.PeerClass) ([]*types.Story, int, error) {
	e := types.NewEntities(users, chats)
	chat := e.Chat(peer)
	out := make([]*types.Story, 0, len(items))
	low := 0
	for _, it := range items {
		switch it := it.(type) {
		case *tg.StoryItem, *tg.StoryItemSkipped:
		case *tg.StoryItemDeleted:
			// Not listed, but a page of deleted stories still moves the next page's offset.
			if id := int(it.ID); id > 0 && (low == 0 || id < low) {
				low = id
			}
			continue
		default:
			return nil, 0, fmt.Errorf("mtgo: story item %T: %w", it, ErrStorySchema)
		}
		s := types.NewStoryItem(chat, it)
		if low == 0 || s.ID < low {
			low = s.ID
		}
		out = append(out, s)
	}
	return out, low, nil
}

// GetChatStories returns the active stories of chat the account may see, oldest first.
func (c *Client) GetChatStories(ctx context.Context, chat any) ([]*types.Story, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	var res tg.StoriesPeerStories
	if err := c.storyCall(ctx, "get chat stories", &tg.StoriesGetPeerStoriesRequest{Peer: peer}, &res); err != nil {
		return nil, err
	}
	p := res.Stories.Peer
	if p == nil {
		p = inputToPeer(peer, c.selfID())
	}
	list, _, err := storiesOf(res.Stories.Stories, res.Users, res.Chats, p)
	return list, err
}

// SendStoryReaction reacts to story storyID of chat with emoji ("" takes the reaction
// back).
func (c *Client) SendStoryReaction(ctx context.Context, chat any, storyID int, emoji string) error {
	id, err := wireStoryID(storyID)
	if err != nil {
		return fmt.Errorf("mtgo: send story reaction: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	var r tg.ReactionClass = &tg.ReactionEmpty{}
	if emoji != "" {
		r = &tg.ReactionEmoji{Emoticon: emoji}
	}
	var res tg.UpdatesClassBox
	return c.storyCall(ctx, "send story reaction", &tg.StoriesSendReactionRequest{Peer: peer, StoryID: id, Reaction: r}, &res)
}

// ExportStoryLink returns the t.me link of story storyID of chat (which needs a username).
func (c *Client) ExportStoryLink(ctx context.Context, chat any, storyID int) (string, error) {
	id, err := wireStoryID(storyID)
	if err != nil {
		return "", fmt.Errorf("mtgo: export story link: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return "", err
	}
	var res tg.ExportedStoryLink
	if err := c.storyCall(ctx, "export story link", &tg.StoriesExportStoryLinkRequest{Peer: peer, ID: id}, &res); err != nil {
		return "", err
	}
	return res.Link, nil
}

// ActivateStealthMode turns on story stealth mode (premium accounts): past erases the
// account's views of the last 5 minutes, future hides its views for the next 25 minutes.
// It returns the mode as the server set it.
func (c *Client) ActivateStealthMode(ctx context.Context, past, future bool) (types.StealthMode, error) {
	var res tg.UpdatesClassBox
	if err := c.storyCall(ctx, "activate stealth mode", &tg.StoriesActivateStealthModeRequest{Past: past, Future: future}, &res); err != nil {
		return types.StealthMode{}, err
	}
	list, _, _, _ := updatesParts(res.Updates)
	for _, u := range list {
		if m, ok := u.(*tg.UpdateStoriesStealthMode); ok {
			return types.NewStealthMode(m.StealthMode), nil
		}
	}
	return types.StealthMode{}, fmt.Errorf("mtgo: activate stealth mode: %w", ErrNoMessageUpdates)
}

// ErrCloseFriendNotUser reports a close friend that is a chat, not a person.
var ErrCloseFriendNotUser = errors.New("mtgo: a close friend must be a user")

// SetCloseFriends makes users (anything ResolvePeer accepts that names a person) the
// account's close friends, who see the stories posted with WithStoryCloseFriends; the list
// replaces the previous one.
func (c *Client) SetCloseFriends(ctx context.Context, users ...any) error {
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		p, err := c.ResolvePeer(ctx, u)
		if err != nil {
			return err
		}
		up, ok := inputToPeer(p, c.selfID()).(*tg.PeerUser)
		if !ok {
			return fmt.Errorf("mtgo: set close friends: %w", ErrCloseFriendNotUser)
		}
		ids = append(ids, up.UserID)
	}
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, &tg.ContactsEditCloseFriendsRequest{ID: ids}, &res); err != nil {
		return fmt.Errorf("mtgo: set close friends: %w", err)
	}
	return nil
}

// ForwardStory sends story storyID of fromChat as a message to chat and returns the message;
// the SendOptions apply as for SendMedia (caption, reply, silent, ...).
func (c *Client) ForwardStory(ctx context.Context, chat, fromChat any, storyID int, opts ...SendOption) (*types.Message, error) {
	id, err := wireStoryID(storyID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: forward story: %w", err)
	}
	from, err := c.ResolvePeer(ctx, fromChat)
	if err != nil {
		return nil, err
	}
	return c.sendMedia(ctx, chat, "story", option.CollectSend(opts), func() (tg.InputMediaClass, error) {
		return &tg.InputMediaStory{Peer: from, ID: id}, nil
	})
}
