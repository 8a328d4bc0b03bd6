package crypto

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// rfc3526Prime is the 2048-bit MODP group 14 prime from RFC 3526: an independent, well-known
// 2048-bit safe prime for which g = 2 generates the prime-order subgroup.
var rfc3526Prime = mustHexInt("" +
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74" +
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437" +
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05" +
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB" +
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718" +
	"3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF")

func TestCheckDHPrime(t *testing.T) {
	if err := CheckDHPrime(KnownDHPrime); err != nil {
		t.Fatalf("published prime: %v", err)
	}
	notSafe, err := rand.Prime(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	one := big.NewInt(1)
	tests := []struct {
		name string
		p    *big.Int
		want error
	}{
		{"nil", nil, ErrDHPrimeSize},
		{"zero", new(big.Int), ErrDHPrimeSize},
		{"negative", new(big.Int).Neg(KnownDHPrime), ErrDHPrimeSize},
		{"2047 bits", new(big.Int).Rsh(KnownDHPrime, 1), ErrDHPrimeSize},
		{"2049 bits", new(big.Int).Lsh(KnownDHPrime, 1), ErrDHPrimeSize},
		{"even", new(big.Int).Add(KnownDHPrime, one), ErrDHPrimeNotPrime},
		{"2^2047+1 (divisible by 3)", new(big.Int).Add(new(big.Int).Lsh(one, 2047), one), ErrDHPrimeNotPrime},
		{"prime but not safe", notSafe, ErrDHPrimeNotSafe},
		{"RFC 3526 group 14", rfc3526Prime, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.p != nil && tt.want != ErrDHPrimeSize && tt.p.BitLen() != 2048 {
				t.Fatalf("test value has %d bits", tt.p.BitLen())
			}
			err := CheckDHPrime(tt.p)
			if tt.want == nil && err != nil || tt.want != nil && !errorIs(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// The verified RFC prime is now cached; the rejected ones are not.
	cached := func(p *big.Int) bool {
		primeCache.Lock()
		defer primeCache.Unlock()
		for _, g := range primeCache.good {
			if new(big.Int).SetBytes(g).Cmp(p) == 0 {
				return true
			}
		}
		return false
	}
	if !cached(rfc3526Prime) || cached(notSafe) {
		t.Fatal("cache holds the wrong primes")
	}
}

// TestCheckDHGroupEuler checks the residue rules against Euler's criterion: for a safe prime p,
// g generates the subgroup of order (p-1)/2 exactly when g^((p-1)/2) = 1 mod p. It runs over
// every safe prime below 20000 and the two 2048-bit primes.
func TestCheckDHGroupEuler(t *testing.T) {
	primes := []*big.Int{KnownDHPrime, rfc3526Prime}
	for p := int64(11); p < 20000; p += 2 {
		bp := big.NewInt(p)
		if bp.ProbablyPrime(10) && big.NewInt((p-1)/2).ProbablyPrime(10) {
			primes = append(primes, bp)
		}
	}
	if len(primes) < 50 {
		t.Fatalf("only %d primes", len(primes))
	}
	for _, p := range primes {
		q := new(big.Int).Rsh(p, 1)
		for g := 2; g <= 7; g++ {
			qr := new(big.Int).Exp(big.NewInt(int64(g)), q, p).Cmp(big.NewInt(1)) == 0
			err := CheckDHGroup(g, p)
			if qr != (err == nil) {
				t.Fatalf("p = %v, g = %d: Euler says residue = %v, CheckDHGroup = %v", p, g, qr, err)
			}
			if err != nil && !errorIs(err, ErrDHSubgroup) {
				t.Fatalf("p = %v, g = %d: %v, want ErrDHSubgroup", p, g, err)
			}
		}
	}
	// The sample's g = 2 fails: its prime is 3 mod 8. RFC 3526's prime is 7 mod 8.
	if err := CheckDHGroup(2, KnownDHPrime); !errorIs(err, ErrDHSubgroup) {
		t.Errorf("g = 2 with the sample prime: %v", err)
	}
	if err := CheckDHGroup(2, rfc3526Prime); err != nil {
		t.Errorf("g = 2 with RFC 3526: %v", err)
	}
}

func TestCheckDHGroupRange(t *testing.T) {
	for _, g := range []int{-1, 0, 1, 8, 256} {
		if err := CheckDHGroup(g, rfc3526Prime); !errorIs(err, ErrDHGenerator) {
			t.Errorf("g = %d: %v, want ErrDHGenerator", g, err)
		}
	}
	if err := CheckDHGroup(4, nil); err == nil {
		t.Error("nil p accepted")
	}
}

func TestCheckDHPublic(t *testing.T) {
	p := KnownDHPrime
	one := big.NewInt(1)
	margin := new(big.Int).Lsh(one, 2048-64)
	add := func(a *big.Int, d int64) *big.Int { return new(big.Int).Add(a, big.NewInt(d)) }
	upper := new(big.Int).Sub(p, margin)
	tests := []struct {
		name string
		x    *big.Int
		want error
	}{
		{"nil", nil, ErrDHPublicRange},
		{"negative", big.NewInt(-5), ErrDHPublicRange},
		{"zero", new(big.Int), ErrDHPublicRange},
		{"one", one, ErrDHPublicRange},
		{"two", big.NewInt(2), ErrDHPublicUnsafe},
		{"p-2", add(p, -2), ErrDHPublicUnsafe},
		{"p-1", add(p, -1), ErrDHPublicRange},
		{"p", p, ErrDHPublicRange},
		{"p+1", add(p, 1), ErrDHPublicRange},
		{"2^1984", margin, ErrDHPublicUnsafe},
		{"2^1984+1", add(margin, 1), nil},
		{"p-2^1984-1", add(upper, -1), nil},
		{"p-2^1984", upper, ErrDHPublicUnsafe},
		{"middle", new(big.Int).Rsh(p, 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDHPublic(tt.x, p)
			if tt.want == nil && err != nil || tt.want != nil && !errorIs(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if err := CheckDHPublic(big.NewInt(5), nil); err == nil {
		t.Error("nil p accepted")
	}
}

func BenchmarkCheckDHPrime(b *testing.B) {
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if err := CheckDHPrime(KnownDHPrime); err != nil {
				b.Fatal(err)
			}
		}
	})
}
