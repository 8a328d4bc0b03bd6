package mtgo

import (
	"net"
	"strconv"

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

// dcKey selects one list of learned addresses.
type dcKey struct {
	id         int
	media, cdn bool
	ipv6       bool
}

// dcTable finds the address of a data center: Config.DCAddrs first (custom servers), then the
// list learned from help.getConfig, then the built-in list. It is guarded by Client.mu.
type dcTable struct {
	test, ipv6 bool
	override   map[int]string
	learned    map[dcKey]string
}

func newDCTable(cfg Config) dcTable {
	override := make(map[int]string, len(cfg.DCAddrs))
	for dc, addr := range cfg.DCAddrs {
		override[dc] = addr
	}
	return dcTable{test: cfg.TestMode, ipv6: cfg.IPv6, override: override, learned: map[dcKey]string{}}
}

// learn records the options of help.getConfig, keeping the first address of each kind.
func (t *dcTable) learn(opts []tg.DCOption) {
	fresh := make(map[dcKey]string, len(opts))
	for _, o := range opts {
		if o.TcpoOnly || o.ID <= 0 || o.Port <= 0 || o.Port > 65535 || net.ParseIP(o.IPAddress) == nil {
			continue
		}
		k := dcKey{id: int(o.ID), media: o.MediaOnly, cdn: o.Cdn, ipv6: o.IPv6}
		if _, ok := fresh[k]; !ok {
			fresh[k] = net.JoinHostPort(o.IPAddress, strconv.Itoa(int(o.Port)))
		}
	}
	if len(fresh) > 0 {
		t.learned = fresh
	}
}

// known reports whether dc has an address.
func (t *dcTable) known(dc int) bool {
	_, ok := t.addr(dc, false, false)
	return ok
}

// addr returns the address to reach dc for ordinary, media or CDN traffic.
func (t *dcTable) addr(dc int, media, cdn bool) (string, bool) {
	if a, ok := t.override[dc]; ok {
		return a, true
	}
	families := []bool{t.ipv6, !t.ipv6}
	if cdn {
		for _, v6 := range families {
			if a, ok := t.learned[dcKey{id: dc, cdn: true, ipv6: v6}]; ok {
				return a, true
			}
		}
		return "", false
	}
	for _, v6 := range families {
		if media {
			if a, ok := t.learned[dcKey{id: dc, media: true, ipv6: v6}]; ok {
				return a, true
			}
		}
		if a, ok := t.learned[dcKey{id: dc, ipv6: v6}]; ok {
			return a, true
		}
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
