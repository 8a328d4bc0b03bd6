// Package srp implements Telegram's two-step-verification proof,
// passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow, on both sides: the client
// computes the inputCheckPasswordSRP values (A, M1) from the password and the server's account.password
// parameters; the server (the MTGo test server) derives the verifier v from a password, offers
// srp_B and checks a client's (A, M1).
//
// With H = SHA-256, SH(d, s) = H(s | d | s) and numbers padded big-endian to 256 bytes:
//
//	PH1 = SH(SH(password, salt1), salt2)
//	x   = SH(PBKDF2-HMAC-SHA512(PH1, salt1, 100000 iterations, 64 bytes), salt2)
//	v   = g^x mod p;  k = H(p | g);  u = H(A | B)
//	client: A = g^a, S = (B - k*v)^(a + u*x) mod p
//	server: B = k*v + g^b, S = (A * v^u)^b mod p
//	M1  = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | H(S))
package srp

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/mtgo-labs/mtgo/crypto"
)

// Errors.
var (
	// ErrParams reports missing salts or a p that is not 256 bytes.
	ErrParams = errors.New("srp: invalid parameters")
	// ErrBadProof reports an (A, M1) pair that does not match the verifier.
	ErrBadProof = errors.New("srp: password proof does not match")
	// ErrZeroU reports the degenerate case u = 0.
	ErrZeroU = errors.New("srp: u is zero")
)

// Iterations is the PBKDF2 iteration count the algorithm fixes.
const Iterations = 100000

// size is the byte length of p and of every padded number.
const size = 256

// Params are the algorithm's parameters as account.password delivers them
// (passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow).
type Params struct {
	// Salt1 and Salt2 are the two salts; the client-side salt1 already includes the server's
	// random suffix.
	Salt1, Salt2 []byte
	// G is the generator.
	G int
	// P is the 2048-bit safe prime, big-endian, 256 bytes.
	P []byte
}

// Answer holds the values of inputCheckPasswordSRP besides srp_id.
type Answer struct {
	// A is g^a mod p, 256 bytes.
	A []byte
	// M1 is the 32-byte proof.
	M1 []byte
}

// group is the checked (p, g) pair with the values every step needs.
type group struct {
	p, g   *big.Int
	pBytes []byte
	gBytes []byte
	k      *big.Int
	// exp is modular exponentiation, (*big.Int).Exp; the fuzz target swaps in a cheap stand-in
	// so its inputs reach the checks around the exponentiations thousands of times a second.
	exp func(z, x, y, m *big.Int) *big.Int
}

// pow returns x^y mod p.
func (gr *group) pow(x, y *big.Int) *big.Int { return gr.exp(new(big.Int), x, y, gr.p) }

func newGroup(par Params) (*group, error) {
	if len(par.P) != size || len(par.Salt1) == 0 || len(par.Salt2) == 0 {
		return nil, fmt.Errorf("srp: %w", ErrParams)
	}
	p := new(big.Int).SetBytes(par.P)
	if err := crypto.CheckDHPrime(p); err != nil {
		return nil, fmt.Errorf("srp: %w", err)
	}
	if err := crypto.CheckDHGroup(par.G, p); err != nil {
		return nil, fmt.Errorf("srp: %w", err)
	}
	g := big.NewInt(int64(par.G))
	gr := &group{p: p, g: g, pBytes: par.P, gBytes: pad(g), exp: (*big.Int).Exp}
	gr.k = new(big.Int).SetBytes(hash(gr.pBytes, gr.gBytes))
	return gr, nil
}

func hash(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func saltHash(data, salt []byte) []byte {
	return hash(salt, data, salt)
}

func pad(x *big.Int) []byte {
	out := make([]byte, size)
	x.FillBytes(out)
	return out
}

// PasswordHash returns x, the 32-byte password hash PH2 of the algorithm.
func PasswordHash(password []byte, par Params) ([]byte, error) {
	if len(par.Salt1) == 0 || len(par.Salt2) == 0 {
		return nil, fmt.Errorf("srp: %w", ErrParams)
	}
	ph1 := saltHash(saltHash(password, par.Salt1), par.Salt2)
	dk, err := pbkdf2.Key(sha512.New, string(ph1), par.Salt1, Iterations, sha512.Size)
	if err != nil {
		return nil, fmt.Errorf("srp: pbkdf2: %w", err)
	}
	return saltHash(dk, par.Salt2), nil
}

// Verifier returns v = g^x mod p (256 bytes): the new_password_hash a client sends when it sets
// a password, and what the server stores to check proofs.
func Verifier(password []byte, par Params) ([]byte, error) {
	gr, err := newGroup(par)
	if err != nil {
		return nil, err
	}
	x, err := PasswordHash(password, par)
	if err != nil {
		return nil, err
	}
	return pad(gr.pow(gr.g, new(big.Int).SetBytes(x))), nil
}

// Check computes the client's proof for password against the server's srp_B, drawing the
// 2048-bit secret a from rnd. It checks p (safe prime), g (2..7 and subgroup) and B (range
// rules of crypto.CheckDHPublic).
func Check(password []byte, par Params, srpB []byte, rnd io.Reader) (Answer, error) {
	gr, err := newGroup(par)
	if err != nil {
		return Answer{}, err
	}
	if err := gr.checkPublic(srpB); err != nil {
		return Answer{}, err
	}
	x, err := PasswordHash(password, par)
	if err != nil {
		return Answer{}, err
	}
	var buf [size]byte
	for range 8 {
		if _, err := io.ReadFull(rnd, buf[:]); err != nil {
			return Answer{}, fmt.Errorf("srp: read secret: %w", err)
		}
		ans, err := check(gr, x, par, srpB, new(big.Int).SetBytes(buf[:]))
		if errors.Is(err, crypto.ErrDHPublicUnsafe) || errors.Is(err, crypto.ErrDHPublicRange) ||
			errors.Is(err, ErrZeroU) {
			continue // B passed above, so A (or u) was unlucky: draw another a
		}
		return ans, err
	}
	return Answer{}, fmt.Errorf("srp: no usable secret after 8 draws")
}

func (gr *group) checkPublic(x []byte) error {
	if len(x) > size {
		return fmt.Errorf("srp: %w", crypto.ErrDHPublicRange)
	}
	if err := crypto.CheckDHPublic(new(big.Int).SetBytes(x), gr.p); err != nil {
		return fmt.Errorf("srp: %w", err)
	}
	return nil
}

// check is Check with the secret a given, so a known answer can be replayed.
func check(gr *group, xHash []byte, par Params, srpB []byte, a *big.Int) (Answer, error) {
	if err := gr.checkPublic(srpB); err != nil {
		return Answer{}, err
	}
	B := new(big.Int).SetBytes(srpB)
	bBytes := pad(B)
	A := gr.pow(gr.g, a)
	aBytes := pad(A)
	if err := gr.checkPublic(aBytes); err != nil {
		return Answer{}, err
	}
	u := new(big.Int).SetBytes(hash(aBytes, bBytes))
	if u.Sign() == 0 {
		return Answer{}, ErrZeroU
	}
	x := new(big.Int).SetBytes(xHash)
	v := gr.pow(gr.g, x)
	kv := new(big.Int).Mul(gr.k, v)
	t := new(big.Int).Sub(B, kv)
	t.Mod(t, gr.p)
	e := new(big.Int).Mul(u, x)
	e.Add(e, a)
	s := gr.pow(t, e)
	return Answer{A: aBytes, M1: gr.proof(par, aBytes, bBytes, s)}, nil
}

// proof computes M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | H(S)).
func (gr *group) proof(par Params, aBytes, bBytes []byte, s *big.Int) []byte {
	hp, hg := hash(gr.pBytes), hash(gr.gBytes)
	subtle.XORBytes(hp, hp, hg)
	return hash(hp, hash(par.Salt1), hash(par.Salt2), aBytes, bBytes, hash(pad(s)))
}

// Server is the verifying side of one password check: it holds the secret b and srp_B.
type Server struct {
	gr   *group
	par  Params
	v    *big.Int
	b    *big.Int
	pubB []byte
}

// NewServer prepares a check against verifier (from Verifier), drawing b from rnd.
func NewServer(par Params, verifier []byte, rnd io.Reader) (*Server, error) {
	gr, err := newGroup(par)
	if err != nil {
		return nil, err
	}
	if len(verifier) != size {
		return nil, fmt.Errorf("srp: %w: verifier must be %d bytes", ErrParams, size)
	}
	v := new(big.Int).SetBytes(verifier)
	var buf [size]byte
	for range 8 {
		if _, err := io.ReadFull(rnd, buf[:]); err != nil {
			return nil, fmt.Errorf("srp: read secret: %w", err)
		}
		if s, ok := newServer(gr, par, v, new(big.Int).SetBytes(buf[:])); ok {
			return s, nil
		}
	}
	return nil, fmt.Errorf("srp: no usable secret after 8 draws")
}

// newServer is NewServer with the secret b given; ok is false when B = k*v + g^b fails the range
// checks and another b is needed.
func newServer(gr *group, par Params, v, b *big.Int) (*Server, bool) {
	B := gr.pow(gr.g, b)
	B.Add(B, new(big.Int).Mul(gr.k, v))
	B.Mod(B, gr.p)
	pubB := pad(B)
	if gr.checkPublic(pubB) != nil {
		return nil, false
	}
	return &Server{gr: gr, par: par, v: v, b: b, pubB: pubB}, true
}

// B returns srp_B (256 bytes) to send in account.password.
func (s *Server) B() []byte {
	return append([]byte(nil), s.pubB...)
}

// Verify checks a client's answer, returning ErrBadProof when the password was wrong and a
// range error when A is unacceptable.
func (s *Server) Verify(ans Answer) error {
	if err := s.gr.checkPublic(ans.A); err != nil {
		return err
	}
	aBytes := pad(new(big.Int).SetBytes(ans.A))
	u := new(big.Int).SetBytes(hash(aBytes, s.pubB))
	if u.Sign() == 0 {
		return ErrZeroU
	}
	A := new(big.Int).SetBytes(aBytes)
	S := s.gr.pow(s.v, u)
	S.Mul(S, A)
	S.Mod(S, s.gr.p)
	S = s.gr.pow(S, s.b)
	want := s.gr.proof(s.par, aBytes, s.pubB, S)
	if subtle.ConstantTimeCompare(want, ans.M1) != 1 {
		return ErrBadProof
	}
	return nil
}
