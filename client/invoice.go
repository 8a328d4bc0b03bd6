package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
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
// https://t.me/$slug, or the slug alone).
func (c *Client) GetPaymentFormByLink(ctx context.Context, link string) (*types.PaymentForm, error) {
	return c.paymentForm(ctx, invoiceSlug(link))
}

// invoiceSlug reads the slug of an invoice link (https://t.me/$slug, t.me/invoice/slug, or
// the slug itself).
func invoiceSlug(link string) *tg.InputInvoiceSlug {
	return &tg.InputInvoiceSlug{Slug: cutLink(link, "https://t.me/$", "http://t.me/$", "t.me/$", "https://t.me/invoice/", "$")}
}

func (c *Client) invoiceMessage(ctx context.Context, chat any, messageID int) (*tg.InputInvoiceMessage, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return &tg.InputInvoiceMessage{Peer: ip, MsgID: int32(messageID)}, nil
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
	return c.pay(ctx, form, invoiceSlug(link), creds)
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
