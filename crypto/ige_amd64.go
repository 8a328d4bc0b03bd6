//go:build amd64 && !purego

package crypto

// On amd64 with AES-NI the IGE chain runs in assembly (ige_amd64.s): the round keys are expanded
// into the igeKey value itself, so nothing is allocated, and each block costs one XOR plus the
// fourteen AES rounds on the critical path. Without AES-NI it falls back to genericKey.

// hasIGEAsm reports whether IGE runs on the assembly path.
var hasIGEAsm = cpuHasAES()

// igeKey is an expanded AES-256 key for IGE.
type igeKey struct {
	enc [240]byte // 15 encryption round keys
	dec [240]byte // 15 decryption round keys for AESDEC (InvMixColumns applied, reversed)
	gen genericKey
}

func (k *igeKey) init(key *[32]byte) {
	if hasIGEAsm {
		expandKey256(key, &k.enc, &k.dec)
		return
	}
	k.gen.init(key)
}

func (k *igeKey) encrypt(dst, src []byte, iv *[32]byte) {
	if len(src) == 0 {
		return
	}
	if hasIGEAsm {
		igeEncryptAsm(&k.enc, &dst[0], &src[0], len(src), iv)
		return
	}
	k.gen.encrypt(dst, src, iv)
}

func (k *igeKey) decrypt(dst, src []byte, iv *[32]byte) {
	if len(src) == 0 {
		return
	}
	if hasIGEAsm {
		igeDecryptAsm(&k.dec, &dst[0], &src[0], len(src), iv)
		return
	}
	k.gen.decrypt(dst, src, iv)
}

// cpuHasAES reports CPUID.1:ECX.AES[bit 25].
func cpuHasAES() bool {
	_, _, c, _ := cpuid(1, 0)
	return c&(1<<25) != 0
}

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// expandKey256 writes the AES-256 encryption schedule of key to enc and the equivalent inverse
// cipher schedule to dec.
//
//go:noescape
func expandKey256(key *[32]byte, enc, dec *[240]byte)

// igeEncryptAsm encrypts n bytes (a positive multiple of 16) from src to dst.
//
//go:noescape
func igeEncryptAsm(enc *[240]byte, dst, src *byte, n int, iv *[32]byte)

// igeDecryptAsm decrypts n bytes (a positive multiple of 16) from src to dst.
//
//go:noescape
func igeDecryptAsm(dec *[240]byte, dst, src *byte, n int, iv *[32]byte)
