package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// EditMessageText replaces the text of message messageID in chat (anything ResolvePeer
// accepts) and returns the edited message. The text is read like SendMessage's; the
// EditOptions apply (parse mode, entities, reply markup, link preview, media position and,
// for a scheduled message, its new time).
func (c *Client) EditMessageText(ctx context.Context, chat any, messageID int, text string, opts ...EditOption) (*types.Message, error) {
	p := option.CollectEdit(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesEditMessageRequest{
		Peer: ip, ID: int32(messageID), Message: tl.Some(text), Entities: ents,
		NoWebpage: p.NoWebpage, InvertMedia: p.InvertMedia, ReplyMarkup: p.ReplyMarkup,
		ScheduleDate: scheduleDate(p.Schedule.Unix(), p.Schedule.IsZero()),
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: edit message: %w", err)
	}
	return c.sentMessage(res.Updates, 0, ip, text, ents)
}
