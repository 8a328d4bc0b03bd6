// Package dcs finds the address of a Telegram data center: configured overrides first, then
// the list learned from help.getConfig, then the built-in list. The built-in list only serves
// Telegram itself before the first help.getConfig: once a list of ordinary data centers is
// learned it is the whole truth, and a client configured with its own servers never falls back to Telegram's
// addresses (a test cluster must not make it dial the internet).
package dcs

import (
	"net"
	"strconv"
	"sync"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Built-in data center addresses, used until help.getConfig supplies the current list.
var (
	prodDCs = map[int]string{
		1: "149.154.175.53:443",
		2: "149.154.167.51:443",
		3: "149.154.175.100:443",
		4: "149.154.167.91:443",
		5: "91.108.56.130:443",
	}
	prodDCs6 = map[int]string{
		1: "[2001:b28:f23d:f001::a]:443",
		2: "[2001:67c:4e8:f002::a]:443",
		3: "[2001:b28:f23d:f003::a]:443",
		4: "[2001:67c:4e8:f004::a]:443",
		5: "[2001:b28:f23f:f005::a]:443",
	}
	testDCs = map[int]string{
		1: "149.154.175.10:443",
		2: "149.154.167.40:443",
		3: "149.154.175.117:443",
	}
	testDCs6 = map[int]string{
		1: "[2001:b28:f23d:f001::e]:443",
		2: "[2001:67c:4e8:f002::e]:443",
		3: "[2001:b28:f23d:f003::e]:443",
	}
)

// key selects one list of learned addresses.
type key struct {
	id         int
	media, cdn bool
	ipv6       bool
}

// Table finds the address of a data center. It is safe for concurrent use.
type Table struct {
	test, ipv6 bool

	mu       sync.Mutex
	override map[int]string
	learned  map[key]string
	custom   bool   // configured with its own servers: no built-in fallback
	fixed    string // the one address of every data center not overridden, "" for none
}

// New returns a table for Telegram's test or production data centers, preferring IPv6
// addresses when ipv6 is set; override (copied) wins over everything else.
func New(test, ipv6 bool, override map[int]string) *Table {
	o := make(map[int]string, len(override))
	for dc, addr := range override {
		o[dc] = addr
	}
	return &Table{test: test, ipv6: ipv6, override: o, learned: map[key]string{}, custom: len(o) > 0}
}

// learnedOrdinary reports whether the learned list names any ordinary (non-CDN) data center:
// then it is the whole list, and the built-in one no longer applies. Call with t.mu held.
func (t *Table) learnedOrdinary() bool {
	for k := range t.learned {
		if !k.cdn {
			return true
		}
	}
	return false
}

// Learn records the options of help.getConfig, keeping the first address of each kind. A list
// without a usable address leaves the table as it was.
func (t *Table) Learn(opts []tg.DCOption) {
	fresh := make(map[key]string, len(opts))
	for _, o := range opts {
		if o.TcpoOnly || o.ID <= 0 || o.Port <= 0 || o.Port > 65535 || net.ParseIP(o.IPAddress) == nil {
			continue
		}
		k := key{id: int(o.ID), media: o.MediaOnly, cdn: o.Cdn, ipv6: o.IPv6}
		if _, ok := fresh[k]; !ok {
			fresh[k] = net.JoinHostPort(o.IPAddress, strconv.Itoa(int(o.Port)))
		}
	}
	if len(fresh) == 0 {
		return
	}
	t.mu.Lock()
	t.learned = fresh
	t.mu.Unlock()
}

// Override makes dc reachable at addr unless an override for it exists already.
func (t *Table) Override(dc int, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.override[dc]; !ok {
		t.override[dc] = addr
	}
}

// SetFixed makes every data center without an override reachable at addr ("" undoes it).
func (t *Table) SetFixed(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fixed = addr
}

// Known reports whether dc has an address.
func (t *Table) Known(dc int) bool {
	_, ok := t.Addr(dc, false, false)
	return ok
}

// Addr returns the address to reach dc for ordinary, media or CDN traffic.
func (t *Table) Addr(dc int, media, cdn bool) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.override[dc]; ok {
		return a, true
	}
	if t.fixed != "" && dc > 0 {
		return t.fixed, true
	}
	families := []bool{t.ipv6, !t.ipv6}
	if cdn {
		for _, v6 := range families {
			if a, ok := t.learned[key{id: dc, cdn: true, ipv6: v6}]; ok {
				return a, true
			}
		}
		return "", false
	}
	for _, v6 := range families {
		if media {
			if a, ok := t.learned[key{id: dc, media: true, ipv6: v6}]; ok {
				return a, true
			}
		}
		if a, ok := t.learned[key{id: dc, ipv6: v6}]; ok {
			return a, true
		}
	}
	if t.custom || t.learnedOrdinary() {
		return "", false
	}
	builtin := prodDCs
	switch {
	case t.test && t.ipv6:
		builtin = testDCs6
	case t.test:
		builtin = testDCs
	case t.ipv6:
		builtin = prodDCs6
	}
	a, ok := builtin[dc]
	return a, ok
}
