package mtgo

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SearchFilter picks the kind of messages a search returns (WithFilter).
type SearchFilter int

// The kinds of messages a search can keep; FilterNone keeps every message.
const (
	FilterNone SearchFilter = iota
	FilterPhoto
	FilterVideo
	FilterPhotoVideo
	FilterDocument
	FilterAudio
	FilterVoice
	FilterVideoNote
	FilterVoiceVideoNote
	FilterAnimation
	FilterURL
	FilterLocation
	FilterContact
	FilterPoll
	FilterPinned
	FilterMention
	FilterChatPhoto
	FilterPhoneCall
)

// input returns the inputMessagesFilter of f.
func (f SearchFilter) input() tg.MessagesFilterClass {
	switch f {
	case FilterPhoto:
		return &tg.InputMessagesFilterPhotos{}
	case FilterVideo:
		return &tg.InputMessagesFilterVideo{}
	case FilterPhotoVideo:
		return &tg.InputMessagesFilterPhotoVideo{}
	case FilterDocument:
		return &tg.InputMessagesFilterDocument{}
	case FilterAudio:
		return &tg.InputMessagesFilterMusic{}
	case FilterVoice:
		return &tg.InputMessagesFilterVoice{}
	case FilterVideoNote:
		return &tg.InputMessagesFilterRoundVideo{}
	case FilterVoiceVideoNote:
		return &tg.InputMessagesFilterRoundVoice{}
	case FilterAnimation:
		return &tg.InputMessagesFilterGif{}
	case FilterURL:
		return &tg.InputMessagesFilterURL{}
	case FilterLocation:
		return &tg.InputMessagesFilterGeo{}
	case FilterContact:
		return &tg.InputMessagesFilterContacts{}
	case FilterPoll:
		return &tg.InputMessagesFilterPoll{}
	case FilterPinned:
		return &tg.InputMessagesFilterPinned{}
	case FilterMention:
		return &tg.InputMessagesFilterMyMentions{}
	case FilterChatPhoto:
		return &tg.InputMessagesFilterChatPhotos{}
	case FilterPhoneCall:
		return &tg.InputMessagesFilterPhoneCalls{}
	}
	return &tg.InputMessagesFilterEmpty{}
}

// WithFilter keeps the messages of one kind (SearchMessages, SearchGlobal).
func WithFilter(f SearchFilter) HistoryOption { return func(p *historyParams) { p.filter = f } }

// WithFrom keeps the messages sent by sender, anything ResolvePeer accepts (SearchMessages).
func WithFrom(sender any) HistoryOption { return func(p *historyParams) { p.from = sender } }

// WithDateRange keeps the messages sent from from to to, inclusive; a zero time leaves that
// side open (SearchMessages, SearchGlobal; ErrDate for a time outside 1901-12-13..2038-01-19).
func WithDateRange(from, to time.Time) HistoryOption {
	return func(p *historyParams) { p.minDate, p.maxDate = from, to }
}

// WithThread searches the replies to message topID only (a forum topic or a thread;
// SearchMessages).
func WithThread(topID int) HistoryOption { return func(p *historyParams) { p.topic = topID } }

// WithUsersOnly, WithGroupsOnly and WithChannelsOnly restrict SearchGlobal to private chats,
// to groups, or to broadcast channels.
func WithUsersOnly() HistoryOption { return func(p *historyParams) { p.kindOnly = globalUsers } }

// WithGroupsOnly restricts SearchGlobal to basic groups and supergroups.
func WithGroupsOnly() HistoryOption { return func(p *historyParams) { p.kindOnly = globalGroups } }

// WithChannelsOnly restricts SearchGlobal to broadcast channels.
func WithChannelsOnly() HistoryOption {
	return func(p *historyParams) { p.kindOnly = globalChannels }
}

// dateRange is WithDateRange's min_date and max_date (0: that side open).
func (p historyParams) dateRange() (minDate, maxDate int32, err error) {
	if minDate, err = tgdate.OrZero("min date", p.minDate); err != nil {
		return 0, 0, err
	}
	if maxDate, err = tgdate.OrZero("max date", p.maxDate); err != nil {
		return 0, 0, err
	}
	return minDate, maxDate, nil
}

// searchRequest builds messages.search for chat peer (the paging fields are the cursor's).
func (c *Client) searchRequest(ctx context.Context, peer tg.InputPeerClass, query string, p historyParams) (*tg.MessagesSearchRequest, error) {
	if err := p.checkIDs(); err != nil {
		return nil, err
	}
	minDate, maxDate, err := p.dateRange()
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSearchRequest{
		Peer: peer, Q: query, Filter: p.filter.input(), MinDate: minDate, MaxDate: maxDate,
		MaxID: int32(p.maxID), MinID: int32(p.minID),
	}
	if p.topic != 0 {
		req.TopMsgID = tl.Some(int32(p.topic))
	}
	if p.from != nil {
		from, err := c.ResolvePeer(ctx, p.from)
		if err != nil {
			return nil, fmt.Errorf("mtgo: search sender: %w", err)
		}
		req.FromID = from
	}
	return req, nil
}

// SearchMessages lists the messages of chat (anything ResolvePeer accepts) whose text
// contains query (empty: every message), newest first, paged like GetChatHistory
// (messages.search). Options: WithFrom, WithFilter, WithDateRange, WithThread, WithLimit,
// WithPageSize, WithOffsetID, WithIDRange.
func (c *Client) SearchMessages(ctx context.Context, chat any, query string, opts ...HistoryOption) iter.Seq2[*types.Message, error] {
	p := collectHistory(opts)
	return func(yield func(*types.Message, error) bool) {
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		base, err := c.searchRequest(ctx, peer, query, p)
		if err != nil {
			yield(nil, err)
			return
		}
		c.pages(ctx, p, func(cur pageCursor, limit int) (tl.Encoder, error) {
			req := *base
			req.OffsetID, req.Limit = cur.offsetID(p), int32(limit)
			return &req, nil
		}, yield)
	}
}

// SearchMessagesCount returns how many messages SearchMessages would list (messages.search
// with a limit of one); the paging options do not apply.
func (c *Client) SearchMessagesCount(ctx context.Context, chat any, query string, opts ...HistoryOption) (int, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	req, err := c.searchRequest(ctx, peer, query, collectHistory(opts))
	if err != nil {
		return 0, err
	}
	req.Limit = 1
	return c.count(ctx, "search messages count", req)
}

// globalRequest builds messages.searchGlobal (the paging fields are the cursor's).
func globalRequest(query string, p historyParams) (*tg.MessagesSearchGlobalRequest, error) {
	minDate, maxDate, err := p.dateRange()
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSearchGlobalRequest{
		Q: query, Filter: p.filter.input(), MinDate: minDate, MaxDate: maxDate,
		OffsetPeer: &tg.InputPeerEmpty{}, UsersOnly: p.kindOnly == globalUsers,
		GroupsOnly: p.kindOnly == globalGroups, BroadcastsOnly: p.kindOnly == globalChannels,
	}, nil
}

// SearchGlobal lists the messages of every chat of the account whose text contains query,
// newest first, across chats (messages.searchGlobal: each page continues from the previous
// page's next_rate, last chat and id). Telegram refuses an empty query without a filter.
// Options: WithFilter, WithDateRange, WithUsersOnly/WithGroupsOnly/WithChannelsOnly,
// WithLimit, WithPageSize.
func (c *Client) SearchGlobal(ctx context.Context, query string, opts ...HistoryOption) iter.Seq2[*types.Message, error] {
	p := collectHistory(opts)
	p.global = true
	return func(yield func(*types.Message, error) bool) {
		c.pages(ctx, p, func(cur pageCursor, limit int) (tl.Encoder, error) {
			req, err := globalRequest(query, p)
			if err != nil {
				return nil, err
			}
			req.Limit = int32(limit)
			if cur.id != 0 {
				in, err := c.ResolvePeer(ctx, cur.peer) // known: the previous page named it
				if err != nil {
					return nil, err
				}
				req.OffsetRate, req.OffsetPeer, req.OffsetID = cur.date, in, cur.id
			}
			return req, nil
		}, yield)
	}
}

// SearchGlobalCount returns how many messages SearchGlobal would list.
func (c *Client) SearchGlobalCount(ctx context.Context, query string, opts ...HistoryOption) (int, error) {
	req, err := globalRequest(query, collectHistory(opts))
	if err != nil {
		return 0, err
	}
	req.Limit = 1
	return c.count(ctx, "search global count", req)
}
