package crypto

import (
	"errors"
	"fmt"
	"math/bits"
)

// ErrFactorize reports a pq that is not a product of two factors greater than one.
var ErrFactorize = errors.New("crypto: cannot factorize pq")

// Factorize splits pq (the product of two primes that resPQ carries) into p <= q with
// Pollard's rho in Brent's variant. It returns ErrFactorize for values below 4, primes, and when
// its bounded search finds nothing; it never loops forever.
func Factorize(pq uint64) (p, q uint64, err error) {
	if pq < 4 {
		return 0, 0, fmt.Errorf("factorize %d: %w", pq, ErrFactorize)
	}
	if pq%2 == 0 {
		return order(2, pq/2)
	}
	if isPrime64(pq) {
		return 0, 0, fmt.Errorf("factorize %d: %w (prime)", pq, ErrFactorize)
	}
	for c := uint64(1); c <= 32; c++ {
		if d := brent(pq, 2, c); d != 0 {
			return order(d, pq/d)
		}
	}
	return 0, 0, fmt.Errorf("factorize %d: %w (search exhausted)", pq, ErrFactorize)
}

func order(a, b uint64) (uint64, uint64, error) {
	if a > b {
		a, b = b, a
	}
	return a, b, nil
}

// mulMod returns a*b mod n for a, b < n.
func mulMod(a, b, n uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi, lo, n)
	return r
}

// powMod returns a^e mod n for a < n.
func powMod(a, e, n uint64) uint64 {
	r := uint64(1) % n
	for e > 0 {
		if e&1 == 1 {
			r = mulMod(r, a, n)
		}
		a = mulMod(a, a, n)
		e >>= 1
	}
	return r
}

// gcd is Stein's binary algorithm: shifts and subtractions instead of divisions.
func gcd(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

// isPrime64 is a deterministic Miller-Rabin test for 64-bit n (the first twelve prime bases
// suffice below 3.3e24).
func isPrime64(n uint64) bool {
	if n < 2 {
		return false
	}
	bases := [...]uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}
	for _, p := range bases {
		if n%p == 0 {
			return n == p
		}
	}
	d, s := n-1, 0
	for d%2 == 0 {
		d /= 2
		s++
	}
next:
	for _, a := range bases {
		x := powMod(a, d, n)
		if x == 1 || x == n-1 {
			continue
		}
		for range s - 1 {
			x = mulMod(x, x, n)
			if x == n-1 {
				continue next
			}
		}
		return false
	}
	return true
}

// montgomery is arithmetic modulo an odd n in Montgomery form (R = 2^64): a product costs two
// 64x64 multiplications and no division, which is what makes rho fast.
type montgomery struct {
	n    uint64
	ninv uint64 // -n^-1 mod 2^64
}

func newMontgomery(n uint64) montgomery {
	inv := n // correct to 3 bits for odd n; each Newton step doubles that
	for range 5 {
		inv *= 2 - n*inv
	}
	return montgomery{n: n, ninv: -inv}
}

// mul returns a*b/R mod n for a, b < n.
func (m montgomery) mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q := lo * m.ninv
	mh, ml := bits.Mul64(q, m.n)
	_, c := bits.Add64(lo, ml, 0) // lo + ml is 0 mod 2^64; only its carry matters
	t, c2 := bits.Add64(hi, mh, c)
	if c2 != 0 || t >= m.n {
		t -= m.n
	}
	return t
}

// brent runs one Pollard-Brent search with f(y) = y^2 + c (in Montgomery form) from y0 and
// returns a non-trivial factor of the odd n, or 0 if this (y0, c) pair failed. Products of
// |x-y| are accumulated m at a time so a gcd is needed only once per batch.
func brent(n, y0, c uint64) uint64 {
	const m = 128
	const maxSteps = 1 << 26
	mt := newMontgomery(n)
	f := func(y uint64) uint64 {
		y = mt.mul(y, y) + c
		if y >= n || y < c { // y < c catches the carry out of 64 bits
			y -= n
		}
		return y
	}
	y, x, ys := y0%n, uint64(0), uint64(0)
	g, r, qq := uint64(1), uint64(1), uint64(1)
	steps := 0
	for g == 1 {
		x = y
		for range r {
			y = f(y)
		}
		for k := uint64(0); k < r && g == 1; k += m {
			ys = y
			for i := uint64(0); i < min(m, r-k); i++ {
				y = f(y)
				qq = mt.mul(qq, absDiff(x, y))
			}
			g = gcd(qq, n)
			steps += m
		}
		r *= 2
		if steps > maxSteps {
			return 0
		}
	}
	if g == n {
		// The batch overshot: walk it again one step at a time.
		for range m {
			ys = f(ys)
			if g = gcd(absDiff(x, ys), n); g > 1 {
				break
			}
		}
	}
	if g == n || g == 1 {
		return 0
	}
	return g
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}
