package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The examples of the API reference page (shared/reference/client-api.txt), compiled as they
// are written there, apart from its two typos: a dialog has no ID field (the peer is printed
// instead) and the package is mtgo, not telegram. Nothing here runs: the test only has to
// build.

var (
	apiID   = 12345678
	apiHash = "abcdef1234567890abcdef1234567890"
	client  *mtgo.Client
	cfg     mtgo.Config
	peer    tg.InputPeerClass
	update  any
)

func TestAPIPageExamplesCompile(t *testing.T) {
	_ = []any{pageConstruction, pageLifecycle, pageState, pageDispatcher, pageRPC, pageUpdates,
		pagePeers, pageSessions, pageAuth, pageAccessors, pageLogger, pageErrors}
}

func pageConstruction() {
	cfg := mtgo.DefaultConfig
	cfg.SessionName = "my_session"
	cfg.Workers = 4

	client, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

func pageLifecycle() {
	{
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = ctx

		if err := client.Connect(30 * time.Second); err != nil {
			log.Fatalf("connect failed: %v", err)
		}
	}
	{
		client, _ := mtgo.NewClient(apiID, apiHash, &cfg)

		// Register handlers before starting...
		client.OnMessage(func(ctx *mtgo.Context, msg *types.Message) error {
			fmt.Println(msg.Text)
			return nil
		})

		// Blocks until Stop() is called from another goroutine
		if err := client.Start(); err != nil {
			log.Fatal(err)
		}
	}
	{
		sigChan := make(chan os.Signal, 1)
		signal.Notify(sigChan, syscall.SIGINT, syscall.SIGTERM)

		go func() {
			<-sigChan
			client.Stop()
		}()

		client.Start()
	}
	{
		if err := client.Connect(30 * time.Second); err != nil {
			log.Fatal(err)
		}
		client.Idle()
	}
	{
		if err := client.Disconnect(); err != nil {
			log.Printf("disconnect error: %v", err)
		}
		if err := client.Connect(15 * time.Second); err != nil {
			log.Fatal(err)
		}
	}
	{
		if !client.IsConnected() {
			if err := client.Connect(10 * time.Second); err != nil {
				log.Fatal(err)
			}
		}
	}
}

func pageState() {
	me := client.Me()
	if me != nil {
		fmt.Printf("Logged in as %s (ID: %d)\n", me.FirstName, me.ID)
	}
	sess := client.Session()
	if sess != nil {
		fmt.Printf("DC: %d, Key present: %v\n", sess.DC, len(sess.AuthKey) > 0)
	}
	store := client.Storage()
	_ = store.Save()
	cfg := client.Config()
	fmt.Printf("Workers: %d, TestMode: %v\n", cfg.Workers, cfg.TestMode)
	serverTs := client.ServerTime()
	fmt.Printf("Server time: %d\n", serverTs)
}

type myDispatcher struct{}

func (d *myDispatcher) Dispatch(update tg.UpdatesClass) {
	// custom routing logic
}

func pageDispatcher() {
	client.SetDispatcher(&myDispatcher{})
}

func pageRPC() {
	{
		resp, err := client.Invoke(
			&tg.MessagesGetDialogsRequest{
				Limit:      100,
				OffsetPeer: &tg.InputPeerEmpty{},
			},
			3,
			15*time.Second,
		)
		if err != nil {
			log.Printf("RPC error: %v", err)
			return
		}
		switch dialogs := resp.(type) {
		case *tg.MessagesDialogs:
			for _, d := range dialogs.Dialogs {
				fmt.Printf("Dialog: %v\n", d) // the page's d.ID: dialogs have no ID field
			}
		}
	}
	{
		resp, err := client.InvokeRaw(
			&tg.PingRequest{PingID: 12345},
			1,
			5*time.Second,
		)
		if err != nil {
			log.Printf("ping failed: %v", err)
		}
		_ = resp
	}
}

func pageUpdates() {
	rawUpdates := &tg.Updates{
		Updates: []tg.UpdateClass{
			&tg.UpdateNewMessage{},
		},
	}
	client.HandleUpdates(rawUpdates)
}

func pagePeers() {
	{
		peer, err := client.ResolvePeer(context.Background(), "durov")
		if err != nil {
			log.Printf("resolve failed: %v", err)
			return
		}
		fmt.Printf("Resolved peer: %T\n", peer)
	}
	{
		peer, err := client.ResolvePeerCache(12345678)
		if err != nil {
			log.Printf("not cached: %v", err)
			return
		}
		fmt.Printf("Cached peer type: %T\n", peer)
	}
	client.CachePeer(12345678, &tg.InputPeerUser{
		UserID: 12345678,
	})
}

func pageSessions() {
	{
		sess, err := client.GetSession(context.Background(), 2, true, false)
		if err != nil {
			log.Printf("failed to get media session: %v", err)
			return
		}
		fmt.Printf("Media session DC: %d\n", sess.DC)
	}
	{
		sessionStr, err := client.ExportSessionString()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Session string:", sessionStr)
		cfg.SessionString = sessionStr
	}
}

func pageAuth() {
	if err := client.LogOut(); err != nil {
		log.Printf("logout failed: %v", err)
	}
	fmt.Println("Logged out successfully")
	client.SetMe(&types.User{
		ID:        12345678,
		FirstName: "Test",
		LastName:  "User",
	})
	if client.IsBot() {
		fmt.Println("Running as bot")
	} else {
		fmt.Println("Running as user")
	}
	client.SetBotToken("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
}

func pageAccessors() {
	fmt.Println("API ID:", client.APIID())
	fmt.Println("API Hash:", client.APIHash())
	fmt.Println("Connected DC:", client.DC())
	fmt.Println("Session:", client.SessionName())
	fmt.Println("Bot token set:", client.BotToken() != "")
	fmt.Println("Test mode:", client.TestMode())
	fmt.Println("IPv6 enabled:", client.IPv6())
	fmt.Println("No updates mode:", client.NoUpdates())
	fmt.Println("Workers:", client.Workers())
	fmt.Println("Parse mode:", client.ParseMode())
	fmt.Println("Sleep threshold:", client.SleepThreshold())
	fmt.Println("Max concurrent trans:", client.MaxConcurrentTransmissions())
	fmt.Println("Max message cache:", client.MaxMessageCacheSize())
}

func pageLogger() {
	client.Log.Info("connected", "dc", client.DC())
	client.Log.Debug("raw update", "data", update)
	client.Log.Error("handler panic", "err", recover())
}

func pageErrors() {
	ctx := context.Background()
	// Checking connection errors
	if err := client.Connect(30 * time.Second); err != nil {
		if errors.Is(err, mtgo.ErrAlreadyConnected) {
			fmt.Println("already connected, continuing")
		} else if err != nil {
			log.Fatal(err)
		}
	}

	// Checking migration errors
	_, err := client.SendMessage(ctx, peer, "hello")
	if err != nil {
		var migErr *mtgo.MigrationError
		if errors.As(err, &migErr) {
			fmt.Printf("migration to DC %d failed: %v\n", migErr.TargetDC, migErr.Err)
		}
	}

	// Checking reconnection errors
	var reconnErr *mtgo.ReconnectError
	if errors.As(err, &reconnErr) {
		fmt.Printf("gave up after %d attempts\n", reconnErr.Attempts)
	}

	// Every sentinel of the page exists.
	_ = []error{
		mtgo.ErrNotConnected, mtgo.ErrAlreadyConnected, mtgo.ErrPeerNotFound, mtgo.ErrClientClosed,
		mtgo.ErrReconnectFailed, mtgo.ErrHealthTimeout, mtgo.ErrMigrationFailed, mtgo.ErrMigrationUnsafe,
		mtgo.ErrMigrationUnknown, mtgo.ErrAPIIDRequired, mtgo.ErrAPIHashRequired, mtgo.ErrNoStorage,
		mtgo.ErrAlreadyAuthed, mtgo.Err2FARequired, mtgo.ErrSignUpRequired, mtgo.ErrContextNoClient,
		mtgo.ErrContextNoChat, mtgo.ErrContextNoMessage, mtgo.ErrContextNoMedia, mtgo.ErrContextNoCallback,
		mtgo.ErrContextEditInline, mtgo.ErrMediaNil, mtgo.ErrPhotoNoData, mtgo.ErrPhotoNoSizes,
		mtgo.ErrNoDownloadableMedia, mtgo.ErrNoMessage, mtgo.ErrNoMessageUpdates, mtgo.ErrNoMessageShort,
		mtgo.ErrMediaRequired, mtgo.ErrCaptionRequired, mtgo.ErrStoryIDsRequired, mtgo.ErrStoryNotInUpdates,
		mtgo.ErrStorySchema, mtgo.ErrGetChatNotChat, mtgo.ErrJoinNoInfo, mtgo.ErrBanSupergroupOnly,
		mtgo.ErrUnbanSupergroupOnly, mtgo.ErrRestrictSupergroupOnly, mtgo.ErrJoinRequiresInvite,
		mtgo.ErrMTProxySecretRequired, mtgo.ErrProxyParamsRequired, mtgo.ErrSocks4Domain, mtgo.ErrSocks4IPv6,
		mtgo.ErrFFmpegNotFound, mtgo.ErrAlreadyPlaying, mtgo.ErrNotPaused, mtgo.ErrNoRTMPURL, mtgo.ErrNoInputSource,
	}
	var _ *mtgo.UnsafeMigrationError = &mtgo.UnsafeMigrationError{TargetDC: 1, Method: "m"}
}

func TestErrorTypesMatchSentinels(t *testing.T) {
	cause := errors.New("cause")
	if err := error(&mtgo.MigrationError{TargetDC: 4, Err: cause}); !errors.Is(err, mtgo.ErrMigrationFailed) || !errors.Is(err, cause) {
		t.Fatal("MigrationError does not match ErrMigrationFailed and its cause")
	}
	if err := error(&mtgo.UnsafeMigrationError{TargetDC: 4, Method: "messages.sendMessage"}); !errors.Is(err, mtgo.ErrMigrationUnsafe) {
		t.Fatal("UnsafeMigrationError does not match ErrMigrationUnsafe")
	}
	if err := error(&mtgo.ReconnectError{Attempts: 3, Err: cause}); !errors.Is(err, mtgo.ErrReconnectFailed) || !errors.Is(err, cause) {
		t.Fatal("ReconnectError does not match ErrReconnectFailed")
	}
	fw := error(&mtgo.FloodWaitError{Wait: time.Minute, Method: "m", Err: cause})
	if !errors.Is(fw, cause) || fw.Error() == "" {
		t.Fatal("FloodWaitError does not unwrap")
	}
}
