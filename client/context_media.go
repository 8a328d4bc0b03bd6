package mtgo

import "github.com/mtgo-labs/mtgo/client/types"

// ReplyMedia sends media of kind (types.KindPhoto, types.KindDocument, ...) to the update's
// chat as a reply to its message; media and opts are what SendMedia takes (WithCaption for
// the caption). Errors as for Reply.
//
// One method with the kind as an argument rather than ReplyPhoto, ReplyDocument, ...: the
// kind is a value handlers already hold (filters and Message.MediaKind use it), and eight
// wrappers would only repeat the Client's named methods.
func (c *Context) ReplyMedia(kind types.MediaKind, media any, opts ...SendOption) (*types.Message, error) {
	m, err := c.target(false)
	if err != nil {
		return nil, err
	}
	opts = append([]SendOption{WithReplyTo(m.ID)}, types.BusinessSendOptions(m.BusinessConnectionID, opts)...)
	return c.Client.SendMedia(c, m.Chat.InputPeer(), kind, media, opts...)
}

// EditMedia replaces the media of the update's message (or of the message with the pressed
// button; a business message through its connection); media is what EditMessageMedia
// takes. Errors as for EditText.
func (c *Context) EditMedia(media any, opts ...EditOption) (*types.Message, error) {
	m, err := c.target(true)
	if err != nil {
		return nil, err
	}
	return c.Client.EditMessageMedia(c, m.Chat.InputPeer(), m.ID, media, types.BusinessEditOptions(m.BusinessConnectionID, opts)...)
}

// EditInlineMedia replaces the media of the update's inline message (the pressed button's or
// the chosen result's), as EditInlineMessageMedia does. Errors as for EditInlineText.
func (c *Context) EditInlineMedia(media any, opts ...EditOption) error {
	id, err := c.inlineMessage()
	if err != nil {
		return err
	}
	return c.Client.editInlineMedia(c, id, media, opts)
}

// secretMessage is the secret message an OnSecretMessage handler's Context is about, nil
// for other updates.
func (c *Context) secretMessage() *types.SecretMessage {
	v, _ := c.Get(secretValueKey)
	m, _ := v.(*types.SecretMessage)
	return m
}
