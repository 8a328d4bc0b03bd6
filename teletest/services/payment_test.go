package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func starsInvoice(payload string, amount int64) *tg.InputMediaInvoice {
	return &tg.InputMediaInvoice{
		Title: "Coffee", Description: "A cup", Payload: []byte(payload), ProviderData: tg.DataJSON{Data: "{}"},
		Invoice: tg.Invoice{Currency: "XTR", Prices: []tg.LabeledPrice{{Label: "cup", Amount: amount}}},
	}
}

func TestPayments(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("shop_bot")
	alice := h.named("Alice", "alice_pay", "79990009201")
	h.send(alice, alice.peerOf(bot), "/buy")
	if _, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: bot.peerOf(alice), Media: starsInvoice("order-1", 50), RandomID: 1}); err != nil {
		t.Fatal(err)
	}
	m := waitForNew(t, alice)
	inv, ok := m.Media.(*tg.MessageMediaInvoice)
	if !ok || inv.TotalAmount != 50 || inv.Currency != "XTR" || inv.Title != "Coffee" {
		t.Fatalf("alice sees %+v", m.Media)
	}
	in := &tg.InputInvoiceMessage{Peer: alice.peerOf(bot), MsgID: m.ID}
	form, err := alice.api.PaymentsGetPaymentForm(ctx(), &tg.PaymentsGetPaymentFormRequest{Invoice: in})
	if err != nil {
		t.Fatal(err)
	}
	f := form.(*tg.PaymentsPaymentFormStars)
	if f.BotID != bot.id || f.Invoice.Prices[0].Amount != 50 {
		t.Fatalf("form %+v", f)
	}
	pay := func() <-chan result[tg.PaymentsPaymentResultClass] {
		return async(func() (tg.PaymentsPaymentResultClass, error) {
			return alice.api.PaymentsSendStarsForm(ctx(), &tg.PaymentsSendStarsFormRequest{FormID: f.FormID, Invoice: in})
		})
	}

	// Without Stars the payment does not start.
	_, err = alice.api.PaymentsSendStarsForm(ctx(), &tg.PaymentsSendStarsFormRequest{FormID: f.FormID, Invoice: in})
	wantRPC(t, err, world.ErrBalanceTooLow)
	h.w.AddGiftStars(alice.id, 70)

	// The bot refuses first: the person's payment fails.
	res := pay()
	q := waitFor[*tg.UpdateBotPrecheckoutQuery](t, bot)
	want := &tg.UpdateBotPrecheckoutQuery{QueryID: q.QueryID, UserID: alice.id, Payload: []byte("order-1"), Currency: "XTR", TotalAmount: 50}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Fatalf("pre-checkout query (-want +got):\n%s", diff)
	}
	_, err = bot.api.MessagesSetBotPrecheckoutResults(ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: q.QueryID})
	wantRPC(t, err, &RPCError{Code: 400, Message: "ERROR_TEXT_EMPTY"})
	if _, err := bot.api.MessagesSetBotPrecheckoutResults(ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: q.QueryID, Error: tl.Some("sold out")}); err != nil {
		t.Fatal(err)
	}
	wantRPC(t, (<-res).err, &RPCError{Code: 400, Message: "PAYMENT_FAILED"})

	// Then accepts: both sides get their service message.
	res = pay()
	q = waitFor[*tg.UpdateBotPrecheckoutQuery](t, bot)
	if _, err := bot.api.MessagesSetBotPrecheckoutResults(ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: q.QueryID, Success: true}); err != nil {
		t.Fatal(err)
	}
	got := <-res
	if got.err != nil {
		t.Fatal(got.err)
	}
	paid := flatten([]tg.UpdatesClass{got.v.(*tg.PaymentsPaymentResult).Updates})
	sent := paid[0].(*tg.UpdateNewMessage).Message.(*tg.MessageService).Action.(*tg.MessageActionPaymentSent)
	if sent.TotalAmount != 50 || sent.Currency != "XTR" {
		t.Fatalf("payer sees %+v", sent)
	}
	me, ok := serviceAction(t, bot).(*tg.MessageActionPaymentSentMe)
	if !ok || string(me.Payload) != "order-1" || me.TotalAmount != 50 || me.Charge.ID == "" {
		t.Fatalf("bot sees %+v", me)
	}
	if a, b := h.w.GiftStars(alice.id), h.w.GiftStars(bot.id); a != 20 || b != 50 {
		t.Fatalf("balances after paying: alice %d, bot %d", a, b)
	}
	st, err := bot.api.PaymentsGetStarsTransactions(ctx(), &tg.PaymentsGetStarsTransactionsRequest{Peer: &tg.InputPeerSelf{}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.History) != 1 || st.History[0].ID != me.Charge.ID || string(st.History[0].BotPayload.Value) != "order-1" ||
		st.History[0].Amount.(*tg.StarsAmount).Amount != 50 || st.Balance.(*tg.StarsAmount).Amount != 50 {
		t.Fatalf("bot's transactions %+v", st)
	}

	// The bot refunds the charge, once.
	ap := bot.peerOf(alice).(*tg.InputPeerUser)
	aliceUser := &tg.InputUser{UserID: ap.UserID, AccessHash: ap.AccessHash}
	if _, err := bot.api.PaymentsRefundStarsCharge(ctx(), &tg.PaymentsRefundStarsChargeRequest{UserID: aliceUser, ChargeID: me.Charge.ID}); err != nil {
		t.Fatal(err)
	}
	for { // alice's own payment message was pushed to her too
		if r, ok := serviceAction(t, alice).(*tg.MessageActionPaymentRefunded); ok {
			if r.TotalAmount != 50 || r.Charge.ID != me.Charge.ID {
				t.Fatalf("refund message %+v", r)
			}
			break
		}
	}
	_, err = bot.api.PaymentsRefundStarsCharge(ctx(), &tg.PaymentsRefundStarsChargeRequest{UserID: aliceUser, ChargeID: me.Charge.ID})
	wantRPC(t, err, world.ErrChargeAlreadyRefunded)
	_, err = bot.api.PaymentsRefundStarsCharge(ctx(), &tg.PaymentsRefundStarsChargeRequest{UserID: aliceUser, ChargeID: "nope"})
	wantRPC(t, err, world.ErrChargeIDInvalid)
	ast, err := alice.api.PaymentsGetStarsStatus(ctx(), &tg.PaymentsGetStarsStatusRequest{Peer: &tg.InputPeerSelf{}})
	if err != nil || ast.Balance.(*tg.StarsAmount).Amount != 70 {
		t.Fatalf("alice's balance after the refund: %+v, %v", ast, err)
	}

	bad := []struct {
		name  string
		who   *account
		media *tg.InputMediaInvoice
		want  *RPCError
	}{
		{"a person", alice, starsInvoice("x", 1), world.ErrMediaInvalid},
		{"no payload", bot, starsInvoice("", 1), &RPCError{Code: 400, Message: "INVOICE_PAYLOAD_INVALID"}},
		{"zero price", bot, starsInvoice("x", 0), &RPCError{Code: 400, Message: "CURRENCY_TOTAL_AMOUNT_INVALID"}},
		{"no title", bot, func() *tg.InputMediaInvoice { i := starsInvoice("x", 1); i.Title = ""; return i }(), &RPCError{Code: 400, Message: "TITLE_INVALID"}},
		{"money without a provider", bot, func() *tg.InputMediaInvoice { i := starsInvoice("x", 1); i.Invoice.Currency = "EUR"; return i }(), &RPCError{Code: 400, Message: "PAYMENT_PROVIDER_INVALID"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			peer := bot.peerOf(alice)
			if tt.who == alice {
				peer = alice.peerOf(bot)
			}
			_, err := tt.who.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: peer, Media: tt.media, RandomID: 2})
			wantRPC(t, err, tt.want)
		})
	}
	_, err = alice.api.PaymentsSendStarsForm(ctx(), &tg.PaymentsSendStarsFormRequest{FormID: f.FormID + 1, Invoice: in})
	wantRPC(t, err, &RPCError{Code: 400, Message: "FORM_EXPIRED"})
	_, err = alice.api.PaymentsGetPaymentForm(ctx(), &tg.PaymentsGetPaymentFormRequest{Invoice: &tg.InputInvoiceMessage{Peer: alice.peerOf(bot), MsgID: 1}})
	wantRPC(t, err, world.ErrMessageIDInvalid)
}

func TestShipping(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("ship_bot")
	alice := h.named("Alice", "alice_ship", "79990009301")
	h.send(alice, alice.peerOf(bot), "/order")
	media := starsInvoice("parcel", 100)
	media.Invoice.Currency, media.Provider = "EUR", tl.Some("test-provider")
	media.Invoice.Flexible, media.Invoice.ShippingAddressRequested = true, true
	if _, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: bot.peerOf(alice), Media: media, RandomID: 1}); err != nil {
		t.Fatal(err)
	}
	m := waitForNew(t, alice)
	in := &tg.InputInvoiceMessage{Peer: alice.peerOf(bot), MsgID: m.ID}
	addr := &tg.PostAddress{StreetLine1: "1 Main St", City: "Town", CountryIso2: "NL", PostCode: "1000"}
	validate := func() <-chan result[*tg.PaymentsValidatedRequestedInfo] {
		return async(func() (*tg.PaymentsValidatedRequestedInfo, error) {
			return alice.api.PaymentsValidateRequestedInfo(ctx(), &tg.PaymentsValidateRequestedInfoRequest{
				Invoice: in, Info: tg.PaymentRequestedInfo{Name: tl.Some("Alice"), ShippingAddress: addr},
			})
		})
	}
	// The bot cannot ship there.
	res := validate()
	sq := waitFor[*tg.UpdateBotShippingQuery](t, bot)
	if sq.UserID != alice.id || string(sq.Payload) != "parcel" || sq.ShippingAddress != *addr {
		t.Fatalf("shipping query %+v", sq)
	}
	_, err := bot.api.MessagesSetBotShippingResults(ctx(), &tg.MessagesSetBotShippingResultsRequest{QueryID: sq.QueryID})
	wantRPC(t, err, &RPCError{Code: 400, Message: "SHIPPING_OPTIONS_EMPTY"})
	if _, err := bot.api.MessagesSetBotShippingResults(ctx(), &tg.MessagesSetBotShippingResultsRequest{QueryID: sq.QueryID, Error: tl.Some("too far")}); err != nil {
		t.Fatal(err)
	}
	wantRPC(t, (<-res).err, &RPCError{Code: 400, Message: "SHIPPING_NOT_AVAILABLE"})

	// Then offers two options; Alice pays with the fast one.
	res = validate()
	sq = waitFor[*tg.UpdateBotShippingQuery](t, bot)
	options := []tg.ShippingOption{
		{ID: "slow", Title: "Post", Prices: []tg.LabeledPrice{{Label: "post", Amount: 5}}},
		{ID: "fast", Title: "Courier", Prices: []tg.LabeledPrice{{Label: "courier", Amount: 20}}},
	}
	if _, err := bot.api.MessagesSetBotShippingResults(ctx(), &tg.MessagesSetBotShippingResultsRequest{QueryID: sq.QueryID, ShippingOptions: options}); err != nil {
		t.Fatal(err)
	}
	got := <-res
	if got.err != nil || !got.v.ID.Set || len(got.v.ShippingOptions) != 2 {
		t.Fatalf("validated %+v, %v", got.v, got.err)
	}
	form, err := alice.api.PaymentsGetPaymentForm(ctx(), &tg.PaymentsGetPaymentFormRequest{Invoice: in})
	if err != nil {
		t.Fatal(err)
	}
	pay := async(func() (tg.PaymentsPaymentResultClass, error) {
		return alice.api.PaymentsSendPaymentForm(ctx(), &tg.PaymentsSendPaymentFormRequest{
			FormID: form.(*tg.PaymentsPaymentForm).FormID, Invoice: in, RequestedInfoID: got.v.ID,
			ShippingOptionID: tl.Some("fast"), Credentials: &tg.InputPaymentCredentialsSaved{ID: "card", TmpPassword: []byte{1}},
		})
	})
	pq := waitFor[*tg.UpdateBotPrecheckoutQuery](t, bot)
	if pq.TotalAmount != 120 || pq.ShippingOptionID.Value != "fast" || pq.Info == nil || pq.Info.Name.Value != "Alice" {
		t.Fatalf("pre-checkout %+v", pq)
	}
	if _, err := bot.api.MessagesSetBotPrecheckoutResults(ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: pq.QueryID, Success: true}); err != nil {
		t.Fatal(err)
	}
	if got := <-pay; got.err != nil {
		t.Fatal(got.err)
	}
	me := serviceAction(t, bot).(*tg.MessageActionPaymentSentMe)
	if me.TotalAmount != 120 || me.ShippingOptionID.Value != "fast" || me.Info.ShippingAddress.City != "Town" {
		t.Fatalf("bot's payment message %+v", me)
	}
	_, err = alice.api.PaymentsSendPaymentForm(ctx(), &tg.PaymentsSendPaymentFormRequest{
		FormID: form.(*tg.PaymentsPaymentForm).FormID, Invoice: in, RequestedInfoID: got.v.ID,
		ShippingOptionID: tl.Some("teleport"), Credentials: &tg.InputPaymentCredentialsSaved{ID: "card", TmpPassword: []byte{1}},
	})
	wantRPC(t, err, &RPCError{Code: 400, Message: "SHIPPING_OPTION_INVALID"})
}
