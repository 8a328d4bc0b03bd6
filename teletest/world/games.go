package world

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Games: a bot sends its game (messages.sendMedia with inputMediaGame; any short name counts
// as created with BotFather), keeps each player's best score per game message
// (messages.setGameScore, setInlineGameScore for a game sent through inline mode) and reads
// the table back (getGameHighScores, getInlineGameHighScores). Prepared inline messages
// (messages.savePreparedInlineMessage) are kept here too.

const (
	maxGameShortName = 64
	// maxHighScores is how many of the best scores a table shows (the asker's is added).
	maxHighScores = 10
	// maxPrepared bounds the prepared inline messages kept per world.
	maxPrepared = 1024
	// preparedTTL is how long a prepared message may be sent (Telegram: a day).
	preparedTTL = 24 * 60 * 60
)

// Game errors, as Telegram names them.
var (
	ErrGameBotInvalid      = rpcErr(400, "GAME_BOT_INVALID")
	ErrBotScoreNotModified = rpcErr(400, "BOT_SCORE_NOT_MODIFIED")
	ErrScoreInvalid        = rpcErr(400, "SCORE_INVALID")
)

// gameKey names the message a score belongs to: a bot's game message (bot, chat as the bot
// sees it, id), or an inline message (inline, its id).
type gameKey struct {
	bot    int64
	peer   Peer
	id     int32
	inline int64
}

// preparedMessage is a bot's message saved for a person to share from its Mini App.
type preparedMessage struct {
	bot, user int64
	content   content
	expires   int32
}

// newGame checks the game a bot sends (under w.mu): people cannot send games
// (MEDIA_INVALID), a bot only its own (GAME_BOT_INVALID).
func (w *World) newGame(a *account, in *tg.InputMediaGame) (*media, error) {
	if !a.bot {
		return nil, ErrMediaInvalid
	}
	sn, ok := in.ID.(*tg.InputGameShortName)
	if !ok {
		return nil, ErrGameBotInvalid
	}
	if owner, err := w.resolveUser(a, sn.BotID); err != nil || owner.id != a.id {
		return nil, ErrGameBotInvalid
	}
	if sn.ShortName == "" || len(sn.ShortName) > maxGameShortName || !utf8.ValidString(sn.ShortName) {
		return nil, ErrGameBotInvalid
	}
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(a.id, 10) + "/" + sn.ShortName))
	id := int64(h.Sum64() >> 1)
	return &media{game: &tg.MessageMediaGame{Game: tg.Game{
		ID: id, AccessHash: w.accessHash(a.id, 33, id), ShortName: sn.ShortName, Title: sn.ShortName,
		Photo: &tg.PhotoEmpty{},
	}}}, nil
}

// GameScore is messages.setGameScore (Peer and ID) or messages.setInlineGameScore (Inline).
type GameScore struct {
	Peer        tg.InputPeerClass
	ID          int32
	Inline      tg.InputBotInlineMessageIDClass
	User        tg.InputUserClass
	Score       int32
	Force, Edit bool
}

// SetGameScore answers messages.setGameScore and setInlineGameScore called on data center dc
// (0: not checked; an inline message must be reached on its own): the bot on key records the
// player's score in its game message. A score not above the player's best is
// BOT_SCORE_NOT_MODIFIED unless Force. With Edit (not inline) the chat gets
// messageActionGameScore and the updates carry it; otherwise they are empty.
// USER_BOT_REQUIRED for people, MESSAGE_ID_INVALID for a message that is not the bot's game,
// SCORE_INVALID for a negative score.
func (w *World) SetGameScore(key KeyID, dc int, gs GameScore) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	k, m, p, err := w.gameMessage(bot, dc, gs.Peer, gs.ID, gs.Inline)
	if err != nil {
		return nil, err
	}
	player, err := w.resolveUser(bot, gs.User)
	if err != nil {
		return nil, err
	}
	if gs.Score < 0 {
		return nil, ErrScoreInvalid
	}
	w.bots.init()
	scores := w.bots.scores[k]
	if scores == nil {
		scores = make(map[int64]int32)
		w.bots.scores[k] = scores
	}
	if old, ok := scores[player.id]; ok && gs.Score <= old && !gs.Force {
		return nil, ErrBotScoreNotModified
	}
	scores[player.id] = gs.Score
	if !gs.Edit || gs.Inline != nil {
		return &tg.Updates{Updates: []tg.UpdateClass{}, Users: []tg.UserClass{}, Chats: []tg.ChatClass{}, Date: w.now()}, nil
	}
	action := &tg.MessageActionGameScore{GameID: m.media.game.Game.ID, Score: gs.Score}
	s, err := w.deliver(bot, key, p, content{action: action, replyTo: m.id})
	if err != nil {
		return nil, err
	}
	return w.longUpdates(bot.id, []tg.UpdateClass{s.update}, &s.refs, s.date), nil
}

// HighScores answers messages.getGameHighScores and getInlineGameHighScores (dc as for
// SetGameScore): the best scores of the game message, best first, and the asked player's
// own when it is not among them.
func (w *World) HighScores(key KeyID, dc int, gs GameScore) (*tg.MessagesHighScores, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	k, _, _, err := w.gameMessage(bot, dc, gs.Peer, gs.ID, gs.Inline)
	if err != nil {
		return nil, err
	}
	player, err := w.resolveUser(bot, gs.User)
	if err != nil {
		return nil, err
	}
	w.bots.init()
	all := make([]tg.HighScore, 0, len(w.bots.scores[k]))
	for u, s := range w.bots.scores[k] {
		all = append(all, tg.HighScore{UserID: u, Score: s})
	}
	slices.SortFunc(all, func(a, b tg.HighScore) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	res := &tg.MessagesHighScores{Scores: []tg.HighScore{}}
	var r refs
	for i, s := range all {
		if i < maxHighScores || s.UserID == player.id {
			s.Pos = int32(i + 1)
			res.Scores = append(res.Scores, s)
			r.add(UserPeer(s.UserID))
		}
	}
	res.Users, _ = w.render(bot.id, &r)
	return res, nil
}

// gameMessage finds the bot's game message a score call names (under w.mu): by chat and id,
// or by inline message id on data center dc.
func (w *World) gameMessage(bot *account, dc int, peer tg.InputPeerClass, id int32, inline tg.InputBotInlineMessageIDClass) (gameKey, *message, Peer, error) {
	if inline != nil {
		m, _, _, err := w.inlineMessage(bot, dc, inline)
		if err != nil {
			return gameKey{}, nil, Peer{}, err
		}
		if m.media == nil || m.media.game == nil {
			return gameKey{}, nil, Peer{}, ErrMessageIDInvalid
		}
		return gameKey{inline: m.inlineID}, m, m.peer, nil
	}
	p, err := w.resolvePeer(bot, peer)
	if err != nil {
		return gameKey{}, nil, Peer{}, err
	}
	m, err := w.messageIn(bot, p, id)
	if err != nil {
		return gameKey{}, nil, Peer{}, err
	}
	if m.media == nil || m.media.game == nil || m.from != bot.id {
		return gameKey{}, nil, Peer{}, ErrMessageIDInvalid
	}
	return gameKey{bot: bot.id, peer: p, id: id}, m, p, nil
}

// Prepared is messages.savePreparedInlineMessage.
type Prepared struct {
	Result tg.InputBotInlineResultClass
	User   tg.InputUserClass
}

// SavePrepared answers messages.savePreparedInlineMessage: the bot on key stores a result
// (checked as an inline answer's) for the person to share from its Mini App, for a day.
// USER_BOT_REQUIRED for people.
func (w *World) SavePrepared(key KeyID, pr Prepared) (*tg.MessagesBotPreparedInlineMessage, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	user, err := w.resolveUser(bot, pr.User)
	if err != nil {
		return nil, err
	}
	_, stored, err := w.inlineResults(bot, []tg.InputBotInlineResultClass{pr.Result})
	if err != nil {
		return nil, err
	}
	var c content
	for _, v := range stored {
		c = v
	}
	w.bots.init()
	if len(w.bots.prepared) >= maxPrepared {
		now := w.now()
		for id, p := range w.bots.prepared {
			if p.expires <= now || len(w.bots.prepared) >= maxPrepared {
				delete(w.bots.prepared, id)
			}
		}
	}
	_, id := w.randomSlug()
	p := &preparedMessage{bot: bot.id, user: user.id, content: c, expires: w.now() + preparedTTL}
	w.bots.prepared[id] = p
	return &tg.MessagesBotPreparedInlineMessage{ID: id, ExpireDate: p.expires}, nil
}
