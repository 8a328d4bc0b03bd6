package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// DH check errors, one per rule of Telegram's security guidelines.
var (
	// ErrDHPrimeSize reports a dh_prime that is not exactly 2048 bits.
	ErrDHPrimeSize = errors.New("crypto: dh_prime is not a 2048-bit number")
	// ErrDHPrimeNotPrime reports a dh_prime that is composite.
	ErrDHPrimeNotPrime = errors.New("crypto: dh_prime is not prime")
	// ErrDHPrimeNotSafe reports a dh_prime p for which (p-1)/2 is composite.
	ErrDHPrimeNotSafe = errors.New("crypto: dh_prime is not a safe prime")
	// ErrDHGenerator reports a g outside 2..7.
	ErrDHGenerator = errors.New("crypto: g is not in 2..7")
	// ErrDHSubgroup reports a g that does not generate the subgroup of order (p-1)/2 for p.
	ErrDHSubgroup = errors.New("crypto: g does not generate the prime-order subgroup")
	// ErrDHPublicRange reports a g_a or g_b outside 1 < x < p-1.
	ErrDHPublicRange = errors.New("crypto: DH public value out of range")
	// ErrDHPublicUnsafe reports a g_a or g_b within 2^(2048-64) of 0 or p.
	ErrDHPublicUnsafe = errors.New("crypto: DH public value too close to 0 or p")
)

// KnownDHPrime is the 2048-bit safe prime Telegram publishes in its security guidelines; it is
// accepted without a primality test. It is shared: read it (Cmp, FillBytes, Bytes), never modify
// it; copy with new(big.Int).Set first.
var KnownDHPrime = mustHexInt("" +
	"C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F" +
	"48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37" +
	"20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64" +
	"2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4" +
	"A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754" +
	"FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4" +
	"E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F" +
	"0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B")

func mustHexInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("crypto: bad constant " + s)
	}
	return v
}

// millerRabinRounds is the number of random-base rounds on top of the Baillie-PSW test that
// big.Int.ProbablyPrime always performs.
const millerRabinRounds = 20

// primeCache remembers 2048-bit primes that passed CheckDHPrime, so a server that sends the
// same prime every time costs one test per process. It is bounded: Telegram uses one prime.
var primeCache = struct {
	sync.Mutex
	good [][]byte
}{good: [][]byte{KnownDHPrime.Bytes()}}

const primeCacheSize = 16

// CheckDHPrime verifies that p is a 2048-bit safe prime (p and (p-1)/2 both prime). The
// published prime and primes verified before are accepted from a cache.
func CheckDHPrime(p *big.Int) error {
	if p == nil || p.Sign() <= 0 || p.BitLen() != 2048 {
		return fmt.Errorf("check dh_prime: %w", ErrDHPrimeSize)
	}
	pb := p.Bytes()
	primeCache.Lock()
	for _, g := range primeCache.good {
		if bytes.Equal(g, pb) {
			primeCache.Unlock()
			return nil
		}
	}
	primeCache.Unlock()

	if !p.ProbablyPrime(millerRabinRounds) {
		return fmt.Errorf("check dh_prime: %w", ErrDHPrimeNotPrime)
	}
	q := new(big.Int).Rsh(p, 1) // (p-1)/2 for odd p
	if !q.ProbablyPrime(millerRabinRounds) {
		return fmt.Errorf("check dh_prime: %w", ErrDHPrimeNotSafe)
	}

	primeCache.Lock()
	if len(primeCache.good) >= primeCacheSize {
		// Keep the published prime in slot 0; drop the oldest learned one.
		primeCache.good = append(primeCache.good[:1], primeCache.good[2:]...)
	}
	primeCache.good = append(primeCache.good, pb)
	primeCache.Unlock()
	return nil
}

// CheckDHGroup verifies that g is in 2..7 and, for the safe prime p, generates the cyclic
// subgroup of prime order (p-1)/2, which holds exactly when g is a quadratic residue mod p:
//
//	g = 2: p mod 8 = 7
//	g = 3: p mod 3 = 2
//	g = 4: always
//	g = 5: p mod 5 = 1 or 4
//	g = 6: p mod 24 = 19 or 23
//	g = 7: p mod 7 = 3, 5 or 6
//
// It does not test p itself; call CheckDHPrime for that.
func CheckDHGroup(g int, p *big.Int) error {
	if g < 2 || g > 7 {
		return fmt.Errorf("check dh group: %w (g = %d)", ErrDHGenerator, g)
	}
	if p == nil || p.Sign() <= 0 {
		return fmt.Errorf("check dh group: %w", ErrDHPrimeSize)
	}
	mod := func(m int64) int64 {
		return new(big.Int).Mod(p, big.NewInt(m)).Int64()
	}
	var ok bool
	switch g {
	case 2:
		ok = mod(8) == 7
	case 3:
		ok = mod(3) == 2
	case 4:
		ok = true
	case 5:
		r := mod(5)
		ok = r == 1 || r == 4
	case 6:
		r := mod(24)
		ok = r == 19 || r == 23
	case 7:
		r := mod(7)
		ok = r == 3 || r == 5 || r == 6
	}
	if !ok {
		return fmt.Errorf("check dh group: %w (g = %d)", ErrDHSubgroup, g)
	}
	return nil
}

// dhSafetyMargin is 2^(2048-64).
var dhSafetyMargin = new(big.Int).Lsh(big.NewInt(1), 2048-64)

// CheckDHPublic verifies a DH public value x (g_a from the server or g_b from the client)
// against the prime p: 1 < x < p-1 (ErrDHPublicRange) and 2^(2048-64) < x < p - 2^(2048-64)
// (ErrDHPublicUnsafe).
func CheckDHPublic(x, p *big.Int) error {
	if x == nil || p == nil {
		return fmt.Errorf("check dh public: %w", ErrDHPublicRange)
	}
	one := big.NewInt(1)
	pMinus1 := new(big.Int).Sub(p, one)
	if x.Cmp(one) <= 0 || x.Cmp(pMinus1) >= 0 {
		return fmt.Errorf("check dh public: %w", ErrDHPublicRange)
	}
	upper := new(big.Int).Sub(p, dhSafetyMargin)
	if x.Cmp(dhSafetyMargin) <= 0 || x.Cmp(upper) >= 0 {
		return fmt.Errorf("check dh public: %w", ErrDHPublicUnsafe)
	}
	return nil
}
