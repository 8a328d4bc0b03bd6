package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// bizCallbackFixture: a shop connected a business bot, Carol wrote "hi" to the shop and the
// bot answered through the connection with an inline keyboard replying to her message.
type bizCallbackFixture struct {
	w                          *World
	kBot, kShop, kCarol, kBot2 KeyID
	botID, shopID, carolID     int64
	bot, bot2                  tg.InputUserClass
	shopForCarol               tg.InputPeerClass // the shop as Carol names it
	carolForBot                tg.InputPeerClass // Carol as the bot names her
	conn                       string
	hiShop, pickShop           int32 // ids in the shop's box
	pickCarol                  int32 // id in Carol's box
	botSub                     *Subscription
}

func newBizCallbackFixture(t *testing.T) *bizCallbackFixture {
	t.Helper()
	w := newWorld(t, Config{})
	f := &bizCallbackFixture{w: w, kBot: KeyID{1}, kShop: KeyID{2}, kCarol: KeyID{3}, kBot2: KeyID{4}}
	bot, err := w.CreateBot(BotSpec{FirstName: "Desk", Username: "desk_cb_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	bot2, err := w.CreateBot(BotSpec{FirstName: "Other", Username: "other_cb_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := w.CreateUser(UserSpec{FirstName: "Shop", Username: "shop_cb", Phone: "70000000801", Premium: true})
	if err != nil {
		t.Fatal(err)
	}
	carol, err := w.CreateUser(UserSpec{FirstName: "Carol", Username: "carol_cb", Phone: "70000000802"})
	if err != nil {
		t.Fatal(err)
	}
	f.botID, f.shopID, f.carolID = bot.ID, shop.ID, carol.ID
	for key, id := range map[KeyID]int64{f.kBot: bot.ID, f.kShop: shop.ID, f.kCarol: carol.ID, f.kBot2: bot2.ID} {
		if err := w.Authorize(key, id); err != nil {
			t.Fatal(err)
		}
	}
	f.bot = f.inputUser(t, f.kShop, "desk_cb_bot")
	f.bot2 = f.inputUser(t, f.kShop, "other_cb_bot")
	sc := f.inputUser(t, f.kCarol, "shop_cb").(*tg.InputUser)
	f.shopForCarol = &tg.InputPeerUser{UserID: sc.UserID, AccessHash: sc.AccessHash}
	f.botSub = w.Subscribe(f.kBot)

	f.connect(t, f.bot, nil)
	for _, u := range f.botUpdates() {
		if c, ok := u.(*tg.UpdateBotBusinessConnect); ok {
			f.conn = c.Connection.ConnectionID
		}
	}
	if f.conn == "" {
		t.Fatal("no updateBotBusinessConnect")
	}
	if _, err := w.SendMessage(f.kCarol, f.shopForCarol, Draft{Text: "hi", RandomID: 1}); err != nil {
		t.Fatal(err)
	}
	for _, u := range f.botUpdates() {
		if nm, ok := u.(*tg.UpdateBotNewBusinessMessage); ok {
			f.hiShop = nm.Message.(*tg.Message).ID
		}
	}
	cb := f.inputUser(t, f.kBot, "carol_cb").(*tg.InputUser)
	f.carolForBot = &tg.InputPeerUser{UserID: cb.UserID, AccessHash: cb.AccessHash}
	kb := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "A", Data: []byte("a")},
	}}}}
	res, err := w.SendBusinessMessage(f.call(), f.carolForBot, Draft{Text: "pick", ReplyMarkup: kb, ReplyTo: f.hiShop, RandomID: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range res.(*tg.Updates).Updates {
		if id, ok := u.(*tg.UpdateMessageID); ok {
			f.pickShop = id.ID
		}
	}
	f.pickCarol = 2 // Carol's box: 1 is her "hi"
	f.botUpdates()
	return f
}

func (f *bizCallbackFixture) call() BusinessCall { return BusinessCall{Key: f.kBot, Conn: f.conn} }

// connect (re)connects bot to the shop for every chat but exclude.
func (f *bizCallbackFixture) connect(t *testing.T, bot tg.InputUserClass, exclude []tg.InputUserClass) {
	t.Helper()
	if _, err := f.w.UpdateConnectedBot(f.kShop, ConnectedBot{
		Bot: bot, Rights: &tg.BusinessBotRights{Reply: true},
		Recipients: tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true, NonContacts: true, ExcludeUsers: exclude},
	}); err != nil {
		t.Fatal(err)
	}
}

func (f *bizCallbackFixture) inputUser(t *testing.T, key KeyID, username string) tg.InputUserClass {
	t.Helper()
	res, err := f.w.ResolveUsername(key, username)
	if err != nil {
		t.Fatal(err)
	}
	u := res.Users[0].(*tg.User)
	return &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
}

// botUpdates drains the bot's live updates.
func (f *bizCallbackFixture) botUpdates() []tg.UpdateClass {
	var out []tg.UpdateClass
	for _, u := range f.botSub.Take() {
		if ups, ok := u.(*tg.Updates); ok {
			out = append(out, ups.Updates...)
		}
	}
	return out
}

func (f *bizCallbackFixture) press() (*Query, error) {
	return f.w.AskCallback(f.kCarol, Callback{Peer: f.shopForCarol, MsgID: f.pickCarol, Data: []byte("a")})
}

// TestBusinessCallback: Carol presses the button of the message the bot sent through the
// shop's connection; the bot gets updateBusinessBotCallbackQuery with the shop's copy of the
// message and of the message it replies to, its answer reaches Carol, and its edit through
// the connection reaches her copy.
func TestBusinessCallback(t *testing.T) {
	f := newBizCallbackFixture(t)
	q, err := f.press()
	if err != nil {
		t.Fatal(err)
	}
	var got *tg.UpdateBusinessBotCallbackQuery
	for _, u := range f.botUpdates() {
		switch u := u.(type) {
		case *tg.UpdateBusinessBotCallbackQuery:
			got = u
		case *tg.UpdateBotCallbackQuery:
			t.Fatalf("plain callback query %+v for a business message", u)
		}
	}
	if got == nil {
		t.Fatal("no updateBusinessBotCallbackQuery")
	}
	type view struct {
		Query          int64
		User           int64
		Conn           string
		MsgID, ReplyID int32
		Out            bool
		Peer           tg.PeerClass
		Text, Reply    string
		Data           tl.Opt[[]byte]
	}
	msg, _ := got.Message.(*tg.Message)
	reply, _ := got.ReplyToMessage.(*tg.Message)
	if msg == nil || reply == nil {
		t.Fatalf("message %T, reply %T", got.Message, got.ReplyToMessage)
	}
	want := view{q.ID(), f.carolID, f.conn, f.pickShop, f.hiShop, true, &tg.PeerUser{UserID: f.carolID}, "pick", "hi", tl.Some([]byte("a"))}
	have := view{got.QueryID, got.UserID, got.ConnectionID, msg.ID, reply.ID, msg.Out, msg.PeerID, msg.Message, reply.Message, got.Data}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Fatalf("business callback query (-want +got):\n%s", diff)
	}
	if got.ChatInstance == 0 || msg.ViaBusinessBotID.Value != f.botID {
		t.Fatalf("chat instance %d, via business bot %v", got.ChatInstance, msg.ViaBusinessBotID)
	}

	if err := f.w.AnswerCallback(f.kBot, CallbackAnswer{QueryID: q.ID(), Message: "noted"}); err != nil {
		t.Fatal(err)
	}
	ans, err := q.Answer()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tl.Encoder(&tg.MessagesBotCallbackAnswer{Message: tl.Some("noted")}), ans); diff != "" {
		t.Fatalf("answer (-want +got):\n%s", diff)
	}

	text := "picked A"
	if _, err := f.w.EditBusinessMessage(f.call(), f.carolForBot, f.pickShop, Edit{Text: &text}); err != nil {
		t.Fatal(err)
	}
	h, err := f.w.Messages(f.kCarol, []tg.InputMessageClass{&tg.InputMessageID{ID: f.pickCarol}})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := h.Messages[0].(*tg.Message); !ok || m.Message != text {
		t.Fatalf("Carol's copy after the edit: %+v", h.Messages[0])
	}
}

// TestBusinessCallbackRefused: a press is refused with DATA_INVALID once the connection
// that sent the message cannot take it, and no query reaches the bot.
func TestBusinessCallbackRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *bizCallbackFixture)
		want  error
	}{
		{"disconnected", func(t *testing.T, f *bizCallbackFixture) {
			if _, err := f.w.UpdateConnectedBot(f.kShop, ConnectedBot{Bot: f.bot, Deleted: true}); err != nil {
				t.Fatal(err)
			}
		}, ErrDataInvalid},
		{"another bot connected", func(t *testing.T, f *bizCallbackFixture) { f.connect(t, f.bot2, nil) }, ErrDataInvalid},
		{"chat no longer served", func(t *testing.T, f *bizCallbackFixture) {
			carol := f.inputUser(t, f.kShop, "carol_cb")
			f.connect(t, f.bot, []tg.InputUserClass{carol})
		}, ErrDataInvalid},
		{"message deleted on the shop's side", func(t *testing.T, f *bizCallbackFixture) {
			if _, err := f.w.DeleteMessages(f.kShop, []int32{f.pickShop}, false); err != nil {
				t.Fatal(err)
			}
		}, ErrMessageIDInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newBizCallbackFixture(t)
			tt.setup(t, f)
			f.botUpdates()
			_, err := f.press()
			if !errors.Is(err, tt.want) {
				t.Fatalf("press = %v, want %v", err, tt.want)
			}
			for _, u := range f.botUpdates() {
				t.Fatalf("the bot got %T after a refused press", u)
			}
			if n := f.w.PendingQueries(); n != 0 {
				t.Fatalf("%d pending queries", n)
			}
		})
	}
}
