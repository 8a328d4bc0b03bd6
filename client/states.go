package mtgo

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// StateStore keeps the states of States. By default States keep them in the client's Storage
// (NewStorageStates), so with the bbolt file store they survive a restart; MemoryStates keeps
// them in memory only.
type StateStore interface {
	// LoadState returns the state stored under key; ok is false when there is none or it
	// expired.
	LoadState(ctx context.Context, key string) (st State, ok bool, err error)
	// SaveState stores st under key until expires (zero: for ever).
	SaveState(ctx context.Context, key string, st State, expires time.Time) error
	// DeleteState forgets key.
	DeleteState(ctx context.Context, key string) error
}

// State is where one user is in a multi-step dialogue, with the data collected so far.
type State struct {
	// Name is the step; "" is no state.
	Name string
	// Data is what the steps collected, in the program's encoding.
	Data []byte
}

// States is a finite-state helper: per chat and user, a State that handlers read with Get,
// change with Set and Clear, and select with the filter Is. A state expires after the TTL
// given to NewStates, counted from its last Set.
//
//	form := mtgo.NewStates(nil, time.Hour) // states in the client's storage
//	c.OnMessage(askName, filters.Command("register"))            // form.Set(ctx, "name", nil)
//	c.OnMessage(gotName, form.Is("name"), filters.Text)          // form.Set(ctx, "age", name)
//	c.OnMessage(gotAge, form.Is("age"), filters.Regex(regexp.MustCompile(`^\d+$`))) // form.Clear(ctx)
type States struct {
	store    StateStore    // nil: the client's storage
	fallback *MemoryStates // for a Context without a client, when store is nil
	ttl      time.Duration
}

// NewStates returns a state helper over store whose states expire ttl after their last Set
// (0: never). With a nil store, states go to the storage of the update's client
// (NewStorageStates(c.Storage(), DefaultStatesNamespace)): every States with a nil store on one
// client shares them. An update without a client keeps them in memory.
func NewStates(store StateStore, ttl time.Duration) *States {
	s := &States{store: store, ttl: ttl}
	if store == nil {
		s.fallback = NewMemoryStates()
	}
	return s
}

// storeFor returns where the states of ctx's update live.
func (s *States) storeFor(ctx *Context) StateStore {
	switch {
	case s.store != nil:
		return s.store
	case ctx.Client != nil && ctx.Client.Storage() != nil:
		return NewStorageStates(ctx.Client.Storage(), DefaultStatesNamespace)
	}
	return s.fallback
}

// key names the state of the update's chat and sender. It fails with ErrContextNoChat when
// the update has neither.
func stateKey(ctx *Context) (string, error) {
	var chat, user int64
	if c := ctx.Chat(); c != nil {
		chat = c.ID
	}
	if u := ctx.From(); u != nil {
		user = u.ID
	}
	if chat == 0 && user == 0 {
		return "", ErrContextNoChat
	}
	return conversationKey(chat, user), nil
}

// Get returns the state of the update's chat and sender; the zero State when none.
func (s *States) Get(ctx *Context) (State, error) {
	key, err := stateKey(ctx)
	if err != nil {
		return State{}, err
	}
	st, _, err := s.storeFor(ctx).LoadState(ctx, key)
	return st, err
}

// Set records the state of the update's chat and sender.
func (s *States) Set(ctx *Context, name string, data []byte) error {
	key, err := stateKey(ctx)
	if err != nil {
		return err
	}
	var expires time.Time
	if s.ttl > 0 {
		expires = time.Now().Add(s.ttl)
	}
	return s.storeFor(ctx).SaveState(ctx, key, State{Name: name, Data: data}, expires)
}

// Clear forgets the state of the update's chat and sender.
func (s *States) Clear(ctx *Context) error {
	key, err := stateKey(ctx)
	if err != nil {
		return err
	}
	return s.storeFor(ctx).DeleteState(ctx, key)
}

// Is is a filter passing updates whose chat and sender are in one of the states names (""
// for no state). A store error fails the filter and is logged.
func (s *States) Is(names ...string) Filter {
	return func(ctx *Context) bool {
		st, err := s.Get(ctx)
		if err != nil {
			if ctx.Client != nil && err != ErrContextNoChat {
				ctx.Client.Log.Warn("load state", "err", err)
			}
			return false
		}
		return slices.Contains(names, st.Name)
	}
}

// MemoryStates is a StateStore in memory: states are lost when the program ends. Expired
// states are dropped when read and, every so often, when others are saved, so memory stays
// proportional to the live states.
type MemoryStates struct {
	mu      sync.Mutex
	states  map[string]memoryState
	sweepAt int // sweep expired states when the map reaches this size
}

// minSweep is the smallest map size that triggers a sweep.
const minSweep = 16

type memoryState struct {
	st      State
	expires time.Time
}

// NewMemoryStates returns an empty in-memory StateStore.
func NewMemoryStates() *MemoryStates {
	return &MemoryStates{states: map[string]memoryState{}, sweepAt: minSweep}
}

func (m *MemoryStates) expired(s memoryState, now time.Time) bool {
	return !s.expires.IsZero() && !now.Before(s.expires)
}

// LoadState implements StateStore.
func (m *MemoryStates) LoadState(_ context.Context, key string) (State, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.states[key]
	if !ok {
		return State{}, false, nil
	}
	if m.expired(s, time.Now()) {
		delete(m.states, key)
		return State{}, false, nil
	}
	return State{Name: s.st.Name, Data: slices.Clone(s.st.Data)}, true, nil
}

// SaveState implements StateStore.
func (m *MemoryStates) SaveState(_ context.Context, key string, st State, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[key] = memoryState{st: State{Name: st.Name, Data: slices.Clone(st.Data)}, expires: expires}
	// Sweep when the map doubled since the last sweep: amortized constant time per save, and
	// at most twice the live states (plus a few) held.
	if len(m.states) >= m.sweepAt {
		now := time.Now()
		for k, s := range m.states {
			if m.expired(s, now) {
				delete(m.states, k)
			}
		}
		m.sweepAt = max(2*len(m.states), minSweep)
	}
	return nil
}

// DeleteState implements StateStore.
func (m *MemoryStates) DeleteState(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.states, key)
	return nil
}

// Len returns how many states are held, expired ones not yet dropped included.
func (m *MemoryStates) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.states)
}

// DefaultStatesNamespace is the storage record namespace of States created with a nil store.
const DefaultStatesNamespace = "mtgo.states"

// ErrCorruptState reports a stored state that does not decode. It matches storage.ErrCorrupt.
var ErrCorruptState = fmt.Errorf("%w: bad state record", storage.ErrCorrupt)

// NewStorageStates returns a StateStore keeping states as records of st in namespace ns, so
// they last as long as st does: with the bbolt file store, across restarts. A state past its
// expiry reads as none and is deleted then; expired states nobody reads again stay in the
// file until the key is set again or the storage is Reset. A record that does not decode
// gives ErrCorruptState.
func NewStorageStates(st storage.Storage, ns string) StateStore {
	return storageStates{st: st, ns: ns}
}

type storageStates struct {
	st storage.Storage
	ns string
}

// stateVersion is the first byte of a state record: version, expiry (Unix nanoseconds, int64
// big endian, 0: never; see stateExpiry), name length (uvarint), name, data.
const stateVersion = 1

func appendStateRecord(b []byte, st State, expires time.Time) []byte {
	b = append(b, stateVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(stateExpiry(expires)))
	b = binary.AppendUvarint(b, uint64(len(st.Name)))
	b = append(b, st.Name...)
	return append(b, st.Data...)
}

// The first and last times Unix nanoseconds in an int64 reach (1677 and 2262).
var (
	firstNano = time.Unix(0, math.MinInt64)
	lastNano  = time.Unix(0, math.MaxInt64)
)

// stateExpiry is expires as a state record holds it: Unix nanoseconds, 0 for never (the zero
// time). A later time than they reach is held as the last one, an earlier as the first, and
// the Unix epoch itself (0) as a nanosecond before it: each stays in the future or the past
// as the time given was, where UnixNano's answer is undefined or reads as never.
func stateExpiry(expires time.Time) int64 {
	switch {
	case expires.IsZero():
		return 0
	case expires.After(lastNano):
		return math.MaxInt64
	case expires.Before(firstNano):
		return math.MinInt64
	}
	if n := expires.UnixNano(); n != 0 {
		return n
	}
	return -1
}

func decodeStateRecord(b []byte) (st State, expires time.Time, err error) {
	if len(b) < 1+8 || b[0] != stateVersion {
		return State{}, time.Time{}, fmt.Errorf("%w: %d bytes, version %d", ErrCorruptState, len(b), firstByte(b))
	}
	if exp := int64(binary.BigEndian.Uint64(b[1:9])); exp != 0 {
		expires = time.Unix(0, exp)
	}
	rest := b[9:]
	n, size := binary.Uvarint(rest)
	if size <= 0 || n > uint64(len(rest)-size) {
		return State{}, time.Time{}, fmt.Errorf("%w: name length", ErrCorruptState)
	}
	rest = rest[size:]
	st.Name = string(rest[:n])
	if data := rest[n:]; len(data) > 0 {
		st.Data = slices.Clone(data)
	}
	return st, expires, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// LoadState implements StateStore.
func (s storageStates) LoadState(ctx context.Context, key string) (State, bool, error) {
	rec, ok, err := s.st.LoadRecord(ctx, s.ns, key)
	if err != nil || !ok {
		return State{}, false, err
	}
	st, expires, err := decodeStateRecord(rec)
	if err != nil {
		return State{}, false, fmt.Errorf("mtgo: load state %s: %w", key, err)
	}
	if !expires.IsZero() && !time.Now().Before(expires) {
		return State{}, false, s.st.DeleteRecord(ctx, s.ns, key)
	}
	return st, true, nil
}

// SaveState implements StateStore.
func (s storageStates) SaveState(ctx context.Context, key string, st State, expires time.Time) error {
	return s.st.SaveRecord(ctx, s.ns, key, appendStateRecord(nil, st, expires))
}

// DeleteState implements StateStore.
func (s storageStates) DeleteState(ctx context.Context, key string) error {
	return s.st.DeleteRecord(ctx, s.ns, key)
}
