// Command demo is the first thing to run: it starts the embedded test Telegram (package
// teletest) and drives it with MTGo's own MTProto session (package session) end to end,
// printing a short transcript:
//
//	go run ./integration/cmd/demo
//
// key exchange with the cluster's RSA key, help.getConfig, a bot logging in with its token and
// a person with a login code, messages both ways with updates pushed to the receiver, a file
// uploaded in parts, sent and downloaded back, and the bot's session exported as a session
// string and imported into a new connection that is still logged in.
//
// With TG_API_ID, TG_API_HASH and TG_BOT_TOKEN set it logs the bot in to the real Telegram
// instead and prints who it is.
//
// Then it tells the same story with the high-level client (package mtgo, client.go): a bot
// echoing through an OnMessage handler, a code login through a callback, a message round
// trip, Invoke, and a client resumed from a session string.
package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/integration/internal/local"
	"github.com/mtgo-labs/mtgo/session"
	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run picks the real Telegram when its credentials are in the environment, the embedded
// cluster otherwise.
func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if id, hash, token := getenv("TG_API_ID"), getenv("TG_API_HASH"), getenv("TG_BOT_TOKEN"); id != "" && hash != "" && token != "" {
		return runTelegram(ctx, out, id, hash, token)
	}
	return runLocal(ctx, out)
}

// client is one MTProto session with its Run loop and the updates pushed to it.
type client struct {
	*session.Conn
	api     *tg.Client
	updates chan tg.UpdatesClass
	done    chan error
}

// HandleUpdates implements session.UpdateHandler.
func (c *client) HandleUpdates(ctx context.Context, body []byte) error {
	var b tl.Buffer
	b.ResetTo(body)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		return fmt.Errorf("demo: decode update: %w", err)
	}
	select {
	case c.updates <- u:
	case <-ctx.Done():
	}
	return nil
}

// connect starts a session with s and runs it until ctx ends.
func connect(ctx context.Context, s session.Session, keys []crypto.PublicKey) (*client, error) {
	c := &client{updates: make(chan tg.UpdatesClass, 64), done: make(chan error, 1)}
	conn, err := session.New(session.Options{
		Session:    s,
		PublicKeys: keys,
		Init: &session.InitConnection{
			Layer: teletest.Layer, APIID: 1, DeviceModel: "mtgo demo", SystemVersion: "go",
			AppVersion: "0.1", SystemLangCode: "en", LangCode: "en",
		},
		Updates: c,
	})
	if err != nil {
		return nil, err
	}
	c.Conn, c.api = conn, tg.NewClient(conn)
	go func() { c.done <- conn.Run(ctx) }()
	return c, nil
}

// wait waits for an update with a new message whose text is want and returns it.
func (c *client) wait(ctx context.Context, want string) (*tg.Message, error) {
	for {
		select {
		case u := <-c.updates:
			if m := newMessage(u); m != nil && m.Message == want {
				return m, nil
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q: %w", want, ctx.Err())
		}
	}
}

// newMessage returns the message an update announces, nil if it announces none. Short
// updates are expanded into a message with the fields the demo reads.
func newMessage(u tg.UpdatesClass) *tg.Message {
	switch u := u.(type) {
	case *tg.UpdateShortMessage:
		return &tg.Message{ID: u.ID, Out: u.Out, PeerID: &tg.PeerUser{UserID: u.UserID}, FromID: &tg.PeerUser{UserID: u.UserID}, Message: u.Message}
	case *tg.Updates:
		for _, up := range u.Updates {
			if nm, ok := up.(*tg.UpdateNewMessage); ok {
				if m, ok := nm.Message.(*tg.Message); ok {
					return m
				}
			}
		}
	}
	return nil
}

func runLocal(ctx context.Context, out io.Writer) error {
	t := &local.Transcript{Out: out}
	cl, err := teletest.Start(teletest.Config{DCs: 3})
	if err != nil {
		return err
	}
	defer cl.Close()
	t.Step("started a test Telegram with 3 data centers: DC 1 %s, DC 2 %s, DC 3 %s", cl.Addr(1), cl.Addr(2), cl.Addr(3))

	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Demo Bot", Username: "demo_bot"})
	if err != nil {
		return err
	}
	aliceUser, err := cl.World().CreateUser(world.UserSpec{FirstName: "Alice", Username: "alice", Phone: "9996620001"})
	if err != nil {
		return err
	}

	runCtx, stopClients := context.WithCancel(ctx)
	var clients []*client
	defer func() {
		stopClients()
		for _, c := range clients {
			<-c.done
		}
	}()
	open := func(s session.Session) (*client, error) {
		c, err := connect(runCtx, s, cl.PublicKeys())
		if err == nil {
			clients = append(clients, c)
		}
		return c, err
	}

	// The bot: key exchange, configuration, login.
	bot, err := open(session.Session{DC: 2, Addr: cl.Addr(2)})
	if err != nil {
		return err
	}
	cfg, err := bot.api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
	if err != nil {
		return fmt.Errorf("help.getConfig: %w", err)
	}
	key := bot.Session().AuthKey
	t.Step("bot: auth key exchange done (key %x...), help.getConfig says this is DC %d of %d", key[:4], cfg.ThisDC, len(cfg.DCOptions))
	auth, err := bot.api.AuthImportBotAuthorization(ctx, &tg.AuthImportBotAuthorizationRequest{APIID: 1, APIHash: "demo", BotAuthToken: botUser.Token})
	if err != nil {
		return fmt.Errorf("auth.importBotAuthorization: %w", err)
	}
	t.Step("bot: logged in with its token as @%s (id %d)", userName(auth), botUser.ID)

	// Alice: login with a code.
	alice, err := open(session.Session{DC: 2, Addr: cl.Addr(2)})
	if err != nil {
		return err
	}
	sent, err := alice.api.AuthSendCode(ctx, &tg.AuthSendCodeRequest{PhoneNumber: aliceUser.Phone, APIID: 1, APIHash: "demo"})
	if err != nil {
		return fmt.Errorf("auth.sendCode: %w", err)
	}
	code, _ := cl.World().AuthCode(aliceUser.Phone)
	hash := ""
	if s, ok := sent.(*tg.AuthSentCode); ok {
		hash = s.PhoneCodeHash
	}
	if _, err := alice.api.AuthSignIn(ctx, &tg.AuthSignInRequest{PhoneNumber: aliceUser.Phone, PhoneCodeHash: hash, PhoneCode: tl.Some(code)}); err != nil {
		return fmt.Errorf("auth.signIn: %w", err)
	}
	t.Step("alice: logged in with phone %s and login code %s", aliceUser.Phone, code)

	// Messages both ways.
	resolved, err := alice.api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: botUser.Username})
	if err != nil {
		return fmt.Errorf("contacts.resolveUsername: %w", err)
	}
	botPeer, err := inputUser(resolved.Users, botUser.ID)
	if err != nil {
		return err
	}
	if _, err := alice.api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: botPeer, Message: "hello bot", RandomID: 1}); err != nil {
		return fmt.Errorf("messages.sendMessage: %w", err)
	}
	got, err := bot.wait(ctx, "hello bot")
	if err != nil {
		return err
	}
	t.Step("alice -> bot: %q; the bot received it as update (message #%d)", got.Message, got.ID)

	// An updateShortMessage names the sender without an access hash; the bot looks her up.
	aliceRes, err := bot.api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: aliceUser.Username})
	if err != nil {
		return fmt.Errorf("bot contacts.resolveUsername: %w", err)
	}
	alicePeer, err := inputUser(aliceRes.Users, aliceUser.ID)
	if err != nil {
		return err
	}
	reply := "echo: " + got.Message
	if _, err := bot.api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: alicePeer, Message: reply, RandomID: 2}); err != nil {
		return fmt.Errorf("bot messages.sendMessage: %w", err)
	}
	if _, err := alice.wait(ctx, reply); err != nil {
		return err
	}
	t.Step("bot -> alice: %q; alice received it as update", reply)

	// A file: upload in parts, send, download.
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = byte(i * 31 >> 3)
	}
	const part = 128 << 10
	parts := 0
	for off := 0; off < len(data); off += part {
		if _, err := alice.api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 42, FilePart: int32(parts), Bytes: data[off:min(off+part, len(data))]}); err != nil {
			return fmt.Errorf("upload.saveFilePart: %w", err)
		}
		parts++
	}
	sum := md5.Sum(data)
	if _, err := alice.api.MessagesSendMedia(ctx, &tg.MessagesSendMediaRequest{
		Peer: botPeer, RandomID: 3, Message: "report.bin",
		Media: &tg.InputMediaUploadedDocument{
			File:     &tg.InputFile{ID: 42, Parts: int32(parts), Name: "report.bin", MD5Checksum: hex.EncodeToString(sum[:])},
			MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{},
		},
	}); err != nil {
		return fmt.Errorf("messages.sendMedia: %w", err)
	}
	t.Step("alice: uploaded %d KiB in %d parts and sent it to the bot", len(data)>>10, parts)
	withFile, err := bot.wait(ctx, "report.bin")
	if err != nil {
		return err
	}
	md, ok := withFile.Media.(*tg.MessageMediaDocument)
	if !ok {
		return fmt.Errorf("the bot's message has media %T", withFile.Media)
	}
	doc, ok := md.Document.(*tg.Document)
	if !ok {
		return fmt.Errorf("the bot's message has document %T", md.Document)
	}
	loc := &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}
	var down []byte
	for off := int64(0); ; off += 1 << 20 {
		f, err := bot.api.UploadGetFile(ctx, &tg.UploadGetFileRequest{Location: loc, Offset: off, Limit: 1 << 20})
		if err != nil {
			return fmt.Errorf("upload.getFile: %w", err)
		}
		uf, ok := f.(*tg.UploadFile)
		if !ok {
			return fmt.Errorf("upload.getFile answered %T", f)
		}
		down = append(down, uf.Bytes...)
		if len(uf.Bytes) < 1<<20 {
			break
		}
	}
	if md5.Sum(down) != sum {
		return errors.New("the downloaded file differs from the uploaded one")
	}
	t.Step("bot: downloaded %q (%d KiB) with upload.getFile, md5 matches", "report.bin", len(down)>>10)

	// The bot's session as a string, imported into a new connection.
	s := bot.Session()
	str, err := sessionstrings.Export(sessionstrings.Data{DC: s.DC, Addr: s.Addr, AuthKey: s.AuthKey, UserID: botUser.ID, Bot: true, APIID: 1})
	if err != nil {
		return fmt.Errorf("export session: %w", err)
	}
	t.Step("bot: exported its session string (%d characters, %s...)", len(str), str[:16])
	data2, err := sessionstrings.Import(str)
	if err != nil {
		return fmt.Errorf("import session: %w", err)
	}
	again, err := open(session.Session{DC: data2.DC, Addr: data2.Addr, AuthKey: data2.AuthKey, UserID: data2.UserID, Bot: data2.Bot})
	if err != nil {
		return err
	}
	self, err := again.api.UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil {
		return fmt.Errorf("users.getUsers on the imported session: %w", err)
	}
	if u, ok := self[0].(*tg.User); !ok || u.ID != botUser.ID {
		return fmt.Errorf("the imported session is %+v, want the bot", self[0])
	}
	t.Step("new connection from the imported string: still logged in as @%s, no key exchange", botUser.Username)
	if err := runClientDemo(ctx, t, cl); err != nil {
		return err
	}
	t.Step("done; stopping the clients and the cluster")
	return nil
}

// inputUser finds user id among users and returns it as an input peer.
func inputUser(users []tg.UserClass, id int64) (*tg.InputPeerUser, error) {
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u.ID == id {
			return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}, nil
		}
	}
	return nil, fmt.Errorf("user %d not in the answer", id)
}

func userName(a tg.AuthAuthorizationClass) string {
	if a, ok := a.(*tg.AuthAuthorization); ok {
		if u, ok := a.User.(*tg.User); ok {
			return u.Username.Value
		}
	}
	return "?"
}

// Telegram's production DC 2, where bots log in first; a bot on another DC gets
// USER_MIGRATE_X, which the demo reports.
const telegramDC2 = "149.154.167.50:443"

// runTelegram logs a bot in to the real Telegram and prints who it is.
func runTelegram(ctx context.Context, out io.Writer, apiID, apiHash, token string) error {
	id, err := strconv.Atoi(apiID)
	if err != nil {
		return fmt.Errorf("TG_API_ID %q: %w", apiID, err)
	}
	t := &local.Transcript{Out: out}
	runCtx, stop := context.WithCancel(ctx)
	c, err := connect(runCtx, session.Session{DC: 2, Addr: telegramDC2}, crypto.TelegramKeys())
	if err != nil {
		stop()
		return err
	}
	defer func() {
		stop()
		<-c.done
	}()
	cfg, err := c.api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
	if err != nil {
		return fmt.Errorf("help.getConfig: %w", err)
	}
	t.Step("connected to Telegram DC %d (%s), %d addresses in help.getConfig", cfg.ThisDC, telegramDC2, len(cfg.DCOptions))
	auth, err := c.api.AuthImportBotAuthorization(ctx, &tg.AuthImportBotAuthorizationRequest{APIID: int32(id), APIHash: apiHash, BotAuthToken: token})
	if err != nil {
		if dc, ok := rpcerr.MigrateDC(err); ok {
			return fmt.Errorf("the bot lives on DC %d; this demo only talks to DC 2: %w", dc, err)
		}
		return fmt.Errorf("auth.importBotAuthorization: %w", err)
	}
	t.Step("logged in as @%s", userName(auth))
	return nil
}
