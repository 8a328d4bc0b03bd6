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
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// InlineAnswerOption configures the answer to an inline query (AnswerInlineQuery,
// types.InlineQuery.Answer).
type InlineAnswerOption = option.InlineAnswer

// AnswerOption is an option of both answers, to callback queries and to inline queries.
type AnswerOption interface {
	option.CallbackAnswer
	option.InlineAnswer
}

// cacheTime is WithCacheTime's option.
type cacheTime time.Duration

func (d cacheTime) ApplyCallbackAnswer(p *option.CallbackAnswerParams) {
	p.CacheTime = time.Duration(d)
}
func (d cacheTime) ApplyInlineAnswer(p *option.InlineAnswerParams) { p.CacheTime = time.Duration(d) }

// WithCacheTime lets the answer be reused for d (rounded down to seconds): by the user's app
// for the same button, by the server for the same inline query. A negative d or one past
// 2^31-1 seconds fails the answer with ErrInvalidConfig and ErrOutOfRange.
func WithCacheTime(d time.Duration) AnswerOption { return cacheTime(d) }

// WithPersonal caches an inline answer for the user who asked only.
func WithPersonal() InlineAnswerOption {
	return option.InlineAnswerFunc(func(p *option.InlineAnswerParams) { p.Personal = true })
}

// WithNextOffset sets the offset the user's app sends to ask for more inline results.
func WithNextOffset(offset string) InlineAnswerOption {
	return option.InlineAnswerFunc(func(p *option.InlineAnswerParams) { p.NextOffset = offset })
}

// WithGallery shows inline results as a grid of media.
func WithGallery() InlineAnswerOption {
	return option.InlineAnswerFunc(func(p *option.InlineAnswerParams) { p.Gallery = true })
}

// WithSwitchPM shows a button with text above the inline results that opens the private chat
// with the bot and sends "/start param".
func WithSwitchPM(text, param string) InlineAnswerOption {
	return option.InlineAnswerFunc(func(p *option.InlineAnswerParams) {
		p.SwitchPMText, p.SwitchPMParam = text, param
	})
}

// cacheSeconds converts a cache time to the seconds a request carries: ErrInvalidConfig
// and ErrOutOfRange when negative or past 2^31-1 seconds.
func cacheSeconds(d time.Duration) (int32, error) {
	secs, err := wirenum.Seconds("cache time", d, 0, math.MaxInt32)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return secs, nil
}

// AnswerInlineQuery answers the inline query queryID with results (at most 50); the options
// set the cache time, personal results, the next offset, the gallery layout and a button to
// the private chat.
func (c *Client) AnswerInlineQuery(ctx context.Context, queryID int64, results []tg.InputBotInlineResultClass, opts ...InlineAnswerOption) error {
	p := option.CollectInlineAnswer(opts)
	secs, err := cacheSeconds(p.CacheTime)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetInlineBotResultsRequest{
		QueryID: queryID, Results: results, CacheTime: secs, Private: p.Personal, Gallery: p.Gallery,
	}
	if results == nil {
		req.Results = []tg.InputBotInlineResultClass{}
	}
	if p.NextOffset != "" {
		req.NextOffset = tl.Some(p.NextOffset)
	}
	if p.SwitchPMText != "" {
		req.SwitchPm = &tg.InlineBotSwitchPM{Text: p.SwitchPMText, StartParam: p.SwitchPMParam}
	}
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: answer inline query: %w", err)
	}
	return nil
}

// GetInlineBotResults asks bot (anything ResolvePeer accepts) for its inline results for
// query, as typed in chat (nil for none), from offset ("" for the first page).
func (c *Client) GetInlineBotResults(ctx context.Context, bot, chat any, query, offset string) (*tg.MessagesBotResults, error) {
	bp, err := c.ResolvePeer(ctx, bot)
	if err != nil {
		return nil, err
	}
	user, ok := bp.(*tg.InputPeerUser)
	if !ok {
		return nil, fmt.Errorf("mtgo: get inline bot results: %v is not a bot", bot)
	}
	var peer tg.InputPeerClass = &tg.InputPeerEmpty{}
	if chat != nil {
		if peer, err = c.ResolvePeer(ctx, chat); err != nil {
			return nil, err
		}
	}
	req := &tg.MessagesGetInlineBotResultsRequest{
		Bot: &tg.InputUser{UserID: user.UserID, AccessHash: user.AccessHash}, Peer: peer, Query: query, Offset: offset,
	}
	var res tg.MessagesBotResults
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get inline bot results: %w", err)
	}
	return &res, nil
}

// AnswerInline implements types.API.
func (a clientAPI) AnswerInline(ctx context.Context, queryID int64, results []tg.InputBotInlineResultClass, opts ...option.InlineAnswer) error {
	return a.c.AnswerInlineQuery(ctx, queryID, results, opts...)
}

// NewInlineQueryHandler builds a handler of inline queries for AddHandler.
func NewInlineQueryHandler(cb func(*Context, *types.InlineQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindInlineQuery, cb, func(ctx *Context) *types.InlineQuery { return ctx.InlineQuery }, fs)
}

// OnInlineQuery registers cb in group 0 for inline queries ("@bot query" typed by a user)
// that pass every filter in fs. Only bots with inline mode on receive them.
func (c *Client) OnInlineQuery(cb func(*Context, *types.InlineQuery) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewInlineQueryHandler(cb, fs...))
}

// EditInlineMessageText replaces the text of a message sent through inline mode, named by its
// inline message id (types.CallbackQuery.InlineMessageID, types.ChosenInlineResult's); the
// EditOptions apply as for EditMessageText (a schedule does not). The call goes to the data
// center the id names, with the flood-wait handling of every managed call.
func (c *Client) EditInlineMessageText(ctx context.Context, inlineMessageID string, text string, opts ...EditOption) error {
	id, err := types.ParseInlineMessageID(inlineMessageID)
	if err != nil {
		return err
	}
	return c.editInline(ctx, id, text, opts)
}

func (c *Client) editInline(ctx context.Context, id tg.InputBotInlineMessageIDClass, text string, opts []EditOption) error {
	p := option.CollectEdit(opts)
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return err
	}
	rm, err := c.replyMarkup(ctx, p.ReplyMarkup)
	if err != nil {
		return err
	}
	return c.sendInlineEdit(ctx, &tg.MessagesEditInlineBotMessageRequest{
		ID: id, Message: tl.Some(text), Entities: ents, NoWebpage: p.NoWebpage,
		InvertMedia: p.InvertMedia, ReplyMarkup: rm,
	})
}

// EditInlineMessageReplyMarkup replaces the buttons of an inline message, leaving its text; a
// nil markup removes them.
func (c *Client) EditInlineMessageReplyMarkup(ctx context.Context, inlineMessageID string, markup tg.ReplyMarkupClass) error {
	id, err := types.ParseInlineMessageID(inlineMessageID)
	if err != nil {
		return err
	}
	return c.sendInlineEdit(ctx, &tg.MessagesEditInlineBotMessageRequest{ID: id, ReplyMarkup: markup})
}

// sendInlineEdit sends an edit of an inline message to the data center that holds it.
func (c *Client) sendInlineEdit(ctx context.Context, req *tg.MessagesEditInlineBotMessageRequest) error {
	var res tg.BoolBox
	if err := c.inlineCall(ctx, req.ID, req, &res); err != nil {
		return fmt.Errorf("mtgo: edit inline message: %w", err)
	}
	return nil
}

// inlineCall sends req, a call about the inline message id, to the data center the id names
// (Telegram keeps inline messages there).
func (c *Client) inlineCall(ctx context.Context, id tg.InputBotInlineMessageIDClass, req tl.Encoder, res tl.Decoder) error {
	return c.callDC(ctx, types.InlineMessageDC(id), req, res)
}

// EditInline implements types.API.
func (a clientAPI) EditInline(ctx context.Context, id tg.InputBotInlineMessageIDClass, text string, opts ...option.Edit) error {
	return a.c.editInline(ctx, id, text, opts)
}

// ErrInlineSendOption reports a send option that messages.sendInlineBotResult has no field
// for (markup, caption, link preview, effect, protection): the bot's result decides those.
var ErrInlineSendOption = errors.New("mtgo: option not available when sending an inline result")

// SendInlineBotResult sends result resultID of the inline query queryID (the QueryID of
// GetInlineBotResults' answer) to chat (anything ResolvePeer accepts) as the logged-in user,
// and returns the sent message (its ViaBot names the bot). WithReplyTo, WithTopic,
// WithSilent, WithSchedule, WithSendAs and WithPaidStars apply; options that would change the
// result's content are ErrInlineSendOption.
func (c *Client) SendInlineBotResult(ctx context.Context, chat any, queryID int64, resultID string, opts ...SendOption) (*types.Message, error) {
	p := option.CollectSend(opts)
	switch {
	case p.ReplyMarkup != nil, p.CaptionSet, p.NoWebpage, p.InvertMedia, p.Effect != 0, p.Protect:
		return nil, ErrInlineSendOption
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSendInlineBotResultRequest{Peer: ip, RandomID: randomID(), QueryID: queryID, ID: resultID}
	req.ReplyTo, req.ScheduleDate, req.SendAs, req.AllowPaidStars = out.replyTo, out.schedule, out.sendAs, out.paidStars
	req.Silent = out.silent
	return c.postSend(ctx, "inline result", out, req, req.RandomID, ip, "", nil)
}
