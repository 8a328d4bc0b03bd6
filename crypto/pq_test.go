package crypto

import (
	"encoding/binary"
	"math/big"
	"testing"
)

// randomPrime returns a prime of the given bit size from r.
func randomPrime(t testing.TB, r *big.Int, bits uint) uint64 {
	t.Helper()
	x := new(big.Int).Set(r)
	x.SetBit(x, int(bits-1), 1)
	for !x.ProbablyPrime(20) {
		x.Add(x, big.NewInt(1))
	}
	return x.Uint64()
}

func TestFactorizeProducts(t *testing.T) {
	rd := NewDeterministicReader(30)
	for i := range 300 {
		bitsP := uint(20 + i%13) // 20..32 bits, the way Telegram's pq is built
		bitsQ := uint(31 + i%2)
		a := new(big.Int).SetUint64(binary.LittleEndian.Uint64(randBytes(t, rd, 8)) >> (64 - bitsP))
		b := new(big.Int).SetUint64(binary.LittleEndian.Uint64(randBytes(t, rd, 8)) >> (64 - bitsQ))
		p0, q0 := randomPrime(t, a, bitsP), randomPrime(t, b, bitsQ)
		if p0 > q0 {
			p0, q0 = q0, p0
		}
		p, q, err := Factorize(p0 * q0)
		if err != nil || p != p0 || q != q0 {
			t.Fatalf("Factorize(%d*%d) = %d, %d, %v", p0, q0, p, q, err)
		}
	}
}

func TestFactorizeEdges(t *testing.T) {
	tests := []struct {
		pq   uint64
		p, q uint64
		ok   bool
	}{
		{0, 0, 0, false},
		{1, 0, 0, false},
		{2, 0, 0, false},
		{3, 0, 0, false},
		{4, 2, 2, true},
		{6, 2, 3, true},
		{9, 3, 3, true},
		{15, 3, 5, true},
		{1 << 62, 2, 1 << 61, true},
		{2 * 4611686018427387847, 2, 4611686018427387847, true}, // 2 * prime near 2^62
		{4294967291 * 4294967279, 4294967279, 4294967291, true}, // two largest 32-bit primes
		{65521 * 65521, 65521, 65521, true},                     // a square
		{18446744073709551557, 0, 0, false},                     // the largest 64-bit prime
		{4294967291, 0, 0, false},                               // a 32-bit prime
	}
	for _, tt := range tests {
		p, q, err := Factorize(tt.pq)
		if tt.ok != (err == nil) || p != tt.p || q != tt.q {
			t.Errorf("Factorize(%d) = %d, %d, %v; want %d, %d (ok %v)", tt.pq, p, q, err, tt.p, tt.q, tt.ok)
		}
		if err != nil && !errorIs(err, ErrFactorize) {
			t.Errorf("Factorize(%d): %v is not ErrFactorize", tt.pq, err)
		}
	}
}

// TestFactorizeComposite checks that products of more than two primes still split correctly.
func TestFactorizeComposite(t *testing.T) {
	for _, pq := range []uint64{3 * 5 * 7 * 11 * 13 * 17 * 19 * 23, 1000003 * 1000033 * 1000037, 999999999999999989 * 3} {
		p, q, err := Factorize(pq)
		if err != nil || p < 2 || q < 2 || p*q != pq || p > q {
			t.Errorf("Factorize(%d) = %d, %d, %v", pq, p, q, err)
		}
	}
}

func TestMontgomery(t *testing.T) {
	rd := NewDeterministicReader(31)
	for range 2000 {
		n := binary.LittleEndian.Uint64(randBytes(t, rd, 8)) | 1
		if n == 1 {
			continue
		}
		a := binary.LittleEndian.Uint64(randBytes(t, rd, 8)) % n
		b := binary.LittleEndian.Uint64(randBytes(t, rd, 8)) % n
		// mul(a, b) = a*b*R^-1 mod n, so mul(a, b)*R = a*b mod n.
		got := new(big.Int).SetUint64(newMontgomery(n).mul(a, b))
		got.Lsh(got, 64)
		bn := new(big.Int).SetUint64(n)
		got.Mod(got, bn)
		want := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
		want.Mod(want, bn)
		if got.Cmp(want) != 0 {
			t.Fatalf("n=%d a=%d b=%d: mont mul wrong", n, a, b)
		}
	}
	for _, tc := range [][3]uint64{{0, 5, 5}, {12, 18, 6}, {1 << 40, 3 << 20, 1 << 20}, {17, 13, 1}, {0, 0, 0}} {
		if g := gcd(tc[0], tc[1]); g != tc[2] {
			t.Errorf("gcd(%d, %d) = %d, want %d", tc[0], tc[1], g, tc[2])
		}
	}
}

func TestIsPrime64(t *testing.T) {
	for n := uint64(0); n < 5000; n++ {
		want := big.NewInt(int64(n)).ProbablyPrime(0)
		if isPrime64(n) != want {
			t.Fatalf("isPrime64(%d) = %v", n, !want)
		}
	}
	// Strong pseudoprimes to several small bases.
	for _, n := range []uint64{3215031751, 2152302898747, 3474749660383, 341550071728321, 3825123056546413051} {
		if isPrime64(n) {
			t.Errorf("isPrime64(%d) = true for a composite", n)
		}
	}
}

func FuzzFactorize(f *testing.F) {
	f.Add(uint64(0x17ED48941A08F981))
	f.Add(uint64(4))
	f.Add(uint64(18446744073709551557))
	f.Fuzz(func(t *testing.T, pq uint64) {
		p, q, err := Factorize(pq)
		if err != nil {
			if pq >= 4 && !isPrime64(pq) {
				t.Fatalf("Factorize(%d) failed on a composite: %v", pq, err)
			}
			return
		}
		if p < 2 || q < 2 || p > q {
			t.Fatalf("Factorize(%d) = %d, %d", pq, p, q)
		}
		if hi, lo := mul64(p, q); hi != 0 || lo != pq {
			t.Fatalf("Factorize(%d) = %d, %d: product differs", pq, p, q)
		}
	})
}

func mul64(a, b uint64) (uint64, uint64) {
	x := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
	return new(big.Int).Rsh(x, 64).Uint64(), x.Uint64()
}

// BenchmarkFactorize runs Pollard-Brent on the sample's pq and on a fresh 63-bit product of
// two 32-bit-ish primes.
func BenchmarkFactorize(b *testing.B) {
	for _, tc := range []struct {
		name string
		pq   uint64
	}{
		{"sample", 0x17ED48941A08F981},
		{"63bit", 4294967279 * 2147483647},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Factorize(tc.pq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
