// Package world is the in-memory Telegram behind the MTGo test server: accounts (people and
// bots), private chats, basic groups, channels and supergroups, messages with Telegram's id
// rules, pts/qts/seq/date per account and pts per channel, the update log that getDifference
// reads, uploaded files, stories, login codes and 2FA passwords.
//
// The world is a core in the sense of STYLE.md: it does no networking, starts no goroutine and
// never reads the wall clock or global randomness; time and entropy come from Config. Every
// exported method is one transaction under a single mutex, so one World can serve the
// connections of every data center of a cluster at once.
//
// Updates reach live connections through Subscribe: each connection (identified by its auth
// key) gets a Subscription whose Ready channel fires when updates are queued and whose Take
// drains them in order. Nothing in the world ever blocks on a slow reader.
package world

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"time"
)

// KeyID identifies an authorization key (auth_key_id in wire order, as crypto.AuthKey.ID).
type KeyID [8]byte

// Config holds the world's injected dependencies and tunables. Zero values pick the defaults
// named on each field.
type Config struct {
	// Now returns the current time. Required: the world never reads the wall clock itself.
	Now func() time.Time
	// Rand supplies every random value (access hashes, login codes, file references, SRP
	// secrets). Required; use crypto.NewDeterministicReader in tests.
	Rand io.Reader
	// DefaultDC is the home data center of accounts created without one. Default 2.
	DefaultDC int
	// MaxQueued caps the updates waiting in one Subscription; when an update finds it full,
	// the queue is replaced by one updatesTooLong (the client recovers with
	// updates.getDifference, as from a real overloaded server). Default 1024.
	MaxQueued int
	// DifferenceLimit is how many events one updates.getDifference returns before it answers
	// with updates.differenceSlice. Default 100.
	DifferenceLimit int
	// TooLongAfter is how many pts a client may lag behind before getDifference and
	// getChannelDifference answer "too long" instead of listing events. Default 1000.
	TooLongAfter int
	// MaxBoxMessages caps the messages kept per account box and per channel; beyond it the
	// oldest are forgotten (history simply ends there), which keeps a long load test's memory
	// bounded. Default 10000.
	MaxBoxMessages int
	// MaxUploadBytes caps the bytes of unfinished uploads (parts saved but not yet used in a
	// message) kept per account. Beyond it the account's oldest unfinished uploads are
	// forgotten, never the one being written, as Telegram forgets abandoned uploads; a later
	// use of a forgotten file id answers FILE_ID_INVALID. Default 1 GiB.
	MaxUploadBytes int
	// RTMPURL is the endpoint phone.getGroupCallStreamRtmpUrl hands out (a stream is
	// published to RTMPURL + key). Default "rtmps://localhost:443/s/"; point it at a local
	// RTMP server to test a broadcaster for real.
	RTMPURL string
	// CallStreamDC is the data center serving live streams' chunks; 0 means the home DC of
	// the call's creator.
	CallStreamDC int
}

func (c *Config) setDefaults() error {
	if c.Now == nil {
		return fmt.Errorf("world: Config.Now is required")
	}
	if c.Rand == nil {
		return fmt.Errorf("world: Config.Rand is required")
	}
	if c.DefaultDC == 0 {
		c.DefaultDC = 2
	}
	if c.MaxQueued == 0 {
		c.MaxQueued = 1024
	}
	if c.DifferenceLimit == 0 {
		c.DifferenceLimit = 100
	}
	if c.TooLongAfter == 0 {
		c.TooLongAfter = 1000
	}
	if c.MaxBoxMessages == 0 {
		c.MaxBoxMessages = 10000
	}
	if c.MaxUploadBytes == 0 {
		c.MaxUploadBytes = 1 << 30
	}
	if c.RTMPURL == "" {
		c.RTMPURL = "rtmps://localhost:443/s/"
	}
	return nil
}

// World is the whole in-memory Telegram. Create it with New; all methods are safe for
// concurrent use.
type World struct {
	mu  sync.Mutex
	cfg Config

	secret [32]byte // derives per-viewer access hashes

	users      map[int64]*account
	byUsername map[string]Peer // lower-case username -> user or channel
	byPhone    map[string]int64
	chats      map[int64]*chat
	channels   map[int64]*channel

	auths    map[KeyID]*authorization
	userKeys map[int64]map[KeyID]struct{} // user -> keys authorized as it
	exports  map[int64]*exported
	codes    map[string]*loginCode // phone -> pending code
	srps     map[int64]*srpCheck

	subs map[KeyID][]*Subscription

	copies map[origin][]copyRef // logical message -> per-member copies

	uploads     map[uploadKey]*upload
	uploadBytes map[int64]int // user -> bytes held by its unfinished uploads
	files       map[int64]*file
	stories     map[Peer]*peerStories
	// stories family (story_views.go, gifts.go): close friends, stealth mode, star gifts
	storyPeople storyPeople
	gifts       giftState
	rtmp        map[Peer]string // stream keys for phone.getGroupCallStreamRtmpUrl
	groupCalls  callsState      // group calls and live streams (groupcall.go)
	// bots family (games.go, stars.go): game scores, Stars charges and transactions, invoice
	// links, prepared inline messages
	bots botState

	invites    map[string]*invite // invite links by hash
	forms      map[int64]*payForm // payment forms by id (bounded, oldest first)
	formFIFO   []int64
	infos      map[int64]*payInfo // validated order info by id (bounded, oldest first)
	infoFIFO   []int64
	queries    map[int64]*Query         // callback and inline queries waiting for their bot
	inline     map[int64]*inlineAnswer  // answered inline queries, for sendInlineBotResult
	inlineFIFO []int64                  // inline answers, oldest first (bounded)
	inlineMsgs map[int64]inlineLocation // inline message id -> where the message lives
	// inline message ids, oldest first (at most Config.MaxBoxMessages)
	inlineMsgFIFO []int64

	// business family (business.go, business_act.go): connections by id; acting is the
	// connection a bot acts through right now (under mu), whose own effects it is not told
	businessConns  map[string]*businessConn
	businessActing *businessConn

	// chats family (folders.go): per-account dialog flags and folders, made on first use
	dialogFlags map[int64]map[Peer]*dialogFlags
	folders     map[int64]*folderList

	// login extras (login.go): QR login tokens by hex, open takeout sessions by id
	loginTokens map[string]*loginToken
	takeouts    map[int64]*takeout

	// Reading messages (readmarks.go): the viewers of channel posts, created on first use.
	views map[viewKey]map[int64]struct{}

	// send family: scheduled messages and drafts per account (scheduled.go, drafts.go),
	// created on first use.
	sendBoxes map[int64]*sendBox

	// web files family (webfile.go): registered web file content by URL, generated map images
	web webFiles

	// reactions family (emoji.go): the getAvailableReactions catalogue, made on first use
	reactions *reactionCatalogue

	// secret chats family (secret.go): chats, encrypted files, receivedQueue marks
	secretChats secretChats
	// sticker sets (stickersets.go): the sets tests add, for messages.getStickerSet
	stickerSets stickerSets

	// channel moves (channelmoves.go): the count of logged events and the states handed to
	// each key, which tell getDifference the channels a client has not been told of
	moves channelMoves

	nextUser, nextChat, nextChannel, nextFile int64
	nextUpload                                uint64 // orders unfinished uploads by age

	faults faults
}

// New returns an empty world.
func New(cfg Config) (*World, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	w := &World{
		cfg:         cfg,
		users:       make(map[int64]*account),
		byUsername:  make(map[string]Peer),
		byPhone:     make(map[string]int64),
		chats:       make(map[int64]*chat),
		channels:    make(map[int64]*channel),
		auths:       make(map[KeyID]*authorization),
		userKeys:    make(map[int64]map[KeyID]struct{}),
		exports:     make(map[int64]*exported),
		codes:       make(map[string]*loginCode),
		srps:        make(map[int64]*srpCheck),
		subs:        make(map[KeyID][]*Subscription),
		copies:      make(map[origin][]copyRef),
		uploads:     make(map[uploadKey]*upload),
		uploadBytes: make(map[int64]int),
		files:       make(map[int64]*file),
		stories:     make(map[Peer]*peerStories),
		rtmp:        make(map[Peer]string),
		queries:     make(map[int64]*Query),
		invites:     make(map[string]*invite),
		forms:       make(map[int64]*payForm),
		infos:       make(map[int64]*payInfo),
		inline:      make(map[int64]*inlineAnswer),
		inlineMsgs:  make(map[int64]inlineLocation),
		nextUser:    1000000,
		nextChat:    1000,
		nextChannel: 1000000000,
		nextFile:    5000000000,
	}
	if _, err := io.ReadFull(cfg.Rand, w.secret[:]); err != nil {
		return nil, fmt.Errorf("world: read secret: %w", err)
	}
	return w, nil
}

// now returns the injected time as a Telegram date.
func (w *World) now() int32 { return int32(w.cfg.Now().Unix()) }

// random fills p from the injected entropy. A failing reader is a broken test setup, reported
// as an error by the callers that can fail and otherwise leaving zero bytes.
func (w *World) random(p []byte) error {
	if _, err := io.ReadFull(w.cfg.Rand, p); err != nil {
		return fmt.Errorf("world: read random: %w", err)
	}
	return nil
}

func (w *World) randomInt64() int64 {
	var b [8]byte
	_ = w.random(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) &^ (1 << 63))
}

// accessHash derives the access hash that viewer sees for the object (kind, id). Telegram's
// hashes differ per viewer; so do ours, which catches clients reusing a hash across accounts.
func (w *World) accessHash(viewer int64, kind PeerKind, id int64) int64 {
	var in [56]byte
	copy(in[:32], w.secret[:])
	binary.LittleEndian.PutUint64(in[32:], uint64(viewer))
	binary.LittleEndian.PutUint64(in[40:], uint64(kind))
	binary.LittleEndian.PutUint64(in[48:], uint64(id))
	sum := sha256.Sum256(in[:])
	return int64(binary.LittleEndian.Uint64(sum[:8]))
}

// Now returns the world's current time (the injected clock).
func (w *World) Now() time.Time { return w.cfg.Now() }
