package mtgo

import (
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Forward forwards the update's message (or the message with the pressed button) to chat
// (anything ResolvePeer accepts), with the header naming its origin; opts as for
// ForwardMessages. It fails with ErrContextNoClient without a client, ErrContextNoMessage
// when the update has no message (a button on an inline message has none) and
// ErrContextNoChat when the message has no chat. A business message cannot be forwarded
// (ErrBusinessUnsupported: Telegram takes no messages.forwardMessages through a business
// connection, and as the bot it would forward the bot's own message with that id).
func (c *Context) Forward(to any, opts ...SendOption) (*types.Message, error) {
	return c.forward(to, false, opts)
}

// Copy sends a copy of the update's message to chat, with no origin header (CopyMessage).
// A business message is sent anew: through its connection into its own chat, as the account
// elsewhere (Telegram forwards nothing through a business connection). Errors as for
// Forward.
func (c *Context) Copy(to any, opts ...SendOption) (*types.Message, error) {
	return c.forward(to, true, opts)
}

func (c *Context) forward(to any, drop bool, opts []SendOption) (*types.Message, error) {
	m, err := c.target(false)
	if err != nil {
		return nil, err
	}
	if m.BusinessConnectionID != "" {
		if drop {
			return c.Client.copyBusiness(c, m, to, opts)
		}
		return nil, fmt.Errorf("mtgo: forward business message: %w", ErrBusinessUnsupported)
	}
	return clientAPI{c: c.Client}.ForwardMessage(c, to, m.Chat.InputPeer(), m.ID, drop, opts...)
}

// Pin pins the update's message in its chat (WithSilent, WithPinOneSide; a business
// message through its connection). Errors as for Forward.
func (c *Context) Pin(opts ...PinOption) error {
	m, err := c.target(false)
	if err != nil {
		return err
	}
	if m.BusinessConnectionID != "" { // first, so an explicit connection in opts wins
		opts = append([]PinOption{WithBusinessConnection(m.BusinessConnectionID)}, opts...)
	}
	return c.Client.pin(c, m.Chat.InputPeer(), m.ID, false, opts)
}

// React sets the account's reactions to the update's message (plain emoji); none removes
// them. Errors as for Forward; a business message takes no reaction through its connection
// (ErrBusinessUnsupported).
func (c *Context) React(emoji ...string) error {
	m, err := c.target(false)
	if err != nil {
		return err
	}
	if m.BusinessConnectionID != "" {
		return fmt.Errorf("mtgo: react to business message: %w", ErrBusinessUnsupported)
	}
	return c.Client.SendReaction(c, m.Chat.InputPeer(), m.ID, emoji...)
}

// EditCaption replaces the caption of the update's message (or of the message with the
// pressed button). Errors as for EditText: ErrContextEditInline for a button on an inline
// message.
func (c *Context) EditCaption(caption string, opts ...EditOption) (*types.Message, error) {
	m, err := c.target(true)
	if err != nil {
		return nil, err
	}
	return c.Client.EditMessageCaption(c, m.Chat.InputPeer(), m.ID, caption, types.BusinessEditOptions(m.BusinessConnectionID, opts)...)
}

// EditReplyMarkup replaces the reply markup (inline buttons) of the update's message, or of
// the message with the pressed button; nil removes them. Errors as for EditText.
func (c *Context) EditReplyMarkup(markup tg.ReplyMarkupClass, opts ...EditOption) (*types.Message, error) {
	m, err := c.target(true)
	if err != nil {
		return nil, err
	}
	return c.Client.EditMessageReplyMarkup(c, m.Chat.InputPeer(), m.ID, markup, types.BusinessEditOptions(m.BusinessConnectionID, opts)...)
}

// Download writes the media of the update's message (or of the message with the pressed
// button) to w and returns the bytes written (DownloadMessage). In an OnSecretMessage
// handler it downloads the secret message's media (SecretMessage.Download: a sticker sent by
// reference through its set, an encrypted file decrypted). It fails with ErrContextNoClient
// without a client, ErrContextNoMessage when the update has no message and ErrContextNoMedia
// when the message has none.
func (c *Context) Download(w io.Writer, opts ...media.Option) (int64, error) {
	if c.Client == nil {
		return 0, ErrContextNoClient
	}
	m := c.message()
	if m == nil {
		if sm := c.secretMessage(); sm != nil {
			return c.Client.downloadSecretMessage(c, sm, w, opts)
		}
		return 0, ErrContextNoMessage
	}
	if m.Media == nil {
		return 0, ErrContextNoMedia
	}
	return c.Client.DownloadMessage(c, m, w, opts...)
}
