package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/dig"
	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/internal/dcs"
	"github.com/mtgo-labs/mtgo/client/internal/engine"
	"github.com/mtgo-labs/mtgo/client/internal/invoke"
	"github.com/mtgo-labs/mtgo/client/internal/updengine"
	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// Layer is the API layer of the schema in tl/tg (tl/schema/api.tl), announced with
// invokeWithLayer on every new connection.
const Layer = tg.Layer

// Dispatcher routes updates to handlers. The default dispatcher runs the OnMessage handlers;
// SetDispatcher replaces it.
type Dispatcher interface {
	Dispatch(update tg.UpdatesClass)
}

// Client is a Telegram client: one connection to the home data center, per-DC sessions for
// files and migrations, the update engine, the peer cache and the storage. Its methods are
// safe for concurrent use.
type Client struct {
	// Log writes structured records at the level configured in Config.Log.
	Log *Logger

	apiID   int
	apiHash string
	cfg     Config

	store      Storage
	eng        *engine.Engine // connections, migrations and the call policy
	peers      PeerCache
	migrated   sync.Map      // basic group id -> *tg.InputPeerChannel it became (chats.go)
	updates    UpdateManager // nil with NoUpdates
	stop       *stopHooks
	msgs       *messageDispatcher
	msgCache   *messageCache
	topicCache *topicCache
	profiles   *profileCache
	bizDCs     businessDCs                         // data centers of business connections (business.go)
	results    *updengine.Feed                     // updates returned by calls, on their way to the update manager
	invokeMW   atomic.Pointer[[]InvokerMiddleware] // around every call of the client's methods

	life       context.Context // cancelled by Stop: the lifetime of every goroutine
	link       linkState       // the home connection's losses and the hooks told of them (lifecycle.go)
	lifeCancel context.CancelFunc
	wg         sync.WaitGroup
	stopped    chan struct{}
	stopOnce   sync.Once
	stopErr    error       // what Stop's shutdown failed at, for Close
	stopBegun  atomic.Bool // the shutdown has begun (stopFromInside starts none then)
	// stopCaller is where Stop was called inside the client (handlerRunFunc, deliverFunc),
	// so that the shutdown does not wait for its caller (waitHandled, handlersBound); nil
	// elsewhere.
	stopCaller atomic.Pointer[string]
	// handlerStop is given when Stop is called from a handler, also after the shutdown began
	// (handlersBound).
	handlerStop stopSignal
	// convEnd is given when the shutdown begins: conversations stop waiting then, while the
	// client's context is live, so the updates queued behind them run (conversation.go).
	convEnd stopSignal

	counters   *invoke.Counters // calls and flood waits of the call policy (LoadSnapshot)
	load       loadMeter        // update engine lag and the previous LoadSnapshot
	autoMu     sync.Mutex       // one AutoConnect at a time
	connecting chan struct{}    // held while a Connect resets the link and dials (connectHome)
	takeoutMu  sync.Mutex       // one account.initTakeoutSession at a time
	raw        *tg.Client       // Raw's typed client over the client's invoker
	takeoutID  atomic.Int64     // the takeout session of Config.Takeout, 0 when none
	probeSelf  atomic.Bool      // an imported session names no account: Connect asks who it is
	storeViews storageViews     // durable queue and dedup keys (storage_passthrough.go)
	secret     secretState      // secret chats (secret.go)

	// plugin.go, reactions_list.go
	plugins   pluginSet                          // the names of the plugins installed by Use
	reactions atomic.Pointer[types.ReactionList] // GetAvailableReactions' last answer

	mu         sync.Mutex
	closed     bool
	me         *types.User
	botToken   string
	dispatcher Dispatcher
	login      loginState
	updCancel  context.CancelCauseFunc // stops the update manager (UpdateManager.Start)
	updDone    chan struct{}
	updEnding  chan struct{} // the done of a run stopped without waiting for it (updates.go)
	pushes     pushQueue     // the home connections' pushes on their way to the update engine (updates.go)
}

// clientDeps are the layers fx hands to newClient.
type clientDeps struct {
	fx.In

	Params  *clientParams
	Store   Storage
	Engine  *engine.Engine
	Peers   PeerCache
	Updates UpdateManager
	Stop    *stopHooks
}

// clientParams carries NewClient's arguments into the fx graph.
type clientParams struct {
	APIID   int
	APIHash string
	Config  Config
	Logger  *Logger
	// Counters are shared by the call policy and the client's LoadSnapshot.
	Counters *invoke.Counters
	updHook  updateHook // WithUpdateEvents (fanout_hooks.go)
}

// newEngine builds the connection engine, the first layer above the storage, the dialer and
// the session factory.
func newEngine(p *clientParams, keys []crypto.PublicKey, link *proxy.Link, st Storage, d transport.Dialer, f SessionFactory) *engine.Engine {
	cfg := p.Config
	dev := cfg.Device
	return engine.New(engine.Options{
		HomeDC:             cfg.DC,
		TestMode:           cfg.TestMode,
		NoUpdates:          cfg.NoUpdates,
		RequestTimeout:     cfg.RequestTimeout,
		SessionIdleTimeout: cfg.SessionIdleTimeout,
		Init: session.InitConnection{
			Layer:          Layer,
			APIID:          int32(p.APIID),
			DeviceModel:    dev.DeviceModel,
			SystemVersion:  dev.SystemVersion,
			AppVersion:     dev.AppVersion,
			SystemLangCode: dev.SystemLangCode,
			LangPack:       dev.LangPack,
			LangCode:       dev.LangCode,
		},
		Reconnect: cfg.reconnectPolicy(),
		Keys:      keys,
		Store:     st,
		NewConn:   f.NewConn,
		Dialer:    packetDialer(link, d, cfg),
		Table:     dcTable(cfg),
		Policy: invoke.Policy{
			Counters:       p.Counters,
			SleepThreshold: cfg.SleepThreshold,
			Errors: invoke.Errors{
				FloodWait: func(wait time.Duration, method string, err error) error {
					return &FloodWaitError{Wait: wait, Method: method, Err: err}
				},
				Migration: func(dc int, err error) error { return &MigrationError{TargetDC: dc, Err: err} },
				UnsafeMigration: func(dc int, method string) error {
					return &UnsafeMigrationError{TargetDC: dc, Method: method}
				},
			},
		},
		Log: p.Logger.Slog(),
	})
}

// dcTable is the data center table of cfg: DCAddrs first, then ServerAddr for every other
// data center, else Telegram's addresses.
func dcTable(cfg Config) *dcs.Table {
	t := dcs.New(cfg.TestMode, cfg.IPv6, cfg.DCAddrs)
	t.SetFixed(cfg.ServerAddr)
	return t
}

func newClient(d clientDeps) *Client {
	p := d.Params
	life, cancel := context.WithCancel(context.Background())
	c := &Client{
		Log:        p.Logger,
		apiID:      p.APIID,
		apiHash:    p.APIHash,
		cfg:        p.Config,
		store:      d.Store,
		eng:        d.Engine,
		peers:      d.Peers,
		updates:    d.Updates,
		stop:       d.Stop,
		life:       life,
		lifeCancel: cancel,
		stopped:    make(chan struct{}),
		connecting: make(chan struct{}, 1),
		botToken:   p.Config.BotToken,
		results:    updengine.NewFeed(life, p.Logger.Slog()),
	}
	c.load.created = time.Now()
	c.raw = tg.NewClient(c.invoker())
	c.counters = p.Counters
	if c.counters == nil {
		c.counters = new(invoke.Counters)
	}
	if p.Config.NoUpdates {
		c.updates = nil
	} else if c.updates != nil {
		c.updates = &meteredUpdates{UpdateManager: c.updates, m: &c.load}
	}
	c.msgs = newMessageDispatcher(c)
	c.msgCache = newMessageCache(p.Config.MaxMessageCacheSize)
	c.topicCache = newTopicCache(p.Config.MaxTopicCacheSize)
	c.profiles = newProfileCache()
	c.dispatcher = c.msgs
	return c
}

// NewClient creates a client for the application apiID/apiHash (from my.telegram.org). cfg
// nil means DefaultConfig. The client is not connected: call Start, or Connect and log in.
//
// NewClient fails with ErrAPIIDRequired (ErrOutOfRange for an id past 2^31-1),
// ErrAPIHashRequired, ErrNoStorage, ErrUnknownParseMode, ErrInvalidProxy (and the proxy
// sentinels) or ErrInvalidConfig for an invalid configuration, and with the storage's error
// when the session cannot be opened.
func NewClient(apiID int, apiHash string, cfg *Config) (*Client, error) {
	if apiID <= 0 {
		return nil, ErrAPIIDRequired
	}
	if _, err := wirenum.Int("api id", apiID, 1, math.MaxInt32); err != nil {
		return nil, fmt.Errorf("mtgo: new client: %w", err)
	}
	if apiHash == "" {
		return nil, ErrAPIHashRequired
	}
	if cfg == nil {
		cfg = &DefaultConfig
	}
	conf := cfg.withDefaults()
	if err := conf.validate(); err != nil {
		return nil, err
	}
	link, err := parseProxy(conf)
	if err != nil {
		return nil, err
	}
	keys, err := trustedKeys(conf)
	if err != nil {
		return nil, err
	}
	var c *Client
	opts := []fx.Option{
		fx.NopLogger,
		Module,
		fx.Supply(&clientParams{APIID: apiID, APIHash: apiHash, Config: conf, Logger: newLogger(conf.Log), Counters: new(invoke.Counters)}),
		fx.Supply(keys),
		fx.Supply(link),
		fx.Options(conf.FxOptions...),
		fx.Populate(&c),
	}
	app := fx.New(opts...)
	if err := app.Err(); err != nil {
		return nil, fmt.Errorf("mtgo: build client: %w", unwrapFx(err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.loadIdentity(ctx); err != nil {
		_ = c.stop.run(ctx)
		return nil, err
	}
	return c, nil
}

// unwrapFx returns the error of the constructor that failed, without fx's wrapping.
func unwrapFx(err error) error {
	if root := dig.RootCause(err); root != nil {
		return root
	}
	return err
}

// trustedKeys returns Telegram's RSA keys and the configured ones.
func trustedKeys(cfg Config) ([]crypto.PublicKey, error) {
	keys := append([]crypto.PublicKey(nil), crypto.TelegramKeys()...)
	for i, k := range cfg.PublicKeys {
		pk, err := crypto.NewPublicKey(k)
		if err != nil {
			return nil, fmt.Errorf("%w: PublicKeys[%d]: %w", ErrInvalidConfig, i, err)
		}
		keys = append(keys, pk)
	}
	return keys, nil
}

// loadIdentity imports Config.SessionString and reads the home DC and identity from storage.
func (c *Client) loadIdentity(ctx context.Context) error {
	if s := c.cfg.SessionString; s != "" {
		if err := c.importSessionString(ctx, s); err != nil {
			return err
		}
	}
	dc, err := c.store.HomeDC(ctx)
	if err != nil {
		return fmt.Errorf("mtgo: read home dc: %w", err)
	}
	if dc > 0 {
		c.eng.SetHomeDC(dc)
	}
	id, err := c.store.Identity(ctx)
	if err != nil {
		return fmt.Errorf("mtgo: read identity: %w", err)
	}
	if id.UserID != 0 {
		c.eng.SetAccount(id.UserID, id.Bot)
		return nil
	}
	// Sessions imported from strings carry the identity in the session itself.
	sess, err := c.store.LoadSession(ctx, c.eng.HomeDC())
	switch {
	case errors.Is(err, session.ErrNoSession):
	case err != nil:
		return fmt.Errorf("mtgo: load session: %w", err)
	default:
		c.eng.SetAccount(sess.UserID, sess.Bot)
	}
	return nil
}

// Connect connects to the home data center within timeout (0 waits indefinitely). See
// ConnectContext.
func (c *Client) Connect(timeout time.Duration) error {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return c.ConnectContext(ctx)
}

// ConnectContext connects to the home data center (the stored one, else Config.DC), runs the
// key exchange if the session has no key, sends initConnection with help.getConfig to learn
// the data center list, and, when the session is authorized, loads the account and starts the
// update engine. It does not log in: see Login and Start.
//
// It fails with ErrAlreadyConnected when connected (a Connect under way is waited for
// first), ErrClientClosed after Stop, or the connection's error; a failed Connect leaves the
// client not connected. An error matching ErrAuthKeyUnknown (the data center forgot the auth
// key, and the authorization with it) also leaves it logged out, its key dropped: the next
// Connect makes a new key, and Login logs in again. Until the server answered its own calls,
// the home connection is bounded as a first connection is, even without a deadline: a link
// that goes down while they run (after the key exchange, during help.getConfig or the account
// check) and stays down for Config.ReconnectAttempts dials (8 by default) makes it fail with
// an error matching ErrReconnectFailed, naming the step and the last failure. From then on (before
// the update engine's catch-up and the OnConnect hooks, whose calls end at their own
// timeouts) the default policy redials a loss for ever, so that a link lost while they run
// does not leave a client whose Connect returned nil with no connection.
func (c *Client) ConnectContext(ctx context.Context) error {
	stored := c.storedSession(ctx) // hooks.go
	gen, err := c.connectHome(ctx)
	if err != nil {
		if errors.Is(err, ErrAuthKeyUnknown) { // the engine dropped the key
			c.setAuthorized(context.WithoutCancel(ctx), nil)
		}
		return err
	}
	c.sessionLoaded(stored)
	if probe := c.probeSelf.Swap(false); c.authorized() || probe {
		if err := c.loadSelf(ctx); err != nil {
			if !errors.Is(err, ErrNotAuthorized) {
				// Not half connected: without OnConnect the link's hooks are held, and
				// without the update engine nothing arrives; the next Connect starts over.
				// Only this Connect's connection: after a Disconnect and a newer Connect
				// meanwhile, that one is left alone.
				c.probeSelf.Store(probe)
				if derr := c.eng.DisconnectGen(gen); derr != nil {
					c.Log.Debug("close the connection of a failed Connect", "err", derr)
				}
				return err
			}
			c.Log.Warn("stored session is no longer authorized", "err", err)
		}
	}
	// Only now may the default policy redial the link for ever: until here, a link lost for
	// ReconnectAttempts dials (8 by default) ends this Connect with the session's error.
	// The steps below end by themselves (the catch-up within RequestTimeout, the hooks'
	// calls at their timeouts); a session giving up meanwhile would leave the client deaf
	// after a Connect that returned nil. A connection this Connect no longer has (a
	// Disconnect came, maybe a newer Connect, which does these steps itself) is not told.
	if !c.eng.Established(gen) {
		return fmt.Errorf("mtgo: connect: disconnected before the connection was established: %w", ErrNotConnected)
	}
	c.startUpdates()
	c.waitUpdates(ctx)
	c.watchSecretRekey(ctx) // secret_watch.go: the week rule of idle secret chats
	c.announce(ctx)         // lifecycle.go: OnConnect, then the link's changes
	return nil
}

// connectHome connects the engine's home connection, one Connect at a time: a Connect (or an
// AutoConnect call) that comes while another one dials waits for it, bounded by ctx, then
// finds the client connected (or dials anew when that one failed), instead of failing with
// ErrNotConnected and resetting the link state of the connection under way. It returns the
// engine's Gen of this Connect, which only its own Established and DisconnectGen match.
func (c *Client) connectHome(ctx context.Context) (engine.Gen, error) {
	select {
	case c.connecting <- struct{}{}:
	case <-ctx.Done():
		return 0, fmt.Errorf("mtgo: connect: waiting for the Connect under way: %w", ctx.Err())
	}
	defer func() { <-c.connecting }()
	if !c.eng.Connected() { // none, or its session gave up: Connect makes a new one
		c.link.reset() // the new connection's changes are held until it is announced
	}
	return c.eng.Connect(ctx, pushHandler{c})
}

// loadSelf fetches the logged-in account; a 401 answer clears the stored identity and
// returns ErrNotAuthorized. A 401 refusing a temporary key's binding (session.ErrBind: the
// session gave up on the connection) answered no call and clears nothing.
func (c *Client) loadSelf(ctx context.Context) error {
	users, err := tg.NewClient(c.invoker()).UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil {
		if e, ok := rpcerr.As(err); ok && e.Code == 401 && !errors.Is(err, session.ErrBind) {
			c.setAuthorized(ctx, nil)
			return fmt.Errorf("%w: %v", ErrNotAuthorized, err)
		}
		return fmt.Errorf("mtgo: load account: %w", err)
	}
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u.Self {
			c.setAuthorized(ctx, u)
			return nil
		}
	}
	return fmt.Errorf("mtgo: load account: %w", ErrNotAuthorized)
}

// setAuthorized records the logged-in account (nil: logged out) in memory and in the stored
// home session.
func (c *Client) setAuthorized(ctx context.Context, u *tg.User) {
	var userID int64
	var bot bool
	c.mu.Lock()
	if u == nil {
		c.me = nil
	} else {
		c.me = types.NewUser(u)
		userID, bot = u.ID, u.Bot
	}
	c.mu.Unlock()
	c.eng.SetAccount(userID, bot)
	if u != nil {
		c.learn([]tg.UserClass{u}, nil)
		c.peers.SetSelf(u.ID, u.Bot)
	}
	if err := c.store.SetIdentity(ctx, storage.Identity{UserID: userID, Bot: bot}); err != nil {
		c.Log.Warn("save identity", "err", err)
	}
	if err := c.eng.SaveAccount(ctx); err != nil { // the connections' lock held
		c.Log.Warn("save identity", "err", err)
	}
}

// Start connects if needed, logs in when the session is not authorized (with BotToken, or
// PhoneNumber and the Code, Password and SignUp callbacks), and blocks until Stop is called.
func (c *Client) Start() error {
	return c.StartContext(context.Background())
}

// StartContext is Start with a context: it returns when ctx is done (after stopping the
// client) or when Stop is called.
func (c *Client) StartContext(ctx context.Context) error {
	if err := c.ConnectContext(ctx); err != nil && !errors.Is(err, ErrAlreadyConnected) {
		return err
	}
	if !c.authorized() {
		if err := c.Login(ctx); err != nil {
			return err
		}
	}
	c.runHooks(hookStart, nil, nil)
	select {
	case <-c.stopped:
		return nil
	case <-ctx.Done():
		c.stopAndWait()
		return ctx.Err()
	}
}

// Idle blocks until Stop is called.
func (c *Client) Idle() { <-c.stopped }

// Done returns a channel closed when the client is stopped.
func (c *Client) Done() <-chan struct{} { return c.stopped }

// Stop shuts the client down: pending calls fail with ErrClientClosed, connections close,
// handlers finish, the storage is saved and closed and every goroutine ends. Safe to call more
// than once and from any goroutine.
//
// Stop waits for the handlers and hooks to finish, so one of them cannot wait for Stop: called
// on a goroutine the client started (a handler, as for an admin's /shutdown command, or a hook
// run by the engine or the update engine, OnUpdateReceived), Stop starts the shutdown and
// returns at once, and Done is closed once the client has stopped; so does Stop called from
// an OnStop hook. It cannot tell clients apart: on a goroutine another client of the process
// started, Stop returns at once as well; receive from Done to wait there. Close does the same.
// A handler should return after Stop: one that waits for its context or Done holds its batch
// for a few seconds (the grace the stop gives running handlers), and that batch is then
// delivered again at the next start.
func (c *Client) Stop() {
	if c.stopFromInside() {
		return
	}
	c.stopAndWait()
}

// stopFromInside starts the shutdown on a goroutine of its own and reports true when its
// caller (Stop, Close) runs where waiting for the shutdown would wait for itself: on a
// goroutine the client started, or inside the shutdown (see insideClient). Otherwise it does
// nothing and reports false: the caller shuts down and waits.
func (c *Client) stopFromInside() bool {
	if !insideClient() {
		return false
	}
	if f := onStack(handlerRunFunc, deliverFunc); f != "" {
		c.stopCaller.CompareAndSwap(nil, &f)
		if f == handlerRunFunc {
			c.handlerStop.fire()
		}
	}
	if !c.stopBegun.Load() { // else it is under way and handlersBound saw the signal
		go c.stopAndWait()
	}
	return true
}

// stopAndWait is Stop's work, waiting for it; the client's own code calls it.
func (c *Client) stopAndWait() { c.stopOnce.Do(func() { c.stopErr = c.shutdown() }) }

// clientModule prefixes the functions of the client module's packages in a stack.
var clientModule = reflect.TypeFor[Client]().PkgPath()

// shutdownFunc names Client.shutdown in a stack, handlerRunFunc the dispatcher's run of
// an update's handlers, deliverFunc the update engine's delivery of a batch (its
// OnUpdateReceived hooks, and a Dispatcher's Dispatch, run inside it, on the engine's
// goroutine).
var (
	shutdownFunc   = clientModule + ".(*Client).shutdown"
	handlerRunFunc = clientModule + ".(*messageDispatcher).run"
	deliverFunc    = clientModule + ".(*Client).deliver"
)

// insideClient reports whether its caller (stopFromInside, for Stop and Close) runs on a
// goroutine the client started (a handler's worker, a hook run by the engine, a job): the
// goroutine's first function belongs to this package or one below it. A program's own
// goroutines, tests included, start elsewhere. So is a caller inside the shutdown (an OnStop
// hook), on any goroutine, and one inside the update engine's delivery (an OnUpdateReceived
// hook), whose goroutine the updates module started. It walks the whole stack, so it is for
// rare calls like Stop.
func insideClient() bool {
	root := ""
	for f := range stackFuncs(4) { // skip Callers, stackFuncs' iterator, insideClient and its caller
		if f == shutdownFunc || f == deliverFunc {
			return true // the shutdown waits for an OnStop hook, the update engine's stop for its delivery
		}
		if !strings.HasPrefix(f, "runtime.") {
			root = f
		}
	}
	rest, ok := strings.CutPrefix(root, clientModule)
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "/"))
}

// onStack returns the first function of fns (full names) found on the calling goroutine's
// stack, innermost first, "" when none is. It walks the whole stack, so it is for rare calls.
func onStack(fns ...string) string {
	for f := range stackFuncs(3) {
		if slices.Contains(fns, f) {
			return f
		}
	}
	return ""
}

// stackFuncs yields the functions on the calling goroutine's stack, innermost first, after
// the skip innermost frames (runtime.Callers' own counting).
func stackFuncs(skip int) iter.Seq[string] {
	return func(yield func(string) bool) {
		pcs := make([]uintptr, 256)
		n := runtime.Callers(skip, pcs)
		for n == len(pcs) { // deeper than the buffer: look at the whole stack
			pcs = make([]uintptr, 2*len(pcs))
			n = runtime.Callers(skip, pcs)
		}
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if !yield(f.Function) || !more {
				return
			}
		}
	}
}

// shutdown is Stop's work; it returns what failed while saving and closing the layers.
func (c *Client) shutdown() error {
	c.stopBegun.Store(true)
	c.runHooks(hookStop, nil, nil)
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.convEnd.fire()
	handlers, cancel := c.handlersBound() // dispatch.go
	defer cancel()
	c.stopUpdates()
	c.waitHandled()
	c.lifeCancel()
	c.eng.Close()
	c.wg.Wait()
	c.results.Close()
	c.msgs.close(handlers)
	var errs []error
	if err := c.store.Save(); err != nil {
		c.Log.Warn("save storage", "err", err)
		errs = append(errs, fmt.Errorf("save storage: %w", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.stop.run(ctx); err != nil {
		c.Log.Warn("stop layers", "err", err)
		errs = append(errs, fmt.Errorf("stop layers: %w", err))
	}
	close(c.stopped)
	c.Log.Info("stopped")
	return errors.Join(errs...)
}

// waitHandled waits, handlerStopGrace at most, for the updates committed as handled before
// their handlers ran (Disconnect from a handler or an OnUpdateReceived hook, see
// dispatchAndWait), so that the shutdown does not drop them. It first waits for the update
// engine's run a hook's Disconnect left running, which commits the hook's batch as it ends:
// also when Stop was called inside that hook, since the hook's batch reaches the handlers
// only once the hook returned (a hook must not block; one that does holds the shutdown for
// the grace). It does not wait for a handler that called Stop.
func (c *Client) waitHandled() {
	caller := ""
	if p := c.stopCaller.Load(); p != nil {
		caller = *p
	}
	ctx, cancel := context.WithTimeout(context.Background(), handlerStopGrace)
	defer cancel()
	c.mu.Lock()
	ending := c.updEnding
	c.mu.Unlock()
	if ending != nil {
		select {
		case <-ending:
		case <-ctx.Done():
		}
	}
	c.msgs.waitCommitted(ctx, caller == handlerRunFunc)
}

// Disconnect closes the connections but keeps the client's state, handlers and storage, so
// Connect can be called again. Calls pending on the closed connections fail with
// ErrClientClosed. It fails with ErrNotConnected when not connected. It runs the OnDisconnect
// hooks (Reason nil) last, after the hooks of a reconnection already running have ended.
//
// Disconnect stops the update engine, which waits (a few seconds at most) for the handlers
// of the updates it delivered, so that those are delivered again after the next Connect
// unless handled. Called from a handler (a /reconnect command), it does not wait for the
// handlers, one of which is its caller: the updates they run or have queued count as
// handled, and they run on to their end, but are not delivered again after the next Connect
// (that handler would disconnect again). It still returns once the connections are closed
// and OnDisconnect has run, so the handler may call Connect next: the update engine then
// starts again and delivers what came meanwhile, those updates of the handler's chat once
// the handler returns. Called on the update engine's own goroutine (an OnUpdateReceived
// hook, a Dispatcher's Dispatch), it does not wait for the update engine either: that stops
// once the caller returns, its batch counted as handled (unless a CommitDispatcher fails
// it, see OnUpdateReceived), and the update engine of a Connect called there starts then. Like Stop, Disconnect tells handlers and hooks apart by the
// stack only: called from a handler of another client of the process, it does not wait for
// this client's handlers either.
func (c *Client) Disconnect() error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClientClosed
	}
	if _, connected := c.eng.Home(); !connected {
		return ErrNotConnected
	}
	// On the update engine's own goroutine the engine stops once the caller returns.
	cause, onEngine := stopCause()
	c.link.hold() // the closed connection's last changes run no hook
	c.stopUpdatesBecause(cause, !onEngine)
	if err := c.eng.Disconnect(); err != nil {
		return err
	}
	if err := c.store.Save(); err != nil {
		return fmt.Errorf("mtgo: save storage: %w", err)
	}
	c.Log.Info("disconnected")
	c.link.settle() // a reconnection's hooks still running end before this last one
	c.runHooks(hookDisconnect, nil, nil)
	return nil
}

// IsConnected reports whether the client has a connection to its home data center.
func (c *Client) IsConnected() bool { return c.eng.Connected() }

// Me returns the logged-in account, or nil before login.
func (c *Client) Me() *types.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.me
}

// SetMe sets the account the client considers logged in, for sessions whose identity is
// known from elsewhere and for tests.
func (c *Client) SetMe(user *types.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.me = user
	if user != nil {
		c.eng.SetAccount(user.ID, user.IsBot)
	}
}

// IsBot reports whether the client is logged in as a bot, or, before login, whether it is
// configured with a bot token.
func (c *Client) IsBot() bool {
	if id, bot := c.eng.Account(); id != 0 {
		return bot
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.botToken != ""
}

// SetBotToken sets the bot token used by the next login (Start or Login).
func (c *Client) SetBotToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.botToken = token
}

// Session returns a copy of the home session (data center, auth key, ...), or nil before the
// first connection when nothing is stored.
func (c *Client) Session() *session.Session {
	if s, ok := c.eng.HomeSession(); ok {
		if id, bot := c.eng.Account(); id != 0 {
			s.UserID, s.Bot = id, bot
		}
		return &s
	}
	s, err := c.store.LoadSession(context.Background(), c.eng.HomeDC())
	if err != nil {
		return nil
	}
	return &s
}

// GetSession returns the session of data center dcID, connecting (and authorizing, by
// exporting the home authorization) on first use. isMedia asks for a connection reserved for
// file transfers, isCDN for a connection to a CDN data center (keys from help.getCdnConfig,
// no authorization). Pooled sessions close after Config.SessionIdleTimeout without calls.
func (c *Client) GetSession(ctx context.Context, dcID int, isMedia bool, isCDN bool) (*session.Session, error) {
	s, err := c.eng.Session(ctx, dcID, isMedia, isCDN)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Storage returns the storage backend.
func (c *Client) Storage() Storage { return c.store }

// Config returns a copy of the active configuration.
func (c *Client) Config() Config { return c.cfg.withDefaults() }

// ServerTime returns the server's Unix time, using the clock offset measured on the home
// connection.
func (c *Client) ServerTime() int32 {
	var off time.Duration
	if s := c.Session(); s != nil {
		off = s.TimeOffset
	}
	return int32(time.Now().Add(off).Unix())
}

// SetDispatcher replaces the default dispatcher (which runs the OnMessage handlers). Call it
// before Connect or Start.
func (c *Client) SetDispatcher(d Dispatcher) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d == nil {
		d = c.msgs
	}
	c.dispatcher = d
}

func (c *Client) currentDispatcher() Dispatcher {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dispatcher
}

func (c *Client) authorized() bool { return c.selfID() != 0 }

// selfID returns the logged-in account's user id, 0 before login.
func (c *Client) selfID() int64 {
	id, _ := c.eng.Account()
	return id
}

// APIID returns the application id.
func (c *Client) APIID() int { return c.apiID }

// APIHash returns the application hash.
func (c *Client) APIHash() string { return c.apiHash }

// DC returns the home data center, 0 when not connected.
func (c *Client) DC() int {
	if dc, connected := c.eng.Home(); connected {
		return dc
	}
	return 0
}

// SessionName returns the configured session name.
func (c *Client) SessionName() string { return c.cfg.SessionName }

// BotToken returns the bot token, "" for user clients.
func (c *Client) BotToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.botToken
}

// TestMode reports whether the client uses Telegram's test data centers.
func (c *Client) TestMode() bool { return c.cfg.TestMode }

// IPv6 reports whether IPv6 addresses are preferred.
func (c *Client) IPv6() bool { return c.cfg.IPv6 }

// NoUpdates reports whether updates are disabled.
func (c *Client) NoUpdates() bool { return c.cfg.NoUpdates }

// Workers returns the number of handler goroutines.
func (c *Client) Workers() int { return c.cfg.Workers }

// ParseMode returns the default parse mode (ParseModeNone is 0).
func (c *Client) ParseMode() int { return c.cfg.ParseMode }

// SleepThreshold returns the longest flood wait Invoke sleeps through.
func (c *Client) SleepThreshold() time.Duration { return c.cfg.SleepThreshold }

// MaxConcurrentTransmissions returns the bound on parallel file transfers.
func (c *Client) MaxConcurrentTransmissions() int { return c.cfg.MaxConcurrentTransmissions }

// MaxMessageCacheSize returns the size of the message cache.
func (c *Client) MaxMessageCacheSize() int { return c.cfg.MaxMessageCacheSize }

// ReqTimeout returns the per-attempt timeout of calls that give none (Config.RequestTimeout).
func (c *Client) ReqTimeout() time.Duration { return c.cfg.RequestTimeout }

// Timeout returns the bound on one dial of a data center (Config.DialTimeout).
func (c *Client) Timeout() time.Duration { return c.cfg.DialTimeout }

// LocalAddr returns the local address connections are made from, "" when the system chooses.
func (c *Client) LocalAddr() string { return c.cfg.LocalAddr }

// ServerAddr returns the fixed address every data center is reached at, "" when none.
func (c *Client) ServerAddr() string { return c.cfg.ServerAddr }

// AutoConnect reports whether calls connect a client that is not connected.
func (c *Client) AutoConnect() bool { return c.cfg.AutoConnect }

// Takeout reports whether the client runs in takeout mode.
func (c *Client) Takeout() bool { return c.cfg.Takeout }

// LinkPreviewOptions returns a copy of the default link preview of sent text, nil for
// Telegram's default.
func (c *Client) LinkPreviewOptions() *LinkPreviewOptions {
	if c.cfg.LinkPreview == nil {
		return nil
	}
	lp := *c.cfg.LinkPreview
	return &lp
}

// MaxTopicCacheSize returns the bound on the forum topics kept in memory.
func (c *Client) MaxTopicCacheSize() int { return c.cfg.MaxTopicCacheSize }

// Transport returns the transport configuration (codec, obfuscation, WebSocket).
func (c *Client) Transport() TransportConfig { return c.cfg.Transport }
