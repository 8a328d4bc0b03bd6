package filters

import (
	"slices"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Text passes messages with text and no media (a link preview does not count as media).
func Text(ctx *mtgo.Context) bool {
	m := ctx.Message
	if m == nil || m.Text == "" {
		return false
	}
	k := m.MediaKind()
	return k == types.KindNone || k == types.KindWebPage
}

// Incoming passes messages sent to the account.
func Incoming(ctx *mtgo.Context) bool { return ctx.Message != nil && !ctx.Message.Outgoing }

// Outgoing passes messages the account sent (the handler needs Handler.AcceptOutgoing to
// receive them).
func Outgoing(ctx *mtgo.Context) bool { return ctx.Message != nil && ctx.Message.Outgoing }

// Reply passes messages that reply to another message.
func Reply(ctx *mtgo.Context) bool { return ctx.Message != nil && ctx.Message.ReplyToMessageID != 0 }

// Forwarded passes forwarded messages.
func Forwarded(ctx *mtgo.Context) bool { return ctx.Message != nil && ctx.Message.Forward != nil }

// Mentioned passes messages that mention the account (or reply to one of its messages).
func Mentioned(ctx *mtgo.Context) bool { return ctx.Message != nil && ctx.Message.Mentioned }

// ViaBot passes messages sent through an inline bot.
func ViaBot(ctx *mtgo.Context) bool { return ctx.Message != nil && ctx.Message.ViaBotID != 0 }

// MediaGroup passes messages that are part of an album.
func MediaGroup(ctx *mtgo.Context) bool {
	return ctx.Message != nil && ctx.Message.MediaGroupID != 0
}

// Private passes updates from one-to-one chats (with users and with bots).
func Private(ctx *mtgo.Context) bool {
	c := ctx.Chat()
	return c != nil && (c.Type == types.ChatPrivate || c.Type == types.ChatBot)
}

// Group passes updates from basic groups and supergroups.
func Group(ctx *mtgo.Context) bool {
	c := ctx.Chat()
	return c != nil && (c.Type == types.ChatGroup || c.Type == types.ChatSupergroup)
}

// Supergroup passes updates from supergroups only.
func Supergroup(ctx *mtgo.Context) bool {
	c := ctx.Chat()
	return c != nil && c.Type == types.ChatSupergroup
}

// Channel passes posts of broadcast channels (types.Message.IsChannelPost) and presses of
// buttons under them.
func Channel(ctx *mtgo.Context) bool {
	if ctx.Message != nil {
		return ctx.Message.IsChannelPost
	}
	c := ctx.Chat()
	return c != nil && c.Type == types.ChatChannel
}

// InlineKeyboard passes messages with inline buttons.
func InlineKeyboard(ctx *mtgo.Context) bool {
	if ctx.Message == nil {
		return false
	}
	_, ok := ctx.Message.ReplyMarkup.(*types.InlineKeyboard)
	return ok
}

// MediaKind passes messages whose media is one of kinds.
func MediaKind(kinds ...types.MediaKind) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		if ctx.Message == nil {
			return false
		}
		k := ctx.Message.MediaKind()
		for _, want := range kinds {
			if k == want {
				return true
			}
		}
		return false
	}
}

// Media passes messages with any media (a link preview does not count).
func Media(ctx *mtgo.Context) bool {
	if ctx.Message == nil {
		return false
	}
	k := ctx.Message.MediaKind()
	return k != types.KindNone && k != types.KindWebPage
}

func kind(ctx *mtgo.Context, k types.MediaKind) bool {
	return ctx.Message != nil && ctx.Message.MediaKind() == k
}

// Photo passes photos.
func Photo(ctx *mtgo.Context) bool { return kind(ctx, types.KindPhoto) }

// Video passes videos (not animations or video notes).
func Video(ctx *mtgo.Context) bool { return kind(ctx, types.KindVideo) }

// VideoNote passes round video messages.
func VideoNote(ctx *mtgo.Context) bool { return kind(ctx, types.KindVideoNote) }

// Animation passes animations (GIFs and silent looping videos).
func Animation(ctx *mtgo.Context) bool { return kind(ctx, types.KindAnimation) }

// Audio passes music files (not voice messages).
func Audio(ctx *mtgo.Context) bool { return kind(ctx, types.KindAudio) }

// Voice passes voice messages.
func Voice(ctx *mtgo.Context) bool { return kind(ctx, types.KindVoice) }

// Sticker passes stickers.
func Sticker(ctx *mtgo.Context) bool { return kind(ctx, types.KindSticker) }

// Document passes files that are none of the more specific kinds (video, audio, sticker...).
func Document(ctx *mtgo.Context) bool { return kind(ctx, types.KindDocument) }

// Contact passes shared contacts.
func Contact(ctx *mtgo.Context) bool { return kind(ctx, types.KindContact) }

// Location passes locations, live or not (venues are Venue).
func Location(ctx *mtgo.Context) bool { return kind(ctx, types.KindLocation) }

// Venue passes venues.
func Venue(ctx *mtgo.Context) bool { return kind(ctx, types.KindVenue) }

// Poll passes polls and quizzes.
func Poll(ctx *mtgo.Context) bool { return kind(ctx, types.KindPoll) }

// Dice passes dice (and the other animated emoji with a random value).
func Dice(ctx *mtgo.Context) bool { return kind(ctx, types.KindDice) }

// Game passes games.
func Game(ctx *mtgo.Context) bool { return kind(ctx, types.KindGame) }

// Story passes forwarded stories.
func Story(ctx *mtgo.Context) bool { return kind(ctx, types.KindStory) }

// PaidMedia passes paid media.
func PaidMedia(ctx *mtgo.Context) bool { return kind(ctx, types.KindPaidMedia) }

// WebPage passes messages with a link preview.
func WebPage(ctx *mtgo.Context) bool { return kind(ctx, types.KindWebPage) }

// Caption passes messages with media and a caption.
func Caption(ctx *mtgo.Context) bool {
	return ctx.Message != nil && ctx.Message.Text != "" && Media(ctx)
}

// Edited passes edits of messages (the updates OnEditedMessage receives).
func Edited(ctx *mtgo.Context) bool {
	switch ctx.Update.(type) {
	case *tg.UpdateEditMessage, *tg.UpdateEditChannelMessage:
		return ctx.Message != nil
	}
	return false
}

// Service passes service messages (the handler needs Handler.AcceptService to receive them).
func Service(ctx *mtgo.Context) bool {
	return ctx.Message != nil && ctx.Message.Service() != types.NotService
}

// ServiceKind passes service messages of one of kinds.
func ServiceKind(kinds ...types.ServiceKind) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		if ctx.Message == nil {
			return false
		}
		k := ctx.Message.Service()
		for _, want := range kinds {
			if k == want {
				return true
			}
		}
		return false
	}
}

func service(ctx *mtgo.Context, k types.ServiceKind) bool {
	return ctx.Message != nil && ctx.Message.Service() == k
}

// NewChatMembers passes service messages of users joining (added, by link, by request).
func NewChatMembers(ctx *mtgo.Context) bool { return service(ctx, types.ServiceNewMembers) }

// LeftChatMember passes service messages of a user leaving or removed.
func LeftChatMember(ctx *mtgo.Context) bool { return service(ctx, types.ServiceLeftMember) }

// NewChatTitle passes service messages of a title change.
func NewChatTitle(ctx *mtgo.Context) bool { return service(ctx, types.ServiceNewTitle) }

// PinnedMessage passes service messages of a pinned message.
func PinnedMessage(ctx *mtgo.Context) bool { return service(ctx, types.ServicePinned) }

// Forum passes updates from supergroups organised in topics.
func Forum(ctx *mtgo.Context) bool {
	c := ctx.Chat()
	return c != nil && c.IsForum
}

// Topic passes messages posted in one of the forum topics ids (a topic is named by its first
// message's id); with no ids, messages in any topic but General.
func Topic(ids ...int) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		if ctx.Message == nil || ctx.Message.TopicID == 0 {
			return false
		}
		return len(ids) == 0 || slices.Contains(ids, ctx.Message.TopicID)
	}
}

// ReplyKeyboard passes messages with a custom reply keyboard.
func ReplyKeyboard(ctx *mtgo.Context) bool {
	if ctx.Message == nil {
		return false
	}
	_, ok := ctx.Message.ReplyMarkup.(*types.ReplyKeyboard)
	return ok
}
