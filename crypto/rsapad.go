package crypto

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// RSA_PAD sizes.
const (
	// RSAPadMaxData is the largest payload RSAPad accepts.
	RSAPadMaxData = 144
	rsaPadPadded  = 192
	rsaPadHashed  = rsaPadPadded + 32
	rsaSize       = 256
)

var (
	// ErrRSAPadData reports a payload longer than RSAPadMaxData.
	ErrRSAPadData = errors.New("crypto: RSA_PAD data longer than 144 bytes")
	// ErrRSAPadDecrypt reports an RSA_PAD ciphertext that does not decrypt to a consistent
	// payload (wrong key, corrupt data or bad hash).
	ErrRSAPadDecrypt = errors.New("crypto: RSA_PAD decryption failed")
)

// maxRSAPadAttempts bounds the retry loop; each attempt succeeds with probability over 1/2
// against a 2048-bit modulus, so reaching it means the random source is broken.
const maxRSAPadAttempts = 64

// RSAPad encrypts data (at most 144 bytes, normally p_q_inner_data) for key with Telegram's
// RSA_PAD scheme and returns the 256-byte big-endian result:
//
//	data_with_padding = data + random bytes up to 192
//	repeat with a fresh random temp_key while the result is not below the modulus:
//	  data_with_hash = reverse(data_with_padding) + SHA256(temp_key + data_with_padding)
//	  aes_encrypted = AES256_IGE(data_with_hash, temp_key, zero iv)
//	  key_aes_encrypted = (temp_key XOR SHA256(aes_encrypted)) + aes_encrypted
//	encrypted_data = key_aes_encrypted ^ e mod n
func RSAPad(rnd io.Reader, key *rsa.PublicKey, data []byte) ([]byte, error) {
	if len(data) > RSAPadMaxData {
		return nil, fmt.Errorf("rsa pad: %w (got %d)", ErrRSAPadData, len(data))
	}
	if key == nil || key.N == nil || key.N.BitLen() != 2048 {
		return nil, fmt.Errorf("rsa pad: %w", ErrKeySize)
	}
	var padded [rsaPadPadded]byte
	copy(padded[:], data)
	if _, err := io.ReadFull(rnd, padded[len(data):]); err != nil {
		return nil, fmt.Errorf("rsa pad: read padding: %w", err)
	}
	var block [rsaSize]byte // temp_key_xor || aes_encrypted
	var tempKey [32]byte
	m := new(big.Int)
	for range maxRSAPadAttempts {
		if _, err := io.ReadFull(rnd, tempKey[:]); err != nil {
			return nil, fmt.Errorf("rsa pad: read temp key: %w", err)
		}
		if err := rsaPadWrap(&block, &padded, &tempKey); err != nil {
			return nil, fmt.Errorf("rsa pad: %w", err)
		}
		m.SetBytes(block[:])
		if m.Cmp(key.N) >= 0 {
			continue
		}
		c := new(big.Int).Exp(m, big.NewInt(int64(key.E)), key.N)
		out := make([]byte, rsaSize)
		c.FillBytes(out)
		return out, nil
	}
	return nil, fmt.Errorf("rsa pad: no candidate below the modulus after %d attempts", maxRSAPadAttempts)
}

// rsaPadWrap builds key_aes_encrypted, the block RSAPad raises to e, from data_with_padding
// and temp_key.
func rsaPadWrap(block *[rsaSize]byte, padded *[rsaPadPadded]byte, tempKey *[32]byte) error {
	var enc [rsaPadHashed]byte
	for i := range rsaPadPadded {
		enc[i] = padded[rsaPadPadded-1-i]
	}
	h := sha256.New()
	h.Write(tempKey[:])
	h.Write(padded[:])
	h.Sum(enc[rsaPadPadded:rsaPadPadded])
	var zeroIV [32]byte
	if err := IGEEncrypt(enc[:], enc[:], tempKey[:], zeroIV[:]); err != nil {
		return err
	}
	copy(block[32:], enc[:])
	sum := sha256.Sum256(enc[:])
	subtle.XORBytes(block[:32], tempKey[:], sum[:])
	return nil
}

// RSAPadDecrypt inverts RSAPad with the server's private key and returns the 192-byte
// data_with_padding (the payload followed by its random padding; a TL decoder reads the payload
// and ignores the rest). Every failure is ErrRSAPadDecrypt.
func RSAPadDecrypt(key *rsa.PrivateKey, enc []byte) ([]byte, error) {
	if key == nil || key.N == nil || key.D == nil || key.N.BitLen() != 2048 || len(enc) != rsaSize {
		return nil, ErrRSAPadDecrypt
	}
	c := new(big.Int).SetBytes(enc)
	if c.Cmp(key.N) >= 0 {
		return nil, ErrRSAPadDecrypt
	}
	var block [rsaSize]byte
	rsaDecrypt(key, c).FillBytes(block[:])
	out, ok := rsaPadUnwrap(&block)
	if !ok {
		return nil, ErrRSAPadDecrypt
	}
	return out, nil
}

// rsaDecrypt returns c^d mod n, through the Chinese remainder theorem when key holds its
// precomputed values (rsa.GenerateKey and x509 parsing fill them; about 3 times faster).
func rsaDecrypt(key *rsa.PrivateKey, c *big.Int) *big.Int {
	pre := &key.Precomputed
	if len(key.Primes) != 2 || pre.Dp == nil || pre.Dq == nil || pre.Qinv == nil {
		return new(big.Int).Exp(c, key.D, key.N)
	}
	p, q := key.Primes[0], key.Primes[1]
	m1 := new(big.Int).Exp(c, pre.Dp, p)
	m2 := new(big.Int).Exp(c, pre.Dq, q)
	// m = m2 + q * (qinv * (m1 - m2) mod p)
	m1.Sub(m1, m2)
	m1.Mul(m1, pre.Qinv)
	m1.Mod(m1, p)
	m1.Mul(m1, q)
	return m1.Add(m1, m2)
}

// rsaPadUnwrap inverts rsaPadWrap: it returns data_with_padding when block's hash is
// consistent.
func rsaPadUnwrap(block *[rsaSize]byte) ([]byte, bool) {
	encrypted := block[32:]
	sum := sha256.Sum256(encrypted)
	var tempKey [32]byte
	subtle.XORBytes(tempKey[:], block[:32], sum[:])
	var hashed [rsaPadHashed]byte
	var zeroIV [32]byte
	if err := IGEDecrypt(hashed[:], encrypted, tempKey[:], zeroIV[:]); err != nil {
		return nil, false
	}
	out := make([]byte, rsaPadPadded)
	for i := range rsaPadPadded {
		out[i] = hashed[rsaPadPadded-1-i]
	}
	h := sha256.New()
	h.Write(tempKey[:])
	h.Write(out)
	var want [32]byte
	h.Sum(want[:0])
	if subtle.ConstantTimeCompare(want[:], hashed[rsaPadPadded:]) != 1 {
		return nil, false
	}
	return out, true
}
