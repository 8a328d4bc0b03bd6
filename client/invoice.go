package mtgo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Invoices: a bot sends an invoice (SendInvoice) or a link to one (CreateInvoiceLink); a user
// opens its form (GetPaymentForm) and pays (SendPaymentForm); the bot confirms the order in
// OnPreCheckoutQuery, and both sides get the successful payment service message
// (types.ActionPayment). In Telegram Stars (currency types.StarsCurrency) no provider is
// needed and the Stars move between the two accounts (GetStarsBalance,
// GetStarsTransactions, RefundStarsCharge).

// SendInvoice sends invoice (title, description, prices, payload; provider "" and currency
// types.StarsCurrency for Stars) to chat (anything ResolvePeer accepts). The SendOptions
// apply as for SendMedia: WithCaption, WithKeyboard (a types.PayButton first), WithReplyTo,
// ... Bots only.
func (c *Client) SendInvoice(ctx context.Context, chat any, invoice *tg.InputMediaInvoice, opts ...SendOption) (*types.Message, error) {
	if invoice == nil {
		return nil, fmt.Errorf("%w: nil invoice", ErrEmptyField)
	}
	return c.sendMedia(ctx, chat, "invoice", option.CollectSend(opts), func() (tg.InputMediaClass, error) { return invoice, nil })
}

// CreateInvoiceLink returns a t.me link that opens invoice's payment form, for any user
// (payments.exportInvoice). Bots only.
func (c *Client) CreateInvoiceLink(ctx context.Context, invoice *tg.InputMediaInvoice) (string, error) {
	if invoice == nil {
		return "", fmt.Errorf("%w: nil invoice", ErrEmptyField)
	}
	var res tg.PaymentsExportedInvoice
	if err := c.call(ctx, &tg.PaymentsExportInvoiceRequest{InvoiceMedia: invoice}, &res); err != nil {
		return "", fmt.Errorf("mtgo: create invoice link: %w", err)
	}
	return res.URL, nil
}

// GetPaymentForm opens the payment form of the invoice message messageID in chat (anything
// ResolvePeer accepts) as the logged-in user.
func (c *Client) GetPaymentForm(ctx context.Context, chat any, messageID int) (*types.PaymentForm, error) {
	in, err := c.invoiceMessage(ctx, chat, messageID)
	if err != nil {
		return nil, err
	}
	return c.paymentForm(ctx, in)
}

// GetPaymentFormByLink opens the payment form of an invoice link (CreateInvoiceLink's
// https://t.me/$slug, t.me/invoice/slug, tg://invoice?slug=..., or the slug alone), read as
// ResolvePeer reads links.
func (c *Client) GetPaymentFormByLink(ctx context.Context, link string) (*types.PaymentForm, error) {
	in, err := invoiceSlug(link)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get payment form: %w", err)
	}
	return c.paymentForm(ctx, in)
}

// invoiceSlug reads the slug of an invoice link.
func invoiceSlug(link string) (*tg.InputInvoiceSlug, error) {
	slug, err := invoiceLinks.slug(link)
	if err != nil {
		return nil, err
	}
	return &tg.InputInvoiceSlug{Slug: slug}, nil
}

// ErrSlugLink reports an invoice or business chat link that is malformed or a link to
// something else.
var ErrSlugLink = errors.New("mtgo: not an invoice or business chat link")

// maxSlugLink bounds the links slugLink reads, as peers.ParseQuery bounds its input.
const maxSlugLink = 512

// slugLink describes the links to a slug that is no peer (invoices, business chat links),
// which peers.ParseQuery refuses as unsupported links.
type slugLink struct {
	what     string // for errors: "invoice"
	path     string // t.me/<path>/<slug>
	dollar   bool   // t.me/$<slug> and $<slug> too
	tgAction string // tg://<tgAction>?slug=<slug>
}

var (
	invoiceLinks      = slugLink{what: "invoice", path: "invoice", dollar: true, tgAction: "invoice"}
	businessChatLinks = slugLink{what: "business chat", path: "m", tgAction: "message"}
)

// slug reads the slug of link the way peers.ParseQuery reads peer links (peers.TGLink,
// peers.TMePath): with or without scheme, scheme and host in any case, "www.", t.me,
// telegram.me or telegram.dog, a trailing slash, query or fragment ignored. A word with no
// '/' or '.' is the slug itself.
func (k slugLink) slug(link string) (string, error) {
	if len(link) > maxSlugLink {
		return "", fmt.Errorf("%w: %s link longer than %d bytes", ErrSlugLink, k.what, maxSlugLink)
	}
	s := strings.TrimSpace(link)
	bad := func(why string) error { return fmt.Errorf("%w: %s link %q: %s", ErrSlugLink, k.what, s, why) }
	if action, params, ok, err := peers.TGLink(s); ok {
		switch {
		case action != k.tgAction:
			return "", bad("not a tg://" + k.tgAction + " link")
		case err != nil:
			return "", bad("bad query string")
		}
		return k.checked(params.Get("slug"), bad)
	}
	if !strings.ContainsAny(s, "/.") { // no scheme, host or path: the slug alone
		if k.dollar {
			s = strings.TrimPrefix(s, "$")
		}
		return k.checked(s, bad)
	}
	segs, ok := peers.TMePath(s)
	if !ok {
		return "", bad("not a Telegram link")
	}
	switch {
	case len(segs) == 1 && k.dollar && strings.HasPrefix(segs[0], "$"):
		return k.checked(segs[0][1:], bad)
	case len(segs) == 2 && strings.EqualFold(segs[0], k.path):
		return k.checked(segs[1], bad)
	}
	return "", bad("no slug in its path")
}

// checked returns slug when it has a slug's form: not empty, no space, control or link syntax.
func (k slugLink) checked(slug string, bad func(string) error) (string, error) {
	if slug == "" {
		return "", bad("empty slug")
	}
	for i := range len(slug) {
		if c := slug[i]; c <= ' ' || c == 0x7f || strings.IndexByte("/?#&=$", c) >= 0 {
			return "", bad("bad slug")
		}
	}
	return slug, nil
}

func (c *Client) invoiceMessage(ctx context.Context, chat any, messageID int) (*tg.InputInvoiceMessage, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: invoice message: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return &tg.InputInvoiceMessage{Peer: ip, MsgID: id}, nil
}

func (c *Client) paymentForm(ctx context.Context, in tg.InputInvoiceClass) (*types.PaymentForm, error) {
	var res tg.PaymentsPaymentFormClassBox
	if err := c.call(ctx, &tg.PaymentsGetPaymentFormRequest{Invoice: in}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get payment form: %w", err)
	}
	f := types.NewPaymentForm(res.PaymentsPaymentForm)
	if f == nil {
		return nil, fmt.Errorf("mtgo: get payment form: unexpected %T", res.PaymentsPaymentForm)
	}
	return f, nil
}

// PaymentResult is the outcome of SendPaymentForm: the successful payment service message,
// or the page where the user must confirm the payment (3-D Secure).
type PaymentResult struct {
	Message         *types.Message
	VerificationURL string
}

// SendPaymentForm pays form (from GetPaymentForm) for the invoice message messageID in chat.
// A Stars form needs no credentials (creds nil: payments.sendStarsForm); other forms take the
// provider's credentials (payments.sendPaymentForm). It returns once the bot confirmed the
// pre-checkout query.
func (c *Client) SendPaymentForm(ctx context.Context, form *types.PaymentForm, chat any, messageID int, creds tg.InputPaymentCredentialsClass) (*PaymentResult, error) {
	if form == nil {
		return nil, fmt.Errorf("%w: nil payment form", ErrEmptyField)
	}
	in, err := c.invoiceMessage(ctx, chat, messageID)
	if err != nil {
		return nil, err
	}
	return c.pay(ctx, form, in, creds)
}

// SendPaymentFormByLink pays form (from GetPaymentFormByLink) for the invoice of link.
func (c *Client) SendPaymentFormByLink(ctx context.Context, form *types.PaymentForm, link string, creds tg.InputPaymentCredentialsClass) (*PaymentResult, error) {
	if form == nil {
		return nil, fmt.Errorf("%w: nil payment form", ErrEmptyField)
	}
	in, err := invoiceSlug(link)
	if err != nil {
		return nil, fmt.Errorf("mtgo: send payment form: %w", err)
	}
	return c.pay(ctx, form, in, creds)
}

func (c *Client) pay(ctx context.Context, form *types.PaymentForm, in tg.InputInvoiceClass, creds tg.InputPaymentCredentialsClass) (*PaymentResult, error) {
	var req tl.Encoder
	if form.Stars && creds == nil {
		req = &tg.PaymentsSendStarsFormRequest{FormID: form.ID, Invoice: in}
	} else {
		if creds == nil {
			return nil, fmt.Errorf("%w: payment credentials", ErrEmptyField)
		}
		req = &tg.PaymentsSendPaymentFormRequest{FormID: form.ID, Invoice: in, Credentials: creds}
	}
	var res tg.PaymentsPaymentResultClassBox
	if err := c.call(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: send payment form: %w", err)
	}
	switch r := res.PaymentsPaymentResult.(type) {
	case *tg.PaymentsPaymentResult:
		return &PaymentResult{Message: c.newMessageIn(r.Updates)}, nil
	case *tg.PaymentsPaymentVerificationNeeded:
		return &PaymentResult{VerificationURL: r.URL}, nil
	}
	return nil, fmt.Errorf("mtgo: send payment form: unexpected %T", res.PaymentsPaymentResult)
}

// newMessageIn returns the first new message in u, service messages included (a payment, a
// game score), or nil.
func (c *Client) newMessageIn(u tg.UpdatesClass) *types.Message {
	list, users, chats, ok := updatesParts(u)
	if !ok {
		return nil
	}
	for _, up := range list {
		var m tg.MessageClass
		switch up := up.(type) {
		case *tg.UpdateNewMessage:
			m = up.Message
		case *tg.UpdateNewChannelMessage:
			m = up.Message
		default:
			continue
		}
		if msg := types.NewMessage(clientAPI{c: c}, m, types.NewEntities(users, chats)); msg != nil {
			return msg
		}
	}
	return nil
}
