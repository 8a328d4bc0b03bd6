package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxPage is the most messages Telegram returns in one page of history or search.
const maxPage = 100

// HistoryOption configures the listings of messages: GetChatHistory, SearchMessages,
// SearchGlobal and GetDiscussionReplies (each option says which it applies to).
type HistoryOption func(*historyParams)

// historyParams is what the options of a listing set.
type historyParams struct {
	limit      int // 0: no limit
	pageSize   int
	offsetID   int
	offsetDate time.Time
	minID      int
	maxID      int

	// search only
	from     any
	filter   SearchFilter
	minDate  time.Time
	maxDate  time.Time
	topic    int
	kindOnly globalKind
	global   bool // set by SearchGlobal: pages continue from (rate, peer, id), not an id
}

// globalKind restricts SearchGlobal to one kind of chat.
type globalKind int

const (
	globalAll globalKind = iota
	globalUsers
	globalGroups
	globalChannels
)

func collectHistory(opts []HistoryOption) historyParams {
	p := historyParams{pageSize: maxPage}
	for _, o := range opts {
		if o != nil {
			o(&p)
		}
	}
	if p.pageSize <= 0 || p.pageSize > maxPage {
		p.pageSize = maxPage
	}
	return p
}

// WithLimit stops a listing after n messages (n <= 0: no limit, the default).
func WithLimit(n int) HistoryOption { return func(p *historyParams) { p.limit = n } }

// WithPageSize asks for n messages per request (1..100; default 100).
func WithPageSize(n int) HistoryOption { return func(p *historyParams) { p.pageSize = n } }

// WithOffsetID starts a listing with the messages older than message id (not SearchGlobal).
func WithOffsetID(id int) HistoryOption { return func(p *historyParams) { p.offsetID = id } }

// WithOffsetDate starts GetChatHistory or GetDiscussionReplies with the messages sent before
// t (ErrDate for a t outside 1901-12-13..2038-01-19).
func WithOffsetDate(t time.Time) HistoryOption { return func(p *historyParams) { p.offsetDate = t } }

// WithIDRange keeps the messages whose id is strictly between minID and maxID (zero: no
// bound); not SearchGlobal.
func WithIDRange(minID, maxID int) HistoryOption {
	return func(p *historyParams) { p.minID, p.maxID = minID, maxID }
}

// GetChatHistory lists the messages of chat (anything ResolvePeer accepts), newest first, a
// page of up to 100 messages per messages.getHistory, each page starting below the last
// message of the one before. Options: WithLimit, WithPageSize, WithOffsetID, WithOffsetDate,
// WithIDRange. Breaking out of the loop stops the listing without another request; an error
// (a FLOOD_WAIT beyond Config.SleepThreshold included: shorter ones are slept through) is
// yielded once and ends it.
//
//	for m, err := range c.GetChatHistory(ctx, "@durov", mtgo.WithLimit(500)) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(m.ID, m.Text)
//	}
func (c *Client) GetChatHistory(ctx context.Context, chat any, opts ...HistoryOption) iter.Seq2[*types.Message, error] {
	p := collectHistory(opts)
	return c.listing(ctx, chat, p, func(peer tg.InputPeerClass, cur pageCursor, date int32, limit int) tl.Encoder {
		return &tg.MessagesGetHistoryRequest{
			Peer: peer, OffsetID: cur.offsetID(p), OffsetDate: date, Limit: int32(limit),
			MaxID: int32(p.maxID), MinID: int32(p.minID),
		}
	})
}

// GetChatHistoryCount returns how many messages chat holds (messages.getHistory with a limit
// of one).
func (c *Client) GetChatHistoryCount(ctx context.Context, chat any) (int, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	return c.count(ctx, "chat history count", &tg.MessagesGetHistoryRequest{Peer: peer, Limit: 1})
}

// pageCursor is where the next page of a listing starts: after the last message of the
// previous page (the zero cursor: the first page, from the options' offsets).
type pageCursor struct {
	id   int32
	date int32 // its date (searchGlobal: the next_rate)
	peer tg.PeerClass
}

// offsetID is the offset_id of the next page.
func (c pageCursor) offsetID(p historyParams) int32 {
	if c.id == 0 {
		return int32(p.offsetID)
	}
	return c.id
}

// firstOffsetDate is the offset_date of a listing's first page: the option's date unless an
// offset id is given (the later pages continue from an id). A date no request can carry is
// ErrDate either way.
func (p historyParams) firstOffsetDate() (int32, error) {
	d, err := tgdate.OrZero("offset date", p.offsetDate)
	if p.offsetID != 0 {
		d = 0
	}
	return d, err
}

// checkIDs refuses the options' message ids no message can have (0: not set) before they are
// cut to a request's 32 bits, where 1<<32+5 would name message 5.
func (p historyParams) checkIDs() error {
	for _, o := range [...]struct {
		name string
		id   int
	}{{"offset id", p.offsetID}, {"min id", p.minID}, {"max id", p.maxID}, {"thread", p.topic}} {
		if _, err := wireMaxMessageID(o.id); err != nil {
			return fmt.Errorf("mtgo: %s: %w", o.name, err)
		}
	}
	return nil
}

// listing iterates the pages request builds from the cursor and the page's offset_date until
// a page comes back short, empty or the limit is reached.
func (c *Client) listing(ctx context.Context, chat any, p historyParams, request func(_ tg.InputPeerClass, _ pageCursor, offsetDate int32, limit int) tl.Encoder) iter.Seq2[*types.Message, error] {
	return func(yield func(*types.Message, error) bool) {
		first, err := p.firstOffsetDate()
		if err != nil {
			yield(nil, err)
			return
		}
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		c.pages(ctx, p, func(cur pageCursor, limit int) (tl.Encoder, error) {
			if cur.id != 0 {
				return request(peer, cur, 0, limit), nil
			}
			return request(peer, cur, first, limit), nil
		}, yield)
	}
}

// pages runs a listing: it asks for pages of up to p.pageSize messages and yields them until
// the server has no more, the limit is reached or yield returns false.
func (c *Client) pages(ctx context.Context, p historyParams, request func(pageCursor, int) (tl.Encoder, error), yield func(*types.Message, error) bool) {
	if err := p.checkIDs(); err != nil {
		yield(nil, err)
		return
	}
	var cur pageCursor
	left := p.limit
	api := clientAPI{c: c}
	var box pageBox // reused: its scratch holds one page's messages at a time
	moved := cursorGuard{global: p.global}
	for {
		size := p.pageSize
		if p.limit > 0 {
			size = min(size, left)
		}
		req, err := request(cur, size)
		if err != nil {
			yield(nil, err)
			return
		}
		if err := c.invokePage(ctx, req, &box); err != nil {
			yield(nil, fmt.Errorf("mtgo: %s: %w", requestName(req), err))
			return
		}
		pg := &box.pg
		c.learnPage(pg)
		e := types.NewPageEntities(pg.users, pg.chats, len(pg.msgs))
		var got int
		for i := range pg.msgs {
			got++
			m := box.message(api, i, e)
			if m == nil {
				continue
			}
			if !yield(m, nil) {
				return
			}
			if p.limit > 0 {
				if left--; left == 0 {
					return
				}
			}
		}
		if got == 0 || pg.complete || got < size {
			return
		}
		last := pg.msgs[len(pg.msgs)-1]
		next := pageCursor{id: messageID(last), date: messageDate(last), peer: messagePeer(last)}
		if pg.nextRate != 0 {
			next.date = pg.nextRate
		}
		if !moved.on(cur.offsetID(p), next) {
			return // a server that does not move the cursor on would never end the listing
		}
		cur = next
	}
}

// cursorGuard ends a listing whose server does not carry it on. A newest-first listing's next
// offset id must fall below the one it asked from; searchGlobal's (rate, peer, id) cursor is
// not ordered by id across chats, so it must be one no page has continued from before.
type cursorGuard struct {
	global bool
	seen   map[globalCursor]struct{}
}

// globalCursor is a comparable pageCursor of searchGlobal.
type globalCursor struct {
	rate, id int32
	kind     uint32 // the peer's constructor
	peer     int64
}

// on reports whether the listing goes on to next from the page asked at offset id from.
func (g *cursorGuard) on(from int32, next pageCursor) bool {
	if next.id <= 0 {
		return false
	}
	if !g.global {
		return from == 0 || next.id < from
	}
	k := globalCursor{rate: next.date, id: next.id}
	switch p := next.peer.(type) {
	case *tg.PeerUser:
		k.kind, k.peer = p.TypeID(), p.UserID
	case *tg.PeerChat:
		k.kind, k.peer = p.TypeID(), p.ChatID
	case *tg.PeerChannel:
		k.kind, k.peer = p.TypeID(), p.ChannelID
	default:
		return false // no peer to continue from
	}
	if _, ok := g.seen[k]; ok {
		return false
	}
	if g.seen == nil {
		g.seen = make(map[globalCursor]struct{})
	}
	g.seen[k] = struct{}{}
	return true
}

// invokePage runs a listing's request into box. Invoker middleware may expect the generated
// answer box (one that answers by itself fills it): with middleware installed, the answer is
// decoded into that, and box takes its messages as they are.
func (c *Client) invokePage(ctx context.Context, req tl.Encoder, box *pageBox) error {
	if c.invokeMW.Load() != nil {
		var res tg.MessagesMessagesClassBox
		if err := c.invoker().Invoke(ctx, req, &res); err != nil {
			return err
		}
		box.set(pageOf(res.MessagesMessages))
		return nil
	}
	return c.invoker().Invoke(ctx, req, box)
}

// requestName names the method of a listing's request for its errors.
func requestName(req tl.Encoder) string {
	if o, ok := req.(interface{ TypeName() string }); ok {
		return o.TypeName()
	}
	return "list messages"
}

// page is one answer of a messages.Messages method.
type page struct {
	msgs     []tg.MessageClass
	users    []tg.UserClass
	chats    []tg.ChatClass
	count    int   // all matching messages; -1 when the answer does not say
	complete bool  // messages.messages: the answer holds every message
	nextRate int32 // searchGlobal's next_rate
}

func pageOf(r tg.MessagesMessagesClass) page {
	switch r := r.(type) {
	case *tg.MessagesMessages:
		return page{msgs: r.Messages, users: r.Users, chats: r.Chats, count: len(r.Messages), complete: true}
	case *tg.MessagesMessagesSlice:
		return page{msgs: r.Messages, users: r.Users, chats: r.Chats, count: int(r.Count), nextRate: r.NextRate.Value}
	case *tg.MessagesChannelMessages:
		return page{msgs: r.Messages, users: r.Users, chats: r.Chats, count: int(r.Count)}
	}
	return page{count: -1, complete: true} // messages.messagesNotModified
}

// errNoCount reports an answer without a count (messages.messagesNotModified).
var errNoCount = errors.New("mtgo: the answer carries no count")

// count runs a listing's request with a limit of one and returns the count it reports.
func (c *Client) count(ctx context.Context, what string, req tl.Encoder) (int, error) {
	var res tg.MessagesMessagesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return 0, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	pg := pageOf(res.MessagesMessages)
	if pg.count < 0 {
		return 0, fmt.Errorf("%w: %s", errNoCount, what)
	}
	return pg.count, nil
}

func messageID(m tg.MessageClass) int32 {
	switch m := m.(type) {
	case *tg.Message:
		return m.ID
	case *tg.MessageService:
		return m.ID
	case *tg.MessageEmpty:
		return m.ID
	}
	return 0
}

func messageDate(m tg.MessageClass) int32 {
	switch m := m.(type) {
	case *tg.Message:
		return m.Date
	case *tg.MessageService:
		return m.Date
	}
	return 0
}

func messagePeer(m tg.MessageClass) tg.PeerClass {
	switch m := m.(type) {
	case *tg.Message:
		return m.PeerID
	case *tg.MessageService:
		return m.PeerID
	}
	return nil
}
