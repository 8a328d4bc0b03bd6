package mtp

import (
	"cmp"
	"slices"
	"time"
)

// Salt is one server salt and the server-time interval in which it is valid.
type Salt struct {
	ValidSince time.Time
	ValidUntil time.Time
	Salt       int64
}

// maxFutureSalts is the most future salts a saltSet keeps: the most get_future_salts asks for
// (num is at most 64). Past it the salts valid latest are dropped; they are fetched again in time.
const maxFutureSalts = 64

// saltSet holds the current salt and the future salts announced by the server.
type saltSet struct {
	current int64
	future  []Salt // sorted by ValidSince, then Salt; at most maxFutureSalts
}

// set replaces the current salt (from the key exchange, bad_server_salt or
// new_session_created).
func (s *saltSet) set(salt int64) { s.current = salt }

// add merges salts announced in future_salts, dropping duplicates and keeping the
// maxFutureSalts that become valid first. It costs O(n log n) for n salts, however many a
// server announces.
func (s *saltSet) add(salts []Salt) {
	s.future = append(s.future, salts...)
	slices.SortFunc(s.future, func(a, b Salt) int {
		return cmp.Or(a.ValidSince.Compare(b.ValidSince), cmp.Compare(a.Salt, b.Salt))
	})
	s.future = slices.CompactFunc(s.future, func(a, b Salt) bool {
		return a.Salt == b.Salt && a.ValidSince.Equal(b.ValidSince)
	})
	if len(s.future) > maxFutureSalts {
		// Copy the kept salts out of a large array rather than pin it.
		s.future = append([]Salt(nil), s.future[:maxFutureSalts]...)
	}
}

// at returns the salt to use at server time now: the latest announced salt valid at now, or
// the current one. It drops nothing (see prune): now is an estimate.
func (s *saltSet) at(now time.Time) int64 {
	for i := len(s.future) - 1; i >= 0; i-- {
		if f := s.future[i]; !now.Before(f.ValidSince) && now.Before(f.ValidUntil) {
			s.current = f.Salt
			break
		}
	}
	return s.current
}

// prune drops the salts expired at server time now, wherever a server's odd intervals put
// them in the list.
func (s *saltSet) prune(now time.Time) {
	s.future = slices.DeleteFunc(s.future, func(f Salt) bool { return !now.Before(f.ValidUntil) })
}

// coveredUntil returns the end of the last announced salt's validity, zero if none is known.
func (s *saltSet) coveredUntil() time.Time {
	if len(s.future) == 0 {
		return time.Time{}
	}
	return s.future[len(s.future)-1].ValidUntil
}

// valid reports whether salt is the current salt or an announced one valid at now (server
// side check).
func (s *saltSet) valid(salt int64, now time.Time) bool {
	if salt == s.current {
		return true
	}
	for _, f := range s.future {
		if f.Salt == salt && !now.Before(f.ValidSince) && now.Before(f.ValidUntil) {
			return true
		}
	}
	return false
}
