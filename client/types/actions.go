package types

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ActionAPI is what the forward, copy, pin, react and edit methods of Message need from the
// client that created it; API includes it.
type ActionAPI interface {
	// ForwardMessage forwards message id of from to to (anything the client's ResolvePeer takes),
	// or copies it without the origin header when drop is set, with the options of the
	// client's ForwardMessages.
	ForwardMessage(ctx context.Context, to any, from tg.InputPeerClass, id int, drop bool, opts ...option.Send) (*Message, error)
	// Pin pins (or unpins) message id in peer.
	Pin(ctx context.Context, peer tg.InputPeerClass, id int, unpin bool, opts ...option.Pin) error
	// React sets the account's reactions to message id in peer; no emoji removes them.
	React(ctx context.Context, peer tg.InputPeerClass, id int, emoji ...string) error
	// EditCaption replaces the caption of message id in peer.
	EditCaption(ctx context.Context, peer tg.InputPeerClass, id int, caption string, opts ...option.Edit) (*Message, error)
	// EditReplyMarkup replaces the reply markup of message id in peer; nil removes it.
	EditReplyMarkup(ctx context.Context, peer tg.InputPeerClass, id int, markup tg.ReplyMarkupClass, opts ...option.Edit) (*Message, error)
}

// ForwardTo forwards the message to chat (anything the client's ResolvePeer takes) with the
// header naming its origin; opts are the client's send options. (Forward, the field, is the
// origin header of a message that was itself forwarded.) A business message cannot be
// forwarded: ErrBusinessUnsupported.
func (m *Message) ForwardTo(ctx context.Context, to any, opts ...option.Send) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	if err := m.businessRefused("forward"); err != nil {
		return nil, err
	}
	return api.ForwardMessage(ctx, to, peer, m.ID, false, opts...)
}

// Copy sends a copy of the message (its text or media, no origin header) to chat. A business
// message is sent anew (BusinessCopier): through its connection into its own chat, as the
// account elsewhere.
func (m *Message) Copy(ctx context.Context, to any, opts ...option.Send) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	if m.BusinessConnectionID != "" {
		bc, ok := api.(BusinessCopier)
		if !ok {
			return nil, m.businessRefused("copy")
		}
		return bc.CopyBusinessMessage(ctx, m, to, opts...)
	}
	return api.ForwardMessage(ctx, to, peer, m.ID, true, opts...)
}

// BusinessCopier is what an API offers to copy a business message (mtgo.Client): its text or
// media sent anew to chat to, through its business connection when to is the message's chat.
type BusinessCopier interface {
	CopyBusinessMessage(ctx context.Context, m *Message, to any, opts ...option.Send) (*Message, error)
}

// businessRefused returns ErrBusinessUnsupported, naming what, for a business message; nil
// for any other.
func (m *Message) businessRefused(what string) error {
	if m.BusinessConnectionID == "" {
		return nil
	}
	return fmt.Errorf("mtgo: %s business message: %w", what, ErrBusinessUnsupported)
}

// Pin pins the message in its chat (mtgo.WithSilent, mtgo.WithPinOneSide).
func (m *Message) Pin(ctx context.Context, opts ...option.Pin) error {
	api, peer, err := m.target()
	if err != nil {
		return err
	}
	return api.Pin(ctx, peer, m.ID, false, m.businessPinOpts(opts)...)
}

// Unpin unpins the message.
func (m *Message) Unpin(ctx context.Context) error {
	api, peer, err := m.target()
	if err != nil {
		return err
	}
	return api.Pin(ctx, peer, m.ID, true, m.businessPinOpts(nil)...)
}

// React sets the account's reactions to the message (plain emoji, "👍"); none removes them.
// A business message takes no reaction: ErrBusinessUnsupported.
func (m *Message) React(ctx context.Context, emoji ...string) error {
	api, peer, err := m.target()
	if err != nil {
		return err
	}
	if err := m.businessRefused("react to"); err != nil {
		return err
	}
	return api.React(ctx, peer, m.ID, emoji...)
}

// EditCaption replaces the caption of the message's media; opts are the client's edit
// options (a business message's edit goes through its connection).
func (m *Message) EditCaption(ctx context.Context, caption string, opts ...option.Edit) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	return api.EditCaption(ctx, peer, m.ID, caption, m.businessEditOpts(opts)...)
}

// EditReplyMarkup replaces the message's reply markup (inline buttons); nil removes them. A
// business message's edit goes through its connection.
func (m *Message) EditReplyMarkup(ctx context.Context, markup tg.ReplyMarkupClass, opts ...option.Edit) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	return api.EditReplyMarkup(ctx, peer, m.ID, markup, m.businessEditOpts(opts)...)
}
