package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SendGame sends the bot's game shortName (created with @BotFather) to chat (anything
// ResolvePeer accepts); the SendOptions apply as for SendMedia. Without WithKeyboard the
// message gets a single "Play" button (types.GameButton); a keyboard of its own must start
// with one. Bots only.
func (c *Client) SendGame(ctx context.Context, chat any, shortName string, opts ...SendOption) (*types.Message, error) {
	if shortName == "" {
		return nil, fmt.Errorf("%w: game short name", ErrEmptyField)
	}
	p := option.CollectSend(opts)
	if p.ReplyMarkup == nil {
		p = option.CollectSend(append([]SendOption{WithKeyboard(types.NewInlineKeyboard().Row(types.GameButton("Play")))}, opts...))
	}
	in := &tg.InputMediaGame{ID: &tg.InputGameShortName{BotID: &tg.InputUserSelf{}, ShortName: shortName}}
	return c.sendMedia(ctx, chat, "game", p, func() (tg.InputMediaClass, error) { return in, nil })
}

// SetGameScore sets user's score in the game message messageID of chat. A lower score than
// the user's best is refused unless force; editMessage posts the new score in the chat
// (messageActionGameScore), which is returned (nil otherwise). Bots only.
func (c *Client) SetGameScore(ctx context.Context, chat any, messageID int, user any, score int, force, editMessage bool) (*types.Message, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: set game score: %w", err)
	}
	score32, err := wireScore(score)
	if err != nil {
		return nil, fmt.Errorf("mtgo: set game score: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSetGameScoreRequest{
		Peer: ip, ID: id, UserID: iu, Score: score32, Force: force, EditMessage: editMessage,
	}
	var res tg.UpdatesClassBox
	if err := c.call(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: set game score: %w", err)
	}
	return c.newMessageIn(res.Updates), nil
}

// GetGameHighScores returns the high score table of the game message messageID in chat
// around user (the best scores and the user's). Bots only.
func (c *Client) GetGameHighScores(ctx context.Context, chat any, messageID int, user any) ([]types.GameHighScore, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get game high scores: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	var res tg.MessagesHighScores
	if err := c.call(ctx, &tg.MessagesGetGameHighScoresRequest{Peer: ip, ID: id, UserID: iu}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get game high scores: %w", err)
	}
	return types.NewGameHighScores(&res), nil
}

// SetInlineGameScore sets user's score in a game sent through inline mode, named by its
// inline message id; the call goes to the data center the id names.
func (c *Client) SetInlineGameScore(ctx context.Context, inlineMessageID string, user any, score int, force, editMessage bool) error {
	id, err := types.ParseInlineMessageID(inlineMessageID)
	if err != nil {
		return err
	}
	score32, err := wireScore(score)
	if err != nil {
		return fmt.Errorf("mtgo: set inline game score: %w", err)
	}
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetInlineGameScoreRequest{ID: id, UserID: iu, Score: score32, Force: force, EditMessage: editMessage}
	var res tg.BoolBox
	if err := c.inlineCall(ctx, id, req, &res); err != nil {
		return fmt.Errorf("mtgo: set inline game score: %w", err)
	}
	return nil
}

// GetInlineGameHighScores returns the high score table of a game sent through inline mode.
func (c *Client) GetInlineGameHighScores(ctx context.Context, inlineMessageID string, user any) ([]types.GameHighScore, error) {
	id, err := types.ParseInlineMessageID(inlineMessageID)
	if err != nil {
		return nil, err
	}
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	var res tg.MessagesHighScores
	if err := c.inlineCall(ctx, id, &tg.MessagesGetInlineGameHighScoresRequest{ID: id, UserID: iu}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get inline game high scores: %w", err)
	}
	return types.NewGameHighScores(&res), nil
}
