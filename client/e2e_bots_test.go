package mtgo_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/client/webapp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EInlineChosenResultEditedOnItsDC: a user on DC 3 asks an inline bot (home DC 2) for
// results built with the result builders, sends one with SendInlineBotResult; the bot sees the
// chosen result with an inline message id naming DC 3 and edits that message there (the same
// edit sent to the bot's home DC is refused; a flood wait there is slept through); the user
// sees the edit.
func TestE2EInlineChosenResultEditedOnItsDC(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{
		FirstName: "Picker", Username: "e2e_pick_bot", DC: 2, Inline: true, InlineFeedback: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	kb := types.NewInlineKeyboard().Row(types.CallbackButton("like", "like"))
	queries := make(chan *types.InlineQuery, 2)
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		queries <- q
		results, err := types.InlineResults(
			types.NewInlineArticle("hello", "Say hello", "Hello from "+q.Query).WithDescription("greets").WithKeyboard(kb),
			types.NewInlineArticle("bye", "Say bye", "Bye"),
		)
		if err != nil {
			return err
		}
		return q.Answer(ctx, results, mtgo.WithCacheTime(0), mtgo.WithPersonal(), mtgo.WithNextOffset("2"),
			mtgo.WithSwitchPM("Settings", "settings"))
	})
	chosen := make(chan *types.ChosenInlineResult, 1)
	b.OnChosenInlineResult(func(_ *mtgo.Context, r *types.ChosenInlineResult) error { chosen <- r; return nil })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	if b.DC() != 2 {
		t.Fatalf("bot on DC %d, want 2", b.DC())
	}

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551201", DC: 3})
	if u.DC() != 3 {
		t.Fatalf("user on DC %d, want 3", u.DC())
	}
	edited := make(chan *types.Message, 2)
	u.AddHandler(mtgo.NewEditedMessageHandler(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil }).AcceptOutgoing(), 0)

	res, err := u.GetInlineBotResults(ctxT(t), "@e2e_pick_bot", "@e2e_pick_bot", "world", "")
	if err != nil {
		t.Fatal(err)
	}
	if q := recv(t, queries, "inline query"); q.Query != "world" || q.From.ID != user.ID {
		t.Fatalf("inline query %+v", q)
	}
	if len(res.Results) != 2 || res.NextOffset.Value != "2" || res.SwitchPm == nil || res.SwitchPm.StartParam != "settings" {
		t.Fatalf("results %+v", res)
	}
	sent, err := u.SendInlineBotResult(ctxT(t), "@e2e_pick_bot", res.QueryID, "hello", mtgo.WithSilent())
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "Hello from world" || sent.ViaBot == nil || sent.ViaBot.ID != botUser.ID {
		t.Fatalf("sent %+v (via %+v)", sent, sent.ViaBot)
	}
	if _, err := u.SendInlineBotResult(ctxT(t), "@e2e_pick_bot", res.QueryID, "bye", mtgo.WithKeyboard(kb)); !errors.Is(err, mtgo.ErrInlineSendOption) {
		t.Fatalf("SendInlineBotResult with a keyboard: %v, want ErrInlineSendOption", err)
	}

	r := recv(t, chosen, "chosen inline result")
	if r.ResultID != "hello" || r.From.ID != user.ID || r.Query != "world" || r.InlineMessageID == "" {
		t.Fatalf("chosen result %+v", r)
	}
	if dc := types.InlineMessageDC(r.InlineMessage); dc != 3 {
		t.Fatalf("inline message on DC %d, want 3 (the sender's)", dc)
	}
	// The bot's home data center does not hold the message.
	_, err = b.InvokeContext(ctxT(t), &tg.MessagesEditInlineBotMessageRequest{ID: r.InlineMessage, Message: tl.Some("x")}, 0, 0)
	if !rpcerr.IsType(err, "MESSAGE_ID_INVALID") {
		t.Fatalf("edit on the home DC: %v, want MESSAGE_ID_INVALID", err)
	}
	// A flood wait from the message's data center is slept through there, as on home.
	cl.Dispatcher().InjectError(tg.MessagesEditInlineBotMessageRequestTypeID, world.FloodWait(1), 1)
	start := time.Now()
	if err := b.EditInlineMessageText(ctxT(t), r.InlineMessageID, "Hello again"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("the edit returned after %v, before the flood wait of 1 s", d)
	}
	if m := recv(t, edited, "edit of the inline message"); m.ID != sent.ID || m.Text != "Hello again" {
		t.Fatalf("edited %+v", m)
	}
}

// TestE2EStarsInvoice: a bot sends an invoice in Stars; the user opens the form and pays it
// (payments.sendStarsForm); the bot confirms the pre-checkout query and receives the
// successful payment message; the Stars moved and each side has the transaction; the bot
// refunds the charge. An invoice link is paid the same way.
func TestE2EStarsInvoice(t *testing.T) {
	cl := cluster(t)
	b, botUser := e2eBot(t, cl, "e2e_shop_bot")
	checkouts := make(chan *types.PreCheckoutQuery, 2)
	b.OnPreCheckoutQuery(func(ctx *mtgo.Context, q *types.PreCheckoutQuery) error {
		checkouts <- q
		if string(q.Payload) == "sold-out" {
			return q.Answer(ctx, "sold out")
		}
		return q.Answer(ctx, "")
	})
	payments := make(chan *types.ActionPayment, 2)
	texts := make(chan *types.Message, 2)
	b.AddHandler(mtgo.NewMessageHandler(func(_ *mtgo.Context, m *types.Message) error {
		if p, ok := m.Action.(*types.ActionPayment); ok {
			payments <- p
		} else if m.Text != "" {
			texts <- m
		}
		return nil
	}).AcceptService(), 0)

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551202"})
	got := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if _, err := u.SendMessage(ctxT(t), "@e2e_shop_bot", "/buy"); err != nil {
		t.Fatal(err)
	}
	recv(t, texts, "order") // the bot now knows the user
	invoice := func(payload string, stars int64) *tg.InputMediaInvoice {
		return &tg.InputMediaInvoice{
			Title: "Coffee", Description: "A cup", Payload: []byte(payload), ProviderData: tg.DataJSON{Data: "{}"},
			Invoice: tg.Invoice{Currency: types.StarsCurrency, Prices: []tg.LabeledPrice{{Label: "cup", Amount: stars}}},
		}
	}
	if _, err := b.SendInvoice(ctxT(t), user.ID, invoice("order-1", 30)); err != nil {
		t.Fatal(err)
	}
	m := recv(t, got, "invoice")
	if inv, ok := m.Media.(*types.Invoice); !ok || inv.TotalAmount != 30 {
		t.Fatalf("invoice message %+v", m.Media)
	}
	form, err := u.GetPaymentForm(ctxT(t), "@e2e_shop_bot", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !form.Stars || form.Total != 30 || form.BotID != botUser.ID || form.Title != "Coffee" {
		t.Fatalf("form %+v", form)
	}
	if _, err := u.SendPaymentForm(ctxT(t), form, "@e2e_shop_bot", m.ID, nil); !rpcerr.IsType(err, "BALANCE_TOO_LOW") {
		t.Fatalf("paying without Stars: %v", err)
	}
	cl.World().AddGiftStars(user.ID, 100)
	paid, err := u.SendPaymentForm(ctxT(t), form, "@e2e_shop_bot", m.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q := recv(t, checkouts, "pre-checkout query"); q.From.ID != user.ID || q.TotalAmount != 30 || q.Currency != "XTR" {
		t.Fatalf("pre-checkout %+v", q)
	}
	if a, ok := paid.Message.Action.(*types.ActionPayment); !ok || a.TotalAmount != 30 || a.Incoming {
		t.Fatalf("payer's message %+v", paid.Message.Action)
	}
	p := recv(t, payments, "successful payment")
	if !p.Incoming || string(p.InvoicePayload) != "order-1" || p.TotalAmount != 30 || p.TelegramChargeID == "" {
		t.Fatalf("bot's payment %+v", p)
	}

	balances := func(wantUser, wantBot int64) {
		t.Helper()
		for _, c := range []struct {
			c    *testClient
			want int64
		}{{u, wantUser}, {b, wantBot}} {
			n, err := c.c.GetStarsBalance(ctxT(t), nil)
			if err != nil || n != c.want {
				t.Fatalf("balance of %d = %d, %v; want %d", c.c.Me().ID, n, err, c.want)
			}
		}
	}
	balances(70, 30)
	var txs []*types.StarsTransaction
	for tx, err := range b.GetStarsTransactions(ctxT(t), nil, mtgo.StarsInbound) {
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
	}
	if len(txs) != 1 || txs[0].ID != p.TelegramChargeID || txs[0].Amount != 30 || txs[0].Peer == nil || txs[0].Peer.ID != user.ID {
		t.Fatalf("bot's transactions %+v", txs)
	}

	if err := b.RefundStarsCharge(ctxT(t), user.ID, p.TelegramChargeID); err != nil {
		t.Fatal(err)
	}
	balances(100, 0)
	if err := b.RefundStarsCharge(ctxT(t), user.ID, p.TelegramChargeID); !rpcerr.IsType(err, "CHARGE_ALREADY_REFUNDED") {
		t.Fatalf("second refund: %v", err)
	}

	// An invoice link, refused at the pre-checkout query.
	link, err := b.CreateInvoiceLink(ctxT(t), invoice("sold-out", 5))
	if err != nil {
		t.Fatal(err)
	}
	lf, err := u.GetPaymentFormByLink(ctxT(t), link)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendPaymentFormByLink(ctxT(t), lf, link, nil); !rpcerr.IsType(err, "PAYMENT_FAILED") {
		t.Fatalf("refused payment: %v", err)
	}
	recv(t, checkouts, "pre-checkout of the link")
	balances(100, 0)
}

// TestE2EGameScores: a bot sends a game, sets players' scores (a lower one only with force)
// and reads the table.
func TestE2EGameScores(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_game_bot")
	texts := make(chan *types.Message, 2)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { texts <- m; return nil })
	ann, annUser := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551203"})
	bob, bobUser := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15551204"})
	if _, err := ann.SendMessage(ctxT(t), "@e2e_game_bot", "/play"); err != nil {
		t.Fatal(err)
	}
	recv(t, texts, "ann's message") // the bot now knows ann
	game, err := b.SendGame(ctxT(t), annUser.ID, "tetris")
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := game.Media.(*types.Game); !ok || g.ShortName != "tetris" {
		t.Fatalf("game message %+v", game.Media)
	}
	if _, err := b.SendGame(ctxT(t), annUser.ID, ""); !errors.Is(err, mtgo.ErrEmptyField) {
		t.Fatalf("no short name: %v", err)
	}
	// Bob is known to the bot only after writing to it.
	if _, err := bob.SendMessage(ctxT(t), "@e2e_game_bot", "hi"); err != nil {
		t.Fatal(err)
	}
	recv(t, texts, "bob's message")

	steps := []struct {
		name        string
		user        int64
		score       int
		force, edit bool
		wantErr     string
		wantMessage bool
	}{
		{"ann first", annUser.ID, 50, false, true, "", true},
		{"bob", bobUser.ID, 70, false, false, "", false},
		{"ann lower", annUser.ID, 40, false, false, "BOT_SCORE_NOT_MODIFIED", false},
		{"ann higher", annUser.ID, 90, false, false, "", false},
		{"bob forced lower", bobUser.ID, 10, true, false, "", false},
	}
	for _, s := range steps {
		m, err := b.SetGameScore(ctxT(t), annUser.ID, game.ID, s.user, s.score, s.force, s.edit)
		if s.wantErr != "" {
			if !rpcerr.IsType(err, s.wantErr) {
				t.Fatalf("%s: %v, want %s", s.name, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if (m != nil) != s.wantMessage {
			t.Fatalf("%s: message %+v", s.name, m)
		}
		if m != nil {
			if a, ok := m.Action.(*types.ActionGameScore); !ok || a.Score != s.score {
				t.Fatalf("%s: action %+v", s.name, m.Action)
			}
		}
	}
	table, err := b.GetGameHighScores(ctxT(t), annUser.ID, game.ID, annUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0, len(table))
	for _, s := range table {
		got = append(got, fmt.Sprintf("%d:%d:%d", s.Position, s.User.ID, s.Score))
	}
	want := []string{fmt.Sprintf("1:%d:90", annUser.ID), fmt.Sprintf("2:%d:10", bobUser.ID)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("table %v, want %v", got, want)
	}
	if _, err := ann.GetGameHighScores(ctxT(t), "@e2e_game_bot", game.ID, annUser.ID); !rpcerr.IsType(err, "USER_BOT_REQUIRED") {
		t.Fatalf("a user reading scores: %v", err)
	}
}

// TestE2EPasswordCallback: a button that asks for the 2FA password; the user proves it with
// SRP and gets the bot's alert (with URL and cache time); without it, or with a wrong one,
// the press is refused before the bot sees it.
func TestE2EPasswordCallback(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_vault_bot")
	texts := make(chan *types.Message, 2)
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		texts <- m
		_, err := ctx.Reply("Vault", mtgo.WithKeyboard(types.NewInlineKeyboard().Row(
			types.PasswordCallbackButton("Open", "open"), types.CallbackButton("Peek", "peek"))))
		return err
	})
	pressed := make(chan string, 4)
	b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		pressed <- string(q.Data)
		return ctx.AnswerCallback("Opened "+string(q.Data), mtgo.WithAlert(),
			mtgo.WithURL("https://t.me/e2e_vault_bot?start=open"), mtgo.WithCacheTime(30*time.Second))
	})

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551205", Password: "hunter2"})
	got := make(chan *types.Message, 2)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if _, err := u.SendMessage(ctxT(t), "@e2e_vault_bot", "open"); err != nil {
		t.Fatal(err)
	}
	recv(t, texts, "request")
	vault := recv(t, got, "vault keyboard")

	ptr := func(s string) *string { return &s }
	tests := []struct {
		name     string
		data     string
		password *string
		wantErr  string
	}{
		{"no password", "open", nil, "PASSWORD_REQUIRED"},
		{"wrong password", "open", ptr("hunter3"), "PASSWORD_HASH_INVALID"},
		{"right password", "open", ptr("hunter2"), ""},
		{"plain button", "peek", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ans *types.CallbackAnswer
			var err error
			if tt.password == nil {
				ans, err = u.RequestCallbackAnswer(ctxT(t), "@e2e_vault_bot", vault.ID, []byte(tt.data))
			} else {
				ans, err = u.RequestCallbackAnswerWithPassword(ctxT(t), "@e2e_vault_bot", vault.ID, []byte(tt.data), *tt.password)
			}
			if tt.wantErr != "" {
				if !rpcerr.IsType(err, tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := recv(t, pressed, "press"); d != tt.data {
				t.Fatalf("bot saw %q", d)
			}
			if ans.Message != "Opened "+tt.data || !ans.Alert || ans.URL != "https://t.me/e2e_vault_bot?start=open" || ans.CacheTime != 30*time.Second {
				t.Fatalf("answer %+v", ans)
			}
		})
	}
	select {
	case d := <-pressed:
		t.Fatalf("a refused press reached the bot: %q", d)
	default:
	}

	// An account without a password cannot prove one.
	v, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15551206"})
	if _, err := v.RequestCallbackAnswerWithPassword(ctxT(t), "@e2e_vault_bot", 1, []byte("open"), "x"); !errors.Is(err, mtgo.ErrPasswordNotSet) {
		t.Fatalf("no password set: %v", err)
	}
}

// TestE2EBusinessProfile: a premium business account sets its greeting and away messages,
// which another user reads from its profile, and makes a chat link the other user opens.
func TestE2EBusinessProfile(t *testing.T) {
	cl := cluster(t)
	shop, shopUser := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_bizprof_shop", Phone: "15551207", Premium: true})
	carol, carolUser := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Username: "e2e_bizprof_carol", Phone: "15551208"})
	if _, err := shop.ResolvePeer(ctxT(t), "@e2e_bizprof_carol"); err != nil {
		t.Fatal(err)
	}

	greeting := &types.BusinessGreeting{ShortcutID: 7, NoActivityDays: 14, Recipients: types.BusinessRecipients{NewChats: true, Users: []int64{carolUser.ID}}}
	if err := shop.SetBusinessGreeting(ctxT(t), greeting); err != nil {
		t.Fatal(err)
	}
	from, until := time.Unix(1767225600, 0), time.Unix(1767225600+86400, 0)
	away := &types.BusinessAway{ShortcutID: 8, OfflineOnly: true, From: from, Until: until, Recipients: types.BusinessRecipients{Contacts: true}}
	if err := shop.SetBusinessAway(ctxT(t), away); err != nil {
		t.Fatal(err)
	}
	got, err := carol.GetBusinessSettings(ctxT(t), "@e2e_bizprof_shop")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&types.BusinessSettings{Greeting: greeting, Away: away}, got); diff != "" {
		t.Fatalf("settings (-want +got):\n%s", diff)
	}
	if err := shop.SetBusinessAway(ctxT(t), nil); err != nil {
		t.Fatal(err)
	}
	if got, err := carol.GetBusinessSettings(ctxT(t), "@e2e_bizprof_shop"); err != nil || got.Away != nil || got.Greeting == nil {
		t.Fatalf("after removing the away message: %+v, %v", got, err)
	}
	if err := carol.SetBusinessGreeting(ctxT(t), greeting); !rpcerr.IsType(err, "PREMIUM_ACCOUNT_REQUIRED") {
		t.Fatalf("a non-premium greeting: %v", err)
	}

	link, err := shop.CreateBusinessChatLink(ctxT(t), "I'd like **two** coffees", "Coffee", mtgo.WithParseMode(mtgo.ParseModeMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	if link.Message != "I'd like two coffees" || len(link.Entities) != 1 || link.Title != "Coffee" || link.Link == "" {
		t.Fatalf("link %+v", link)
	}
	opened, err := carol.ResolveBusinessChatLink(ctxT(t), link.Link)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Chat == nil || opened.Chat.ID != shopUser.ID || opened.Message != link.Message {
		t.Fatalf("resolved %+v", opened)
	}
	if _, err := shop.EditBusinessChatLink(ctxT(t), link.Link, "One coffee", "Coffee"); err != nil {
		t.Fatal(err)
	}
	links, err := shop.GetBusinessChatLinks(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].Message != "One coffee" || links[0].Views != 1 {
		t.Fatalf("links %+v", links)
	}
	if err := shop.DeleteBusinessChatLink(ctxT(t), link.Link); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.ResolveBusinessChatLink(ctxT(t), link.Link); !rpcerr.IsType(err, "CHATLINK_SLUG_EXPIRED") {
		t.Fatalf("deleted link: %v", err)
	}
}

// TestE2EPaidMedia: a bot sends paid media; the user sees a preview, pays the Stars through
// the form (no pre-checkout query), the bot's OnPurchasedPaidMedia gets the payload and the
// Stars moved; paying twice is refused.
func TestE2EPaidMedia(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_paid_bot")
	texts := make(chan *types.Message, 2)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { texts <- m; return nil })
	bought := make(chan *types.PurchasedPaidMedia, 1)
	b.OnPurchasedPaidMedia(func(_ *mtgo.Context, p *types.PurchasedPaidMedia) error { bought <- p; return nil })

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551209"})
	got := make(chan *types.Message, 2)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if _, err := u.SendMessage(ctxT(t), "@e2e_paid_bot", "show me"); err != nil {
		t.Fatal(err)
	}
	recv(t, texts, "request")
	items := []types.AlbumItem{{Kind: types.KindPhoto, Media: types.InputFile{Reader: strings.NewReader("jpeg"), Name: "a.jpg", Size: 4}}}
	if _, err := b.SendPaidMedia(ctxT(t), user.ID, 0, items, ""); !errors.Is(err, mtgo.ErrPaidMedia) {
		t.Fatalf("free paid media: %v", err)
	}
	if _, err := b.SendPaidMedia(ctxT(t), user.ID, 25, items, "album-1", mtgo.WithCaption("secret")); err != nil {
		t.Fatal(err)
	}
	m := recv(t, got, "paid media")
	pm, ok := m.Media.(*types.PaidMedia)
	if !ok || pm.StarsAmount != 25 || len(pm.Media) != 1 || m.Text != "secret" {
		t.Fatalf("paid media %+v (%+v)", m.Media, m)
	}
	if _, ok := pm.Media[0].(*types.PaidMediaPreview); !ok {
		t.Fatalf("before paying: %T", pm.Media[0])
	}
	form, err := u.GetPaymentForm(ctxT(t), "@e2e_paid_bot", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !form.Stars || form.Total != 25 {
		t.Fatalf("form %+v", form)
	}
	cl.World().AddGiftStars(user.ID, 40)
	if _, err := u.SendPaymentForm(ctxT(t), form, "@e2e_paid_bot", m.ID, nil); err != nil {
		t.Fatal(err)
	}
	if p := recv(t, bought, "purchase"); p.Payload != "album-1" || p.From.ID != user.ID {
		t.Fatalf("purchase %+v", p)
	}
	if n, err := u.GetStarsBalance(ctxT(t), nil); err != nil || n != 15 {
		t.Fatalf("user's balance %d, %v", n, err)
	}
	if n, err := b.GetStarsBalance(ctxT(t), nil); err != nil || n != 25 {
		t.Fatalf("bot's balance %d, %v", n, err)
	}
	again, err := u.GetMessages(ctxT(t), "@e2e_paid_bot", m.ID)
	if err != nil || len(again) != 1 {
		t.Fatalf("GetMessages: %v, %v", again, err)
	}
	if pm, ok := again[0].Media.(*types.PaidMedia); !ok || len(pm.Media) != 1 || pm.Media[0].Kind() != types.KindPhoto {
		t.Fatalf("after paying: %+v", again[0].Media)
	}
	form, err = u.GetPaymentForm(ctxT(t), "@e2e_paid_bot", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendPaymentForm(ctxT(t), form, "@e2e_paid_bot", m.ID, nil); !rpcerr.IsType(err, "PAID_MEDIA_ALREADY_PAID") {
		t.Fatalf("second payment: %v", err)
	}
}

// TestE2EInlineGameOnItsDC: an inline bot's results of several kinds (game, venue, photo by
// URL); the user on DC 3 sends the game and a venue; the bot sets and reads the player's score
// through the inline message id, on DC 3.
func TestE2EInlineGameOnItsDC(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Arcade", Username: "e2e_arcade_bot", Inline: true, InlineFeedback: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		return q.AnswerResults(ctx, []*types.InlineResult{
			types.NewInlineGame("game", "tetris"),
			types.NewInlineVenue("venue", 52.37, 4.89, "Arcade hall", "Main St 1"),
			types.NewInlinePhoto("photo", "https://example.com/a.jpg", "https://example.com/t.jpg").WithCaption("screenshot"),
		})
	})
	chosen := make(chan *types.ChosenInlineResult, 4)
	b.OnChosenInlineResult(func(_ *mtgo.Context, r *types.ChosenInlineResult) error { chosen <- r; return nil })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551210", DC: 3})

	res, err := u.GetInlineBotResults(ctxT(t), "@e2e_arcade_bot", "@e2e_arcade_bot", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 3 {
		t.Fatalf("results %+v", res.Results)
	}
	kinds := []struct {
		id   string
		kind types.MediaKind
	}{{"venue", types.KindVenue}, {"photo", types.KindPhoto}, {"game", types.KindGame}}
	var game *types.ChosenInlineResult
	for _, k := range kinds {
		m, err := u.SendInlineBotResult(ctxT(t), "@e2e_arcade_bot", res.QueryID, k.id)
		if err != nil {
			t.Fatalf("%s: %v", k.id, err)
		}
		if m.MediaKind() != k.kind {
			t.Fatalf("%s: sent %v", k.id, m.MediaKind())
		}
		r := recv(t, chosen, "chosen "+k.id)
		if r.ResultID != k.id {
			t.Fatalf("chosen %+v", r)
		}
		game = r
	}
	// The game's Play button gives it an inline message id, on the user's DC.
	if game.InlineMessageID == "" || types.InlineMessageDC(game.InlineMessage) != 3 {
		t.Fatalf("game's inline message %+v", game)
	}
	_, err = b.InvokeContext(ctxT(t), &tg.MessagesSetInlineGameScoreRequest{ID: game.InlineMessage, UserID: &tg.InputUserSelf{}, Score: 1}, 0, 0)
	if !rpcerr.IsType(err, "MESSAGE_ID_INVALID") {
		t.Fatalf("score on the home DC: %v, want MESSAGE_ID_INVALID", err)
	}
	for _, score := range []int{30, 20} {
		err := b.SetInlineGameScore(ctxT(t), game.InlineMessageID, user.ID, score, false, true)
		if score == 20 {
			if !rpcerr.IsType(err, "BOT_SCORE_NOT_MODIFIED") {
				t.Fatalf("lower score: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	table, err := b.GetInlineGameHighScores(ctxT(t), game.InlineMessageID, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != 1 || table[0].Score != 30 || table[0].User.ID != user.ID || table[0].Position != 1 {
		t.Fatalf("table %+v", table)
	}
}

// TestE2EWebAppQuery: a user opens the bot's Mini App; the init data in its URL passes both
// checks of package webapp (the bot's token; the world's Ed25519 key for the signature) and
// fails them once tampered; the app's server answers the query through the bot, and the
// result is posted in the chat as the user, via the bot, once.
func TestE2EWebAppQuery(t *testing.T) {
	cl := cluster(t)
	b, botUser := e2eBot(t, cl, "e2e_app_bot")
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Username: "e2e_app_ann", Phone: "15551211"})
	posted := make(chan *types.Message, 2)
	u.AddHandler(mtgo.NewMessageHandler(func(_ *mtgo.Context, m *types.Message) error { posted <- m; return nil }).AcceptOutgoing(), 0)

	peer, err := u.ResolvePeer(ctxT(t), "@e2e_app_bot")
	if err != nil {
		t.Fatal(err)
	}
	pu := peer.(*tg.InputPeerUser)
	raw, err := u.InvokeContext(ctxT(t), &tg.MessagesRequestWebViewRequest{
		Peer: peer, Bot: &tg.InputUser{UserID: pu.UserID, AccessHash: pu.AccessHash},
		URL: tl.Some("https://app.example.com/"), StartParam: tl.Some("menu"), Platform: "tdesktop",
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	view := raw.(*tg.WebViewResultURL)
	_, fragment, _ := strings.Cut(view.URL, "#tgWebAppData=")
	initData, err := url.QueryUnescape(fragment)
	if err != nil {
		t.Fatal(err)
	}
	data, err := webapp.Validate(initData, botUser.Token, webapp.Options{MaxAge: time.Hour, Now: cl.World().Now})
	if err != nil {
		t.Fatal(err)
	}
	if data.User == nil || data.User.ID != user.ID || data.User.Username != "e2e_app_ann" || data.StartParam != "menu" || data.QueryID == "" {
		t.Fatalf("init data %+v (user %+v)", data, data.User)
	}
	if _, err := webapp.ValidateThirdParty(initData, botUser.ID, cl.World().WebAppKey(), webapp.Options{}); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(initData, "start_param=menu", "start_param=admin", 1)
	if _, err := webapp.Validate(tampered, botUser.Token, webapp.Options{}); !errors.Is(err, webapp.ErrHashMismatch) {
		t.Fatalf("tampered, by token: %v", err)
	}
	if _, err := webapp.ValidateThirdParty(tampered, botUser.ID, cl.World().WebAppKey(), webapp.Options{}); !errors.Is(err, webapp.ErrSignatureMismatch) {
		t.Fatalf("tampered, by signature: %v", err)
	}

	result := types.NewInlineArticle("order", "Order", "Two coffees, please")
	if _, err := b.AnswerWebAppQuery(ctxT(t), data.QueryID, result); err != nil {
		t.Fatal(err)
	}
	m := recv(t, posted, "the app's message")
	if m.Text != "Two coffees, please" || m.ViaBot == nil || m.ViaBot.ID != botUser.ID || !m.Outgoing {
		t.Fatalf("posted %+v", m)
	}
	if _, err := b.AnswerWebAppQuery(ctxT(t), data.QueryID, result); !rpcerr.IsType(err, "QUERY_ID_INVALID") {
		t.Fatalf("second answer: %v", err)
	}
}

// TestE2EStarsSubscription: a user pays a bot's subscription link; the subscription is
// listed, the bot cancels it by its charge and restores it, the user cancels it.
func TestE2EStarsSubscription(t *testing.T) {
	cl := cluster(t)
	b, botUser := e2eBot(t, cl, "e2e_sub_bot")
	b.OnPreCheckoutQuery(func(ctx *mtgo.Context, q *types.PreCheckoutQuery) error { return q.Answer(ctx, "") })
	payments := make(chan *types.ActionPayment, 1)
	b.AddHandler(mtgo.NewMessageHandler(func(_ *mtgo.Context, m *types.Message) error {
		if p, ok := m.Action.(*types.ActionPayment); ok {
			payments <- p
		}
		return nil
	}).AcceptService(), 0)
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551212"})
	cl.World().AddGiftStars(user.ID, 100)

	const month = 30 * 24 * time.Hour
	link, err := b.CreateInvoiceLink(ctxT(t), &tg.InputMediaInvoice{
		Title: "Premium tips", Description: "Monthly", Payload: []byte("sub"), ProviderData: tg.DataJSON{Data: "{}"},
		Invoice: tg.Invoice{Currency: types.StarsCurrency, Prices: []tg.LabeledPrice{{Label: "month", Amount: 20}}, SubscriptionPeriod: tl.Some(int32(month / time.Second))},
	})
	if err != nil {
		t.Fatal(err)
	}
	form, err := u.GetPaymentFormByLink(ctxT(t), link)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendPaymentFormByLink(ctxT(t), form, link, nil); err != nil {
		t.Fatal(err)
	}
	p := recv(t, payments, "first payment")
	if !p.RecurringInit || p.SubscriptionUntil.IsZero() {
		t.Fatalf("payment %+v", p)
	}

	subs := func() []*types.StarsSubscription {
		t.Helper()
		var out []*types.StarsSubscription
		for s, err := range u.GetStarsSubscriptions(ctxT(t)) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if len(out) != 1 {
			t.Fatalf("subscriptions %+v", out)
		}
		return out
	}
	s := subs()[0]
	if s.Chat == nil || s.Chat.ID != botUser.ID || s.Period != month || s.Amount != 20 || s.Canceled || s.BotCanceled || s.Title != "Premium tips" {
		t.Fatalf("subscription %+v", s)
	}
	steps := []struct {
		name                   string
		do                     func() error
		wantCanceled, wantBots bool
	}{
		{"bot cancels", func() error { return b.EditUserStarSubscription(ctxT(t), user.ID, p.TelegramChargeID, true) }, false, true},
		{"bot restores", func() error { return b.EditUserStarSubscription(ctxT(t), user.ID, p.TelegramChargeID, false) }, false, false},
		{"user cancels", func() error { return u.CancelStarsSubscription(ctxT(t), s.ID, true) }, true, false},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := subs()[0]; got.Canceled != st.wantCanceled || got.BotCanceled != st.wantBots {
			t.Fatalf("%s: %+v", st.name, got)
		}
	}
	if err := b.EditUserStarSubscription(ctxT(t), user.ID, "nope", true); !rpcerr.IsType(err, "CHARGE_ID_INVALID") {
		t.Fatalf("unknown charge: %v", err)
	}
	if err := u.CancelStarsSubscription(ctxT(t), "nope", true); !rpcerr.IsType(err, "SUBSCRIPTION_ID_INVALID") {
		t.Fatalf("unknown subscription: %v", err)
	}
}
