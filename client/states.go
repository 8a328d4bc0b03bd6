package mtgo

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
)

// StateStore keeps the states of States. MemoryStates is the default; a store that writes to
// disk makes states survive a restart.
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
//	form := mtgo.NewStates(nil, time.Hour)
//	c.OnMessage(askName, filters.Command("register"))            // form.Set(ctx, "name", nil)
//	c.OnMessage(gotName, form.Is("name"), filters.Text)          // form.Set(ctx, "age", name)
//	c.OnMessage(gotAge, form.Is("age"), filters.Regex(regexp.MustCompile(`^\d+$`))) // form.Clear(ctx)
type States struct {
	store StateStore
	ttl   time.Duration
}

// NewStates returns a state helper over store (nil: a new MemoryStates) whose states expire
// ttl after their last Set (0: never).
func NewStates(store StateStore, ttl time.Duration) *States {
	if store == nil {
		store = NewMemoryStates()
	}
	return &States{store: store, ttl: ttl}
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
	return strconv.FormatInt(chat, 10) + ":" + strconv.FormatInt(user, 10), nil
}

// Get returns the state of the update's chat and sender; the zero State when none.
func (s *States) Get(ctx *Context) (State, error) {
	key, err := stateKey(ctx)
	if err != nil {
		return State{}, err
	}
	st, _, err := s.store.LoadState(ctx, key)
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
	return s.store.SaveState(ctx, key, State{Name: name, Data: data}, expires)
}

// Clear forgets the state of the update's chat and sender.
func (s *States) Clear(ctx *Context) error {
	key, err := stateKey(ctx)
	if err != nil {
		return err
	}
	return s.store.DeleteState(ctx, key)
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
